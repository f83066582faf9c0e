import type { Evidence } from '../classify/explain.js';
import type { Output } from './output.js';
import { renderTable } from './table.js';
import { oneLine } from './sanitize.js';
import type { StoredModel } from '../store/contract.js';
import type { CorrectionsResult, EvalResult, ExplainResult, LabelResult, TeachResult, TrainResult } from '../results.js';

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** printTrain reports a trained model. */
export function printTrain(out: Output, r: TrainResult): void {
  if (out.cfg.json) {
    out.record({ type: 'train', ...r });
    return;
  }
  const labels = Object.entries(r.perLabel)
    .map(([l, n]) => `${l} ${n}`)
    .join(', ');
  const fixes = r.corrections ? `, ${r.corrections} of them your corrections` : '';
  out.info(
    `model "${r.model}": trained on ${r.examples} examples (${labels}${fixes}) in ${r.seconds.toFixed(1)} s, ${(r.bytes / 1024 / 1024).toFixed(1)} MB`,
  );
}

/** printLabel reports what `classify` labelled. */
export function printLabel(out: Output, r: LabelResult): void {
  if (out.cfg.json) {
    out.record({ type: 'classify', ...r });
    return;
  }
  const by = Object.entries(r.byLabel)
    .sort((a, b) => b[1] - a[1])
    .map(([l, n]) => `${l} ${n}`)
    .join(', ');
  const taught = r.taught ? `, ${r.taught} as you taught` : '';
  const unsure = r.unsure ? `; ${r.unsure} left unlabelled, below --min-confidence` : '';
  out.info(`model "${r.model}": labelled ${r.labelled} items${by ? ` (${by}${taught})` : ''}${unsure}`);
}

/** printEval shows accuracy, macro-F1, per-label precision/recall, the confusion matrix and the calibration. */
export function printEval(out: Output, e: EvalResult): void {
  if (out.cfg.json) {
    out.record({ type: 'eval', ...e });
    return;
  }
  out.line(`model "${e.model}" on ${e.source}: ${e.examples} examples`);
  out.line(`accuracy  ${pct(e.accuracy)}`);
  out.line(`macro-F1  ${pct(e.macroF1)}`);
  out.line('');
  for (const l of renderTable(e.perLabel, [
    { header: 'LABEL', cell: (p) => p.label },
    { header: 'PRECISION', cell: (p) => pct(p.precision), align: 'right' },
    { header: 'RECALL', cell: (p) => pct(p.recall), align: 'right' },
    { header: 'F1', cell: (p) => pct(p.f1), align: 'right' },
    { header: 'SUPPORT', cell: (p) => p.support, align: 'right' },
  ]))
    out.line(l);
  out.line('');
  out.line('confusion (rows: true label, columns: predicted)');
  const rows = e.labels.map((l, t) => ({ l, t }));
  for (const l of renderTable(rows, [
    { header: '', cell: (r) => r.l },
    ...e.labels.map((l, p) => ({ header: l, cell: (r: { t: number }) => e.confusion[r.t][p], align: 'right' as const })),
  ]))
    out.line(l);
  const c = e.calibration;
  out.line('');
  out.line(`calibration: expected calibration error ${c.ece.toFixed(3)} (10 bins)`);
  for (const l of renderTable(c.bins, [
    { header: 'CONFIDENCE', cell: (b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}` },
    { header: 'EXAMPLES', cell: (b) => b.examples, align: 'right' },
    { header: 'MEAN CONFIDENCE', cell: (b) => pct(b.confidence), align: 'right' },
    { header: 'ACCURACY', cell: (b) => pct(b.accuracy), align: 'right' },
  ]))
    out.line(l);
  out.line('');
  out.line('coverage: with --min-confidence X, the share of items labelled and how often they are right');
  for (const l of renderTable(c.coverage, [
    { header: 'X', cell: (t) => t.threshold.toFixed(2) },
    { header: 'LABELLED', cell: (t) => pct(t.coverage), align: 'right' },
    { header: 'ACCURACY', cell: (t) => pct(t.accuracy), align: 'right' },
  ]))
    out.line(l);
}

/** printModels lists stored models. */
export function printModels(out: Output, models: StoredModel[]): void {
  if (out.cfg.json) {
    for (const m of models) out.record(m);
    return;
  }
  if (models.length === 0) {
    out.info('no models yet: `inkzee classify train --from-folders` or `--labels FILE`');
    return;
  }
  for (const l of renderTable(
    models,
    [
      { header: 'NAME', cell: (m) => m.name, shrink: true },
      { header: 'LABELS', cell: (m) => m.labels.join(', '), flex: true },
      { header: 'EXAMPLES', cell: (m) => m.trainSize, align: 'right', drop: 5 },
      { header: 'SOURCE', cell: (m) => m.source, shrink: true, drop: 4 },
      { header: 'TRAINED', cell: (m) => m.createdAt.slice(0, 16).replace('T', ' '), drop: 3 },
      { header: 'CORRECTIONS', cell: (m) => m.corrections, align: 'right', drop: 1 },
      { header: 'SIZE', cell: (m) => `${(m.bytes / 1024 / 1024).toFixed(1)} MB`, align: 'right', drop: 2 },
    ],
    out.cfg.stdoutIsTTY ? out.cfg.columns : undefined,
  ))
    out.line(l);
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

function evidence(out: Output, title: string, list: Evidence[]): void {
  out.line(title);
  if (list.length === 0) out.line('  (nothing)');
  for (const l of renderTable(list, [
    { header: '', cell: (e) => signed(e.weight), align: 'right' },
    { header: '', cell: (e) => e.kind },
    { header: '', cell: (e) => e.text },
  ]))
    if (l.trim()) out.line(`  ${l.trimEnd()}`);
}

/** printExplain shows why an item got its label: the words that pushed towards and away from it. */
export function printExplain(out: Output, r: ExplainResult): void {
  if (out.cfg.json) {
    out.record({ type: 'explain', ...r });
    return;
  }
  // The title is the feed's and the labels come from a user's file: both reach a terminal here.
  const label = oneLine(r.label),
    runnerUp = oneLine(r.runnerUp.label);
  out.line(`item ${r.item}: ${r.title ? oneLine(r.title) : '(no title)'}`);
  out.line(
    `model "${r.model}": ${label} (confidence ${r.confidence.toFixed(2)}), runner-up ${runnerUp} (${r.runnerUp.confidence.toFixed(2)})`,
  );
  if (r.taught) out.line(`you taught this item as ${oneLine(r.taught)}; that label stands whatever the model says`);
  out.line(
    `score margin over ${runnerUp}: ${r.margin.toFixed(3)} = words below ${signed(r.margin - r.bias)} + intercepts ${signed(r.bias)}`,
  );
  out.line('');
  evidence(out, `towards ${label} (and away from ${runnerUp})`, r.towards);
  out.line('');
  evidence(out, `away from ${label} (towards ${runnerUp})`, r.away);
}

/** printTeach confirms a correction. */
export function printTeach(out: Output, r: TeachResult): void {
  if (out.cfg.json) {
    out.record({ type: 'teach', ...r });
    return;
  }
  const was = r.was && r.was !== r.label ? ` (was ${r.was})` : '';
  out.info(
    `item ${r.item} is now ${r.label}${was} for model "${r.model}", which holds ${r.corrections} correction${r.corrections === 1 ? '' : 's'}; \`inkzee classify train\` with the same source learns from them`,
  );
}

/** printCorrections lists corrections, or confirms one removed. */
export function printCorrections(out: Output, r: CorrectionsResult): void {
  if (r.kind === 'removed') {
    if (out.cfg.json) {
      out.record({ type: 'correction-removed', model: r.model, item: r.item, label: r.label, now: r.now });
      return;
    }
    out.info(`item ${r.item}: correction to ${r.label} removed from model "${r.model}"${r.now ? `; the model labels it ${r.now}` : ''}`);
    return;
  }
  if (out.cfg.json) {
    for (const c of r.corrections) out.record({ type: 'correction', ...c });
    return;
  }
  if (r.corrections.length === 0) {
    out.info('no corrections yet: `inkzee classify teach ITEM LABEL`');
    return;
  }
  for (const l of renderTable(
    r.corrections,
    [
      { header: 'MODEL', cell: (c) => c.model, shrink: true, drop: 4 },
      { header: 'ITEM', cell: (c) => c.itemId, align: 'right' },
      { header: 'LABEL', cell: (c) => c.label, shrink: true },
      { header: 'WAS', cell: (c) => c.was ?? '', shrink: true, drop: 3 },
      { header: 'TAUGHT', cell: (c) => c.createdAt.slice(0, 16).replace('T', ' '), drop: 2 },
      { header: 'SOURCE', cell: (c) => c.source, shrink: true, drop: 1 },
      { header: 'TITLE', cell: (c) => c.title ?? '', flex: true },
    ],
    out.cfg.stdoutIsTTY ? out.cfg.columns : undefined,
  ))
    out.line(l);
}
