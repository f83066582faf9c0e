import { listFeeds, type FeedFilter, type FeedListing } from '../store/feeds.js';
import type { Context } from './context.js';

/** feedsCommand lists stored subscriptions, optionally within a category or only failing ones. */
export function feedsCommand(ctx: Context, filter: FeedFilter): FeedListing[] {
  return listFeeds(ctx.store(), filter);
}
