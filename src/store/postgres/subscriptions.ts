// Changing subscriptions one by one on PostgreSQL (`inkzee remove`, `edit`, `pause`, `resume`);
// the same changes as ../sqlite/subscriptions.ts makes on SQLite.
import { feedHost } from '../../model.js';
import { query, transaction, type Pg } from './connect.js';
import { urlKey } from '../shared/feed-urls.js';
import { folderKeys, pathNames, storedPath } from '../shared/folders.js';
import { lockSubscriptions, noteHosts } from './feeds.js';
import type { EditResult, FeedEdit, RemovedFeed } from '../contract.js';
import { type FeedRow, toFeed } from '../shared/rows.js';
import { ORPHAN_LINKS } from '../shared/stories.js';

/**
 * removeFeeds deletes feeds in one transaction; the schema's cascades take their items (and
 * item_search rows), labels, corrections, former URLs and pruned keys with them. A crawler storing
 * a fetch of one of them holds its row (recordFetch's FOR KEY SHARE): the delete waits for it, then
 * takes what it stored too.
 */
export async function removeFeeds(db: Pg, ids: readonly number[]): Promise<RemovedFeed[]> {
  const wanted = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
  if (wanted.length === 0) return [];
  return transaction(db, async (c) => {
    await lockSubscriptions(c);
    const rows = (
      await c.query<RemovedFeed>(
        `SELECT id, url, title, (SELECT count(*) FROM items i WHERE i.feed_id = f.id)::int8 AS items
         FROM feeds f WHERE id = ANY($1::bigint[]) ORDER BY array_position($1::bigint[], id) FOR UPDATE`,
        [wanted],
      )
    ).rows;
    await c.query('DELETE FROM feeds WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
    if (rows.some((r) => Number(r.items) > 0)) await c.query(ORPHAN_LINKS);
    return rows.map((r) => ({ id: Number(r.id), url: r.url, title: r.title, items: Number(r.items) }));
  });
}

/**
 * editFeed changes a feed's title, folder or URL in one transaction, as ../sqlite/subscriptions.ts's
 * does: a URL another subscription has or had is refused, nothing changed; the old URL stays the
 * feed's in feed_urls.
 */
export async function editFeed(db: Pg, id: number, e: FeedEdit): Promise<EditResult> {
  if (!Number.isSafeInteger(id)) return { missing: true };
  return transaction(db, async (c): Promise<EditResult> => {
    // Taken first by every change to the set of subscribed URLs: an import cannot add this URL meanwhile.
    if (e.url !== undefined) await lockSubscriptions(c);
    if ((await c.query('SELECT 1 FROM feeds WHERE id = $1 FOR UPDATE', [id])).rowCount === 0) return { missing: true };
    if (e.url !== undefined) {
      const key = urlKey(e.url);
      const owner = (
        await c.query<{ id: string | null }>(
          'SELECT coalesce((SELECT feed_id FROM feed_urls WHERE url = $1), (SELECT id FROM feeds WHERE url = $2)) AS id',
          [key, e.url],
        )
      ).rows[0].id;
      if (owner !== null && Number(owner) !== id) return { takenBy: Number(owner) };
      await c.query(
        `UPDATE feeds SET url = $1, host = $2, etag = NULL, last_modified = NULL, next_check_at = NULL, consecutive_errors = 0,
                disabled_reason = NULL WHERE id = $3`,
        [e.url, feedHost(e.url), id],
      );
      await c.query('INSERT INTO feed_urls (url, feed_id) VALUES ($1, $2) ON CONFLICT (url) DO NOTHING', [key, id]);
      await noteHosts(c, [feedHost(e.url)]);
    }
    if (e.title !== undefined) await c.query('UPDATE feeds SET title = coalesce($1, doc_title) WHERE id = $2', [e.title, id]);
    if (e.category !== undefined) {
      const category = storedPath(pathNames(e.category));
      await c.query('UPDATE feeds SET category = $1, folder_keys = $2::text[] WHERE id = $3', [category, folderKeys(category), id]);
    }
    return { feed: toFeed((await c.query<FeedRow>('SELECT * FROM feeds WHERE id = $1', [id])).rows[0]) };
  });
}

/**
 * setPaused pauses the feeds not paused yet, or resumes the paused and the disabled ones: due at
 * once, error streak and a 410's disabling cleared. It returns the ids it changed, in the order given.
 */
export async function setPaused(db: Pg, ids: readonly number[], paused: boolean, now: string): Promise<number[]> {
  const wanted = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
  if (wanted.length === 0) return [];
  const rows = await query<{ id: string }>(
    db,
    paused
      ? 'UPDATE feeds SET paused_at = $2 WHERE id = ANY($1::bigint[]) AND paused_at IS NULL RETURNING id'
      : `UPDATE feeds SET paused_at = NULL, next_check_at = NULL, disabled_reason = NULL, consecutive_errors = 0
         WHERE id = ANY($1::bigint[]) AND (paused_at IS NOT NULL OR disabled_reason IS NOT NULL) RETURNING id`,
    paused ? [wanted, now] : [wanted],
    'write',
  );
  const changed = new Set(rows.map((r) => Number(r.id)));
  return wanted.filter((id) => changed.has(id));
}
