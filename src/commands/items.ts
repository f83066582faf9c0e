import { enclosureKind } from '../store/item-filter.js';
import type { ItemFilter, StoredItem } from '../store/contract.js';
import type { Context } from './context.js';
import { parseWhen } from './when.js';
import { optionalFlag } from './flags.js';

/** ItemFlags are the listing filters as typed on the command line. */
export interface ItemFlags {
  feed?: string;
  category?: string;
  since?: string;
  until?: string;
  label?: string;
  limit?: string;
  afterId?: string;
  /** Item categories, each of which the item must carry (--tag, repeatable). */
  tag?: string | string[];
  /** --has-enclosure: true without a value, else audio, video, image or a MIME type. */
  hasEnclosure?: true | string;
}

/** itemFilter validates the flags into an ItemFilter. */
export function itemFilter(ctx: Context, f: ItemFlags): ItemFilter {
  const now = ctx.now();
  return {
    feed: f.feed, category: f.category, label: f.label,
    since: f.since !== undefined ? parseWhen('--since', f.since, now) : undefined,
    until: f.until !== undefined ? parseWhen('--until', f.until, now) : undefined,
    limit: optionalFlag('--limit', f.limit),
    afterId: optionalFlag('--after-id', f.afterId),
    tags: f.tag === undefined ? undefined : [f.tag].flat(),
    enclosure: f.hasEnclosure === undefined ? undefined : enclosureKind(f.hasEnclosure),
  };
}

/** itemsCommand streams stored items, newest first, matching the filters. */
export async function itemsCommand(ctx: Context, flags: ItemFlags): Promise<AsyncIterable<StoredItem>> {
  const filter = itemFilter(ctx, flags);
  return (await ctx.store()).items(filter);
}
