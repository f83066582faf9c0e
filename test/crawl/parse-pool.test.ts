import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsePool, parsePoolFor } from '../../src/crawl/parse-pool.js';
import { parseBody, type ParseJob } from '../../src/crawl/parse-job.js';
import { refreshFeed } from '../../src/crawl/recipe.js';
import { Fetcher } from '../../src/fetch/http.js';
import { addSubscriptions, listFeeds } from '../../src/store/sqlite/feeds.js';
import { startFeedServer, serve, rss, type FeedServer } from '../feed-server.js';
import { cli, fixture, ROOT, tempDir, testContext } from '../helpers.js';

// The workers run the compiled parser (npm test builds dist/ first).
const WORKER = path.join(ROOT, 'dist', 'crawl', 'parse-worker.js');
const CRASHING = fixture('workers', 'crashing-parse-worker.mjs');

/** Every feed document under test/fixtures/feeds, as the crawl would hand it to the parser. */
function fixtureJobs(): ParseJob[] {
  const dir = fixture('feeds');
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(xml|rss|atom|json|html)$/.test(f) && !f.endsWith('.expected.json') && fs.statSync(path.join(dir, f)).isFile());
  return files.sort().map((f) => ({
    body: fs.readFileSync(path.join(dir, f)),
    url: `https://example.org/${f}`,
    contentType: f.endsWith('.json') ? 'application/feed+json' : f.endsWith('.html') ? 'text/html' : 'application/xml',
  }));
}

let pool: ParsePool | undefined;
let server: FeedServer | undefined;
let fetcher: Fetcher | undefined;
afterEach(async () => {
  await pool?.close();
  await fetcher?.close();
  await server?.close();
  pool = server = fetcher = undefined;
});

describe('the parse pool', () => {
  it('parses every fixture feed in worker threads exactly as on the crawl thread, taking each body without a copy', async () => {
    const jobs = fixtureJobs();
    expect(jobs.length).toBeGreaterThan(15);
    const inline = jobs.map((j) => parseBody({ ...j, body: Buffer.from(j.body) }, true));
    pool = new ParsePool({ threads: 2, workerFile: WORKER });
    // Bodies that own their whole ArrayBuffer, as fetched ones do, so they can be transferred.
    const bodies = jobs.map((j) => {
      const b = new Uint8Array(new ArrayBuffer(j.body.length));
      b.set(j.body);
      return b;
    });
    const pooled = await Promise.all(jobs.map((j, k) => pool!.parse({ ...j, body: bodies[k] })));
    expect(pooled).toEqual(inline);
    expect(inline.filter((r) => r.kind === 'feed').length).toBeGreaterThan(10);
    expect(bodies.every((b) => b.byteLength === 0)).toBe(true); // moved to the workers
  });

  it('copies a small body that shares its memory with other buffers instead of taking it from them', async () => {
    pool = new ParsePool({ threads: 1, workerFile: WORKER });
    const slab = Buffer.from(`${rss('A', [{ guid: '1', title: 'one' }])}NEIGHBOUR`);
    const body = slab.subarray(0, slab.length - 'NEIGHBOUR'.length);
    const r = await pool.parse({ body, url: 'https://example.org/a', contentType: 'application/rss+xml' });
    expect(r).toMatchObject({ kind: 'feed', feed: { items: [{ guid: '1', title: 'one' }] } });
    expect(slab.subarray(-9).toString()).toBe('NEIGHBOUR');
  });

  it('fails only the feed whose worker died, with "worker crashed", and parses the next bodies in a new worker', async () => {
    pool = new ParsePool({ threads: 1, workerFile: CRASHING });
    const job = (text: string) => ({ body: Buffer.from(text), url: 'https://example.org/x', contentType: 'application/rss+xml' });
    const [crashed, after] = await Promise.all([
      pool.parse(job(rss('Bad', [{ guid: 'c', title: 'CRASH-THIS-WORKER' }]))),
      pool.parse(job(rss('Good', [{ guid: 'g', title: 'fine' }]))),
    ]);
    expect(crashed).toEqual({ kind: 'invalid', reason: 'worker crashed (exit code 7)' });
    expect(after).toMatchObject({ kind: 'feed', feed: { title: 'Good', items: [{ title: 'fine' }] } });
    expect(await pool.parse(job(rss('Again', [{ guid: 'a', title: 'again' }])))).toMatchObject({ kind: 'feed', feed: { title: 'Again' } });
  });

  it('records a crash as the failed feed "parse: worker crashed …" and stores the other feeds of the crawl', async () => {
    server = await startFeedServer({
      '/bad': serve(200, rss('Bad', [{ guid: 'c', title: 'CRASH-THIS-WORKER' }])),
      '/good': serve(200, rss('Good', [{ guid: 'g', title: 'fine' }])),
    });
    const ctx = testContext();
    addSubscriptions(
      ctx.db(),
      ['/bad', '/good'].map((p) => ({ url: `${server!.url}${p}`, title: null, siteUrl: null, category: '' })),
      ctx.now().toISOString(),
    );
    pool = new ParsePool({ threads: 1, workerFile: CRASHING });
    fetcher = new Fetcher({ userAgent: 'Inkzee/test', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 2, perHost: 2 }, {});
    const deps = { store: await ctx.store(), fetcher, signal: new AbortController().signal, now: ctx.now, parse: pool.parse.bind(pool) };
    const results = await Promise.all(listFeeds(ctx.db()).map((f) => refreshFeed(f, deps)));
    expect(results.map((r) => [new URL(r.url).pathname, r.outcome, r.error])).toEqual([
      ['/bad', 'failed', 'parse: worker crashed (exit code 7)'],
      ['/good', 'updated', null],
    ]);
    expect(listFeeds(ctx.db()).find((f) => f.url.endsWith('/bad'))).toMatchObject({
      consecutiveErrors: 1,
      lastError: 'parse: worker crashed (exit code 7)',
    });
  });

  it('does not keep a process alive once its workers are idle, even if nobody closes the pool', async () => {
    const script = `import { ParsePool } from ${JSON.stringify(path.join(ROOT, 'dist', 'crawl', 'parse-pool.js'))};
      const pool = new ParsePool({ threads: 2 });
      const r = await pool.parse({ body: Buffer.from('<rss><channel><title>T</title></channel></rss>'), url: 'https://example.org/', contentType: '' });
      console.log(r.kind);`;
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    expect(out.trim()).toBe('feed');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('a crawl with parse workers', () => {
  it('stores every feed, follows an HTML page to its feed, and the program exits when it is done', async () => {
    const routes: Record<string, ReturnType<typeof serve>> = {
      '/page': serve(200, '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/found"></head></html>', {
        'content-type': 'text/html',
      }),
      '/found': serve(200, rss('Found', [{ guid: 'f', title: 'found it' }])),
    };
    for (let k = 0; k < 6; k++) routes[`/f${k}`] = serve(200, rss(`F${k}`, [{ guid: `g${k}`, title: `item ${k}` }]));
    server = await startFeedServer(routes);
    const dir = tempDir();
    const opml = path.join(dir, 'subs.opml');
    const urls = [...Object.keys(routes).filter((p) => p !== '/found')].map((p) => `${server!.url}${p}`);
    fs.writeFileSync(opml, `<opml version="2.0"><body>${urls.map((u) => `<outline type="rss" xmlUrl="${u}"/>`).join('')}</body></opml>`);
    const db = path.join(dir, 'w.db');
    const r = await cli(['--db', db, '--json', 'import', opml], { env: { INKZEE_PARSE_THREADS: '2' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary', feeds: 7, updated: 7, moved: 1, newItems: 7 });
    const feeds = await cli(['--db', db, 'feeds', '--json']);
    expect(feeds.stdout).toContain(`"url":"${server.url}/found"`);
  });
});

describe('INKZEE_PARSE_THREADS', () => {
  it('forces that many parse threads from the start, 0 for none', () => {
    expect(parsePoolFor(1000, { INKZEE_PARSE_THREADS: '2' })).toEqual({ threads: 2, busyAbove: 0 });
    expect(parsePoolFor(1000, { INKZEE_PARSE_THREADS: '0' })).toEqual({ threads: 0, busyAbove: 0 });
  });

  it.each(['1e3', '0x2', '-1', 'two', '65', '1.5'])('refuses %j with a usage error instead of guessing', (v) => {
    expect(() => parsePoolFor(1000, { INKZEE_PARSE_THREADS: v })).toThrow(`INKZEE_PARSE_THREADS ${v}: must be a whole number from 0 to 64`);
  });
});
