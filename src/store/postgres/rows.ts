// Rows of a PostgreSQL store read back as the very objects the SQLite store gives (../shared/rows.ts's
// storedItemFrom): same keys in the same order, enclosures normalized alike, explicit as boolean | null,
// and read through a cursor in batches, so a listing of any size runs in constant memory.
import Cursor from 'pg-cursor';
import { pgFault, type Pg } from './connect.js';
import type { StoredItem } from '../contract.js';
import { type CellDecoding, storedItemFrom } from '../shared/rows.js';

/** ITEM_COLUMNS selects a StoredItem's columns from items i joined with feeds f, in the order fromRow expects. */
export const ITEM_COLUMNS = `i.id, i.feed_id, f.url, f.title, f.category, i.guid, i.link, i.title, i.author, i.published, i.updated,
  i.summary, i.content, i.first_seen, i.enclosures, i.categories, i.duration, i.comments, i.episode, i.season, i.explicit,
  i.transcript_url, i.chapters_url, i.read_at, i.starred_at`;

// Rows come as arrays; a cursor has no access to the pool's type parsers, so bigint ids arrive as
// strings there and are made numbers here (ids stay far below 2^53). Lists are jsonb (already
// parsed), explicit a boolean.
type Cell = any;
const PG_CELLS: CellDecoding = {
  id: (c) => Number(c),
  list: (c) => (Array.isArray(c) ? c : []),
  flag: (c) => (c === null ? null : c === true),
};

/** fromRow builds a StoredItem from a row of ITEM_COLUMNS, then the named extra columns. */
export function fromRow(a: Cell[], extras: readonly string[] = []): StoredItem {
  return storedItemFrom(a, extras, PG_CELLS);
}

/** BATCH is how many rows a cursor fetches at a time: items carry their text, some tens of kilobytes. */
export const BATCH = 200;

/** within rejects as pg's query_timeout does if p has not settled after ms (no bound without ms). */
function within<T>(p: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return p;
  let t: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error('Query read timeout')), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}

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
  // pg's query_timeout waits for a callback that a cursor never makes: its timer would fail the
  // stream, and hold the process open, once the timeout passed. Clear it (calling the wrapper pg
  // put in the callback's place), and bound each read instead: a reader that pauses is not late.
  (cursor as unknown as { callback?: (err?: Error) => void }).callback?.();
  let broken: Error | undefined;
  try {
    for (;;) {
      let rows: Cell[][];
      try {
        rows = await within(cursor.read(BATCH), db.timeoutMs);
      } catch (err) {
        broken = err as Error;
        throw pgFault(db, err, 'read');
      }
      if (rows.length === 0) return;
      for (const row of rows) yield row;
    }
  } finally {
    // A connection whose cursor failed or would not close is dropped rather than reused.
    if (!broken)
      await cursor.close().catch((err: Error) => {
        broken = err;
      });
    client.release(broken);
  }
}

/** streamItems yields a query's rows (ITEM_COLUMNS, then the named extras) as StoredItems. */
export async function* streamItems<T extends object = object>(
  db: Pg,
  sql: string,
  values: readonly unknown[],
  extras: readonly string[] = [],
): AsyncGenerator<StoredItem & T> {
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
