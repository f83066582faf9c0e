#!/usr/bin/env node
// bench:read — the read side on a database of 1,000,000 items (built by gen-items.mjs, cached in
// the temp directory): `inkzee items --json` must stream in flat memory, `inkzee search` must
// answer well under a second. Figures are wall time and peak RSS per command (/usr/bin/time),
// with ratios to baselines measured in the same run: the RSS of streaming 1,000 items, and the
// time of `inkzee --version` (process start-up).
// Usage: npm run build && npm run bench:read [-- --items 1000000 --rebuild]
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const N = Number(arg('items', 1_000_000));
// The cached database is keyed by the schema and the generator, so a stale one is rebuilt.
const hash = crypto.createHash('sha256');
for (const f of ['src/store/sqlite/migrations.ts', 'bench/gen-items.mjs']) hash.update(fs.readFileSync(path.join(root, f)));
const db = path.join(os.tmpdir(), `inkzee-bench-${N}-${hash.digest('hex').slice(0, 12)}.db`);
if (!fs.existsSync('/usr/bin/time')) {
  console.log('skipped: /usr/bin/time (Debian package "time") is needed for peak RSS');
  process.exit(0);
}
if (process.argv.includes('--rebuild') || !fs.existsSync(db)) {
  console.error(`building ${db} (${N} items)…`);
  execFileSync(process.execPath, [path.join(root, 'bench', 'gen-items.mjs'), '--items', String(N), '--db', db], { stdio: 'inherit' });
}
const bin = path.join(root, 'bin', 'inkzee.js');

function measure(args) {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, bin, '--db', db, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0,
      err = '';
    child.stdout.on('data', (d) => {
      for (const b of d) if (b === 10) lines++;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      const m = /TIME ([\d.]+) (\d+)/.exec(err);
      resolve({ seconds: Number(m[1]), rssMb: Number(m[2]) / 1024, lines });
    });
  });
}
const best = async (args, runs = 3) => {
  let b;
  for (let k = 0; k < runs; k++) {
    const r = await measure(args);
    if (!b || r.seconds < b.seconds) b = r;
  }
  return b;
};

const startup = await best(['--version']);
const base = await measure(['items', '--json', '--limit', '1000']);
console.log(`\nInkzee read side on ${N.toLocaleString('en')} items (${(fs.statSync(db).size / 2 ** 20).toFixed(0)} MiB database)\n`);
console.log('| command | rows out | wall s | peak RSS MB | RSS / 1,000-row baseline |');
console.log('|---|---|---|---|---|');
for (const n of [1000, 10_000, 100_000, 300_000, null]) {
  const r = n === 1000 ? base : await measure(['items', '--json', ...(n ? ['--limit', String(n)] : [])]);
  console.log(
    `| items --json${n ? ` --limit ${n}` : ''} | ${r.lines} | ${r.seconds.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${(r.rssMb / base.rssMb).toFixed(2)} |`,
  );
}
console.log(`\n| search (best of 3) | hits | wall s | minus start-up s | peak RSS MB |`);
console.log('|---|---|---|---|---|');
for (const q of ['rust', 'rust compiler', 'galaxy telescope', 'clim*', 'kalo']) {
  const r = await best(['search', q, '--limit', '20', '--json']);
  console.log(
    `| "${q}" --limit 20 | ${r.lines} | ${r.seconds.toFixed(2)} | ${(r.seconds - startup.seconds).toFixed(2)} | ${r.rssMb.toFixed(0)} |`,
  );
}
console.log(
  `\nBaselines: \`inkzee --version\` ${startup.seconds.toFixed(2)} s; items --limit 1000 peak RSS ${base.rssMb.toFixed(0)} MB. "kalo" is one of the most common synthetic words (a quarter of all items).`,
);
