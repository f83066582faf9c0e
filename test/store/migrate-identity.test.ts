// Databases made before subscriptions remembered their URLs (feed_urls) and before folder names
// could hold "/": upgrading keeps every feed findable by its URL and every folder by --category,
// and a backslash stored in a folder name stays a backslash.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addSubscriptions, listFeeds } from '../../src/store/sqlite/feeds.js';
import { migrate, openStore } from '../../src/store/sqlite/connect.js';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { connectPool } from '../../src/store/postgres/connect.js';
import { migratePg, pgMigrations } from '../../src/store/postgres/migrations.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';
const OLD_ROWS = [
  ['https://a.example/feed', 'Tech/Sub'],
  ['https://b.example/feed', 'Back\\slash'],
  ['https://c.example/feed', ''],
];
const SUBS = OLD_ROWS.map(([url]) => ({ url, title: null, siteUrl: null, category: 'Elsewhere' }));

describe('upgrading a database', () => {
  it('SQLite: every feed keeps its URL in feed_urls, its folder its names and keys', async () => {
    const file = path.join(tempDir(), 'old.db');
    const raw = new Database(file);
    migrate(raw, file, migrations.slice(0, 7));
    const add = raw.prepare('INSERT INTO feeds (url, category, added_at, host) VALUES (?, ?, ?, ?)');
    for (const [url, category] of OLD_ROWS) add.run(url, category, NOW, new URL(url).host);
    raw.close();

    const db = openStore(file);
    expect(db.prepare('SELECT url FROM feed_urls ORDER BY url').pluck().all()).toEqual(OLD_ROWS.map(([url]) => url));
    expect(listFeeds(db).map((f) => [f.category, f.folders])).toEqual([
      ['', []],
      ['Back\\slash', ['Back\\slash']],
      ['Tech/Sub', ['Tech', 'Sub']],
    ]);
    expect(listFeeds(db, { category: 'tech' })).toHaveLength(1);
    expect(listFeeds(db, { category: 'back\\SLASH' })).toHaveLength(1);
    expect(addSubscriptions(db, SUBS, NOW)).toMatchObject({ added: [], present: 3 });
    db.close();
  });

  it.skipIf(!pgAvailable)('PostgreSQL: every feed keeps its URL in feed_urls, its folder its names and keys', async () => {
    const url = await freshDatabase();
    const pg = connectPool(url);
    await migratePg(pg, pgMigrations.slice(0, 1));
    for (const [u, category] of OLD_ROWS) {
      await pg.pool.query('INSERT INTO feeds (url, category, added_at, host) VALUES ($1, $2, $3, $4)', [u, category, NOW, new URL(u).host]);
    }
    await pg.pool.end();

    const store = await openPostgres(url);
    try {
      expect((await store.db.pool.query('SELECT url FROM feed_urls ORDER BY url')).rows.map((r) => r.url)).toEqual(
        OLD_ROWS.map(([u]) => u),
      );
      expect((await store.listFeeds()).map((f) => [f.category, f.folders])).toEqual([
        ['', []],
        ['Back\\slash', ['Back\\slash']],
        ['Tech/Sub', ['Tech', 'Sub']],
      ]);
      expect(await store.listFeeds({ category: 'tech' })).toHaveLength(1);
      expect(await store.listFeeds({ category: 'back\\SLASH' })).toHaveLength(1);
      expect(await store.addSubscriptions(SUBS, NOW)).toMatchObject({ added: [], present: 3 });
    } finally {
      await store.close();
    }
  });
});
