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

/** statsCommand counts feeds by state, items per day over the last weeks, and the biggest feeds. */
export async function statsCommand(ctx: Context, days = 28): Promise<StoreStats> {
  const since = new Date(ctx.now().getTime() - days * 86400e3).toISOString().slice(0, 10);
  return (await ctx.store()).stats(since);
}
