import type { Feed } from '../model.js';
import type { NetworkGate } from '../fetch/http.js';

/** CrawlHooks connect the pool to the fetcher (a Fetcher is one). */
export interface CrawlHooks {
  /** ahead hears of each feed a little before it starts, in queue order (to resolve its host). */
  ahead(url: string): void;
  /** useGate hands the fetcher the crawl's network slots, or takes them back (null). */
  useGate(gate: NetworkGate | null): void;
}

/** PoolSettings bound the crawl: total requests in flight, and per host. */
export interface PoolSettings {
  concurrency: number;
  perHost: number;
  signal: AbortSignal;
  hooks?: CrawlHooks;
}

const hostOf = (url: string) => {
  try { return new URL(url).host; } catch { return url; }
};

/** A host's queued feeds (positions in subscription order) and its network slots in use. */
interface HostQueue {
  positions: number[];
  head: number;
  active: number;
  inHeap: boolean;
}

/** A binary min-heap of hosts keyed by their first queued position. */
class ReadyHosts {
  private readonly a: HostQueue[] = [];
  private key = (h: HostQueue) => h.positions[h.head];
  private swap(i: number, j: number) { [this.a[i], this.a[j]] = [this.a[j], this.a[i]]; }

  push(h: HostQueue): void {
    h.inHeap = true;
    this.a.push(h);
    for (let k = this.a.length - 1; k > 0 && this.key(this.a[(k - 1) >> 1]) > this.key(this.a[k]); k = (k - 1) >> 1) this.swap(k, (k - 1) >> 1);
  }

  pop(): HostQueue | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (this.a.length && last) {
      this.a[0] = last;
      for (let k = 0; ;) {
        const l = 2 * k + 1, r = l + 1;
        let m = k;
        if (l < this.a.length && this.key(this.a[l]) < this.key(this.a[m])) m = l;
        if (r < this.a.length && this.key(this.a[r]) < this.key(this.a[m])) m = r;
        if (m === k) break;
        this.swap(m, k);
        k = m;
      }
    }
    if (top) top.inHeap = false;
    return top;
  }
}

/**
 * crawlAll runs `work` for every feed with at most `concurrency` requests in flight and at most
 * `perHost` per host. A free slot goes to the first queued feed, in subscription order, whose host
 * is under its limit, so a big host is never hammered and never blocks the others (hosts that may
 * start sit in a heap keyed by their first queued feed: O(log hosts) a pick, no queue scan).
 * With `hooks`, each feed is announced ahead so its host's lookup overlaps the fetches in flight,
 * and a feed gives its slot back as soon as its fetch is done rather than after parsing and
 * storing, so CPU work overlaps the network; a later request of the same feed (autodiscovery)
 * waits for a slot again, ahead of new feeds. At most twice `concurrency` feeds are under way.
 * Once the signal aborts, no new feed is started.
 */
export async function crawlAll<R>(feeds: readonly Feed[], s: PoolSettings, work: (feed: Feed) => Promise<R>, onResult: (r: R) => void): Promise<void> {
  const C = s.concurrency, P = s.perHost;
  const hosts = new Map<string, HostQueue>();
  const queueOf = (key: string) => {
    let h = hosts.get(key);
    if (!h) hosts.set(key, (h = { positions: [], head: 0, active: 0, inHeap: false }));
    return h;
  };
  const hostOfFeed = feeds.map((f, i) => { const h = queueOf(hostOf(f.url)); h.positions.push(i); return h; });
  const ready = new ReadyHosts();
  const offer = (h: HostQueue) => { if (!h.inHeap && h.active < P && h.head < h.positions.length) ready.push(h); };
  for (const h of hosts.values()) offer(h);

  const lookahead = 4 * C;
  const begun = new Uint8Array(feeds.length);
  const holding = new Uint8Array(feeds.length); // the feed holds a network slot
  let announced = 0; // feeds before this position were announced, or started unannounced
  const announce = (upTo: number) => {
    for (; s.hooks && announced < Math.min(feeds.length, upTo); announced++) if (!begun[announced]) s.hooks.ahead(feeds[announced].url);
  };
  const firstFetch = new Map<string, number[]>(); // URL → started feeds whose first fetch has not begun
  const fetching = new Map<string, number[]>(); // URL → feeds whose first fetch is under way
  const extra = new Map<string, number>(); // URL → later requests under way, holding their own slot
  const waiting: { h: HostQueue; url: string; go: () => void }[] = [];
  let netActive = 0, started = 0, running = 0;
  let failure: { err: unknown } | null = null; // a bug in work or onResult: stop starting, then throw it
  const push = (m: Map<string, number[]>, k: string, i: number) => { const l = m.get(k); if (l) l.push(i); else m.set(k, [i]); };
  const shift = (m: Map<string, number[]>, k: string) => {
    const l = m.get(k);
    const i = l?.shift();
    if (l && !l.length) m.delete(k);
    return i;
  };
  const releaseFeed = (i: number) => {
    if (!holding[i]) return;
    holding[i] = 0;
    hostOfFeed[i].active--;
    netActive--;
    offer(hostOfFeed[i]);
  };

  await new Promise<void>((resolve, reject) => {
    const finish = () => {
      if (running > 0) return;
      s.signal.removeEventListener('abort', onAbort);
      s.hooks?.useGate(null);
      if (failure) reject(failure.err); else resolve();
    };
    const grant = (w: (typeof waiting)[number]) => {
      w.h.active++;
      netActive++;
      extra.set(w.url, (extra.get(w.url) ?? 0) + 1);
      w.go();
    };
    const pump = () => {
      // Later requests of feeds under way come first: they hold a parsed page already.
      for (let k = 0; k < waiting.length && netActive < C; k++) {
        if (waiting[k].h.active < P) grant(waiting.splice(k--, 1)[0]);
      }
      while (netActive < C && running < 2 * C && !s.signal.aborted && !failure) {
        const h = ready.pop();
        if (!h) break;
        if (h.active >= P) continue; // taken by a later request meanwhile: offered again when one ends
        const i = h.positions[h.head++];
        h.active++;
        offer(h);
        netActive++;
        running++;
        started++;
        holding[i] = 1;
        // Every feed is announced once, before it starts (a feed far down the queue, out of turn).
        if (i >= announced) s.hooks?.ahead(feeds[i].url);
        begun[i] = 1;
        announce(started + lookahead);
        push(firstFetch, feeds[i].url, i);
        void start(i);
      }
      finish();
    };
    const start = async (i: number) => {
      try {
        onResult(await work(feeds[i]));
      } catch (err) {
        failure ??= { err };
      } finally {
        const url = feeds[i].url;
        for (const m of [firstFetch, fetching]) {
          const l = m.get(url);
          if (l?.includes(i)) { l.splice(l.indexOf(i), 1); if (!l.length) m.delete(url); }
        }
        releaseFeed(i);
        running--;
        pump();
      }
    };
    const gate: NetworkGate = {
      enter: (url) => {
        const i = shift(firstFetch, url);
        if (i !== undefined) { push(fetching, url, i); return; } // a feed's own fetch: its slot is held
        const w = { h: queueOf(hostOf(url)), url, go: () => {} };
        if (netActive < C && w.h.active < P) return grant(w);
        return new Promise<void>((go) => { w.go = go; waiting.push(w); });
      },
      leave: (url) => {
        const i = shift(fetching, url);
        if (i !== undefined) releaseFeed(i);
        else if (extra.has(url)) {
          const n = extra.get(url)! - 1;
          if (n) extra.set(url, n); else extra.delete(url);
          const h = queueOf(hostOf(url));
          h.active--;
          netActive--;
          offer(h);
        }
        pump();
      },
    };
    // Requests waiting for a slot go ahead on abort: they fail at once with the aborted signal.
    const onAbort = () => { for (const w of waiting.splice(0)) grant(w); finish(); };
    s.signal.addEventListener('abort', onAbort, { once: true });
    s.hooks?.useGate(gate);
    pump();
  });
}
