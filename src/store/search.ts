import { UsageError } from '../errors.js';
import type { Db } from './db.js';
import { filterFor, pagesById } from './item-filter.js';
import { ITEM_COLUMNS, readItems, type ItemFilter, type StoredItem } from './items.js';

/** Bm25 weights of the FTS columns (title, body): a word in the title counts ten times more. */
const TITLE_WEIGHT = 10;
const BODY_WEIGHT = 1;

/** SNIPPET_OPEN and SNIPPET_CLOSE mark matched words in snippets. */
export const SNIPPET_OPEN = '\u0002';
export const SNIPPET_CLOSE = '\u0003';

/**
 * toFtsQuery turns what a person types into an FTS5 query: every word must match (quoted, so
 * "c++" or "foo-bar" are words, not syntax), a trailing * matches a prefix, and OR between two
 * words means either.
 */
export function toFtsQuery(query: string): string {
  const words = query.match(/"[^"]*"|\S+/g) ?? [];
  const parts: string[] = [];
  for (const w of words) {
    if (w === 'OR' && parts.length && parts.at(-1) !== 'OR') { parts.push('OR'); continue; }
    const prefix = w.endsWith('*') && w.length > 1;
    const text = (prefix ? w.slice(0, -1) : w).replace(/^"|"$/g, '').replace(/"/g, '""');
    if (!text.trim()) continue;
    parts.push(`"${text}"${prefix ? '*' : ''}`);
  }
  if (parts.at(-1) === 'OR') parts.pop();
  if (parts.length === 0) throw new UsageError('search: the query has no words');
  return parts.join(' ');
}

/** SearchHit is a stored item with the snippet that matched. */
export type SearchHit = StoredItem & { snippet: string; rank: number };

/**
 * searchItems ranks items matching the query by bm25 (title and item categories above body), best
 * first; with afterId, the matches come in id order instead, to page through them as items does.
 */
export function searchItems(db: Db, query: string, f: ItemFilter): IterableIterator<SearchHit> {
  const w = filterFor(db, f);
  const limit = f.limit !== undefined ? 'LIMIT @limit' : '';
  const ranked = `snippet(items_fts, -1, '${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '…', 16) AS snippet,
      bm25(items_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) AS rank`;
  // Without item filters, rank and cut inside the index before joining: a common word can match a
  // quarter of a million items, and joining them all before the sort costs several times more.
  const sql = w.sql
    ? `SELECT ${ITEM_COLUMNS}, ${ranked} FROM items_fts JOIN items i ON i.id = items_fts.rowid JOIN feeds f ON f.id = i.feed_id
       WHERE items_fts MATCH @match AND ${w.sql.slice('WHERE '.length)} ORDER BY ${pagesById(f) ? 'i.id' : 'rank'} ${limit}`
    : `SELECT ${ITEM_COLUMNS}, h.snippet, h.rank FROM (SELECT rowid, ${ranked} FROM items_fts WHERE items_fts MATCH @match ORDER BY rank ${limit}) h
       JOIN items i ON i.id = h.rowid JOIN feeds f ON f.id = i.feed_id ORDER BY h.rank`;
  return readItems<{ snippet: string; rank: number }>(db, sql, { ...w.params, match: toFtsQuery(query), ...(f.limit !== undefined ? { limit: f.limit } : {}) });
}
