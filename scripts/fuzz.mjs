#!/usr/bin/env node
// fuzz — run the fuzz properties of test/fuzz (the OPML reader; decode → parse) for longer than
// `npm test` does. Each property runs until --runs runs or --seconds, whichever comes first; a
// failure's shrunk input is written to test/fixtures/fuzz/ (FUZZ_SAVE=1), where
// test/fuzz/regressions.test.ts replays it. --seed replays a run that fast-check reported.
// Usage: npm run fuzz [-- --runs 100000 --seconds 300 --seed N]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const env = { ...process.env, FUZZ_RUNS: arg('runs', '1000000'), FUZZ_SECONDS: arg('seconds', '120'), FUZZ_SAVE: '1' };
const seed = arg('seed');
if (seed !== undefined) env.FUZZ_SEED = seed;
console.log(`fuzzing each property for up to ${env.FUZZ_RUNS} runs or ${env.FUZZ_SECONDS} s${seed ? `, seed ${seed}` : ''}`);
// One property at a time (no file parallelism): the CPU-time bounds stay meaningful on a busy machine.
const child = spawn(
  process.execPath,
  [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/fuzz', '--no-file-parallelism'],
  { cwd: root, env, stdio: 'inherit' },
);
child.on('exit', (code) => process.exit(code ?? 1));
