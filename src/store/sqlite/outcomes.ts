import { feedHost, type Feed } from '../../model.js';
import { prepared, type Db } from './connect.js';
import { urlKey, type MoveResult } from '../shared/feed-urls.js';
import type { DueFilter, FetchState } from '../contract.js';
import { toFeed } from '../shared/rows.js';

/**
 * recordSuccess clears the error streak and saves validators. After a parse it also writes the
 * document's own metadata as it is now, and fills the title and site link only where the OPML
 * gave none: the name the user chose stays theirs.
 */
export function recordSuccess(db: Db, feedId: number, s: FetchState, now: string): void {
  const { meta: m, ...state } = s;
  prepared(
    db,
    `UPDATE feeds SET last_status = @status, etag = @etag, last_modified = @lastModified, last_fetched_at = @now,
              consecutive_errors = 0, last_error = @error, next_check_at = @nextCheckAt, disabled_reason = NULL,
              title = coalesce(title, @title), site_url = coalesce(site_url, @siteUrl),
              doc_title = iif(@parsed, @docTitle, doc_title), description = iif(@parsed, @description, description),
              language = iif(@parsed, @language, language), image_url = iif(@parsed, @imageUrl, image_url) WHERE id = @feedId`,
  ).run({
    etag: null,
    lastModified: null,
    title: null,
    siteUrl: null,
    ...state,
    now,
    feedId,
    parsed: m ? 1 : 0,
    docTitle: m?.title ?? null,
    description: m?.description ?? null,
    language: m?.language ?? null,
    imageUrl: m?.imageUrl ?? null,
  });
}

/** recordFailure extends the error streak, keeps validators, and may disable the feed (410 Gone). */
export function recordFailure(db: Db, feedId: number, s: FetchState, now: string): void {
  prepared(
    db,
    `UPDATE feeds SET last_status = @status, last_fetched_at = @now, consecutive_errors = consecutive_errors + 1,
              last_error = @error, next_check_at = @nextCheckAt, disabled_reason = coalesce(@disabledReason, disabled_reason)
              WHERE id = @feedId`,
  ).run({ disabledReason: null, ...s, now, feedId });
}

/**
 * moveFeed points a subscription at its new URL after a permanent redirect or autodiscovery, and
 * remembers the URL as one of its own. If another subscription already has that URL (as its URL
 * or a former one), the two are one feed: this one is merged into it (see mergeFeed).
 */
export function moveFeed(db: Db, feedId: number, url: string): MoveResult {
  const key = urlKey(url);
  const owner = (prepared(db, 'SELECT feed_id AS id FROM feed_urls WHERE url = ?').get(key) ??
    prepared(db, 'SELECT id FROM feeds WHERE url = ?').get(url)) as { id: number } | undefined;
  if (owner && owner.id !== feedId) {
    mergeFeed(db, feedId, owner.id);
    return { movedTo: url, mergedInto: owner.id };
  }
  prepared(db, 'UPDATE feeds SET url = ?, host = ? WHERE id = ?').run(url, feedHost(url), feedId);
  prepared(db, 'INSERT INTO feed_urls (url, feed_id) VALUES (?, ?) ON CONFLICT (url) DO UPDATE SET feed_id = excluded.feed_id').run(
    key,
    feedId,
  );
  return { movedTo: url, mergedInto: null };
}

/**
 * mergeFeed folds subscription `from` into `into`, which keeps its own folder, title and state:
 * from's items move over unless into already has one with the same key (that copy is dropped with
 * from's row, labels and all), and from's former URLs and pruned keys now name into. Run inside the caller's transaction.
 */
export function mergeFeed(db: Db, from: number, into: number): void {
  // OR IGNORE skips exactly the rows that would break UNIQUE(feed_id, key): the duplicates.
  prepared(db, 'UPDATE OR IGNORE items SET feed_id = ? WHERE feed_id = ?').run(into, from);
  prepared(db, 'UPDATE feed_urls SET feed_id = ? WHERE feed_id = ?').run(into, from);
  // Items pruned from either stay pruned: the merged feed still lists them.
  prepared(db, 'UPDATE OR IGNORE pruned_keys SET feed_id = ? WHERE feed_id = ?').run(into, from);
  prepared(db, 'DELETE FROM feeds WHERE id = ?').run(from);
}

/** dueWhere is the WHERE clause (over feeds, unaliased) and parameters of a DueFilter. */
export function dueWhere(f: DueFilter): { sql: string; params: Record<string, unknown> } {
  // A paused feed is never due: not with force, not when named, not to a worker.
  const where: string[] = ['paused_at IS NULL'];
  const params: Record<string, unknown> = { now: f.now };
  if (f.ids) {
    where.push(`id IN (SELECT value FROM json_each(@ids))`);
    params.ids = JSON.stringify(f.ids);
  }
  if (!f.includeDisabled) where.push('disabled_reason IS NULL');
  if (!f.force) where.push('(next_check_at IS NULL OR next_check_at <= @now)');
  if (f.checkedBefore !== undefined) {
    where.push('(last_fetched_at IS NULL OR last_fetched_at < @checkedBefore)');
    params.checkedBefore = f.checkedBefore;
  }
  return { sql: `WHERE ${where.join(' AND ')}`, params };
}

/**
 * dueFeeds lists feeds to crawl in subscription order: those whose next check has come (or was
 * never set), all of them with force; disabled feeds only with includeDisabled; paused feeds never.
 */
export function dueFeeds(db: Db, f: DueFilter): Feed[] {
  const w = dueWhere(f);
  const rows = db.prepare(`SELECT * FROM feeds ${w.sql} ORDER BY id`).all(w.params);
  return (rows as Parameters<typeof toFeed>[0][]).map(toFeed);
}

/** countDue counts the feeds dueFeeds would list. */
export function countDue(db: Db, f: DueFilter): number {
  const w = dueWhere(f);
  return (db.prepare(`SELECT count(*) AS n FROM feeds ${w.sql}`).get(w.params) as { n: number }).n;
}
