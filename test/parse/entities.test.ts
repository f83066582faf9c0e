import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument, type ParseOutcome } from '../../src/parse/feed.js';

const feedOf = (o: ParseOutcome) => {
  if (o.kind !== 'feed') throw new Error(`not a feed: ${JSON.stringify(o)}`);
  return o;
};
const withDoctype = (subset: string, title: string) =>
  `<?xml version="1.0"?>\n<!DOCTYPE rss [\n${subset}\n]>\n<rss version="2.0"><channel><title>${title}</title><item><guid>g</guid><title>${title}</title></item></channel></rss>`;
const titleOf = (doc: string) => feedOf(parseFeedDocument(doc, 'https://e.example/')).feed.title;

describe('DOCTYPE internal subset (XML 1.0 §4.2)', () => {
  it.each([
    ['a character entity', '<!ENTITY nbsp "&#160;">', 'a&nbsp;b', 'a\u00a0b'],
    ['an entity referring to another', '<!ENTITY who "Zo&eacute;"><!ENTITY greet "Hi, &who;!">', '&greet;', 'Hi, Zoé!'],
    ['single-quoted literals and comments in the subset', "<!-- a > comment --><!ENTITY q 'quoted'>", '&q;', 'quoted'],
    ['a parameter entity, which is ignored', '<!ENTITY % pe "ignored"><!ENTITY x "x">', '&x;', 'x'],
  ])('expands %s', (_name, subset, title, expected) => {
    expect(titleOf(withDoctype(subset, title))).toBe(expected);
  });

  it('reads a DOCTYPE with a public identifier and an internal subset (real feeds declare HTML entities this way)', () => {
    const doc = `<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd" [<!ENTITY copy "&#169;">]>
      <rss version="0.91"><channel><title>&copy; 2004</title></channel></rss>`;
    expect(titleOf(doc)).toBe('© 2004');
  });

  it('never reads an external entity (XXE): the reference expands to nothing', () => {
    const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-xxe-')), 'secret.txt');
    fs.writeFileSync(secret, 'TOP-SECRET');
    const doc = withDoctype(`<!ENTITY xxe SYSTEM "file://${secret}"><!ENTITY pub PUBLIC "-//X//Y" "file://${secret}">`, 'a&xxe;&pub;b');
    const o = feedOf(parseFeedDocument(doc, 'https://e.example/'));
    expect(JSON.stringify(o)).not.toContain('TOP-SECRET');
    expect(o.feed.title).toBe('ab');
  });

  it('refuses a billion-laughs document with a one-line reason, quickly', () => {
    const lols = ['<!ENTITY lol0 "lol">'];
    for (let k = 1; k <= 9; k++) lols.push(`<!ENTITY lol${k} "${`&lol${k - 1};`.repeat(10)}">`);
    const started = process.hrtime.bigint();
    const o = parseFeedDocument(withDoctype(lols.join(''), '&lol9;'), 'https://e.example/');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    expect(o).toEqual({ kind: 'invalid', reason: expect.stringMatching(/^refused: entity expansion exceeds \d+ characters/) });
  });

  it('refuses an entity that refers to itself', () => {
    const o = parseFeedDocument(withDoctype('<!ENTITY a "x&b;"><!ENTITY b "y&a;">', '&a;'), 'https://e.example/');
    expect(o).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^refused: /) });
  });

  it('allows modest expansion spread over many references', () => {
    const doc = withDoctype('<!ENTITY e "0123456789">', '&e;'.repeat(500));
    expect(titleOf(doc)).toHaveLength(5000);
  });
});

describe('entities without a DOCTYPE', () => {
  it.each([
    ['&nbsp;', '\u00a0'],
    ['&eacute;', 'é'],
    ['&hellip;', '…'],
    ['&#8217;', '’'],
    ['&#x2019;', '’'],
    ['&#146;', '’'], // a windows-1252 code point written as a character reference
    ['&lang;', '\u2329'], // HTML 4's meaning, as feedparser reads it
    ['&amp;amp;', '&'], // RSS titles are HTML-ish: decoded once more, as feedparser does
  ])('decodes the undeclared HTML entity %s leniently', (entity, text) => {
    expect(titleOf(`<rss version="2.0"><channel><title>x${entity}y</title></channel></rss>`)).toBe(`x${text}y`);
  });

  it('keeps an unknown entity as text and a bare & as an ampersand, marking the document recovered', () => {
    const o = feedOf(parseFeedDocument('<rss version="2.0"><channel><title>a &bogus; b & c</title></channel></rss>', 'https://e.example/'));
    expect(o.feed.title).toBe('a &bogus; b & c');
    expect(o.recovered).toBe(true);
  });

  it('does not mark a well-formed document using HTML entities as recovered', () => {
    expect(
      feedOf(parseFeedDocument('<rss version="2.0"><channel><title>a&nbsp;b</title></channel></rss>', 'https://e.example/')).recovered,
    ).toBe(false);
  });
});
