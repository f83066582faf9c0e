#!/usr/bin/env node
// bench:daily — the daily loop's performance targets (issue 18) on SQLite and PostgreSQL side by
// side, on a store of 1,000,000 items over 10,000 feeds, one of which holds 100,000 of them
// (gen-items.mjs). Every figure is the median wall time of --runs runs (default 5) of the real CLI
// (bin/inkzee.js, start-up included), and every target is a ratio to a baseline measured in the
// same run, on the same store, never an absolute time:
//   1. `items --unread --limit 50` ÷ `items --limit 50` ≤ 1.2, on the fresh store (all unread) and
//      after `mark read --all` with a few thousand scattered items marked unread again (the hard
//      case: the partial index must be walked past read rows' absence, not the table scanned);
//   2. `feeds --json` with unread counts ÷ `feeds --json` of the Inkzee at the start of the issue
//      (git revision bfa3f2d, built into the temp directory) ≤ 1.5;
//   3. `mark read --feed 1` (100,000 items) and `mark read --all` (1,000,000), one transaction
//      each, timed, with `mark unread --all` between runs; `items --starred --limit 50` for interest.
// The SQLite store is cached in the temp directory, keyed by the schema and the generator (a stale
// one is rebuilt; --rebuild forces it); PostgreSQL runs in a throwaway cluster (scripts/pg-cluster.mjs)
// and its store is built each run. A part the CLI cannot do yet is reported n/a with the reason.
// Usage: npm run build && npm run bench:daily [-- --items 1000000 --feeds 10000 --big 100000 --runs 5 --only sqlite,pg --rebuild]
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { generate } from './gen-items.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const N = Number(arg('items', 1_000_000)),
  F = Number(arg('feeds', 10_000)),
  BIG = Number(arg('big', Math.round(N / 10))),
  RUNS = Math.max(1, Number(arg('runs', 5))),
  ONLY = arg('only', 'sqlite,pg').split(',');
const BASELINE_REV = arg('baseline', 'bfa3f2d');
const bin = path.join(root, 'bin', 'inkzee.js');
const log = (s) => process.stderr.write(`${s}\n`);
// Scattered items, chosen by their number in time (the key g<number>), so both engines pick the same.
const UNREAD_EVERY = 333,
  STAR_EVERY = 500;

/** cli runs the CLI at `binFile` on a store and resolves with its exit code, wall seconds, stdout lines and first stderr line. */
function cli(binFile, db, args, input = null) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [binFile, '--db', db, ...args], { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let lines = 0,
      err = '',
      out = '';
    child.stdout.on('data', (d) => {
      for (const b of d) if (b === 10) lines++;
      if (out.length < 4096) out += d;
    });
    child.stderr.on('data', (d) => (err += d));
    if (input !== null) child.stdin.end(input);
    child.on('exit', (code) => {
      const wall = (performance.now() - started) / 1000;
      resolve({ code, wall, lines, out, err: err.trim().split('\n')[0] ?? '', stderr: err });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * compare times two commands alternately (one warm-up each, then RUNS pairs, so drift on a shared
 * machine hits both alike) and resolves with their medians and ratio, or the reason one cannot run.
 */
async function compare(a, b) {
  const first = await a();
  if (first.code !== 0) return { error: first.err || `exit ${first.code}` };
  const second = await b();
  if (second.code !== 0) {
    // The baseline alone is still worth reporting.
    const ta = [];
    for (let k = 0; k < RUNS; k++) ta.push((await a()).wall);
    return { base: median(ta), error: second.err || `exit ${second.code}` };
  }
  const ta = [],
    tb = [];
  let lines = null;
  for (let k = 0; k < RUNS; k++) {
    ta.push((await a()).wall);
    const r = await b();
    tb.push(r.wall);
    lines = r.lines;
  }
  const ma = median(ta),
    mb = median(tb);
  return { base: ma, value: mb, ratio: mb / ma, lines };
}

/** Engine is raw SQL access to one store, for the state a measurement starts from and for checks. */
class Engine {
  static async open(kind, db) {
    const e = new Engine();
    e.kind = kind;
    e.db = db;
    if (kind === 'sqlite') e.sqlite = new Database(db);
    else {
      e.pg = new pg.Client({ connectionString: db });
      await e.pg.connect();
    }
    return e;
  }
  async all(sql) {
    if (this.sqlite) return this.sqlite.prepare(sql).all();
    return (await this.pg.query(sql)).rows;
  }
  async run(sql) {
    if (this.sqlite) this.sqlite.exec(sql);
    else await this.pg.query(sql);
  }
  /** numberOf is SQL for an item's number in time, from its key g<number>. */
  get numberOf() {
    return this.sqlite ? 'CAST(substr(key, 2) AS INTEGER)' : 'substr(key, 2)::int';
  }
  async idsEvery(every, offset = 0) {
    const rows = await this.all(`SELECT id FROM items WHERE ${this.numberOf} % ${every} = ${offset} ORDER BY id`);
    return rows.map((r) => Number(r.id));
  }
  async count(where) {
    const rows = await this.all(`SELECT count(*) AS n FROM items WHERE ${where}`);
    return Number(rows[0].n);
  }
  /** reset leaves every item unread and unstarred, as the generator stored them. */
  async reset() {
    await this.run('UPDATE items SET read_at = NULL WHERE read_at IS NOT NULL');
    await this.run('UPDATE items SET starred_at = NULL WHERE starred_at IS NOT NULL');
  }
  async close() {
    this.sqlite?.close();
    await this.pg?.end();
  }
}

/** baselineCli builds the CLI of BASELINE_REV into the temp directory once and returns its bin, or throws why it cannot. */
function baselineCli() {
  const dir = path.join(os.tmpdir(), `inkzee-baseline-${BASELINE_REV}`);
  const binFile = path.join(dir, 'bin', 'inkzee.js');
  if (fs.existsSync(path.join(dir, 'dist', 'cli.js'))) return binFile;
  try {
    execFileSync('git', ['-C', root, 'cat-file', '-e', `${BASELINE_REV}^{commit}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`git revision ${BASELINE_REV} is not in this checkout's history`);
  }
  const building = `${dir}.building`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  const tar = execFileSync('git', ['-C', root, 'archive', BASELINE_REV, 'src', 'bin', 'tsconfig.json', 'package.json'], {
    maxBuffer: 1 << 28,
  });
  execFileSync('tar', ['-x', '-C', building], { input: tar });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(building, 'node_modules'));
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', building], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(building, dir);
  return binFile;
}

/** sqliteStore returns the cached SQLite store, built first when missing or made by another schema or generator. */
async function sqliteStore() {
  const hash = crypto.createHash('sha256');
  for (const f of ['src/store/sqlite/migrations.ts', 'bench/gen-items.mjs']) hash.update(fs.readFileSync(path.join(root, f)));
  const file = path.join(os.tmpdir(), `inkzee-daily-${N}-${F}-${BIG}-${hash.digest('hex').slice(0, 12)}.db`);
  if (process.argv.includes('--rebuild') || !fs.existsSync(file)) {
    const building = `${file}.building`;
    for (const f of [building, `${building}-wal`, `${building}-shm`]) fs.rmSync(f, { force: true });
    log(`building ${file} (${N} items over ${F} feeds, ${BIG} in feed 1)…`);
    const r = await generate(building, { items: N, feeds: F, big: BIG, log });
    log(`built in ${r.seconds.toFixed(0)} s`);
    fs.renameSync(building, file);
  }
  return file;
}

/** mark runs `inkzee mark …` and resolves with its wall time, or throws its error line. */
async function mark(db, args, input = null) {
  const r = await cli(bin, db, ['mark', ...args], input);
  if (r.code !== 0) throw new Error(`mark ${args.join(' ')}: ${r.err || `exit ${r.code}`}`);
  return r;
}

/** measureEngine takes every figure on one store; each is a number, or { error } saying why it is missing. */
async function measureEngine(kind, db, baseBin) {
  const e = await Engine.open(kind, db);
  const out = { notes: [] };
  const items =
    (...flags) =>
    () =>
      cli(bin, db, ['items', ...flags, '--limit', '50', '--json']);
  try {
    await e.reset();
    const total = await e.count('1 = 1');
    const bigCount = await e.count('feed_id = 1');
    out.store = { items: total, feeds: Number((await e.all('SELECT count(*) AS n FROM feeds'))[0].n), feed1: bigCount };
    const canMark = /Usage: inkzee mark/.test((await cli(bin, db, ['mark', '--help'])).out);
    if (!canMark) out.notes.push('this build has no `mark` command: read state set by SQL, mark timings n/a');

    log(`${kind}: items, all unread`);
    out.itemsFresh = await compare(items(), items('--unread'));

    log(`${kind}: feeds`);
    if (baseBin instanceof Error) out.feeds = { error: baseBin.message };
    else {
      const now = await cli(bin, db, ['feeds', '--json']);
      const withUnread = now.code === 0 && /"unread":/.test(now.out);
      if (!withUnread) out.notes.push('`feeds --json` of this build has no unread field yet');
      out.feeds = await compare(
        () => cli(baseBin, db, ['feeds', '--json']),
        () => cli(bin, db, ['feeds', '--json']),
      );
      out.feeds.withUnread = withUnread;
    }

    const unreadTimes = [];
    /** timedMark runs `mark read …` RUNS times, each followed by `mark unread --all`; a failure is its figure's error. */
    const timedMark = async (args, check, at = db) => {
      const times = [];
      try {
        for (let k = 0; k < RUNS; k++) {
          const r = await mark(at, ['read', ...args]);
          times.push(r.wall);
          if (k === 0) {
            const problem = await check();
            if (problem) out.notes.push(`mark read ${args.join(' ')}: ${problem}`);
          }
          unreadTimes.push((await mark(at, ['unread', '--all'])).wall);
        }
      } catch (err) {
        await e.reset();
        // PostgreSQL gives up on a statement unanswered for 30 s (?timeout=S): say so, then time
        // the mark with a longer one, so the figure is known either way.
        if (at === db && kind === 'pg' && /did not answer within/.test(err.message)) {
          const longer = await timedMark(args, check, `${db}${db.includes('?') ? '&' : '?'}timeout=600`);
          return { ...longer, error: err.message, withTimeout600: longer.value };
        }
        return { error: err.message };
      }
      return { value: median(times) };
    };
    if (canMark) {
      log(`${kind}: mark read --feed 1 (${bigCount} items)`);
      out.markFeed = await timedMark(['--feed', '1'], async () => {
        const n = await e.count('read_at IS NOT NULL'),
          inFeed = await e.count('read_at IS NOT NULL AND feed_id = 1');
        return n === bigCount && inFeed === bigCount ? null : `${n} items read (${inFeed} of feed 1), expected the ${bigCount} of feed 1`;
      });
      log(`${kind}: mark read --all (${total} items)`);
      out.markAll = await timedMark(['--all'], async () => {
        const n = await e.count('read_at IS NULL');
        return n === 0 ? null : `${n} items left unread`;
      });
      if (unreadTimes.length) out.markUnreadAll = { value: median(unreadTimes) };
    }

    // The hard case: everything read but a few thousand scattered items.
    const scattered = await e.idsEvery(UNREAD_EVERY);
    let bySql = !canMark;
    if (canMark) {
      try {
        // The state to measure from, not a measurement: given the time it needs (see timedMark).
        const at = kind === 'pg' ? `${db}${db.includes('?') ? '&' : '?'}timeout=600` : db;
        await mark(at, ['read', '--all']);
        await mark(at, ['unread', '-'], scattered.join('\n') + '\n');
      } catch (err) {
        out.notes.push(`scattered unread state set by SQL: ${err.message}`);
        bySql = true;
      }
    }
    if (bySql) {
      await e.run(`UPDATE items SET read_at = '2025-06-01T00:00:00.000Z' WHERE read_at IS NULL`);
      await e.run(`UPDATE items SET read_at = NULL WHERE ${e.numberOf} % ${UNREAD_EVERY} = 0`);
    }
    const unread = await e.count('read_at IS NULL');
    if (unread !== scattered.length) out.notes.push(`expected ${scattered.length} unread items, found ${unread}`);
    log(`${kind}: items, ${unread} scattered unread`);
    out.itemsScattered = await compare(items(), items('--unread'));
    out.itemsScattered.unread = unread;

    const stars = await e.idsEvery(STAR_EVERY, 250);
    let starred = canMark;
    if (canMark) {
      try {
        await mark(db, ['star', '-'], stars.join('\n') + '\n');
      } catch (err) {
        out.notes.push(`starred state set by SQL: ${err.message}`);
        starred = false;
      }
    }
    if (!starred) await e.run(`UPDATE items SET starred_at = '2025-06-01T00:00:00.000Z' WHERE ${e.numberOf} % ${STAR_EVERY} = 250`);
    log(`${kind}: items --starred (${stars.length} starred)`);
    out.itemsStarred = await compare(items(), items('--starred'));
    out.itemsStarred.starred = stars.length;
  } finally {
    await e.reset();
    await e.close();
  }
  return out;
}

// ---- run ----
let baseBin;
try {
  log(`baseline CLI: ${BASELINE_REV}`);
  baseBin = baselineCli();
} catch (err) {
  baseBin = new Error(`baseline ${BASELINE_REV} unavailable: ${err.message.split('\n')[0]}`);
  log(baseBin.message);
}
const results = {};
const skipped = {};
if (ONLY.includes('sqlite')) results.sqlite = await measureEngine('sqlite', await sqliteStore(), baseBin);
if (ONLY.includes('pg')) {
  let cluster;
  try {
    const { startCluster, createDatabase } = await import('../scripts/pg-cluster.mjs');
    cluster = await startCluster();
    const url = await createDatabase(cluster.adminUrl, 'daily');
    log(`building the PostgreSQL store (${N} items over ${F} feeds, ${BIG} in feed 1)…`);
    // Building runs 16 stores at once, some on the same feed, each waiting its turn on the feed's
    // lock longer than the default 30 s a statement may go unanswered; the measurements keep it.
    const r = await generate(`${url}${url.includes('?') ? '&' : '?'}timeout=3600`, { items: N, feeds: F, big: BIG, log });
    log(`built in ${r.seconds.toFixed(0)} s`);
    results.pg = await measureEngine('pg', url, baseBin);
  } catch (err) {
    skipped.pg = err.message.split('\n')[0];
    log(`PostgreSQL skipped: ${skipped.pg}`);
  } finally {
    await cluster?.stop();
  }
}

// ---- report ----
const fmt = (x, d = 3) => (typeof x === 'number' ? x.toFixed(d) : 'n/a');
const cell = (eng, key, field) => {
  if (!results[eng]) return skipped[eng] ? 'skipped' : 'n/a';
  const m = results[eng][key];
  if (!m || typeof m[field] !== 'number') return 'n/a';
  if (m.withTimeout600 !== undefined) return `${fmt(m[field])} (fails in 30 s; ?timeout=600)`;
  return fmt(m[field], field === 'ratio' ? 2 : 3);
};
const verdict = (key, target) => {
  const rs = ['sqlite', 'pg'].map((eng) => results[eng]?.[key]?.ratio).filter((x) => typeof x === 'number');
  if (!rs.length) return 'n/a';
  return rs.every((x) => x <= target) ? 'pass' : 'FAIL';
};
const rows = [];
const ratioRow = (label, key, baseLabel, target) => {
  rows.push([`${baseLabel} (s)`, cell('sqlite', key, 'base'), cell('pg', key, 'base'), '', '']);
  rows.push([`${label} (s)`, cell('sqlite', key, 'value'), cell('pg', key, 'value'), '', '']);
  rows.push([
    `  ratio`,
    cell('sqlite', key, 'ratio'),
    cell('pg', key, 'ratio'),
    target ? `≤ ${target}` : '—',
    target ? verdict(key, target) : '—',
  ]);
};
ratioRow('items --unread --limit 50, all unread', 'itemsFresh', 'items --limit 50, all unread', 1.2);
ratioRow('items --unread --limit 50, scattered unread', 'itemsScattered', 'items --limit 50, scattered unread', 1.2);
ratioRow('feeds --json with unread counts', 'feeds', `feeds --json at ${BASELINE_REV}`, 1.5);
ratioRow('items --starred --limit 50', 'itemsStarred', 'items --limit 50', null);
rows.push([
  `mark read --feed 1 (${BIG.toLocaleString('en')} items) (s)`,
  cell('sqlite', 'markFeed', 'value'),
  cell('pg', 'markFeed', 'value'),
  'timed',
  '—',
]);
rows.push([
  `mark read --all (${N.toLocaleString('en')} items) (s)`,
  cell('sqlite', 'markAll', 'value'),
  cell('pg', 'markAll', 'value'),
  'timed',
  '—',
]);
rows.push(['mark unread --all (reset) (s)', cell('sqlite', 'markUnreadAll', 'value'), cell('pg', 'markUnreadAll', 'value'), '—', '—']);

console.log(
  `\nInkzee daily use on ${N.toLocaleString('en')} items over ${F.toLocaleString('en')} feeds (${BIG.toLocaleString('en')} in feed 1); median of ${RUNS} runs, wall time of the CLI; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}\n`,
);
console.log('| measurement | SQLite | PostgreSQL | target | pass |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
for (const [eng, res] of Object.entries(results)) {
  for (const [key, m] of Object.entries(res))
    if (m && m.error) console.log(`${eng} ${key}: ${m.withTimeout600 !== undefined ? 'at the default timeout' : 'n/a'} — ${m.error}`);
  for (const n of res.notes) console.log(`${eng}: ${n}`);
}
for (const [eng, why] of Object.entries(skipped)) console.log(`${eng}: skipped — ${why}`);
console.log(JSON.stringify({ bench: 'daily', items: N, feeds: F, big: BIG, runs: RUNS, baseline: BASELINE_REV, results, skipped }));
