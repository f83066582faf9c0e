import { feedHost, type Feed } from '../model.js';
import { VERSION, HOMEPAGE } from '../version.js';
import { Fetcher } from '../fetch/http.js';
import { crawlAll, type FeedSupply } from '../crawl/engine.js';
import { ParsePool, parsePoolFor } from '../crawl/parse-pool.js';
import { feedResult, refreshFeed, type FeedResult } from '../crawl/recipe.js';
import { UsageError } from '../errors.js';
import { describeSpec, NUMERIC_FLAGS, type NumberSpec, type NumericFlag } from './flags.js';
import type { Context } from './context.js';
import type { CrawlListener, CrawlSummary } from '../results.js';
import { afterStored, type NewItemsOptions } from './new-items.js';

/** CrawlOptions are the crawl flags shared by import and refresh, and (refresh, worker) the hook on new items. */
export interface CrawlOptions extends NewItemsOptions {
  concurrency: number;
  perHost: number;
  /** Per-feed total timeout, seconds. */
  timeout: number;
  /** Body cap, MiB. */
  maxSize: number;
  /** Refuse to connect to loopback, private and link-local addresses (default false; see src/fetch/networks.ts). */
  denyPrivateNetworks?: boolean;
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
  // The CLI parses these with the same specs (flags.ts); this guards other callers, naming the value.
  const check = (flag: NumericFlag, v: number) => {
    const spec: NumberSpec = NUMERIC_FLAGS[flag];
    const ok =
      Number.isFinite(v) && (!spec.whole || Number.isInteger(v)) && v <= spec.max && (spec.aboveMin ? v > spec.min : v >= spec.min);
    if (!ok) throw new UsageError(`${flag} ${String(v)}: must be ${describeSpec(spec)}`);
  };
  check('--concurrency', o.concurrency);
  check('--per-host', o.perHost);
  check('--timeout', o.timeout);
  check('--max-size', o.maxSize);
  return o;
}

/** fetcherFor is the HTTP client the crawl options ask for (timeout, size cap, concurrency, per host, private networks). */
export function fetcherFor(o: CrawlOptions): Fetcher {
  return new Fetcher({
    userAgent: USER_AGENT,
    timeoutMs: o.timeout * 1000,
    maxBodyBytes: Math.round(o.maxSize * 1024 * 1024),
    concurrency: o.concurrency,
    perHost: o.perHost,
    denyPrivateNetworks: o.denyPrivateNetworks,
  });
}

/** emptySummary is the CrawlSummary of a crawl that did nothing yet. */
export function emptySummary(): CrawlSummary {
  return {
    feeds: 0,
    updated: 0,
    unchanged: 0,
    notModified: 0,
    failed: 0,
    disabled: 0,
    moved: 0,
    interrupted: 0,
    leftToOthers: 0,
    lostLeases: 0,
    newItems: 0,
    updatedItems: 0,
    seconds: 0,
  };
}

/** notCrawled is the result of a feed the crawl was handed but never started (stopped first). */
export function notCrawled(feed: Feed): FeedResult {
  return feedResult(feed, { outcome: 'interrupted' });
}

/** tally adds one feed's result to a summary: the summary is the sum of the feed events, nothing else. */
function tally(sum: CrawlSummary, r: FeedResult): void {
  sum.feeds++;
  if (r.outcome === 'updated') sum.updated++;
  else if (r.outcome === 'unchanged') sum.unchanged++;
  else if (r.outcome === 'not-modified') sum.notModified++;
  else if (r.outcome === 'failed') sum.failed++;
  else sum.interrupted++;
  if (r.disabled) sum.disabled++;
  if (r.movedTo) sum.moved++;
  sum.newItems += r.added;
  sum.updatedItems += r.updated;
}

/**
 * crawlFeeds fetches and stores the given feeds with one bounded pool, then applies the rules to
 * the new items and runs the hook (o.exec) with them. SIGINT/SIGTERM stop new
 * feeds from starting and abort those in flight; what was stored stays stored. Every feed handed
 * to the pool (listed, or claimed from the supply) gets exactly one event: those the pool dropped
 * before starting them are reported `interrupted` once it returns, and the summary counts events.
 */
export async function crawlFeeds(
  ctx: Context,
  feeds: readonly Feed[],
  o: CrawlOptions,
  listen: CrawlListener,
  supply?: ClaimingSupply,
): Promise<CrawlSummary> {
  const { signal } = ctx;
  const started = Date.now();
  const fetcher = fetcherFor(o);
  const sum = emptySummary();
  const pool = new ParsePool(parsePoolFor(supply ? Infinity : feeds.length));
  const deps = { store: await ctx.store(), fetcher, signal, now: ctx.now, parse: pool.parse.bind(pool) };
  // Feeds waiting to be stored hold no network slot: with C of them waiting, C more can be fetched.
  deps.store.expectWriters?.(o.concurrency);
  // Feeds handed to the pool that have not reported yet (a crawl is handed each feed once).
  const unreported = new Map<number, Feed>(feeds.map((f) => [f.id, f]));
  const handing: FeedSupply | undefined = supply && {
    reserve: supply.reserve,
    hostDone: supply.hostDone?.bind(supply),
    holds: supply.holds?.bind(supply),
    borrow: supply.borrow?.bind(supply),
    dropped: (host: string, n: number) => {
      // A lost host's queued feeds are another crawler's now: no event for them here.
      for (const [id, f] of unreported) if (feedHost(f.url) === host) unreported.delete(id);
      supply.dropped?.(host, n);
    },
    more: async () => {
      const batch = await supply.more();
      for (const f of batch) unreported.set(f.id, f);
      return batch;
    },
  };
  // The items this crawl stored new: the rules and the hook get them once it is done.
  const newIds: number[] = [];
  const report = (r: FeedResult) => {
    unreported.delete(r.feedId);
    if (r.newIds) for (const id of r.newIds) newIds.push(id);
    tally(sum, r);
    listen.feed(r);
  };
  listen.start(supply ? supply.expected : feeds.length);
  try {
    await crawlAll(
      feeds,
      { concurrency: o.concurrency, perHost: o.perHost, signal, hooks: fetcher, supply: handing },
      (f) => refreshFeed(f, deps),
      report,
    );
    // Queued feeds the pool dropped when the crawl was stopped, and a claim answered too late.
    for (const f of [...unreported.values()]) report(notCrawled(f));
  } finally {
    listen.stop();
    await fetcher.close();
    await pool.close();
  }
  // Applied after the crawl rather than in each feed's transaction: the rules are read once and
  // run as one marking per rule, and a SQLite batch commits many feeds at once anyway.
  await afterStored(ctx, deps.store, newIds, o);
  // Feeds dropped with a lost lease are another crawler's: neither crawled nor reported here.
  sum.lostLeases = supply?.lost ?? 0;
  sum.seconds = Math.round((Date.now() - started) / 100) / 10;
  return sum;
}
