import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshCommand, type RefreshOptions } from '../../src/commands/refresh.js';
import { addSubscriptions, listFeeds } from '../../src/store/sqlite/feeds.js';
import { backoffMs, type FeedResult } from '../../src/crawl/recipe.js';
import { startFeedServer, serve, rss, type FeedServer } from '../feed-server.js';
import { fixture, testContext } from '../helpers.js';
import type { CrawlListener } from '../../src/results.js';

const opts = (o: Partial<RefreshOptions> = {}): RefreshOptions => ({ concurrency: 4, perHost: 4, timeout: 5, maxSize: 1, ...o });
function recorder() {
  const results: FeedResult[] = [];
  const listen: CrawlListener = { start() {}, feed: (r) => results.push(r), stop() {} };
  return { results, listen };
}
const subscribe = (ctx: ReturnType<typeof testContext>, ...urls: string[]) =>
  addSubscriptions(
    ctx.db(),
    urls.map((url) => ({ url, title: null, siteUrl: null, category: 'Test' })),
    ctx.now().toISOString(),
  );
const items = (ctx: ReturnType<typeof testContext>) =>
  ctx
    .db()
    .prepare(
      'SELECT i.id, f.url AS feed, i.key, i.title, i.first_seen AS firstSeen FROM items i JOIN feeds f ON f.id = i.feed_id ORDER BY i.id',
    )
    .all() as { id: number; feed: string; key: string; title: string; firstSeen: string }[];

let server: FeedServer;
afterEach(async () => {
  await server?.close();
});

describe('refresh', () => {
  it('stores every item once, then sends conditional requests and adds nothing when not modified', async () => {
    const doc = rss('Blog', [
      { guid: 'a', title: 'First' },
      { guid: 'b', title: 'Second' },
    ]);
    server = await startFeedServer({
      '/feed': (req, res) =>
        (req.headers['if-none-match'] === '"e1"'
          ? serve(304, '', { etag: '"e1"' })
          : serve(200, doc, { etag: '"e1"', 'last-modified': 'Wed, 01 May 2024 10:00:00 GMT' }))(req, res),
    });
    const ctx = testContext();
    subscribe(ctx, `${server.url}/feed`);
    const first = recorder();
    expect(await refreshCommand(ctx, opts(), first.listen)).toMatchObject({ feeds: 1, updated: 1, newItems: 2, failed: 0 });
    const second = recorder();
    expect(await refreshCommand(ctx, opts(), second.listen)).toMatchObject({ feeds: 1, notModified: 1, newItems: 0 });
    expect(items(ctx).map((i) => i.key)).toEqual(['a', 'b']);
    expect(server.requests[1].headers).toMatchObject({ 'if-none-match': '"e1"', 'if-modified-since': 'Wed, 01 May 2024 10:00:00 GMT' });
    expect(listFeeds(ctx.db())[0]).toMatchObject({ lastStatus: 304, consecutiveErrors: 0, title: 'Blog', etag: '"e1"' });
  });

  it('adds exactly the new items of a feed that changed, and updates an edited item in place', async () => {
    let version = 1;
    server = await startFeedServer({
      '/feed': (req, res) =>
        serve(
          200,
          version === 1
            ? rss('B', [
                { guid: 'a', title: 'A' },
                { guid: 'b', title: 'B' },
              ])
            : rss('B', [
                { guid: 'c', title: 'C' },
                { guid: 'a', title: 'A (edited)' },
                { guid: 'b', title: 'B' },
              ]),
        )(req, res),
    });
    let clock = new Date('2026-01-01T00:00:00Z');
    const ctx = testContext({}, () => clock);
    subscribe(ctx, `${server.url}/feed`);
    await refreshCommand(ctx, opts(), recorder().listen);
    const before = items(ctx);
    version = 2;
    clock = new Date('2026-01-02T00:00:00Z');
    expect(await refreshCommand(ctx, opts(), recorder().listen)).toMatchObject({ newItems: 1, updatedItems: 1 });
    const after = items(ctx);
    expect(after.map((i) => [i.key, i.title])).toEqual([
      ['a', 'A (edited)'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
    expect(after[0]).toMatchObject({ id: before[0].id, firstSeen: before[0].firstSeen });
    expect(after[2].firstSeen).toBe('2026-01-02T00:00:00.000Z');
  });

  it('moves a subscription after a 301 once the target parses, but not after a 302', async () => {
    server = await startFeedServer({
      '/perm': serve(301, '', { location: '/new-home' }),
      '/temp': serve(302, '', { location: '/elsewhere' }),
      '/new-home': serve(200, rss('Moved', [{ guid: '1', title: 'x' }])),
      '/elsewhere': serve(200, rss('Temp', [{ guid: '2', title: 'y' }])),
    });
    const ctx = testContext();
    subscribe(ctx, `${server.url}/perm`, `${server.url}/temp`);
    expect(await refreshCommand(ctx, opts(), recorder().listen)).toMatchObject({ updated: 2, moved: 1 });
    expect(
      listFeeds(ctx.db())
        .map((f) => f.url)
        .sort(),
    ).toEqual([`${server.url}/new-home`, `${server.url}/temp`]);
  });

  it('follows an HTML page to the feed it announces and subscribes to that feed', async () => {
    server = await startFeedServer({
      '/blog': serve(200, '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/blog/rss"></head></html>', {
        'content-type': 'text/html',
      }),
      '/blog/rss': serve(200, rss('Found', [{ guid: 'f', title: 'found it' }]), { etag: '"rss"' }),
    });
    const ctx = testContext();
    subscribe(ctx, `${server.url}/blog`);
    const { results, listen } = recorder();
    await refreshCommand(ctx, opts(), listen);
    expect(results[0]).toMatchObject({ outcome: 'updated', added: 1, movedTo: `${server.url}/blog/rss` });
    expect(listFeeds(ctx.db())[0]).toMatchObject({ url: `${server.url}/blog/rss`, etag: '"rss"', title: 'Found' });
  });

  it('tries the feed links of a page in order: past a 404 and an HTML page, the third, a feed, becomes the subscription', async () => {
    const page = (...hrefs: string[]) =>
      serve(
        200,
        `<!doctype html><html><head>${hrefs.map((h) => `<link rel="alternate" type="application/rss+xml" href="${h}">`).join('')}</head></html>`,
        { 'content-type': 'text/html' },
      );
    server = await startFeedServer({
      '/blog': page('/gone.xml', '/other-page', '/real.xml'),
      // Another page announcing a feed: discovery does not go on from a discovered page.
      '/other-page': page('/never.xml'),
      '/real.xml': serve(200, rss('Real', [{ guid: 'r', title: 'real' }])),
      '/never.xml': serve(200, rss('Never', [{ guid: 'n', title: 'never' }])),
    });
    const ctx = testContext();
    subscribe(ctx, `${server.url}/blog`);
    const { results, listen } = recorder();
    await refreshCommand(ctx, opts(), listen);
    expect(results[0]).toMatchObject({ outcome: 'updated', added: 1, movedTo: `${server.url}/real.xml` });
    expect(listFeeds(ctx.db())[0]).toMatchObject({ url: `${server.url}/real.xml`, title: 'Real' });
    expect(server.hits('/never.xml')).toBe(0);
  });

  it('names every feed link of a page that failed, on one line, and fetches at most five of them', async () => {
    const links = ['/a', '/b', '/c', '/d', '/e', '/f'];
    server = await startFeedServer({
      '/blog': serve(
        200,
        `<!doctype html><html><head>${links.map((h) => `<link rel="alternate" type="application/atom+xml" href="${h}">`).join('')}</head></html>`,
        { 'content-type': 'text/html' },
      ),
      '/b': serve(200, '<!doctype html><html><body>a page</body></html>', { 'content-type': 'text/html' }),
      '/c': serve(200, 'not a feed', { 'content-type': 'text/plain' }),
      '/d': serve(500, 'oops'),
      '/e': serve(200, '<html><head><link rel="alternate" type="application/rss+xml" href="/f"></head></html>', {
        'content-type': 'text/html',
      }),
      '/f': serve(200, rss('F', [{ guid: 'f', title: 'f' }])),
    });
    const ctx = testContext();
    subscribe(ctx, `${server.url}/blog`);
    const { results, listen } = recorder();
    expect(await refreshCommand(ctx, opts(), listen)).toMatchObject({ failed: 1 });
    const u = server.url;
    const why =
      `parse: an HTML page; none of its 6 feed links worked: ${u}/a: HTTP 404; ${u}/b: an HTML page, not a feed; ` +
      `${u}/c: not a feed (no XML or JSON found); ${u}/d: HTTP 500; ${u}/e: an HTML page, not a feed (1 more not tried)`;
    expect(results[0]).toMatchObject({ outcome: 'failed', error: why });
    expect(listFeeds(ctx.db())[0]).toMatchObject({ url: `${u}/blog`, lastError: why });
    expect(server.hits('/f')).toBe(0);
  });

  it('records failures with a reason and backs off, disables 410s, and skips them until forced or named', async () => {
    server = await startFeedServer({
      '/404': serve(404, 'no'),
      '/410': serve(410, 'gone'),
      '/html': serve(200, '<html><body>hi</body></html>', { 'content-type': 'text/html' }),
      '/junk': serve(200, 'this is not xml at all'),
      '/ok': serve(200, rss('ok', [])),
    });
    let clock = new Date('2026-01-01T00:00:00Z');
    const ctx = testContext({}, () => clock);
    subscribe(ctx, ...['/404', '/410', '/html', '/junk', '/ok'].map((p) => `${server.url}${p}`));
    expect(await refreshCommand(ctx, opts(), recorder().listen)).toMatchObject({ feeds: 5, failed: 4, disabled: 1, unchanged: 1 });
    const byPath = new Map(listFeeds(ctx.db(), { failing: true }).map((f) => [new URL(f.url).pathname, f]));
    expect([...byPath.keys()].sort()).toEqual(['/404', '/410', '/html', '/junk']);
    expect(byPath.get('/404')).toMatchObject({ lastError: 'HTTP 404', consecutiveErrors: 1, nextCheckAt: '2026-01-01T00:15:00.000Z' });
    expect(byPath.get('/410')?.disabledReason).toMatch(/^gone \(HTTP 410\)/);
    expect(byPath.get('/html')?.lastError).toBe('parse: an HTML page, not a feed, and it links to no feed');
    expect(byPath.get('/junk')?.lastError).toBe('parse: not a feed (no XML or JSON found)');
    expect(await refreshCommand(ctx, opts(), recorder().listen)).toMatchObject({ feeds: 1 }); // only /ok is due
    expect(await refreshCommand(ctx, opts({ force: true }), recorder().listen)).toMatchObject({ feeds: 4 }); // not the disabled one
    expect(listFeeds(ctx.db(), { failing: true }).find((f) => f.url.endsWith('/404'))).toMatchObject({
      consecutiveErrors: 2,
      nextCheckAt: '2026-01-01T00:30:00.000Z',
    });
    expect(await refreshCommand(ctx, opts({ feed: `${server.url}/410` }), recorder().listen)).toMatchObject({ feeds: 1, failed: 1 });
    clock = new Date('2026-01-01T01:00:00Z');
    expect(await refreshCommand(ctx, opts(), recorder().listen)).toMatchObject({ feeds: 4 });
  });

  it('honours Retry-After on 429', async () => {
    server = await startFeedServer({ '/busy': serve(429, '', { 'retry-after': '7200' }) });
    const ctx = testContext({}, () => new Date('2026-01-01T00:00:00Z'));
    subscribe(ctx, `${server.url}/busy`);
    await refreshCommand(ctx, opts(), recorder().listen);
    expect(listFeeds(ctx.db())[0]).toMatchObject({ lastStatus: 429, nextCheckAt: '2026-01-01T02:00:00.000Z' });
  });

  it('backs off 15 min, 30 min, 1 h … and never more than 24 h', () => {
    expect([1, 2, 3, 4, 20].map((n) => backoffMs(n) / 60_000)).toEqual([15, 30, 60, 120, 1440]);
    expect(backoffMs(1, 3 * 86400)).toBe(86400_000);
  });

  it('keeps at most --per-host requests in flight on one host while other hosts proceed', async () => {
    let inflight = 0;
    let most = 0;
    const slow = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      most = Math.max(most, ++inflight);
      setTimeout(() => {
        inflight--;
        serve(200, rss('s', []))(req, res);
      }, 50);
    };
    const routes = Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`/f${k}`, slow]));
    server = await startFeedServer(routes);
    const other = await startFeedServer({ '/o': serve(200, rss('o', [])) }, '127.0.0.2');
    const ctx = testContext();
    subscribe(ctx, ...Object.keys(routes).map((p) => `${server.url}${p}`), `${other.url}/o`);
    const { results, listen } = recorder();
    await refreshCommand(ctx, opts({ concurrency: 6, perHost: 2 }), listen);
    await other.close();
    expect(most).toBe(2);
    expect(results.findIndex((r) => r.url.endsWith('/o'))).toBeLessThan(4); // not stuck behind the busy host
  });
});

describe('refresh against real documents', () => {
  it("stores the corpus' encoding and ill-formed cases as correct Unicode", async () => {
    const fx = (...p: string[]) => fs.readFileSync(fixture('feeds', ...p));
    server = await startFeedServer({
      // KOI8-R declared only in the XML prolog, no charset on the wire.
      '/koi8r': serve(200, fx('miniflux-encoding', 'koi8r.xml'), { 'content-type': 'application/rss+xml' }),
      // UTF-8 bytes under a windows-1252 label.
      '/mislabelled': serve(200, fx('miniflux-encoding', 'windows-1252-incorrect-prolog.xml'), { 'content-type': 'text/xml' }),
      // A body that was gzipped on disk (node-feedparser's compressed.xml), sent with Content-Encoding.
      '/gzipped': serve(200, fx('compressed.xml'), { 'content-encoding': 'gzip' }),
      // Bare "&" and a mistyped end tag.
      '/broken': serve(
        200,
        '<rss version="2.0"><channel><title>B & B</title><item><guid>1</guid><title>Fish & Chips</title></itme><item><guid>2</guid><title>Two</title></item></channel></rss>',
      ),
    });
    const ctx = testContext();
    subscribe(ctx, ...['/koi8r', '/mislabelled', '/gzipped', '/broken'].map((p) => `${server.url}${p}`));
    expect(await refreshCommand(ctx, opts(), recorder().listen)).toMatchObject({ feeds: 4, failed: 0 });
    const titles = (p: string) =>
      items(ctx)
        .filter((i) => i.feed === `${server.url}${p}`)
        .map((i) => i.title);
    expect(titles('/koi8r')).toEqual(['Первая новость', 'Вторая новость']);
    expect(listFeeds(ctx.db()).find((f) => f.url.endsWith('/mislabelled'))?.title).toBe('Euro €');
    expect(titles('/gzipped').length).toBeGreaterThan(0);
    expect(titles('/broken')).toEqual(['Fish & Chips', 'Two']);
    expect(listFeeds(ctx.db()).find((f) => f.url.endsWith('/broken'))?.lastError).toMatch(/recovered/);
  });

  it('goes through HTTP_PROXY when it is set', async () => {
    const seen: string[] = [];
    const proxy = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      const target = new URL(req.url ?? '');
      const up = http.request({ host: target.hostname, port: target.port, path: target.pathname, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    // undici tunnels through the proxy with CONNECT.
    proxy.on('connect', (req, client, head) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    server = await startFeedServer({ '/feed': serve(200, rss('Proxied', [{ guid: 'p', title: 'via proxy' }])) });
    const { Fetcher } = await import('../../src/fetch/http.js');
    const f = new Fetcher(
      { userAgent: 'ua', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 2, perHost: 2 },
      { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as import('node:net').AddressInfo).port}` },
    );
    const r = await f.fetch(`${server.url}/feed`, { etag: null, lastModified: null }, new AbortController().signal);
    await f.close();
    proxy.close();
    expect(r.kind).toBe('ok');
    expect(seen).toHaveLength(1);
    expect([`${server.url}/feed`, `CONNECT ${server.url.replace('http://', '')}`]).toContain(seen[0]);
  });
});
