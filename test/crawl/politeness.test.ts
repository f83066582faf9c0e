import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { crawlAll } from '../../src/crawl/engine.js';
import { Fetcher, type NetworkGate } from '../../src/fetch/http.js';
import type { Feed } from '../../src/model.js';
import { rss } from '../feed-server.js';

const feed = (id: number, url: string) => ({ id, url }) as Feed;

/** A crawl whose feeds finish when the test says so, recording the order they start in. */
function manualCrawl(urls: string[], concurrency: number, perHost: number) {
  const started: string[] = [];
  const announced: string[] = [];
  const finishers = new Map<string, () => void>();
  const done = crawlAll(
    urls.map((u, k) => feed(k, u)),
    { concurrency, perHost, signal: new AbortController().signal, hooks: { ahead: (u) => announced.push(u), useGate: () => {} } },
    (f) =>
      new Promise<string>((resolve) => {
        started.push(f.url);
        finishers.set(f.url, () => resolve(f.url));
      }),
    () => {},
  );
  const finish = async (url: string) => {
    finishers.get(url)!();
    await new Promise((r) => setImmediate(r));
  };
  return { started, announced, finish, done };
}

describe('crawlAll scheduling', () => {
  it('gives a free slot to the first queued feed whose host is under its limit', async () => {
    const c = manualCrawl(['http://a/1', 'http://a/2', 'http://b/1', 'http://a/3', 'http://c/1', 'http://b/2'], 2, 1);
    await new Promise((r) => setImmediate(r));
    expect(c.started).toEqual(['http://a/1', 'http://b/1']); // a/2 waits: host a is at its limit
    await c.finish('http://b/1');
    expect(c.started.at(-1)).toBe('http://c/1'); // a/2 and a/3 still wait for a; b/2 comes after c/1
    await c.finish('http://a/1');
    expect(c.started.at(-1)).toBe('http://a/2');
    await c.finish('http://c/1');
    expect(c.started.at(-1)).toBe('http://b/2');
    for (const u of ['http://a/2', 'http://b/2', 'http://a/3']) await c.finish(u);
    await c.done;
    expect(c.started).toEqual(['http://a/1', 'http://b/1', 'http://c/1', 'http://a/2', 'http://b/2', 'http://a/3']);
  });

  it('announces feeds ahead of the pool in queue order, each once', async () => {
    const urls = Array.from({ length: 30 }, (_, k) => `http://h${k % 7}/${k}`);
    const c = manualCrawl(urls, 2, 2);
    await new Promise((r) => setImmediate(r));
    expect(c.announced).toEqual(urls.slice(0, 2 + 8)); // started + 4 × concurrency
    for (let k = 0; k < urls.length; k++) await c.finish(c.started[k]);
    await c.done;
    expect(c.announced).toEqual(urls);
  });

  it('announces a feed started out of turn before it starts, and never again', async () => {
    const urls = [...Array.from({ length: 20 }, (_, k) => `http://a/${k}`), 'http://b/20'];
    const log: string[] = [];
    await crawlAll(
      urls.map((u, k) => feed(k, u)),
      {
        concurrency: 2,
        perHost: 1,
        signal: new AbortController().signal,
        hooks: { ahead: (u) => log.push(`ahead ${u}`), useGate: () => {} },
      },
      async (f) => {
        log.push(`start ${f.url}`);
        await new Promise((r) => setImmediate(r));
      },
      () => {},
    );
    expect(log.filter((l) => l.startsWith('start')).slice(0, 2)).toEqual(['start http://a/0', 'start http://b/20']); // b/20 out of turn
    expect(log.filter((l) => l.startsWith('ahead')).sort()).toEqual(urls.map((u) => `ahead ${u}`).sort());
    for (const u of urls) expect(log.indexOf(`ahead ${u}`)).toBeLessThan(log.indexOf(`start ${u}`));
  });

  it("takes a feed's slot back when its fetch is done, and serves its later requests before new feeds", async () => {
    let gate: NetworkGate | null = null;
    const log: string[] = [];
    const answer = new Map<string, () => void>(); // the test answers each request
    const parsed = new Map<string, () => void>();
    const later = (m: Map<string, () => void>, key: string) => new Promise<void>((r) => m.set(key, r));
    const fetch = async (url: string) => {
      await gate!.enter(url);
      log.push(`fetch ${url}`);
      await later(answer, url);
      gate!.leave(url);
    };
    const tick = () => new Promise((r) => setTimeout(r, 10));
    const done = crawlAll(
      ['http://a/1', 'http://b/1', 'http://c/1'].map((u, k) => feed(k, u)),
      {
        concurrency: 1,
        perHost: 1,
        signal: new AbortController().signal,
        hooks: {
          ahead: () => {},
          useGate: (g) => {
            gate = g;
          },
        },
      },
      async (f) => {
        await fetch(f.url);
        await later(parsed, f.url); // parsing and storing, off the network
        if (f.url === 'http://a/1') await fetch('http://a/alt'); // autodiscovery: a second request
      },
      () => {},
    );
    await tick();
    answer.get('http://a/1')!();
    await tick();
    expect(log).toEqual(['fetch http://a/1', 'fetch http://b/1']); // b/1 is fetched while a/1 is being parsed
    parsed.get('http://a/1')!();
    await tick();
    expect(log).toEqual(['fetch http://a/1', 'fetch http://b/1']); // a/alt waits: b/1 holds the one slot
    answer.get('http://b/1')!();
    await tick();
    expect(log).toEqual(['fetch http://a/1', 'fetch http://b/1', 'fetch http://a/alt']); // before c/1
    answer.get('http://a/alt')!();
    await tick();
    expect(log.at(-1)).toBe('fetch http://c/1');
    answer.get('http://c/1')!();
    for (const u of ['http://b/1', 'http://c/1']) {
      await tick();
      parsed.get(u)!();
    }
    await done;
    expect(gate).toBeNull(); // handed back when the crawl ends
  });

  it('starts nothing new once aborted, and lets the feeds in flight finish', async () => {
    const ac = new AbortController();
    const started: number[] = [];
    await crawlAll(
      Array.from({ length: 10 }, (_, k) => feed(k, `http://h/${k}`)),
      { concurrency: 3, perHost: 3, signal: ac.signal },
      async (f) => {
        started.push(f.id);
        if (f.id === 1) setTimeout(() => ac.abort(), 1);
        await new Promise((r) => setTimeout(r, 20));
      },
      () => {},
    );
    expect(started).toEqual([0, 1, 2]);
  });
});

/** Feed servers on several loopback addresses that count their sockets together, as one farm does. */
async function startHosts(hosts: string[]) {
  const seen = { open: 0, openHighWater: 0, perHostHighWater: 0, log: [] as string[] };
  const list = await Promise.all(
    hosts.map(async (h, k) => {
      let mine = 0;
      const server = http.createServer((req, res) =>
        setTimeout(
          () => {
            res.writeHead(200, { 'content-type': 'application/rss+xml' });
            res.end(rss(h, []));
          },
          5 + 7 * k,
        ),
      );
      server.on('connection', (sock) => {
        seen.log.push(`open ${h}`);
        seen.openHighWater = Math.max(seen.openHighWater, ++seen.open);
        seen.perHostHighWater = Math.max(seen.perHostHighWater, ++mine);
        sock.on('close', () => {
          seen.log.push(`close ${h}`);
          seen.open--;
          mine--;
        });
      });
      await new Promise<void>((resolve) => server.listen(0, h, resolve));
      return { url: `http://${h}:${(server.address() as AddressInfo).port}`, server };
    }),
  );
  const close = () =>
    Promise.all(
      list.map(
        ({ server }) =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(resolve);
          }),
      ),
    );
  return { urls: list.map((s) => s.url), seen, close };
}

let farm: Awaited<ReturnType<typeof startHosts>> | undefined;
let fetcher: Fetcher | undefined;
afterEach(async () => {
  await fetcher?.close();
  await farm?.close();
  farm = fetcher = undefined;
});
const none = { etag: null, lastModified: null };

describe('sockets across many hosts', () => {
  it('never lets a server see more than --per-host sockets, nor all servers together more than --concurrency', async () => {
    farm = await startHosts(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7']);
    fetcher = new Fetcher({ userAgent: 'ua', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 4, perHost: 2 }, {});
    // Host by host in short runs, as subscription lists often are, so sockets must move between hosts.
    const urls = Array.from({ length: 90 }, (_, k) => `${farm!.urls[Math.floor(k / 3) % farm!.urls.length]}/f`);
    const outcomes: string[] = [];
    await crawlAll(
      urls.map((u, k) => feed(k, u)),
      { concurrency: 4, perHost: 2, signal: new AbortController().signal, hooks: fetcher },
      (f) => fetcher!.fetch(f.url, none, new AbortController().signal),
      (r) => outcomes.push(r.kind),
    );
    expect(outcomes.filter((k) => k === 'ok').length).toBe(90);
    expect([farm.seen.perHostHighWater <= 2, farm.seen.openHighWater <= 4, fetcher.socketHighWater <= 4]).toEqual([true, true, true]);
  });

  it('opens a socket to another host only after the old server has closed its side', async () => {
    farm = await startHosts(['127.0.0.2', '127.0.0.3']);
    const [a, b] = farm.urls;
    fetcher = new Fetcher({ userAgent: 'ua', timeoutMs: 5000, maxBodyBytes: 1 << 20, concurrency: 1, perHost: 1 }, {});
    const signal = new AbortController().signal;
    for (const url of [a, b, a]) expect((await fetcher.fetch(`${url}/f`, none, signal)).kind).toBe('ok');
    expect(farm.seen.log).toEqual(['open 127.0.0.2', 'close 127.0.0.2', 'open 127.0.0.3', 'close 127.0.0.3', 'open 127.0.0.2']);
  });
});
