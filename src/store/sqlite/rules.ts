// Rules as stored on SQLite; the PostgreSQL counterpart is ../postgres/rules.ts.
import type { Db } from './connect.js';
import type { Rule } from '../contract.js';
import { ruleOf, type RuleRow } from '../shared/rules.js';

/** addRule stores a rule unless its name is taken; true if it was stored. */
export function addRule(db: Db, r: Rule): boolean {
  const res = db
    .prepare('INSERT INTO rules (name, action, filter, model, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING')
    .run(r.name, r.action, JSON.stringify(r.filter), r.model, r.createdAt);
  return res.changes === 1;
}

/** listRules lists the rules by name. */
export function listRules(db: Db): Rule[] {
  const rows = db.prepare('SELECT name, action, filter, model, created_at FROM rules ORDER BY name').all() as RuleRow[];
  return rows.map(ruleOf);
}

/** removeRule deletes a rule; true if there was one. */
export function removeRule(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM rules WHERE name = ?').run(name).changes === 1;
}
