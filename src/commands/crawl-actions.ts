// The crawling commands' actions (import, refresh, worker), in their own module so that the reading
// commands never load the crawl, its HTTP client and parsers.
import type { Context } from './context.js';
import type { Config } from '../config.js';
import { importSubscriptions } from './import.js';
import { crawlNew, refreshCommand, type RefreshOptions } from './refresh.js';
import { workerCommand } from './worker.js';
import type { CrawlOptions } from './crawl.js';
import type { FeedResult } from '../crawl/recipe.js';
import { InkzeeError, InputError, InterruptedError, LockedError, PartialFailure, UsageError } from '../errors.js';
import { addCommand, urlsToAdd } from './add.js';
import { printSubscribed } from '../output/subscriptions.js';
import { numericFlag, optionalFlag } from './flags.js';
import { printImport } from '../output/render.js';
import { crawlListener, printCrawlSummary } from '../output/progress.js';
import type { CrawlSummary, SubscribeResult } from '../results.js';

// The crawl limits and private networks come resolved in ctx.cfg (flags, environment, config file, defaults).
type CrawlFlags = { wait?: boolean };

/**
 * crawlOptions reads the crawl settings from the resolved Config; `denyByDefault` is what no
 * private-networks flag, variable or config key means (a service's worker denies).
 */
export function crawlOptions(cfg: Config, f: CrawlFlags, denyByDefault = false): CrawlOptions & { wait?: boolean } {
  return {
    concurrency: cfg.concurrency,
    perHost: cfg.perHost,
    timeout: cfg.timeout,
    maxSize: cfg.maxSize,
    wait: f.wait,
    denyPrivateNetworks: cfg.privateNetworks === undefined ? denyByDefault : cfg.privateNetworks === 'deny',
  };
}

/** hookOptions are the hook on new items as refresh and worker take it: --exec (or the config) and --exec-timeout. */
function hookOptions(cfg: Config, f: { execTimeout?: string }): { exec?: string; execTimeout?: number } {
  return { exec: cfg.onNewItems, execTimeout: optionalFlag('--exec-timeout', f.execTimeout) };
}

/** finishCrawl prints the summary and turns failures and interruptions into exit codes. */
function finishCrawl(ctx: Context, s: CrawlSummary, failures: FeedResult[]): void {
  printCrawlSummary(ctx.out, s, failures);
  if (ctx.signal.aborted)
    throw new InterruptedError(
      s.interrupted
        ? `interrupted: ${s.feeds - s.interrupted} of ${s.feeds} feeds crawled and stored; \`inkzee refresh\` finishes the rest`
        : `interrupted: ${s.feeds === 1 ? 'the one feed' : `all ${s.feeds} feeds`} crawled and stored`,
    );
  if (s.failed) throw new PartialFailure(`${s.failed} of ${s.feeds} feeds failed (\`inkzee feeds --failing\` lists them)`);
}

function listenWithFailures(ctx: Context) {
  const failures: FeedResult[] = [];
  const base = crawlListener(ctx.out);
  return {
    failures,
    listen: {
      ...base,
      feed: (r: FeedResult) => {
        if (r.outcome === 'failed') failures.push(r);
        base.feed(r);
      },
    },
  };
}

/** importAction runs `inkzee import FILE`: store the subscriptions, then crawl the new ones. */
export async function importAction(ctx: Context, file: string, opts: CrawlFlags & { fetch: boolean }): Promise<void> {
  const crawl = crawlOptions(ctx.cfg, opts);
  const result = await importSubscriptions(ctx, file);
  printImport(ctx.out, result);
  if (!opts.fetch) return;
  const { failures, listen } = listenWithFailures(ctx);
  finishCrawl(ctx, await crawlNew(ctx, result.addedIds, crawl, listen), failures);
}

/** refreshAction runs `inkzee refresh`. */
export async function refreshAction(
  ctx: Context,
  opts: CrawlFlags & Omit<RefreshOptions, keyof CrawlOptions> & { execTimeout?: string },
): Promise<void> {
  const hook = hookOptions(ctx.cfg, opts);
  const { failures, listen } = listenWithFailures(ctx);
  const summary = await refreshCommand(
    ctx,
    { ...crawlOptions(ctx.cfg, opts), ...hook, feed: opts.feed, category: opts.category, force: opts.force },
    listen,
  );
  finishCrawl(ctx, summary, failures);
  // A feed asked for by name that another crawler took meanwhile was not fetched: say so.
  if (opts.feed !== undefined && summary.leftToOthers)
    throw new LockedError(`feed ${[opts.feed].flat().join(', ')}: another crawler took its host meanwhile; run again`);
}

/** workerAction runs `inkzee worker`: crawl round after round; SIGTERM stops it cleanly (exit 0). */
export async function workerAction(
  ctx: Context,
  opts: CrawlFlags & { interval: string; exitWhenIdle?: boolean; execTimeout?: string },
): Promise<void> {
  const hook = hookOptions(ctx.cfg, opts);
  const listen = crawlListener(ctx.out);
  const total = await workerCommand(
    ctx,
    { ...crawlOptions(ctx.cfg, opts, true), ...hook, interval: numericFlag('--interval', opts.interval), exitWhenIdle: opts.exitWhenIdle },
    (s) => {
      if (!ctx.cfg.json) printCrawlSummary(ctx.out, s, []);
    },
    listen,
  );
  if (ctx.cfg.json) ctx.out.record({ type: 'summary', ...total });
}

/** SubscribeFlags are what `inkzee add` and the reader API's subscription/edit and quickadd say about new subscriptions. */
export type SubscribeFlags = CrawlFlags & { category?: string; title?: string; fetch: boolean };

/**
 * subscribeUrls subscribes to URLs as `inkzee add` does — each fetched, discovered and checked
 * before anything is stored (unless not to be fetched) — reporting each result as it is known; the
 * CLI and the reader API both subscribe through it. `denyByDefault` is what no private-networks
 * setting means (a server subscribing what a client asks denies).
 */
export async function subscribeUrls(
  ctx: Context,
  urls: readonly string[],
  opts: SubscribeFlags,
  report: (r: SubscribeResult) => void,
  denyByDefault = false,
): Promise<SubscribeResult[]> {
  const crawl = crawlOptions(ctx.cfg, opts, denyByDefault);
  // One name for several feeds would make them all look alike in `feeds`.
  if (opts.title !== undefined && urls.length !== 1)
    throw new UsageError(`add --title: names one feed, but ${urls.length} URLs were given`);
  return addCommand(ctx, urls, { ...crawl, category: opts.category, title: opts.title, fetch: opts.fetch }, report);
}

/** addAction runs `inkzee add URL…`: each URL fetched and checked, then subscribed with its items (or not fetched: --no-fetch). */
export async function addAction(ctx: Context, given: string[], opts: SubscribeFlags): Promise<void> {
  const urls = await urlsToAdd(given);
  const alone = urls.length === 1;
  const results = await subscribeUrls(ctx, urls, opts, (r) => printSubscribed(ctx.out, r, alone));
  const failed = results.filter((r) => r.kind === 'failed');
  if (ctx.signal.aborted) throw new InterruptedError(`interrupted: ${results.length - failed.length} of ${urls.length} URLs subscribed`);
  if (alone && failed.length) throw new InputError(failed[0].given, failed[0].error, 'add-failed');
  if (failed.length) throw new InkzeeError(`${failed.length} of ${urls.length} URLs failed, nothing stored for them`, 'add-failed');
}
