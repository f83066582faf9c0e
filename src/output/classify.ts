import type { EvalResult, LabelResult, TrainResult } from '../commands/classify.js';
import type { StoredModel } from '../store/models.js';
import type { Output } from './output.js';
import { renderTable } from './table.js';

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** printTrain reports a trained model. */
export function printTrain(out: Output, r: TrainResult): void {
  if (out.cfg.json) { out.record({ type: 'train', ...r }); return; }
  const labels = Object.entries(r.perLabel).map(([l, n]) => `${l} ${n}`).join(', ');
  out.info(`model "${r.model}": trained on ${r.examples} examples (${labels}) in ${r.seconds.toFixed(1)} s, ${(r.bytes / 1024 / 1024).toFixed(1)} MB`);
}

/** printLabel reports what `classify` labelled. */
export function printLabel(out: Output, r: LabelResult): void {
  if (out.cfg.json) { out.record({ type: 'classify', ...r }); return; }
  const by = Object.entries(r.byLabel).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ');
  out.info(`model "${r.model}": labelled ${r.labelled} items${by ? ` (${by})` : ''}`);
}

/** printEval shows accuracy, macro-F1, per-label precision/recall and the confusion matrix. */
export function printEval(out: Output, e: EvalResult): void {
  if (out.cfg.json) { out.record({ type: 'eval', ...e }); return; }
  out.line(`model "${e.model}" on ${e.source}: ${e.examples} examples`);
  out.line(`accuracy  ${pct(e.accuracy)}`);
  out.line(`macro-F1  ${pct(e.macroF1)}`);
  out.line('');
  for (const l of renderTable(e.perLabel, [
    { header: 'LABEL', cell: (p) => p.label }, { header: 'PRECISION', cell: (p) => pct(p.precision), align: 'right' },
    { header: 'RECALL', cell: (p) => pct(p.recall), align: 'right' }, { header: 'F1', cell: (p) => pct(p.f1), align: 'right' },
    { header: 'SUPPORT', cell: (p) => p.support, align: 'right' }])) out.line(l);
  out.line('');
  out.line('confusion (rows: true label, columns: predicted)');
  const rows = e.labels.map((l, t) => ({ l, t }));
  for (const l of renderTable(rows, [{ header: '', cell: (r) => r.l },
    ...e.labels.map((l, p) => ({ header: l, cell: (r: { t: number }) => e.confusion[r.t][p], align: 'right' as const }))])) out.line(l);
}

/** printModels lists stored models. */
export function printModels(out: Output, models: StoredModel[]): void {
  if (out.cfg.json) { for (const m of models) out.record(m); return; }
  if (models.length === 0) { out.info('no models yet: `inkzee classify train --from-folders` or `--labels FILE`'); return; }
  for (const l of renderTable(models, [
    { header: 'NAME', cell: (m) => m.name }, { header: 'LABELS', cell: (m) => m.labels.join(', '), flex: true },
    { header: 'EXAMPLES', cell: (m) => m.trainSize, align: 'right' }, { header: 'SOURCE', cell: (m) => m.source },
    { header: 'TRAINED', cell: (m) => m.createdAt.slice(0, 16).replace('T', ' ') },
    { header: 'SIZE', cell: (m) => `${(m.bytes / 1024 / 1024).toFixed(1)} MB`, align: 'right' }],
  out.cfg.stdoutIsTTY ? out.cfg.columns : undefined)) out.line(l);
}
