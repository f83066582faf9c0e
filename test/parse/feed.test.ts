import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument, type ParseOutcome } from '../../src/parse/feed.js';
import { decodeDocument } from '../../src/text/charset.js';
import { toIsoDate } from '../../src/parse/dates.js';
import { fixture } from '../helpers.js';

const feedOf = (o: ParseOutcome) => {
  if (o.kind !== 'feed') throw new Error(`not a feed: ${JSON.stringify(o)}`);
  return o;
};
const parseFile = async (name: string, url = 'https://example.com/feed') =>
  parseFeedDocument(decodeDocument(fs.readFileSync(fixture('feeds', name))).text, url);

describe('parseFeedDocument', () => {
  it('reads the same Daring Fireball posts from RSS, Atom and JSON Feed', async () => {
    const [r, a, j] = await Promise.all(['DaringFireball.rss', 'DaringFireball.atom', 'DaringFireball.json'].map((f) => parseFile(f)));
    for (const o of [r, a, j]) expect(feedOf(o).feed.title).toBe('Daring Fireball');
    const first = (o: ParseOutcome) => feedOf(o).feed.items[0];
    expect(first(j).title).toBe(first(a).title);
    expect(first(a).published).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(feedOf(j).feed.items.length).toBeGreaterThan(10);
  });

  it('keeps summary and content apart', async () => {
    const doc = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>x</title>
      <item><guid>1</guid><title>t</title><description>short &lt;b&gt;teaser&lt;/b&gt;</description><content:encoded><![CDATA[<p>full</p>]]></content:encoded></item>
      </channel></rss>`;
    const it0 = feedOf(parseFeedDocument(doc, 'https://e.example/')).feed.items[0];
    expect([it0.summary, it0.content]).toEqual(['short <b>teaser</b>', '<p>full</p>']);
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><entry><id>urn:1</id><title>t</title>
      <summary>sum</summary><content type="html">&lt;p&gt;body&lt;/p&gt;</content><updated>2024-05-01T10:00:00+02:00</updated></entry></feed>`;
    const e = feedOf(parseFeedDocument(atom, 'https://e.example/')).feed.items[0];
    expect([e.key, e.summary, e.content, e.published]).toEqual(['urn:1', 'sum', '<p>body</p>', '2024-05-01T08:00:00.000Z']);
  });

  it('makes links absolute against xml:base or the feed URL', async () => {
    const o = feedOf(await parseFile('rss-with-relative-urls.xml', 'http://www.arcgames.com/en/games/neverwinter/news/rss'));
    expect(o.feed.siteUrl).toBe('http://www.arcgames.com/en/games/neverwinter/news');
    for (const it of o.feed.items) expect(it.link).toMatch(/^http:\/\/www\.arcgames\.com\//);
    const based = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/blog/"><title>b</title>
      <entry><id>x</id><title>t</title><link href="posts/1"/></entry></feed>`;
    expect(feedOf(parseFeedDocument(based, 'https://other.example/feed')).feed.items[0].link).toBe('https://base.example/blog/posts/1');
  });

  it('trims titles and decodes entities', async () => {
    const doc = `<rss version="2.0"><channel><title>  T &amp;amp; co </title><item><guid>g</guid>
      <title>
        Caf&#233; &amp; &lt;b&gt; <![CDATA[&eacute;t&eacute;]]>
      </title></item></channel></rss>`;
    const o = feedOf(parseFeedDocument(doc, 'https://e.example/'));
    expect(o.feed.items[0].title).toBe('Café & <b> été');
  });

  it('keys items by GUID, else link, else a hash of title and date, and disambiguates repeated GUIDs', async () => {
    const doc = `<rss version="2.0"><channel><title>k</title>
      <item><guid>same</guid><title>one</title><link>https://e.example/1</link></item>
      <item><guid>same</guid><title>two</title><link>https://e.example/2</link></item>
      <item><guid>same</guid><title>one</title><link>https://e.example/1</link></item>
      <item><title>linked</title><link>https://e.example/3</link></item>
      <item><title>bare</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>
      </channel></rss>`;
    const items = feedOf(parseFeedDocument(doc, 'https://e.example/')).feed.items;
    expect(items.map((i) => i.title)).toEqual(['one', 'two', 'linked', 'bare']);
    expect(items[0].key).toBe('same');
    expect(items[1].key).toMatch(/^same#[0-9a-f]{20}$/);
    expect(items[2].key).toBe('https://e.example/3');
    expect(items[3].key).toMatch(/^sha1:[0-9a-f]{20}$/);
    expect(new Set(items.map((i) => i.key)).size).toBe(4);
  });

  it('recovers items from ill-formed XML: bare &, a mistyped end tag, a truncated document', async () => {
    const broken = `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & unescaped <b>x</title>
      <item><guid>a</guid><title>A & B</title></itme>
      <item><guid>b</guid><title>B</title></item>
      <item><guid>c</guid><title>C</title></item></channel></rss>`;
    const o = feedOf(parseFeedDocument(broken, 'https://e.example/'));
    expect(o.recovered).toBe(true);
    expect(o.feed.items.map((i) => [i.key, i.title])).toEqual([
      ['a', 'A & B'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
    const cut = `<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>tw`;
    const t = feedOf(parseFeedDocument(cut, 'https://e.example/'));
    expect(t.feed.items.map((i) => i.key)).toEqual(['1']); // the cut-off entry is dropped, not stored half
  });

  it('reads an item that repeats its <guid> element (node-feedparser guid-dupes.xml)', async () => {
    const items = feedOf(await parseFile('guid-dupes.xml', 'http://feeds.braingle.com/braingle/newteasers')).feed.items;
    expect(items.map((i) => [i.key, i.title])).toEqual([['http://www.braingle.com/50366.html', 'Huh?']]);
  });

  it('tolerates a blank line before the XML declaration', async () => {
    expect(
      feedOf(
        parseFeedDocument(`\n\n<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`, 'https://e.example/'),
      ).feed.title,
    ).toBe('x');
  });

  it('finds the feeds an HTML page links to, and refuses what is not a feed', async () => {
    const html = `<!DOCTYPE html><html><head><base href="/blog/"><link rel="alternate" type="application/atom+xml" href="atom.xml">
      <link rel="alternate" type="text/html" href="/other"><link rel="stylesheet" href="x.css"></head></html>`;
    expect(parseFeedDocument(html, 'https://site.example/blog/post')).toEqual({
      kind: 'html',
      alternates: ['https://site.example/blog/atom.xml'],
    });
    expect(await parseFile('notafeed.html')).toEqual({ kind: 'html', alternates: [] });
    expect(parseFeedDocument('<opml version="2.0"><body/></opml>', 'https://e.example/')).toEqual({
      kind: 'invalid',
      reason: 'not a feed (root element is <opml>)',
    });
    expect(parseFeedDocument('{"version":"nope"}', 'https://e.example/')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/not a JSON Feed/),
    });
    expect(parseFeedDocument('', 'https://e.example/')).toMatchObject({ kind: 'invalid' });
  });
});

describe('toIsoDate', () => {
  it.each([
    ['Thu, 22 Feb 2024 12:00:00 +0000', '2024-02-22T12:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 EST', '2003-06-10T09:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 CEST', '2003-06-10T02:00:00.000Z'],
    ['Thurs, 10 Jun 2003 04:00:00 PDT', '2003-06-10T11:00:00.000Z'],
    ['10 Jun 2003 04:00 +0200', '2003-06-10T02:00:00.000Z'],
    ['2024-03-19T03:00:00Z', '2024-03-19T03:00:00.000Z'],
    ['2024-05-01T10:00:00.5+02:00', '2024-05-01T08:00:00.500Z'],
    ['2024-05-01 10:00:00', '2024-05-01T10:00:00.000Z'],
  ])('reads %j as %s', (input, iso) => {
    expect(toIsoDate(input)).toBe(iso);
  });

  it.each(['', 'yesterday', '0000-00-00', 'Mon, 99 Foo 2003'])('gives null for %j', (input) => {
    expect(toIsoDate(input)).toBeNull();
  });
});
