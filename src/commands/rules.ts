// `inkzee rules add|list|remove|apply`: named rules that mark items read or star them, over the
// filters of `items` plus a search query and a title pattern. A rule is checked whole before it is
// stored: a bad one is one line naming it, exit 1, and nothing stored.
import { InputError, InterruptedError, shownValue, UsageError } from '../errors.js';
import type { Rule, RuleAction, RuleFilter, Store, StoredItem } from '../store/contract.js';
import type { Context } from './context.js';
import { itemFilter, type ItemFlags } from './items.js';
import { knownFeeds } from './known-feeds.js';
import { applyRules, titlePattern } from './rule-apply.js';
import type { RuleApplied } from '../results.js';

/** RULE_ACTIONS are what a rule can do to the items it matches. */
export const RULE_ACTIONS: readonly RuleAction[] = ['read', 'star'];

/** RuleFlags are `rules add`'s flags: --do and the filters. */
export type RuleFlags = Pick<ItemFlags, 'feed' | 'category' | 'tag' | 'label' | 'hasEnclosure'> & {
  do?: string;
  search?: string;
  title?: string;
};

/** addRuleCommand checks a rule and stores it; a bad rule (or a name taken) is an InputError and nothing is stored. */
export async function addRuleCommand(ctx: Context, name: string, flags: RuleFlags): Promise<Rule> {
  const what = `rule ${JSON.stringify(name)}`;
  if (!/^[\p{L}\p{N}_.-]{1,64}$/u.test(name))
    throw new InputError(what, 'a rule name is 1 to 64 letters, digits, ".", "_" or "-"', 'bad-rule');
  const action = flags.do;
  if (action === undefined || !(RULE_ACTIONS as readonly string[]).includes(action))
    throw new InputError(what, `--do ${shownValue(action ?? '')}: not an action (read or star)`, 'bad-rule');
  const f = itemFilter(ctx, flags);
  const filter: RuleFilter = {};
  if (f.category !== undefined) filter.category = [f.category].flat();
  if (f.tags !== undefined) filter.tags = f.tags;
  if (f.label !== undefined) filter.label = f.label;
  if (f.enclosure !== undefined) filter.enclosure = f.enclosure;
  if (flags.title !== undefined) {
    if (flags.title === '') throw new InputError(what, '--title "": an empty pattern matches every title; give a pattern', 'bad-rule');
    try {
      titlePattern(flags.title);
    } catch (err) {
      throw new InputError(
        what,
        `--title ${shownValue(flags.title)}: not a valid regular expression (${regexProblem((err as Error).message)})`,
        'bad-rule',
      );
    }
    filter.title = flags.title;
  }
  const store = await ctx.store();
  if (flags.search !== undefined) {
    let searchable: boolean;
    try {
      searchable = store.checkQuery(flags.search);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new InputError(what, `--search ${shownValue(flags.search)}: ${err.message.replace(/^search: /, '')}`, 'bad-rule');
    }
    if (!searchable)
      throw new InputError(what, `--search ${shownValue(flags.search)}: no word to search for, so it would match nothing`, 'bad-rule');
    filter.search = flags.search;
  }
  if (Object.keys(filter).length === 0 && f.feed === undefined)
    throw new InputError(
      what,
      'no filter: give --feed, --category, --tag, --label, --has-enclosure, --search or --title (every item: `inkzee mark read --all`)',
      'bad-rule',
    );
  // Feeds are kept by id: a rule still names its feed after the feed's URL changes.
  if (f.feed !== undefined) filter.feed = (await knownFeeds(store, f.feed)).map((x) => String(x.id));
  if (filter.label !== undefined) await checkLabel(store, what, ctx.cfg.model, filter.label);
  const rule: Rule = {
    name,
    action: action as RuleAction,
    filter,
    // A --label rule reads the labels of the model that is the default when it is made.
    model: filter.label !== undefined ? ctx.cfg.model : null,
    createdAt: ctx.now().toISOString(),
  };
  if (!(await store.addRule(rule)))
    throw new InputError(what, `a rule of that name exists (\`inkzee rules remove ${name}\` first)`, 'rule-exists');
  return rule;
}

// regexProblem is the reason in a RegExp's SyntaxError without the pattern it echoes (shown already,
// escaped): a pattern with a line break in it would make the error two lines. Any control character
// left is escaped, so the message stays one line whatever the engine's wording.
function regexProblem(message: string): string {
  const why = /^Invalid regular expression: \/[\s\S]*\/[a-z]*: ([^\n]*)$/.exec(message)?.[1] ?? message;
  return why.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// A --label rule names a trained model and one of its labels: a typo would otherwise make a rule
// that never matches, silently.
async function checkLabel(store: Store, what: string, model: string, label: string): Promise<void> {
  const m = (await store.listModels()).find((x) => x.name === model);
  if (!m)
    throw new InputError(
      what,
      `--model ${shownValue(model)}: no such model (train it first: \`inkzee classify train … --model ${model}\`; \`inkzee classify models\` lists them)`,
      'bad-rule',
    );
  if (!m.labels.includes(label))
    throw new InputError(
      what,
      `--label ${shownValue(label)}: model ${shownValue(model)} has no such label (its labels: ${m.labels.join(', ')})`,
      'bad-rule',
    );
}

/** listRulesCommand lists the stored rules by name. */
export async function listRulesCommand(ctx: Context): Promise<Rule[]> {
  return (await ctx.store()).listRules();
}

/** removeRuleCommand deletes a rule; one that is not stored is an InputError. */
export async function removeRuleCommand(ctx: Context, name: string): Promise<void> {
  if (!(await (await ctx.store()).removeRule(name)))
    throw new InputError(`rule ${JSON.stringify(name)}`, 'no such rule (see `inkzee rules list`)', 'no-rule');
}

/**
 * applyRulesCommand applies the named rules (or all, with `all`) to every stored item, in name
 * order given, and reports each; `touched` receives the items each rule marked (or would mark) and
 * the other copies of their stories the mark reaches (would reach), as they are after it.
 */
export async function applyRulesCommand(
  ctx: Context,
  names: readonly string[],
  o: { all?: boolean; dryRun?: boolean },
  touched?: (rule: Rule, item: StoredItem) => void,
): Promise<RuleApplied[]> {
  if (names.length && o.all) throw new UsageError('rules apply: give rule names or --all, not both');
  if (!names.length && !o.all) throw new UsageError('rules apply: give rule names, or --all for every rule');
  const store = await ctx.store();
  const stored = await store.listRules();
  const rules = o.all
    ? stored
    : names.map((n) => {
        const r = stored.find((x) => x.name === n);
        if (!r) throw new InputError(`rule ${JSON.stringify(n)}`, 'no such rule (see `inkzee rules list`)', 'no-rule');
        return r;
      });
  const dryRun = !!o.dryRun;
  const out: RuleApplied[] = [];
  for (const rule of rules) {
    if (ctx.signal.aborted) throw new InterruptedError(`interrupted: ${out.length} of ${rules.length} rules applied`);
    const [r] = await applyRules(store, [rule], { now: ctx.now().toISOString(), dryRun, copies: !!touched });
    // The items matched and the other copies of their stories the mark reaches: as many as it counts.
    const ids = [...r.ids, ...(r.copies ?? [])];
    if (touched && ids.length) for await (const it of store.items({ ids })) touched(rule, it);
    out.push({ name: rule.name, action: rule.action, items: r.changed, dryRun });
  }
  return out;
}
