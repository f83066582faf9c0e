import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument, type ParseOutcome } from '../../src/parse/feed.js';
import { fixture } from '../helpers.js';

const feedOf = (o: ParseOutcome) => {
  if (o.kind !== 'feed') throw new Error(`not a feed: ${JSON.stringify(o)}`);
  return o.feed;
};
const parse = (doc: string, url = 'https://e.example/feed') => feedOf(parseFeedDocument(doc, url));
const atom = (entry: string, attrs = '') =>
  `<feed xmlns="http://www.w3.org/2005/Atom"${attrs}><title>a</title><entry><id>urn:x</id>${entry}</entry></feed>`;
const rss = (item: string, ns = '') => `<rss version="2.0"${ns}><channel><title>r</title><item>${item}</item></channel></rss>`;

describe('golden documents (test/fixtures/feeds/golden: x → x.expected.json)', () => {
  const dir = fixture('feeds', 'golden');
  const inputs = fs.readdirSync(dir).filter((f) => !f.endsWith('.expected.json'));
  it.each(inputs)('%s parses to its expected feed', (name) => {
    const expected = JSON.parse(fs.readFileSync(`${dir}/${name.replace(/\.\w+$/, '.expected.json')}`, 'utf8'));
    expect(parseFeedDocument(fs.readFileSync(`${dir}/${name}`, 'utf8'), 'https://example.org/feed')).toEqual(expected);
  });
});

describe('parseFeedDocument is synchronous', () => {
  it('returns the outcome itself, not a promise', () => {
    const o = parseFeedDocument(rss('<guid>1</guid>'), 'https://e.example/');
    expect(o).not.toBeInstanceOf(Promise);
    expect(o.kind).toBe('feed');
  });
});

describe('Atom text constructs (RFC 4287 §3.1, Atom 0.3 modes)', () => {
  it.each([
    [
      'xhtml → the inner XHTML of the wrapping div',
      '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></content>',
      'Example <b>Atom</b>',
    ],
    [
      'xhtml keeps escaped text escaped',
      '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">History of the &lt;blink&gt; tag</div></content>',
      'History of the &lt;blink&gt; tag',
    ],
    [
      'xhtml with a prefixed div',
      '<content type="xhtml"><x:div xmlns:x="http://www.w3.org/1999/xhtml"><x:p>para</x:p></x:div></content>',
      '<p>para</p>',
    ],
    ['html is escaped markup', '<content type="html">&lt;p&gt;body&lt;/p&gt;</content>', '<p>body</p>'],
    [
      'html inside a stray div is not escaped twice',
      '<content type="html"><div xmlns="http://www.w3.org/1999/xhtml">Example &lt;b&gt;Atom&lt;/b&gt;</div></content>',
      'Example <b>Atom</b>',
    ],
    ['text is escaped into HTML', '<content type="text">AT&amp;T &lt;3</content>', 'AT&amp;T &lt;3'],
    [
      'a binary MIME type is base64 (feedparser: read as HTML)',
      '<content type="application/octet-stream">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</content>',
      'Example <b>Atom</b>',
    ],
    [
      'Atom 0.3 mode="base64" with type text/html',
      '<content mode="base64" type="text/html">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</content>',
      'Example <b>Atom</b>',
    ],
    ['Atom 0.3 mode="escaped"', '<content mode="escaped" type="text/html">&lt;i&gt;x&lt;/i&gt;</content>', '<i>x</i>'],
    [
      'Atom 0.3 mode="xml" keeps the div, which is content there',
      '<content mode="xml" type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">Kept</div></content>',
      '<div>Kept</div>',
    ],
  ])('%s', (_name, content, html) => {
    expect(parse(atom(content)).items[0].content).toBe(html);
  });

  it.each([
    ['type="html"', '<title type="html">Example &lt;b&gt;Atom&lt;/b&gt; &amp;amp;</title>', 'Example Atom &'],
    ['type="xhtml"', '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></title>', 'Example Atom'],
    ['type="text" keeps what looks like markup', '<title>a &lt;b&gt; &amp;amp; c</title>', 'a <b> &amp; c'],
    ['base64', '<title mode="base64" type="text/html">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>', 'Example Atom'],
    [
      'script text is not title text',
      '<title type="html">safe&lt;script&gt;alert(1)&lt;/script&gt; description</title>',
      'safe description',
    ],
  ])('a title of %s is stored as text', (_name, title, text) => {
    expect(parse(atom(title)).items[0].title).toBe(text);
  });

  it('falls back to the content for an entry with only <content>', () => {
    expect(parse(atom('<content type="html">&lt;p&gt;only&lt;/p&gt;</content>')).items[0].summary).toBe('<p>only</p>');
  });

  it('ignores links without href and prefers rel="alternate"', () => {
    const e = parse(atom('<link rel="self" href="https://e.example/self"/><link rel="alternate"/><link href="https://e.example/post"/>'))
      .items[0];
    expect(e.link).toBe('https://e.example/post');
  });
});

describe('xml:base (RFC 3986 §5.1, inherited by every element)', () => {
  it('resolves links, enclosures and HTML bodies against the nearest xml:base', () => {
    const doc = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/root/"><title>b</title>
      <entry xml:base="sub/"><id>x</id><link href="page"/><link rel="enclosure" href="a.mp3" xml:base="/media/"/>
      <summary type="html" xml:base="https://c.example/">&lt;a href="rel"&gt;r&lt;/a&gt;</summary></entry></feed>`;
    const e = parse(doc, 'https://other.example/feed').items[0];
    expect(e.link).toBe('https://a.example/root/sub/page');
    expect(e.enclosures.map((x) => x.url)).toEqual(['https://a.example/media/a.mp3']);
    expect(e.summary).toContain('https://c.example/rel');
  });
});

describe('namespaces are resolved by URI, not by prefix', () => {
  it('reads iTunes and Dublin Core under unusual prefixes, and common prefixes left undeclared', () => {
    const declared = rss(
      '<guid>1</guid><i:duration>1:00</i:duration><d:creator>Ann</d:creator>',
      ' xmlns:i="http://www.itunes.com/DTDs/Podcast-1.0.dtd" xmlns:d="http://purl.org/dc/elements/1.1/"',
    );
    expect(parse(declared).items[0]).toMatchObject({ duration: 60, author: 'Ann' });
    expect(parse(rss('<guid>1</guid><itunes:episode>7</itunes:episode><dc:creator>Bo</dc:creator>')).items[0]).toMatchObject({
      episode: 7,
      author: 'Bo',
    });
  });

  it.each([
    ['no trailing slash', 'http://purl.org/rss/1.0/modules/content'],
    ['https and capitals', 'HTTPS://purl.org/rss/1.0/modules/content/'],
  ])('forgives a namespace URI misspelled in a small way (%s)', (_name, uri) => {
    expect(parse(rss('<guid>1</guid><c:encoded>&lt;p&gt;body&lt;/p&gt;</c:encoded>', ` xmlns:c="${uri}"`)).items[0].content).toBe(
      '<p>body</p>',
    );
  });

  it('does not mistake a foreign element for a core one because of its prefix', () => {
    const doc = rss('<guid>1</guid><title>real</title><x:title xmlns:x="urn:other">other</x:title>');
    expect(parse(doc).items[0].title).toBe('real');
  });

  it('reads a feed whose document element is in an unknown namespace by its name', () => {
    expect(parse('<feed version="0.3" xmlns="http://example.com/newformat#"><title>Example Atom</title></feed>').title).toBe(
      'Example Atom',
    );
  });
});

describe('RSS fields read from every place feeds put them', () => {
  const DC =
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
  it.each([
    ['itunes:summary', '<itunes:summary>sum &lt;3</itunes:summary>', { summary: 'sum &lt;3' }],
    ['media:description in media:group', '<media:group><media:description>md</media:description></media:group>', { summary: 'md' }],
    ['dc:description', '<dc:description>dc</dc:description>', { summary: 'dc' }],
    [
      'dcterms:issued and modified',
      '<dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued><dcterms:modified>2004-01-01T00:00:00Z</dcterms:modified>',
      { published: '2003-12-31T10:14:55.000Z', updated: '2004-01-01T00:00:00.000Z' },
    ],
    ['dc:author', '<dc:author>me@example.com (Example editor)</dc:author>', { author: 'Example editor' }],
    ['itunes:author', '<itunes:author>Pod Person</itunes:author>', { author: 'Pod Person' }],
    ['a permalink guid as the link', '<guid>https://e.example/p/1</guid>', { link: 'https://e.example/p/1' }],
    ['no link from a guid that is not a permalink', '<guid isPermaLink="false">https://e.example/p/1</guid>', { link: null }],
    [
      'content:encoded as the summary when there is no description',
      '<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;c&lt;/p&gt;</content:encoded>',
      { summary: '<p>c</p>' },
    ],
    [
      'unescaped inline markup in a description',
      '<description><p>raw <b>html</b></p></description>',
      { summary: '<p>raw <b>html</b></p>' },
    ],
  ])('reads %s', (_name, xml, fields) => {
    expect(parse(rss(`<title>t</title>${xml}`, DC)).items[0]).toMatchObject(fields);
  });

  it('reads feed metadata: document title, description as text, site link, language, image', () => {
    const f = parse(`<rss version="2.0" xml:lang="fr"><channel><title>Doc</title><link>https://site.example/</link>
      <description>&lt;p&gt;About &lt;b&gt;us&lt;/b&gt;&lt;/p&gt;</description><image><url>/logo.png</url></image></channel></rss>`);
    expect(f).toMatchObject({
      title: 'Doc',
      siteUrl: 'https://site.example/',
      description: 'About us',
      language: 'fr',
      imageUrl: 'https://e.example/logo.png',
    });
  });
});

describe('titles', () => {
  it.each([
    ['NBSP', 'A\u00a0B', 'A\u00a0B'],
    ['narrow NBSP before a French colon', 'Titre\u202f: suite', 'Titre\u202f: suite'],
    ['ideographic space', '東京\u3000大阪', '東京\u3000大阪'],
    ['ASCII runs, tabs and newlines', '  a \t\n b  ', 'a b'],
    ['control characters', 'ab\u0008cd', 'abcd'],
    ['&copy= is not an entity without its semicolon', '?page=1&amp;copy=2 &amp;amp; done', '?page=1&copy=2 & done'],
  ])('keep significant Unicode spaces and fold only ASCII whitespace: %s', (_name, title, expected) => {
    expect(parse(rss(`<guid>1</guid><title>${title}</title>`)).items[0].title).toBe(expected);
  });
});

describe('JSON Feed', () => {
  it.each([
    'https://jsonfeed.org/version/1.1',
    'http://jsonfeed.org/version/1',
    'https://jsonfeed.org/version/1.1/',
    'https://www.jsonfeed.org/version/1/',
  ])('accepts version %s', (version) => {
    const o = parseFeedDocument(JSON.stringify({ version, title: 'j', items: [{ id: 1, title: 'x' }] }), 'https://e.example/');
    expect(o.kind).toBe('feed');
  });

  it('accepts a document with the JSON Feed shape and a bare version', () => {
    expect(parseFeedDocument(JSON.stringify({ version: '1.1', title: 'j', items: [] }), 'https://e.example/').kind).toBe('feed');
  });

  it('gives items without authors the feed\'s author (JSON Feed 1.1 "authors")', () => {
    const doc = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'j',
      authors: [{ name: 'Feed Author' }],
      items: [{ id: 1 }, { id: 2, author: { name: 'Own (1.0 style)' } }],
    });
    expect(feedOf(parseFeedDocument(doc, 'https://e.example/')).items.map((i) => i.author)).toEqual(['Feed Author', 'Own (1.0 style)']);
  });

  it('refuses broken JSON with one short line, even when the input has newlines', () => {
    const o = parseFeedDocument(`{"title": "x",\n\n "items": [\n\u0001${'x'.repeat(1000)}`, 'https://e.example/');
    expect(o).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^not valid JSON \([^\n\r]{1,200}\)$/) });
  });

  it('skips entries of items that are not objects instead of storing an item with every field null', () => {
    const doc = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'j',
      items: [null, 7, 'text', [{ id: 'in-an-array' }], true, { id: 'real', title: 'Real' }, {}],
    });
    const items = feedOf(parseFeedDocument(doc, 'https://e.example/')).items;
    expect(items.map((i) => [i.guid, i.title])).toEqual([
      ['real', 'Real'],
      [null, null],
    ]);
  });

  it('refuses JSON that is not a feed with a one-line reason', () => {
    expect(parseFeedDocument('{"name":"package.json"}', 'https://e.example/')).toEqual({
      kind: 'invalid',
      reason: 'not a JSON Feed (no jsonfeed.org version or no items)',
    });
  });
});

describe('CDF (Microsoft Channel Definition Format)', () => {
  it('reads channel and item HREF, TITLE, ABSTRACT and LASTMOD', () => {
    const f = parse(
      '<CHANNEL HREF="http://c.example/"><TITLE>C</TITLE><ITEM HREF="http://c.example/1" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>one</TITLE><ABSTRACT>abs</ABSTRACT></ITEM></CHANNEL>',
    );
    expect(f.siteUrl).toBe('http://c.example/');
    expect(f.items[0]).toMatchObject({ link: 'http://c.example/1', title: 'one', summary: 'abs', updated: '2004-04-07T04:05:43.000Z' });
  });
});

describe('RSS items with more than one body, and permalink GUIDs', () => {
  it('reads the first of <summary> and <description> as the summary and the other as the body, in either order', () => {
    const a = parse(rss('<guid>1</guid><summary>short</summary><description>long</description>')).items[0];
    expect([a.summary, a.content]).toEqual(['short', 'long']);
    const b = parse(rss('<guid>1</guid><description>long</description><summary>short</summary>')).items[0];
    expect([b.summary, b.content]).toEqual(['long', 'short']);
  });

  it('keeps content:encoded as the body when an item also has <summary> and <description>', () => {
    const ns = ' xmlns:content="http://purl.org/rss/1.0/modules/content/"';
    const it0 = parse(rss('<guid>1</guid><summary>s</summary><description>d</description><content:encoded>c</content:encoded>', ns))
      .items[0];
    expect([it0.summary, it0.content]).toEqual(['d', 'c']);
  });

  it('resolves a relative GUID marked isPermaLink="true" against xml:base, and leaves unmarked GUIDs as written', () => {
    const doc = (guid: string) =>
      `<rss xml:base="http://example.com/podcast/"><channel><title>p</title><item>${guid}</item></channel></rss>`;
    expect(parse(doc('<guid isPermaLink="true">episode/1/</guid>')).items[0]).toMatchObject({
      guid: 'http://example.com/podcast/episode/1/',
      key: 'http://example.com/podcast/episode/1/',
    });
    expect(parse(doc('<guid>episode/1/</guid>')).items[0].guid).toBe('episode/1/');
    expect(parse(doc('<guid isPermaLink="true">urn:uuid:1</guid>')).items[0].guid).toBe('urn:uuid:1');
  });

  it('takes a GUID as the link of an item without one only when it is an absolute http(s) URL, not marked isPermaLink="false"', () => {
    const link = (guid: string) =>
      parse(
        `<rss version="2.0"><channel><title>p</title><item>${guid}<title>t</title></item></channel></rss>`,
        'https://e.example/blog/feed.xml',
      ).items[0].link;
    // An unmarked GUID is a name (isPermaLink's default does not make it a path): never "https://e.example/blog/p1".
    expect(link('<guid>p1</guid>')).toBeNull();
    expect(link('<guid>/posts/1</guid>')).toBeNull();
    expect(link('<guid>urn:uuid:1</guid>')).toBeNull();
    expect(link('<guid>HTTPS://e.example/posts/1</guid>')).toBe('https://e.example/posts/1');
    expect(link('<guid isPermaLink="false">https://e.example/posts/1</guid>')).toBeNull();
    // A GUID the publisher marks isPermaLink="true" is a URL: resolved against xml:base as the GUID itself, it is the link.
    expect(link('<guid isPermaLink="true">p1</guid>')).toBe('https://e.example/blog/p1');
    expect(
      parse(
        `<rss xml:base="http://example.com/podcast/"><channel><title>p</title><item><guid isPermaLink="true">episode/1/</guid></item></channel></rss>`,
      ).items[0].link,
    ).toBe('http://example.com/podcast/episode/1/');
  });
});

describe('the response headers parseFeedDocument reads', () => {
  const doc =
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><link href="home"/><entry><id>urn:x</id><link href="p/1"/></entry></feed>';
  it('takes Content-Location, resolved against the URL, as the base; a non-http(s) one is ignored', () => {
    const at = (contentLocation: string) => feedOf(parseFeedDocument(doc, 'https://e.example/feeds/atom', '', { contentLocation }));
    expect(at('https://cdn.example/blog/feed').items[0].link).toBe('https://cdn.example/blog/p/1');
    expect(at('/moved/feed').siteUrl).toBe('https://e.example/moved/home');
    expect(at('javascript:alert(1)').siteUrl).toBe('https://e.example/feeds/home');
  });

  it('lets xml:base win over Content-Location', () => {
    const based = doc.replace('<feed ', '<feed xml:base="https://base.example/x/" ');
    expect(feedOf(parseFeedDocument(based, 'https://e.example/f', '', { contentLocation: 'https://cdn.example/' })).items[0].link).toBe(
      'https://base.example/x/p/1',
    );
  });

  it('uses the first Content-Language only when the document has no language', () => {
    expect(feedOf(parseFeedDocument(doc, 'https://e.example/f', '', { contentLanguage: 'en-GB, fr' })).language).toBe('en-GB');
    const own = doc.replace('<feed ', '<feed xml:lang="de" ');
    expect(feedOf(parseFeedDocument(own, 'https://e.example/f', '', { contentLanguage: 'fr' })).language).toBe('de');
  });
});
