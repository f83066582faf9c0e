import type { Feed } from '../model.js';
import { listFeeds, type FeedFilter } from '../store/feeds.js';
import type { Context } from './context.js';

/** feedsCommand lists stored subscriptions, optionally within a category. */
export function feedsCommand(ctx: Context, filter: FeedFilter): Feed[] {
  return listFeeds(ctx.store(), filter);
}
