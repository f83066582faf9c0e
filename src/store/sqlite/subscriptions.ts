// Changing subscriptions one by one on SQLite (`inkzee remove`, `edit`, `pause`, `resume`); the
// same changes as ../postgres/subscriptions.ts makes on PostgreSQL.
import { feedHost } from '../../model.js';
import { prepared, type Db } from './connect.js';
import { urlKey } from '../shared/feed-urls.js';
import { folderKeys, pathNames, storedPath } from '../shared/folders.js';
import type { EditResult, FeedEdit, RemovedFeed } from '../contract.js';
import { type FeedRow, toFeed } from '../shared/rows.js';
import { ORPHAN_LINKS } from '../shared/stories.js';

/**
 * removeFeeds deletes feeds in one transaction; the schema's cascades take their items (and the
 * items_fts rows by trigger), labels, corrections, former URLs and pruned keys with them.
 */
export function removeFeeds(db: Db, ids: readonly number[]): RemovedFeed[] {
  const read = prepared(
    db,
    'SELECT id, url, title, (SELECT count(*) FROM items i WHERE i.feed_id = f.id) AS items FROM feeds f WHERE id = ?',
  );
  const del = prepared(db, 'DELETE FROM feeds WHERE id = ?');
  return db
    .transaction(() => {
      const gone: RemovedFeed[] = [];
      for (const id of new Set(ids)) {
        const row = read.get(id) as RemovedFeed | undefined;
        if (!row) continue;
        del.run(id);
        gone.push(row);
      }
      if (gone.some((f) => f.items > 0)) prepared(db, ORPHAN_LINKS).run();
      return gone;
    })
    .immediate();
}

/**
 * editFeed changes a feed's title, folder or URL in one transaction. A new URL that names another
 * subscription (its URL or a former one) is refused and nothing changes; accepted, it is fetched
 * afresh (validators, backoff and a 410's disabling belong to the old one) and the old URL stays
 * the feed's in feed_urls, so importing an old OPML again does not add it twice.
 */
export function editFeed(db: Db, id: number, e: FeedEdit): EditResult {
  return db
    .transaction((): EditResult => {
      if (!prepared(db, 'SELECT 1 FROM feeds WHERE id = ?').get(id)) return { missing: true };
      if (e.url !== undefined) {
        const key = urlKey(e.url);
        const owner = (prepared(db, 'SELECT feed_id AS id FROM feed_urls WHERE url = ?').get(key) ??
          prepared(db, 'SELECT id FROM feeds WHERE url = ?').get(e.url)) as { id: number } | undefined;
        if (owner && owner.id !== id) return { takenBy: owner.id };
        prepared(
          db,
          `UPDATE feeds SET url = ?, host = ?, etag = NULL, last_modified = NULL, next_check_at = NULL, consecutive_errors = 0,
                  disabled_reason = NULL WHERE id = ?`,
        ).run(e.url, feedHost(e.url), id);
        prepared(db, 'INSERT INTO feed_urls (url, feed_id) VALUES (?, ?) ON CONFLICT (url) DO NOTHING').run(key, id);
      }
      if (e.title !== undefined) prepared(db, 'UPDATE feeds SET title = coalesce(?, doc_title) WHERE id = ?').run(e.title, id);
      if (e.category !== undefined) {
        const category = storedPath(pathNames(e.category));
        prepared(db, 'UPDATE feeds SET category = ?, folder_keys = ? WHERE id = ?').run(category, JSON.stringify(folderKeys(category)), id);
      }
      return { feed: toFeed(prepared(db, 'SELECT * FROM feeds WHERE id = ?').get(id) as FeedRow) };
    })
    .immediate();
}

/**
 * setPaused pauses the feeds not paused yet, or resumes the paused and the disabled ones: due at
 * once, error streak and a 410's disabling cleared. It returns the ids it changed.
 */
export function setPaused(db: Db, ids: readonly number[], paused: boolean, now: string): number[] {
  const change = paused
    ? prepared(db, 'UPDATE feeds SET paused_at = ? WHERE id = ? AND paused_at IS NULL')
    : prepared(
        db,
        `UPDATE feeds SET paused_at = NULL, next_check_at = NULL, disabled_reason = NULL, consecutive_errors = 0
         WHERE id = ? AND (paused_at IS NOT NULL OR disabled_reason IS NOT NULL)`,
      );
  return db.transaction(() => [...new Set(ids)].filter((id) => (paused ? change.run(now, id) : change.run(id)).changes > 0)).immediate();
}
