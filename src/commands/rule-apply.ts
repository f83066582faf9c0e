// Applying rules to stored items: the store picks the candidates by the rule's filters (and its
// search query), the title pattern is tested here in JavaScript so that both engines agree on it,
// and the items that match are marked by id (Store.mark: one transaction per rule).
import type { ItemFilter, MarkKind, Rule, Store } from '../store/contract.js';

/** RuleOutcome is what one rule did (or would do, in a dry run): the ids it marked and how many changed. */
export interface RuleOutcome {
  rule: Rule;
  ids: number[];
  changed: number;
  /** With applyRules' `copies`: the other copies of those items' stories the mark changed (would change) too. */
  copies?: number[];
}

// copiesToChange lists the other copies of the stories of `ids` not yet in the rule's state: a mark
// of an item reaches every copy of its story (Store.mark), and the count a mark reports includes them.
async function copiesToChange(store: Store, rule: Rule, ids: readonly number[]): Promise<number[]> {
  const matched = new Set(ids);
  const others = new Set<number>();
  for await (const it of store.items({ ids, unique: true })) for (const c of it.alsoIn ?? []) if (!matched.has(c.id)) others.add(c.id);
  if (others.size === 0) return [];
  const out: number[] = [];
  for await (const it of store.items({ ids: [...others] })) if (!(rule.action === 'read' ? it.read : it.starred)) out.push(it.id);
  return out;
}

/** titlePattern compiles a rule's --title: JavaScript regular expression syntax, matched case-insensitively. */
export function titlePattern(source: string): RegExp {
  return new RegExp(source, 'i');
}

/** ruleItemFilter is the ItemFilter of a rule's stored filters, within `ids` when given; a read rule looks at unread items only. */
export function ruleItemFilter(rule: Rule, ids?: readonly number[]): ItemFilter {
  const f = rule.filter;
  return {
    feed: f.feed,
    category: f.category,
    tags: f.tags,
    label: f.label,
    labelModel: f.label !== undefined ? (rule.model ?? undefined) : undefined,
    enclosure: f.enclosure,
    ids,
    unread: rule.action === 'read' || undefined,
  };
}

/** ruleTargets lists the ids of the items a rule would change: matching it (within `ids` when given) and not in its state yet. */
export async function ruleTargets(store: Store, rule: Rule, ids?: readonly number[]): Promise<number[]> {
  if (ids !== undefined && ids.length === 0) return [];
  const f = ruleItemFilter(rule, ids);
  const title = rule.filter.title !== undefined ? titlePattern(rule.filter.title) : undefined;
  const found = rule.filter.search !== undefined ? store.search(rule.filter.search, f) : store.items(f);
  const out: number[] = [];
  for await (const it of found) {
    // ItemFilter has no "not starred": a star rule skips starred items here.
    if (rule.action === 'star' && it.starred) continue;
    if (title && !title.test(it.title ?? '')) continue;
    out.push(it.id);
  }
  return out;
}

const KIND: Record<Rule['action'], MarkKind> = { read: 'read', star: 'star' };

/**
 * applyRules applies each rule in turn to the stored items (or only to `ids`, the items a crawl or
 * classify just stored or labelled) and says what each did; with dryRun nothing changes.
 */
export async function applyRules(
  store: Store,
  rules: readonly Rule[],
  o: { now: string; dryRun: boolean; ids?: readonly number[]; copies?: boolean },
): Promise<RuleOutcome[]> {
  const done: RuleOutcome[] = [];
  for (const rule of rules) {
    let ids = await ruleTargets(store, rule, o.ids);
    const copies = o.copies ? await copiesToChange(store, rule, ids) : undefined;
    let r = ids.length ? await store.mark(KIND[rule.action], { ids }, o) : { changed: 0 };
    // An item removed or pruned between the two steps makes the mark change nothing: look again, once.
    if (r.unknownId !== undefined) {
      ids = await ruleTargets(store, rule, o.ids);
      r = ids.length ? await store.mark(KIND[rule.action], { ids }, o) : { changed: 0 };
    }
    done.push({ rule, ids, changed: r.changed, ...(copies && { copies }) });
  }
  return done;
}

/**
 * rulesOnNew applies every stored rule to items just stored or labelled (read once per call: once
 * per crawl, per worker round, per classify run); nothing is read when no item is new.
 */
export async function rulesOnNew(store: Store, ids: readonly number[], now: string, only?: (r: Rule) => boolean): Promise<RuleOutcome[]> {
  if (ids.length === 0) return [];
  const rules = (await store.listRules()).filter((r) => !only || only(r));
  return rules.length ? applyRules(store, rules, { now, dryRun: false, ids }) : [];
}

/** mergeOutcomes adds up the outcomes of the same rules applied batch after batch, one per rule. */
export function mergeOutcomes(all: readonly RuleOutcome[]): RuleOutcome[] {
  const by = new Map<string, RuleOutcome>();
  for (const o of all) {
    const m = by.get(o.rule.name);
    if (m) {
      m.ids.push(...o.ids);
      m.changed += o.changed;
    } else by.set(o.rule.name, { rule: o.rule, ids: [...o.ids], changed: o.changed });
  }
  return [...by.values()];
}
