import { describe, expect, it } from 'vitest';
import { normalizeFeedUrl } from '../../src/opml/url.js';

describe('normalizeFeedUrl', () => {
  it.each([
    ['  http://a.example/feed \n', 'http://a.example/feed'],
    ['feed://b.example/rss', 'http://b.example/rss'],
    ['feed:https://c.example/rss', 'https://c.example/rss'],
    ['d.example/atom.xml', 'http://d.example/atom.xml'],
    ['example.com:8080/feed', 'http://example.com:8080/feed'],
    ['//e.example/feed', 'http://e.example/feed'],
    ['HTTPS://F.example/Feed#top', 'https://f.example/Feed'],
    ['http://127.0.0.1:8698/feed/1', 'http://127.0.0.1:8698/feed/1'],
    [`http://g.example/feed?q=${'x'.repeat(1970)}`, `http://g.example/feed?q=${'x'.repeat(1970)}`],
  ])('makes %j fetchable as %s', (raw, url) => {
    expect(normalizeFeedUrl(raw)).toEqual({ ok: true, url });
  });

  it.each([
    ['|~/fetch.sh', 'pipe-command'],
    ['exec:~/bin/feed', 'unsupported-scheme'],
    ['filter:~/f.sh:http://x.example/', 'unsupported-scheme'],
    ['file:///tmp/feed.xml', 'unsupported-scheme'],
    ['hhttps://typo.example/', 'unsupported-scheme'],
    ['http://', 'invalid-url'],
    ['http://not yet implemented', 'invalid-url'],
    [`http://g.example/feed?q=${'x'.repeat(2000)}`, 'invalid-url'],
  ])('refuses %j as %s', (raw, reason) => {
    expect(normalizeFeedUrl(raw)).toEqual({ ok: false, reason });
  });
});
