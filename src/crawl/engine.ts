import { feedHost, type Feed } from '../model.js';
import type { NetworkGate } from '../fetch/http.js';
import { ReadyHosts, trim, type HostQueue } from './ready-hosts.js';

/** CrawlHooks connect the pool to the fetcher (a Fetcher is one). */
export interface CrawlHooks {
  /** ahead hears of each feed a little before it starts, in queue order (to resolve its host). */
  ahead(url: string): void;
  /** useGate hands the fetcher the crawl's network slots, or takes them back (null). */
  useGate(gate: NetworkGate | null): void;
}

/** FeedSupply feeds a crawl while it runs (a worker claiming due hosts from a shared store). */
export interface FeedSupply {
  /**
   * more resolves to the next feeds to crawl, or to none when nothing is due just now. Feeds of
   * hosts the pool holds at their limit let nothing more start: after such an answer, as after an
   * empty one, the pool asks again only once a feed ends.
   */
  more(): Promise<readonly Feed[]>;
  /** hostDone hears that a host (feedHost) has no feed queued or under way any more (to release its lease). */
  hostDone?(host: string): void;
  /**
   * holds says whether the supply still holds a host (its lease not lost or run out); checked
   * before each feed starts. A host it no longer holds has its queued feeds dropped, never
   * started, and `dropped` hears how many (another crawler has that host now).
   */
  holds?(host: string): boolean;
  /** dropped hears that n queued feeds of a host the supply no longer holds were dropped. */
  dropped?(host: string, n: number): void;
  /**
   * borrow holds a host (feedHost) a request is about to connect to, waiting while it cannot, for
   * as long as the request lasts: it resolves to the release, or rejects once `signal` aborts.
   */
  borrow?(host: string, signal: AbortSignal): Promise<() => void>;
  /**
   * reserve is how many feeds that could start the pool keeps in hand beyond its free slots, up to
   * `concurrency` (the default): more hides a claim's round trip when many feeds end at once (304s),
   * fewer leaves more hosts to other workers and makes fewer claims.
   */
  reserve?: number;
}

/** PoolSettings bound the crawl: total requests in flight, and per host; `supply` adds feeds as it runs. */
export interface PoolSettings {
  concurrency: number;
  perHost: number;
  signal: AbortSignal;
  hooks?: CrawlHooks;
  supply?: FeedSupply;
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
 * With a `supply`, the pool asks it for more feeds (one request at a time) whenever fewer than
 * `concurrency` could start now (fewer than the free slots and the supply's reserve, if smaller),
 * appends them after those queued, and ends only once the supply has nothing more and nothing
 * runs; after an empty answer it asks again only when a feed ends. Each host (its feedHost key)
 * is told done once nothing of it is queued or under way.
 * A host the supply says it no longer holds (`holds`) has its queued feeds dropped, not started.
 * Once the signal aborts, no new feed is started and no more asked for: queued feeds are dropped
 * and their hosts told done, an answer under way is awaited and dropped too. A bug in `work` or
 * `onResult`, or a supply that fails, stops the crawl the same way, then crawlAll throws it.
 */
export async function crawlAll<R>(
  feeds: readonly Feed[],
  s: PoolSettings,
  work: (feed: Feed) => Promise<R>,
  onResult: (r: R) => void,
): Promise<void> {
  const C = s.concurrency,
    P = s.perHost,
    supply = s.supply;
  const reserve = Math.min(C, Math.max(0, supply?.reserve ?? C));
  const hosts = new Map<string, HostQueue>();
  const queueOf = (key: string) => {
    let h = hosts.get(key);
    if (!h) hosts.set(key, (h = { key, positions: [], head: 0, active: 0, feeds: 0, counted: 0, inHeap: false }));
    return h;
  };
  // A host is forgotten once it holds nothing, so the pool of a worker that never ends stays small.
  const forget = (h: HostQueue) => {
    if (!h.feeds && !h.active) hosts.delete(h.key);
  };
  const ready = new ReadyHosts();
  let startable = 0; // feeds that could start now: the sum over hosts of min(queued, free host slots)
  let queued = 0;
  const offer = (h: HostQueue) => {
    const n = h.positions.length - h.head,
      c = Math.min(n, Math.max(0, P - h.active));
    startable += c - h.counted;
    h.counted = c;
    if (!h.inHeap && h.active < P && n) ready.push(h);
  };

  // Per position (arrival order), from `base` on: the feed, its host, and its state. The front is
  // cut off once every feed in it has ended, so a pool that is fed for weeks stays small.
  const BEGUN = 1,
    HOLDING = 2,
    ENDED = 4; // HOLDING: the feed holds a network slot
  let feedAt: Feed[] = [],
    hostAt: HostQueue[] = [],
    state = new Uint8Array(64);
  let base = 0,
    total = 0,
    cut = 0; // feeds before `cut` have all ended
  const lookahead = 4 * C;
  let announced = 0; // feeds before this position were announced, or started unannounced
  const announce = (upTo: number) => {
    for (; s.hooks && announced < Math.min(total, upTo); announced++)
      if (!(state[announced - base] & BEGUN)) s.hooks.ahead(feedAt[announced - base].url);
  };
  const append = (batch: readonly Feed[]) => {
    const at = batch.map((f) => queueOf(feedHost(f.url)));
    if (total === base) {
      feedAt = batch.slice();
      hostAt = at;
    } // arrays built whole: a plain crawl's only batch
    else
      for (let k = 0; k < batch.length; k++) {
        feedAt.push(batch[k]);
        hostAt.push(at[k]);
      }
    if (total + batch.length - base > state.length) {
      const grown = new Uint8Array(Math.max(total + batch.length - base, 2 * state.length));
      grown.set(state);
      state = grown;
    }
    for (const h of at) {
      h.positions.push(total++);
      h.feeds++;
      queued++;
      offer(h);
    }
  };
  const ended = (i: number) => {
    state[i - base] |= ENDED;
    while (cut < total && state[cut - base] & ENDED) cut++;
    const n = cut - base;
    if (n < 1024 || 2 * n < total - base) return;
    feedAt.splice(0, n);
    hostAt.splice(0, n);
    state.copyWithin(0, n, total - base);
    state.fill(0, total - base - n, total - base);
    base += n;
    announced = Math.max(announced, base); // those feeds ended: nothing left to announce there
  };
  append(feeds);

  const firstFetch = new Map<string, number[]>(); // URL → started feeds whose first fetch has not begun
  const fetching = new Map<string, number[]>(); // URL → feeds whose first fetch is under way
  const extra = new Map<string, number>(); // URL → later requests under way, holding their own slot
  const waiting: { key: string; url: string; go: () => void }[] = [];
  let netActive = 0,
    started = 0,
    running = 0;
  let failure: { err: unknown } | null = null; // a bug in work, onResult or the supply: stop starting, then throw it
  let asking = false,
    dry = false,
    finished = 0; // supply: a request out; nothing more for now; feeds ended
  const push = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  };
  const shift = (m: Map<string, number[]>, k: string) => {
    const l = m.get(k);
    const i = l?.shift();
    if (l && !l.length) m.delete(k);
    return i;
  };
  const releaseFeed = (i: number) => {
    if (!(state[i - base] & HOLDING)) return;
    state[i - base] &= ~HOLDING;
    const h = hostAt[i - base];
    h.active--;
    netActive--;
    offer(h);
  };
  const stopped = () => s.signal.aborted || failure !== null;
  const hostDone = (h: HostQueue) => {
    try {
      supply?.hostDone?.(h.key);
    } catch (err) {
      failure ??= { err };
    }
    forget(h);
  };
  // A host whose lease was lost: its queued feeds are another crawler's now.
  const lose = (h: HostQueue) => {
    const left = h.positions.splice(h.head);
    h.feeds -= left.length;
    queued -= left.length;
    offer(h);
    for (const i of left) ended(i);
    try {
      supply?.dropped?.(h.key, left.length);
    } catch (err) {
      failure ??= { err };
    }
    if (!h.feeds) hostDone(h);
  };
  // Once stopped, queued feeds will never start: drop them, and let their hosts go if idle.
  const drop = () => {
    if (!queued) return;
    ready.clear();
    for (const h of [...hosts.values()]) {
      const left = h.positions.splice(h.head);
      if (!left.length) continue;
      h.feeds -= left.length;
      queued -= left.length;
      offer(h);
      for (const i of left) ended(i);
      if (!h.feeds) hostDone(h);
    }
  };

  await new Promise<void>((resolve, reject) => {
    const finish = () => {
      if (running > 0 || asking) return;
      s.signal.removeEventListener('abort', onAbort);
      s.hooks?.useGate(null);
      if (failure) reject(failure.err);
      else resolve();
    };
    const grant = (w: (typeof waiting)[number]) => {
      const h = queueOf(w.key);
      h.active++;
      netActive++;
      offer(h);
      extra.set(w.url, (extra.get(w.url) ?? 0) + 1);
      w.go();
    };
    const ask = () => {
      asking = true;
      const seen = finished;
      const answered = (batch: readonly Feed[]) => {
        asking = false;
        const before = startable;
        append(batch);
        // Ask straight away again only if the batch let more feeds start (feeds of hosts at their
        // limit do not), or if a feed ended meanwhile: something may have become due since.
        dry = startable <= before && finished === seen;
        announce(started + lookahead);
        pump();
      };
      let p: Promise<readonly Feed[]>;
      try {
        p = supply!.more();
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(answered, (err: unknown) => {
        failure ??= { err };
        answered([]);
      });
    };
    const pump = () => {
      if (stopped()) drop();
      // Later requests of feeds under way come first: they hold a parsed page already.
      for (let k = 0; k < waiting.length && netActive < C; k++) {
        if ((hosts.get(waiting[k].key)?.active ?? 0) < P) grant(waiting.splice(k--, 1)[0]);
      }
      while (netActive < C && running < 2 * C && !stopped()) {
        const h = ready.pop();
        if (!h) break;
        if (h.active >= P) continue; // taken by a later request meanwhile: offered again when one ends
        if (supply?.holds && !supply.holds(h.key)) {
          lose(h);
          continue;
        }
        const i = h.positions[h.head++];
        h.head = trim(h.positions, h.head);
        queued--;
        h.active++;
        offer(h);
        netActive++;
        running++;
        started++;
        // Every feed is announced once, before it starts (a feed far down the queue, out of turn).
        if (i >= announced) s.hooks?.ahead(feedAt[i - base].url);
        state[i - base] |= BEGUN | HOLDING;
        announce(started + lookahead);
        push(firstFetch, feedAt[i - base].url, i);
        void start(i);
      }
      // Ask ahead while fewer feeds could start than the free slots and the reserve (at most a
      // round of slots): feeds that end while the answer comes find the next ones in hand.
      if (supply && !asking && !dry && !stopped() && startable < Math.min(C, C - netActive + reserve)) ask();
      finish();
    };
    const start = async (i: number) => {
      const feed = feedAt[i - base];
      try {
        onResult(await work(feed));
      } catch (err) {
        failure ??= { err };
      } finally {
        for (const m of [firstFetch, fetching]) {
          const l = m.get(feed.url);
          if (l?.includes(i)) {
            l.splice(l.indexOf(i), 1);
            if (!l.length) m.delete(feed.url);
          }
        }
        releaseFeed(i);
        running--;
        finished++;
        dry = false; // something may have become due meanwhile
        const h = hostAt[i - base];
        ended(i);
        if (!--h.feeds) hostDone(h);
        pump();
      }
    };
    const gate: NetworkGate = {
      enter: (url) => {
        const i = shift(firstFetch, url);
        if (i !== undefined) {
          push(fetching, url, i);
          return;
        } // a feed's own fetch: its slot is held
        const w = { key: feedHost(url), url, go: () => {} };
        if (netActive < C && (hosts.get(w.key)?.active ?? 0) < P) return grant(w);
        return new Promise<void>((go) => {
          w.go = go;
          waiting.push(w);
        });
      },
      leave: (url) => {
        const i = shift(fetching, url);
        if (i !== undefined) releaseFeed(i);
        else if (extra.has(url)) {
          const n = extra.get(url)! - 1;
          if (n) extra.set(url, n);
          else extra.delete(url);
          const h = queueOf(feedHost(url));
          h.active--;
          netActive--;
          offer(h);
          forget(h);
        }
        pump();
      },
    };
    // Every host a request connects to (a redirect target, a discovered feed) is held first.
    if (supply?.borrow) gate.borrow = (url, signal) => supply.borrow!(feedHost(url), signal);
    // Requests waiting for a slot go ahead on abort: they fail at once with the aborted signal.
    const onAbort = () => {
      for (const w of waiting.splice(0)) grant(w);
      drop();
      finish();
    };
    s.signal.addEventListener('abort', onAbort, { once: true });
    s.hooks?.useGate(gate);
    pump();
  });
}
