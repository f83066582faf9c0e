// The schema as an append-only list: the database's version is how many of these it has run
// (PRAGMA user_version). Never edit or reorder an entry that has shipped; add a new one.
import type Database from 'better-sqlite3';
import { wellFormedItemKeys } from './migrate-item-keys.js';
import { sanitizeStoredItems } from './migrate-stored-html.js';
import { itemSearchText } from '../../text/search-text.js';
import { reindexSearch } from './reindex-search.js';
import { feedHost } from '../../model.js';
import { folderKeys } from '../shared/folders.js';

/** Migration is SQL to run, or a function for steps SQL alone cannot do (e.g. reindexing text). */
export type Migration = string | ((db: Database.Database) => void);

/** migrations lists every schema change in order; index + 1 is the version it brings. */
export const migrations: readonly Migration[] = [
  // 1: subscriptions with their fetch state, and items deduplicated per feed by a stable key.
  `CREATE TABLE feeds (
     id INTEGER PRIMARY KEY,
     url TEXT NOT NULL UNIQUE,
     title TEXT,
     site_url TEXT,
     category TEXT NOT NULL DEFAULT '',
     added_at TEXT NOT NULL,
     etag TEXT,
     last_modified TEXT,
     last_status INTEGER,
     last_fetched_at TEXT,
     consecutive_errors INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     next_check_at TEXT,
     disabled_reason TEXT
   );
   CREATE INDEX feeds_category ON feeds(category);
   CREATE TABLE items (
     id INTEGER PRIMARY KEY,
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     key TEXT NOT NULL,
     guid TEXT,
     link TEXT,
     title TEXT,
     author TEXT,
     published TEXT,
     updated TEXT,
     summary TEXT,
     content TEXT,
     first_seen TEXT NOT NULL,
     sort_at TEXT NOT NULL,
     UNIQUE(feed_id, key)
   );
   CREATE INDEX items_sort ON items(sort_at DESC, id DESC);`,
  // 2: full-text search over title and body (summary + content as plain text), written by the
  // store whenever an item is inserted or updated; title ranked above body by bm25 weights.
  (db) => {
    db.exec(`CREATE VIRTUAL TABLE items_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
             CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN DELETE FROM items_fts WHERE rowid = old.id; END;`);
    const add = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
    const batch = db.prepare('SELECT id, title, summary, content FROM items WHERE id > ? ORDER BY id LIMIT 2000');
    type Row = { id: number; title: string | null; summary: string | null; content: string | null };
    // In batches: better-sqlite3 cannot write while an iterator is open on the same connection.
    for (let rows = batch.all(0) as Row[]; rows.length; rows = batch.all(rows.at(-1)!.id) as Row[]) {
      for (const r of rows) {
        const t = itemSearchText(r);
        add.run(r.id, t.title, t.body);
      }
    }
  },
  // 3: classifier models (serialized, self-describing) and the labels they gave items.
  `CREATE TABLE models (
     name TEXT PRIMARY KEY,
     format INTEGER NOT NULL,
     labels TEXT NOT NULL,
     train_size INTEGER NOT NULL,
     source TEXT NOT NULL,
     params TEXT NOT NULL,
     created_at TEXT NOT NULL,
     blob BLOB NOT NULL
   );
   CREATE TABLE item_labels (
     item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
     model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
     label TEXT NOT NULL,
     confidence REAL NOT NULL,
     labelled_at TEXT NOT NULL,
     PRIMARY KEY (item_id, model)
   );
   CREATE INDEX item_labels_by_label ON item_labels(label, model);`,
  // 4: what feeds carry beyond text: item enclosures and categories (JSON arrays), podcast fields,
  // and the feed document's own metadata beside the name the user gave the subscription.
  `ALTER TABLE items ADD COLUMN enclosures TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE items ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE items ADD COLUMN duration INTEGER;
   ALTER TABLE items ADD COLUMN comments TEXT;
   ALTER TABLE items ADD COLUMN episode INTEGER;
   ALTER TABLE items ADD COLUMN season INTEGER;
   ALTER TABLE items ADD COLUMN explicit INTEGER;
   ALTER TABLE items ADD COLUMN transcript_url TEXT;
   ALTER TABLE items ADD COLUMN chapters_url TEXT;
   ALTER TABLE feeds ADD COLUMN doc_title TEXT;
   ALTER TABLE feeds ADD COLUMN description TEXT;
   ALTER TABLE feeds ADD COLUMN language TEXT;
   ALTER TABLE feeds ADD COLUMN image_url TEXT;`,
  // 5: a user's corrections of a model's labels (`classify teach`), kept apart from the models so
  // that retraining keeps them, each tied to the training source it corrects.
  `CREATE TABLE corrections (
     item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
     model TEXT NOT NULL,
     label TEXT NOT NULL,
     was TEXT,
     source TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (model, item_id)
   );`,
  // 6: items stored before this release get today's sanitized HTML, and every feed is fetched
  // once more so that the fields of migration 4 are filled in (see migrate-stored-html.ts).
  sanitizeStoredItems,
  // 7: crawlers claim feeds a whole host at a time under an expiring lease (`inkzee worker`), so
  // each feed row knows its host, and a lease row says who crawls a host until when.
  (db) => {
    db.exec(`ALTER TABLE feeds ADD COLUMN host TEXT NOT NULL DEFAULT '';
             CREATE INDEX feeds_host ON feeds(host);
             CREATE TABLE host_leases (host TEXT PRIMARY KEY, worker TEXT NOT NULL, lease_until INTEGER NOT NULL);`);
    const set = db.prepare('UPDATE feeds SET host = ? WHERE id = ?');
    for (const f of db.prepare('SELECT id, url FROM feeds').all() as { id: number; url: string }[]) set.run(feedHost(f.url), f.id);
  },
  // 8: every URL a subscription has had (imported with, moved to by a 301/308 or autodiscovery),
  // so a re-import of a former URL finds it and a move onto a subscribed URL merges the two;
  // filled here with each feed's present URL (former ones were not kept before).
  `CREATE TABLE feed_urls (
     url TEXT PRIMARY KEY,
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE
   );
   CREATE INDEX feed_urls_feed ON feed_urls(feed_id);
   INSERT INTO feed_urls (url, feed_id) SELECT url, id FROM feeds;`,
  // 9: folder names may hold "/" ("UI / UX"): the category column escapes a slash or backslash
  // inside a name with a backslash (a backslash stored before is escaped here; a "/" stored before
  // was already taken for a separator, and stays one), and each feed keeps the keys `--category` matches it by (folders.ts).
  (db) => {
    db.exec(`ALTER TABLE feeds ADD COLUMN folder_keys TEXT NOT NULL DEFAULT '[]'`);
    const set = db.prepare('UPDATE feeds SET category = ?, folder_keys = ? WHERE id = ?');
    for (const f of db.prepare('SELECT id, category FROM feeds').all() as { id: number; category: string }[]) {
      const category = f.category.replaceAll('\\', '\\\\');
      set.run(category, JSON.stringify(folderKeys(category)), f.id);
    }
  },
  // 10: item keys as the parse stage makes them now, well-formed (a lone surrogate stored as
  // invalid UTF-8 never matched its item again; see migrate-item-keys.ts). PostgreSQL never stored one.
  wellFormedItemKeys,
  // 11: the full-text index holds folded terms made in TypeScript, as PostgreSQL's does, so that
  // c++, c# and .net are words, Chinese, Japanese and Thai text is cut into words, and Søren is
  // found as soren on both engines (see reindex-search.ts).
  reindexSearch,
  // 12: daily use. An item is unread until read_at is set and starred while starred_at is; a
  // paused feed (paused_at) is never crawled; pruned_keys remembers the items prune deleted so a
  // feed still listing one does not bring it back as new. Existing items stay unread. The partial
  // indexes keep `items --unread` and the unread counts of `feeds` as fast as the plain listings;
  // items_feed_unread holds read_at (always NULL in it) because SQLite counts from a partial index
  // without reading the table only when the index holds every column the query names.
  `ALTER TABLE items ADD COLUMN read_at TEXT;
   ALTER TABLE items ADD COLUMN starred_at TEXT;
   ALTER TABLE feeds ADD COLUMN paused_at TEXT;
   CREATE TABLE pruned_keys (
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     key TEXT NOT NULL,
     pruned_at TEXT NOT NULL,
     PRIMARY KEY (feed_id, key)
   ) WITHOUT ROWID;
   CREATE INDEX items_unread ON items(sort_at DESC, id DESC) WHERE read_at IS NULL;
   CREATE INDEX items_feed_unread ON items(feed_id, read_at) WHERE read_at IS NULL;
   CREATE INDEX items_starred ON items(sort_at DESC, id DESC) WHERE starred_at IS NOT NULL;
   -- Ids are never given twice, as PostgreSQL's sequences never give them twice: without
   -- AUTOINCREMENT SQLite gives max(id) + 1, so removing the newest feed or pruning the newest
   -- items would hand their ids out again (a late fetch of a removed feed landing in another,
   -- an --after-id pipeline skipping items). id_floor keeps the largest id ever deleted, and
   -- inserts take an id above it (next-id.ts); rebuilding the tables with AUTOINCREMENT instead
   -- would rewrite every item of a large database.
   CREATE TABLE id_floor (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO id_floor (name, last_id) VALUES ('items', (SELECT ifnull(max(id), 0) FROM items)), ('feeds', (SELECT ifnull(max(id), 0) FROM feeds));
   CREATE TRIGGER items_id_floor AFTER DELETE ON items WHEN old.id > (SELECT last_id FROM id_floor WHERE name = 'items')
   BEGIN UPDATE id_floor SET last_id = old.id WHERE name = 'items'; END;
   CREATE TRIGGER feeds_id_floor AFTER DELETE ON feeds WHEN old.id > (SELECT last_id FROM id_floor WHERE name = 'feeds')
   BEGIN UPDATE id_floor SET last_id = old.id WHERE name = 'feeds'; END;`,
  // Settings kept with the data, one key/value row each: the reader API's user, password hash
  // and token secret (serve/auth.ts), so every process serving this database answers alike.
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
];
