// `inkzee worker`: a long-running crawler, one or more per machine, all pointed at one store.
// Workers claim whole hosts under expiring leases (src/crawl/leases.ts), so a feed is crawled by
// one worker at a time and a host never sees more than --per-host requests from the fleet.
import type { DueFilter, Store } from '../store/contract.js';
import { HostLeases } from '../crawl/leases.js';
import type { Context } from './context.js';
import { checkCrawlOptions, crawlFeeds, emptySummary, type CrawlOptions } from './crawl.js';
import { LockedError, UsageError } from '../errors.js';
import { describeSpec, NUMERIC_FLAGS } from './flags.js';
import type { CrawlListener, CrawlSummary } from '../results.js';

/**
 * LEASE_PER_TIMEOUT: a lease lasts twice the per-feed timeout. A live worker renews it three
 * times a lease; a dead one's hosts are free again within that bound.
 */
const LEASE_PER_TIMEOUT = 2;

/** leaseMsFor is how long a crawler's host lease lasts with this per-feed timeout (seconds). */
export function leaseMsFor(timeoutSec: number): number {
  return LEASE_PER_TIMEOUT * timeoutSec * 1000;
}

/**
 * leasedCrawl crawls the due feeds it can claim, host by host, until none is left to claim (hosts
 * other crawlers hold are theirs, counted in the summary's leftToOthers); the leases it still
 * holds when it stops are released.
 */
export async function leasedCrawl(
  ctx: Context,
  store: Store,
  o: CrawlOptions,
  listen: CrawlListener,
  due: () => DueFilter,
): Promise<CrawlSummary> {
  // Claims stay small and come only when a slot would idle (no reserve): hosts held in a queue
  // are hosts other workers cannot crawl. A claim is one statement, quick beside a fetch.
  const maxHosts = Math.max(1, Math.ceil(o.concurrency / o.perHost / 2));
  const leases = new HostLeases(store, { maxHosts, leaseMs: leaseMsFor(o.timeout), due, signal: ctx.signal });
  let s: CrawlSummary;
  try {
    leases.expected = await store.countDue(due());
    s = await crawlFeeds(ctx, [], o, listen, leases);
  } finally {
    await leases.close();
  }
  // A summary that looks complete must be: what was due but held by others is said so.
  if (!ctx.signal.aborted)
    s.leftToOthers = (await store.leasedElsewhere({ ...due(), worker: leases.worker })).reduce((n, h) => n + h.feeds, 0);
  return s;
}

/**
 * waitForLeases waits while other crawlers hold a host of the feeds asked for by name (`what`,
 * e.g. "feed 5"), saying so on stderr, until the lease seen first has run out: a dead crawler's
 * hosts are then free. A lease renewed meanwhile belongs to a live crawler: LockedError (exit
 * 75), unless `wait`, which waits for it too.
 */
export async function waitForLeases(ctx: Context, store: Store, due: () => DueFilter, what: string, wait: boolean): Promise<void> {
  let first: string | undefined;
  while (!ctx.signal.aborted) {
    const held = await store.leasedElsewhere({ ...due(), worker: '' });
    if (held.length === 0) return;
    const last = held[held.length - 1]; // the lease that ends last
    const why = `${what}: its host ${last.host} is being crawled by ${last.worker} until ${last.until}`;
    if (first !== undefined && last.until > first && !wait)
      throw new LockedError(`${why} (its lease was renewed: that crawler is alive; --wait waits for it)`);
    first ??= last.until;
    ctx.out.warn(`${why}; waiting for that lease to end`);
    await sleep(last.leftMs + LEASE_END_SLACK_MS, ctx.signal);
  }
}

/** WorkerOptions are a worker's crawl flags, its refresh interval and when it stops. */
export interface WorkerOptions extends CrawlOptions {
  /** On a store crawled by one process at a time: wait for the run lock instead of exiting 75. */
  wait?: boolean;
  /** Minutes between two fetches of a feed. */
  interval: number;
  /** Exit once nothing is due or claimed, instead of waiting for the next due feed. */
  exitWhenIdle?: boolean;
}

// Nothing claimable although feeds are due: their hosts are leased by other workers (perhaps a
// dead one whose lease has yet to run out), so look again soon.
const BUSY_POLL_MS = 1000;
// Nothing due: look again after this long (or the interval, if shorter).
const IDLE_POLL_MS = 30_000;
// Look again this long after a lease should have ended (the database's clock decides).
const LEASE_END_SLACK_MS = 250;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const add = (a: CrawlSummary, b: CrawlSummary): CrawlSummary => {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof CrawlSummary)[]) out[k] = Math.round((a[k] + b[k]) * 10) / 10;
  return out;
};

/**
 * workerCommand crawls whatever is due, round after round, until SIGINT/SIGTERM (or, with
 * exitWhenIdle, until nothing is due or claimed): then it stops claiming, lets go of its leases
 * and returns the totals. On a store crawled by one process at a time (SQLite) the worker holds
 * the run lock for its whole life.
 */
export async function workerCommand(
  ctx: Context,
  o: WorkerOptions,
  round: (s: CrawlSummary) => void,
  listen: CrawlListener,
): Promise<CrawlSummary> {
  checkCrawlOptions(o);
  const spec = NUMERIC_FLAGS['--interval']; // the CLI parsed it so already; this guards other callers
  if (!(o.interval > spec.min && o.interval <= spec.max)) throw new UsageError(`--interval ${o.interval}: must be ${describeSpec(spec)}`);
  const store = await ctx.store();
  const lock = await store.runLock(!!o.wait);
  let total = emptySummary();
  const due = (): DueFilter => {
    const now = ctx.now();
    return { now: now.toISOString(), checkedBefore: new Date(now.getTime() - o.interval * 60_000).toISOString() };
  };
  try {
    while (!ctx.signal.aborted) {
      const s = await leasedCrawl(ctx, store, o, listen, due);
      total = add(total, s);
      total.leftToOthers = s.leftToOthers; // a count of now, not a sum over rounds
      if (s.feeds || s.lostLeases) round(s); // a round that only lost leases is still news
      if (ctx.signal.aborted) break;
      const left = await store.countDue(due());
      if (left === 0 && o.exitWhenIdle) break;
      await sleep(left ? BUSY_POLL_MS : Math.min(IDLE_POLL_MS, o.interval * 60_000), ctx.signal);
    }
  } finally {
    lock.release();
  }
  return total;
}
