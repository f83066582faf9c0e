// `inkzee prune` on SQLite (its counterpart is ../postgres/prune.ts): old items go in one
// set-based transaction, their keys stay behind in pruned_keys so that upsert.ts does not store
// them again while their feed still lists them, and VACUUM gives the freed pages back on request.
import fs from 'node:fs';
import type { Db } from './connect.js';
import type { PruneRequest, PruneResult, Reclaimed } from '../contract.js';
import { ORPHAN_LINKS } from '../shared/stories.js';

// Corrections are a user's training data (`classify teach`): an item with one is never pruned.
const KEEP = `starred_at IS NOT NULL OR id IN (SELECT item_id FROM corrections)`;

/** doomed is the condition (over items, unaliased) of the items a request deletes. */
function doomed(r: PruneRequest): string {
  return `first_seen < @before AND NOT (${KEEP})${r.keepUnread ? ' AND read_at IS NOT NULL' : ''}`;
}

type Counts = Omit<PruneResult, 'freeBytes'>;

/**
 * pruneItems deletes the items first seen before r.before that are neither starred nor
 * corrected (nor, with keepUnread, unread), after recording their keys, in one IMMEDIATE
 * transaction: a crawl writing at the same time sees either all of it or none. The search rows
 * (items_fts, by trigger) and labels (ON DELETE CASCADE) go with the items.
 */
export function pruneItems(db: Db, r: PruneRequest): PruneResult {
  const where = doomed(r);
  const params = { before: r.before, now: r.now };
  const counts = db.transaction((): Counts => {
    // One pass over the items old enough; first_seen has no index, and a prune is rare enough not to need one.
    const c = db
      .prepare(
        `SELECT count(*) FILTER (WHERE ${where}) AS items,
                count(DISTINCT feed_id) FILTER (WHERE ${where}) AS feeds,
                count(*) FILTER (WHERE starred_at IS NOT NULL) AS keptStarred,
                count(*) FILTER (WHERE starred_at IS NULL AND id IN (SELECT item_id FROM corrections)) AS keptCorrected,
                count(*) FILTER (WHERE NOT (${KEEP}) AND read_at IS NULL) AS unread
         FROM items WHERE first_seen < @before`,
      )
      .get(params) as Counts & { unread: number };
    const { unread, ...result } = c;
    result.keptUnread = r.keepUnread ? unread : 0;
    if (r.dryRun || result.items === 0) return result;
    // The keys first, while the rows are there; a key pruned before (a merged feed's) keeps one row.
    db.prepare(
      `INSERT INTO pruned_keys (feed_id, key, pruned_at) SELECT feed_id, key, @now FROM items WHERE ${where}
       ON CONFLICT (feed_id, key) DO UPDATE SET pruned_at = excluded.pruned_at`,
    ).run(params);
    db.prepare(`DELETE FROM items WHERE ${where}`).run({ before: r.before });
    db.prepare(ORPHAN_LINKS).run();
    return result;
  })();
  return { ...counts, freeBytes: freeBytes(db) };
}

/** freeBytes is what the file could give back: its free pages (PRAGMA freelist_count) times the page size. */
function freeBytes(db: Db): number {
  return (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
}

/** fileBytes is the database's size on disk, its write-ahead log included. */
function fileBytes(file: string): number {
  let n = 0;
  for (const p of [file, `${file}-wal`])
    try {
      n += fs.statSync(p).size;
    } catch {
      // no such file (an in-memory store, or no WAL at the moment)
    }
  return n;
}

/**
 * reclaimSpace merges the full-text index's segments (an FTS5 'optimize', which drops the
 * entries of deleted items for good), rewrites the file without its free pages (VACUUM), and
 * checkpoints the WAL into it and truncates it, so the file shrinks on disk at once.
 */
export function reclaimSpace(db: Db, file: string): Reclaimed {
  const before = fileBytes(file);
  db.prepare(`INSERT INTO items_fts (items_fts) VALUES ('optimize')`).run();
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { measured: 'file', before, after: fileBytes(file) };
}
