import type { Db } from './connect.js';
import type { Correction, TextRow } from '../contract.js';

/** saveCorrection records a correction and labels the item so at once, replacing an earlier one. */
export function saveCorrection(db: Db, c: Omit<Correction, 'title'>): void {
  db.transaction(() => {
    db.prepare(`INSERT INTO corrections (item_id, model, label, was, source, created_at) VALUES (@itemId, @model, @label, @was, @source, @createdAt)
                ON CONFLICT(model, item_id) DO UPDATE SET label = excluded.label, source = excluded.source, created_at = excluded.created_at`).run(c);
    db.prepare(`INSERT INTO item_labels (item_id, model, label, confidence, labelled_at) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT(item_id, model) DO UPDATE SET label = excluded.label, confidence = 1, labelled_at = excluded.labelled_at`)
      .run(c.itemId, c.model, c.label, c.createdAt);
  }).immediate();
}

/** listCorrections lists corrections, of one model or all, oldest first. */
export function listCorrections(db: Db, model?: string): Correction[] {
  return db.prepare(`SELECT c.item_id AS itemId, c.model, c.label, c.was, c.source, c.created_at AS createdAt, i.title
                     FROM corrections c JOIN items i ON i.id = c.item_id
                     WHERE @model IS NULL OR c.model = @model ORDER BY c.created_at, c.item_id`).all({ model: model ?? null }) as Correction[];
}

/** countCorrections counts a model's corrections. */
export function countCorrections(db: Db, model: string): number {
  return (db.prepare('SELECT count(*) AS n FROM corrections WHERE model = ?').get(model) as { n: number }).n;
}

/** removeCorrection forgets a correction; it returns whether there was one. */
export function removeCorrection(db: Db, model: string, itemId: number): boolean {
  return db.prepare('DELETE FROM corrections WHERE model = ? AND item_id = ?').run(model, itemId).changes > 0;
}

/** correctionExamples are a model's corrections made against one training source, with the items' text. */
export function correctionExamples(db: Db, model: string, source: string): (TextRow & { label: string })[] {
  return db.prepare(`SELECT i.id, i.title, i.summary, i.content, c.label FROM corrections c JOIN items i ON i.id = c.item_id
                     WHERE c.model = ? AND c.source = ? ORDER BY i.id`).all(model, source) as (TextRow & { label: string })[];
}

/** correctedLabels maps item ids to the label a user gave them for this model, for the ids given. */
export function correctedLabels(db: Db, model: string, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  let lo = ids[0];
  let hi = ids[0];
  for (const id of ids) { lo = Math.min(lo, id); hi = Math.max(hi, id); }
  const wanted = new Set(ids);
  const rows = db.prepare('SELECT item_id AS id, label FROM corrections WHERE model = ? AND item_id BETWEEN ? AND ?')
    .all(model, lo, hi) as { id: number; label: string }[];
  return new Map(rows.filter((r) => wanted.has(r.id)).map((r) => [r.id, r.label]));
}
