import type { Enclosure, Item } from '../model.js';
import { prepared, type Db } from './db.js';
import { filterFor, type ItemFilter } from './item-filter.js';
import { itemSearchText } from './search-text.js';

export { itemWhere, type ItemFilter } from './item-filter.js';

/** StoreResult counts what storing one feed's items changed. */
export interface StoreResult {
  added: number;
  updated: number;
}

/** ItemRow is an item's fields as its columns hold them (arrays as JSON text, explicit as 0/1). */
interface ItemRow {
  guid: string | null; link: string | null; title: string | null; author: string | null;
  published: string | null; updated: string | null; summary: string | null; content: string | null;
  enclosures: string; categories: string; duration: number | null; comments: string | null;
  episode: number | null; season: number | null; explicit: 0 | 1 | null;
  transcriptUrl: string | null; chaptersUrl: string | null;
}

/** The columns compared to decide whether a known item changed (every stored field). */
const CHANGED = ['guid', 'link', 'title', 'author', 'published', 'updated', 'summary', 'content', 'enclosures', 'categories',
  'duration', 'comments', 'episode', 'season', 'explicit', 'transcriptUrl', 'chaptersUrl'] as const satisfies readonly (keyof ItemRow)[];

const num = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** toRow encodes an item for its columns; fields an older caller leaves out are stored as absent. */
function toRow(it: Item): ItemRow {
  return {
    guid: it.guid, link: it.link, title: it.title, author: it.author, published: it.published, updated: it.updated,
    summary: it.summary, content: it.content,
    enclosures: JSON.stringify((it.enclosures ?? []).map((e) => ({ url: e.url, type: e.type ?? null, length: num(e.length), duration: num(e.duration) }))),
    categories: JSON.stringify(it.categories ?? []),
    duration: num(it.duration), comments: it.comments ?? null, episode: num(it.episode), season: num(it.season),
    explicit: it.explicit === true ? 1 : it.explicit === false ? 0 : null,
    transcriptUrl: it.transcriptUrl ?? null, chaptersUrl: it.chaptersUrl ?? null,
  };
}

const DAY = 86400_000;

/**
 * sortTime is when an item sorts: its publication date, unless that lies more than a day after it
 * was first seen (a wrong clock, or 9999 as "pinned"), which would hold it at the top of every
 * listing forever; then the first-seen time. The raw date stays stored in `published`.
 */
function sortTime(published: string | null, firstSeen: string): string {
  if (published === null) return firstSeen;
  const p = Date.parse(published);
  return Number.isFinite(p) && p <= Date.parse(firstSeen) + DAY ? published : firstSeen;
}

// Positional parameters, in toRow's column order: binding a named object costs a lookup per column.
const FIND = `SELECT id, first_seen, guid, link, title, author, published, updated, summary, content, enclosures, categories,
              duration, comments, episode, season, explicit, transcript_url, chapters_url FROM items WHERE feed_id = ? AND key = ?`;
const INSERT = `INSERT INTO items (guid, link, title, author, published, updated, summary, content, enclosures, categories,
                duration, comments, episode, season, explicit, transcript_url, chapters_url, feed_id, key, first_seen, sort_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATE = `UPDATE items SET guid = ?, link = ?, title = ?, author = ?, published = ?, updated = ?, summary = ?, content = ?,
                enclosures = ?, categories = ?, duration = ?, comments = ?, episode = ?, season = ?, explicit = ?,
                transcript_url = ?, chapters_url = ?, sort_at = ? WHERE id = ?`;

/** SearchText is an item's full-text index entry (itemSearchText), when the parse stage already made it. */
export type SearchText = { title: string; body: string };

/**
 * upsertItems stores a feed's items: a new key is inserted, a known key whose fields changed is
 * updated in place (keeping its id and first-seen time), an unchanged one is left alone.
 * `texts[k]`, when given, is items[k]'s search text, made beside the parse (off this thread).
 * Runs inside the caller's transaction.
 */
export function upsertItems(db: Db, feedId: number, items: readonly Item[], now: string, texts?: readonly SearchText[]): StoreResult {
  const s = {
    find: prepared(db, FIND).raw(true), insert: prepared(db, INSERT), update: prepared(db, UPDATE),
    ftsDelete: prepared(db, 'DELETE FROM items_fts WHERE rowid = ?'), ftsInsert: prepared(db, 'INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)'),
  };
  const index = (id: number | bigint, k: number) => {
    const t = texts?.[k] ?? itemSearchText(items[k]);
    s.ftsInsert.run(id, t.title, t.body);
  };
  const result: StoreResult = { added: 0, updated: 0 };
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    // Raw row: [id, first_seen, then the CHANGED columns in order].
    const row = s.find.get(feedId, it.key) as unknown[] | undefined;
    const fields = toRow(it);
    const values = CHANGED.map((c) => fields[c]);
    if (!row) {
      index(s.insert.run(...values, feedId, it.key, now, sortTime(it.published, now)).lastInsertRowid, k);
      result.added++;
    } else if (values.some((v, c) => row[c + 2] !== v)) {
      const id = row[0] as number;
      s.update.run(...values, sortTime(it.published, row[1] as string), id);
      s.ftsDelete.run(id);
      index(id, k);
      result.updated++;
    }
  }
  return result;
}

/** StoredItem is an item as read back, with its feed. */
export interface StoredItem extends Omit<Item, 'key'> {
  id: number;
  /** Present when listing by --label. */
  label?: string;
  confidence?: number;
  feedId: number;
  feedUrl: string;
  feedTitle: string | null;
  category: string;
  firstSeen: string;
}

/** ITEM_COLUMNS selects a StoredItem's columns from items i joined with feeds f, in the order readItems expects. */
export const ITEM_COLUMNS = `i.id, i.feed_id AS feedId, f.url AS feedUrl, f.title AS feedTitle, f.category, i.guid, i.link, i.title,
  i.author, i.published, i.updated, i.summary, i.content, i.first_seen AS firstSeen, i.enclosures, i.categories, i.duration,
  i.comments, i.episode, i.season, i.explicit, i.transcript_url AS transcriptUrl, i.chapters_url AS chaptersUrl`;
const ITEM_COLUMN_COUNT = 23;

// A raw cell of a row; storedItemFrom knows each column's type from its position.
type Cell = any;

/** CellDecoding is how one engine hands back what ITEM_COLUMNS select: its ids, its JSON lists and its booleans. */
export interface CellDecoding {
  id(cell: Cell): number;
  list(cell: Cell): Cell[];
  flag(cell: Cell): boolean | null;
}

// SQLite: ids are numbers, lists are JSON text, booleans are 0/1.
const SQLITE_CELLS: CellDecoding = {
  id: (c) => c,
  list: (c) => (typeof c === 'string' && c !== '[]' ? JSON.parse(c) : []),
  flag: (c) => (c === null ? null : c === 1),
};

/**
 * storedItemFrom builds a StoredItem from a raw row of ITEM_COLUMNS (then any extra columns, by
 * name), decoding cells as the engine gave them, so both stores hand back the very same objects.
 * One object literal, so every item has the same shape: better-sqlite3's row objects with this
 * many columns fall back to slow dictionary properties, which cost a third more CPU per listing.
 */
export function storedItemFrom(a: Cell[], extras: readonly string[], d: CellDecoding): StoredItem {
  const item: StoredItem = {
    id: d.id(a[0]), feedId: d.id(a[1]), feedUrl: a[2], feedTitle: a[3], category: a[4], guid: a[5], link: a[6], title: a[7], author: a[8],
    published: a[9], updated: a[10], summary: a[11], content: a[12], firstSeen: a[13],
    enclosures: d.list(a[14]).map((e: Enclosure) => ({ url: e.url, type: e.type ?? null, length: e.length ?? null, duration: e.duration ?? null })),
    categories: d.list(a[15]), duration: a[16], comments: a[17], episode: a[18], season: a[19],
    explicit: d.flag(a[20]), transcriptUrl: a[21], chaptersUrl: a[22],
  };
  for (let k = 0; k < extras.length; k++) (item as unknown as Record<string, unknown>)[extras[k]] = a[ITEM_COLUMN_COUNT + k];
  return item;
}

/** readItems runs a query whose columns are ITEM_COLUMNS then any extras, streaming decoded items. */
export function* readItems<T extends object = object>(db: Db, sql: string, params: Record<string, unknown> | unknown[] = {}): IterableIterator<StoredItem & T> {
  const stmt = db.prepare(sql).raw(true);
  const extras = stmt.columns().slice(ITEM_COLUMN_COUNT).map((c) => c.name);
  for (const row of stmt.iterate(params) as IterableIterator<Cell[]>) yield storedItemFrom(row, extras, SQLITE_CELLS) as StoredItem & T;
}

/** readItem runs such a query for one item, or undefined. */
export function readItem(db: Db, sql: string, params: Record<string, unknown> | unknown[] = {}): StoredItem | undefined {
  const stmt = db.prepare(sql).raw(true);
  const row = stmt.get(params) as Cell[] | undefined;
  return row && storedItemFrom(row, stmt.columns().slice(ITEM_COLUMN_COUNT).map((c) => c.name), SQLITE_CELLS);
}

/** iterateItems streams items newest first (by publication, else first-seen time) in constant memory. */
export function iterateItems(db: Db, f: ItemFilter): IterableIterator<StoredItem> {
  const w = filterFor(db, f);
  const limit = f.limit !== undefined ? 'LIMIT @limit' : '';
  // With --label, each item also carries that label's best confidence (any model).
  const labelled = f.label !== undefined
    ? ', @label AS label, (SELECT max(confidence) FROM item_labels l WHERE l.item_id = i.id AND l.label = @label) AS confidence' : '';
  const sql = `SELECT ${ITEM_COLUMNS}${labelled} FROM items i JOIN feeds f ON f.id = i.feed_id ${w.sql} ORDER BY i.sort_at DESC, i.id DESC ${limit}`;
  return readItems(db, sql, { ...w.params, ...(f.limit !== undefined ? { limit: f.limit } : {}) });
}
