// The settings kept in the database (../postgres/settings.ts is the counterpart): key/value rows.
import type { Db } from './connect.js';
import { decodeBacklog, encodeBacklog, HOOK_BACKLOG_KEY } from '../shared/hook-backlog.js';

/** readSettings returns every stored setting. */
export function readSettings(db: Db): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** writeSettings stores the values given, replacing those keys' old values, in one transaction. */
export function writeSettings(db: Db, values: Readonly<Record<string, string>>): void {
  const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [k, v] of Object.entries(values)) put.run(k, v);
  })();
}

/** deferHookItems appends ids to the hook's backlog. */
export function deferHookItems(db: Db, ids: readonly number[]): void {
  if (ids.length === 0) return;
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = settings.value || excluded.value',
  ).run(HOOK_BACKLOG_KEY, encodeBacklog(ids));
}

/** takeHookItems deletes the hook's backlog and returns its ids (read first: most crawls find none, and write nothing then). */
export function takeHookItems(db: Db): number[] {
  if (!db.prepare('SELECT 1 FROM settings WHERE key = ?').get(HOOK_BACKLOG_KEY)) return [];
  const row = db.prepare('DELETE FROM settings WHERE key = ? RETURNING value').get(HOOK_BACKLOG_KEY) as { value: string } | undefined;
  return decodeBacklog(row?.value);
}
