// The classifier's tables on SQLite: models (blobs), the labels they gave items, and a user's
// corrections (../postgres/classify.ts is the counterpart).
import type { Db } from './connect.js';
import { folderNames } from '../shared/folders.js';
import type { Correction, StoredModel, TextRow } from '../contract.js';

/**
 * saveModel stores a trained model under its name, replacing one of the same name and the labels
 * it gave, in one transaction: until it commits, the previous model stays whole.
 */
export function saveModel(db: Db, m: Omit<StoredModel, 'bytes' | 'corrections'> & { params: object; blob: Buffer }): void {
  db.transaction(() => {
    db.prepare('DELETE FROM item_labels WHERE model = ?').run(m.name);
    db.prepare(
      `INSERT INTO models (name, format, labels, train_size, source, params, created_at, blob)
                VALUES (@name, @format, @labels, @trainSize, @source, @params, @createdAt, @blob)
                ON CONFLICT(name) DO UPDATE SET format = excluded.format, labels = excluded.labels, train_size = excluded.train_size,
                  source = excluded.source, params = excluded.params, created_at = excluded.created_at, blob = excluded.blob`,
    ).run({ ...m, labels: JSON.stringify(m.labels), params: JSON.stringify(m.params) });
  }).immediate();
}

/** loadModelBlob returns a model's serialized form, or undefined if there is no such model. */
export function loadModelBlob(db: Db, name: string): Buffer | undefined {
  return (db.prepare('SELECT blob FROM models WHERE name = ?').get(name) as { blob: Buffer } | undefined)?.blob;
}

/** listModels lists the stored models, newest first. */
export function listModels(db: Db): StoredModel[] {
  const rows = db
    .prepare(
      `SELECT name, format, labels, train_size AS trainSize, source, created_at AS createdAt, length(blob) AS bytes,
                             (SELECT count(*) FROM corrections c WHERE c.model = m.name) AS corrections
                           FROM models m ORDER BY created_at DESC, name`,
    )
    .all() as (Omit<StoredModel, 'labels'> & { labels: string })[];
  return rows.map((r) => ({ ...r, labels: JSON.parse(r.labels) as string[] }));
}

/** modelSource is the training source of a stored model ("folders:depth=1", "labels:news.csv"), if it exists. */
export function modelSource(db: Db, name: string): string | undefined {
  return (db.prepare('SELECT source FROM models WHERE name = ?').get(name) as { source: string } | undefined)?.source;
}

/** itemForLabel reads one item's text and the label this model gave it, if any. */
export function itemForLabel(
  db: Db,
  model: string,
  id: number,
): (TextRow & { label: string | null; confidence: number | null }) | undefined {
  return db
    .prepare(
      `SELECT i.id, i.title, i.summary, i.content, l.label, l.confidence FROM items i
                     LEFT JOIN item_labels l ON l.item_id = i.id AND l.model = ? WHERE i.id = ?`,
    )
    .get(model, id) as (TextRow & { label: string | null; confidence: number | null }) | undefined;
}

/** forgetLabels drops the labels a model gave some items (those it is no longer sure of). */
export function forgetLabels(db: Db, model: string, ids: readonly number[]): void {
  const del = db.prepare('DELETE FROM item_labels WHERE model = ? AND item_id = ?');
  db.transaction(() => {
    for (const id of ids) del.run(model, id);
  })();
}

/** itemsToLabel lists items the model has not labelled yet (or all items), in id order. */
export function itemsToLabel(db: Db, model: string, all: boolean, afterId: number, limit: number): TextRow[] {
  const where = all
    ? 'i.id > @afterId'
    : 'i.id > @afterId AND NOT EXISTS (SELECT 1 FROM item_labels l WHERE l.item_id = i.id AND l.model = @model)';
  return db
    .prepare(`SELECT i.id, i.title, i.summary, i.content FROM items i WHERE ${where} ORDER BY i.id LIMIT @limit`)
    .all({ model, afterId, limit }) as TextRow[];
}

/** saveLabels records a model's label and confidence for items, replacing earlier ones. */
export function saveLabels(db: Db, model: string, labels: readonly { id: number; label: string; confidence: number }[], now: string): void {
  const put = db.prepare(`INSERT INTO item_labels (item_id, model, label, confidence, labelled_at) VALUES (?, ?, ?, ?, ?)
                          ON CONFLICT(item_id, model) DO UPDATE SET label = excluded.label, confidence = excluded.confidence, labelled_at = excluded.labelled_at`);
  db.transaction(() => {
    for (const l of labels) put.run(l.id, model, l.label, l.confidence, now);
  })();
}

/**
 * tagExamples lists items that carry a tag used by at least `minItems` items, each as an example
 * of its most widely used such tag (the broadest topic it names; ties go to the feed's order).
 * Tags match without regard to case; a label is spelt as the tag was first seen.
 */
export function tagExamples(db: Db, minItems: number): (TextRow & { category: string })[] {
  type Row = TextRow & { categories: string };
  const count = new Map<string, number>();
  const spelling = new Map<string, string>();
  const rows = (
    db.prepare(`SELECT id, title, summary, content, categories FROM items WHERE categories <> '[]' ORDER BY id`).all() as Row[]
  ).map((r) => {
    const tags = new Set<string>();
    for (const t of JSON.parse(r.categories) as string[]) {
      const k = t.toLocaleLowerCase();
      if (!spelling.has(k)) spelling.set(k, t);
      tags.add(k);
    }
    for (const k of tags) count.set(k, (count.get(k) ?? 0) + 1);
    return { id: r.id, title: r.title, summary: r.summary, content: r.content, tags };
  });
  const out: (TextRow & { category: string })[] = [];
  for (const { tags, ...row } of rows) {
    let best: string | null = null;
    for (const t of tags) if (count.get(t)! >= minItems && (best === null || count.get(t)! > count.get(best)!)) best = t;
    if (best !== null) out.push({ ...row, category: spelling.get(best)! });
  }
  return out;
}

/** folderExamples lists items of filed feeds with their folder cut to a depth, as training examples. */
export function folderExamples(db: Db, depth: number): (TextRow & { category: string })[] {
  return db
    .prepare(
      `SELECT i.id, i.title, i.summary, i.content, f.category FROM items i JOIN feeds f ON f.id = i.feed_id
                     WHERE f.category <> '' ORDER BY i.id`,
    )
    .all()
    .map((r) => {
      const row = r as TextRow & { category: string };
      return { ...row, category: folderNames(row.category).slice(0, depth).join('/') };
    });
}

/** saveCorrection records a correction and labels the item so at once, replacing an earlier one. */
export function saveCorrection(db: Db, c: Omit<Correction, 'title'>): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO corrections (item_id, model, label, was, source, created_at) VALUES (@itemId, @model, @label, @was, @source, @createdAt)
                ON CONFLICT(model, item_id) DO UPDATE SET label = excluded.label, source = excluded.source, created_at = excluded.created_at`,
    ).run(c);
    db.prepare(
      `INSERT INTO item_labels (item_id, model, label, confidence, labelled_at) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT(item_id, model) DO UPDATE SET label = excluded.label, confidence = 1, labelled_at = excluded.labelled_at`,
    ).run(c.itemId, c.model, c.label, c.createdAt);
  }).immediate();
}

/** listCorrections lists corrections, of one model or all, oldest first. */
export function listCorrections(db: Db, model?: string): Correction[] {
  return db
    .prepare(
      `SELECT c.item_id AS itemId, c.model, c.label, c.was, c.source, c.created_at AS createdAt, i.title
                     FROM corrections c JOIN items i ON i.id = c.item_id
                     WHERE @model IS NULL OR c.model = @model ORDER BY c.created_at, c.item_id`,
    )
    .all({ model: model ?? null }) as Correction[];
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
  return db
    .prepare(
      `SELECT i.id, i.title, i.summary, i.content, c.label FROM corrections c JOIN items i ON i.id = c.item_id
                     WHERE c.model = ? AND c.source = ? ORDER BY i.id`,
    )
    .all(model, source) as (TextRow & { label: string })[];
}

/** correctedLabels maps item ids to the label a user gave them for this model, for the ids given. */
export function correctedLabels(db: Db, model: string, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  let lo = ids[0];
  let hi = ids[0];
  for (const id of ids) {
    lo = Math.min(lo, id);
    hi = Math.max(hi, id);
  }
  const wanted = new Set(ids);
  const rows = db
    .prepare('SELECT item_id AS id, label FROM corrections WHERE model = ? AND item_id BETWEEN ? AND ?')
    .all(model, lo, hi) as { id: number; label: string }[];
  return new Map(rows.filter((r) => wanted.has(r.id)).map((r) => [r.id, r.label]));
}
