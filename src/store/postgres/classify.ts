// The classifier's tables on PostgreSQL: models (bytea blobs), the labels they gave items, and a
// user's corrections — the same rows and order as the SQLite store's ../sqlite/classify.ts.
import type { LabelRow, ModelToSave } from '../contract.js';
import { query, transaction, type Pg } from './connect.js';
import { folderNames } from '../shared/folders.js';
import type { Correction, StoredModel, TextRow } from '../contract.js';

type Labelled = TextRow & { label: string | null; confidence: number | null };
type Example = TextRow & { category: string };

/**
 * saveModel stores a model under its name, replacing one of the same name and the labels it gave,
 * in one transaction: until it commits, the previous model stays whole.
 */
export async function saveModel(db: Pg, m: ModelToSave): Promise<void> {
  await transaction(db, async (c) => {
    await c.query('DELETE FROM item_labels WHERE model = $1', [m.name]);
    await c.query(
      `INSERT INTO models (name, format, labels, train_size, source, params, created_at, blob)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                   ON CONFLICT (name) DO UPDATE SET format = excluded.format, labels = excluded.labels, train_size = excluded.train_size,
                     source = excluded.source, params = excluded.params, created_at = excluded.created_at, blob = excluded.blob`,
      [m.name, m.format, JSON.stringify(m.labels), m.trainSize, m.source, JSON.stringify(m.params), m.createdAt, m.blob],
    );
  });
}

/** loadModelBlob returns a model's serialized form, if the model exists. */
export async function loadModelBlob(db: Pg, name: string): Promise<Buffer | undefined> {
  return (await query<{ blob: Buffer }>(db, 'SELECT blob FROM models WHERE name = $1', [name]))[0]?.blob;
}

/** listModels lists the models, newest first, with their correction counts. */
export async function listModels(db: Pg): Promise<StoredModel[]> {
  return query<StoredModel>(
    db,
    `SELECT name, format, labels, train_size AS "trainSize", source, created_at AS "createdAt",
                                   octet_length(blob) AS bytes, (SELECT count(*) FROM corrections c WHERE c.model = m.name) AS corrections
                                 FROM models m ORDER BY created_at DESC, name`,
  );
}

/** modelSource is a model's training source ("folders:depth=1"), if the model exists. */
export async function modelSource(db: Pg, name: string): Promise<string | undefined> {
  return (await query<{ source: string }>(db, 'SELECT source FROM models WHERE name = $1', [name]))[0]?.source;
}

/** itemForLabel reads one item's text and the label this model gave it. */
export async function itemForLabel(db: Pg, model: string, id: number): Promise<Labelled | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  return (
    await query<Labelled>(
      db,
      `SELECT i.id, i.title, i.summary, i.content, l.label, l.confidence FROM items i
                                     LEFT JOIN item_labels l ON l.item_id = i.id AND l.model = $1 WHERE i.id = $2`,
      [model, id],
    )
  )[0];
}

/** forgetLabels drops a model's labels of these items. */
export async function forgetLabels(db: Pg, model: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await query(db, 'DELETE FROM item_labels WHERE model = $1 AND item_id = ANY($2::bigint[])', [model, ids], 'write');
}

/** itemsToLabel lists items after an id the model has not labelled (or all), in id order. */
export async function itemsToLabel(db: Pg, model: string, all: boolean, afterId: number, limit: number): Promise<TextRow[]> {
  const unlabelled = all ? '' : 'AND NOT EXISTS (SELECT 1 FROM item_labels l WHERE l.item_id = i.id AND l.model = $3)';
  return query<TextRow>(
    db,
    `SELECT i.id, i.title, i.summary, i.content FROM items i WHERE i.id > $1 ${unlabelled} ORDER BY i.id LIMIT $2`,
    all ? [afterId, limit] : [afterId, limit, model],
  );
}

/** saveLabels records labels, replacing a model's earlier ones for those items, in one statement. */
export async function saveLabels(db: Pg, model: string, labels: readonly LabelRow[], now: string): Promise<void> {
  if (labels.length === 0) return;
  // One row per item, the last given winning as in SQLite's loop (ON CONFLICT may not touch a row twice).
  const last = new Map(labels.map((l) => [l.id, l]));
  // In id order, whatever order they came in: two runs labelling the same items in different
  // orders each waited for a row the other had written (deadlock, SQLSTATE 40P01).
  const rows = [...last.values()].sort((a, b) => a.id - b.id);
  await query(
    db,
    `INSERT INTO item_labels (item_id, model, label, confidence, labelled_at)
                   SELECT id, $1, label, confidence, $2 FROM unnest($3::bigint[], $4::text[], $5::float8[]) AS t (id, label, confidence)
                   ORDER BY id
                   ON CONFLICT (item_id, model) DO UPDATE SET label = excluded.label, confidence = excluded.confidence, labelled_at = excluded.labelled_at`,
    [model, now, rows.map((l) => l.id), rows.map((l) => l.label), rows.map((l) => l.confidence)],
    'write',
  );
}

/**
 * tagExamples lists items that carry a tag used by at least `minItems` items, each as an example
 * of its most widely used such tag (ties go to the feed's order). Tags match without regard to
 * case (toLocaleLowerCase, as the SQLite store folds them); a label is spelt as first seen.
 */
export async function tagExamples(db: Pg, minItems: number): Promise<Example[]> {
  type Row = TextRow & { categories: string[] };
  const count = new Map<string, number>();
  const spelling = new Map<string, string>();
  const rows = (
    await query<Row>(db, `SELECT id, title, summary, content, categories FROM items WHERE categories <> '[]'::jsonb ORDER BY id`)
  ).map((r) => {
    const tags = new Set<string>();
    for (const t of r.categories) {
      const k = t.toLocaleLowerCase();
      if (!spelling.has(k)) spelling.set(k, t);
      tags.add(k);
    }
    for (const k of tags) count.set(k, (count.get(k) ?? 0) + 1);
    return { id: r.id, title: r.title, summary: r.summary, content: r.content, tags };
  });
  const out: Example[] = [];
  for (const { tags, ...row } of rows) {
    let best: string | null = null;
    for (const t of tags) if (count.get(t)! >= minItems && (best === null || count.get(t)! > count.get(best)!)) best = t;
    if (best !== null) out.push({ ...row, category: spelling.get(best)! });
  }
  return out;
}

/** folderExamples lists items of filed feeds with their folder cut to a depth. */
export async function folderExamples(db: Pg, depth: number): Promise<Example[]> {
  const rows = await query<Example>(
    db,
    `SELECT i.id, i.title, i.summary, i.content, f.category FROM items i JOIN feeds f ON f.id = i.feed_id
                                         WHERE f.category <> '' ORDER BY i.id`,
  );
  return rows.map((row) => ({ ...row, category: folderNames(row.category).slice(0, depth).join('/') }));
}

/** saveCorrection records a correction and labels the item so at once, replacing an earlier one. */
export async function saveCorrection(db: Pg, c: Omit<Correction, 'title'>): Promise<void> {
  await transaction(db, async (t) => {
    await t.query(
      `INSERT INTO corrections (item_id, model, label, was, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (model, item_id) DO UPDATE SET label = excluded.label, source = excluded.source, created_at = excluded.created_at`,
      [c.itemId, c.model, c.label, c.was, c.source, c.createdAt],
    );
    await t.query(
      `INSERT INTO item_labels (item_id, model, label, confidence, labelled_at) VALUES ($1, $2, $3, 1, $4)
                   ON CONFLICT (item_id, model) DO UPDATE SET label = excluded.label, confidence = 1, labelled_at = excluded.labelled_at`,
      [c.itemId, c.model, c.label, c.createdAt],
    );
  });
}

/** listCorrections lists corrections, of one model or all, oldest first. */
export async function listCorrections(db: Pg, model?: string): Promise<Correction[]> {
  return query<Correction>(
    db,
    `SELECT c.item_id AS "itemId", c.model, c.label, c.was, c.source, c.created_at AS "createdAt", i.title
                                FROM corrections c JOIN items i ON i.id = c.item_id
                                WHERE $1::text IS NULL OR c.model = $1 ORDER BY c.created_at, c.item_id`,
    [model ?? null],
  );
}

/** countCorrections counts a model's corrections. */
export async function countCorrections(db: Pg, model: string): Promise<number> {
  return (await query<{ n: number }>(db, 'SELECT count(*) AS n FROM corrections WHERE model = $1', [model]))[0].n;
}

/** removeCorrection forgets a correction and says whether there was one. */
export async function removeCorrection(db: Pg, model: string, itemId: number): Promise<boolean> {
  if (!Number.isSafeInteger(itemId)) return false;
  return (await query(db, 'DELETE FROM corrections WHERE model = $1 AND item_id = $2 RETURNING 1', [model, itemId], 'write')).length > 0;
}

/** correctionExamples are a model's corrections against one source, with the items' text. */
export async function correctionExamples(db: Pg, model: string, source: string): Promise<(TextRow & { label: string })[]> {
  return query<TextRow & { label: string }>(
    db,
    `SELECT i.id, i.title, i.summary, i.content, c.label FROM corrections c
                                                 JOIN items i ON i.id = c.item_id WHERE c.model = $1 AND c.source = $2 ORDER BY i.id`,
    [model, source],
  );
}

/** correctedLabels maps the given item ids to the label a user gave them for this model. */
export async function correctedLabels(db: Pg, model: string, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await query<{ id: number; label: string }>(
    db,
    'SELECT item_id AS id, label FROM corrections WHERE model = $1 AND item_id = ANY($2::bigint[]) ORDER BY item_id',
    [model, ids],
  );
  return new Map(rows.map((r) => [r.id, r.label]));
}
