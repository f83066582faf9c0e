// The CLI's actions: each turns parsed flags into a command call and hands the result to output.
// The crawling ones (import, refresh, worker) are in crawl-actions.ts.
import type { Context } from './context.js';
import { feedsCommand } from './feeds.js';
import { exportCommand } from './export.js';
import { printFeeds } from '../output/render.js';
import { itemsCommand, type ItemFlags } from './items.js';
import { printItems } from '../output/items.js';
import { markShown, searchCommand, showItem, statsCommand } from './read.js';
import { markCommand, type MarkFlags } from './mark.js';
import { printMarked } from '../output/mark.js';
import type { MarkKind } from '../store/contract.js';
import { printHits, printItem, printStats } from '../output/read.js';

/** feedsAction runs `inkzee feeds`. */
export async function feedsAction(
  ctx: Context,
  opts: { category?: string[]; feed?: string[]; failing?: boolean; format: 'table' | 'tsv' },
): Promise<void> {
  const feeds = await feedsCommand(ctx, { category: opts.category, feed: opts.feed, failing: opts.failing });
  printFeeds(ctx.out, feeds, opts.format, opts.feed !== undefined);
}

/** exportAction runs `inkzee export [FILE]`. */
export async function exportAction(ctx: Context, file: string | undefined): Promise<void> {
  const r = await exportCommand(ctx, file);
  if (r.text !== undefined) ctx.out.stdout.write(r.text);
  else if (ctx.cfg.json) ctx.out.record({ type: 'export', file: r.file, feeds: r.feeds });
  else ctx.out.info(`${r.file}: ${r.feeds} feeds exported`);
}

/** itemsAction runs `inkzee items`. */
export async function itemsAction(ctx: Context, opts: ItemFlags & { format: 'table' | 'tsv' }): Promise<void> {
  const n = await printItems(ctx.out, await itemsCommand(ctx, opts), opts.format);
  if (n === 0 && !ctx.cfg.json) ctx.out.info('no items match');
}

/** searchAction runs `inkzee search QUERY`. */
export async function searchAction(ctx: Context, query: string, opts: ItemFlags & { format: 'table' | 'tsv' }): Promise<void> {
  const n = await printHits(ctx.out, await searchCommand(ctx, query, opts), opts.format);
  if (n === 0 && !ctx.cfg.json) ctx.out.info(`no items match "${query}"`);
}

/** showAction runs `inkzee show ID`: prints the item, then marks it read unless --keep-unread. */
export async function showAction(ctx: Context, id: string, opts: { keepUnread?: boolean }): Promise<void> {
  const shown = await showItem(ctx, id, opts.keepUnread);
  printItem(ctx.out, shown.item);
  await markShown(ctx, shown);
}

/** markAction runs `inkzee mark read|unread|star|unstar [ID…|-] [filters]`. */
export async function markAction(ctx: Context, kind: MarkKind, ids: string[], opts: MarkFlags): Promise<void> {
  printMarked(ctx.out, await markCommand(ctx, kind, ids, opts));
}

/** statsAction runs `inkzee stats`. */
export async function statsAction(ctx: Context): Promise<void> {
  printStats(ctx.out, await statsCommand(ctx));
}

// The classify actions are in classify-actions.ts.
