import fs from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { FEED_STATE_SQL, type FeedState } from '../store/feeds.js';
import { ITEM_COLUMNS, readItem, type StoredItem } from '../store/items.js';
import { searchItems, type SearchHit } from '../store/search.js';
import type { Context } from './context.js';
import { itemFilter, type ItemFlags } from './items.js';

/** searchCommand streams items matching a full-text query, best match first. */
export function searchCommand(ctx: Context, query: string, flags: ItemFlags): IterableIterator<SearchHit> {
  return searchItems(ctx.store(), query, itemFilter(ctx, flags));
}

/** showCommand returns one item by id. */
export function showCommand(ctx: Context, id: string): StoredItem {
  if (!/^\d+$/.test(id)) throw new UsageError(`show ${id}: an item id is a whole number (see \`inkzee items\`)`);
  const item = readItem(ctx.store(), `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?`, [Number(id)]);
  if (!item) throw new InputError(`item ${id}`, 'no such item', 'no-item');
  return item;
}

/** Stats summarizes the database. */
export interface Stats {
  feeds: { total: number; ok: number; failing: number; disabled: number; never: number };
  items: { total: number; perDay: { day: string; items: number }[] };
  topFeeds: { id: number; title: string | null; url: string; items: number }[];
  database: { path: string; bytes: number };
}

/** statsCommand counts feeds by state, items per day over the last weeks, and the biggest feeds. */
export function statsCommand(ctx: Context, days = 28): Stats {
  const db = ctx.store();
  const feeds: Stats['feeds'] = { total: 0, ok: 0, failing: 0, disabled: 0, never: 0 };
  for (const r of db.prepare(`SELECT ${FEED_STATE_SQL} AS state, count(*) AS n FROM feeds GROUP BY state`).all() as { state: FeedState; n: number }[]) {
    feeds[r.state] = r.n;
    feeds.total += r.n;
  }
  const since = new Date(ctx.now().getTime() - days * 86400e3).toISOString().slice(0, 10);
  const perDay = db.prepare(`SELECT substr(sort_at, 1, 10) AS day, count(*) AS items FROM items
      WHERE sort_at >= @since GROUP BY day ORDER BY day DESC`).all({ since }) as Stats['items']['perDay'];
  const total = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  const topFeeds = db.prepare(`SELECT f.id, f.title, f.url, count(i.id) AS items FROM feeds f JOIN items i ON i.feed_id = f.id
      GROUP BY f.id ORDER BY items DESC, f.id LIMIT 10`).all() as Stats['topFeeds'];
  const file = ctx.cfg.dbPath;
  const size = (p: string) => { try { return fs.statSync(p).size; } catch { return 0; } };
  return { feeds, items: { total, perDay }, topFeeds, database: { path: file, bytes: size(file) + size(`${file}-wal`) } };
}
