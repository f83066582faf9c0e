// The stored folder paths, read for shell completion (its counterpart is ../sqlite/categories.ts):
// one connection, no migration, and a server that does not answer within 2 s is given up.
import { connectPool } from './connect.js';

/** COMPLETION_TIMEOUT_MS bounds the wait: completion runs on a Tab press. */
const COMPLETION_TIMEOUT_MS = 2000;

/** storedCategories lists the distinct category values (stored form) of a PostgreSQL store. */
export async function storedCategories(url: string): Promise<string[]> {
  const db = connectPool(url, { max: 1, connectionTimeoutMs: COMPLETION_TIMEOUT_MS, timeoutMs: COMPLETION_TIMEOUT_MS });
  try {
    const r = await db.pool.query<{ category: string }>('SELECT DISTINCT category FROM feeds');
    return r.rows.map((row) => row.category);
  } finally {
    await db.pool.end().catch(() => {});
  }
}
