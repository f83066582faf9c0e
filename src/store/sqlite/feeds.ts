import { feedHost, type Feed, type Subscription } from '../model.js';
import type { Db } from './db.js';
import { urlKey } from './feed-urls.js';
import { displayPath, folderKeys, folderNames, pathKey, pathNames, storedPath } from './folders.js';

/** FeedRow is a row of the feeds table. */
export interface FeedRow {
  id: number;
  url: string;
  title: string | null;
  site_url: string | null;
  /** Folder names joined by "/", a slash or backslash inside a name escaped with a backslash (folders.ts). */
  category: string;
  added_at: string;
  etag: string | null;
  last_modified: string | null;
  last_status: number | null;
  last_fetched_at: string | null;
  consecutive_errors: number;
  last_error: string | null;
  next_check_at: string | null;
  disabled_reason: string | null;
  doc_title: string | null;
  description: string | null;
  language: string | null;
  image_url: string | null;
}

/** toFeed maps a feeds row to the domain Feed. */
export function toFeed(r: FeedRow): Feed {
  return {
    id: r.id, url: r.url, title: r.title, siteUrl: r.site_url, category: displayPath(r.category), folders: folderNames(r.category), addedAt: r.added_at,
    etag: r.etag, lastModified: r.last_modified, lastStatus: r.last_status, lastFetchedAt: r.last_fetched_at,
    consecutiveErrors: r.consecutive_errors, lastError: r.last_error, nextCheckAt: r.next_check_at,
    disabledReason: r.disabled_reason,
    meta: { title: r.doc_title, description: r.description, language: r.language, imageUrl: r.image_url },
  };
}

/** AddResult says which subscriptions were new and how many the database already had. */
export interface AddResult {
  added: Feed[];
  present: number;
}

/**
 * addSubscriptions stores the subscriptions that are not in the database yet, all in one
 * transaction; a URL already stored is left exactly as it is (its folder and state included), and
 * so is a URL a subscription had before a redirect moved it (feed_urls).
 */
export function addSubscriptions(db: Db, subs: readonly Subscription[], now: string): AddResult {
  const known = db.prepare('SELECT 1 FROM feed_urls WHERE url = ?');
  const insert = db.prepare(
    `INSERT INTO feeds (url, title, site_url, category, folder_keys, added_at, host) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(url) DO NOTHING RETURNING *`,
  );
  const remember = db.prepare('INSERT INTO feed_urls (url, feed_id) VALUES (?, ?) ON CONFLICT (url) DO NOTHING');
  return db.transaction(() => {
    const result: AddResult = { added: [], present: 0 };
    for (const s of subs) {
      const key = urlKey(s.url);
      const category = subscriptionPath(s);
      const row = known.get(key) ? undefined
        : insert.get(s.url, s.title, s.siteUrl, category, JSON.stringify(folderKeys(category)), now, feedHost(s.url)) as FeedRow | undefined;
      if (row) remember.run(key, row.id);
      if (row) result.added.push(toFeed(row));
      else result.present++;
    }
    return result;
  }).immediate();
}

/** subscriptionPath is a subscription's folder path as the category column stores it. */
export function subscriptionPath(s: Subscription): string {
  return storedPath(s.folders ?? pathNames(s.category));
}

/** FeedFilter narrows a feed listing. */
export interface FeedFilter {
  /** A category path: that folder and its subfolders; or several (any of them). */
  category?: string | readonly string[];
  /** Feed id or URL, or several of them (any). */
  feed?: string | readonly string[];
  /** Only feeds whose last fetch failed, or that are disabled. */
  failing?: boolean;
}

/** FeedState is a feed's crawl state as `feeds` and `stats` report it. */
export type FeedState = 'ok' | 'failing' | 'disabled' | 'never';

/** FEED_STATE_SQL computes a feeds row's FeedState: disabled, else failing, else ok or never fetched. */
export const FEED_STATE_SQL = `CASE WHEN disabled_reason IS NOT NULL THEN 'disabled' WHEN consecutive_errors > 0 THEN 'failing'
  WHEN last_fetched_at IS NOT NULL THEN 'ok' ELSE 'never' END`;

/** feedStateTotals adds up per-state feed counts (rows of FEED_STATE_SQL … GROUP BY state) into the totals `stats` shows. */
export function feedStateTotals(rows: readonly { state: FeedState; n: number }[]): Record<FeedState, number> & { total: number } {
  const feeds = { total: 0, ok: 0, failing: 0, disabled: 0, never: 0 };
  for (const r of rows) {
    feeds[r.state] = r.n;
    feeds.total += r.n;
  }
  return feeds;
}

/** FeedListing is a feed with its state and how many items it has stored. */
export type FeedListing = Feed & { state: FeedState; itemCount: number };

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
    if (/^\d+$/.test(given)) {
      params[`feedId${k}`] = Number(given);
      return `${column.id} = @feedId${k}`;
    }
    params[`feedUrl${k}`] = given;
    params[`feedKey${k}`] = urlKey(given);
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
  const sql = `SELECT f.*, ${FEED_STATE_SQL} AS state, (SELECT count(*) FROM items i WHERE i.feed_id = f.id) AS item_count FROM feeds f
               ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY category, title COLLATE NOCASE, id`;
  return (db.prepare(sql).all(params) as (FeedRow & { state: FeedState; item_count: number })[])
    .map((r) => ({ ...toFeed(r), state: r.state, itemCount: r.item_count }));
}
