import type { Feed } from '../model.js';
import { InputError } from '../errors.js';
import type { DueFilter, FeedListing, Store } from '../store/contract.js';
import type { Context } from './context.js';
import { checkCrawlOptions, crawlFeeds, type CrawlOptions } from './crawl.js';
import { knownFeeds } from './known-feeds.js';
import { leasedCrawl, waitForLeases } from './worker.js';
import type { CrawlListener, CrawlSummary } from '../results.js';

/** RefreshOptions select which feeds a refresh crawls, and how. */
export interface RefreshOptions extends CrawlOptions {
  /** Feeds by id or URL (any of them): crawled now, even if disabled or backing off. */
  feed?: string | readonly string[];
  /** A folder and its subfolders, or several (any of them). */
  category?: string | readonly string[];
  /** Ignore backoff. */
  force?: boolean;
  /** Queue behind a running crawl instead of exiting with 75. */
  wait?: boolean;
}

/** The feeds a crawl is about, as a due filter without its time. */
type Selection = Omit<DueFilter, 'now'>;

// --feed and --category together select the named feeds that are in the category.
async function select(store: Store, o: RefreshOptions, paused: (f: FeedListing) => void): Promise<Selection> {
  const named = o.feed !== undefined ? await knownFeeds(store, o.feed) : undefined;
  // A paused feed is not fetched even when named (dueFeeds never lists it): say so rather than be silent.
  for (const f of named ?? []) if (f.pausedAt !== null) paused(f);
  const inside = o.category !== undefined ? await store.listFeeds({ category: o.category, feed: o.feed }) : named;
  if (o.category !== undefined && inside!.length === 0) {
    const given = [o.feed ?? []].flat();
    throw new InputError(
      [o.category].flat().join(', '),
      !named
        ? 'no feeds in this category'
        : `${given.length === 1 ? `feed ${given[0]} is not` : `none of the feeds ${given.join(', ')} is`} in this category; nothing to crawl`,
      'no-feed',
    );
  }
  // Named feeds are crawled now, even if disabled or backing off.
  if (named) return { ids: inside!.map((f) => f.id), force: true, includeDisabled: true };
  return inside ? { ids: inside.map((f) => f.id), force: o.force } : { force: o.force };
}

/**
 * crawlSelected validates the flags, then crawls the selected due feeds: holding the run lock on
 * a store crawled by one process at a time (SQLite), or, where crawlers coordinate by leases
 * (PostgreSQL), claiming them host by host as workers do, so that refreshes on several machines
 * share the work. A claiming run never takes a feed it fetched itself again (a fetched feed sets
 * no next check, so it would be due again at once) and leaves hosts other crawlers hold to them.
 */
async function crawlSelected(
  ctx: Context,
  o: CrawlOptions & { wait?: boolean; named?: string },
  pick: (store: Store) => Promise<Selection | null>,
  listen: CrawlListener,
): Promise<CrawlSummary> {
  checkCrawlOptions(o);
  const store = await ctx.store();
  if (store.coordination === 'lease') {
    const sel = await pick(store);
    const began = ctx.now().toISOString();
    if (!sel) return crawlFeeds(ctx, [], o, listen);
    const due = () => ({ ...sel, checkedBefore: began, now: ctx.now().toISOString() });
    // Feeds asked for by name are fetched now: wait out a (dead) crawler's lease on their hosts.
    if (o.named !== undefined) await waitForLeases(ctx, store, due, o.named, !!o.wait);
    return leasedCrawl(ctx, store, o, listen, due);
  }
  const lock = await store.runLock(!!o.wait);
  try {
    const sel = await pick(store);
    const feeds: Feed[] = sel ? await store.dueFeeds({ ...sel, now: ctx.now().toISOString() }) : [];
    return await crawlFeeds(ctx, feeds, o, listen);
  } finally {
    lock.release();
  }
}

/** refreshCommand crawls the feeds that are due. */
export function refreshCommand(ctx: Context, o: RefreshOptions, listen: CrawlListener): Promise<CrawlSummary> {
  return crawlSelected(
    ctx,
    { ...o, named: o.feed === undefined ? undefined : `feed ${[o.feed].flat().join(', ')}` },
    (store) => select(store, o, (f) => ctx.out.info(`feed ${f.id}${f.title ? ` "${f.title}"` : ''}: paused (inkzee resume ${f.id})`)),
    listen,
  );
}

/** crawlNew crawls the feeds an import just added (import's second step). */
export function crawlNew(ctx: Context, ids: number[], o: CrawlOptions & { wait?: boolean }, listen: CrawlListener): Promise<CrawlSummary> {
  return crawlSelected(ctx, o, async () => (ids.length ? { ids, force: true } : null), listen);
}
