// Rules as stored on PostgreSQL; the SQLite counterpart is ../sqlite/rules.ts.
import { query, type Pg } from './connect.js';
import type { Rule } from '../contract.js';
import { ruleOf, type RuleRow } from '../shared/rules.js';

/** addRule stores a rule unless its name is taken; true if it was stored. */
export async function addRule(db: Pg, r: Rule): Promise<boolean> {
  const rows = await query(
    db,
    `INSERT INTO rules (name, action, filter, model, created_at) VALUES ($1, $2, $3::jsonb, $4, $5)
     ON CONFLICT (name) DO NOTHING RETURNING name`,
    [r.name, r.action, JSON.stringify(r.filter), r.model, r.createdAt],
    'write',
  );
  return rows.length === 1;
}

/** listRules lists the rules by name. */
export async function listRules(db: Pg): Promise<Rule[]> {
  return (await query<RuleRow>(db, 'SELECT name, action, filter, model, created_at FROM rules ORDER BY name')).map(ruleOf);
}

/** removeRule deletes a rule; true if there was one. */
export async function removeRule(db: Pg, name: string): Promise<boolean> {
  return (await query(db, 'DELETE FROM rules WHERE name = $1 RETURNING name', [name], 'write')).length === 1;
}
