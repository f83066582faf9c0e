// bench:scale — `inkzee worker` on the feed farm spread over many hosts (default 10,666 feeds on
// 256 hosts): one worker on SQLite, one on PostgreSQL, three in parallel on PostgreSQL (C=16 each),
// and three again with one of them killed (SIGKILL) mid-run. Reports wall ÷ ideal.mjs's
// greedyInOrder at the total concurrency, CPU and peak RSS per worker, the farm's socket
// high-waters (≤ workers × C in all, ≤ P per host), /truth, and duplicate keys. Needs PostgreSQL
// (a throwaway cluster is started, scripts/pg-cluster.mjs) and ../shared/bench; skips without them.
//
// Usage: npm run build && npm run bench:scale [-- --feeds 10666 --hosts 256 --concurrency 16 --workers 3 --timeout 10 --only sqlite,pg1,pg3,kill]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { arg, benchDir, farmLib, getText, root } from './farm-env.mjs';
import { load, measure } from './measure.mjs';

let cluster;
try {
  const { startCluster } = await import('../scripts/pg-cluster.mjs');
  cluster = await startCluster();
} catch (err) {
  console.log(`skipped: ${err.message}`);
  process.exit(0);
}
const { openStoreAt } = await import('../dist/store/open.js');

const FEEDS = Number(arg('feeds', 10666)),
  HOSTS = Number(arg('hosts', 256)),
  SEED = Number(arg('seed', 1));
const C = Number(arg('concurrency', 16)),
  P = Number(arg('per-host', 2)),
  W = Number(arg('workers', 3)),
  TIMEOUT = Number(arg('timeout', 10));
const ONLY = arg('only', 'sqlite,pg1,pg3,kill').split(',');
const bin = path.join(root, 'bin', 'inkzee.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-scale-'));
const farmArgs = ['--feeds', String(FEEDS), '--seed', String(SEED), '--hosts', String(HOSTS)];
const crawlFlags = [
  '--concurrency',
  String(C),
  '--per-host',
  String(P),
  '--timeout',
  String(TIMEOUT),
  '--allow-private-networks',
  '--exit-when-idle',
  '--quiet',
];

const farmChild = spawn(process.execPath, [path.join(benchDir, 'feed-farm.mjs'), ...farmArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
const farmUrl = JSON.parse(await new Promise((resolve) => readline.createInterface({ input: farmChild.stdout }).once('line', resolve))).url;
const getJson = async (url) => JSON.parse(await getText(url));
const opml = path.join(tmp, 'subs.opml');
fs.writeFileSync(opml, await getText(`${farmUrl}/opml?n=${FEEDS}&nested=1&hosts=${HOSTS}`));
const ideal = (c) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        path.join(benchDir, 'ideal.mjs'),
        ...farmArgs,
        '--nested',
        '--per-host',
        String(P),
        '--concurrency',
        String(c),
        '--timeout',
        String(TIMEOUT),
        '--json',
      ],
      { encoding: 'utf8' },
    ),
  ).bounds[0];

/** truthOf compares a store, read through Inkzee's own contract, with the farm's /truth. */
async function truthOf(db) {
  const o = farmLib.parseArgs(farmArgs);
  const store = await openStoreAt(db);
  const feeds = new Map((await store.listFeeds()).map((f) => [f.url, f]));
  const items = new Map();
  let total = 0;
  for await (const it of store.items({})) {
    total++;
    const list = items.get(it.feedId) ?? [];
    list.push(it);
    items.set(it.feedId, list);
  }
  await store.close();
  const check = { exact: 0, expected: 0, wrong: [], items: total };
  for (let i = 0; i < FEEDS; i++) {
    const truth = await getJson(`${farmUrl}/truth/${i}`);
    const base = farmLib.feedBase(o, farmUrl, i);
    const f = feeds.get(`${base}/feed/${i}`) ?? feeds.get(`${base}/moved/${i}`) ?? feeds.get(`${base}/alt/${i}`);
    if (!f) {
      check.wrong.push(`${i}: no feed`);
      continue;
    }
    if (!['ok', '301', '302', 'html'].includes(truth.kind)) {
      if (truth.kind === '410' ? !f.disabledReason : truth.kind !== 'malformed' && truth.kind !== 'truncated' && !(f.consecutiveErrors > 0))
        check.wrong.push(`${i} (${truth.kind}): not recorded`);
      continue;
    }
    check.expected++;
    const got = new Map((items.get(f.id) ?? []).map((it) => [it.guid ?? it.link, it.title]));
    if (got.size === truth.items.length && truth.items.every((t) => got.get(t.guid) === t.title)) check.exact++;
    else check.wrong.push(`${i} (${truth.kind}): ${got.size} items vs ${truth.items.length}`);
  }
  return check;
}

/** duplicates counts items stored twice under one (feed, key) in a PostgreSQL store. */
async function duplicates(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const r = await client.query('SELECT count(*)::int - count(DISTINCT (feed_id, key))::int AS d FROM items');
  await client.end();
  return r.rows[0].d;
}

const r2 = (x, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const notes = [];
const dbFor = async (kind, name) =>
  kind === 'sqlite' ? path.join(tmp, `${name}.db`) : (await import('../scripts/pg-cluster.mjs')).createDatabase(cluster.adminUrl, name);

/** run imports the OPML without fetching, then runs `workers` workers at once (one killed after killAfterS, if given). */
async function run(name, kind, workers, killAfterS = null) {
  const db = await dbFor(kind, name);
  execFileSync(process.execPath, [bin, '--db', db, '--quiet', 'import', opml, '--no-fetch']);
  await getJson(`${farmUrl}/stats?reset=1`);
  const started = performance.now();
  const procs = Array.from({ length: workers }, () => measure(bin, ['--db', db, 'worker', ...crawlFlags]));
  let killed = null;
  if (killAfterS !== null) {
    // The victim is the first worker: find its pid among this process's children by its arguments.
    await new Promise((res) => setTimeout(res, killAfterS * 1000));
    const pids = execFileSync('pgrep', ['-f', `${db}.*worker`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    killed = pids[0];
    process.kill(killed, 'SIGKILL');
  }
  const results = await Promise.all(procs);
  const wall = (performance.now() - started) / 1000;
  const stats = await getJson(`${farmUrl}/stats?reset=1`);
  const truth = await truthOf(db);
  const dup = kind === 'sqlite' ? 0 : await duplicates(db);
  const cpu = results.reduce((s, x) => s + (x.cpu ?? 0), 0);
  const rss = Math.max(...results.map((x) => x.rssMb ?? 0));
  return { name, wall, cpu, rss, stats, truth, dup, results, killed };
}

const out = [];
const g16 = ideal(C),
  gW = ideal(C * W);
notes.push(
  `ideal.mjs (${FEEDS} feeds, ${HOSTS} hosts, P=${P}, timeout ${TIMEOUT} s): C=${C}: greedyInOrder ${g16.greedyInOrder_s} s, lower bound ${g16.lowerBound_s} s; ` +
    `C=${C * W}: greedyInOrder ${gW.greedyInOrder_s} s, lower bound ${gW.lowerBound_s} s`,
);
if (ONLY.includes('sqlite')) out.push({ ...(await run('sqlite1', 'sqlite', 1)), ideal: g16, label: `SQLite, 1 worker, C=${C}` });
if (ONLY.includes('pg1')) out.push({ ...(await run('pg1', 'pg', 1)), ideal: g16, label: `PostgreSQL, 1 worker, C=${C}` });
if (ONLY.includes('pg3')) out.push({ ...(await run('pg3', 'pg', W)), ideal: gW, label: `PostgreSQL, ${W} workers, C=${C} each` });
if (ONLY.includes('kill')) {
  const third = out.find((x) => x.name === 'pg3')?.wall ?? gW.greedyInOrder_s;
  out.push({
    ...(await run('pgkill', 'pg', W, Math.round(third * 0.4))),
    ideal: gW,
    label: `PostgreSQL, ${W} workers, one SIGKILLed at 40 %`,
  });
}
farmChild.kill('SIGTERM');
await cluster.stop();

console.log(`\nbench:scale — ${FEEDS} feeds on ${HOSTS} hosts, C=${C} per worker, P=${P}, timeout ${TIMEOUT} s, ${load()}\n`);
console.log(
  '| run | wall s | ÷ greedyInOrder | ÷ lower bound | CPU s (all workers) | peak RSS MB (one worker) | farm sockets HWM (per host) | in flight HWM (per host) | feeds exact / expected | items | duplicate keys | exit codes |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const x of out) {
  console.log(
    `| ${x.label} | ${r2(x.wall, 1)} | ${r2(x.wall / x.ideal.greedyInOrder_s)} | ${r2(x.wall / x.ideal.lowerBound_s)} | ${r2(x.cpu, 1)} | ${r2(x.rss, 0)} | ` +
      `${x.stats.connectionsHwm} (${x.stats.hostConnectionsHwm}) | ${x.stats.inflightHwm} (${x.stats.hostInflightHwm}) | ${x.truth.exact} / ${x.truth.expected} | ${x.truth.items} | ${x.dup} | ${x.results.map((y) => y.code ?? 'killed').join(' ')} |`,
  );
}
for (const n of notes) console.log(`\n${n}`);
const sqlite = out.find((x) => x.name === 'sqlite1'),
  pg1 = out.find((x) => x.name === 'pg1'),
  pg3 = out.find((x) => x.name === 'pg3');
if (pg3)
  console.log(
    `Target ${W} workers ≤ 1.15 × greedyInOrder(C=${C * W}): ${r2(pg3.wall / gW.greedyInOrder_s)} — ${pg3.wall <= 1.15 * gW.greedyInOrder_s ? 'met' : 'NOT met'}`,
  );
if (sqlite && pg1)
  console.log(
    `Target PostgreSQL ≤ 1.3 × SQLite (1 worker): ${r2(pg1.wall / sqlite.wall)} — ${pg1.wall <= 1.3 * sqlite.wall ? 'met' : 'NOT met'}`,
  );
let ok = true;
for (const x of out) {
  const wrong = x.truth.wrong.length;
  if (wrong) console.log(`${x.label}: ${wrong} feeds differ from /truth, e.g. ${x.truth.wrong.slice(0, 3).join('; ')}`);
  const workers = x.name === 'sqlite1' || x.name === 'pg1' ? 1 : W;
  ok &&= wrong === 0 && x.dup === 0 && x.stats.hostConnectionsHwm <= P && x.stats.connectionsHwm <= workers * C;
}
console.log(ok ? '\nAll runs: /truth exact, no duplicate key, sockets within the limits.' : '\nSOME CHECK FAILED (see above).');
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
