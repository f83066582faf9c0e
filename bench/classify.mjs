#!/usr/bin/env node
// bench:classify — train Inkzee's engine on AG News (../shared/data/agnews/train.csv), evaluate
// on dev.csv, and print accuracy, macro-F1, train seconds, eval seconds, model size, calibration
// (ECE) and coverage per --min-confidence, beside the peers of BASELINES.md. When the `fasttext`
// binary is installed (Debian package fasttext), fastText's paper setup is run on the same split
// in the same run, interleaved with Inkzee's runs so both see the same machine load, and the
// train-time target (≤ fastText's) is checked against it; otherwise against the table's 1.5 s.
// Usage: npm run bench:classify [-- --runs 3]. Skips cleanly when ../shared is absent.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(process.env.INKZEE_SHARED ?? path.join(root, '..', 'shared'), 'data', 'agnews');
if (!fs.existsSync(path.join(data, 'train.csv'))) {
  console.log(`skipped: ${data}/train.csv not found`);
  process.exit(0);
}
const RUNS = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-classify-'));
const bin = path.join(root, 'bin', 'inkzee.js');
const timed = (cmd, args) => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds: (performance.now() - t) / 1000, stdout: r.stdout, stderr: r.stderr };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loadBefore = load();

// fastText, the paper's setup, on text normalized as BASELINES.md describes.
const haveFastText = spawnSync('fasttext', [], { encoding: 'utf8' }).error === undefined;
if (haveFastText) {
  const norm = (t) =>
    t
      .replace(/\\/g, ' ')
      .toLowerCase()
      .replace(/([.,!?()'";:])/g, ' $1 ')
      .split(/\s+/)
      .filter(Boolean)
      .join(' ');
  for (const split of ['train', 'dev']) {
    const rows = parse(fs.readFileSync(path.join(data, `${split}.csv`)), { relax_quotes: true });
    fs.writeFileSync(path.join(tmp, `${split}.ft`), rows.map((r) => `__label__${r[0]} ${norm(`${r[1]} ${r[2]}`)}`).join('\n') + '\n');
  }
}

// Inkzee is the real CLI, wall time of the whole process (start-up and reading the CSV included).
// Each round trains Inkzee, then fastText, so that a busy machine slows both alike.
const db = path.join(tmp, 'bench.db');
const cols = ['--columns', 'label,title,description'];
const trainRuns = [];
const ftRuns = [];
let trainReport;
let ftAcc = 0;
for (let k = 0; k < RUNS; k++) {
  const r = timed(process.execPath, [
    bin,
    '--db',
    db,
    '--json',
    'classify',
    'train',
    '--labels',
    path.join(data, 'train.csv'),
    ...cols,
    '--model',
    'agnews',
  ]);
  trainRuns.push(r.seconds);
  trainReport = JSON.parse(r.stdout);
  if (!haveFastText) continue;
  ftRuns.push(
    timed('fasttext', [
      'supervised',
      '-input',
      path.join(tmp, 'train.ft'),
      '-output',
      path.join(tmp, 'ft'),
      '-thread',
      '2',
      '-dim',
      '10',
      '-wordNgrams',
      '2',
      '-epoch',
      '5',
      '-lr',
      '0.5',
      '-verbose',
      '0',
    ]).seconds,
  );
  ftAcc += Number(/P@1\s+([\d.]+)/.exec(timed('fasttext', ['test', path.join(tmp, 'ft.bin'), path.join(tmp, 'dev.ft')]).stdout)[1]) / RUNS;
}
const evalRun = timed(process.execPath, [
  bin,
  '--db',
  db,
  '--json',
  'classify',
  'eval',
  path.join(data, 'dev.csv'),
  ...cols,
  '--model',
  'agnews',
]);
const ev = JSON.parse(evalRun.stdout);
const inkzee = {
  accuracy: ev.accuracy * 100,
  macroF1: ev.macroF1 * 100,
  train: median(trainRuns),
  predict: evalRun.seconds,
  bytes: trainReport.bytes,
};
let fasttext = null;
if (haveFastText) {
  const pred = timed('fasttext', ['test', path.join(tmp, 'ft.bin'), path.join(tmp, 'dev.ft')]);
  fasttext = { accuracy: ftAcc * 100, train: median(ftRuns), predict: pred.seconds, bytes: fs.statSync(path.join(tmp, 'ft.bin')).size };
}
fs.rmSync(tmp, { recursive: true, force: true });

const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `\nAG News (Zhang et al. 2015; Gulli's corpus): train ${trainReport.examples} rows, dev ${ev.examples} rows, ${os.availableParallelism()} cores\n`,
);
console.log('| method | dev accuracy | train s | predict s (7,600) | model size |');
console.log('|---|---|---|---|---|');
console.log(
  `| **Inkzee** (hashed words, pairs, cased words, stems, number shapes; NB-weighted linear SVM), this run, median of ${RUNS} | **${inkzee.accuracy.toFixed(2)} %** (macro-F1 ${inkzee.macroF1.toFixed(2)} %) | ${inkzee.train.toFixed(2)} | ${inkzee.predict.toFixed(2)} (eval, whole CLI run) | ${mb(inkzee.bytes)} |`,
);
if (fasttext)
  console.log(
    `| fastText paper setup, this run, median of ${RUNS} | ${fasttext.accuracy.toFixed(2)} % | ${fasttext.train.toFixed(2)} | ${fasttext.predict.toFixed(2)} | ${mb(fasttext.bytes)} |`,
  );
const table = fs
  .readFileSync(path.join(data, 'BASELINES.md'), 'utf8')
  .split('\n')
  .filter((l) => /^\| (scikit|fastText|npm)/.test(l));
for (const l of table) console.log(l.replace(/^\| /, '| (BASELINES.md) '));
const ftTrain = fasttext?.train ?? 1.5;
const c = ev.calibration;
console.log(`\nCalibration of Inkzee's confidences on dev: expected calibration error ${c.ece.toFixed(4)} (10 bins; target ≤ 0.03)`);
console.log('| --min-confidence | items labelled | accuracy of those |');
console.log('|---|---|---|');
for (const t of c.coverage)
  console.log(`| ${t.threshold.toFixed(2)} | ${(100 * t.coverage).toFixed(2)} % | ${(100 * t.accuracy).toFixed(2)} % |`);
console.log(`\nInkzee times are whole CLI runs (process start-up, reading the CSV, storing the model); fastText's are its own process.`);
console.log(
  `Machine: ${os.availableParallelism()} cores, load average (1, 5, 15 min) ${loadBefore} before the runs, ${load()} after; shared machines slow both rows alike, so read the ratio.`,
);
const ratio = inkzee.train / ftTrain;
const secs = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
if (fasttext)
  console.log(
    `Train seconds per round (Inkzee, then fastText): Inkzee ${secs(trainRuns)}; fastText ${secs(ftRuns)}; ratios ${trainRuns.map((t, k) => (t / ftRuns[k]).toFixed(2)).join(', ')}.`,
  );
console.log(
  `Targets: accuracy ≥ 92.0 % → ${inkzee.accuracy >= 92 ? 'met' : 'NOT met'} (${inkzee.accuracy.toFixed(2)} %); train ≤ fastText (${fasttext ? 'measured in this run' : 'table'} ${ftTrain.toFixed(2)} s): ratio ${ratio.toFixed(2)} → ${ratio <= 1 ? 'met' : 'NOT met'}; model ≤ 2 MB → ${inkzee.bytes <= 2 * 1024 * 1024 ? 'met' : 'NOT met'} (${mb(inkzee.bytes)}); ECE ≤ 0.03 → ${c.ece <= 0.03 ? 'met' : 'NOT met'}.`,
);
