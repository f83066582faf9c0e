// Rows of a PostgreSQL store read back as the very objects the SQLite store gives (items.ts's
// fromRaw): same keys in the same order, enclosures normalized alike, explicit as boolean | null,
// and read through a cursor in batches, so a listing of any size runs in constant memory.
import Cursor from 'pg-cursor';
import type { Enclosure } from '../../model.js';
import type { StoredItem } from '../items.js';
import { pgFault, type Pg } from './connect.js';

/** ITEM_COLUMNS selects a StoredItem's columns from items i joined with feeds f, in the order fromRow expects. */
export const ITEM_COLUMNS = `i.id, i.feed_id, f.url, f.title, f.category, i.guid, i.link, i.title, i.author, i.published, i.updated,
  i.summary, i.content, i.first_seen, i.enclosures, i.categories, i.duration, i.comments, i.episode, i.season, i.explicit,
  i.transcript_url, i.chapters_url`;
const ITEM_COLUMN_COUNT = 23;

// Rows come as arrays; a cursor has no access to the pool's type parsers, so bigint ids arrive as
// strings there and are made numbers here (ids stay far below 2^53).
type Cell = any;

const enclosuresOf = (list: unknown): Enclosure[] => (Array.isArray(list) ? list : [])
  .map((e: Enclosure) => ({ url: e.url, type: e.type ?? null, length: e.length ?? null, duration: e.duration ?? null }));

/** fromRow builds a StoredItem from a row of ITEM_COLUMNS, then the named extra columns. */
export function fromRow(a: Cell[], extras: readonly string[] = []): StoredItem {
  const item: StoredItem = {
    id: Number(a[0]), feedId: Number(a[1]), feedUrl: a[2], feedTitle: a[3], category: a[4], guid: a[5], link: a[6], title: a[7],
    author: a[8], published: a[9], updated: a[10], summary: a[11], content: a[12], firstSeen: a[13], enclosures: enclosuresOf(a[14]),
    categories: Array.isArray(a[15]) ? a[15] : [], duration: a[16], comments: a[17], episode: a[18], season: a[19],
    explicit: a[20] === null ? null : a[20] === true, transcriptUrl: a[21], chaptersUrl: a[22],
  };
  for (let k = 0; k < extras.length; k++) (item as unknown as Record<string, unknown>)[extras[k]] = a[ITEM_COLUMN_COUNT + k];
  return item;
}

/** BATCH is how many rows a cursor fetches at a time: items carry their text, some tens of kilobytes. */
const BATCH = 200;

/**
 * streamRows runs a query on its own pooled client and yields its rows (as arrays) through a
 * cursor, BATCH at a time. The cursor is closed and the client returned to the pool when the
 * rows run out, on an error, and when the consumer stops early (`for await … break`).
 */
export async function* streamRows(db: Pg, sql: string, values: readonly unknown[]): AsyncGenerator<Cell[]> {
  let client;
  try {
    client = await db.pool.connect();
  } catch (err) {
    throw pgFault(db, err, 'read');
  }
  const cursor = client.query(new Cursor<Cell[]>(sql, [...values], { rowMode: 'array' }));
  let broken: Error | undefined;
  try {
    for (;;) {
      let rows: Cell[][];
      try {
        rows = await cursor.read(BATCH);
      } catch (err) {
        broken = err as Error;
        throw pgFault(db, err, 'read');
      }
      if (rows.length === 0) return;
      for (const row of rows) yield row;
    }
  } finally {
    // A connection whose cursor failed or would not close is dropped rather than reused.
    if (!broken) await cursor.close().catch((err: Error) => { broken = err; });
    client.release(broken);
  }
}

/** streamItems yields a query's rows (ITEM_COLUMNS, then the named extras) as StoredItems. */
export async function* streamItems<T extends object = object>(db: Pg, sql: string, values: readonly unknown[], extras: readonly string[] = []): AsyncGenerator<StoredItem & T> {
  for await (const row of streamRows(db, sql, values)) yield fromRow(row, extras) as StoredItem & T;
}

/** queryRows runs one statement on the pool and returns its rows as arrays, or throws a one-line StoreError. */
export async function queryRows(db: Pg, sql: string, values: readonly unknown[]): Promise<Cell[][]> {
  try {
    return (await db.pool.query({ text: sql, values: [...values], rowMode: 'array' })).rows;
  } catch (err) {
    throw pgFault(db, err, 'read');
  }
}
