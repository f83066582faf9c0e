// Subscriptions on PostgreSQL: adding them, listing them, and picking the due ones — the same
// rows in the same order as ../sqlite/feeds.ts and ../sqlite/outcomes.ts give on SQLite.
import type pg from 'pg';
import { feedHost, type Feed, type Subscription } from '../../model.js';
import { query, transaction, type Pg } from './connect.js';
import { urlKey } from '../shared/feed-urls.js';
import { folderKeys } from '../shared/folders.js';
import { categoryWhere, feedWhere, Params } from './item-where.js';
import type { AddResult, DueFilter, FeedFilter, FeedListing, FeedState } from '../contract.js';
import { FEED_STATE_SQL, type FeedRow, subscriptionPath, toFeed, UNREAD_COUNT_SQL } from '../shared/rows.js';

/** noteHosts makes sure every host has its row in hosts, which claims lock. */
export async function noteHosts(c: pg.PoolClient, hosts: readonly string[]): Promise<void> {
  if (hosts.length) await c.query('INSERT INTO hosts (host) SELECT DISTINCT unnest($1::text[]) ON CONFLICT (host) DO NOTHING', [hosts]);
}

// Any fixed number, apart from the migration lock's: held by each change to the set of subscribed URLs.
const SUBSCRIPTIONS_LOCK = 0x1a2b3d;

/**
 * lockSubscriptions takes, until the transaction ends, the one lock every import and every move of
 * a subscription holds: two imports inserting overlapping lists in different orders each waited
 * for the other's uncommitted index entries (deadlock, SQLSTATE 40P01); one lock taken first
 * orders them. Imports are rare and short, so serialising them costs nothing.
 */
export async function lockSubscriptions(c: Pick<pg.PoolClient, 'query'>): Promise<void> {
  await c.query('SELECT pg_advisory_xact_lock($1)', [SUBSCRIPTIONS_LOCK]);
}

/**
 * addSubscriptions stores the subscriptions that are not in the database yet, all in one
 * transaction; a URL already stored is left exactly as it is (its folder and state included), and
 * so is a URL a subscription had before a redirect moved it (feed_urls).
 */
export async function addSubscriptions(db: Pg, subs: readonly Subscription[], now: string): Promise<AddResult> {
  if (subs.length === 0) return { added: [], present: 0 };
  // A URL twice in the list is stored once: SQLite's loop finds it present the second time.
  const seen = new Set<string>();
  const fresh = subs.filter((s) => !seen.has(urlKey(s.url)) && seen.add(urlKey(s.url)));
  const paths = fresh.map(subscriptionPath);
  return transaction(db, async (c) => {
    await lockSubscriptions(c);
    // One statement for the whole list, inserted in the list's order so that ids follow it.
    const rows = (
      await c.query<FeedRow & { host: string }>(
        `INSERT INTO feeds (url, title, site_url, category, folder_keys, added_at, host)
       SELECT u.url, u.title, u.site_url, u.category, ARRAY(SELECT jsonb_array_elements_text(u.keys)), $5, u.host
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[], $7::text[], $8::jsonb[])
         WITH ORDINALITY AS u(url, title, site_url, category, host, key, keys, n)
       WHERE NOT EXISTS (SELECT 1 FROM feed_urls a WHERE a.url = u.key)
       ORDER BY u.n
       ON CONFLICT (url) DO NOTHING RETURNING *`,
        [
          fresh.map((s) => s.url),
          fresh.map((s) => s.title),
          fresh.map((s) => s.siteUrl),
          paths,
          now,
          fresh.map((s) => feedHost(s.url)),
          fresh.map((s) => urlKey(s.url)),
          paths.map((c) => JSON.stringify(folderKeys(c))),
        ],
      )
    ).rows;
    await c.query('INSERT INTO feed_urls (url, feed_id) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (url) DO NOTHING', [
      rows.map((r) => urlKey(r.url)),
      rows.map((r) => r.id),
    ]);
    await noteHosts(
      c,
      rows.map((r) => r.host),
    );
    // RETURNING gives no order guarantee; ids follow the list's order.
    rows.sort((a, b) => a.id - b.id);
    return { added: rows.map(toFeed), present: subs.length - rows.length };
  });
}

/** listFeeds returns stored feeds, with their item counts, ordered by category then title (ASCII case folded). */
export async function listFeeds(db: Pg, filter: FeedFilter = {}): Promise<FeedListing[]> {
  const p = new Params();
  const where: string[] = [];
  if (filter.category !== undefined) where.push(categoryWhere('f', filter.category, p));
  if (filter.feed !== undefined) where.push(feedWhere({ id: 'id', url: 'url' }, filter.feed, p));
  if (filter.failing) where.push('(consecutive_errors > 0 OR disabled_reason IS NOT NULL)');
  const counts =
    filter.counts === false
      ? '0 AS item_count, 0 AS unread_count'
      : `(SELECT count(*) FROM items i WHERE i.feed_id = f.id) AS item_count, ${UNREAD_COUNT_SQL} AS unread_count`;
  // SQLite's NOCASE folds ASCII only, as lower() does under the C collation; its NULLs sort first.
  const rows = await query<FeedRow & { state: FeedState; item_count: number; unread_count: number }>(
    db,
    `SELECT f.*, ${FEED_STATE_SQL} AS state, ${counts} FROM feeds f
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY category, lower(title) NULLS FIRST, id`,
    p.values,
  );
  return rows.map((r) => ({ ...toFeed(r), state: r.state, itemCount: r.item_count, unreadCount: r.unread_count }));
}

/** dueWhere is dueFeeds' condition over feeds (aliased f), binding its values into p. */
export function dueWhere(f: DueFilter, p: Params): string {
  // A paused feed is never due: not with force, not when named, not to a worker.
  const where: string[] = ['f.paused_at IS NULL'];
  if (f.ids) where.push(`f.id = ANY(${p.add(f.ids.filter((id) => Number.isSafeInteger(id)))}::bigint[])`);
  if (!f.includeDisabled) where.push('f.disabled_reason IS NULL');
  if (!f.force) where.push(`(f.next_check_at IS NULL OR f.next_check_at <= ${p.add(f.now)})`);
  if (f.checkedBefore !== undefined) where.push(`(f.last_fetched_at IS NULL OR f.last_fetched_at < ${p.add(f.checkedBefore)})`);
  return where.join(' AND ');
}

/**
 * dueFeeds lists feeds to crawl in subscription order: those whose next check has come (or was
 * never set), all of them with force; disabled feeds only with includeDisabled; paused feeds never.
 */
export async function dueFeeds(db: Pg, f: DueFilter): Promise<Feed[]> {
  const p = new Params();
  return (await query<FeedRow>(db, `SELECT * FROM feeds f WHERE ${dueWhere(f, p)} ORDER BY id`, p.values)).map(toFeed);
}

/** countDue counts the feeds dueFeeds would list. */
export async function countDue(db: Pg, f: DueFilter): Promise<number> {
  const p = new Params();
  return (await query<{ n: number }>(db, `SELECT count(*) AS n FROM feeds f WHERE ${dueWhere(f, p)}`, p.values))[0].n;
}
