// The CLI's actions: each turns parsed flags into a command call and hands the result to output.
import type { Context } from './context.js';
import { importSubscriptions } from './import.js';
import { feedsCommand } from './feeds.js';
import { exportCommand } from './export.js';
import { printFeeds, printImport } from '../output/render.js';

/** importAction runs `inkzee import FILE`. */
export async function importAction(ctx: Context, file: string, opts: { fetch: boolean }): Promise<void> {
  const result = await importSubscriptions(ctx, file);
  printImport(ctx.out, result);
}

/** feedsAction runs `inkzee feeds`. */
export function feedsAction(ctx: Context, opts: { category?: string; format: 'table' | 'tsv' }): void {
  printFeeds(ctx.out, feedsCommand(ctx, { category: opts.category }), opts.format);
}

/** exportAction runs `inkzee export [FILE]`. */
export function exportAction(ctx: Context, file: string | undefined): void {
  const r = exportCommand(ctx, file);
  if (r.text !== undefined) ctx.out.stdout.write(r.text);
  else if (ctx.cfg.json) ctx.out.record({ type: 'export', file: r.file, feeds: r.feeds });
  else ctx.out.info(`${r.file}: ${r.feeds} feeds exported`);
}
