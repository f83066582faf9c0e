// The settings kept in the database (../sqlite/settings.ts is the counterpart): key/value rows.
import { query, transaction, type Pg } from './connect.js';

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
