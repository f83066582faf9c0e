// What the reader API asks of PostgreSQL beyond item listings (../sqlite/reader.ts is the
// counterpart): unread totals per feed and per topic, and the topics of listed items.
import type { Feed } from '../../model.js';
import { pgFault, query, transaction, type Pg } from './connect.js';
import type { UnreadTotals } from '../contract.js';
import { type FeedRow, toFeed } from '../shared/rows.js';
import { folderMoveKey, movedPath } from '../shared/folder-moves.js';
import { folderKeys } from '../shared/folders.js';

/** unreadTotals counts unread items per feed and per label of a model, each with its newest first-seen time (the reader API's timestampUsec). */
export async function unreadTotals(db: Pg, model: string): Promise<UnreadTotals> {
  // One snapshot for both counts (REPEATABLE READ), so feeds and topics add up to the same unread items.
  return transaction(db, async (c) => {
    await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const feeds = await c.query<{ feedId: string; unread: string; newest: string }>(
      `SELECT u."feedId", u.unread, i.first_seen AS newest
         FROM (SELECT feed_id AS "feedId", count(*) AS unread, max(id) AS last FROM items WHERE read_at IS NULL GROUP BY feed_id) u
         JOIN items i ON i.id = u.last ORDER BY u."feedId"`,
    );
    const labels = await c.query<{ label: string; unread: string; newest: string }>(
      `SELECT l.label, count(*) AS unread, max(i.first_seen) AS newest FROM item_labels l JOIN items i ON i.id = l.item_id
        WHERE l.model = $1 AND i.read_at IS NULL GROUP BY l.label ORDER BY l.label COLLATE "C"`,
      [model],
    );
    return {
      feeds: feeds.rows.map((r) => ({ feedId: Number(r.feedId), unread: Number(r.unread), newest: r.newest })),
      labels: labels.rows.map((r) => ({ label: r.label, unread: Number(r.unread), newest: r.newest })),
    };
  });
}

/** labelsOf maps the given item ids to the label the model gave each (unlabelled ids left out). */
export async function labelsOf(db: Pg, model: string, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await query<{ id: string | number; label: string }>(
    db,
    'SELECT item_id AS id, label FROM item_labels WHERE model = $1 AND item_id = ANY($2::bigint[])',
    [model, ids.filter(Number.isSafeInteger)],
  );
  return new Map(rows.map((r) => [Number(r.id), r.label]));
}

/** feedsById reads the feeds of the given ids (unknown ids left out), without state or counts. */
export async function feedsById(db: Pg, ids: readonly number[]): Promise<Feed[]> {
  if (ids.length === 0) return [];
  const rows = await query<FeedRow>(db, 'SELECT * FROM feeds WHERE id = ANY($1::bigint[])', [ids.filter(Number.isSafeInteger)]);
  return rows.map(toFeed);
}

/**
 * dataVersion is the current snapshot as text (xmin:xmax:in-progress ids): a writing transaction
 * gets an id when it first writes, which moves xmax or joins the in-progress list, and leaves the
 * list when it ends, so any commit, of any connection, changes it (read-only ones have no id).
 */
export async function dataVersion(db: Pg): Promise<string> {
  try {
    // A named statement: parsed once per connection, as it runs before every cached answer.
    const r = await db.pool.query<{ v: string }>({ name: 'inkzee-data-version', text: 'SELECT pg_current_snapshot()::text AS v' });
    return r.rows[0].v;
  } catch (err) {
    throw pgFault(db, err, 'read');
  }
}

/** moveFolder renames a folder (and the folders below it) or dissolves it (to null), in one transaction; it returns the feeds moved. */
export async function moveFolder(db: Pg, from: string, to: string | null): Promise<number> {
  const key = folderMoveKey(from);
  if (key === '') return 0;
  return transaction(db, async (c) => {
    const feeds = await c.query<{ id: string; category: string }>(
      'SELECT id, category FROM feeds WHERE folder_keys @> ARRAY[$1::text] ORDER BY id FOR UPDATE',
      [key],
    );
    let moved = 0;
    for (const f of feeds.rows) {
      const category = movedPath(f.category, from, to);
      if (category === undefined) continue;
      await c.query('UPDATE feeds SET category = $1, folder_keys = $2::text[] WHERE id = $3', [category, folderKeys(category), f.id]);
      moved++;
    }
    return moved;
  });
}
