import type { Feed } from '../model.js';
import { InputError } from '../errors.js';
import type { Store } from '../store/contract.js';
import type { Context } from './context.js';
import { checkCrawlOptions, crawlFeeds, type CrawlListener, type CrawlOptions, type CrawlSummary } from './crawl.js';

/** RefreshOptions select which feeds a refresh crawls, and how. */
export interface RefreshOptions extends CrawlOptions {
  /** One feed, by id or URL: crawled now, even if disabled or backing off. */
  feed?: string;
  /** A folder and its subfolders. */
  category?: string;
  /** Ignore backoff. */
  force?: boolean;
  /** Queue behind a running crawl instead of exiting with 75. */
  wait?: boolean;
}

async function select(ctx: Context, store: Store, o: RefreshOptions): Promise<Feed[]> {
  const now = ctx.now().toISOString();
  if (o.feed !== undefined) {
    const named = await store.listFeeds({ feed: o.feed });
    if (named.length === 0) throw new InputError(o.feed, 'no such feed (give an id or URL from `inkzee feeds`)', 'no-feed');
    return store.dueFeeds({ ids: named.map((f) => f.id), force: true, includeDisabled: true, now });
  }
  if (o.category !== undefined) {
    const inside = await store.listFeeds({ category: o.category });
    if (inside.length === 0) throw new InputError(o.category, 'no feeds in this category', 'no-feed');
    return store.dueFeeds({ ids: inside.map((f) => f.id), force: o.force, now });
  }
  return store.dueFeeds({ force: o.force, now });
}

/** crawlLocked validates the flags, then selects and crawls feeds while holding the run lock. */
async function crawlLocked(ctx: Context, o: CrawlOptions & { wait?: boolean }, select: (store: Store) => Promise<Feed[]>, listen: CrawlListener): Promise<CrawlSummary> {
  checkCrawlOptions(o);
  const store = await ctx.store();
  const lock = await store.runLock(!!o.wait);
  try {
    return await crawlFeeds(ctx, await select(store), o, listen);
  } finally {
    lock.release();
  }
}

/** refreshCommand crawls the feeds that are due, holding the run lock for the whole crawl. */
export function refreshCommand(ctx: Context, o: RefreshOptions, listen: CrawlListener): Promise<CrawlSummary> {
  return crawlLocked(ctx, o, (store) => select(ctx, store, o), listen);
}

/** crawlNew crawls the feeds an import just added (import's second step). */
export function crawlNew(ctx: Context, ids: number[], o: CrawlOptions & { wait?: boolean }, listen: CrawlListener): Promise<CrawlSummary> {
  return crawlLocked(ctx, o, async (store) => (ids.length ? store.dueFeeds({ ids, force: true, now: ctx.now().toISOString() }) : []), listen);
}
