import type { Output } from './output.js';
import { renderTable, type Column } from './table.js';
import { itemRecord } from './items.js';
import type { Rule, StoredItem } from '../store/contract.js';
import type { RuleApplied } from '../results.js';
import { MEDIA_WORDS } from '../model.js';

// The action as the end of "marked 3 items …".
const DONE = { read: 'read', star: 'starred' } as const;

// enclosureShown is a stored --has-enclosure kind as the user gives it: a top-level type is stored
// as the prefix it matches ("audio/"), shown as the word (`audio`, or `font/*` for a type with no
// word); a full MIME type as it is.
function enclosureShown(kind: true | string): true | string {
  if (kind === true || !kind.endsWith('/')) return kind;
  const top = kind.slice(0, -1);
  return MEDIA_WORDS.includes(top) ? top : `${kind}*`;
}

/** ruleRecord is a rule's NDJSON form. */
export function ruleRecord(r: Rule): object {
  const filter = r.filter.enclosure === undefined ? r.filter : { ...r.filter, enclosure: enclosureShown(r.filter.enclosure) };
  return { name: r.name, action: r.action, filter, model: r.model, createdAt: r.createdAt };
}

/** ruleFlags renders a rule's filter as the flags that made it (`--feed 3 --title "^Sponsored"`). */
export function ruleFlags(r: Rule): string {
  const q = (s: string) => (/^[\w./:-]+$/.test(s) ? s : JSON.stringify(s));
  const f = r.filter;
  const parts: string[] = [];
  for (const v of f.feed ?? []) parts.push(`--feed ${v}`);
  for (const v of f.category ?? []) parts.push(`--category ${q(v)}`);
  for (const v of f.tags ?? []) parts.push(`--tag ${q(v)}`);
  if (f.label !== undefined) parts.push(`--label ${q(f.label)}${r.model !== null ? ` (model ${q(r.model)})` : ''}`);
  if (f.enclosure !== undefined) {
    const kind = enclosureShown(f.enclosure);
    parts.push(kind === true ? '--has-enclosure' : `--has-enclosure ${q(kind)}`);
  }
  if (f.search !== undefined) parts.push(`--search ${q(f.search)}`);
  if (f.title !== undefined) parts.push(`--title ${q(f.title)}`);
  return parts.join(' ');
}

/** printRuleAdded reports a stored rule: its record, or a line on stderr. */
export function printRuleAdded(out: Output, r: Rule): void {
  if (out.cfg.json) out.record(ruleRecord(r));
  else out.info(`rule "${r.name}" added: marks ${r.action === 'read' ? 'read' : 'starred'} new items matching ${ruleFlags(r)}`);
}

/** printRules lists rules: NDJSON records, or a table. */
export function printRules(out: Output, rules: readonly Rule[]): void {
  if (out.cfg.json) {
    for (const r of rules) out.record(ruleRecord(r));
    return;
  }
  if (rules.length === 0) {
    out.info('no rules (add one with `inkzee rules add NAME --do read …`)');
    return;
  }
  const columns: Column<Rule>[] = [
    { header: 'NAME', cell: (r) => r.name },
    { header: 'DO', cell: (r) => r.action },
    { header: 'FILTER', cell: (r) => ruleFlags(r), flex: true },
    { header: 'CREATED', cell: (r) => r.createdAt.slice(0, 10) },
  ];
  for (const line of renderTable(rules, columns, out.cfg.columns)) out.line(line);
}

/** printRuleItem writes an item a rule marked (or would mark) as `items --json` does, with the rule's name. */
export function printRuleItem(out: Output, rule: Rule, item: StoredItem): void {
  out.record({ ...itemRecord(item), rule: rule.name });
}

/** printRulesApplied says what each rule did: `rule "sports": marked 120 items read` (would mark, in a dry run). */
export function printRulesApplied(out: Output, applied: readonly RuleApplied[]): void {
  if (out.cfg.json) return; // the items themselves are the output
  for (const a of applied)
    out.info(`rule "${a.name}": ${a.dryRun ? 'would mark' : 'marked'} ${a.items} item${a.items === 1 ? '' : 's'} ${DONE[a.action]}`);
}
