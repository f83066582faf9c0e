// What a crawl writes onto a feed on PostgreSQL: a fetch's items, its move and its new state in
// one transaction, or a failure — the same updates as ../sqlite/outcomes.ts makes on SQLite.
import type pg from 'pg';
import type { FetchRecord, FetchStored } from '../contract.js';
import { pgFault, query, retryingTransaction, type Pg } from './connect.js';
import { feedHost } from '../../model.js';
import { urlKey, type MoveResult } from '../shared/feed-urls.js';
import { lockSubscriptions, noteHosts } from './feeds.js';
import { applyUpsert, planUpsert } from './upsert.js';
import type { FetchState } from '../contract.js';

/**
 * recordSuccess clears the error streak and saves validators. After a parse it also writes the
 * document's own metadata as it is now, and fills the title and site link only where the OPML
 * gave none: the name the user chose stays theirs.
 */
async function recordSuccess(c: Pick<pg.PoolClient, 'query'>, feedId: number, s: FetchState, now: string): Promise<void> {
  const m = s.meta;
  await c.query({
    name: 'inkzee-feed-success',
    text: `UPDATE feeds SET last_status = $1, etag = $2, last_modified = $3, last_fetched_at = $4,
                   consecutive_errors = 0, last_error = $5, next_check_at = $6, disabled_reason = NULL, title = coalesce(title, $7),
                   site_url = coalesce(site_url, $8), doc_title = CASE WHEN $9 THEN $10 ELSE doc_title END,
                   description = CASE WHEN $9 THEN $11 ELSE description END, language = CASE WHEN $9 THEN $12 ELSE language END,
                   image_url = CASE WHEN $9 THEN $13 ELSE image_url END
                 WHERE id = $14`,
    values: [
      s.status,
      s.etag ?? null,
      s.lastModified ?? null,
      now,
      s.error,
      s.nextCheckAt,
      s.title ?? null,
      s.siteUrl ?? null,
      m !== undefined,
      m?.title ?? null,
      m?.description ?? null,
      m?.language ?? null,
      m?.imageUrl ?? null,
      feedId,
    ],
  });
}

/**
 * moveFeed points a subscription at its new URL (and host) after a permanent redirect or
 * autodiscovery, and remembers the URL as one of its own. If another subscription already has it
 * (as its URL or a former one), the two are one feed: this one is merged into that one, as
 * ../sqlite/outcomes.ts's moveFeed does. Changes to the set of subscribed URLs take SUBSCRIPTIONS_LOCK
 * first, so a move and an import never see each other half done.
 */
async function moveFeed(c: pg.PoolClient, feedId: number, url: string): Promise<MoveResult> {
  await lockSubscriptions(c);
  const key = urlKey(url);
  const owner = (
    await c.query<{ id: string }>(
      `SELECT coalesce((SELECT feed_id FROM feed_urls WHERE url = $1),
                                                  (SELECT id FROM feeds WHERE url = $2)) AS id`,
      [key, url],
    )
  ).rows[0].id;
  if (owner !== null && Number(owner) !== feedId) {
    await mergeFeed(c, feedId, Number(owner));
    return { movedTo: url, mergedInto: Number(owner) };
  }
  await c.query('UPDATE feeds SET url = $1, host = $2 WHERE id = $3', [url, feedHost(url), feedId]);
  await c.query('INSERT INTO feed_urls (url, feed_id) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET feed_id = excluded.feed_id', [
    key,
    feedId,
  ]);
  await noteHosts(c, [feedHost(url)]);
  return { movedTo: url, mergedInto: null };
}

/**
 * mergeFeed folds subscription `from` into `into`, which keeps its own folder, title and state:
 * from's items move over unless into already has one with the same key (that copy is dropped with
 * from's row, labels and all), and from's former URLs and pruned keys now name into. Should another
 * crawler store one of those keys for into at the same moment, this transaction fails on the unique
 * key and the whole fetch is stored again, merge included, the next time the feed is crawled.
 */
async function mergeFeed(c: pg.PoolClient, from: number, into: number): Promise<void> {
  await c.query(
    `UPDATE items AS i SET feed_id = $1 WHERE i.feed_id = $2
                 AND NOT EXISTS (SELECT 1 FROM items j WHERE j.feed_id = $1 AND j.key = i.key)`,
    [into, from],
  );
  await c.query('UPDATE feed_urls SET feed_id = $1 WHERE feed_id = $2', [into, from]);
  // Items pruned from either stay pruned: the merged feed still lists them (from's rows go with it).
  await c.query(
    `INSERT INTO pruned_keys (feed_id, key, pruned_at) SELECT $1, key, pruned_at FROM pruned_keys WHERE feed_id = $2
                 ON CONFLICT (feed_id, key) DO NOTHING`,
    [into, from],
  );
  await c.query('DELETE FROM feeds WHERE id = $1', [from]);
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
    return { ...counts, movedTo: null, mergedInto: null, newIds: [] };
  }
  // Run again if PostgreSQL ends it for a deadlock: filing a copy of a story writes the first copy's
  // row, in another feed, which another crawler's transaction may hold (shared/stories.ts).
  return retryingTransaction(db, async (c) => {
    // The move's subscriptions lock first, before this transaction holds any row (removeFeeds takes them in that order).
    if (r.movedTo) await lockSubscriptions(c);
    // A feed removed while its fetch was under way (`inkzee remove` beside a crawl): the late result
    // is dropped. Held, the row cannot be removed until this transaction ends (its removal then takes these items too).
    if ((await c.query('SELECT 1 FROM feeds WHERE id = $1 FOR KEY SHARE', [feedId])).rowCount === 0)
      return { added: 0, updated: 0, movedTo: null, mergedInto: null, newIds: [] };
    // The move first: it takes the subscriptions lock before this transaction holds any item row.
    const move = r.movedTo ? await moveFeed(c, feedId, r.movedTo) : { movedTo: null, mergedInto: null };
    // Merged, the items are the joined feed's, compared (again, inside the transaction) with what it
    // now holds; it keeps its own state.
    const target = move.mergedInto ?? feedId;
    const stored = target === feedId ? plan : r.items?.length ? await planUpsert(c, target, r.items, now, r.texts) : undefined;
    // Only the rows really inserted count as added (another crawler may store the same items at once).
    const newIds: number[] = [];
    const done = stored ? await applyUpsert(c, target, stored, newIds) : { added: 0, updated: 0 };
    if (move.mergedInto === null) await recordSuccess(c, feedId, r.state, now);
    return { added: done.added, updated: done.updated, ...move, newIds };
  });
}

/** recordFailure extends the error streak, keeps validators, and may disable the feed (410 Gone). */
export async function recordFailure(db: Pg, feedId: number, s: FetchState, now: string): Promise<void> {
  await query(
    db,
    `UPDATE feeds SET last_status = $1, last_fetched_at = $2, consecutive_errors = consecutive_errors + 1,
                     last_error = $3, next_check_at = $4, disabled_reason = coalesce($5, disabled_reason) WHERE id = $6`,
    [s.status, now, s.error, s.nextCheckAt, s.disabledReason ?? null, feedId],
    'write',
  );
}
