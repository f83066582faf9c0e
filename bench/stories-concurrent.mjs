#!/usr/bin/env node
// Stories on PostgreSQL under concurrent crawls: `import` of PAIRS×2 feeds (POSTS items each, every
// post in two feeds, tracking parameters apart) at --concurrency 16 --per-host 16 into a fresh
// database of a throwaway cluster, timed, and how many stories `items --unique` then lists (the
// right answer is PAIRS×POSTS). With `--base DIR` (another build, e.g. one without the story locks
// of src/store/postgres/stories.ts) the two builds run alternately, median of --rounds each.
// Usage: npm run build && node bench/stories-concurrent.mjs [--pairs 150 --posts 40 --rounds 3 --base DIR]
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const PAIRS = Number(arg('pairs', 150)),
  POSTS = Number(arg('posts', 40)),
  ROUNDS = Number(arg('rounds', 3));
const builds = [['this build', path.join(root, 'bin', 'inkzee.js')]];
if (arg('base')) builds.push([`base ${arg('base')}`, path.resolve(arg('base'), 'bin', 'inkzee.js')]);

const feed = (p, s) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>p${p}${s}</title><link>https://p${p}${s}.example.net/</link>` +
  Array.from(
    { length: POSTS },
    (_, k) =>
      `<item><guid>${p}-${s}-${k}</guid><title>Post ${p}.${k}</title><link>https://blog${p}.example.com/post-${k}?utm_source=${s}</link></item>`,
  ).join('') +
  '</channel></rss>';
const srv = http.createServer((req, res) => {
  const m = /^\/(\d+)([ab])$/.exec(req.url ?? '');
  if (!m) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/rss+xml' });
  res.end(feed(m[1], m[2]));
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${srv.address().port}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-bench-stories-'));
const opml = path.join(tmp, 'pairs.opml');
fs.writeFileSync(
  opml,
  `<opml version="2.0"><body>${Array.from({ length: PAIRS }, (_, p) =>
    ['a', 'b'].map((s) => `<outline text="${p}${s}" xmlUrl="${url}/${p}${s}"/>`).join(''),
  ).join('')}</body></opml>`,
);
fs.writeFileSync(path.join(tmp, 'config.toml'), '');
const env = { ...process.env, XDG_CONFIG_HOME: tmp, INKZEE_CONFIG: path.join(tmp, 'config.toml') };

const cluster = spawn(process.execPath, [path.join(root, 'scripts', 'pg-cluster.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
let errText = '';
const admin = new Promise((resolve) =>
  cluster.stderr.on('data', (d) => {
    errText += d;
    const m = /admin (postgres:\/\/\S+),/.exec(errText);
    if (m) resolve(m[1]);
  }),
);
const app = await new Promise((resolve) => cluster.stdout.once('data', (d) => resolve(String(d).trim().split('\n')[0])));
const adminUrl = await admin;
const run = (bin, ...args) =>
  new Promise((resolve) => {
    const c = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', (code) => resolve({ code, out }));
  });
const times = new Map(builds.map(([name]) => [name, []]));
try {
  let n = 0;
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, bin] of builds) {
      const dbName = `stories${n++}`;
      execFileSync('psql', [adminUrl, '-qc', `CREATE DATABASE ${dbName} OWNER inkzee`]);
      const db = app.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`);
      await run(bin, '--db', db, 'feeds'); // the schema, not timed
      const t = process.hrtime.bigint();
      const im = await run(bin, '--db', db, 'import', opml, '--concurrency', '16', '--per-host', '16');
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const stories = (await run(bin, '--db', db, '--json', 'items', '--unique')).out.trim().split('\n').filter(Boolean).length;
      times.get(name).push(ms);
      console.log(`${name}: import exit ${im.code}, ${(ms / 1000).toFixed(2)} s, ${stories} stories (right answer ${PAIRS * POSTS})`);
    }
} finally {
  cluster.kill('SIGTERM');
  srv.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const [name] of builds) console.log(`median ${name}: ${(median(times.get(name)) / 1000).toFixed(2)} s`);
if (builds.length === 2) console.log(`ratio this/base: ${(median(times.get(builds[0][0])) / median(times.get(builds[1][0]))).toFixed(2)}×`);
