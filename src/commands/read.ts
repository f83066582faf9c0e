import { InputError, shownValue, UsageError } from '../errors.js';
import type { SearchHit, StoredItem, StoreStats } from '../store/contract.js';
import type { Context } from './context.js';
import { itemFilter, type ItemFlags } from './items.js';
import { knownFeeds } from './known-feeds.js';

/** searchCommand streams items matching a full-text query, best match first; an unknown --feed is an error. */
export async function searchCommand(ctx: Context, query: string, flags: ItemFlags): Promise<AsyncIterable<SearchHit>> {
  const filter = itemFilter(ctx, flags);
  const store = await ctx.store();
  if (filter.feed !== undefined) await knownFeeds(store, filter.feed);
  return store.search(query, filter);
}

/** showCommand returns one item by id. */
export async function showCommand(ctx: Context, id: string): Promise<StoredItem> {
  if (!/^\d+$/.test(id)) throw new UsageError(`show ${shownValue(id)}: an item id is a whole number (see \`inkzee items\`)`);
  const item = await (await ctx.store()).item(Number(id));
  if (!item) throw new InputError(`item ${id}`, 'no such item', 'no-item');
  return item;
}

/** Shown is an item as `inkzee show` prints it, and whether it is to be marked read once printed. */
export interface Shown {
  item: StoredItem;
  markRead: boolean;
}

/** showItem is showCommand for `inkzee show`: an unread item is shown read (now), as markShown then stores it, unless keepUnread. */
export async function showItem(ctx: Context, id: string, keepUnread = false): Promise<Shown> {
  const item = await showCommand(ctx, id);
  if (keepUnread || item.read) return { item, markRead: false };
  return { item: { ...item, read: true, readAt: ctx.now().toISOString() }, markRead: true };
}

/**
 * markShown marks a shown item read, at the time it was shown read; an item read in the meantime
 * (another machine) keeps its earlier time, and one removed in the meantime is not an error.
 */
export async function markShown(ctx: Context, s: Shown): Promise<void> {
  if (!s.markRead || s.item.readAt === null) return;
  await (await ctx.store()).mark('read', { ids: [s.item.id] }, { now: s.item.readAt, dryRun: false });
}

/** statsCommand counts feeds by state, items per day over the last weeks, and the biggest feeds. */
export async function statsCommand(ctx: Context, days = 28): Promise<StoreStats> {
  const since = new Date(ctx.now().getTime() - days * 86400e3).toISOString().slice(0, 10);
  return (await ctx.store()).stats(since);
}
