#!/usr/bin/env node
// npm run conformance: serve every feed document of ../shared/corpus/feeds on 127.0.0.1, crawl
// them all through the real CLI, and score what was stored against the suites' own expectations
// (feedparser's Expect: lines, gofeed's expected JSON, rss-parser's output/, podcastparser's
// .json) for the fields Inkzee's model has. Prints pass rates per suite and per field (raw), then
// a labelled second figure without the checks of conformance/excluded.mjs (expectations that
// contradict the requirements: forms kept, duplicate enclosures kept), checks
// that every document was parsed or refused with one line and how much CPU each parse took, and
// compares with test/conformance-baseline.json: a check that passed there and fails now is a
// regression (exit 1). Skips cleanly (exit 0) when ../shared is absent.
//
//   --verbose              print every failing check
//   --failures FILE        write every failing check to FILE (tab-separated)
//   --only PREFIX          only documents whose corpus path starts with PREFIX (feedparser/wellformed/atom10/)
//   --update-baseline      write the baseline from this run
//   --note TEXT            with --update-baseline: what was measured (default: the commit)
//   --repo DIR             crawl with the CLI built in another checkout (e.g. an older commit)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep, SUITES } from './conformance/sweep.mjs';
import { EXCLUDED } from './conformance/excluded.mjs';
import { compareBaseline, docReport, excludedFigure, makeBaseline, table } from './conformance/report.mjs';

const gitHead = () => {
  try {
    return execFileSync('git', ['-C', root, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const shared = process.env.INKZEE_SHARED ?? path.resolve(root, '..', 'shared');
const dir = path.join(shared, 'corpus', 'feeds');
if (!fs.existsSync(dir)) {
  console.log(`skipped: ${dir} not found (the conformance sweep needs ../shared/corpus)`);
  process.exit(0);
}
const repo = path.resolve(value('--repo') ?? root);
if (!fs.existsSync(path.join(repo, 'dist', 'cli.js'))) {
  console.error('conformance: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

const only = value('--only');
const started = Date.now();
const result = await runSweep({ repo, dir, only });
const { checks } = result;

console.log(table(checks, SUITES));
console.log(excludedFigure(checks, EXCLUDED));
const top = result.unmappable.reasons
  .slice(0, flag('--verbose') ? 40 : 8)
  .map(([k, n]) => `${k} ${n}`)
  .join(', ');
console.log(
  `feedparser Expect lines: ${result.expectLines}, of which ${result.unmappable.lines} have no clause about a field Inkzee has; ` +
    `${result.unmappable.clauses} clauses not mappable were not counted (${top}, …)`,
);
console.log(docReport(result, flag('--verbose')));

const failing = checks.filter((c) => !c.pass);
const lines = failing.map((c) => `${c.file}\t${c.field}\texpected ${c.expected}\tgot ${c.got}`);
if (flag('--verbose')) for (const l of lines) console.log(`FAIL ${l}`);
const failuresFile = value('--failures');
if (failuresFile) {
  fs.writeFileSync(failuresFile, lines.join('\n') + '\n');
  console.log(`failing checks written to ${failuresFile}`);
}

const baselineFile = path.join(root, 'test', 'conformance-baseline.json');
let exit = result.problems.length ? 1 : 0;
if (flag('--update-baseline')) {
  if (only) {
    console.error('conformance: --update-baseline needs the full sweep (no --only)');
    process.exit(2);
  }
  const built = value('--note') ?? (repo === root ? `working tree at ${gitHead()}` : repo);
  fs.writeFileSync(baselineFile, JSON.stringify(makeBaseline(checks, SUITES, built), null, 1) + '\n');
  console.log(`baseline written: ${path.relative(root, baselineFile)} (${checks.length} checks)`);
} else if (fs.existsSync(baselineFile)) {
  const { regressions, fixed } = compareBaseline(JSON.parse(fs.readFileSync(baselineFile, 'utf8')), checks);
  console.log(`against the baseline: ${fixed.length} checks now pass that failed, ${regressions.length} regressions`);
  for (const c of regressions) console.log(`REGRESSION ${c.file}\t${c.field}\texpected ${c.expected}\tgot ${c.got}`);
  if (regressions.length) exit = 1;
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(exit);
