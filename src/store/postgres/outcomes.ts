// What a crawl writes onto a feed on PostgreSQL: a fetch's items, its move and its new state in
// one transaction, or a failure — the same updates as ../outcomes.ts makes on SQLite.
import type pg from 'pg';
import type { FetchRecord, FetchStored } from '../contract.js';
import type { FetchState } from '../outcomes.js';
import { pgFault, query, transaction, type Pg } from './connect.js';
import { feedHost } from '../../model.js';
import { noteHosts } from './feeds.js';
import { applyUpsert, planUpsert } from './upsert.js';

/**
 * recordSuccess clears the error streak and saves validators. After a parse it also writes the
 * document's own metadata as it is now, and fills the title and site link only where the OPML
 * gave none: the name the user chose stays theirs.
 */
async function recordSuccess(c: Pick<pg.PoolClient, 'query'>, feedId: number, s: FetchState, now: string): Promise<void> {
  const m = s.meta;
  await c.query({ name: 'inkzee-feed-success', text: `UPDATE feeds SET last_status = $1, etag = $2, last_modified = $3, last_fetched_at = $4,
                   consecutive_errors = 0, last_error = $5, next_check_at = $6, disabled_reason = NULL, title = coalesce(title, $7),
                   site_url = coalesce(site_url, $8), doc_title = CASE WHEN $9 THEN $10 ELSE doc_title END,
                   description = CASE WHEN $9 THEN $11 ELSE description END, language = CASE WHEN $9 THEN $12 ELSE language END,
                   image_url = CASE WHEN $9 THEN $13 ELSE image_url END
                 WHERE id = $14`,
  values: [s.status, s.etag ?? null, s.lastModified ?? null, now, s.error, s.nextCheckAt, s.title ?? null, s.siteUrl ?? null, m !== undefined,
    m?.title ?? null, m?.description ?? null, m?.language ?? null, m?.imageUrl ?? null, feedId] });
}

/**
 * moveFeed points a subscription at its new URL (and host) after a permanent redirect or
 * autodiscovery; if another subscription has that URL, even one stored a moment ago by another
 * process, the feed stays where it is and false is returned.
 */
async function moveFeed(c: pg.PoolClient, feedId: number, url: string): Promise<boolean> {
  const taken = await c.query('SELECT 1 FROM feeds WHERE url = $1 AND id <> $2', [url, feedId]);
  if (taken.rowCount) return false;
  await c.query('SAVEPOINT move');
  try {
    await c.query('UPDATE feeds SET url = $1, host = $2 WHERE id = $3', [url, feedHost(url), feedId]);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err; // unique_violation: taken meanwhile
    await c.query('ROLLBACK TO SAVEPOINT move');
    return false;
  }
  await c.query('RELEASE SAVEPOINT move');
  await noteHosts(c, [feedHost(url)]);
  return true;
}

/**
 * recordFetch stores a fetched feed's items, its move and its new state, in one transaction. The
 * stored items are compared first, outside it: most fetches change nothing (a 304, or the same
 * items again), and then one UPDATE of the feed is all there is to write. A feed is crawled by one
 * crawler at a time (its host's lease), so the rows compared are still those stored; should two
 * store it at once (one past its lease), only the rows really inserted count as added.
 */
export async function recordFetch(db: Pg, feedId: number, r: FetchRecord, now: string): Promise<FetchStored> {
  let plan;
  try {
    plan = r.items?.length ? await planUpsert(db.pool, feedId, r.items, now, r.texts) : undefined;
  } catch (err) {
    throw pgFault(db, err, 'read');
  }
  const counts = { added: plan?.added ?? 0, updated: plan?.updated ?? 0 };
  if (!plan?.writes.length && !r.movedTo) {
    try {
      await recordSuccess(db.pool, feedId, r.state, now);
    } catch (err) {
      throw pgFault(db, err, 'write');
    }
    return { ...counts, movedTo: null };
  }
  return transaction(db, async (c) => {
    const done = plan ? await applyUpsert(c, feedId, plan) : counts;
    const movedTo = r.movedTo && (await moveFeed(c, feedId, r.movedTo)) ? r.movedTo : null;
    await recordSuccess(c, feedId, r.state, now);
    return { ...done, movedTo };
  });
}

/** recordFailure extends the error streak, keeps validators, and may disable the feed (410 Gone). */
export async function recordFailure(db: Pg, feedId: number, s: FetchState, now: string): Promise<void> {
  await query(db, `UPDATE feeds SET last_status = $1, last_fetched_at = $2, consecutive_errors = consecutive_errors + 1,
                     last_error = $3, next_check_at = $4, disabled_reason = coalesce($5, disabled_reason) WHERE id = $6`,
  [s.status, now, s.error, s.nextCheckAt, s.disabledReason ?? null, feedId], 'write');
}
