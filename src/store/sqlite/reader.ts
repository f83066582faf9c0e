// What the reader API asks of SQLite beyond item listings (../postgres/reader.ts is the
// counterpart): unread totals per feed and per topic, and the topics of listed items.
import type { Feed } from '../../model.js';
import { prepared, type Db } from './connect.js';
import type { UnreadTotals } from '../contract.js';
import { type FeedRow, toFeed } from '../shared/rows.js';
import { folderMoveKey, movedPath } from '../shared/folder-moves.js';
import { folderKeys } from '../shared/folders.js';

/** unreadTotals counts unread items per feed and per label of a model, each with its newest first-seen time (the reader API's timestampUsec). */
export function unreadTotals(db: Db, model: string): UnreadTotals {
  // One snapshot for both counts, so feeds and topics add up to the same unread items.
  return db.transaction((): UnreadTotals => {
    // Counted in the partial index items_feed_unread alone (feed_id, and the id every index holds):
    // a feed's newest is its last stored unread item's first-seen time, one lookup per feed, not a read of every unread row.
    const feeds = db
      .prepare(
        `SELECT u.feedId, u.unread, i.first_seen AS newest
           FROM (SELECT feed_id AS feedId, count(*) AS unread, max(id) AS last FROM items WHERE read_at IS NULL GROUP BY feed_id) u
           JOIN items i ON i.id = u.last ORDER BY u.feedId`,
      )
      .all() as UnreadTotals['feeds'];
    const labels = db
      .prepare(
        `SELECT l.label, count(*) AS unread, max(i.first_seen) AS newest FROM item_labels l JOIN items i ON i.id = l.item_id
          WHERE l.model = ? AND i.read_at IS NULL GROUP BY l.label ORDER BY l.label`,
      )
      .all(model) as UnreadTotals['labels'];
    return { feeds, labels };
  })();
}

/** labelsOf maps the given item ids to the label the model gave each (unlabelled ids left out). */
export function labelsOf(db: Db, model: string, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare('SELECT item_id AS id, label FROM item_labels WHERE model = ? AND item_id IN (SELECT value FROM json_each(?))')
    .all(model, JSON.stringify(ids.filter(Number.isSafeInteger))) as { id: number; label: string }[];
  return new Map(rows.map((r) => [r.id, r.label]));
}

/** feedsById reads the feeds of the given ids (unknown ids left out), without state or counts. */
export function feedsById(db: Db, ids: readonly number[]): Feed[] {
  if (ids.length === 0) return [];
  // One statement for any number of ids (one bound JSON array), prepared once: it runs on every page.
  const rows = prepared(db, 'SELECT * FROM feeds WHERE id IN (SELECT value FROM json_each(?))').all(
    JSON.stringify(ids.filter(Number.isSafeInteger)),
  ) as FeedRow[];
  return rows.map(toFeed);
}

/** dataVersion is a token that changes whenever a write commits: PRAGMA data_version for other connections' commits, total_changes() for this one's. */
export function dataVersion(db: Db): string {
  // data_version stays the same for the connection's own commits (sqlite.org/pragma.html#pragma_data_version):
  // total_changes() counts those (every row an INSERT, UPDATE or DELETE of this connection changed).
  const r = prepared(db, 'SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS n').get() as {
    v: number;
    n: number;
  };
  return `${r.v}.${r.n}`;
}

/** moveFolder renames a folder (and the folders below it) or dissolves it (to null), in one transaction; it returns the feeds moved. */
export function moveFolder(db: Db, from: string, to: string | null): number {
  const key = folderMoveKey(from);
  if (key === '') return 0;
  return db
    .transaction((): number => {
      const feeds = db
        .prepare('SELECT id, category FROM feeds WHERE EXISTS (SELECT 1 FROM json_each(folder_keys) k WHERE k.value = ?)')
        .all(key) as { id: number; category: string }[];
      const update = db.prepare('UPDATE feeds SET category = ?, folder_keys = ? WHERE id = ?');
      let moved = 0;
      for (const f of feeds) {
        const category = movedPath(f.category, from, to);
        if (category === undefined) continue;
        update.run(category, JSON.stringify(folderKeys(category)), f.id);
        moved++;
      }
      return moved;
    })
    .immediate();
}
