import type { ItemFilter, StoredItem } from '../store/contract.js';
import type { Context } from './context.js';
import { knownFeeds } from './known-feeds.js';
import { parseWhen } from './when.js';
import { optionalFlag } from './flags.js';
import { shownValue, UsageError } from '../errors.js';
import { MEDIA_WORDS } from '../model.js';

/** ItemFlags are the listing filters as typed on the command line. */
export interface ItemFlags {
  /** Feed ids or URLs (--feed, repeatable: items of any of them). */
  feed?: string | string[];
  /** Folders (--category, repeatable: items of feeds in any of them). */
  category?: string | string[];
  since?: string;
  until?: string;
  label?: string;
  limit?: string;
  afterId?: string;
  /** Item categories, each of which the item must carry (--tag, repeatable). */
  tag?: string | string[];
  /** --has-enclosure: true without a value, else audio, video, image or a MIME type. */
  hasEnclosure?: true | string;
  /** Read state: --unread, --read (not both), --starred. */
  unread?: boolean;
  read?: boolean;
  starred?: boolean;
  /** --unique: each story (one post carried by several feeds) once. */
  unique?: boolean;
}

/** itemFilter validates the flags into an ItemFilter. */
export function itemFilter(ctx: Context, f: ItemFlags): ItemFilter {
  const now = ctx.now();
  return {
    feed: f.feed,
    category: f.category,
    label: f.label,
    since: f.since !== undefined ? parseWhen('--since', f.since, now) : undefined,
    until: f.until !== undefined ? parseWhen('--until', f.until, now) : undefined,
    limit: optionalFlag('--limit', f.limit),
    afterId: optionalFlag('--after-id', f.afterId),
    tags: f.tag === undefined ? undefined : [f.tag].flat(),
    enclosure: f.hasEnclosure === undefined ? undefined : enclosureKind(f.hasEnclosure),
    unread: f.unread || undefined,
    read: f.read || undefined,
    starred: f.starred || undefined,
    unique: f.unique || undefined,
  };
}

/** itemsCommand streams stored items, newest first (in id order after an id), matching the filters; an unknown --feed is an error. */
export async function itemsCommand(ctx: Context, flags: ItemFlags): Promise<AsyncIterable<StoredItem>> {
  const filter = itemFilter(ctx, flags);
  const store = await ctx.store();
  if (filter.feed !== undefined) await knownFeeds(store, filter.feed);
  return store.items(filter);
}

/**
 * enclosureKind turns what `--has-enclosure` was given into a filter: no value means any enclosure;
 * audio, video, image (or audio/*) a top-level type, given as its prefix "audio/"; a full MIME type
 * ("audio/mpeg") itself.
 */
export function enclosureKind(value: true | string): true | string {
  if (value === true || value === '') return true;
  const v = value.trim().toLowerCase();
  if (MEDIA_WORDS.includes(v)) return `${v}/`;
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/\*$/.test(v)) return v.slice(0, -1);
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(v)) return v;
  throw new UsageError(`--has-enclosure ${shownValue(value)}: not audio, video, image or a MIME type (audio/mpeg)`);
}
