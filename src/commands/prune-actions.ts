// `inkzee prune`'s action, in its own module so that other commands never load it.
import type { Context } from './context.js';
import { pruneCommand, type PruneFlags } from './prune.js';
import { printPrune } from '../output/prune.js';

/** pruneAction runs `inkzee prune`. */
export async function pruneAction(ctx: Context, opts: PruneFlags): Promise<void> {
  printPrune(ctx.out, await pruneCommand(ctx, opts), !!opts.vacuum);
}
