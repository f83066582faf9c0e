// Item keys stored before the parse stage made them well-formed are rewritten as itemKey makes
// them now (SQLite migration 8, PostgreSQL migration 2), so the next refresh finds those items.
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/sqlite/connect.js';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { connectPool } from '../../src/store/postgres/connect.js';
import { migratePg, pgMigrations } from '../../src/store/postgres/migrations.js';
import { itemKey } from '../../src/text/well-formed.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const LONG = crypto.randomBytes(1200).toString('hex'); // 2,400 bytes: stored by both engines before, over the bound now
const NOW = '2026-01-01T00:00:00.000Z';

describe('SQLite migration 8', () => {
  it('rewrites keys with a lone surrogate (stored as ED A0 80), C0 controls or over 2,000 bytes, and leaves a key another item has', () => {
    const db = new Database(':memory:');
    migrate(db, 'mem', migrations.slice(0, 7));
    db.prepare(`INSERT INTO feeds (url, category, added_at, host) VALUES ('http://e.example/f', '', ?, 'e.example')`).run(NOW);
    const add = db.prepare(`INSERT INTO items (feed_id, key, first_seen, sort_at) VALUES (1, ?, ?, ?)`);
    for (const key of ['lone\ud800', 'ctl\u0001x', LONG, 'plain', 'p\ud83d\ude00 \ud55c', 'dup\u0002', 'dup']) add.run(key, NOW, NOW);
    migrate(db, 'mem');
    expect(db.prepare('SELECT key FROM items ORDER BY id').pluck().all()).toEqual([
      'lone\ufffd',
      'ctlx',
      itemKey(LONG),
      'plain',
      'p\ud83d\ude00 \ud55c',
      'dup\u0002',
      'dup',
    ]);
    expect(itemKey(LONG)).toMatch(/^sha1-key:[0-9a-f]{40}$/);
  });
});

describe.skipIf(!pgAvailable)('PostgreSQL migration 2', () => {
  it('rewrites keys with C0 controls or over 2,000 bytes exactly as itemKey does, and leaves a key another item has', async () => {
    const pg = connectPool(await freshDatabase());
    try {
      await migratePg(pg, pgMigrations.slice(0, 1));
      await pg.pool.query(`INSERT INTO feeds (url, host, category, added_at) VALUES ('http://e.example/f', 'e.example', '', $1)`, [NOW]);
      const keys = ['ctl\u0001x', LONG, `\u0003${LONG}`, 'plain', 'p\ud83d\ude00 \ud55c', 'dup\u0002', 'dup'];
      for (const key of keys) {
        await pg.pool.query(`INSERT INTO items (feed_id, key, first_seen, sort_at, tags) VALUES (1, $1, $2, $2, '{}')`, [key, NOW]);
      }
      await migratePg(pg);
      const rows = await pg.pool.query('SELECT key FROM items ORDER BY id');
      // LONG and "\u0003" + LONG are one key now: the first keeps it, the second stays as it was.
      expect(rows.rows.map((r) => r.key)).toEqual([
        'ctlx',
        itemKey(LONG),
        `\u0003${LONG}`,
        'plain',
        'p\ud83d\ude00 \ud55c',
        'dup\u0002',
        'dup',
      ]);
    } finally {
      await pg.pool.end();
    }
  });
});
