// Items read back from SQLite: the columns every listing selects and the rows decoded as
// ../shared/rows.ts decodes PostgreSQL's (../postgres/read.ts and rows.ts are the counterpart).
import { prepared, type Db } from './connect.js';
import { filterFor } from './item-where.js';
import { listingOrder } from '../shared/items.js';
import type { ItemFilter, StoredItem } from '../contract.js';
import { ALSO_IN } from './stories.js';
import { type Cell, type CellDecoding, ITEM_COLUMN_COUNT, storedItemFrom } from '../shared/rows.js';

/** ITEM_COLUMNS selects a StoredItem's columns from items i joined with feeds f, in the order readItems expects. */
export const ITEM_COLUMNS = `i.id, i.feed_id AS feedId, f.url AS feedUrl, f.title AS feedTitle, f.category, i.guid, i.link, i.title,
  i.author, i.published, i.updated, i.summary, i.content, i.first_seen AS firstSeen, i.enclosures, i.categories, i.duration,
  i.comments, i.episode, i.season, i.explicit, i.transcript_url AS transcriptUrl, i.chapters_url AS chaptersUrl,
  i.read_at AS readAt, i.starred_at AS starredAt`;

// SQLite: ids are numbers, lists are JSON text, booleans are 0/1.
const SQLITE_CELLS: CellDecoding = {
  id: (c) => c,
  list: (c) => (typeof c === 'string' && c !== '[]' ? JSON.parse(c) : []),
  flag: (c) => (c === null ? null : c === 1),
};

/** readItems runs a query whose columns are ITEM_COLUMNS then any extras, streaming decoded items. */
export function* readItems<T extends object = object>(
  db: Db,
  sql: string,
  params: Record<string, unknown> | unknown[] = {},
): IterableIterator<StoredItem & T> {
  const stmt = db.prepare(sql).raw(true);
  const extras = stmt
    .columns()
    .slice(ITEM_COLUMN_COUNT)
    .map((c) => c.name);
  for (const row of stmt.iterate(params) as IterableIterator<Cell[]>) yield storedItemFrom(row, extras, SQLITE_CELLS) as StoredItem & T;
}

/** readItem runs such a query for one item, or undefined. */
export function readItem(db: Db, sql: string, params: Record<string, unknown> | unknown[] = {}): StoredItem | undefined {
  const stmt = db.prepare(sql).raw(true);
  const row = stmt.get(params) as Cell[] | undefined;
  return (
    row &&
    storedItemFrom(
      row,
      stmt
        .columns()
        .slice(ITEM_COLUMN_COUNT)
        .map((c) => c.name),
      SQLITE_CELLS,
    )
  );
}

/**
 * iterateItems streams items newest first (by publication, else first-seen time) in constant memory;
 * with afterId, in id order. One statement reads one snapshot, and ids grow in commit order here
 * (one writer at a time), so no item below the largest id read can appear later.
 */
export function iterateItems(db: Db, f: ItemFilter): IterableIterator<StoredItem> {
  const w = filterFor(db, f);
  const limit = f.limit !== undefined ? 'LIMIT @limit' : '';
  // With --label, each item also carries that label's best confidence (any model).
  const labelled =
    f.label !== undefined
      ? ', @label AS label, (SELECT max(confidence) FROM item_labels l WHERE l.item_id = i.id AND l.label = @label) AS confidence'
      : '';
  const sortAt = f.keyset ? ', i.sort_at AS sortAt' : '';
  const copies = f.unique ? `, ${ALSO_IN}` : '';
  const sql = `SELECT ${ITEM_COLUMNS}${labelled}${sortAt}${copies} FROM items i JOIN feeds f ON f.id = i.feed_id ${w.sql}
               ORDER BY ${listingOrder(f)} ${limit}`;
  const params = { ...w.params, ...(f.limit !== undefined ? { limit: f.limit } : {}) };
  return f.limit !== undefined && f.limit <= PAGE_MAX ? readPage(db, sql, params) : readItems(db, sql, params);
}

/** PAGE_MAX is the largest listing read at once, by a statement kept prepared (a reader API page is 51 rows). */
const PAGE_MAX = 200;

/**
 * readPage reads a short listing at once: its statement is prepared once per connection, as
 * preparing it cost as much as reading a page; shared safely, as all() runs it to its end.
 */
function readPage(db: Db, sql: string, params: Record<string, unknown>): IterableIterator<StoredItem> {
  const stmt = prepared(db, sql).raw(true);
  const extras = stmt
    .columns()
    .slice(ITEM_COLUMN_COUNT)
    .map((c) => c.name);
  return (stmt.all(params) as Cell[][]).map((row) => storedItemFrom(row, extras, SQLITE_CELLS)).values();
}
