// The settings kept in the database (../postgres/settings.ts is the counterpart): key/value rows.
import type { Db } from './connect.js';

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
