// The rules commands' actions, in their own module: loaded only when a rules command runs.
import type { Context } from './context.js';
import { addRuleCommand, applyRulesCommand, listRulesCommand, removeRuleCommand, type RuleFlags } from './rules.js';
import { printRuleAdded, printRuleItem, printRules, printRulesApplied } from '../output/rules.js';

/** rulesAddAction runs `inkzee rules add NAME --do read|star [filters]`. */
export async function rulesAddAction(ctx: Context, name: string, opts: RuleFlags): Promise<void> {
  printRuleAdded(ctx.out, await addRuleCommand(ctx, name, opts));
}

/** rulesListAction runs `inkzee rules list`. */
export async function rulesListAction(ctx: Context): Promise<void> {
  printRules(ctx.out, await listRulesCommand(ctx));
}

/** rulesRemoveAction runs `inkzee rules remove NAME`. */
export async function rulesRemoveAction(ctx: Context, name: string): Promise<void> {
  await removeRuleCommand(ctx, name);
  if (ctx.cfg.json) ctx.out.record({ type: 'removed', rule: name });
  else ctx.out.info(`rule "${name}" removed`);
}

/** rulesApplyAction runs `inkzee rules apply [NAME…|--all] [--dry-run]`. */
export async function rulesApplyAction(ctx: Context, names: string[], opts: { all?: boolean; dryRun?: boolean }): Promise<void> {
  const applied = await applyRulesCommand(ctx, names, opts, ctx.cfg.json ? (rule, it) => printRuleItem(ctx.out, rule, it) : undefined);
  printRulesApplied(ctx.out, applied);
}
