#!/usr/bin/env node
// kill9 — crash safety: crawl ../shared/bench's feed farm with the real CLI and SIGKILL it at
// random moments, again and again, checking the database after every kill: PRAGMA
// integrity_check ok, the FTS index (items_fts) holds exactly the items' rowids, no duplicate
// (feed_id, key), and nothing committed before the run is gone. Then a final `refresh --force`,
// left to finish, must store every feed exactly as the farm's /truth says.
// Usage: npm run kill9 [-- --runs 20 --feeds 698 --seed 1 --concurrency 16 --early-ms 4000 --kill-seed N --keep]
// Skips cleanly (exit 0) when ../shared/bench is absent; exits 1 on any violation.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { arg, benchDir, checkTruth, getText, root } from '../bench/farm-env.mjs';

const RUNS = Number(arg('runs', 20)),
  FEEDS = Number(arg('feeds', 698)),
  SEED = Number(arg('seed', 1));
const C = Number(arg('concurrency', 16)),
  TIMEOUT = Number(arg('timeout', 10)),
  EARLY_MS = Number(arg('early-ms', 4000));
const KEEP = process.argv.includes('--keep');
// The kill moments come from their own seeded stream, so a failing sequence can be replayed.
let state = Number(arg('kill-seed', Date.now() % 1e9)) >>> 0;
const KILL_SEED = state;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-kill9-'));
const db = path.join(tmp, 'kill9.db');
const bin = path.join(root, 'bin', 'inkzee.js');
const farm = spawn(process.execPath, [path.join(benchDir, 'feed-farm.mjs'), '--feeds', String(FEEDS), '--seed', String(SEED)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = JSON.parse(await new Promise((resolve) => readline.createInterface({ input: farm.stdout }).once('line', resolve))).url;
const opml = path.join(tmp, 'subs.opml');
fs.writeFileSync(opml, await getText(`${base}/opml?n=${FEEDS}&nested=1`));

/**
 * run starts the CLI. With kill = { ms } it is sent SIGKILL that long after its start; with
 * kill = { feeds, ms }, that long after it reported its feeds-th stored feed (NDJSON), so that
 * kills land anywhere in the crawl however slow the machine is today. It may end first.
 */
function run(args, kill) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, '--db', db, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '',
      killed = false,
      feeds = 0,
      timer = null;
    const arm = (ms) => {
      timer ??= setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, ms);
    };
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{"type":"feed"') && ++feeds > (kill?.feeds ?? Infinity)) arm(kill.ms);
    });
    if (kill && kill.feeds === undefined) arm(kill.ms);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, killed: killed && signal === 'SIGKILL', stderr, feeds, ms: performance.now() - started });
    });
  });
}

/** inspect opens the database as the next run would (WAL recovery included) and checks it. */
function inspect() {
  const d = new Database(db, { timeout: 10_000 });
  try {
    const problems = [];
    const integrity = d.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    const count = (sql) => d.prepare(sql).pluck().get();
    const version = count('PRAGMA user_version');
    if (version === 0)
      return { problems, keys: new Set(), items: 0, feeds: count("SELECT count(*) FROM sqlite_master WHERE name = 'feeds'") }; // killed before the schema committed
    try {
      d.exec("INSERT INTO items_fts(items_fts) VALUES('integrity-check')");
    } catch (err) {
      problems.push(`items_fts integrity-check: ${err.message}`);
    }
    const missing = count('SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM items_fts f WHERE f.rowid = i.id)');
    const orphans = count('SELECT count(*) FROM items_fts f WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = f.rowid)');
    if (missing || orphans) problems.push(`items_fts: ${missing} items not indexed, ${orphans} index rows without an item`);
    const dupItems = count('SELECT count(*) FROM (SELECT 1 FROM items GROUP BY feed_id, key HAVING count(*) > 1)');
    const dupFeeds = count('SELECT count(*) FROM (SELECT 1 FROM feeds GROUP BY url HAVING count(*) > 1)');
    if (dupItems || dupFeeds) problems.push(`duplicates: ${dupItems} (feed_id, key), ${dupFeeds} feed URLs`);
    const fk = d.pragma('foreign_key_check');
    if (fk.length) problems.push(`foreign_key_check: ${fk.length} rows`);
    const keys = new Set(d.prepare("SELECT feed_id || ' ' || key FROM items").pluck().all());
    return { problems, keys, items: keys.size, feeds: count('SELECT count(*) FROM feeds') };
  } finally {
    d.close();
  }
}

const violations = [];
let before = { keys: new Set(), items: 0, feeds: 0 };
const rows = [];
for (let r = 1; r <= RUNS; r++) {
  // Every fifth run starts over on a fresh database, so kills land in import's first steps too.
  const fresh = r === 1 || (r - 1) % 5 === 0;
  if (fresh) {
    for (const ext of ['', '-wal', '-shm', '.lock']) fs.rmSync(db + ext, { force: true });
    before = { keys: new Set(), items: 0, feeds: 0 };
  }
  // An import killed before its subscriptions committed is re-run, as a user would; after that,
  // `refresh` resumes the feeds never crawled and `refresh --force` re-crawls them all.
  const args = fresh || before.feeds < FEEDS ? ['import', opml] : r % 2 ? ['refresh', '--force'] : ['refresh'];
  // A quarter of the kills come early (start-up, schema, subscriptions); the rest after a random
  // number of stored feeds plus up to 100 ms, i.e. inside the crawl's fetches and transactions.
  const kill =
    random() < 0.25
      ? { ms: Math.round(random() * EARLY_MS) }
      : { feeds: Math.floor(random() * FEEDS * 0.9), ms: Math.round(random() * 100) };
  const killAt = kill.feeds === undefined ? `${kill.ms} ms after start` : `${kill.ms} ms after feed ${kill.feeds}`;
  const res = await run([...args, '--concurrency', String(C), '--per-host', String(C), '--timeout', String(TIMEOUT)], kill);
  const after = inspect();
  const lost = [...before.keys].filter((k) => !after.keys.has(k)).length;
  const problems = [...after.problems];
  if (lost) problems.push(`${lost} items stored before this run are gone`);
  if (!res.killed && ![0, 3].includes(res.code)) problems.push(`exit ${res.code ?? res.signal}: ${res.stderr.trim().split('\n').at(-1)}`);
  rows.push({
    run: r,
    cmd: args.join(' '),
    killAt,
    killed: res.killed,
    feeds: after.feeds,
    items: after.items,
    added: after.items - before.items,
    ok: problems.length === 0,
  });
  for (const p of problems) violations.push(`run ${r} (${args.join(' ')}, kill ${killAt}): ${p}`);
  console.log(
    `run ${String(r).padStart(2)}: ${(args[0] === 'import' ? 'import subs.opml' : args.join(' ')).padEnd(16)} ${res.killed ? `killed ${killAt} (${(res.ms / 1000).toFixed(1)} s)` : `ended by itself (exit ${res.code}) before its kill, ${killAt}`}; ${after.feeds} feeds, ${after.items} items (+${after.items - before.items}); ${problems.length ? problems.join('; ') : 'checks ok'}`,
  );
  before = after;
}

// The final refresh is left to finish: every feed must then hold exactly what /truth says.
const final = await run(['refresh', '--force', '--concurrency', String(C), '--per-host', String(C), '--timeout', String(TIMEOUT)]);
if (![0, 3].includes(final.code)) violations.push(`final refresh: exit ${final.code}: ${final.stderr.trim()}`);
const end = inspect();
for (const p of end.problems) violations.push(`after the final refresh: ${p}`);
const tally = await checkTruth(db, base, ['--feeds', String(FEEDS), '--seed', String(SEED)]);
for (const w of tally.wrong) violations.push(`truth: ${w}`);
farm.kill('SIGTERM');
if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true });

const killed = rows.filter((x) => x.killed).length;
console.log(
  `\nkill -9 runs: ${RUNS} (kill seed ${KILL_SEED}; ${killed} killed mid-run, ${RUNS - killed} ended before their kill moment), ${rows.filter((x) => x.ok).length} passed every check after the kill.`,
);
console.log(
  `Final refresh --force: exit ${final.code} in ${(final.ms / 1000).toFixed(1)} s; ${end.feeds} feeds, ${end.items} items; ${tally.exact} feeds hold exactly their /truth items, ${tally.disabled410} 410s disabled, ${tally.failingRecorded} failing feeds recorded, ${tally.recoveredItems} items recovered from broken feeds.`,
);
console.log(violations.length ? `VIOLATIONS (${violations.length}):\n  ${violations.slice(0, 40).join('\n  ')}` : 'No violation.');
if (KEEP) console.log(`database kept in ${tmp}`);
process.exit(violations.length ? 1 : 0);
