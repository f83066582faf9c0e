import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument } from '../../src/parse/feed.js';

const nested = (n: number) =>
  `<rss><channel><title>t</title><item><guid>1</guid><description>${'<b>'.repeat(n)}x${'</b>'.repeat(n)}</description></item><item><guid>2</guid></item></channel></rss>`;

describe('hostile and broken documents', () => {
  it('flattens markup nested deeper than any feed, keeping its text and the items after it', () => {
    const o = parseFeedDocument(nested(1000), 'https://e.example/');
    expect(o).toMatchObject({ kind: 'feed', recovered: true });
    if (o.kind === 'feed') expect(o.feed.items.map((i) => i.key)).toEqual(['1', '2']);
  });

  it('refuses absurd nesting with a one-line reason instead of overflowing the stack', () => {
    expect(parseFeedDocument(nested(100_000), 'https://e.example/')).toEqual({
      kind: 'invalid',
      reason: 'refused: elements nest deeper than 5200 levels',
    });
  });

  it('moves entries an unclosed sibling swallowed back up, and drops only an entry cut off by the end', () => {
    const doc =
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>a</id><title>A</title><entry><id>b</id></entry><entry><id>c</id><title>C';
    const o = parseFeedDocument(doc, 'https://e.example/');
    expect(o).toMatchObject({ kind: 'feed', recovered: true });
    if (o.kind === 'feed') expect(o.feed.items.map((i) => i.key)).toEqual(['a', 'b']);
  });

  it('keeps every item of a document cut off after its last complete item', () => {
    const o = parseFeedDocument('<rss><channel><item><guid>1</guid></item><item><guid>2</guid></item>', 'https://e.example/');
    if (o.kind !== 'feed') throw new Error(o.kind);
    expect(o.feed.items.map((i) => i.key)).toEqual(['1', '2']);
  });

  const seed = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY n "&#160;">]><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
    <channel><title>T&n;</title><item><guid>1</guid><title>a &amp; b</title><description><![CDATA[<p>x</p>]]></description>
    <enclosure url="/a.mp3" length="1" type="audio/mpeg"/><itunes:duration>1:00</itunes:duration></item>
    <item xml:base="sub/"><link>p</link><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item></channel></rss>`;
  const TOKENS = [
    '<',
    '>',
    '&',
    '</item>',
    '<item>',
    '<![CDATA[',
    ']]>',
    '&#0;',
    '&#xD800;',
    '&n;',
    'xml:base="::"',
    '"',
    '<entry>',
    '\u0000',
    '<!--',
    '<!DOCTYPE x [<!ENTITY a "&a;">]>',
  ];

  it('never throws on mutated documents: each is a feed, an HTML page or a one-line refusal', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...TOKENS), fc.nat(40)), { maxLength: 6 });
    fc.assert(
      fc.property(mutation, fc.nat(), (edits, cut) => {
        let doc = seed;
        for (const [at, token, drop] of edits) {
          const k = at % (doc.length + 1);
          doc = doc.slice(0, k) + token + doc.slice(k + drop);
        }
        if (cut % 3 === 0) doc = doc.slice(0, cut % (doc.length + 1));
        const o = parseFeedDocument(doc, 'https://e.example/');
        expect(['feed', 'html', 'invalid']).toContain(o.kind);
        if (o.kind === 'invalid') expect(o.reason).not.toContain('\n');
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
