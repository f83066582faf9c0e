// A crawler's side of host leases: claim due hosts from the store as the pool runs short, keep
// the leases alive while their feeds are crawled, and give each host back once its last feed is
// done, so that a host is crawled by one crawler at a time and a dead crawler's hosts are taken
// over when its leases run out.
import crypto from 'node:crypto';
import os from 'node:os';
import { feedHost, type Feed } from '../model.js';
import type { DueFilter, Store } from '../store/contract.js';
import type { FeedSupply } from './engine.js';

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
  /** How many feeds were due when the crawl began (to size a progress bar); set by the caller. */
  expected = 0;
  private readonly held = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  /** Lease upkeep (renewals, releases) under way, awaited by close. */
  private readonly upkeep = new Set<Promise<void>>();

  constructor(private readonly store: Store, private readonly s: LeaseSettings) {
    // Renewed three times a lease, so one slow round trip never lets a live crawler's lease lapse.
    this.timer = setInterval(() => { this.track(this.renew()); }, Math.max(50, s.leaseMs / 3));
    this.timer.unref();
  }

  /** more claims the next hosts with due feeds (none once the crawl is stopping). */
  async more(): Promise<readonly Feed[]> {
    if (this.s.signal.aborted) return [];
    const feeds = await this.store.claimHosts({ ...this.s.due(), worker: this.worker, maxHosts: this.s.maxHosts, leaseMs: this.s.leaseMs });
    for (const f of feeds) this.held.add(feedHost(f.url));
    this.claimed += feeds.length;
    return feeds;
  }

  /** hostDone gives a host back as soon as none of its feeds is queued or under way. */
  hostDone(host: string): void {
    if (this.held.delete(host)) this.track(this.store.releaseHosts(this.worker, [host]));
  }

  /** close stops renewing and releases every host still held (a stopped crawl's unfinished hosts). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.upkeep);
    const rest = [...this.held];
    this.held.clear();
    if (rest.length) await this.store.releaseHosts(this.worker, rest);
  }

  private async renew(): Promise<void> {
    const hosts = [...this.held];
    if (hosts.length) await this.store.renewLeases(this.worker, hosts, this.s.leaseMs);
  }

  // Lease upkeep runs beside the crawl; a failure (the database away for a moment) is retried on
  // the next tick, and a lease lost meanwhile only means another crawler may take the host over.
  private track(p: Promise<unknown>): void {
    // A set of what is in flight, not a chain: a worker that runs for weeks holds only the few under way.
    const q: Promise<void> = p.then(() => {}, () => {}).finally(() => this.upkeep.delete(q));
    this.upkeep.add(q);
  }
}
