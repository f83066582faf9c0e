// The actions of the commands that change subscriptions one by one (remove, edit, pause, resume),
// in their own module; `add`, which fetches, is with the crawling actions (crawl-actions.ts), so
// these never load the HTTP client.
import type { Context } from './context.js';
import { editCommand, pauseCommand, removeCommand, type EditOptions } from './subscriptions.js';
import { printEdited, printPaused, printRemoved } from '../output/subscriptions.js';

type SelectionFlags = { category?: string };

/** removeAction runs `inkzee remove FEED…` or `inkzee remove --category PATH --yes`. */
export async function removeAction(ctx: Context, feeds: string[], opts: SelectionFlags & { yes?: boolean }): Promise<void> {
  printRemoved(ctx.out, await removeCommand(ctx, { feeds, category: opts.category, yes: opts.yes }));
}

/** editAction runs `inkzee edit FEED [--title NAME] [--category PATH] [--url URL]`. */
export async function editAction(ctx: Context, feed: string, opts: EditOptions): Promise<void> {
  const r = await editCommand(ctx, feed, opts);
  printEdited(ctx.out, r.feed, r.changed);
}

/** pauseAction runs `inkzee pause FEED…|--category PATH`. */
export async function pauseAction(ctx: Context, feeds: string[], opts: SelectionFlags): Promise<void> {
  printPaused(ctx.out, await pauseCommand(ctx, { feeds, category: opts.category }, true), true);
}

/** resumeAction runs `inkzee resume FEED…|--category PATH`. */
export async function resumeAction(ctx: Context, feeds: string[], opts: SelectionFlags): Promise<void> {
  printPaused(ctx.out, await pauseCommand(ctx, { feeds, category: opts.category }, false), false);
}
