import type { Db } from './connect.js';
import { categoryClause, feedClause } from './feeds.js';
import type { ItemFilter } from '../contract.js';
import { filterTag, keysetOp, tagFold } from '../shared/items.js';
import { firstCopiesSql } from '../shared/stories.js';

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
  db.function(CASEFOLD, { deterministic: true }, (s: unknown) => (typeof s === 'string' ? tagFold(s) : s));
  registered.add(db);
}

/** itemWhere turns a filter into a WHERE clause over items i / feeds f with bound parameters (a tag filter needs filterFor). */
export function itemWhere(f: ItemFilter): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const c of [
    f.feed !== undefined ? feedClause({ id: 'i.feed_id', url: 'f.url' }, f.feed) : null,
    f.category !== undefined ? categoryClause('f', f.category) : null,
  ]) {
    if (!c) continue;
    where.push(c.sql);
    Object.assign(params, c.params);
  }
  if (f.since !== undefined) {
    where.push('i.sort_at >= @since');
    params.since = f.since;
  }
  if (f.until !== undefined) {
    where.push('i.sort_at < @until');
    params.until = f.until;
  }
  if (f.seenSince !== undefined) {
    where.push('i.first_seen >= @seenSince');
    params.seenSince = f.seenSince;
  }
  if (f.seenUntil !== undefined) {
    where.push('i.first_seen <= @seenUntil');
    params.seenUntil = f.seenUntil;
  }
  // Applied after the stories are picked (below): paging stories lists a story on the page of its
  // first copy among the matches, never again on a later page by a later copy.
  const after = f.afterId !== undefined ? 'i.id > @afterId' : undefined;
  if (f.afterId !== undefined) params.afterId = f.afterId;
  if (f.ids !== undefined) {
    // One bound JSON array, however many ids: SQLite limits the number of bound parameters.
    where.push('i.id IN (SELECT value FROM json_each(@ids))');
    params.ids = JSON.stringify(f.ids.filter(Number.isSafeInteger));
  }
  if (f.keyset?.after !== undefined) {
    // A row-value comparison, which SQLite (≥ 3.15) turns into a range of the (sort_at, id) indexes.
    where.push(`(i.sort_at, i.id) ${keysetOp(f)} (@cursorSortAt, @cursorId)`);
    params.cursorSortAt = f.keyset.after.sortAt;
    params.cursorId = f.keyset.after.id;
  }
  if (f.label !== undefined) {
    const model = f.labelModel !== undefined ? ' AND l.model = @labelModel' : '';
    where.push(`EXISTS (SELECT 1 FROM item_labels l WHERE l.item_id = i.id AND l.label = @label${model})`);
    params.label = f.label;
    if (f.labelModel !== undefined) params.labelModel = f.labelModel;
  }
  (f.tags ?? []).forEach((tag, k) => {
    where.push(`EXISTS (SELECT 1 FROM json_each(i.categories) c WHERE ${CASEFOLD}(c.value) = @tag${k})`);
    params[`tag${k}`] = filterTag(tag);
  });
  // Written as the partial indexes' own conditions (items_unread, items_feed_unread, items_starred), so the planner can use them.
  if (f.unread) where.push('i.read_at IS NULL');
  if (f.read) where.push('i.read_at IS NOT NULL');
  if (f.starred) where.push('i.starred_at IS NOT NULL');
  if (f.enclosure === true) where.push('json_array_length(i.enclosures) > 0');
  else if (f.enclosure !== undefined) {
    // Compared by prefix, not LIKE (a MIME type may hold "_", a LIKE wildcard): "audio/" matches
    // every audio type; a full type matches itself, with or without parameters ("; codecs=…").
    const type = "lower(json_extract(e.value, '$.type'))";
    const match = f.enclosure.endsWith('/')
      ? `substr(${type}, 1, length(@enclosureType)) = @enclosureType`
      : `(${type} = @enclosureType OR substr(${type}, 1, length(@enclosureType) + 1) = @enclosureType || ';')`;
    where.push(`EXISTS (SELECT 1 FROM json_each(i.enclosures) e WHERE ${match})`);
    params.enclosureType = f.enclosure;
  }
  // Each story once: the same conditions again, inside, pick each story's first copy among the matches.
  if (f.unique) where.push(firstCopiesSql('items i JOIN feeds f ON f.id = i.feed_id', where.join(' AND ')));
  if (after) where.push(after);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
