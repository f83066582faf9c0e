// The parse stage reads a proxy's "original link" (feedburner:origLink, pheedo:origLink) into
// Item.origLink, the story's canonical link, and leaves items without one as they were.
import { describe, expect, it } from 'vitest';
import { parseFeedDocument } from '../../src/parse/feed.js';
import { storyLinks } from '../../src/store/shared/story-links.js';

const doc = (ns: string, prefix: string, orig: string) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:${prefix}="${ns}"><channel><title>t</title>` +
  `<item><guid isPermaLink="false">x-1</guid><title>A</title><link>http://feeds.example.net/~r/t/~3/abc/</link>` +
  `<${prefix}:origLink>${orig}</${prefix}:origLink></item>` +
  `<item><guid isPermaLink="false">x-2</guid><title>B</title><link>https://blog.example.com/b</link></item></channel></rss>`;

function items(text: string) {
  const out = parseFeedDocument(text, 'https://feeds.example.net/t');
  if (out.kind !== 'feed') throw new Error(`not parsed: ${JSON.stringify(out)}`);
  return out.feed.items;
}

describe('origLink', () => {
  it.each([
    ['feedburner', 'http://rssnamespace.org/feedburner/ext/1.0'],
    ['pheedo', 'http://www.pheedo.com/namespace/pheedo'],
  ])('is read from %s:origLink, and comes first among the story links', (prefix, ns) => {
    const [a, b] = items(doc(ns, prefix, 'https://blog.example.com/a?utm_source=feedburner'));
    expect(a.origLink).toBe('https://blog.example.com/a?utm_source=feedburner');
    expect(a.link).toBe('http://feeds.example.net/~r/t/~3/abc/');
    expect(storyLinks(a)).toEqual(['blog.example.com/a', 'feeds.example.net/~r/t/~3/abc/']);
    expect('origLink' in b).toBe(false);
  });

  it('is resolved against the document and kept only when it is http(s)', () => {
    expect(items(doc('http://rssnamespace.org/feedburner/ext/1.0', 'feedburner', '/posts/a'))[0].origLink).toBe(
      'https://feeds.example.net/posts/a',
    );
    expect('origLink' in items(doc('http://rssnamespace.org/feedburner/ext/1.0', 'feedburner', 'javascript:alert(1)'))[0]).toBe(false);
  });
});
