// The schema as an append-only list: the database's version is how many of these it has run
// (PRAGMA user_version). Never edit or reorder an entry that has shipped; add a new one.

/** migrations lists every schema change in order; index + 1 is the version it brings. */
export const migrations: readonly string[] = [
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
];
