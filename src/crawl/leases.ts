// A crawler's side of host leases: claim due hosts from the store as the pool runs short, keep
// the leases alive while their feeds are crawled, and give each host back once its last feed is
// done, so that a host is crawled by one crawler at a time and a dead crawler's hosts are taken
// over when its leases run out; a crawler that stalled past its lease starts none of the feeds
// it still had queued for a host it may have lost.
import crypto from 'node:crypto';
import os from 'node:os';
import { feedHost, type Feed } from '../model.js';
import type { DueFilter, Store } from '../store/contract.js';
import type { FeedSupply } from './engine.js';

/** How often a request waiting for a host another crawler holds looks again. */
const BORROW_POLL_MS = 200;

/** pause resolves after ms, or rejects with the signal's reason once it aborts. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    function stop() {
      clearTimeout(t);
      reject(signal.reason);
    }
    signal.addEventListener('abort', stop, { once: true });
  });

/** crawlerId names this crawler in the leases it holds: machine, process and a random part. */
export function crawlerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

/** LeaseSettings say how many hosts a claim takes, how long a lease lasts, and which feeds are due. */
export interface LeaseSettings {
  maxHosts: number;
  leaseMs: number;
  /** The due filter of a claim made now (its times move on as the crawl goes). */
  due: () => DueFilter;
  signal: AbortSignal;
}

/** HostLeases is a FeedSupply that claims whole hosts from a store and holds their leases. */
export class HostLeases implements FeedSupply {
  readonly worker = crawlerId();
  /** No feeds kept in hand beyond the free slots: the pool claims only when a slot would idle. */
  readonly reserve = 0;
  /** Feeds claimed so far. */
  claimed = 0;
  /** Claimed feeds dropped unstarted because their host's lease was lost (a stall past the lease). */
  lost = 0;
  /** How many feeds were due when the crawl began (to size a progress bar); set by the caller. */
  expected = 0;
  /**
   * Hosts held, each with the local time (performance.now) its lease surely lasts until: the
   * lease's length from when the claim or last renewal that kept it was sent. Past that, the
   * database may have given the host to another crawler, so none of its feeds starts here.
   */
  private readonly held = new Map<string, number>();
  /** Hosts claimed for their own feeds and not done yet (a subset of held). */
  private readonly own = new Set<string>();
  /** Requests under way per host borrowed for them (redirect targets, discovered feeds). */
  private readonly borrows = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  /** Lease upkeep (renewals, releases) under way, awaited by close. */
  private readonly upkeep = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly s: LeaseSettings,
  ) {
    // Renewed three times a lease, so one slow round trip never lets a live crawler's lease lapse.
    this.timer = setInterval(
      () => {
        this.track(this.renew());
      },
      Math.max(50, s.leaseMs / 3),
    );
    this.timer.unref();
  }

  /** more claims the next hosts with due feeds (none once the crawl is stopping). */
  async more(): Promise<readonly Feed[]> {
    if (this.s.signal.aborted) return [];
    const sent = performance.now();
    const feeds = await this.store.claimHosts({ ...this.s.due(), worker: this.worker, maxHosts: this.s.maxHosts, leaseMs: this.s.leaseMs });
    for (const f of feeds) {
      this.held.set(feedHost(f.url), sent + this.s.leaseMs);
      this.own.add(feedHost(f.url));
    }
    this.claimed += feeds.length;
    return feeds;
  }

  /** hostDone gives a host back as soon as none of its feeds is queued or under way. */
  hostDone(host: string): void {
    this.own.delete(host);
    if (!this.borrows.has(host)) this.letGo(host);
  }

  /**
   * borrow holds a host that a request is about to connect to for as long as that request lasts
   * (call the release it resolves to): at once if this crawler holds it, else by leasing it,
   * looking again every BORROW_POLL_MS while another crawler holds it, until `signal` aborts
   * (then it rejects). So a redirect or a discovered feed on another host never adds a request
   * to a host some other crawler is crawling, and --per-host holds there across the fleet.
   */
  async borrow(host: string, signal: AbortSignal): Promise<() => void> {
    this.borrows.set(host, (this.borrows.get(host) ?? 0) + 1);
    const release = () => {
      const n = this.borrows.get(host)! - 1;
      if (n) return void this.borrows.set(host, n);
      this.borrows.delete(host);
      if (!this.own.has(host)) this.letGo(host);
    };
    try {
      while (!this.holds(host)) {
        signal.throwIfAborted();
        const sent = performance.now();
        if (await this.store.borrowHost(this.worker, host, this.s.leaseMs)) this.held.set(host, sent + this.s.leaseMs);
        else await pause(BORROW_POLL_MS, signal);
      }
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /** holds says whether this crawler surely still holds the host's lease (claimed, renewed in time, not lost). */
  holds(host: string): boolean {
    return (this.held.get(host) ?? 0) > performance.now();
  }

  /** dropped counts the feeds of a lost host that the pool gave up unstarted. */
  dropped(_host: string, n: number): void {
    this.lost += n;
  }

  /** close stops renewing and releases every host still held (a stopped crawl's unfinished hosts). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.upkeep);
    const rest = [...this.held.keys()];
    this.held.clear();
    this.own.clear();
    if (rest.length) await this.store.releaseHosts(this.worker, rest);
  }

  private letGo(host: string): void {
    if (this.held.delete(host)) this.track(this.store.releaseHosts(this.worker, [host]));
  }

  // A host the renewal did not keep was taken over (or its lease ran out while this process
  // stalled): it stays in `held` until the pool is done with it, marked as no longer held —
  // unless it was claimed or borrowed again after the renewal was sent.
  private async renew(): Promise<void> {
    const hosts = [...this.held.keys()];
    if (!hosts.length) return;
    const sent = performance.now(),
      until = sent + this.s.leaseMs;
    const kept = new Set(await this.store.renewLeases(this.worker, hosts, this.s.leaseMs));
    for (const h of hosts) {
      const was = this.held.get(h);
      if (was !== undefined) this.held.set(h, kept.has(h) ? Math.max(was, until) : was > until ? was : 0);
    }
  }

  // Lease upkeep runs beside the crawl; a failure (the database away for a moment) is retried on
  // the next tick, and a lease lost meanwhile only means another crawler may take the host over.
  private track(p: Promise<unknown>): void {
    // A set of what is in flight, not a chain: a worker that runs for weeks holds only the few under way.
    const q: Promise<void> = p
      .then(
        () => {},
        () => {},
      )
      .finally(() => this.upkeep.delete(q));
    this.upkeep.add(q);
  }
}
