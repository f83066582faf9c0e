// An existing database is reindexed when it is opened (SQLite's migration 8, PostgreSQL's 2): items
// indexed before folded terms existed are found by c++, 東京 and soren as new ones are, snippets
// keep their text, and the index follows later writes and deletes.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/sqlite/connect.js';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { connectPool } from '../../src/store/postgres/connect.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { migratePg, pgMigrations } from '../../src/store/postgres/migrations.js';
import type { Store } from '../../src/store/contract.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

// Rows as the previous release stored them: the index held each item's text as it stands.
const OLD = [
  { id: 1, key: 'cpp', title: 'Modern C++', summary: '<p>Templates.</p>', categories: '["Programming"]' },
  { id: 2, key: 'c', title: 'Plain C', summary: '<p>Pointers.</p>', categories: '[]' },
  { id: 3, key: 'tokyo', title: '東京タワーの話', summary: null, categories: '[]' },
  { id: 4, key: 'soren', title: 'Søren', summary: '<p>Either/Or.</p>', categories: '["Philosophy"]' },
];
const oldText = (r: (typeof OLD)[number]) => [[r.title, ...JSON.parse(r.categories)].join('\n'), r.summary?.replace(/<[^>]+>/g, '') ?? ''];

const all = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

async function expectReindexed(s: Store): Promise<void> {
  const keys = async (q: string) => (await all(s.search(q, {}))).map((h) => h.guid).sort();
  expect(await keys('c++')).toStrictEqual(['cpp']);
  expect(await keys('c')).toStrictEqual(['c']);
  expect(await keys('東京')).toStrictEqual(['tokyo']);
  expect(await keys('soren')).toStrictEqual(['soren']);
  expect(await keys('philosophy')).toStrictEqual(['soren']);
  expect((await all(s.search('soren', {})))[0].snippet).toBe('\u0002Søren\u0003\nPhilosophy');
}

describe('reindexing an existing database', () => {
  it('rebuilds the SQLite index with folded terms when it is opened', async () => {
    const file = path.join(tempDir(), 'old.db');
    const raw = new Database(file);
    migrate(raw, file, migrations.slice(0, 7));
    raw.exec(`INSERT INTO feeds (id, url, added_at) VALUES (1, 'https://o.example/', '2026-01-01T00:00:00.000Z')`);
    for (const r of OLD) {
      raw
        .prepare(
          `INSERT INTO items (id, feed_id, key, guid, title, summary, categories, first_seen, sort_at) VALUES (?, 1, ?, ?, ?, ?, ?, '2026-01-01', '2026-01-01')`,
        )
        .run(r.id, r.key, r.key, r.title, r.summary, r.categories);
      raw.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)').run(r.id, ...oldText(r));
    }
    expect(raw.prepare(`SELECT rowid FROM items_fts WHERE items_fts MATCH '"c"'`).all()).toHaveLength(2); // c++ was "c"
    // More rows than one batch of the migration, so that it pages through them all.
    raw.exec(`INSERT INTO items (id, feed_id, key, guid, title, first_seen, sort_at)
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 4500)
      SELECT 100 + n, 1, 'bulk' || n, 'bulk' || n, 'bulk item number' || n, '2026-01-01', '2026-01-01' FROM g`);
    raw.close();
    const s = openSqlite(file);
    try {
      await expectReindexed(s);
      expect(s.db.prepare('SELECT count(*) AS n FROM items_fts').get()).toStrictEqual({ n: 4504 });
      expect((await all(s.search('number4500', {}))).map((h) => h.guid)).toStrictEqual(['bulk4500']);
      s.db.prepare('DELETE FROM items WHERE id = 4').run();
      expect(await all(s.search('soren', {}))).toStrictEqual([]);
    } finally {
      await s.close();
    }
  });

  it.skipIf(!pgAvailable)('rebuilds the PostgreSQL index with folded terms when it is opened', async () => {
    const url = await freshDatabase();
    const pg = connectPool(url);
    try {
      await migratePg(pg, pgMigrations.slice(0, 1));
      await pg.pool.query(
        `INSERT INTO feeds (id, url, host, added_at) VALUES (1, 'https://o.example/', 'o.example', '2026-01-01T00:00:00.000Z')`,
      );
      for (const r of OLD) {
        await pg.pool.query(
          `INSERT INTO items (id, feed_id, key, guid, title, summary, categories, first_seen, sort_at) VALUES ($1, 1, $2, $2, $3, $4, $5, '2026-01-01', '2026-01-01')`,
          [r.id, r.key, r.title, r.summary, r.categories],
        );
        await pg.pool.query('INSERT INTO item_search (item_id, title, body) VALUES ($1, $2, $3)', [r.id, ...oldText(r)]);
      }
      expect((await pg.pool.query(`SELECT item_id FROM item_search WHERE doc @@ to_tsquery('inkzee', 'c')`)).rows).toHaveLength(2);
      // More rows than one batch of the migration, so that it pages through them all.
      await pg.pool.query(`INSERT INTO items (id, feed_id, key, title, first_seen, sort_at)
        SELECT 100 + g, 1, 'bulk' || g, 'bulk item number' || g, '2026-01-01', '2026-01-01' FROM generate_series(1, 4500) g`);
      await pg.pool.query(`UPDATE items SET guid = key WHERE id > 100`);
    } finally {
      await pg.pool.end();
    }
    const s = await openPostgres(url);
    try {
      await expectReindexed(s);
      expect((await s.db.pool.query('SELECT count(*)::int AS n FROM item_search')).rows[0].n).toBe(4504);
      expect((await all(s.search('number4500', {}))).map((h) => h.guid)).toStrictEqual(['bulk4500']);
      await s.db.pool.query('DELETE FROM items WHERE id = 4');
      expect(await all(s.search('soren', {}))).toStrictEqual([]);
    } finally {
      await s.close();
    }
  });
});
