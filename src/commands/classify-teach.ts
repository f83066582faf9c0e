// The classifier's conversation with its reader: why an item got its label (explain), and the
// reader's corrections, which label the item at once and join every later training (teach).
import { InputError, shownValue, UsageError } from '../errors.js';
import { explain } from '../classify/explain.js';
import { predict } from '../classify/classifier.js';
import type { Context } from './context.js';
import { DEFAULT_MODEL, itemText, loadModel } from './classify.js';
import type { CorrectionsResult, ExplainResult, TeachResult } from '../results.js';

function itemId(s: string): number {
  const id = Number(s);
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(id) || id < 1)
    throw new UsageError(`item ${shownValue(s)}: give the item's id, a whole number from \`inkzee items\``);
  return id;
}

async function storedItem(ctx: Context, model: string, id: number) {
  const row = await (await ctx.store()).itemForLabel(model, id);
  if (!row) throw new InputError(`item ${id}`, 'no such item', 'no-item');
  return row;
}

/** explainCommand explains the label a model gives a stored item, in the item's own words. */
export async function explainCommand(ctx: Context, item: string, o: { model: string; top?: number }): Promise<ExplainResult> {
  const id = itemId(item);
  const model = await loadModel(ctx, o.model);
  const row = await storedItem(ctx, o.model, id);
  const taught = (await (await ctx.store()).correctedLabels(o.model, [id])).get(id) ?? null;
  return { model: o.model, item: id, title: row.title, taught, ...explain(model, itemText(row), o.top) };
}

/**
 * teachCommand records that a stored item belongs under `label` for a model: the item is labelled
 * so at once, and the correction joins every later `classify train` of the model from the same
 * source. The label must be one the model knows (matched regardless of case).
 */
export async function teachCommand(ctx: Context, item: string, label: string, o: { model: string }): Promise<TeachResult> {
  const id = itemId(item);
  const model = await loadModel(ctx, o.model);
  const known = model.labels.find((l) => l === label) ?? model.labels.find((l) => l.toLowerCase() === label.trim().toLowerCase());
  if (!known)
    throw new InputError(`label "${label}"`, `model "${o.model}" does not know it (labels: ${model.labels.join(', ')})`, 'bad-labels');
  const db = await ctx.store();
  const row = await storedItem(ctx, o.model, id);
  const was = row.label ?? predict(model, [itemText(row)])[0].label;
  await db.saveCorrection({
    itemId: id,
    model: o.model,
    label: known,
    was,
    source: (await db.modelSource(o.model))!,
    createdAt: ctx.now().toISOString(),
  });
  return { model: o.model, item: id, title: row.title, label: known, was, corrections: await db.countCorrections(o.model) };
}

/**
 * correctionsCommand lists the corrections (of one model, or of all), or removes one: the item
 * then takes the model's own label again at once, and later trainings leave it out.
 */
export async function correctionsCommand(ctx: Context, o: { model?: string; remove?: string }): Promise<CorrectionsResult> {
  const db = await ctx.store();
  if (o.remove === undefined) return { kind: 'list', corrections: await db.listCorrections(o.model) };
  const id = itemId(o.remove);
  const modelName = o.model ?? DEFAULT_MODEL;
  const label = (await db.correctedLabels(modelName, [id])).get(id);
  if (label === undefined || !(await db.removeCorrection(modelName, id)))
    throw new InputError(
      `item ${id}`,
      `no correction for model "${modelName}" (\`inkzee classify corrections\` lists them)`,
      'no-correction',
    );
  let now: string | null = null;
  const row = await db.itemForLabel(modelName, id);
  if (row && (await db.modelSource(modelName)) !== undefined) {
    const p = predict(await loadModel(ctx, modelName), [itemText(row)])[0];
    await db.saveLabels(modelName, [{ id, ...p }], ctx.now().toISOString());
    now = p.label;
  }
  return { kind: 'removed', model: modelName, item: id, label, now };
}
