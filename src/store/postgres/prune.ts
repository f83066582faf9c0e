// `inkzee prune` on PostgreSQL, as ../sqlite/prune.ts does it on SQLite: old items go in one
// set-based transaction and their keys stay behind in pruned_keys (read by upsert.ts's plan);
// VACUUM (ANALYZE) on request, since PostgreSQL reuses freed space rather than give it back.
import type pg from 'pg';
import { ORPHAN_LINKS } from '../shared/stories.js';
import type { PruneRequest, PruneResult, Reclaimed } from '../contract.js';
import { pgFault, transaction, type Pg } from './connect.js';

/**
 * MAINTENANCE_TIMEOUT_MS bounds the statements of a prune and a vacuum instead of the store's
 * answer timeout (30 s by default): deleting a million items with their search rows, or vacuuming
 * the tables after, legitimately keeps the server busy for minutes without a word.
 */
const MAINTENANCE_TIMEOUT_MS = 3_600_000;

/** long gives a statement the maintenance timeout (pg reads query_timeout per query; its types do not declare it). */
function long(q: pg.QueryConfig): pg.QueryConfig {
  return Object.assign(q, { query_timeout: MAINTENANCE_TIMEOUT_MS });
}

// Corrections are a user's training data (`classify teach`): an item with one is never pruned.
const KEEP = `starred_at IS NOT NULL OR id IN (SELECT item_id FROM corrections)`;

/** doomed is the condition (over items, unaliased; $1 the cutoff) of the items a request deletes. */
function doomed(r: PruneRequest): string {
  return `first_seen < $1 AND NOT (${KEEP})${r.keepUnread ? ' AND read_at IS NOT NULL' : ''}`;
}

/**
 * pruneItems deletes the items first seen before r.before that are neither starred nor corrected
 * (nor, with keepUnread, unread) and records their keys, in one transaction. The conditions sit
 * in the DELETE itself, so an item starred by another machine while the prune runs is checked
 * again on its new row and kept; the keys come from what the DELETE returned. Search rows and
 * labels go with the items (ON DELETE CASCADE).
 */
export async function pruneItems(db: Pg, r: PruneRequest): Promise<PruneResult> {
  const where = doomed(r);
  return transaction(db, async (c) => {
    const counted = await c.query<Omit<PruneResult, 'freeBytes'> & { unread: number }>(
      long({
        text: `SELECT count(*) FILTER (WHERE ${where}) AS items,
                    count(DISTINCT feed_id) FILTER (WHERE ${where}) AS feeds,
                    count(*) FILTER (WHERE starred_at IS NOT NULL) AS "keptStarred",
                    count(*) FILTER (WHERE starred_at IS NULL AND id IN (SELECT item_id FROM corrections)) AS "keptCorrected",
                    count(*) FILTER (WHERE NOT (${KEEP}) AND read_at IS NULL) AS unread
             FROM items WHERE first_seen < $1`,
        values: [r.before],
      }),
    );
    const { unread, ...result } = counted.rows[0];
    const counts = { ...result, keptUnread: r.keepUnread ? unread : 0, freeBytes: null };
    if (r.dryRun || counts.items === 0) return counts;
    const gone = await c.query<{ items: number; feeds: number }>(
      long({
        text: `WITH gone AS (DELETE FROM items WHERE ${where} RETURNING feed_id, key),
                  kept AS (INSERT INTO pruned_keys (feed_id, key, pruned_at) SELECT feed_id, key, $2 FROM gone
                           ON CONFLICT (feed_id, key) DO UPDATE SET pruned_at = excluded.pruned_at)
             SELECT count(*) AS items, count(DISTINCT feed_id) AS feeds FROM gone`,
        values: [r.before, r.now],
      }),
    );
    await c.query(ORPHAN_LINKS);
    // What really went: another machine may have starred or stored items since the count.
    return { ...counts, ...gone.rows[0] };
  });
}

// The tables a prune shrinks: the items, their search rows and labels, and the keys it leaves behind.
const TABLES = ['items', 'item_search', 'item_labels', 'pruned_keys'];
const SIZE = `SELECT ${TABLES.map((t) => `pg_total_relation_size('${t}')`).join(' + ')} AS n`;

/**
 * reclaimSpace runs VACUUM (ANALYZE) on the tables a prune shrinks, outside any transaction (VACUUM
 * cannot run inside one): their free space becomes reusable at once and the planner learns the
 * new sizes. It gives disk space back to the system only from the tables' ends; VACUUM FULL
 * would give back all of it but locks the tables against every crawler while it rewrites them.
 */
export async function reclaimSpace(db: Pg): Promise<Reclaimed> {
  const size = async () => Number((await db.pool.query<{ n: string | number }>(SIZE)).rows[0].n);
  try {
    const before = await size();
    await db.pool.query(long({ text: `VACUUM (ANALYZE) ${TABLES.join(', ')}` }));
    return { measured: 'tables', before, after: await size() };
  } catch (err) {
    throw pgFault(db, err, 'write');
  }
}
