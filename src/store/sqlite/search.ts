import type { Db } from './connect.js';
import { filterFor } from './item-where.js';
import { ITEM_COLUMNS, readItems } from './read.js';
import { parseSearchQuery, type SearchQuery } from '../shared/search-query.js';
import { snippetOf } from '../shared/search-snippet.js';
import { itemSearchText } from '../../text/search-text.js';
import type { ItemFilter, SearchHit } from '../contract.js';
import { pagesById } from '../shared/items.js';
import { ALSO_IN } from './stories.js';
import { firstCopiesSql } from '../shared/stories.js';

/** Bm25 weights of the FTS columns (title, body): a word in the title counts ten times more. */
const TITLE_WEIGHT = 10;
const BODY_WEIGHT = 1;

/**
 * toFtsQuery renders a parsed query as an FTS5 query: each phrase quoted (its terms are letters
 * and digits only, search-terms.ts), `*` after a phrase whose last term is a prefix, AND within
 * a group and OR between groups; undefined for a query that matches nothing.
 */
export function toFtsQuery(q: SearchQuery): string | undefined {
  if (q.any.length === 0) return undefined;
  return q.any
    .map((g) => `(${g.map((p) => `"${p.map((t) => t.term).join(' ')}"${p.at(-1)!.prefix ? '*' : ''}`).join(' AND ')})`)
    .join(' OR ');
}

/**
 * searchItems ranks items matching the query by bm25 (title and item categories above body), best
 * first; with afterId, the matches come in id order instead, to page through them as items does.
 */
export function searchItems(db: Db, query: string, f: ItemFilter): IterableIterator<SearchHit> {
  const q = parseSearchQuery(query);
  const match = toFtsQuery(q);
  if (match === undefined) return [][Symbol.iterator]();
  const w = filterFor(db, { ...f, unique: false });
  // Each story once: its first copy among the matches of the query and the filters.
  if (f.unique) {
    // The first copy among all matches, --after-id aside (as items does, item-where.ts): a story is
    // listed on its first copy's page, never again by a later copy.
    const all = filterFor(db, { ...f, unique: false, afterId: undefined });
    const matched = [`items_fts MATCH @match`, all.sql.replace(/^WHERE /, '')].filter(Boolean).join(' AND ');
    w.sql = `WHERE ${[w.sql.replace(/^WHERE /, ''), firstCopiesSql('items_fts JOIN items i ON i.id = items_fts.rowid JOIN feeds f ON f.id = i.feed_id', matched)].filter(Boolean).join(' AND ')}`;
  }
  const copies = f.unique ? `, ${ALSO_IN}` : '';
  const limit = f.limit !== undefined ? 'LIMIT @limit' : '';
  const ranked = `bm25(items_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) AS rank`;
  // The snippet column is a placeholder, filled in below from the item's text (search-snippet.ts).
  // Without item filters, rank and cut inside the index before joining: a common word can match a
  // quarter of a million items, and joining them all before the sort costs several times more.
  const sql = w.sql
    ? `SELECT ${ITEM_COLUMNS}, '' AS snippet, ${ranked}${copies} FROM items_fts JOIN items i ON i.id = items_fts.rowid JOIN feeds f ON f.id = i.feed_id
       WHERE items_fts MATCH @match AND ${w.sql.slice('WHERE '.length)} ORDER BY ${pagesById(f) ? 'i.id' : 'rank, i.id'} ${limit}`
    : `SELECT ${ITEM_COLUMNS}, '' AS snippet, h.rank FROM (SELECT rowid, ${ranked} FROM items_fts WHERE items_fts MATCH @match ORDER BY rank, rowid ${limit}) h
       JOIN items i ON i.id = h.rowid JOIN feeds f ON f.id = i.feed_id ORDER BY h.rank, i.id`;
  const hits = readItems<{ snippet: string; rank: number }>(db, sql, {
    ...w.params,
    match,
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
  });
  return withSnippets(hits, q);
}

/** withSnippets fills in each hit's snippet as it streams past. */
function* withSnippets(hits: IterableIterator<SearchHit>, q: SearchQuery): IterableIterator<SearchHit> {
  for (const h of hits) {
    h.snippet = snippetOf(itemSearchText(h), q);
    yield h;
  }
}
