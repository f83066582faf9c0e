import type { Feed } from '../model.js';
import { VERSION, HOMEPAGE } from '../version.js';
import { Fetcher } from '../fetch/http.js';
import { crawlAll, type FeedSupply } from '../crawl/engine.js';
import { ParsePool, parsePoolFor } from '../crawl/parse-pool.js';
import { refreshFeed, type FeedResult } from '../crawl/recipe.js';
import { UsageError } from '../errors.js';
import type { Context } from './context.js';

/** CrawlOptions are the crawl flags shared by import and refresh. */
export interface CrawlOptions {
  concurrency: number;
  perHost: number;
  /** Per-feed total timeout, seconds. */
  timeout: number;
  /** Body cap, MiB. */
  maxSize: number;
  /** Refuse to connect to loopback, private and link-local addresses (default false; see src/fetch/networks.ts). */
  denyPrivateNetworks?: boolean;
}

/** CrawlSummary totals a crawl. */
export interface CrawlSummary {
  feeds: number;
  updated: number;
  unchanged: number;
  notModified: number;
  failed: number;
  disabled: number;
  moved: number;
  interrupted: number;
  /** Due feeds left unfetched because other crawlers held their hosts' leases (a shared store). */
  leftToOthers: number;
  /** Claimed feeds given up unstarted because this crawler lost their host's lease (it stalled past it). */
  lostLeases: number;
  newItems: number;
  updatedItems: number;
  seconds: number;
}

/** CrawlListener hears about a crawl as it goes (progress bars, NDJSON events). */
export interface CrawlListener {
  start(total: number): void;
  feed(r: FeedResult): void;
  stop(): void;
}

/** ClaimingSupply feeds a crawl with claimed feeds, counting them; `expected` sizes the progress bar. */
export interface ClaimingSupply extends FeedSupply {
  readonly claimed: number;
  /** Claimed feeds dropped unstarted, their host's lease lost. */
  readonly lost: number;
  readonly expected: number;
}

/** USER_AGENT identifies Inkzee to servers, with a URL to learn about it. */
export const USER_AGENT = `Inkzee/${VERSION} (+${HOMEPAGE})`;

/** checkCrawlOptions refuses nonsensical numbers before anything is fetched. */
export function checkCrawlOptions(o: CrawlOptions): CrawlOptions {
  const bad = (flag: string, v: number) => new UsageError(`--${flag} must be a positive number, not ${Number.isNaN(v) ? 'that' : v}`);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw bad('concurrency', o.concurrency);
  if (!Number.isInteger(o.perHost) || o.perHost < 1) throw bad('per-host', o.perHost);
  if (!(o.timeout > 0)) throw bad('timeout', o.timeout);
  if (!(o.maxSize > 0)) throw bad('max-size', o.maxSize);
  return o;
}

/** emptySummary is the CrawlSummary of a crawl that did nothing yet. */
export function emptySummary(): CrawlSummary {
  return { feeds: 0, updated: 0, unchanged: 0, notModified: 0, failed: 0, disabled: 0, moved: 0, interrupted: 0, leftToOthers: 0, lostLeases: 0, newItems: 0, updatedItems: 0, seconds: 0 };
}

/**
 * crawlFeeds fetches and stores the given feeds with one bounded pool. SIGINT/SIGTERM stop new
 * feeds from starting and abort those in flight; what was stored stays stored.
 */
export async function crawlFeeds(ctx: Context, feeds: readonly Feed[], o: CrawlOptions, listen: CrawlListener, supply?: ClaimingSupply): Promise<CrawlSummary> {
  const { signal } = ctx;
  const started = Date.now();
  const fetcher = new Fetcher({
    userAgent: USER_AGENT, timeoutMs: o.timeout * 1000, maxBodyBytes: Math.round(o.maxSize * 1024 * 1024),
    concurrency: o.concurrency, perHost: o.perHost, denyPrivateNetworks: o.denyPrivateNetworks,
  });
  const sum = emptySummary();
  const pool = new ParsePool(parsePoolFor(supply ? Infinity : feeds.length));
  const deps = { store: await ctx.store(), fetcher, signal, now: ctx.now, parse: pool.parse.bind(pool) };
  // Feeds waiting to be stored hold no network slot: with C of them waiting, C more can be fetched.
  deps.store.expectWriters?.(o.concurrency);
  listen.start(supply ? supply.expected : feeds.length);
  try {
    await crawlAll(feeds, { concurrency: o.concurrency, perHost: o.perHost, signal, hooks: fetcher, supply }, (f) => refreshFeed(f, deps), (r) => {
      if (r.outcome === 'updated') sum.updated++;
      else if (r.outcome === 'unchanged') sum.unchanged++;
      else if (r.outcome === 'not-modified') sum.notModified++;
      else if (r.outcome === 'failed') sum.failed++;
      if (r.disabled) sum.disabled++;
      if (r.movedTo) sum.moved++;
      sum.newItems += r.added;
      sum.updatedItems += r.updated;
      listen.feed(r);
    });
  } finally {
    listen.stop();
    await fetcher.close();
    await pool.close();
  }
  // Feeds never started, or aborted in flight, were interrupted.
  // Feeds dropped with a lost lease are another crawler's: neither crawled nor interrupted here.
  sum.lostLeases = supply?.lost ?? 0;
  sum.feeds = feeds.length + (supply?.claimed ?? 0) - sum.lostLeases;
  sum.interrupted = sum.feeds - sum.updated - sum.unchanged - sum.notModified - sum.failed;
  sum.seconds = Math.round((Date.now() - started) / 100) / 10;
  return sum;
}
