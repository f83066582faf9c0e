import { getEventListeners } from 'node:events';
import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { Fetcher, type FetchSettings } from '../../src/fetch/http.js';
import { startFeedServer, serve, rss, type FeedServer } from '../feed-server.js';

const settings = (over: Partial<FetchSettings> = {}): FetchSettings => ({
  userAgent: 'Inkzee/test (+https://example.invalid)',
  timeoutMs: 5000,
  maxBodyBytes: 1 << 20,
  concurrency: 4,
  perHost: 2,
  ...over,
});
const none = { etag: null, lastModified: null };
const signal = new AbortController().signal;

let server: FeedServer;
let fetcher: Fetcher;
afterEach(async () => {
  await fetcher?.close();
  await server?.close();
});

describe('Fetcher', () => {
  it('sends User-Agent, Accept-Encoding and the stored validators, and reports 304 as not-modified', async () => {
    server = await startFeedServer({
      '/feed': (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') {
          res.writeHead(304, { etag: '"v1"' });
          res.end();
          return;
        }
        serve(200, rss('T', []), { etag: '"v1"', 'last-modified': 'Wed, 01 May 2024 10:00:00 GMT' })(req, res);
      },
    });
    fetcher = new Fetcher(settings(), {});
    const first = await fetcher.fetch(`${server.url}/feed`, none, signal);
    expect(first).toMatchObject({ kind: 'ok', status: 200, etag: '"v1"', lastModified: 'Wed, 01 May 2024 10:00:00 GMT' });
    const second = await fetcher.fetch(`${server.url}/feed`, { etag: '"v1"', lastModified: 'Wed, 01 May 2024 10:00:00 GMT' }, signal);
    expect(second).toMatchObject({ kind: 'not-modified', etag: '"v1"' });
    const [a, b] = server.requests;
    expect(a.headers['user-agent']).toBe('Inkzee/test (+https://example.invalid)');
    expect(a.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(a.headers['if-none-match']).toBeUndefined();
    expect(b.headers['if-none-match']).toBe('"v1"');
    expect(b.headers['if-modified-since']).toBe('Wed, 01 May 2024 10:00:00 GMT');
  });

  it.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateRawSync(b)], // the raw deflate some servers send
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
  ])('decodes a %s body', async (encoding, compress) => {
    const doc = rss('Compressed', [{ guid: '1', title: 'Zürich' }]);
    server = await startFeedServer({ '/f': serve(200, compress(Buffer.from(doc)), { 'content-encoding': encoding }) });
    fetcher = new Fetcher(settings(), {});
    const r = await fetcher.fetch(`${server.url}/f`, none, signal);
    expect(r.kind === 'ok' && r.body.toString('utf8')).toBe(doc);
  });

  it('stops a compression bomb at the decoded-size cap instead of running out of memory', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 << 20)); // 64 MiB of zeros, ~64 KiB on the wire
    server = await startFeedServer({
      '/bomb': serve(200, bomb, { 'content-encoding': 'gzip' }),
      '/big': serve(200, Buffer.alloc(3 << 20, 0x20)),
    });
    fetcher = new Fetcher(settings({ maxBodyBytes: 1 << 20 }), {});
    const before = process.memoryUsage().rss;
    expect(await fetcher.fetch(`${server.url}/bomb`, none, signal)).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/too large \(over 1048576 bytes after decoding\)/),
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(48 << 20);
    expect(await fetcher.fetch(`${server.url}/big`, none, signal)).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/too large/),
    });
  });

  it('cuts off a server that hangs, and one that trickles, at the total timeout', async () => {
    server = await startFeedServer({
      '/hang': () => {},
      '/trickle': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const t = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(t));
      },
    });
    fetcher = new Fetcher(settings({ timeoutMs: 800 }), {});
    for (const path of ['/hang', '/trickle']) {
      const started = Date.now();
      expect(await fetcher.fetch(`${server.url}${path}`, none, signal)).toMatchObject({ kind: 'failed', error: 'timed out after 0.8 s' });
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it("stops a request when the crawl is aborted, and leaves nothing listening on the crawl's signal once a fetch is done", async () => {
    server = await startFeedServer({
      '/hang': () => {},
      '/feed': serve(200, rss('T', [])),
      '/moved': serve(302, '', { location: '/feed' }),
    });
    fetcher = new Fetcher(settings(), {});
    const crawl = new AbortController();
    for (const path of ['/feed', '/moved', '/nowhere']) await fetcher.fetch(`${server.url}${path}`, none, crawl.signal);
    expect(getEventListeners(crawl.signal, 'abort')).toHaveLength(0);
    const started = Date.now();
    const pending = fetcher.fetch(`${server.url}/hang`, none, crawl.signal);
    setTimeout(() => crawl.abort(), 200);
    expect(await pending).toMatchObject({ kind: 'failed', error: 'aborted' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await fetcher.fetch(`${server.url}/feed`, none, crawl.signal)).toMatchObject({ kind: 'failed', error: 'aborted' });
  });

  it('follows redirects, telling permanent (301/308) from temporary (302/307)', async () => {
    server = await startFeedServer({
      '/old': serve(301, '', { location: '/older' }),
      '/older': serve(308, '', { location: '/new' }),
      '/temp': serve(302, '', { location: '/new' }),
      '/mixed': serve(301, '', { location: '/temp' }),
      '/new': serve(200, rss('New', [])),
    });
    fetcher = new Fetcher(settings(), {});
    expect(await fetcher.fetch(`${server.url}/old`, none, signal)).toMatchObject({
      kind: 'ok',
      url: `${server.url}/new`,
      movedTo: `${server.url}/new`,
    });
    expect(await fetcher.fetch(`${server.url}/temp`, none, signal)).toMatchObject({ kind: 'ok', url: `${server.url}/new`, movedTo: null });
    expect(await fetcher.fetch(`${server.url}/mixed`, none, signal)).toMatchObject({ kind: 'ok', movedTo: null });
  });

  it('refuses redirect loops, more than five redirects, and non-http targets', async () => {
    const routes: Record<string, ReturnType<typeof serve>> = {
      '/a': serve(302, '', { location: '/b' }),
      '/b': serve(302, '', { location: '/a' }),
      '/ftp': serve(301, '', { location: 'ftp://example.com/feed' }),
    };
    for (let k = 0; k < 7; k++) routes[`/r${k}`] = serve(302, '', { location: `/r${k + 1}` });
    routes['/r7'] = serve(200, rss('End', []));
    server = await startFeedServer(routes);
    fetcher = new Fetcher(settings(), {});
    expect(await fetcher.fetch(`${server.url}/a`, none, signal)).toMatchObject({
      kind: 'failed',
      error: `redirect loop at ${server.url}/a`,
    });
    expect(await fetcher.fetch(`${server.url}/r0`, none, signal)).toMatchObject({ kind: 'failed', error: 'more than 5 redirects' });
    expect(await fetcher.fetch(`${server.url}/r2`, none, signal)).toMatchObject({ kind: 'ok' }); // exactly five
    expect(await fetcher.fetch(`${server.url}/ftp`, none, signal)).toMatchObject({
      kind: 'failed',
      error: 'refused to follow a redirect to ftp: URL',
    });
  });

  it('reports 410 as gone and reads Retry-After on 429 and 503', async () => {
    server = await startFeedServer({
      '/gone': serve(410, 'gone'),
      '/slow-down': serve(429, '', { 'retry-after': '120' }),
      '/maintenance': serve(503, '', { 'retry-after': new Date(Date.now() + 3600_000).toUTCString() }),
    });
    fetcher = new Fetcher(settings(), {});
    expect(await fetcher.fetch(`${server.url}/gone`, none, signal)).toMatchObject({ kind: 'failed', status: 410, gone: true });
    expect(await fetcher.fetch(`${server.url}/slow-down`, none, signal)).toMatchObject({ kind: 'failed', status: 429, retryAfterSec: 120 });
    const m = await fetcher.fetch(`${server.url}/maintenance`, none, signal);
    expect(m.kind === 'failed' && m.retryAfterSec).toBeGreaterThan(3500);
  });

  it('never holds more sockets than the concurrency, across hosts', async () => {
    const servers = await Promise.all(
      ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'].map((h) =>
        startFeedServer({ '/f': (req, res) => setTimeout(() => serve(200, rss('x', []))(req, res), 20) }, h),
      ),
    );
    fetcher = new Fetcher(settings({ concurrency: 3, perHost: 2 }), {});
    const urls = Array.from({ length: 40 }, (_, k) => `${servers[k % 4].url}/f`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        // three workers, like the crawl pool
        while (next < urls.length) expect((await fetcher.fetch(urls[next++], none, signal)).kind).toBe('ok');
      }),
    );
    expect(fetcher.socketHighWater).toBeLessThanOrEqual(3);
    for (const s of servers) await s.close();
    server = await startFeedServer();
  });

  it('decodes nothing itself: charsets are left to the decoder (bytes come back as sent)', async () => {
    const bytes = iconv.encode('<rss><channel><title>Привет</title></channel></rss>', 'koi8-r');
    server = await startFeedServer({ '/koi': serve(200, bytes, { 'content-type': 'application/rss+xml; charset=KOI8-R' }) });
    fetcher = new Fetcher(settings(), {});
    const r = await fetcher.fetch(`${server.url}/koi`, none, signal);
    expect(r.kind === 'ok' && [r.contentType, Buffer.compare(r.body, bytes)]).toEqual(['application/rss+xml; charset=KOI8-R', 0]);
  });
});
