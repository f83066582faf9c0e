import type { Item } from '../model.js';
import type { Store } from './db.js';
import { categoryClause, feedClause } from './feeds.js';
import { itemSearchText } from './search-text.js';

/** StoreResult counts what storing one feed's items changed. */
export interface StoreResult {
  added: number;
  updated: number;
}

const CHANGED = ['guid', 'link', 'title', 'author', 'published', 'updated', 'summary', 'content'] as const;

/**
 * upsertItems stores a feed's items: a new key is inserted, a known key whose fields changed is
 * updated in place (keeping its id and first-seen time), an unchanged one is left alone.
 * Runs inside the caller's transaction.
 */
export function upsertItems(db: Store, feedId: number, items: readonly Item[], now: string): StoreResult {
  const find = db.prepare('SELECT id, guid, link, title, author, published, updated, summary, content FROM items WHERE feed_id = ? AND key = ?');
  const insert = db.prepare(`INSERT INTO items (feed_id, key, guid, link, title, author, published, updated, summary, content, first_seen, sort_at)
                             VALUES (@feedId, @key, @guid, @link, @title, @author, @published, @updated, @summary, @content, @now, @sortAt)`);
  const update = db.prepare(`UPDATE items SET guid = @guid, link = @link, title = @title, author = @author, published = @published,
                             updated = @updated, summary = @summary, content = @content, sort_at = @sortAt WHERE id = @id`);
  const ftsDelete = db.prepare('DELETE FROM items_fts WHERE rowid = ?');
  const ftsInsert = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
  const index = (id: number | bigint, it: Item) => {
    const t = itemSearchText(it);
    ftsInsert.run(id, t.title, t.body);
  };
  const result: StoreResult = { added: 0, updated: 0 };
  for (const it of items) {
    const row = find.get(feedId, it.key) as (Record<(typeof CHANGED)[number], string | null> & { id: number }) | undefined;
    const params = { ...it, feedId, now, sortAt: it.published ?? now };
    if (!row) {
      index(insert.run(params).lastInsertRowid, it);
      result.added++;
    } else if (CHANGED.some((k) => row[k] !== it[k])) {
      update.run({ ...params, id: row.id });
      ftsDelete.run(row.id);
      index(row.id, it);
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

/** ItemFilter narrows an item listing; every field is optional. */
export interface ItemFilter {
  feed?: string;
  category?: string;
  /** ISO timestamps: items published (or first seen) at or after / before. */
  since?: string;
  until?: string;
  afterId?: number;
  label?: string;
  limit?: number;
}

/** ITEM_COLUMNS selects a StoredItem from items i joined with feeds f. */
export const ITEM_COLUMNS = `i.id, i.feed_id AS feedId, f.url AS feedUrl, f.title AS feedTitle, f.category, i.guid, i.link, i.title,
  i.author, i.published, i.updated, i.summary, i.content, i.first_seen AS firstSeen`;

/** itemWhere turns a filter into a WHERE clause over items i / feeds f with bound parameters. */
export function itemWhere(f: ItemFilter): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const c of [f.feed !== undefined ? feedClause({ id: 'i.feed_id', url: 'f.url' }, f.feed) : null,
    f.category !== undefined ? categoryClause('f.category', f.category) : null]) {
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
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** iterateItems streams items newest first (by publication, else first-seen time) in constant memory. */
export function iterateItems(db: Store, f: ItemFilter): IterableIterator<StoredItem> {
  const w = itemWhere(f);
  const limit = f.limit !== undefined ? 'LIMIT @limit' : '';
  // With --label, each item also carries that label's best confidence (any model).
  const labelled = f.label !== undefined
    ? ', @label AS label, (SELECT max(confidence) FROM item_labels l WHERE l.item_id = i.id AND l.label = @label) AS confidence' : '';
  const sql = `SELECT ${ITEM_COLUMNS}${labelled} FROM items i JOIN feeds f ON f.id = i.feed_id ${w.sql} ORDER BY i.sort_at DESC, i.id DESC ${limit}`;
  return db.prepare(sql).iterate({ ...w.params, ...(f.limit !== undefined ? { limit: f.limit } : {}) }) as IterableIterator<StoredItem>;
}
