// What follows the storing of new items: the rules, applied to them at once, then (refresh and
// worker) the hook, given them as they are after the rules.
import type { Store } from '../store/contract.js';
import type { Context } from './context.js';
import { rulesOnNew, type RuleOutcome } from './rule-apply.js';
import { DEFAULT_EXEC_TIMEOUT, hookOnNew } from './hook.js';

/** NewItemsOptions say what runs with a crawl's new items besides the rules: the hook, and for how long at most (seconds). */
export interface NewItemsOptions {
  exec?: string;
  execTimeout?: number;
}

/** reportRules says what the rules did to new (or just labelled) items, one line per rule that changed any (not with --json). */
export function reportRules(ctx: Context, done: readonly RuleOutcome[], which: 'new' | 'labelled' = 'new'): void {
  if (ctx.cfg.json) return;
  for (const d of done)
    if (d.changed)
      ctx.out.info(
        `rule "${d.rule.name}": marked ${d.changed} ${which} item${d.changed === 1 ? '' : 's'} ${d.rule.action === 'read' ? 'read' : 'starred'}`,
      );
}

/**
 * afterStored applies the rules to the items just stored, then runs the hook with them (unless
 * the user interrupted): both before the crawl returns, so that what it reports is already so.
 */
export async function afterStored(ctx: Context, store: Store, ids: readonly number[], o: NewItemsOptions = {}): Promise<void> {
  if (ids.length === 0) return;
  reportRules(ctx, await rulesOnNew(store, ids, ctx.now().toISOString()));
  if (!ctx.signal.aborted) await hookOnNew(ctx.out, store, o.exec, ids, o.execTimeout ?? DEFAULT_EXEC_TIMEOUT);
}
