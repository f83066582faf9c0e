import type { FeedFilter, FeedListing } from '../store/contract.js';
import type { Context } from './context.js';
import { knownFeeds } from './known-feeds.js';

/** feedsCommand lists stored subscriptions, optionally within a category, named ones or only failing ones; an unknown --feed is an error. */
export async function feedsCommand(ctx: Context, filter: FeedFilter): Promise<FeedListing[]> {
  const store = await ctx.store();
  if (filter.feed !== undefined) await knownFeeds(store, filter.feed);
  return store.listFeeds(filter);
}
