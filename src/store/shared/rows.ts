// Rows as both engines read them back: a feeds row and an item row become the very same domain
// objects on SQLite and PostgreSQL (each engine says only how its cells decode).
import type { Enclosure, Feed, Subscription } from '../../model.js';
import type { FeedState, FolderTotals, StoredItem, StoryCopy } from '../contract.js';
import { displayPath, folderNames, pathNames, storedPath } from './folders.js';

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
  paused_at: string | null;
  doc_title: string | null;
  description: string | null;
  language: string | null;
  image_url: string | null;
}

/** toFeed maps a feeds row to the domain Feed. */
export function toFeed(r: FeedRow): Feed {
  return {
    id: r.id,
    url: r.url,
    title: r.title,
    siteUrl: r.site_url,
    category: displayPath(r.category),
    folders: folderNames(r.category),
    addedAt: r.added_at,
    etag: r.etag,
    lastModified: r.last_modified,
    lastStatus: r.last_status,
    lastFetchedAt: r.last_fetched_at,
    consecutiveErrors: r.consecutive_errors,
    lastError: r.last_error,
    nextCheckAt: r.next_check_at,
    disabledReason: r.disabled_reason,
    pausedAt: r.paused_at,
    meta: { title: r.doc_title, description: r.description, language: r.language, imageUrl: r.image_url },
  };
}

/** subscriptionPath is a subscription's folder path as the category column stores it. */
export function subscriptionPath(s: Subscription): string {
  return storedPath(s.folders ?? pathNames(s.category));
}

/** FEED_STATE_SQL computes a feeds row's FeedState: paused, else disabled, else failing, else ok or never fetched. */
export const FEED_STATE_SQL = `CASE WHEN paused_at IS NOT NULL THEN 'paused' WHEN disabled_reason IS NOT NULL THEN 'disabled' WHEN consecutive_errors > 0 THEN 'failing'
  WHEN last_fetched_at IS NOT NULL THEN 'ok' ELSE 'never' END`;

/** UNREAD_SQL and STARRED_SQL are the conditions of the partial indexes items_unread and items_starred, over items unaliased. */
export const UNREAD_SQL = 'read_at IS NULL';
export const STARRED_SQL = 'starred_at IS NOT NULL';

/**
 * UNREAD_COUNT_SQL counts a feeds row's (aliased f) unread items: the condition is the partial
 * index items_feed_unread's, so the count reads that index's entries of the feed and no others.
 */
export const UNREAD_COUNT_SQL = '(SELECT count(*) FROM items u WHERE u.feed_id = f.id AND u.read_at IS NULL)';

/**
 * FOLDER_COUNTS_SQL counts items and unread items per stored category, folders without items too
 * (folderTotals adds them up per top-level folder): counted feed by feed from the indexes on
 * feed_id, as `feeds` counts them, which never reads the items themselves.
 */
export const FOLDER_COUNTS_SQL = `SELECT c.category, sum(c.items) AS items, sum(c.unread) AS unread
  FROM (SELECT f.category, (SELECT count(*) FROM items i WHERE i.feed_id = f.id) AS items, ${UNREAD_COUNT_SQL} AS unread FROM feeds f) c
  GROUP BY c.category`;

/** feedStateTotals adds up per-state feed counts (rows of FEED_STATE_SQL … GROUP BY state) into the totals `stats` shows. */
export function feedStateTotals(rows: readonly { state: FeedState; n: number }[]): Record<FeedState, number> & { total: number } {
  const feeds = { total: 0, ok: 0, failing: 0, disabled: 0, paused: 0, never: 0 };
  for (const r of rows) {
    feeds[r.state] = r.n;
    feeds.total += r.n;
  }
  return feeds;
}

/** folderTotals adds up per-category item and unread counts into per-top-level-folder totals, by folder name ('' first). */
export function folderTotals(rows: readonly { category: string; items: number; unread: number }[]): FolderTotals[] {
  const byFolder = new Map<string, FolderTotals>();
  for (const r of rows) {
    // Folders are compared by their stored path's first name: "Tech" and "Tech/Sub" add up under Tech.
    const folder = folderNames(r.category)[0] ?? '';
    const t = byFolder.get(folder) ?? { folder, items: 0, unread: 0 };
    t.items += r.items;
    t.unread += r.unread;
    byFolder.set(folder, t);
  }
  return [...byFolder.values()].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** ITEM_COLUMN_COUNT is how many columns each engine's ITEM_COLUMNS select (any extra columns follow, by name). */
export const ITEM_COLUMN_COUNT = 25;

/** Cell is a raw cell of a row; storedItemFrom knows each column's type from its position. */
export type Cell = any;

/** CellDecoding is how one engine hands back what ITEM_COLUMNS select: its ids, its JSON lists and its booleans. */
export interface CellDecoding {
  id(cell: Cell): number;
  list(cell: Cell): Cell[];
  flag(cell: Cell): boolean | null;
}

/**
 * storedItemFrom builds a StoredItem from a raw row of ITEM_COLUMNS (then any extra columns, by
 * name), decoding cells as the engine gave them, so both stores hand back the very same objects.
 * One object literal, so every item has the same shape: better-sqlite3's row objects with this
 * many columns fall back to slow dictionary properties, which cost a third more CPU per listing.
 */
export function storedItemFrom(a: Cell[], extras: readonly string[], d: CellDecoding): StoredItem {
  const item: StoredItem = {
    id: d.id(a[0]),
    feedId: d.id(a[1]),
    feedUrl: a[2],
    feedTitle: a[3],
    category: displayPath(a[4]),
    guid: a[5],
    link: a[6],
    title: a[7],
    author: a[8],
    published: a[9],
    updated: a[10],
    summary: a[11],
    content: a[12],
    firstSeen: a[13],
    enclosures: d
      .list(a[14])
      .map((e: Enclosure) => ({ url: e.url, type: e.type ?? null, length: e.length ?? null, duration: e.duration ?? null })),
    categories: d.list(a[15]),
    duration: a[16],
    comments: a[17],
    episode: a[18],
    season: a[19],
    explicit: d.flag(a[20]),
    transcriptUrl: a[21],
    chaptersUrl: a[22],
    read: a[23] !== null,
    readAt: a[23],
    starred: a[24] !== null,
    starredAt: a[24],
  };
  for (let k = 0; k < extras.length; k++) (item as unknown as Record<string, unknown>)[extras[k]] = a[ITEM_COLUMN_COUNT + k];
  // A unique listing's other copies of the story: JSON text from SQLite, parsed JSON from PostgreSQL.
  if (typeof item.alsoIn === 'string') item.alsoIn = JSON.parse(item.alsoIn) as StoryCopy[];
  return item;
}
