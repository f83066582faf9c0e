// Migration 6's work: items stored before the sanitizer existed hold the feeds' raw HTML. Bring
// them to what the parse stage stores today, so that every HTML field in the database is safe to
// embed, whenever it was crawled.
import type Database from 'better-sqlite3';
import { sanitizeHtml } from '../../parse/sanitize.js';
import { itemSearchText } from '../../text/search-text.js';

// Only markup that the sanitizer could change is worth its cost: a row without any of these is
// left as it is (plain paragraphs, links and images pass the allowlist unchanged anyway). Any
// entity inside a tag counts, since entities can spell a scheme (href=" &#106;avascript:…").
const RISKY =
  /<\s*\/?\s*(script|style|iframe|frame|object|embed|applet|form|input|button|textarea|select|meta|base|link|svg|math|noscript|template)\b|\son[a-z]+\s*=|javascript:|vbscript:|data:|expression\s*\(|\sstyle\s*=|\s(src|href|cite|poster|srcset)\s*=\s*["']?(?![a-z][a-z0-9+.-]*:|#)|<[^>]*&/i;

type Row = {
  id: number;
  link: string | null;
  feedUrl: string;
  title: string | null;
  summary: string | null;
  content: string | null;
  categories: string;
};

/**
 * sanitizeStoredItems sanitizes the summary and content of every stored item (relative URLs
 * resolved against the item's link, else its feed's URL), reindexes the rows it changed, and
 * makes every feed fetch its document again at the next refresh (validators cleared) so that the
 * new fields of migration 4 are filled in; far-future items are re-sorted by first-seen time.
 */
export function sanitizeStoredItems(db: Database.Database): void {
  const batch = db.prepare(`SELECT i.id, i.link, f.url AS feedUrl, i.title, i.summary, i.content, i.categories
                            FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id > ? ORDER BY i.id LIMIT 2000`);
  const update = db.prepare('UPDATE items SET summary = ?, content = ? WHERE id = ?');
  const ftsDelete = db.prepare('DELETE FROM items_fts WHERE rowid = ?');
  const ftsInsert = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
  const clean = (html: string | null, base: string) => (html && RISKY.test(html) ? sanitizeHtml(html, base) || null : html);
  // In batches: better-sqlite3 cannot write while an iterator is open on the same connection.
  for (let rows = batch.all(0) as Row[]; rows.length; rows = batch.all(rows.at(-1)!.id) as Row[]) {
    for (const r of rows) {
      const base = r.link ?? r.feedUrl;
      const summary = clean(r.summary, base);
      const content = clean(r.content, base);
      if (summary === r.summary && content === r.content) continue;
      update.run(summary, content, r.id);
      const t = itemSearchText({ title: r.title, summary, content, categories: JSON.parse(r.categories) as string[] });
      ftsDelete.run(r.id);
      ftsInsert.run(r.id, t.title, t.body);
    }
  }
  db.exec(`UPDATE feeds SET etag = NULL, last_modified = NULL;
           UPDATE items SET sort_at = first_seen WHERE julianday(published) > julianday(first_seen) + 1;`);
}
