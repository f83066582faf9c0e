// A stored rule's row as both engines read it back (the filter as JSON text, or jsonb already decoded).
import type { Rule, RuleAction, RuleFilter } from '../contract.js';

/** RuleRow is a row of the rules table. */
export interface RuleRow {
  name: string;
  action: string;
  filter: string | RuleFilter;
  model: string | null;
  created_at: string;
}

/** ruleOf turns a rules row into a Rule. */
export function ruleOf(r: RuleRow): Rule {
  return {
    name: r.name,
    action: r.action as RuleAction,
    filter: typeof r.filter === 'string' ? (JSON.parse(r.filter) as RuleFilter) : r.filter,
    model: r.model,
    createdAt: r.created_at,
  };
}
