import type { FeedFilter, FeedListing } from '../store/contract.js';
import type { Context } from './context.js';

/** feedsCommand lists stored subscriptions, optionally within a category or only failing ones. */
export async function feedsCommand(ctx: Context, filter: FeedFilter): Promise<FeedListing[]> {
  return (await ctx.store()).listFeeds(filter);
}
