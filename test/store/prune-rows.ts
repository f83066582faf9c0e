// What the prune tests set up beside the CLI, on either engine: items aged, starred, read,
// corrected or labelled by SQL (the commands that do it, `mark` and `classify teach`, are tested
// elsewhere), and rows counted. `db` is a SQLite file or a postgres:// URL; SQL is written with ?.
import Database from 'better-sqlite3';
import pg from 'pg';
import { cli, type CliResult } from '../helpers.js';
import { rss } from '../feed-server.js';

/** sql runs one statement on the store and returns its rows. */
export async function sql(db: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (db.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      let n = 0;
      return (
        await c.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    } finally {
      await c.end();
    }
  }
  const d = new Database(db);
  try {
    const st = d.prepare(text);
    return st.reader ? (st.all(...params) as Record<string, unknown>[]) : (st.run(...params), []);
  } finally {
    d.close();
  }
}

/** count is the number of rows a query counts (SELECT count(*) AS n …). */
export async function count(db: string, text: string, params: unknown[] = []): Promise<number> {
  return Number((await sql(db, text, params))[0].n);
}

/** LONG_AGO is a first-seen time older than any --older-than the tests give. */
export const LONG_AGO = '2020-01-01T00:00:00.000Z';

/** age makes the items with these guids first seen long ago. */
export const age = (db: string, guids: string[]) =>
  Promise.all(guids.map((g) => sql(db, 'UPDATE items SET first_seen = ? WHERE guid = ?', [LONG_AGO, g])));
/** star stars an item by guid. */
export const star = (db: string, guid: string) => sql(db, 'UPDATE items SET starred_at = ? WHERE guid = ?', [LONG_AGO, guid]);
/** markRead marks items read by guid. */
export const markRead = (db: string, guids: string[]) =>
  Promise.all(guids.map((g) => sql(db, 'UPDATE items SET read_at = ? WHERE guid = ?', [LONG_AGO, g])));

/** correct records a classifier correction of an item, as `classify teach` would. */
export async function correct(db: string, guid: string): Promise<void> {
  await sql(
    db,
    `INSERT INTO corrections (item_id, model, label, was, source, created_at)
     SELECT id, 'default', 'Tech', NULL, 'folders:depth=1', ? FROM items WHERE guid = ?`,
    [LONG_AGO, guid],
  );
}

/** label gives items a label of model "m" (made here), as `classify` would. */
export async function label(db: string, guids: string[]): Promise<void> {
  await sql(
    db,
    `INSERT INTO models (name, format, labels, train_size, source, params, created_at, blob) VALUES ('m', 1, '[]', 0, 'x', '{}', ?, ?)`,
    [LONG_AGO, Buffer.from('x')],
  );
  for (const g of guids)
    await sql(
      db,
      `INSERT INTO item_labels (item_id, model, label, confidence, labelled_at) SELECT id, 'm', 'Tech', 0.9, ? FROM items WHERE guid = ?`,
      [LONG_AGO, g],
    );
}

/** guids lists the guids of the stored items, sorted. */
export async function guids(db: string): Promise<string[]> {
  return (await sql(db, 'SELECT guid FROM items ORDER BY guid')).map((r) => String(r.guid));
}

/** records parses a run's NDJSON stdout. */
export const records = (r: CliResult) =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** run runs the CLI on a database. */
export const run = (db: string, ...args: string[]) => cli(['--db', db, ...args]);

/** bulky is an RSS feed whose items carry ~12 KB of distinct words each, so deleting them frees whole pages. */
export function bulky(title: string, ids: string[]): string {
  return rss(
    title,
    ids.map((id, k) => ({
      guid: id,
      title: `Story ${id}`,
      link: `http://example.com/${id}`,
      date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
      description: Array.from({ length: 1200 }, (_, w) => `w${id.replace(/\W/g, '')}x${w}`).join(' '),
    })),
  );
}
