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
 * afterStored applies the rules to the items just stored, then runs the hook with them and with
 * what an interrupted crawl left for it (the store's backlog): both before the crawl returns, so
 * that what it reports is already so. Interrupted before the hook starts, or while it runs (it is
 * then killed), the crawl leaves them all to the next crawl's hook: never lost, never run twice
 * by one crawl.
 */
export async function afterStored(ctx: Context, store: Store, ids: readonly number[], o: NewItemsOptions = {}): Promise<void> {
  if (ids.length) reportRules(ctx, await rulesOnNew(store, ids, ctx.now().toISOString()));
  if (!o.exec) return;
  if (ctx.signal.aborted) {
    if (ids.length) {
      await store.deferHookItems(ids);
      warnDeferred(ctx, o.exec, ids.length);
    }
    return;
  }
  const all = [...new Set([...(await store.takeHookItems()), ...ids])].sort((a, b) => a - b);
  const r = await hookOnNew(ctx.out, store, o.exec, all, o.execTimeout ?? DEFAULT_EXEC_TIMEOUT, ctx.signal);
  if (r?.kind === 'interrupted') await store.deferHookItems(all);
}

// Not silenced by --quiet, as a hook's failure is not: from cron, it says why no mail came.
function warnDeferred(ctx: Context, cmd: string, n: number): void {
  ctx.out.stderr.write(
    `${ctx.out.paint('33', 'warning:')} hook ${JSON.stringify(cmd)}: not run (interrupted); ${n} new item${n === 1 ? '' : 's'} stored, for the next crawl's hook\n`,
  );
}
