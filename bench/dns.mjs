#!/usr/bin/env node
// bench:dns — `inkzee import examples/scoble.opml` (805 feeds on 712 hosts) on a machine where no
// external host resolves, so the whole run is name resolution and its failures: wall, CPU (user +
// sys of the inkzee process), peak RSS, fd high-water, and how the feeds failed. With newsboat
// installed, its row on the same list. Skips cleanly when names do resolve here (it would crawl
// the real web; pass --online to do that anyway).
// Usage: npm run bench:dns [-- --repeat 3 --bin path/to/inkzee.js --opml other.opml]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, load } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const REPEAT = Number(arg('repeat', 1));
const bin = path.resolve(arg('bin', path.join(root, 'bin', 'inkzee.js')));
const opml = path.resolve(arg('opml', path.join(root, 'examples', 'scoble.opml')));

const probe = new dns.promises.Resolver({ timeout: 1000, tries: 2 });
const online = (await Promise.allSettled(['example.com', 'feeds.feedburner.com'].map((h) => probe.resolve4(h)))).some(
  (r) => r.status === 'fulfilled',
);
if (online && !process.argv.includes('--online')) {
  console.log('skipped: host names resolve on this machine, so the import would crawl the real web (pass --online to do it anyway)');
  process.exit(0);
}
const getent = (() => {
  const t = performance.now();
  const r = spawnSync('getent', ['hosts', 'example.com'], { stdio: 'ignore' });
  return r.error ? 'n/a' : `${((performance.now() - t) / 1000).toFixed(3)} s (exit ${r.status})`;
})();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-bench-dns-'));
const r = (x, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const rows = [];
const walls = [];
for (let k = 0; k < REPEAT; k++) {
  const res = await measure(bin, ['--db', path.join(tmp, `scoble-${k}.db`), '--json', 'import', opml]);
  const feeds = res.events.filter((e) => e.type === 'feed');
  const unresolved = feeds.filter((e) => /cannot resolve host|host not found/.test(e.error ?? '')).length;
  const ms = feeds.map((e) => e.ms).sort((a, b) => a - b);
  walls.push(res.wall);
  rows.push(
    `| inkzee${REPEAT > 1 ? ` #${k + 1}` : ''} | ${r(res.wall)} | ${r(res.cpu)} | ${r(res.rssMb, 0)} | ${res.fdHwm ?? 'n/a'} | ${feeds.length} | ${unresolved} | ` +
      `${ms.length ? ms[ms.length >> 1] : 'n/a'} | ${ms.length ? ms.at(-1) : 'n/a'} | ${load()} |`,
  );
}

// newsboat on the same list, 16 reload threads, when installed.
let peerNote = 'newsboat: not installed, row skipped.';
if (spawnSync('newsboat', ['-v'], { stdio: 'ignore' }).status === 0) {
  const d = fs.mkdtempSync(path.join(tmp, 'nb-'));
  fs.writeFileSync(path.join(d, 'config'), 'reload-threads 16\ndownload-timeout 30\n');
  fs.writeFileSync(path.join(d, 'urls'), '');
  execFileSync('newsboat', ['-C', 'config', '-u', 'urls', '-c', 'cache.db', '-i', opml], { cwd: d, stdio: 'ignore' });
  const time = fs.existsSync('/usr/bin/time');
  const started = performance.now();
  const cpu = await new Promise((resolve) => {
    const argv = ['newsboat', '-C', 'config', '-u', 'urls', '-c', 'cache.db', '-x', 'reload'];
    const child = spawn(time ? '/usr/bin/time' : argv[0], time ? ['-f', '%U %S %M', '-o', path.join(d, 't'), ...argv] : argv.slice(1), {
      cwd: d,
      stdio: 'ignore',
    });
    child.on('exit', () =>
      resolve(time ? fs.readFileSync(path.join(d, 't'), 'utf8').trim().split('\n').at(-1).split(' ').map(Number) : null),
    );
  });
  rows.push(
    `| newsboat (16 threads) | ${r((performance.now() - started) / 1000)} | ${cpu ? r(cpu[0] + cpu[1]) : 'n/a'} | ${cpu ? r(cpu[2] / 1024, 0) : 'n/a'} | n/a | | | | | ${load()} |`,
  );
  peerNote = '';
}
fs.rmSync(tmp, { recursive: true, force: true });

console.log(`\nOffline import of ${path.relative(root, opml) || opml} with ${bin}; \`getent hosts example.com\` takes ${getent} here.\n`);
console.log('| run | wall s | CPU s | peak RSS MB | fd HWM | feeds | unresolved | median feed ms | slowest feed ms | load |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
const median = [...walls].sort((a, b) => a - b)[Math.floor((walls.length - 1) / 2)];
console.log(
  `\n${peerNote ? peerNote + '\n' : ''}Median wall of ${walls.length}: ${r(median)} s (target <= 20 s: ${median <= 20 ? 'met' : 'NOT met'}).`,
);
