// The SQLite migration that rebuilds the full-text index with folded terms (search-terms.ts):
// text that was indexed as it stood (c++ as "c", 東京タワー as one word, Søren unfolded) is
// indexed again, the way new items are. It reads every item once, so it takes a while on a large
// store (README: search).
import type Database from 'better-sqlite3';
import { itemIndexText } from '../../text/search-text.js';

/**
 * reindexSearch replaces items_fts with a contentless table of folded terms (the text of a
 * snippet is the item's own, search-snippet.ts), and fills it from every item. The tokenizer
 * keeps marks inside words (Indic vowel signs, Thai) and folds nothing further: the terms are
 * already folded, as PostgreSQL's are.
 */
export function reindexSearch(db: Database.Database): void {
  db.exec(`DROP TRIGGER IF EXISTS items_fts_delete;
           DROP TABLE IF EXISTS items_fts;
           CREATE VIRTUAL TABLE items_fts USING fts5(title, body, content = '', contentless_delete = 1,
             tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'");
           CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN DELETE FROM items_fts WHERE rowid = old.id; END;`);
  const add = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
  const batch = db.prepare('SELECT id, title, summary, content, categories FROM items WHERE id > ? ORDER BY id LIMIT 2000');
  type Row = { id: number; title: string | null; summary: string | null; content: string | null; categories: string };
  // In batches: better-sqlite3 cannot write while an iterator is open on the same connection.
  for (let rows = batch.all(0) as Row[]; rows.length; rows = batch.all(rows.at(-1)!.id) as Row[]) {
    for (const r of rows) {
      const t = itemIndexText({ ...r, categories: JSON.parse(r.categories) as string[] });
      add.run(r.id, t.title, t.body);
    }
  }
}
