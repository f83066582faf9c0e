// The CLI's classify actions: each turns parsed flags into a command call and hands the result to output.
import type { Context } from './context.js';
import { evalCommand, labelCommand, modelsCommand, stdinCommand, trainCommand } from './classify.js';
import { correctionsCommand, explainCommand, teachCommand } from './classify-teach.js';
import { printCorrections, printEval, printExplain, printLabel, printModels, printTeach, printTrain } from '../output/classify.js';
import { UsageError } from '../errors.js';
import { optionalFlag } from './flags.js';

const columnsOf = (c?: string) =>
  c
    ? c
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** classifyTrainAction runs `inkzee classify train`. */
export async function classifyTrainAction(
  ctx: Context,
  opts: {
    labels?: string;
    fromFolders?: boolean;
    depth?: string;
    fromTags?: boolean;
    minTagItems?: string;
    model?: string;
    columns?: string;
  },
): Promise<void> {
  const depth = optionalFlag('--depth', opts.depth);
  const minTagItems = optionalFlag('--min-tag-items', opts.minTagItems);
  printTrain(
    ctx.out,
    await trainCommand(ctx, {
      labels: opts.labels,
      fromFolders: opts.fromFolders,
      depth,
      fromTags: opts.fromTags,
      minTagItems,
      model: ctx.cfg.model,
      columns: columnsOf(opts.columns),
    }),
  );
}

/** classifyAction runs `inkzee classify` (label stored items) and `inkzee classify --stdin`. */
export async function classifyAction(
  ctx: Context,
  opts: { model?: string; all?: boolean; stdin?: boolean; minConfidence?: string },
): Promise<void> {
  const model = ctx.cfg.model;
  const minConfidence = optionalFlag('--min-confidence', opts.minConfidence);
  if (opts.stdin) {
    if (opts.all) throw new UsageError('classify: --all labels stored items; it does not go with --stdin');
    await stdinCommand(ctx, { model, minConfidence }, (o) => ctx.out.record(o));
    return;
  }
  printLabel(ctx.out, await labelCommand(ctx, { model, all: opts.all, minConfidence }));
}

/** classifyEvalAction runs `inkzee classify eval FILE`. */
export async function classifyEvalAction(ctx: Context, file: string, opts: { model?: string; columns?: string }): Promise<void> {
  printEval(ctx.out, await evalCommand(ctx, file, { model: ctx.cfg.model, columns: columnsOf(opts.columns) }));
}

/** classifyModelsAction runs `inkzee classify models`. */
export async function classifyModelsAction(ctx: Context): Promise<void> {
  printModels(ctx.out, await modelsCommand(ctx));
}

/** classifyExplainAction runs `inkzee classify explain ITEM`. */
export async function classifyExplainAction(ctx: Context, item: string, opts: { model?: string; top?: string }): Promise<void> {
  const top = optionalFlag('--top', opts.top);
  printExplain(ctx.out, await explainCommand(ctx, item, { model: ctx.cfg.model, top }));
}

/** classifyTeachAction runs `inkzee classify teach ITEM LABEL`. */
// --model reaches the command through ctx.cfg.model (flag, INKZEE_MODEL, config file, "default").
export async function classifyTeachAction(ctx: Context, item: string, label: string): Promise<void> {
  printTeach(ctx.out, await teachCommand(ctx, item, label, { model: ctx.cfg.model }));
}

/** classifyCorrectionsAction runs `inkzee classify corrections [--remove ITEM]`. */
export async function classifyCorrectionsAction(ctx: Context, opts: { model?: string; remove?: string }): Promise<void> {
  // Listing, no --model means every model; removing, the configured one.
  const model = opts.remove === undefined ? opts.model : ctx.cfg.model;
  printCorrections(ctx.out, await correctionsCommand(ctx, { model, remove: opts.remove }));
}
