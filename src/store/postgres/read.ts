// The read side of the PostgreSQL store: item listings and search streamed through cursors, one
// item, and the totals of `inkzee stats` — each the same rows, in the same order, as the SQLite store.
import type { StoreStats } from '../contract.js';
import { query, transaction, type Pg } from './connect.js';
import { itemWhere, Params } from './item-where.js';
import { BATCH, fromRow, ITEM_COLUMNS, queryRows, streamItems } from './rows.js';
import { searchSql } from './search.js';
import { parseSearchQuery, type SearchQuery } from '../shared/search-query.js';
import { snippetOf } from '../shared/search-snippet.js';
import { itemSearchText } from '../../text/search-text.js';
import type { FeedState, ItemFilter, SearchHit, StoredItem } from '../contract.js';
import { FEED_STATE_SQL, FOLDER_COUNTS_SQL, feedStateTotals, folderTotals, STARRED_SQL, UNREAD_SQL } from '../shared/rows.js';
import { listingOrder, pagesById } from '../shared/items.js';
import { ALSO_IN } from './stories.js';

/**
 * storedUpTo is the largest item id below which no item can appear any more: the largest stored
 * once no transaction writing items is under way. Ids come from a sequence as items are inserted,
 * not as they commit: with several crawlers writing, id 101 can be visible while 100 is still
 * uncommitted, and a pipeline that remembered 101 would skip 100 for good. SHARE mode waits for
 * the writers in flight (an INSERT or UPDATE holds ROW EXCLUSIVE from before it takes its id until
 * its commit) and holds new ones off only for the one max() that follows.
 */
async function storedUpTo(db: Pg): Promise<number> {
  return transaction(db, async (c) => {
    await c.query('LOCK TABLE items IN SHARE MODE');
    return Number((await c.query<{ n: string | number }>('SELECT coalesce(max(id), 0) AS n FROM items')).rows[0].n);
  });
}

/**
 * items streams items newest first (by publication, else first seen), in constant memory; with
 * afterId, in id order, up to storedUpTo, so that paging by the largest id seen skips none.
 */
export async function* items(db: Pg, f: ItemFilter): AsyncGenerator<StoredItem> {
  const p = new Params();
  // With --label, each item also carries that label's best confidence (any model).
  let labelled = '';
  if (f.label !== undefined) {
    const label = p.add(f.label);
    labelled = `, ${label}::text AS label, (SELECT max(confidence) FROM item_labels l WHERE l.item_id = i.id AND l.label = ${label}) AS confidence`;
  }
  const where = itemWhere(f, p);
  const conditions = pagesById(f) ? [where, `i.id <= ${p.add(await storedUpTo(db))}`].filter(Boolean).join(' AND ') : where;
  const limit = f.limit !== undefined ? `LIMIT ${p.add(f.limit)}` : '';
  const sortAt = f.keyset ? ', i.sort_at AS "sortAt"' : '';
  const copies = f.unique ? `, ${ALSO_IN}` : '';
  const sql = `SELECT ${ITEM_COLUMNS}${labelled}${sortAt}${copies} FROM items i JOIN feeds f ON f.id = i.feed_id ${conditions ? `WHERE ${conditions}` : ''}
               ORDER BY ${listingOrder(f)} ${limit}`;
  const extras = [
    ...(f.label !== undefined ? ['label', 'confidence'] : []),
    ...(f.keyset ? ['sortAt'] : []),
    ...(f.unique ? ['alsoIn'] : []),
  ];
  // A page that fits in one cursor batch (the reader API's) is one query: a cursor would cost two
  // more round trips (the empty read that ends it, and its close) for the same rows.
  if (f.limit !== undefined && f.limit <= BATCH) {
    for (const row of await queryRows(db, sql, p.values)) yield fromRow(row, extras);
    return;
  }
  yield* streamItems(db, sql, p.values, extras);
}

/** item reads one item by id. */
export async function item(db: Pg, id: number): Promise<StoredItem | undefined> {
  // An id beyond bigint's range is an error in PostgreSQL; in SQLite it is simply not there.
  if (!Number.isSafeInteger(id)) return undefined;
  const rows = await queryRows(db, `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = $1`, [id]);
  return rows.length ? fromRow(rows[0]) : undefined;
}

/**
 * search streams items matching a query (words, word*, OR, "phrases"), best first; with afterId,
 * in id order up to storedUpTo, as items pages.
 */
export function search(db: Pg, q: string, f: ItemFilter): AsyncIterable<SearchHit> {
  // Parsed before the stream starts, so that a query without words is refused at once.
  const query = parseSearchQuery(q);
  if (query.any.length === 0) return (async function* () {})();
  return withSnippets(
    (async function* () {
      const { sql, values } = searchSql(query, f, pagesById(f) ? await storedUpTo(db) : undefined);
      yield* streamItems<{ snippet: string; rank: number }>(db, sql, values, ['snippet', 'rank', ...(f.unique ? ['alsoIn'] : [])]);
    })(),
    query,
  );
}

/** withSnippets fills in each hit's snippet from its text as it streams past, as the SQLite store does. */
async function* withSnippets(hits: AsyncIterable<SearchHit>, q: SearchQuery): AsyncIterable<SearchHit> {
  for await (const h of hits) {
    h.snippet = snippetOf(itemSearchText(h), q);
    yield h;
  }
}

/** stats counts feeds by state, items per day since a day (YYYY-MM-DD), and the biggest feeds. */
export async function stats(db: Pg, sinceDay: string): Promise<StoreStats> {
  const [states, perDay, total, unread, starred, folders, topFeeds, size] = await Promise.all([
    query<{ state: FeedState; n: number }>(db, `SELECT ${FEED_STATE_SQL} AS state, count(*) AS n FROM feeds GROUP BY state`),
    query<{ day: string; items: number }>(
      db,
      `SELECT substr(sort_at, 1, 10) AS day, count(*) AS items FROM items
        WHERE sort_at >= $1 GROUP BY day ORDER BY day DESC`,
      [sinceDay],
    ),
    query<{ n: number }>(db, 'SELECT count(*) AS n FROM items'),
    query<{ n: number }>(db, `SELECT count(*) AS n FROM items WHERE ${UNREAD_SQL}`),
    query<{ n: number }>(db, `SELECT count(*) AS n FROM items WHERE ${STARRED_SQL}`),
    query<{ category: string; items: number; unread: number }>(db, FOLDER_COUNTS_SQL),
    query<{ id: number; title: string | null; url: string; items: number }>(
      db,
      `SELECT f.id, f.title, f.url, count(i.id) AS items
        FROM feeds f JOIN items i ON i.feed_id = f.id GROUP BY f.id ORDER BY items DESC, f.id LIMIT 10`,
    ),
    query<{ bytes: number }>(db, 'SELECT pg_database_size(current_database()) AS bytes'),
  ]);
  return {
    feeds: feedStateTotals(states),
    items: { total: total[0].n, unread: unread[0].n, starred: starred[0].n, perDay },
    folders: folderTotals(folders),
    topFeeds,
    database: { path: db.location, bytes: size[0].bytes },
  };
}
