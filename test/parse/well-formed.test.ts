// Every text of a parsed feed is well-formed UTF-16 without U+0000, and every item key is
// unique, before anything is compared or stored: what the two stores would hold differently
// (a lone surrogate, a NUL) never reaches them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeedDocument, type ParseOutcome } from '../../src/parse/feed.js';
import type { ParsedFeed } from '../../src/model.js';

const feedOf = (o: ParseOutcome): ParsedFeed => {
  if (o.kind !== 'feed') throw new Error(`not a feed: ${JSON.stringify(o)}`);
  return o.feed;
};
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** badStrings lists every string in v (at any depth) holding a lone surrogate or a NUL, by path. */
function badStrings(v: unknown, at = 'feed'): string[] {
  if (typeof v === 'string') return LONE.test(v) || v.includes('\0') ? [`${at}: ${JSON.stringify(v)}`] : [];
  if (Array.isArray(v)) return v.flatMap((x, k) => badStrings(x, `${at}[${k}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => badStrings(x, `${at}.${k}`));
  return [];
}

const jsonFeed = (items: object[], feed: object = {}) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'S', ...feed, items });

describe('well-formed text in every field of a parsed feed', () => {
  const poison = 'x\ud800y\u0000z\udc00';

  it('replaces lone surrogates with U+FFFD and drops NUL in every JSON Feed field, feed meta included', () => {
    const doc = jsonFeed(
      [
        {
          id: `id-${poison}`,
          url: `https://e.example/${poison}`,
          title: `t-${poison}`,
          content_html: `<p>${poison}</p>`,
          summary: `s-${poison}`,
          author: { name: `a-${poison}` },
          tags: [`tag-${poison}`, 'tag-x\ufffdyz\ufffd'],
          attachments: [{ url: `https://e.example/a-${poison}.mp3`, mime_type: `audio/${poison}` }],
        },
        { id: 'text', content_text: `c-${poison}` },
      ],
      {
        title: `feed-${poison}`,
        description: `d-${poison}`,
        language: `en${poison}`,
        home_page_url: `https://e.example/${poison}`,
        icon: `https://e.example/${poison}.png`,
      },
    );
    const feed = feedOf(parseFeedDocument(doc, 'https://e.example/feed.json'));
    expect(badStrings(feed)).toEqual([]);
    expect(feed.title).toBe('feed-x\ufffdyz\ufffd');
    const [first, second] = feed.items;
    expect(first).toMatchObject({
      key: 'id-x\ufffdyz\ufffd',
      guid: 'id-x\ufffdyz\ufffd',
      title: 't-x\ufffdyz\ufffd',
      author: 'a-x\ufffdyz\ufffd',
    });
    // A tag that differs from another only where it was ill-formed is the same tag.
    expect(first.categories).toEqual(['tag-x\ufffdyz\ufffd']);
    expect(first.enclosures[0].type).toBe('audio/x\ufffdyz\ufffd');
    expect(second.content).toBe('c-x\ufffdyz\ufffd');
  });

  it('keys an item whose id is a lone surrogate as U+FFFD, which is what SQLite already stored for it', () => {
    const feed = feedOf(
      parseFeedDocument(
        '{"version":"https://jsonfeed.org/version/1.1","title":"S","items":[{"id":"lone\\ud800","title":"x","content_text":"b"},{"id":"ok","title":"y","content_text":"b"}]}',
        'https://e.example/',
      ),
    );
    expect(feed.items.map((i) => i.key)).toEqual(['lone\ufffd', 'ok']);
    // No id: the url is the key, percent-encoded as a URL is.
    const byUrl = feedOf(parseFeedDocument(jsonFeed([{ url: 'https://e.example/\ud800' }]), 'https://e.example/'));
    expect(byUrl.items[0].key).toBe('https://e.example/%EF%BF%BD');
  });

  it('gives GUIDs that differ only by NUL or other C0 controls one key each way, the same on every parse', () => {
    const items = [{ id: 'a', title: 'one' }, { id: 'a\u0000', title: 'two' }, { id: 'a\u0001', title: 'one' }, { id: 'b\u0000' }];
    const keys = () => feedOf(parseFeedDocument(jsonFeed(items), 'https://e.example/')).items.map((i) => i.key);
    const first = keys();
    // "a\0" is "a" again but another item: it keeps a key of its own; "a\u0001" repeats the first exactly.
    expect(first).toEqual(['a', expect.stringMatching(/^a#[0-9a-f]{20}$/), 'b']);
    expect(keys()).toEqual(first);
  });

  it('drops NUL and lone-surrogate references from RSS and Atom text too', () => {
    const rss = `<rss version="2.0"><channel><title>r\u0000&#xD800;</title><item><guid>g\u0000&#0;</guid><title>t\u0000</title>
      <category>c\u0000</category><category>c</category><enclosure url="https://e.example/a.mp3" type="audio/mpeg\u0000"/></item></channel></rss>`;
    const r = feedOf(parseFeedDocument(rss, 'https://e.example/'));
    expect(badStrings(r)).toEqual([]);
    expect(r.items[0]).toMatchObject({ key: 'g\ufffd', title: 't', categories: ['c'], enclosures: [{ type: 'audio/mpeg' }] });
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>a\u0000</title><entry><id>urn:x\u0000</id><title>e\u0000</title>
      <content type="html">&lt;p&gt;b\u0000&lt;/p&gt;</content><category term="k\u0000"/></entry></feed>`;
    const a = feedOf(parseFeedDocument(atom, 'https://e.example/'));
    expect(badStrings(a)).toEqual([]);
    expect(a.items[0]).toMatchObject({ key: 'urn:x', title: 'e', categories: ['k'] });
  });

  it('keys an item whose GUID is too long for a PostgreSQL index by a hash of it, stable and distinct', () => {
    const long = (c: string) => `${c}${'\u4e2d'.repeat(5000)}`;
    const keys = feedOf(
      parseFeedDocument(jsonFeed([{ id: long('a') }, { id: long('b') }, { id: 'x'.repeat(2000) }]), 'https://e.example/'),
    ).items.map((i) => i.key);
    expect(keys[0]).toMatch(/^sha1-key:[0-9a-f]{40}$/);
    expect(keys[1]).toMatch(/^sha1-key:[0-9a-f]{40}$/);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('x'.repeat(2000));
    expect(feedOf(parseFeedDocument(jsonFeed([{ id: long('a') }]), 'https://e.example/')).items[0].key).toBe(keys[0]);
  });

  it('holds for any text: every string of a parsed JSON Feed is well-formed and every key unique', () => {
    // UTF-16 code units of every kind, lone surrogates and controls much more often than at random.
    const unit = fc.oneof(
      fc.constantFrom('\u0000', '\u0001', '\ud800', '\udfff', '\ud83d\ude00', 'a', ' ', '&', '<'),
      fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
    );
    const text = fc.string({ unit, maxLength: 12 });
    const item = fc.record(
      {
        id: text,
        title: text,
        url: text,
        summary: text,
        content_html: text,
        tags: fc.array(text, { maxLength: 3 }),
        attachments: fc.array(fc.record({ url: text.map((t) => `https://e.example/${t}`), mime_type: text }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), text, (items, title) => {
        const feed = feedOf(parseFeedDocument(jsonFeed(items, { title }), 'https://e.example/'));
        expect(badStrings(feed)).toEqual([]);
        const keys = feed.items.map((i) => i.key);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
  });
});
