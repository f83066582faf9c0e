// The settings kept in the database (../sqlite/settings.ts is the counterpart): key/value rows.
import { query, transaction, type Pg } from './connect.js';
import { decodeBacklog, encodeBacklog, HOOK_BACKLOG_KEY } from '../shared/hook-backlog.js';

/** readSettings returns every stored setting. */
export async function readSettings(db: Pg): Promise<Record<string, string>> {
  const rows = await query<{ key: string; value: string }>(db, 'SELECT key, value FROM settings');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** writeSettings stores the values given, replacing those keys' old values, in one transaction. */
export async function writeSettings(db: Pg, values: Readonly<Record<string, string>>): Promise<void> {
  await transaction(db, async (c) => {
    for (const [k, v] of Object.entries(values))
      await c.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [k, v]);
  });
}

/** deferHookItems appends ids to the hook's backlog (one statement: two crawlers adding at once both land). */
export async function deferHookItems(db: Pg, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await query(
    db,
    'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = settings.value || excluded.value',
    [HOOK_BACKLOG_KEY, encodeBacklog(ids)],
  );
}

/** takeHookItems deletes the hook's backlog and returns its ids (one statement: two crawlers never both take it). */
export async function takeHookItems(db: Pg): Promise<number[]> {
  const rows = await query<{ value: string }>(db, 'DELETE FROM settings WHERE key = $1 RETURNING value', [HOOK_BACKLOG_KEY]);
  return decodeBacklog(rows[0]?.value);
}
