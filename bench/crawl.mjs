#!/usr/bin/env node
// bench:crawl — crawl ../shared/bench's feed farm with the real CLI, twice over: one host (the
// farm's single origin, --per-host = concurrency), and many hosts (`--hosts 64`, the CLI's default
// --concurrency 16 and --per-host 2). Reports wall time as ratios to ideal.mjs's bounds for the
// same C (and P), CPU seconds, peak RSS, fd high-water, the farm's socket and in-flight
// high-waters, whether every feed holds exactly what /truth says, a second (conditional) crawl
// and churn (single host), and the peers' rows on the many-host list when they are installed.
// Usage: npm run bench:crawl [-- --feeds 698 --concurrency 16 --timeout 10 --hosts 64 --repeat 1
//        --only single|multi --bin path/to/inkzee.js]
// Skips cleanly (exit 0) when ../shared/bench is absent.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { measure, load } from './measure.mjs';
import { arg, benchDir, checkTruth, farmLib, getText, root } from './farm-env.mjs';
import { peers } from './peers.mjs';

const FEEDS = Number(arg('feeds', 698)),
  C = Number(arg('concurrency', 16)),
  TIMEOUT = Number(arg('timeout', 10)),
  SEED = Number(arg('seed', 1));
const HOSTS = Number(arg('hosts', 64)),
  P = 2 /* the CLI's default --per-host */,
  REPEAT = Number(arg('repeat', 1)),
  ONLY = arg('only', 'both');
const bin = path.resolve(arg('bin', path.join(root, 'bin', 'inkzee.js')));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-bench-'));
const farmArgs = (hosts) => ['--feeds', String(FEEDS), '--seed', String(SEED), '--hosts', String(hosts)];

async function startFarm(port, extra = []) {
  const child = spawn(
    process.execPath,
    [path.join(benchDir, 'feed-farm.mjs'), '--feeds', String(FEEDS), '--seed', String(SEED), '--port', String(port), ...extra],
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
// The bench's own requests use a fresh connection each (no keep-alive) to 127.0.0.1, so the
// farm's per-host high-waters count only the crawler's sockets on the feed hosts.
const getJson = async (url) => JSON.parse(await getText(url));
const ideal = (extra) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        path.join(benchDir, 'ideal.mjs'),
        '--feeds',
        String(FEEDS),
        '--seed',
        String(SEED),
        '--nested',
        '--concurrency',
        String(C),
        '--timeout',
        String(TIMEOUT),
        '--json',
        ...extra,
      ],
      { encoding: 'utf8' },
    ),
  );

const r = (x, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rows = [];
const header =
  '| run | wall s | ÷ greedy | ÷ lower bound | CPU s | peak RSS MB | fd HWM | farm sockets HWM (host) | in flight HWM (host) | requests | 304s | new items | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|';
const row = (name, res, st, b) =>
  rows.push(
    `| ${name} | ${r(res.wall)} | ${r(res.wall / b.greedyInOrder_s)} | ${r(res.wall / b.lowerBound_s)} | ${r(res.cpu)} | ${r(res.rssMb, 0)} | ${res.fdHwm ?? 'n/a'} | ` +
      `${st.connectionsHwm}${st.hostConnectionsHwm !== undefined ? ` (${st.hostConnectionsHwm})` : ''} | ${st.inflightHwm}${st.hostInflightHwm !== undefined ? ` (${st.hostInflightHwm})` : ''} | ` +
      `${st.requests} | ${st.notModified} | ${res.summary?.newItems ?? res.items ?? 'n/a'} | ${res.load} |`,
  );
const notes = [];
let ok = true;
const truthLine = (check, id) =>
  `Truth: ${check.exact} feeds hold exactly their items (expected ${id.expected.feedsWithItems + id.expected.plusAutodiscovery.feeds}); ` +
  `${check.items} items stored (truth ${id.expected.items} + ${id.expected.plusAutodiscovery.items} autodiscovered + up to ${id.expected.brokenXml.itemsIfFullyRecovered} from broken XML); ` +
  `${check.moved301} 301s moved; ${check.autodiscovered} pages autodiscovered; ${check.disabled410} 410s disabled; ${check.failingRecorded} failures recorded; ` +
  `${check.recoveredItems} items recovered. Mismatches: ${check.wrong.length ? check.wrong.join('; ') : 'none'}.`;
const timed = async (args) => ({ ...(await measure(bin, args)), load: load() });

if (ONLY !== 'multi') {
  // One host: the farm is a single origin, so --per-host is the concurrency.
  let farm = await startFarm(0);
  const port = new URL(farm.url).port;
  const db = path.join(tmp, 'single.db');
  fs.writeFileSync(path.join(tmp, 'single.opml'), await getText(`${farm.url}/opml?n=${FEEDS}&nested=1`));
  const id = ideal([]);
  const b = id.bounds[0];
  await getJson(`${farm.url}/stats?reset=1`);
  const flags = ['--concurrency', String(C), '--per-host', String(C), '--timeout', String(TIMEOUT)];
  const first = await timed(['--db', db, '--json', 'import', path.join(tmp, 'single.opml'), ...flags]);
  const stats1 = await getJson(`${farm.url}/stats?reset=1`);
  const check = await checkTruth(db, farm.url, farmArgs(1));
  await getJson(`${farm.url}/stats?reset=1`);
  const second = await timed(['--db', db, '--json', 'refresh', ...flags]);
  const stats2 = await getJson(`${farm.url}/stats?reset=1`);
  // Churn: the same farm restarted on the same port, where 10% of the feeds gain an item per request.
  await stopFarm(farm);
  farm = await startFarm(port, ['--churn', '0.1']);
  const o = farmLib.parseArgs(['--feeds', String(FEEDS), '--seed', String(SEED), '--churn', '0.1']);
  const churning = Array.from({ length: FEEDS }, (_, i) => farmLib.feedSpec(o, i)).filter(
    (s) => s.churns && ['ok', '301', '302', 'html', 'malformed', 'truncated'].includes(s.kind),
  ).length;
  const churn1 = await timed(['--db', db, '--json', 'refresh', ...flags]); // validators still match version 0: 304s
  const churn2 = await timed(['--db', db, '--json', 'refresh', ...flags]); // version 1: one new item each
  await stopFarm(farm);
  row(`one host, C=${C}, P=${C}: import`, first, stats1, b);
  row(`one host: refresh (conditional)`, second, stats2, b);
  notes.push(
    `One host: ideal.mjs at C=${C}: greedyInOrder ${b.greedyInOrder_s} s, lowerBound ${b.lowerBound_s} s. Target wall <= 1.1 x greedy: ${first.wall <= 1.1 * b.greedyInOrder_s ? 'met' : 'NOT met'}.`,
  );
  notes.push(truthLine(check, id));
  notes.push(
    `Second crawl: ${stats2.conditionalRequests} conditional requests, ${stats2.notModified} answered 304, ${second.summary.newItems} new items. ` +
      `Churn 0.1: first refresh ${churn1.summary.newItems} new (validators of version 0 still match), second ${churn2.summary.newItems} new; expected ${churning}.`,
  );
  ok &&= check.wrong.length === 0 && churn2.summary.newItems === churning && stats1.connectionsHwm <= C && second.summary.newItems === 0;
}

if (ONLY !== 'single') {
  // Many hosts, with the CLI's defaults for --concurrency and --per-host (16 and 2).
  const farm = await startFarm(0, ['--hosts', String(HOSTS)]);
  const opmlPath = path.join(tmp, 'multi.opml');
  fs.writeFileSync(opmlPath, await getText(`${farm.url}/opml?n=${FEEDS}&nested=1&hosts=${HOSTS}`));
  const id = ideal(['--hosts', String(HOSTS), '--per-host', String(P)]);
  const b = id.bounds[0];
  const flags = ['--timeout', String(TIMEOUT), ...(C !== 16 ? ['--concurrency', String(C)] : [])];
  const walls = [];
  let check = null,
    worst = { connectionsHwm: 0, hostConnectionsHwm: 0, inflightHwm: 0, hostInflightHwm: 0 };
  for (let k = 0; k < REPEAT; k++) {
    const db = path.join(tmp, `multi-${k}.db`);
    await getJson(`${farm.url}/stats?reset=1`);
    const res = await timed(['--db', db, '--json', 'import', opmlPath, ...flags]);
    const st = await getJson(`${farm.url}/stats?reset=1`);
    for (const key of Object.keys(worst)) worst[key] = Math.max(worst[key], st[key]);
    walls.push(res.wall);
    row(`${HOSTS} hosts, C=${C}, P=${P}: import${REPEAT > 1 ? ` #${k + 1}` : ''}`, res, st, b);
    if (k === 0) check = await checkTruth(db, farm.url, farmArgs(HOSTS));
  }
  for (const peer of peers(opmlPath, { tmp, timeout: TIMEOUT, notes })) {
    await getJson(`${farm.url}/stats?reset=1`);
    const res = { ...(await peer.run()), load: load() };
    row(`peer: ${peer.name}`, res, await getJson(`${farm.url}/stats?reset=1`), b);
  }
  await stopFarm(farm);
  const wall = median(walls);
  const met = wall <= 1.05 * b.greedyInOrder_s;
  notes.push(
    `${HOSTS} hosts: ideal.mjs --hosts ${HOSTS} --per-host ${P} at C=${C}: greedyInOrder ${b.greedyInOrder_s} s, lowerBound ${b.lowerBound_s} s. ` +
      `Median wall of ${walls.length}: ${r(wall)} s = ${r(wall / b.greedyInOrder_s, 3)} x greedy (target <= 1.05: ${met ? 'met' : 'NOT met'}). ` +
      `Farm high-waters over the runs: sockets ${worst.connectionsHwm} (<= ${C}), per host ${worst.hostConnectionsHwm} (<= ${P}), in flight ${worst.inflightHwm}, per host ${worst.hostInflightHwm}.`,
  );
  notes.push(truthLine(check, id));
  ok &&= check.wrong.length === 0 && worst.connectionsHwm <= C && worst.hostConnectionsHwm <= P;
}
fs.rmSync(tmp, { recursive: true, force: true });

console.log(`\nInkzee crawl of the feed farm: ${FEEDS} nested feeds, seed ${SEED}, timeout ${TIMEOUT} s, ${bin}\n`);
console.log(header);
console.log(rows.join('\n'));
console.log('\n' + notes.join('\n'));
process.exit(ok ? 0 : 1);
