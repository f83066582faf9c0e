import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOpml } from '../../src/opml/read.js';
import { InputError } from '../../src/errors.js';
import { fixture } from '../helpers.js';

const read = (name: string) => readOpml(fs.readFileSync(fixture('opml', name)), name);
const byUrl = (name: string) => new Map(read(name).subscriptions.map((s) => [s.url, s]));

describe('readOpml leniency', () => {
  it('accepts bare & in attributes and keeps the text', () => {
    const list = read('bare-ampersand.opml');
    expect(list.title).toBe("Tom & Jerry's list");
    expect(list.subscriptions.map((s) => [s.url, s.title, s.siteUrl])).toEqual([
      ['http://example.com/feed?a=1&b=2', 'News & Views', 'http://example.com/?x=1&y=2'],
      ['http://example.org/rss', 'Café & Bar', null],
    ]);
  });

  it.each([
    ['utf8-bom.opml', 'https://bom.example/feed', 'BOM feed'],
    ['utf16-bom.opml', 'https://utf16.example/feed', 'Zürich Ünïcode'],
    ['latin1-label-utf8-bytes.opml', 'https://mislabelled.example/feed', 'Zoë Brontë’s blog'],
    ['latin1.opml', 'https://latin1.example/feed', 'Düsseldorf Café'],
    ['cp1252-undeclared.opml', 'https://cp1252.example/feed', '“Smart” quotes — €5'],
    ['utf8-label.opml', 'https://utf8label.example/feed', 'Podcast²'],
  ])('decodes %s to the right text', (file, url, title) => {
    expect(byUrl(file).get(url)?.title).toBe(title);
  });

  it('tolerates leading whitespace and comments, version="version", miscapitalised xmlurl and &#10; around URLs', () => {
    const list = read('leading-comment-whitespace.opml');
    expect(list.title).toBe('RSS Guard style');
    expect(list.subscriptions.map((s) => [s.url, s.title, s.siteUrl])).toEqual([
      ['https://ws.example/feed', 'Whitespace URL', 'https://ws.example/'],
      ['https://caps.example/feed', 'Title only', null],
    ]);
  });

  it('turns folders nested four deep into a category path, and reads the category attribute', () => {
    const subs = byUrl('nested.opml');
    expect(subs.get('https://this-week-in-rust.org/rss.xml')?.category).toBe('Technology/Programming/Languages/Rust');
    expect(subs.get('https://news.ycombinator.com/rss')?.category).toBe('Technology/Programming');
    expect(subs.get('https://feeds.arstechnica.com/arstechnica/index')?.category).toBe('Technology');
    expect(subs.get('https://film.example/feed')?.category).toBe('Culture & Arts');
    expect(subs.get('https://tagged.example/feed')?.category).toBe('Science/Physics');
    expect(subs.get('https://top.example/feed')?.category).toBe('');
    expect(read('nested.opml').skipped).toEqual({ 'no-url': 1 }); // the empty folder
  });

  it('salvages the feed of an outline whose attribute holds raw HTML with quotes', () => {
    const list = read('raw-html-attribute.opml');
    expect(list.subscriptions.map((s) => [s.url, s.category])).toEqual([
      ['https://before.example/feed', 'Programming'],
      ['https://m.signalvnoise.com/feed/', 'Programming'],
      ['https://after.example/feed', 'Programming'],
      ['https://inside.example/feed', 'Design'], // later folders keep their own nesting
      ['https://top-after.example/feed', ''],
    ]);
    expect(list.subscriptions[2].title).toBe('Doug Varone & Dancers: <i>Deconstructing English</i>');
  });

  it('makes titles and folder names well-formed text without control characters (U+0000 included)', () => {
    const doc =
      '<opml version="2.0"><head><title>L\u0000ist</title></head><body><outline text="Fol\u0001der &#xD800;">' +
      '<outline text="a\u0000b&#0;c&#xD800;" xmlUrl="http://e.example/f"/></outline></body></opml>';
    const list = readOpml(Buffer.from(doc), 'x.opml');
    expect(list.title).toBe('List');
    expect(list.subscriptions).toEqual([
      { url: 'http://e.example/f', title: 'ab\ufffdc\ufffd', siteUrl: null, category: 'Folder \ufffd', folders: ['Folder \ufffd'] },
    ]);
  });

  it('reads a truncated export that lost its head', () => {
    expect(read('headless-fragment.opml').subscriptions.map((s) => s.url)).toEqual([
      'http://www.thecssninja.com/feed',
      'http://hakim.se/rss.xml',
    ]);
  });

  it('imports a real list with bare & (awesome-rss-feeds Australia)', () => {
    const list = read('real/australia.opml');
    expect(list.subscriptions).toHaveLength(16);
    expect(new Set(list.subscriptions.map((s) => s.category))).toEqual(new Set(['Australia']));
  });
});

describe('readOpml skip rules', () => {
  const list = read('skips.opml');
  const urls = list.subscriptions.map((s) => s.url);

  it('counts every non-subscription outline by reason', () => {
    expect(list.skipped).toEqual({
      'no-url': 2,
      vfolder: 1,
      rule: 2,
      include: 1,
      link: 1,
      'pipe-command': 1,
      'unsupported-scheme': 2,
    });
  });

  it('turns scheme-less and feed:// URLs into http(s) URLs', () => {
    expect(urls).toEqual(expect.arrayContaining(['http://vanimpe.eu/', 'http://feedscheme.example/rss', 'https://feedhttps.example/rss']));
  });

  it('merges a URL repeated in the file into its first outline', () => {
    expect(urls.filter((u) => u === 'https://dup.example/feed')).toHaveLength(1);
    expect(list.subscriptions.find((s) => s.url === 'https://dup.example/feed')?.title).toBe('First');
    expect(list.duplicates).toBe(1);
  });

  it('skips newsboat pipe commands in a real newsboat file', () => {
    const real = read('real/newsboat-piped.opml');
    expect(real.subscriptions.map((s) => [s.url, s.category])).toEqual([['https://example.com/feed.atom', 'tagged']]);
    expect(real.skipped).toEqual({ 'pipe-command': 1 });
  });
});

describe('readOpml refusals', () => {
  it.each([
    ['not-opml.html', 'not an OPML document (root element is <html>)'],
    ['rss-instead.xml', 'not an OPML document (root element is <rss>)'],
    ['plain-text.opml', 'not an OPML document (no XML elements found)'],
  ])('refuses %s with a one-line reason', (file, problem) => {
    expect(() => read(file)).toThrow(InputError);
    expect(() => read(file)).toThrow(`${file}: ${problem}`);
  });
});
