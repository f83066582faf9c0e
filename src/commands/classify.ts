import readline from 'node:readline';
import { InputError, shownValue, UsageError } from '../errors.js';
import { readExamples, type Examples } from '../classify/examples.js';
import { deserializeModel, MODEL_FORMAT, serializeModel, type Model, type Prediction } from '../classify/classifier.js';
import { predictMany, startHelper, trainOnTwoThreads, type Helper } from '../classify/parallel.js';
import { calibrate, evaluate } from '../classify/metrics.js';
import type { StoredModel, TextRow } from '../store/contract.js';
import { partialCopies } from '../classify/augment.js';
import { itemSearchText } from '../text/search-text.js';
import type { Context } from './context.js';
import { applyRules, mergeOutcomes, type RuleOutcome } from './rule-apply.js';
import { reportRules } from './new-items.js';
import { displayName, readInput } from './input.js';
import type { EvalResult, LabelResult, TrainResult } from '../results.js';

/** DEFAULT_MODEL is the model name used when --model is not given. */
export const DEFAULT_MODEL = 'default';

/** itemText is what the classifier reads of a stored item: title, then summary and content as text. */
export function itemText(r: Pick<TextRow, 'title' | 'summary' | 'content'>): string {
  const t = itemSearchText(r);
  return `${t.title}\n${t.body}`;
}

/** TrainOptions choose where examples come from and the model's name. */
export interface TrainOptions {
  labels?: string;
  fromFolders?: boolean;
  depth?: number;
  /** Learn from the items' own categories (tags) used by at least minTagItems items. */
  fromTags?: boolean;
  minTagItems?: number;
  model: string;
  columns?: string[];
}

/**
 * CORRECTION_WEIGHT is how many ordinary examples a correction counts as in training. With its
 * partial copies it makes a handful of corrections matter against hundreds of examples
 * (test/classify/teach.test.ts).
 */
const CORRECTION_WEIGHT = 10;
/**
 * CORRECTION_COPIES is how many partial copies of a correction (each keeping a random half of its
 * words, each as heavy) join it, so that the model learns its words rather than the one text.
 */
const CORRECTION_COPIES = 10;

async function examplesFor(ctx: Context, o: TrainOptions): Promise<{ ex: Examples & { ids?: number[] }; source: string }> {
  if ([o.labels, o.fromFolders, o.fromTags].filter(Boolean).length !== 1)
    throw new UsageError('classify train: give exactly one of --labels FILE, --from-folders and --from-tags');
  if (o.fromTags) {
    const min = o.minTagItems ?? 10;
    if (!Number.isInteger(min) || min < 1) throw new UsageError(`--min-tag-items ${o.minTagItems}: must be a whole number from 1`);
    const rows = await (await ctx.store()).tagExamples(min);
    if (new Set(rows.map((r) => r.category)).size < 2)
      throw new InputError(
        'tags',
        `fewer than two tags are used by ${min} or more stored items (lower --min-tag-items, or crawl more)`,
        'bad-labels',
      );
    return {
      ex: { texts: rows.map(itemText), labels: rows.map((r) => r.category), ids: rows.map((r) => r.id) },
      source: `tags:min=${min}`,
    };
  }
  if (o.labels) {
    const name = displayName(o.labels);
    return { ex: readExamples(await readInput(o.labels), name, o.columns), source: `labels:${name}` };
  }
  const depth = o.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1) throw new UsageError(`--depth ${o.depth}: must be a whole number from 1`);
  const rows = await (await ctx.store()).folderExamples(depth);
  if (rows.length === 0)
    throw new InputError(
      'folders',
      'no stored items in feeds that are filed in a folder (import an OPML with folders, then crawl)',
      'bad-labels',
    );
  return {
    ex: { texts: rows.map(itemText), labels: rows.map((r) => r.category), ids: rows.map((r) => r.id) },
    source: `folders:depth=${depth}`,
  };
}

/**
 * withCorrections adds a model's corrections made against this source to its examples: an item
 * already among them (trained from folders) takes the corrected label, any other is added, and
 * partial copies follow; each counts CORRECTION_WEIGHT times.
 */
async function withCorrections(
  ctx: Context,
  model: string,
  source: string,
  ex: Examples & { ids?: number[] },
): Promise<{ ex: Examples; weight?: Float32Array; used: number; examples: number }> {
  const fixes = await (await ctx.store()).correctionExamples(model, source);
  if (fixes.length === 0) return { ex, used: 0, examples: ex.texts.length };
  const at = new Map((ex.ids ?? []).map((id, k) => [id, k]));
  const texts = [...ex.texts];
  const labels = [...ex.labels];
  const heavy: number[] = [];
  for (const f of fixes) {
    const k = at.get(f.id);
    if (k === undefined) {
      heavy.push(texts.length);
      texts.push(itemText(f));
      labels.push(f.label);
    } else {
      labels[k] = f.label;
      heavy.push(k);
    }
  }
  const examples = texts.length; // the copies that follow are not examples of their own
  for (const f of fixes) {
    for (const t of partialCopies(itemText(f), CORRECTION_COPIES, f.id)) {
      heavy.push(texts.length);
      texts.push(t);
      labels.push(f.label);
    }
  }
  const weight = new Float32Array(texts.length).fill(1);
  for (const k of heavy) weight[k] = CORRECTION_WEIGHT;
  return { ex: { texts, labels }, weight, used: fixes.length, examples };
}

async function learn(ctx: Context, o: TrainOptions, helper?: Helper) {
  const given = await examplesFor(ctx, o);
  const { source } = given;
  const { ex, weight, used, examples } = await withCorrections(ctx, o.model, source, given.ex);
  const perLabel: Record<string, number> = {};
  for (const l of ex.labels.slice(0, examples)) perLabel[l] = (perLabel[l] ?? 0) + 1;
  const names = Object.keys(perLabel);
  if (names.length < 2) {
    throw new InputError(
      source.replace(/^\w+:/, ''),
      `only one label ("${names[0]}") in ${examples} examples; a classifier needs at least two`,
      'bad-labels',
    );
  }
  const model = { ...(await trainOnTwoThreads(ex.texts, ex.labels, { weight }, helper)), trainSize: examples };
  return { model, source, examples, used, perLabel };
}

/**
 * trainCommand learns a model and stores it under its name. The previous model of that name is
 * replaced only once the new one is trained and written; any failure leaves it untouched.
 */
export async function trainCommand(ctx: Context, o: TrainOptions): Promise<TrainResult> {
  if (!/^[\w.-]{1,64}$/.test(o.model)) throw new UsageError(`--model ${shownValue(o.model)}: use letters, digits, ".", "_" or "-"`);
  const started = Date.now();
  const helper = startHelper(); // loads while the examples are read
  let r: Awaited<ReturnType<typeof learn>>;
  try {
    r = await learn(ctx, o, helper);
  } finally {
    helper?.close();
  }
  const { model, source } = r;
  const blob = serializeModel(model);
  await (
    await ctx.store()
  ).saveModel({
    name: o.model,
    format: MODEL_FORMAT,
    labels: model.labels,
    trainSize: model.trainSize,
    source,
    createdAt: ctx.now().toISOString(),
    params: model.params,
    blob,
  });
  return {
    model: o.model,
    source,
    examples: r.examples,
    corrections: r.used,
    perLabel: r.perLabel,
    seconds: (Date.now() - started) / 1000,
    bytes: blob.length,
  };
}

/** loadModel reads a stored model by name, with a clear error when it does not exist. */
export async function loadModel(ctx: Context, name: string): Promise<Model> {
  const store = await ctx.store();
  const blob = await store.loadModelBlob(name);
  if (!blob) {
    const known = (await store.listModels()).map((m) => m.name);
    throw new InputError(
      `model "${name}"`,
      `no such model (${known.length ? `have: ${known.join(', ')}` : 'train one with `inkzee classify train`'})`,
      'no-model',
    );
  }
  return deserializeModel(blob);
}

// Items labelled per round: enough for predictMany to split the work across two threads.
const LABEL_BATCH = 20_000;

/** checkMinConfidence refuses a --min-confidence outside [0, 1]. */
function checkMinConfidence(x: number | undefined): number {
  if (x === undefined) return 0;
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`--min-confidence ${x}: must be a number from 0 to 1, e.g. 0.8`);
  return x;
}

/**
 * labelCommand labels stored items that this model has not labelled yet (all of them with `all`).
 * An item a user corrected keeps the taught label; one whose best guess is below `minConfidence`
 * gets no label (and loses an older one), so `items --label` never lists a guess.
 */
export async function labelCommand(ctx: Context, o: { model: string; all?: boolean; minConfidence?: number }): Promise<LabelResult> {
  const min = checkMinConfidence(o.minConfidence);
  const model = await loadModel(ctx, o.model);
  const db = await ctx.store();
  const result: LabelResult = { model: o.model, labelled: 0, byLabel: {}, unsure: 0, taught: 0 };
  const now = ctx.now().toISOString();
  // The --label rules that read this model's labels, read once: they apply to each batch as it is labelled.
  const rules = (await db.listRules()).filter((r) => r.filter.label !== undefined && r.model === o.model);
  const ruled: RuleOutcome[] = [];
  for (let after = 0; ;) {
    if (ctx.signal.aborted) break;
    const rows = await db.itemsToLabel(o.model, !!o.all, after, LABEL_BATCH);
    if (rows.length === 0) break;
    const preds = await predictMany(model, rows.map(itemText));
    const taught = await db.correctedLabels(
      o.model,
      rows.map((r) => r.id),
    );
    const sure: { id: number; label: string; confidence: number }[] = [];
    const unsure: number[] = [];
    rows.forEach((r, k) => {
      const label = taught.get(r.id);
      if (label !== undefined) {
        sure.push({ id: r.id, label, confidence: 1 });
        result.taught++;
      } else if (preds[k].confidence >= min) sure.push({ id: r.id, ...preds[k] });
      else unsure.push(r.id);
    });
    // The rules apply to the items whose label is new or changed, not to those `--all` labels the
    // same again: a rule marks an item once, and one the user marked unread since stays unread.
    const before = rules.length
      ? await db.labelsOf(
          o.model,
          sure.map((p) => p.id),
        )
      : new Map<number, string>();
    await db.saveLabels(o.model, sure, now);
    await db.forgetLabels(o.model, unsure);
    const relabelled = sure.filter((p) => before.get(p.id) !== p.label).map((p) => p.id);
    if (rules.length && relabelled.length) ruled.push(...(await applyRules(db, rules, { now, dryRun: false, ids: relabelled })));
    for (const p of sure) result.byLabel[p.label] = (result.byLabel[p.label] ?? 0) + 1;
    // Batches move forward by id, so no item is counted twice.
    result.unsure += unsure.length;
    result.labelled += sure.length;
    after = rows.at(-1)!.id;
  }
  reportRules(ctx, mergeOutcomes(ruled), 'labelled');
  return result;
}

/** evalCommand scores a model on a labelled file: accuracy, per-label figures, calibration, coverage. */
export async function evalCommand(ctx: Context, file: string, o: { model: string; columns?: string[] }): Promise<EvalResult> {
  const model = await loadModel(ctx, o.model);
  const name = displayName(file);
  const ex = readExamples(await readInput(file), name, o.columns);
  checkKnownLabels(name, o.model, model.labels, ex.labels);
  const preds = await predictMany(model, ex.texts);
  const calibration = calibrate(
    preds.map((p, k) => p.label === ex.labels[k]),
    preds.map((p) => p.confidence),
  );
  return {
    model: o.model,
    source: name,
    ...evaluate(
      ex.labels,
      preds.map((p) => p.label),
    ),
    calibration,
  };
}

/**
 * checkKnownLabels refuses a labelled file with labels the model was not trained on: it can never
 * predict them, so every such row would count as wrong and the scores measure the file, not the
 * model (an all-unknown file scored 0 % and exited 0). Bad input, exit 1, naming the labels.
 */
function checkKnownLabels(source: string, modelName: string, known: readonly string[], labels: readonly string[]): void {
  const has = new Set(known);
  const unknown = new Map<string, number>();
  for (const l of labels) if (!has.has(l)) unknown.set(l, (unknown.get(l) ?? 0) + 1);
  if (unknown.size === 0) return;
  const list = (names: string[]) => names.slice(0, 10).join(', ') + (names.length > 10 ? `, and ${names.length - 10} more` : '');
  const rows = [...unknown].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${JSON.stringify(l)} (${n} row${n === 1 ? '' : 's'})`);
  throw new InputError(
    source,
    `labels model "${modelName}" does not know: ${list(rows)}; it knows ${list(known.map((l) => JSON.stringify(l)))}`,
    'bad-labels',
  );
}

/** modelsCommand lists stored models. */
export async function modelsCommand(ctx: Context): Promise<StoredModel[]> {
  return (await ctx.store()).listModels();
}

/**
 * stdinCommand reads NDJSON items (as `inkzee items --json` writes them) and hands back each
 * object with "label" and "confidence" added, in input order, in batches. Below `minConfidence`
 * the label is null and the best guess is in "guess", so a pipe that routes by label never acts
 * on a guess.
 */
export async function stdinCommand(
  ctx: Context,
  o: { model: string; minConfidence?: number },
  emit: (obj: object) => void,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const min = checkMinConfidence(o.minConfidence);
  const model = await loadModel(ctx, o.model);
  let batch: Record<string, unknown>[] = [];
  let n = 0;
  let line = 0;
  const flush = async () => {
    const preds: Prediction[] = await predictMany(
      model,
      batch.map((b) =>
        itemText({
          title: typeof b.title === 'string' ? b.title : null,
          summary: typeof b.summary === 'string' ? b.summary : typeof b.description === 'string' ? b.description : null,
          content: typeof b.content === 'string' ? b.content : typeof b.text === 'string' ? b.text : null,
        }),
      ),
    );
    batch.forEach((b, k) =>
      emit(
        preds[k].confidence >= min
          ? { ...b, label: preds[k].label, confidence: preds[k].confidence }
          : { ...b, label: null, guess: preds[k].label, confidence: preds[k].confidence },
      ),
    );
    n += batch.length;
    batch = [];
  };
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      throw new InputError('stdin', `line ${line}: not valid JSON`, 'bad-input');
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new InputError('stdin', `line ${line}: not a JSON object`, 'bad-input');
    batch.push(o as Record<string, unknown>);
    if (batch.length >= 1000) await flush();
  }
  if (batch.length) await flush();
  return n;
}
