// An item filter as a PostgreSQL WHERE clause: the same conditions, in the same order, as
// ../sqlite/item-where.ts's itemWhere for SQLite, with $n parameters instead of named ones.
import { feedRef } from '../shared/feed-urls.js';
import { pathKey } from '../shared/folders.js';
import type { ItemFilter } from '../contract.js';
import { filterTag, keysetOp } from '../shared/items.js';
import { firstCopiesSql } from '../shared/stories.js';

/** Params collects bound values and hands out their $n placeholders, in order. */
export class Params {
  readonly values: unknown[] = [];
  /** add binds a value and returns its placeholder. */
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

// SQLite's lower() folds ASCII letters only; PostgreSQL's follows the database's locale. MIME types
// are ASCII, but a stored one may not be, so fold exactly as SQLite does.
const asciiLower = (sql: string) => `translate(${sql}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/** categoryWhere matches a folder and all folders below it, or any of several, by the feed's folder keys (feeds aliased `alias`), like categoryClause. */
export function categoryWhere(alias: string, category: string | readonly string[], p: Params): string {
  const any = [category].flat().map((given) => {
    const key = pathKey(given);
    return key === '' ? `${alias}.category = ''` : `${alias}.folder_keys @> ARRAY[${p.add(key)}::text]`;
  });
  return `(${any.join(' OR ')})`;
}

/** feedWhere matches the feeds given, each as its numeric id or its URL, present or former (feed_urls): any of them, like feedClause. */
export function feedWhere(column: { id: string; url: string }, feed: string | readonly string[], p: Params): string {
  const any = [feed]
    .flat()
    .map(feedRef)
    .map((ref) =>
      'id' in ref
        ? idCompare(column.id, '=', ref.id, p)
        : `${column.url} = ${p.add(ref.url)} OR ${column.id} IN (SELECT feed_id FROM feed_urls WHERE url = ${p.add(ref.key)})`,
    );
  return any.length ? `(${any.join(' OR ')})` : 'false';
}

// A number that is not a bigint (a fraction, or beyond 2^53 where ids never get) is an error in
// PostgreSQL; SQLite compares it as a float, which for whole-number ids comes to this.
/** idCompare is `column op id` with id bound, or a constant for an id no row can have. */
export function idCompare(column: string, op: '=' | '>', id: number, p: Params): string {
  const n = op === '>' && Number.isFinite(id) ? Math.floor(id) : id;
  if (Number.isSafeInteger(n)) return `${column} ${op} ${p.add(n)}`;
  return op === '>' && n < 0 ? 'true' : 'false';
}

/**
 * itemWhere turns a filter into the conditions over items i / feeds f (joined with AND, or '' for
 * none), binding its values into p. Tags use the folded `tags` array written at upsert (GIN index).
 */
export function itemWhere(f: ItemFilter, p: Params): string {
  const where: string[] = [];
  if (f.feed !== undefined) where.push(feedWhere({ id: 'i.feed_id', url: 'f.url' }, f.feed, p));
  if (f.category !== undefined) where.push(categoryWhere('f', f.category, p));
  if (f.since !== undefined) where.push(`i.sort_at >= ${p.add(f.since)}`);
  if (f.until !== undefined) where.push(`i.sort_at < ${p.add(f.until)}`);
  if (f.seenSince !== undefined) where.push(`i.first_seen >= ${p.add(f.seenSince)}`);
  if (f.seenUntil !== undefined) where.push(`i.first_seen <= ${p.add(f.seenUntil)}`);
  // Applied after the stories are picked (below): paging stories lists a story on the page of its
  // first copy among the matches, never again on a later page by a later copy.
  const after = f.afterId !== undefined ? idCompare('i.id', '>', f.afterId, p) : undefined;
  if (f.ids !== undefined) where.push(`i.id = ANY(${p.add(f.ids.filter(Number.isSafeInteger))}::bigint[])`);
  if (f.keyset?.after !== undefined)
    where.push(`(i.sort_at, i.id) ${keysetOp(f)} (${p.add(f.keyset.after.sortAt)}::text, ${p.add(f.keyset.after.id)}::bigint)`);
  if (f.label !== undefined) {
    const model = f.labelModel !== undefined ? ` AND l.model = ${p.add(f.labelModel)}` : '';
    where.push(`EXISTS (SELECT 1 FROM item_labels l WHERE l.item_id = i.id AND l.label = ${p.add(f.label)}${model})`);
  }
  if (f.tags?.length) where.push(`i.tags @> ${p.add(f.tags.map(filterTag))}::text[]`);
  // Written as the partial indexes' own conditions (items_unread, items_feed_unread, items_starred), so the planner can use them.
  if (f.unread) where.push('i.read_at IS NULL');
  if (f.read) where.push('i.read_at IS NOT NULL');
  if (f.starred) where.push('i.starred_at IS NOT NULL');
  if (f.enclosure === true) where.push('jsonb_array_length(i.enclosures) > 0');
  else if (f.enclosure !== undefined) {
    // Compared by prefix, not LIKE (a MIME type may hold "_", a LIKE wildcard): "audio/" matches
    // every audio type; a full type matches itself, with or without parameters ("; codecs=…").
    const type = asciiLower("e->>'type'");
    const t = p.add(f.enclosure);
    const match = f.enclosure.endsWith('/')
      ? `left(${type}, length(${t}::text)) = ${t}`
      : `(${type} = ${t} OR left(${type}, length(${t}::text) + 1) = ${t} || ';')`;
    where.push(`EXISTS (SELECT 1 FROM jsonb_array_elements(i.enclosures) e WHERE ${match})`);
  }
  // Each story once: the same conditions again, inside, pick each story's first copy among the matches.
  if (f.unique) where.push(firstCopiesSql('items i JOIN feeds f ON f.id = i.feed_id', where.join(' AND ')));
  if (after) where.push(after);
  return where.join(' AND ');
}
