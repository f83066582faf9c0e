import { feedHost, type Subscription } from '../../model.js';
import { prepared, type Db } from './connect.js';
import { feedRef, urlKey } from '../shared/feed-urls.js';
import { folderKeys, pathKey } from '../shared/folders.js';
import type { AddResult, FeedFilter, FeedListing, FeedState } from '../contract.js';
import { FEED_STATE_SQL, type FeedRow, subscriptionPath, toFeed, UNREAD_COUNT_SQL } from '../shared/rows.js';
import { nextIdSql } from './next-id.js';

/**
 * addSubscriptions stores the subscriptions that are not in the database yet, all in one
 * transaction; a URL already stored is left exactly as it is (its folder and state included), and
 * so is a URL a subscription had before a redirect moved it (feed_urls).
 */
export function addSubscriptions(db: Db, subs: readonly Subscription[], now: string): AddResult {
  const known = db.prepare('SELECT 1 FROM feed_urls WHERE url = ?');
  const insert = db.prepare(
    `INSERT INTO feeds (id, url, title, site_url, category, folder_keys, added_at, host) VALUES (${nextIdSql('feeds')}, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(url) DO NOTHING RETURNING *`,
  );
  const remember = db.prepare('INSERT INTO feed_urls (url, feed_id) VALUES (?, ?) ON CONFLICT (url) DO NOTHING');
  return db
    .transaction(() => {
      const result: AddResult = { added: [], present: 0 };
      for (const s of subs) {
        const key = urlKey(s.url);
        const category = subscriptionPath(s);
        const row = known.get(key)
          ? undefined
          : (insert.get(s.url, s.title, s.siteUrl, category, JSON.stringify(folderKeys(category)), now, feedHost(s.url)) as
              FeedRow | undefined);
        if (row) remember.run(key, row.id);
        if (row) result.added.push(toFeed(row));
        else result.present++;
      }
      return result;
    })
    .immediate();
}

/** Clause is a piece of WHERE with its named parameters. */
export interface Clause {
  sql: string;
  params: Record<string, string | number>;
}

/**
 * categoryClause matches a folder and all folders below it, or any of several, over the feeds
 * table aliased `alias` ('' for none): the folder keys stored with each feed hold the path's key
 * (folders.ts), so "tech" matches Tech and Tech/Sub but not Technology. An empty path matches the top level.
 */
export function categoryClause(alias: string, category: string | readonly string[]): Clause {
  const a = alias ? `${alias}.` : '';
  const params: Record<string, string> = {};
  const any = [category].flat().map((given, k) => {
    const key = pathKey(given);
    if (key === '') return `${a}category = ''`;
    params[`categoryKey${k}`] = key;
    return `EXISTS (SELECT 1 FROM json_each(${a}folder_keys) k WHERE k.value = @categoryKey${k})`;
  });
  return { sql: `(${any.join(' OR ')})`, params };
}

/** feedClause matches the feeds given, each as its numeric id or its URL, present or former (feed_urls): any of them. */
export function feedClause(column: { id: string; url: string }, feed: string | readonly string[]): Clause {
  const params: Record<string, string | number> = {};
  const any = [feed].flat().map((given, k) => {
    const ref = feedRef(given);
    if ('id' in ref) {
      params[`feedId${k}`] = ref.id;
      return `${column.id} = @feedId${k}`;
    }
    params[`feedUrl${k}`] = ref.url;
    params[`feedKey${k}`] = ref.key;
    return `${column.url} = @feedUrl${k} OR ${column.id} IN (SELECT feed_id FROM feed_urls WHERE url = @feedKey${k})`;
  });
  return { sql: any.length ? `(${any.join(' OR ')})` : '0', params };
}

/** listFeeds returns stored feeds, with their item counts, ordered by category then title. */
export function listFeeds(db: Db, filter: FeedFilter = {}): FeedListing[] {
  const clauses: Clause[] = [];
  if (filter.category !== undefined) clauses.push(categoryClause('', filter.category));
  if (filter.feed !== undefined) clauses.push(feedClause({ id: 'id', url: 'url' }, filter.feed));
  const where = clauses.map((c) => c.sql);
  const params = Object.assign({}, ...clauses.map((c) => c.params));
  if (filter.failing) where.push('(consecutive_errors > 0 OR disabled_reason IS NOT NULL)');
  const counts =
    filter.counts === false
      ? '0 AS item_count, 0 AS unread_count'
      : `(SELECT count(*) FROM items i WHERE i.feed_id = f.id) AS item_count, ${UNREAD_COUNT_SQL} AS unread_count`;
  const sql = `SELECT f.*, ${FEED_STATE_SQL} AS state, ${counts} FROM feeds f
               ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY category, title COLLATE NOCASE, id`;
  // Prepared once per shape: the reader API lists its pages' feeds on every request. Safe to share,
  // as all() runs the statement to its end at once.
  return (prepared(db, sql).all(params) as (FeedRow & { state: FeedState; item_count: number; unread_count: number })[]).map((r) => ({
    ...toFeed(r),
    state: r.state,
    itemCount: r.item_count,
    unreadCount: r.unread_count,
  }));
}
