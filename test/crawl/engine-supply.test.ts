import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { crawlAll, type CrawlHooks } from '../../src/crawl/engine.js';
import { feedHost, type Feed } from '../../src/model.js';

// Virtual time: every feed and every answer of the supply takes a set number of fake milliseconds.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let ids = 0;
const feed = (url: string) => ({ id: ++ids, url }) as Feed;
/** A batch (feed URLs, each `http://host/name`), or an error the supply fails with. */
type Batch = string[] | Error;

interface Run {
  C: number;
  P: number;
  batches: Batch[]; // answers of more(), in turn; [] once they run out
  cost?: (url: string) => number;
  moreMs?: number;
  reserve?: number;
  initial?: string[];
  announce?: boolean; // hooks that log each feed announced ahead
  abortAt?: number;
}

/** Crawls with a fake supply and fake work, recording events and the high-water marks. */
function crawl(o: Run) {
  const log: string[] = [];
  const seen = { inFlight: 0, maxInFlight: 0, maxHost: 0, asking: 0, maxAsking: 0, calls: 0 };
  const perHost = new Map<string, number>();
  const ac = new AbortController();
  if (o.abortAt !== undefined)
    setTimeout(() => {
      log.push('abort');
      ac.abort();
    }, o.abortAt);
  let next = 0;
  const supply = {
    more: async () => {
      seen.calls++;
      seen.maxAsking = Math.max(seen.maxAsking, ++seen.asking);
      log.push('more');
      await sleep(o.moreMs ?? 0);
      seen.asking--;
      const b = next < o.batches.length ? o.batches[next++] : [];
      if (b instanceof Error) throw b;
      return b.map(feed);
    },
    hostDone: (host: string) => {
      log.push(`done ${host}`);
    },
    reserve: o.reserve,
  };
  const work = async (f: Feed) => {
    const h = feedHost(f.url);
    seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
    perHost.set(h, (perHost.get(h) ?? 0) + 1);
    seen.maxHost = Math.max(seen.maxHost, perHost.get(h)!);
    log.push(`start ${f.url}`);
    await sleep(o.cost?.(f.url) ?? 10);
    seen.inFlight--;
    perHost.set(h, perHost.get(h)! - 1);
    return f.url;
  };
  const hooks: CrawlHooks | undefined = o.announce ? { ahead: (u) => log.push(`ahead ${u}`), useGate: () => {} } : undefined;
  const t0 = Date.now();
  let wall = -1;
  const done = crawlAll((o.initial ?? []).map(feed), { concurrency: o.C, perHost: o.P, signal: ac.signal, supply, hooks }, work, (url) => {
    log.push(`end ${url}`);
  }).then(() => {
    wall = Date.now() - t0;
  });
  const settled = done.then(
    () => 'ok',
    (err: Error) => err.message,
  );
  /** Runs virtual time until the crawl settles; resolves to 'ok' or the error's message. */
  const finish = async () => {
    let out: string | undefined;
    void settled.then((r) => {
      out = r;
    });
    for (let t = 0; out === undefined && t < 100_000; t++) await vi.advanceTimersByTimeAsync(1);
    return out;
  };
  const count = (event: string) => log.filter((l) => l === event).length;
  return { log, seen, finish, count, wall: () => wall };
}

const hostFeeds = (host: string, n: number) => Array.from({ length: n }, (_, k) => `http://${host}/${k}`);

describe('crawlAll fed by a supply while it runs', () => {
  it('crawls hosts handed over in batches once each, never beyond --concurrency nor --per-host', async () => {
    const hosts = Array.from({ length: 30 }, (_, k) => hostFeeds(`h${k}`, 1 + ((k * 7) % 9)));
    const batches = Array.from({ length: 10 }, (_, b) => hosts.slice(3 * b, 3 * b + 3).flat());
    const c = crawl({ C: 5, P: 2, batches, cost: (u) => 1 + ((u.length * 13) % 17), moreMs: 2 });
    expect(await c.finish()).toBe('ok');
    const all = hosts.flat();
    expect(all.map((u) => c.count(`end ${u}`))).toEqual(all.map(() => 1));
    expect(c.seen).toMatchObject({ maxInFlight: 5, maxHost: 2, maxAsking: 1 });
    expect(c.log.at(-1)).toBe('more'); // it ends on an empty answer, with nothing running
    expect(c.seen.calls).toBeGreaterThan(batches.length);
  });

  it('keeps every slot busy while a big host crawls at its limit, asking for more as slots would run dry', async () => {
    // A big host (40 feeds of 10 ms) at P=2 holds two slots for 200 ms; 40 one-feed hosts, one per
    // answer of 3 ms, fill the other two for 200 ms. With no slot ever idle, the crawl takes those
    // 200 ms plus four answers: three before the last slot has work, and the empty one at the end.
    const big = hostFeeds('big', 40);
    const small = Array.from({ length: 40 }, (_, k) => [`http://s${k}/0`]);
    const c = crawl({ C: 4, P: 2, batches: [big, ...small], moreMs: 3 });
    expect(await c.finish()).toBe('ok');
    expect(c.wall()).toBeLessThanOrEqual(200 + 4 * 3);
    expect(c.seen).toMatchObject({ maxInFlight: 4, maxHost: 2, maxAsking: 1 });
    // The small hosts ran beside the big one from its first round on.
    expect(c.log.indexOf('start http://s0/0')).toBeLessThan(c.log.indexOf('start http://big/2'));
  });

  it('asks ahead for a full round of slots, so slots that free together are refilled at once', async () => {
    // 4 slots that all free every 10 ms; 12 one-feed hosts come one per answer of 2 ms. Holding a
    // round in reserve, the crawl takes 4 rounds of 10 ms plus two empty answers at the end (feeds
    // ended while the first was under way, so it asks once more). A reserve of one host takes 48 ms.
    const c = crawl({
      C: 4,
      P: 1,
      initial: ['http://i0/0', 'http://i1/0', 'http://i2/0', 'http://i3/0'],
      batches: Array.from({ length: 12 }, (_, k) => [`http://h${k}/0`]),
      moreMs: 2,
    });
    expect(await c.finish()).toBe('ok');
    expect(c.wall()).toBeLessThanOrEqual(4 * 10 + 2 * 2);
  });

  it('with no reserve, asks only when a slot is free and nothing queued can take it', async () => {
    const batches = ['p', 'q', 'r'].map((h) => hostFeeds(h, 6));
    const held = crawl({ C: 4, P: 2, batches, moreMs: 1, reserve: 0 });
    expect(await held.finish()).toBe('ok');
    // p and q fill the four slots; r is asked for only once p has started its last feeds.
    expect(held.log.indexOf('start http://r/0')).toBeGreaterThan(held.log.indexOf('start http://p/5'));
    expect(held.seen.maxInFlight).toBe(4);
    const eager = crawl({ C: 4, P: 2, batches, moreMs: 1 });
    expect(await eager.finish()).toBe('ok');
    expect(eager.log.slice(0, eager.log.indexOf('end http://p/0')).filter((l) => l === 'more')).toHaveLength(4); // p, q, r, then empty
  });

  it('tells each host done once, right after its last feed, also when a later batch adds to a host under way', async () => {
    const c = crawl({
      C: 3,
      P: 1,
      batches: [['http://a/1', 'http://b/1', 'http://b/2'], ['http://a/2', 'http://c/1'], ['http://c/2']],
      cost: (u) => (u === 'http://a/1' ? 40 : 10),
      moreMs: 1,
    });
    expect(await c.finish()).toBe('ok');
    for (const [host, last] of [
      ['a', 'http://a/2'],
      ['b', 'http://b/2'],
      ['c', 'http://c/2'],
    ]) {
      expect(c.count(`done ${host}`)).toBe(1);
      expect(c.log.indexOf(`done ${host}`)).toBe(c.log.indexOf(`end ${last}`) + 1);
    }
    expect(c.log.indexOf('start http://a/2')).toBeGreaterThan(c.log.indexOf('end http://a/1')); // queued behind a/1 for host a
  });

  it('asks with one request at a time, and after an empty answer only once a feed has ended', async () => {
    const c = crawl({
      C: 4,
      P: 2,
      batches: [['http://a/1', 'http://b/1'], [], ['http://c/1'], []],
      cost: (u) => (u === 'http://a/1' ? 30 : 10),
    });
    expect(await c.finish()).toBe('ok');
    expect(c.log).toEqual([
      'more',
      'start http://a/1',
      'start http://b/1',
      'more', // not enough to fill C: ask again; empty
      'end http://b/1',
      'done b',
      'more',
      'start http://c/1',
      'more', // a feed ended: ask; c/1, then empty
      'end http://c/1',
      'done c',
      'more', // a feed ended: ask; empty
      'end http://a/1',
      'done a',
      'more',
    ]); // the last feed ended: ask; empty and nothing runs, so the crawl ends
    expect(c.seen.maxAsking).toBe(1);
  });

  it("appends new feeds after those queued, a known host's at the end of its queue, and announces them ahead", async () => {
    const c = crawl({
      C: 2,
      P: 1,
      initial: ['http://a/1', 'http://a/2', 'http://b/1'],
      batches: [['http://c/1', 'http://a/3', 'http://d/1']],
      cost: (u) => (u === 'http://b/1' ? 5 : 10),
      announce: true,
    });
    expect(await c.finish()).toBe('ok');
    const starts = c.log.filter((l) => l.startsWith('start ')).map((l) => l.slice(6));
    expect(starts).toEqual(['http://a/1', 'http://b/1', 'http://c/1', 'http://a/2', 'http://d/1', 'http://a/3']);
    expect(
      c.log
        .filter((l) => l.startsWith('ahead '))
        .map((l) => l.slice(6))
        .sort(),
    ).toEqual([...starts].sort()); // each once
  });

  it('announces every feed of a long run once, before it starts, as batches keep coming', async () => {
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 250 }, (_, k) => `http://h${(b * 250 + k) % 7}/${b * 250 + k}`),
    );
    const c = crawl({ C: 8, P: 2, batches, cost: (u) => 1 + (u.length % 3), announce: true });
    expect(await c.finish()).toBe('ok');
    const first = new Map<string, number>();
    c.log.forEach((l, k) => {
      if (!first.has(l)) first.set(l, k);
    });
    const all = batches.flat();
    expect(all.map((u) => [c.count(`ahead ${u}`), c.count(`start ${u}`), c.count(`end ${u}`)])).toEqual(all.map(() => [1, 1, 1]));
    expect(all.filter((u) => first.get(`ahead ${u}`)! > first.get(`start ${u}`)!)).toEqual([]);
    expect(c.seen).toMatchObject({ maxInFlight: 8, maxHost: 2 });
    for (let h = 0; h < 7; h++) {
      // each host is done once, right after its last feed
      expect(c.count(`done h${h}`)).toBe(1);
      expect(first.get(`done h${h}`)).toBe(first.get(`end ${all.filter((u) => feedHost(u) === `h${h}`).at(-1)}`)! + 1);
    }
  });

  it('stops asking and starting on abort, drops what is queued, and lets its hosts go', async () => {
    const c = crawl({
      C: 2,
      P: 1,
      batches: [['http://a/1', 'http://a/2', 'http://b/1'], ['http://c/1'], ['http://d/1']],
      cost: () => 20,
      moreMs: 3,
      abortAt: 5,
    });
    expect(await c.finish()).toBe('ok');
    const after = c.log.slice(c.log.indexOf('abort'));
    expect(after.filter((l) => l === 'more' || l.startsWith('start'))).toEqual([]);
    expect(after).toEqual(['abort', 'done c', 'end http://a/1', 'done a', 'end http://b/1', 'done b']); // a/2 and c/1 never start
    expect(c.wall()).toBe(23);
  });

  it('on abort waits for the answer under way, then lets its hosts go without starting them', async () => {
    const c = crawl({ C: 2, P: 2, batches: [['http://a/1'], ['http://b/1', 'http://b/2']], cost: () => 20, moreMs: 10, abortAt: 15 });
    expect(await c.finish()).toBe('ok');
    expect(c.log).toEqual(['more', 'start http://a/1', 'more', 'abort', 'done b', 'end http://a/1', 'done a']);
  });

  it('on abort drops a long queue and still takes the late answer calmly', async () => {
    const initial = Array.from({ length: 3000 }, (_, k) => `http://h${k % 3}/${k}`);
    const c = crawl({ C: 4, P: 1, initial, batches: [['http://late/1']], cost: () => 3, moreMs: 10, abortAt: 1, announce: true });
    expect(await c.finish()).toBe('ok');
    expect(c.log.filter((l) => l.startsWith('start '))).toEqual(['start http://h0/0', 'start http://h1/1', 'start http://h2/2']);
    expect(
      c.log
        .slice(c.log.indexOf('abort'))
        .filter((l) => l.startsWith('done '))
        .sort(),
    ).toEqual(['done h0', 'done h1', 'done h2', 'done late']);
  });

  it("rejects with the supply's error once the feeds under way have ended, starting nothing more", async () => {
    const c = crawl({
      C: 3,
      P: 1,
      batches: [['http://a/1', 'http://a/2'], new Error('store: connection lost')],
      cost: () => 20,
      moreMs: 1,
    });
    expect(await c.finish()).toBe('store: connection lost');
    expect(c.log).toEqual(['more', 'start http://a/1', 'more', 'end http://a/1', 'done a']);
  });
});
