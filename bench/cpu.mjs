#!/usr/bin/env node
// bench:cpu — what a crawl costs per feed: CPU seconds (user + sys, all threads), feeds per
// CPU-second, peak RSS and the fd high-water of `inkzee import` on ../shared/bench's feed farm
// (one host, C=16, --per-host 16), for three lists: 698 feeds with the farm's latency and failures,
// 5,000 likewise, and 10,666 with `--no-latency --no-failures` (CPU-bound: the parse workers' case).
// Every run is checked against the farm's /truth (ok feeds hold exactly their items).
// Usage: npm run bench:cpu [-- --runs 698,5000,10666 --repeat 1 --threads 2 --bin bin/inkzee.js
//        --base /path/to/other/bin/inkzee.js]
//   --threads a,b  also run with INKZEE_PARSE_THREADS=a, =b (default: the CLI's own choice)
//   --base         the same runs with another build, interleaved (a before/after from one run)
//   --peers a,b    the lists the installed peers (newsboat, Python feedparser) also crawl (default 698,5000; none: --peers 0)
// Skips cleanly (exit 0) when ../shared/bench is absent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { measure, load } from './measure.mjs';
import { arg, benchDir, checkTruth, getText, root } from './farm-env.mjs';
import { peers } from './peers.mjs';

const RUNS = arg('runs', '698,5000,10666').split(',').map(Number),
  REPEAT = Number(arg('repeat', 1)),
  C = 16,
  SEED = 1;
const THREADS = arg('threads', '').split(',').filter(Boolean),
  PEERS = arg('peers', '698,5000').split(',').map(Number);
const bins = [['inkzee', path.resolve(arg('bin', path.join(root, 'bin', 'inkzee.js')))]];
if (arg('base')) bins.push(['base', path.resolve(arg('base'))]);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-cpu-'));

async function startFarm(feeds, cpuBound) {
  const child = spawn(
    process.execPath,
    [
      path.join(benchDir, 'feed-farm.mjs'),
      '--feeds',
      String(feeds),
      '--seed',
      String(SEED),
      ...(cpuBound ? ['--no-latency', '--no-failures'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  return { child, url: JSON.parse(line).url };
}
const stopFarm = (farm) =>
  new Promise((r) => {
    farm.child.once('exit', r);
    farm.child.kill('SIGTERM');
  });

const r = (x, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rows = [],
  notes = [];
let ok = true;
for (const feeds of RUNS) {
  const cpuBound = feeds > 5000;
  const farm = await startFarm(feeds, cpuBound);
  const opml = path.join(tmp, `${feeds}.opml`);
  fs.writeFileSync(opml, await getText(`${farm.url}/opml?n=${feeds}&nested=1`));
  const variants = bins.flatMap(([name, bin]) =>
    (THREADS.length ? THREADS : [null]).map((t) => ({ name: t === null ? name : `${name}, ${t} parse threads`, bin, t })),
  );
  const got = new Map(variants.map((v) => [v, []]));
  process.once('exit', () => farm.child.kill('SIGTERM')); // never leave a farm behind
  for (let k = 0; k < REPEAT; k++) {
    for (const v of variants) {
      const db = path.join(tmp, `${feeds}.db`);
      for (const s of ['', '-wal', '-shm']) fs.rmSync(db + s, { force: true });
      const env = v.t === null ? {} : { INKZEE_PARSE_THREADS: v.t };
      const res = await measure(
        v.bin,
        ['--db', db, '--json', 'import', opml, '--concurrency', String(C), '--per-host', String(C), '--timeout', '10'],
        env,
      );
      res.load = load();
      if (!fs.existsSync(db)) throw new Error(`${v.name} left no database (exit ${res.code}): ${res.stderr.slice(-2000)}`);
      res.truth =
        k === 0
          ? await checkTruth(db, farm.url, [
              '--feeds',
              String(feeds),
              '--seed',
              String(SEED),
              ...(cpuBound ? ['--no-latency', '--no-failures'] : []),
            ])
          : null;
      got.get(v).push(res);
    }
  }
  // The peers crawl the same list on the same farm (newsboat and feedparser at 16 threads, C=16).
  const peerRuns = [];
  if (PEERS.includes(feeds))
    for (const peer of peers(opml, { tmp, timeout: 10, notes }))
      peerRuns.push({ name: peer.name, res: { ...(await peer.run()), load: load() } });
  await stopFarm(farm);
  for (const { name, res } of peerRuns) {
    rows.push(
      `| ${feeds}${cpuBound ? ' --no-latency --no-failures' : ''} | peer: ${name} | ${r(res.wall)} | ${r(res.cpu)} | ${r(res.user)} + ${r(res.sys)} | ` +
        `${r(feeds / res.cpu, 0)} | ${r(res.rssMb, 0)} | n/a | n/a | 1 | ${res.load.split(' ')[1]} |`,
    );
  }
  for (const v of variants) {
    const runs = got.get(v);
    const m = (key) => median(runs.map((x) => x[key] ?? NaN));
    const t = runs[0].truth;
    ok &&= t.exact === t.expected;
    rows.push(
      `| ${feeds}${cpuBound ? ' --no-latency --no-failures' : ''} | ${v.name} | ${r(m('wall'))} | ${r(m('cpu'))} | ${r(m('user'))} + ${r(m('sys'))} | ` +
        `${r(feeds / m('cpu'), 0)} | ${r(m('rssMb'), 0)} | ${Math.max(...runs.map((x) => x.fdHwm ?? 0))} | ${t.exact}/${t.expected} | ${runs.length} | ${runs.map((x) => x.load.split(' ')[1]).join(', ')} |`,
    );
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(
  `\nInkzee import of the feed farm (seed ${SEED}, one host, C=${C}, --per-host ${C}, timeout 10 s); medians of --repeat ${REPEAT}\n`,
);
console.log(
  '| feeds | build | wall s | CPU s | user + sys | feeds per CPU-s | peak RSS MB | fd HWM | exact feeds / ok feeds | runs | load |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
if (notes.length) console.log('\n' + notes.join('\n'));
process.exit(ok ? 0 : 1);
