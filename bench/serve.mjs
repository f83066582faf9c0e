#!/usr/bin/env node
// bench:serve — `inkzee serve` under load (issue 19), SQLite and PostgreSQL side by side, on a store
// of 1,000,000 items over 10,000 feeds (gen-items.mjs). Every target is a ratio to a ceiling measured
// in the same run on the same machine: a bare node:http server (a child process, like serve)
// answering a constant 10 kB JSON body. autocannon at 50 connections, a warm-up then a fixed duration:
//   1. the ceiling;
//   2. GET stream/contents of the reading list, n=50, xt=read: rps ≥ 25 % of the ceiling, p99 reported;
//   3. POST edit-tag of 10 ids spread over the store, marking read and unread in turn so the state
//      keeps changing: rps ≥ 50 % of the ceiling;
//   4. peak RSS of the serve process (/proc/PID/status VmHWM, and VmRSS polled under load) ≤ 150 MB;
//   5. the stream/contents load again while `inkzee refresh` crawls ../shared/bench's feed farm into
//      the same database (its feeds subscribed first): zero non-2xx, zero socket errors.
// The SQLite store is built once and kept in the temp directory (keyed by the generator; bench:daily's
// store of the same size and schema is used when it exists), and each run works on a copy, as the
// bench changes it; PostgreSQL runs in a throwaway cluster (scripts/pg-cluster.mjs), built each run.
// A part this build cannot do yet (no `serve` command) is reported n/a with the reason.
// Usage: npm run build && npm run bench:serve [-- --items 1000000 --feeds 10000 --only sqlite|pg
//        --duration 10 --warmup 3 --connections 50 --farm-feeds 698 --json --rebuild --bin path/to/inkzee.js]
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
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
  DURATION = Number(arg('duration', 10)),
  WARMUP = Number(arg('warmup', 3)),
  CONNECTIONS = Number(arg('connections', 50)),
  FARM_FEEDS = Number(arg('farm-feeds', 698)),
  ONLY = arg('only', 'sqlite,pg').split(','),
  JSON_ONLY = process.argv.includes('--json');
const bin = path.resolve(arg('bin', path.join(root, 'bin', 'inkzee.js')));
// ../shared/bench, by its real path: the farm starts only when run under the name it knows itself by.
const benchDir = (() => {
  const dir = path.resolve(process.env.INKZEE_SHARED ?? path.join(root, '..', 'shared'), 'bench');
  return fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
})();
const PASSWORD = 'bench-serve-password';
const READ = 'user/-/state/com.google/read';
const STREAM = `/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=50&xt=${encodeURIComponent(READ)}`;
const TARGETS = { stream: 0.25, editTag: 0.5, rssMb: 150 };
const log = (s) => process.stderr.write(`${s}\n`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-bench-serve-'));
// The CLI must not read a config file of the machine's user.
fs.writeFileSync(path.join(tmp, 'config.toml'), '');
const env = { ...process.env, XDG_CONFIG_HOME: tmp, INKZEE_CONFIG: path.join(tmp, 'config.toml') };
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** track remembers a child so that an early exit of the bench kills it. */
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** stop sends SIGTERM to a child and resolves with its exit code (SIGKILL after 10 s). */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** cli runs the CLI on a store and resolves with its exit code, stdout and stderr. */
function cli(db, args, input = null) {
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, [bin, '--db', db, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    let out = '',
      err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end(input ?? '');
    child.on('exit', (code) => resolve({ code, out, err: err.trim() }));
  });
}

// The ceiling: what node:http alone answers on this machine, a constant 10 kB JSON body.
const CEILING = `
const http = require('node:http');
const body = Buffer.from(JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ id: i, title: 'x'.repeat(70) })) }).slice(0, 10239) + '}');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port, bytes: body.length })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** startCeiling starts the bare node:http server as a child and resolves with it and its URL. */
async function startCeiling() {
  const child = track(spawn(process.execPath, ['-e', CEILING], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  return { child, url: `http://127.0.0.1:${JSON.parse(line).port}` };
}

/** RssWatch polls /proc/PID/status for the largest VmRSS seen and, at the end, VmHWM (the process's peak). */
class RssWatch {
  constructor(pid) {
    this.pid = pid;
    this.maxRssKb = 0;
    this.timer = setInterval(() => this.poll(), 50);
  }
  status() {
    try {
      return fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    } catch {
      return null; // exited, or no /proc
    }
  }
  poll() {
    const m = /VmRSS:\s+(\d+) kB/.exec(this.status() ?? '');
    if (m) this.maxRssKb = Math.max(this.maxRssKb, Number(m[1]));
  }
  /** end stops polling and resolves with the peak in MB: VmHWM when /proc has it, else the largest VmRSS polled. */
  end() {
    clearInterval(this.timer);
    this.poll();
    const hwm = /VmHWM:\s+(\d+) kB/.exec(this.status() ?? '');
    return { peakMb: (hwm ? Number(hwm[1]) : this.maxRssKb) / 1024, polledMb: this.maxRssKb / 1024 };
  }
}

/** summary keeps what the report needs of an autocannon result. */
const summary = (r) => ({
  rps: r.requests.average,
  requests: r.requests.total,
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, Number(v.count)])),
  seconds: r.duration,
});

/** hammer runs autocannon for a warm-up (not kept) then for DURATION seconds, and resolves with the second run's summary. */
async function hammer(opts) {
  const base = { connections: CONNECTIONS, timeout: 30, ...opts };
  if (WARMUP > 0) await autocannon({ ...base, duration: WARMUP });
  return summary(await autocannon({ ...base, duration: DURATION }));
}

/** sqliteStore returns a copy, in the run's temp directory, of the cached SQLite store, built first when missing. */
async function sqliteStore() {
  const gen = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(root, 'bench', 'gen-items.mjs')))
    .digest('hex')
    .slice(0, 12);
  // bench:daily's store is the same when its schema is this one: no need to build another.
  const schema = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(root, 'src/store/sqlite/migrations.ts')))
    .update(fs.readFileSync(path.join(root, 'bench', 'gen-items.mjs')))
    .digest('hex')
    .slice(0, 12);
  const daily = path.join(os.tmpdir(), `inkzee-daily-${N}-${F}-${BIG}-${schema}.db`);
  let file = path.join(os.tmpdir(), `inkzee-serve-${N}-${F}-${BIG}-${gen}.db`);
  if (process.argv.includes('--rebuild') || (!fs.existsSync(file) && !fs.existsSync(daily))) {
    const building = `${file}.building`;
    for (const f of [building, `${building}-wal`, `${building}-shm`]) fs.rmSync(f, { force: true });
    log(`building ${file} (${N} items over ${F} feeds)…`);
    const r = await generate(building, { items: N, feeds: F, big: BIG, log });
    log(`built in ${r.seconds.toFixed(0)} s`);
    fs.renameSync(building, file);
  } else if (!fs.existsSync(file)) file = daily;
  // The copy is migrated by the CLI when the schema moved on since the store was built.
  const copy = path.join(tmp, 'serve.db');
  fs.copyFileSync(file, copy);
  return copy;
}

/** sampleIds lists every item id of the store, for edit-tag to spread its ids over. */
async function sampleIds(db) {
  if (/^postgres/.test(db)) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      return (await c.query('SELECT id FROM items ORDER BY id')).rows.map((r) => Number(r.id));
    } finally {
      await c.end();
    }
  }
  const s = new Database(db, { readonly: true });
  try {
    return s
      .prepare('SELECT id FROM items ORDER BY id')
      .raw()
      .all()
      .map((r) => Number(r[0]));
  } finally {
    s.close();
  }
}

/**
 * settle writes a SQLite store's file through to the disk (a no-op for PostgreSQL). A copy just made
 * (and migrated) is some 900 MB of dirty pages in the page cache: the first checkpoint's fsync under
 * the edit-tag load would wait for all of them (917 edit-tags a second measured so, 1,366 once synced).
 */
function settle(db) {
  if (/^postgres/.test(db)) return;
  for (const f of [db, `${db}-wal`]) {
    if (!fs.existsSync(f)) continue;
    const fd = fs.openSync(f, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** startServe sets the API password, starts `inkzee serve` on a free port and resolves with it, its base URL and its tokens. */
async function startServe(db) {
  const set = await cli(db, ['serve', '--set-password'], `${PASSWORD}\n`);
  if (/unknown command 'serve'/.test(set.err)) throw new Error('this build has no `serve` command');
  if (set.code !== 0) throw new Error(`serve --set-password: ${set.err.split('\n')[0] || `exit ${set.code}`}`);
  // After the copy and the migration --set-password ran: serve is measured, not the page cache's writeback.
  settle(db);
  const child = track(
    spawn(process.execPath, [bin, '--db', db, 'serve', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  let stderr = '';
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address in 60 s: ${stderr.slice(0, 300)}`)), 60_000);
    child.stderr.on('data', (d) => {
      if (stderr.length < 1 << 16) stderr += d;
      const m = /(?:https?:\/\/)?(127\.0\.0\.1|localhost):(\d+)(\/[^\s,;)"']*)?/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[2]}`, path: (m[3] ?? '').replace(/\/$/, '') });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr.trim().split('\n')[0]}`)));
  });
  // The base path is the one the start line shows, else the first that answers ClientLogin.
  let auth = null,
    base = null;
  for (const p of [...new Set([origin.path, '', '/api/greader'])]) {
    const res = await fetch(`${origin.url}${p}/accounts/ClientLogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Email: 'inkzee', Passwd: PASSWORD }),
    });
    const text = await res.text();
    if (res.status === 404) continue;
    const m = /^Auth=(.+)$/m.exec(text);
    if (!res.ok || !m) throw new Error(`ClientLogin answered ${res.status}: ${text.slice(0, 200)}`);
    auth = m[1].trim();
    base = `${origin.url}${p}`;
    break;
  }
  if (!auth) throw new Error('ClientLogin: 404 at every base path tried');
  const headers = { authorization: `GoogleLogin auth=${auth}` };
  const tok = await fetch(`${base}/reader/api/0/token`, { headers });
  if (!tok.ok) throw new Error(`token answered ${tok.status}`);
  const T = (await tok.text()).trim();
  return { child, base, headers, T, stderr: () => stderr };
}

/** hexId is an item id in the long form reader apps send: tag:google.com,2005:reader/item/<16 hex>. */
const hexId = (id) => `tag:google.com,2005:reader/item/${id.toString(16).padStart(16, '0')}`;

/** editTagBody builds edit-tag bodies: 10 ids drawn over the whole store, marking read then unread in turn. */
function editTagBody(ids, T) {
  let k = 0,
    seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return ids[seed % ids.length];
  };
  return () => {
    const p = new URLSearchParams();
    for (let j = 0; j < 10; j++) p.append('i', hexId(next()));
    p.append(k++ % 2 ? 'r' : 'a', READ);
    p.append('T', T);
    return p.toString();
  };
}

/** startFarm starts the feed farm with latency (so a crawl lasts) and resolves with it and its URL. */
async function startFarm() {
  const child = track(
    spawn(process.execPath, [path.join(benchDir, 'feed-farm.mjs'), '--feeds', String(FARM_FEEDS), '--port', '0', '--hangs', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  return { child, url: JSON.parse(line).url };
}

/** measureEngine takes every figure on one store; a part that cannot run is { error } saying why. */
async function measureEngine(kind, db) {
  const out = { notes: [] };
  log(`${kind}: ceiling`);
  const ceiling = await startCeiling();
  try {
    out.ceiling = await hammer({ url: ceiling.url });
  } finally {
    await stop(ceiling.child);
  }
  const ids = await sampleIds(db);
  out.store = { items: ids.length };
  let serve;
  try {
    serve = await startServe(db);
  } catch (err) {
    out.error = err.message;
    return out;
  }
  const rss = new RssWatch(serve.child.pid);
  try {
    // One request of each kind first, so a wrong request is a note, not a silent figure.
    const first = await fetch(`${serve.base}${STREAM}`, { headers: serve.headers });
    const items = first.ok ? ((await first.json()).items?.length ?? 'no items field') : await first.text();
    if (items !== 50)
      out.notes.push(`stream/contents answered ${first.status} with ${JSON.stringify(items).slice(0, 200)} (expected 50 items)`);
    const body = editTagBody(ids, serve.T);
    const editHeaders = { ...serve.headers, 'content-type': 'application/x-www-form-urlencoded' };
    const probe = await fetch(`${serve.base}/reader/api/0/edit-tag`, { method: 'POST', headers: editHeaders, body: body() });
    const probeText = await probe.text();
    if (probe.status !== 200 || probeText !== 'OK') out.notes.push(`edit-tag answered ${probe.status}: ${probeText.slice(0, 200)}`);

    log(`${kind}: stream/contents`);
    out.stream = await hammer({ url: `${serve.base}${STREAM}`, headers: serve.headers });
    log(`${kind}: edit-tag`);
    out.editTag = await hammer({
      url: `${serve.base}/reader/api/0/edit-tag`,
      requests: [
        {
          method: 'POST',
          headers: editHeaders,
          setupRequest: (req) => ({ ...req, body: body() }),
        },
      ],
    });
    out.rss = rss.end();

    log(`${kind}: stream/contents during a refresh of the feed farm (${FARM_FEEDS} feeds)`);
    out.underRefresh = await underRefresh(db, serve);
  } finally {
    rss.end();
    const code = await stop(serve.child);
    if (code !== 0) out.notes.push(`serve exited with ${code} on SIGTERM: ${serve.stderr().trim().split('\n').at(-1)}`);
  }
  return out;
}

/** underRefresh subscribes the farm's feeds, then runs the stream/contents load for as long as `inkzee refresh` crawls them. */
async function underRefresh(db, serve) {
  if (!fs.existsSync(path.join(benchDir, 'feed-farm.mjs'))) return { error: `${benchDir}/feed-farm.mjs not found` };
  const farm = await startFarm();
  try {
    const opml = path.join(tmp, 'farm.opml');
    const opmlText = await (await fetch(`${farm.url}/opml?n=${FARM_FEEDS}&nested=1`)).text();
    fs.writeFileSync(opml, opmlText);
    // Only the farm's feeds are crawled: the generated store's feeds are on hosts that do not exist.
    const only = [...opmlText.matchAll(/xmlUrl="([^"]+)"/g)].flatMap((m) => ['--feed', m[1].replaceAll('&amp;', '&')]);
    const sub = await cli(db, ['import', opml, '--no-fetch', '--quiet']);
    if (sub.code !== 0) return { error: `import --no-fetch: ${sub.err.split('\n')[0]}` };
    const started = performance.now();
    const crawl = track(
      spawn(process.execPath, [bin, '--db', db, '--json', 'refresh', '--timeout', '10', ...only], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let crawlOut = '',
      crawlErr = '';
    crawl.stdout.on('data', (d) => (crawlOut += d));
    crawl.stderr.on('data', (d) => (crawlErr += d));
    const crawled = new Promise((resolve) => crawl.once('exit', resolve));
    // The load lasts exactly as long as the crawl: stopped when refresh exits.
    const instance = autocannon({
      url: `${serve.base}${STREAM}`,
      headers: serve.headers,
      connections: CONNECTIONS,
      timeout: 30,
      duration: 3600,
    });
    const code = await crawled;
    const wall = (performance.now() - started) / 1000;
    instance.stop();
    const result = summary(await instance);
    const last = crawlOut.trim().split('\n').at(-1) ?? '';
    let newItems = null;
    try {
      newItems = JSON.parse(last).newItems ?? null;
    } catch {
      /* no summary line */
    }
    return { ...result, refresh: { code, wall, newItems, err: crawlErr.trim().split('\n')[0] ?? '' } };
  } finally {
    await stop(farm.child);
  }
}

// ---- run ----
const results = {};
const skipped = {};
if (ONLY.includes('sqlite')) results.sqlite = await measureEngine('sqlite', await sqliteStore());
if (ONLY.includes('pg')) {
  let cluster;
  try {
    const { startCluster, createDatabase } = await import('../scripts/pg-cluster.mjs');
    cluster = await startCluster();
    const url = await createDatabase(cluster.adminUrl, 'serve');
    log(`building the PostgreSQL store (${N} items over ${F} feeds)…`);
    const r = await generate(`${url}${url.includes('?') ? '&' : '?'}timeout=3600`, { items: N, feeds: F, big: BIG, log });
    log(`built in ${r.seconds.toFixed(0)} s`);
    // A store just loaded is not one in use: its pages' hint bits are unset and autovacuum has yet
    // to analyze it, so the first reads would pay for both (without this, stream/contents ran slower
    // before the refresh, 116 rps, than during it, 179).
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('VACUUM (ANALYZE)').finally(() => c.end());
    results.pg = await measureEngine('pg', url);
  } catch (err) {
    skipped.pg = err.message.split('\n')[0];
    log(`PostgreSQL skipped: ${skipped.pg}`);
  } finally {
    await cluster?.stop();
  }
}

// ---- report ----
const engines = ['sqlite', 'pg'];
const fmt = (x, d = 0) => (typeof x === 'number' ? x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const cell = (eng, f) => {
  const res = results[eng];
  if (!res) return skipped[eng] ? 'skipped' : '—';
  try {
    return f(res) ?? 'n/a';
  } catch {
    return 'n/a';
  }
};
const mark = (ok) => (ok ? '✔' : '✘');
const ratio = (m, res, target) =>
  typeof m?.rps === 'number'
    ? `${fmt((100 * m.rps) / res.ceiling.rps)} % ${mark(m.rps / res.ceiling.rps >= target && m.non2xx === 0)}`
    : null;
const load = (m) =>
  m && typeof m.rps === 'number'
    ? `${fmt(m.rps)} rps, p99 ${fmt(m.p99)} ms, ${m.non2xx} non-2xx, ${m.errors} errors${m.timeouts ? ` (${m.timeouts} timeouts)` : ''}`
    : null;
const rows = [
  ['ceiling: node:http, constant 10 kB JSON', (r) => load(r.ceiling), '—'],
  ['stream/contents reading-list n=50 xt=read', (r) => load(r.stream), ''],
  ['  ÷ ceiling', (r) => ratio(r.stream, r, TARGETS.stream), `≥ ${TARGETS.stream * 100} %`],
  ['edit-tag, 10 ids, a/r read in turn', (r) => load(r.editTag), ''],
  ['  ÷ ceiling', (r) => ratio(r.editTag, r, TARGETS.editTag), `≥ ${TARGETS.editTag * 100} %`],
  [
    'peak RSS of serve (VmHWM)',
    (r) => (r.rss ? `${fmt(r.rss.peakMb)} MB ${mark(r.rss.peakMb <= TARGETS.rssMb)}` : null),
    `≤ ${TARGETS.rssMb} MB`,
  ],
  ['stream/contents during `refresh` of the farm', (r) => load(r.underRefresh), ''],
  [
    '  non-2xx + socket errors',
    (r) => {
      const u = r.underRefresh;
      if (!u || typeof u.rps !== 'number') return null;
      const bad = u.non2xx + u.errors;
      // Exit 3 is a crawl in which some of the farm's feeds failed, as some of them do on purpose.
      return `${bad} ${mark(bad === 0 && [0, 3].includes(u.refresh.code))} (refresh exit ${u.refresh.code}, ${fmt(u.refresh.wall, 1)} s, ${u.refresh.newItems ?? '?'} new items)`;
    },
    '0',
  ],
];
const lines = [
  `\nInkzee serve on ${N.toLocaleString('en')} items over ${F.toLocaleString('en')} feeds; autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s; ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
  '| measurement | SQLite | PostgreSQL | target |',
  '|---|---|---|---|',
  ...rows.map(([label, f, target]) => `| ${label} | ${cell('sqlite', f)} | ${cell('pg', f)} | ${target} |`),
];
for (const eng of engines) {
  const res = results[eng];
  if (!res) continue;
  if (res.error) lines.push(`${eng}: n/a — ${res.error}`);
  if (res.underRefresh?.error) lines.push(`${eng}: under refresh n/a — ${res.underRefresh.error}`);
  for (const n of res.notes) lines.push(`${eng}: ${n}`);
}
for (const [eng, why] of Object.entries(skipped)) lines.push(`${eng}: skipped — ${why}`);
const json = {
  bench: 'serve',
  items: N,
  feeds: F,
  connections: CONNECTIONS,
  duration: DURATION,
  warmup: WARMUP,
  cpus: os.cpus().length,
  loadavg: os.loadavg(),
  targets: TARGETS,
  results,
  skipped,
};
if (JSON_ONLY) console.log(JSON.stringify(json));
else {
  console.log(lines.join('\n'));
  console.log(JSON.stringify(json));
}
