import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/sqlite/connect.js';
import { migrations } from '../../src/store/sqlite/migrations.js';

// A database as the previous release left it (schema 5), with raw HTML from before the sanitizer.
function oldDatabase(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, 'mem', migrations.slice(0, 5));
  db.prepare(
    `INSERT INTO feeds (id, url, category, added_at, etag, last_modified) VALUES (1, 'http://a.example/feed', '', '2026-01-01T00:00:00Z', '"v1"', 'Mon, 01 Jan 2026 00:00:00 GMT')`,
  ).run();
  const add = db.prepare(`INSERT INTO items (feed_id, key, link, title, summary, content, published, first_seen, sort_at)
                          VALUES (1, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', ?)`);
  add.run(
    'k1',
    'http://a.example/posts/1',
    'Hostile',
    '<p onclick="steal()">Hi<script>alert(1)</script></p>',
    '<a href="javascript:alert(1)">x</a><img src="pic.png">',
    '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:00.000Z',
  );
  add.run(
    'k3',
    'http://a.example/posts/3',
    'Spelt',
    '<a href=" &#106;avascript:alert(1)">x</a>',
    null,
    '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:00.000Z',
  );
  add.run('k2', null, 'Plain', '<p>Nothing to change</p>', null, '9999-01-01T00:00:00.000Z', '9999-01-01T00:00:00.000Z');
  for (const r of db.prepare('SELECT id, title, summary FROM items').all() as { id: number; title: string; summary: string }[]) {
    db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)').run(r.id, r.title, `${r.summary} alert`);
  }
  return db;
}

describe('upgrading a database stored before the sanitizer', () => {
  it('sanitizes stored HTML, resolves its relative URLs and reindexes only the rows it changed', () => {
    const db = oldDatabase();
    // Up to schema 7: schema 8 (reindex-search.ts) rebuilds the whole index from the items.
    migrate(db, 'mem', migrations.slice(0, 7));
    const rows = db.prepare('SELECT key, summary, content FROM items ORDER BY key').all() as {
      key: string;
      summary: string;
      content: string | null;
    }[];
    expect(rows[0].summary).toBe('<p>Hi</p>');
    expect(rows[0].content).not.toMatch(/javascript|onclick|script/i);
    expect(rows[0].content).toContain('src="http://a.example/posts/pic.png"');
    expect(rows[1].summary).toBe('<p>Nothing to change</p>');
    expect(rows[2].summary).not.toMatch(/&#106;|javascript/i);
    // The changed row's index entry no longer holds the script's text; the untouched one is as it was.
    const hits = db.prepare(`SELECT rowid FROM items_fts WHERE items_fts MATCH 'alert' ORDER BY rowid`).all() as { rowid: number }[];
    expect(hits.map((h) => h.rowid)).toEqual([3]);
  });

  it('makes every feed fetch its document again and re-sorts far-future items by first-seen time', () => {
    const db = oldDatabase();
    migrate(db, 'mem');
    expect(db.prepare('SELECT etag, last_modified FROM feeds').get()).toEqual({ etag: null, last_modified: null });
    const future = db.prepare(`SELECT published, sort_at FROM items WHERE key = 'k2'`).get() as { published: string; sort_at: string };
    expect(future.published).toBe('9999-01-01T00:00:00.000Z');
    expect(future.sort_at).toBe('2026-01-01T00:00:00.000Z');
  });
});
