import type { Feed } from '../model.js';

/** PoolSettings bound the crawl: total requests in flight, and per host. */
export interface PoolSettings {
  concurrency: number;
  perHost: number;
  signal: AbortSignal;
  /** Told about feeds a little before they start, in queue order (the fetcher resolves their hosts). */
  ahead?: (url: string) => void;
}

const hostOf = (url: string) => {
  try { return new URL(url).host; } catch { return url; }
};

/** A host's queued feeds (positions in subscription order) and its requests in flight. */
interface HostQueue {
  positions: number[];
  head: number;
  active: number;
}

/** A binary min-heap of the hosts that may start a feed now, keyed by their first queued position. */
class ReadyHosts {
  private readonly heap: HostQueue[] = [];
  private key = (h: HostQueue) => h.positions[h.head];

  push(h: HostQueue): void {
    const a = this.heap;
    a.push(h);
    for (let k = a.length - 1; k > 0;) {
      const up = (k - 1) >> 1;
      if (this.key(a[up]) <= this.key(a[k])) break;
      [a[up], a[k]] = [a[k], a[up]];
      k = up;
    }
  }

  pop(): HostQueue | undefined {
    const a = this.heap;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let k = 0; ;) {
        const l = 2 * k + 1, r = l + 1;
        let m = k;
        if (l < a.length && this.key(a[l]) < this.key(a[m])) m = l;
        if (r < a.length && this.key(a[r]) < this.key(a[m])) m = r;
        if (m === k) break;
        [a[m], a[k]] = [a[k], a[m]];
        k = m;
      }
    }
    return top;
  }
}

/**
 * crawlAll runs `work` for every feed, at most `concurrency` at once and at most `perHost` per
 * host. A free slot goes to the first queued feed, in subscription order, whose host is under its
 * limit, so a big host is never hammered and never blocks the others; hosts that may start are
 * kept in a heap by their first queued feed, so picking costs O(log hosts), not a scan of the
 * queue. The next feeds' hosts are announced ahead (`ahead`) so their lookups overlap the
 * fetches in flight. Once the signal aborts, no new feed is started.
 */
export async function crawlAll<R>(feeds: readonly Feed[], s: PoolSettings, work: (feed: Feed) => Promise<R>, onResult: (r: R) => void): Promise<void> {
  const hosts = new Map<string, HostQueue>();
  feeds.forEach((f, i) => {
    const key = hostOf(f.url);
    let h = hosts.get(key);
    if (!h) hosts.set(key, (h = { positions: [], head: 0, active: 0 }));
    h.positions.push(i);
  });
  const ready = new ReadyHosts();
  for (const h of hosts.values()) ready.push(h);
  const lookahead = 4 * s.concurrency;
  const begun = new Uint8Array(feeds.length);
  let announced = 0; // feeds before this position were announced, or started unannounced
  const announce = (upTo: number) => {
    for (; s.ahead && announced < Math.min(feeds.length, upTo); announced++) if (!begun[announced]) s.ahead(feeds[announced].url);
  };
  let started = 0;
  let running = 0;
  let failure: { err: unknown } | null = null; // a bug in work or onResult: stop starting, then throw it

  await new Promise<void>((resolve, reject) => {
    const finish = () => {
      if (running > 0) return;
      s.signal.removeEventListener('abort', finish);
      if (failure) reject(failure.err); else resolve();
    };
    const pump = () => {
      while (running < s.concurrency && !s.signal.aborted && !failure) {
        const h = ready.pop();
        if (!h) break;
        const i = h.positions[h.head++];
        h.active++;
        if (h.active < s.perHost && h.head < h.positions.length) ready.push(h);
        running++;
        started++;
        // Every feed is announced once, before it starts (a feed far down the queue, out of turn).
        if (i >= announced) s.ahead?.(feeds[i].url);
        begun[i] = 1;
        announce(started + lookahead);
        void start(feeds[i], h);
      }
      finish();
    };
    const start = async (feed: Feed, h: HostQueue) => {
      try {
        onResult(await work(feed));
      } catch (err) {
        failure ??= { err };
      } finally {
        // Back into the heap if the host was at its limit and still has feeds queued.
        if (h.active-- === s.perHost && h.head < h.positions.length) ready.push(h);
        running--;
        pump();
      }
    };
    s.signal.addEventListener('abort', finish, { once: true });
    pump();
  });
}
