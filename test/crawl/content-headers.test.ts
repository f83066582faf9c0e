import { afterEach, describe, expect, it } from 'vitest';
import { refreshCommand, type RefreshOptions } from '../../src/commands/refresh.js';
import { addSubscriptions, listFeeds } from '../../src/store/sqlite/feeds.js';
import { startFeedServer, serve, type FeedServer } from '../feed-server.js';
import { testContext } from '../helpers.js';

const opts: RefreshOptions = { concurrency: 2, perHost: 2, timeout: 5, maxSize: 1 };
const quiet = { start() {}, feed() {}, stop() {} };

let server: FeedServer;
afterEach(async () => {
  await server?.close();
});

async function crawl(path: string) {
  const ctx = testContext();
  addSubscriptions(ctx.db(), [{ url: `${server.url}${path}`, title: null, siteUrl: null, category: 'Test' }], ctx.now().toISOString());
  await refreshCommand(ctx, opts, quiet);
  const feed = listFeeds(ctx.db())[0];
  const items = ctx.db().prepare('SELECT link, summary FROM items ORDER BY id').all() as { link: string; summary: string }[];
  return { feed, items };
}

const doc = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>/home</link>
  <item><guid>1</guid><link>posts/1</link><description>&lt;a href="img/x"&gt;x&lt;/a&gt;</description></item></channel></rss>`;

describe('HTTP headers the parser reads', () => {
  it('resolves relative links against Content-Location, itself resolved against the response URL', async () => {
    server = await startFeedServer({
      '/feed': serve(200, doc, { 'content-type': 'application/rss+xml', 'content-location': 'http://moved.example/blog/feed.xml' }),
    });
    const { feed, items } = await crawl('/feed');
    expect(feed.siteUrl).toBe('http://moved.example/home');
    expect(items[0].link).toBe('http://moved.example/blog/posts/1');
    expect(items[0].summary).toBe('<a href="http://moved.example/blog/img/x">x</a>');
  });

  it('takes a relative Content-Location relative to the URL fetched, and ignores one that is not http(s)', async () => {
    server = await startFeedServer({
      '/a/feed': serve(200, doc, { 'content-location': '/other/feed.xml' }),
      '/b/feed': serve(200, doc, { 'content-location': "javascript:alert('x')" }),
    });
    expect((await crawl('/a/feed')).items[0].link).toBe(`${server.url}/other/posts/1`);
    expect((await crawl('/b/feed')).items[0].link).toBe(`${server.url}/b/posts/1`);
  });

  it('lets xml:base override Content-Location', async () => {
    const based = doc.replace('<channel>', '<channel xml:base="https://base.example/x/">');
    server = await startFeedServer({ '/feed': serve(200, based, { 'content-location': 'http://moved.example/blog/' }) });
    expect((await crawl('/feed')).items[0].link).toBe('https://base.example/x/posts/1');
  });

  it('uses Content-Language as the feed language only when the document states none', async () => {
    server = await startFeedServer({
      '/none': serve(200, doc, { 'content-language': 'fr-CA, en' }),
      '/own': serve(200, doc.replace('<title>t</title>', '<title>t</title><language>de</language>'), { 'content-language': 'fr' }),
    });
    expect((await crawl('/none')).feed.meta.language).toBe('fr-CA');
    expect((await crawl('/own')).feed.meta.language).toBe('de');
  });
});
