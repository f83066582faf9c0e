import { shownValue, UsageError } from '../errors.js';
import type { Db } from './db.js';
import { categoryClause, feedClause } from './feeds.js';

/** ItemFilter narrows an item listing; every field is optional. */
export interface ItemFilter {
  /** Feed id or URL, or several of them (any). */
  feed?: string | readonly string[];
  /** A folder and its subfolders, or several (any of them). */
  category?: string | readonly string[];
  /** ISO timestamps: items published (or first seen) at or after / before. */
  since?: string;
  until?: string;
  /**
   * Only items stored after this id; the listing then comes in id order (ascending), so that a
   * pipeline remembering the largest id it saw, page after page, never skips one.
   */
  afterId?: number;
  label?: string;
  /** Item categories the item must all carry (case-insensitive, exact). */
  tags?: string[];
  /** Only items with an enclosure: true for any, a top-level type as "audio/", or a full type "audio/mpeg". */
  enclosure?: true | string;
  limit?: number;
}

// SQLite's lower() folds ASCII only; tags are often not ("Ökonomie"), so fold them in JavaScript.
const CASEFOLD = 'inkzee_casefold';
const registered = new WeakSet<Db>();

/**
 * filterFor is itemWhere for a query about to be prepared on db: a tag filter first registers the
 * case-folding SQL function on the connection (better-sqlite3 cannot add one while a query runs,
 * so it is done here, before, and only when a tag filter needs it).
 */
export function filterFor(db: Db, f: ItemFilter): { sql: string; params: Record<string, unknown> } {
  if (f.tags?.length) useCasefold(db);
  return itemWhere(f);
}

function useCasefold(db: Db): void {
  if (registered.has(db)) return;
  db.function(CASEFOLD, { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.normalize('NFC').toLowerCase() : s));
  registered.add(db);
}

/**
 * pagesById tells whether a listing pages by id (--after-id): then it comes in id order, the order
 * items were stored, rather than newest first or best match first; a --limit then takes the next
 * items stored, not the newest of all those after the id.
 */
export function pagesById(f: ItemFilter): boolean {
  return f.afterId !== undefined;
}

const casefold = (s: string) => s.trim().normalize('NFC').toLowerCase();

/**
 * enclosureKind turns what `--has-enclosure` was given into a filter: no value means any enclosure;
 * audio, video, image (or audio/*) a top-level type, given as its prefix "audio/"; a full MIME type
 * ("audio/mpeg") itself.
 */
export function enclosureKind(value: true | string): true | string {
  if (value === true || value === '') return true;
  const v = value.trim().toLowerCase();
  if (v === 'audio' || v === 'video' || v === 'image') return `${v}/`;
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/\*$/.test(v)) return v.slice(0, -1);
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(v)) return v;
  throw new UsageError(`--has-enclosure ${shownValue(value)}: not audio, video, image or a MIME type (audio/mpeg)`);
}

/** itemWhere turns a filter into a WHERE clause over items i / feeds f with bound parameters (a tag filter needs filterFor). */
export function itemWhere(f: ItemFilter): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const c of [f.feed !== undefined ? feedClause({ id: 'i.feed_id', url: 'f.url' }, f.feed) : null,
    f.category !== undefined ? categoryClause('f', f.category) : null]) {
    if (!c) continue;
    where.push(c.sql);
    Object.assign(params, c.params);
  }
  if (f.since !== undefined) { where.push('i.sort_at >= @since'); params.since = f.since; }
  if (f.until !== undefined) { where.push('i.sort_at < @until'); params.until = f.until; }
  if (f.afterId !== undefined) { where.push('i.id > @afterId'); params.afterId = f.afterId; }
  if (f.label !== undefined) {
    where.push('EXISTS (SELECT 1 FROM item_labels l WHERE l.item_id = i.id AND l.label = @label)');
    params.label = f.label;
  }
  (f.tags ?? []).forEach((tag, k) => {
    where.push(`EXISTS (SELECT 1 FROM json_each(i.categories) c WHERE ${CASEFOLD}(c.value) = @tag${k})`);
    params[`tag${k}`] = casefold(tag);
  });
  if (f.enclosure === true) where.push('json_array_length(i.enclosures) > 0');
  else if (f.enclosure !== undefined) {
    // Compared by prefix, not LIKE (a MIME type may hold "_", a LIKE wildcard): "audio/" matches
    // every audio type; a full type matches itself, with or without parameters ("; codecs=…").
    const type = "lower(json_extract(e.value, '$.type'))";
    const match = f.enclosure.endsWith('/') ? `substr(${type}, 1, length(@enclosureType)) = @enclosureType`
      : `(${type} = @enclosureType OR substr(${type}, 1, length(@enclosureType) + 1) = @enclosureType || ';')`;
    where.push(`EXISTS (SELECT 1 FROM json_each(i.enclosures) e WHERE ${match})`);
    params.enclosureType = f.enclosure;
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
