#!/usr/bin/env node
// bench:crawl — crawl ../shared/bench's feed farm with the real CLI and report wall time as ratios
// to ideal.mjs's bounds for the same concurrency, CPU seconds and peak RSS, whether every feed
// holds exactly what /truth says, what a second (conditional) crawl costs, and churn.
// Usage: npm run bench:crawl [-- --feeds 698 --concurrency 16 --timeout 10]
// Skips cleanly (exit 0) when ../shared/bench is absent.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.resolve(process.env.INKZEE_SHARED ?? path.join(root, '..', 'shared'), 'bench');
if (!fs.existsSync(path.join(benchDir, 'feed-farm.mjs'))) {
  console.log(`skipped: ${benchDir}/feed-farm.mjs not found`);
  process.exit(0);
}
const arg = (name, def) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : def; };
const FEEDS = Number(arg('feeds', 698)), C = Number(arg('concurrency', 16)), TIMEOUT = Number(arg('timeout', 10)), SEED = Number(arg('seed', 1));
const farmLib = await import(pathToFileURL(path.join(benchDir, 'feed-farm.mjs')).href);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-bench-'));
const db = path.join(tmp, 'bench.db');
const bin = path.join(root, 'bin', 'inkzee.js');
const hasTime = fs.existsSync('/usr/bin/time');

async function startFarm(port, extra = []) {
  const child = spawn(process.execPath, [path.join(benchDir, 'feed-farm.mjs'), '--feeds', String(FEEDS), '--seed', String(SEED), '--port', String(port), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
  return { child, url: JSON.parse(line).url };
}
const stopFarm = (farm) => new Promise((r) => { farm.child.once('exit', r); farm.child.kill('SIGTERM'); });
// The bench's own requests use a fresh connection each (no keep-alive), so the farm's socket
// high-water mark counts only the crawler's sockets.
const getText = (url) => new Promise((resolve, reject) => http.get(url, { agent: false }, (res) => {
  let body = '';
  res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve(body));
}).on('error', reject));
const getJson = async (url) => JSON.parse(await getText(url));

/** run times one CLI invocation; with /usr/bin/time, also CPU seconds and peak RSS. */
function run(args) {
  return new Promise((resolve) => {
    const started = performance.now();
    const cmd = hasTime ? ['/usr/bin/time', ['-f', 'TIME %U %S %M', process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
    const child = spawn(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const wall = (performance.now() - started) / 1000;
      const t = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      const events = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      resolve({ code, wall, cpu: t ? Number(t[1]) + Number(t[2]) : null, rssMb: t ? Number(t[3]) / 1024 : null, events, summary: events.at(-1) });
    });
  });
}

let farm = await startFarm(0);
const port = new URL(farm.url).port;
fs.writeFileSync(path.join(tmp, 'subs.opml'), await getText(`${farm.url}/opml?n=${FEEDS}&nested=1`));
const ideal = JSON.parse(execFileSync(process.execPath, [path.join(benchDir, 'ideal.mjs'), '--feeds', String(FEEDS), '--seed', String(SEED), '--nested', '--concurrency', String(C), '--timeout', String(TIMEOUT), '--json'], { encoding: 'utf8' }));
const bound = ideal.bounds[0];
await getJson(`${farm.url}/stats?reset=1`);

const crawlFlags = ['--concurrency', String(C), '--per-host', String(C), '--timeout', String(TIMEOUT)];
const first = await run(['--db', db, '--json', 'import', path.join(tmp, 'subs.opml'), ...crawlFlags]);
const stats1 = await getJson(`${farm.url}/stats?reset=1`);

// Check every feed against the farm's truth.
const sqlite = new Database(db, { readonly: true });
const feedRow = sqlite.prepare('SELECT * FROM feeds WHERE url IN (?, ?, ?)');
const itemRows = sqlite.prepare('SELECT guid, link, title FROM items WHERE feed_id = ?');
const check = { exact: 0, wrong: [], disabled410: 0, moved301: 0, autodiscovered: 0, recoveredItems: 0, failingRecorded: 0 };
for (let i = 0; i < FEEDS; i++) {
  const truth = await getJson(`${farm.url}/truth/${i}`);
  const f = feedRow.get(`${farm.url}/feed/${i}`, `${farm.url}/moved/${i}`, `${farm.url}/alt/${i}`);
  if (!f) { check.wrong.push(`${i}: no feed row`); continue; }
  const items = itemRows.all(f.id);
  const key = (it) => it.guid ?? it.link;
  if (['ok', '301', '302', 'html'].includes(truth.kind)) {
    const got = new Map(items.map((it) => [key(it), it.title]));
    const same = items.length === truth.items.length && truth.items.every((t) => got.get(t.guid) === t.title);
    if (same) check.exact++; else check.wrong.push(`${i} (${truth.kind}): ${items.length} items vs ${truth.items.length}`);
    if (truth.kind === '301' && f.url.endsWith(`/moved/${i}`)) check.moved301++;
    if (truth.kind === '302' && !f.url.endsWith(`/feed/${i}`)) check.wrong.push(`${i}: a 302 moved the subscription`);
    if (truth.kind === 'html' && f.url.endsWith(`/alt/${i}`)) check.autodiscovered++;
  } else if (truth.kind === '410') {
    if (f.disabled_reason) check.disabled410++; else check.wrong.push(`${i}: 410 not disabled`);
  } else if (truth.kind === 'malformed' || truth.kind === 'truncated') {
    check.recoveredItems += items.length;
    if (items.some((it) => !truth.items.some((t) => t.guid === key(it) && t.title === it.title))) check.wrong.push(`${i}: recovered an item the truth lacks`);
  } else if (f.consecutive_errors > 0 && f.last_error) check.failingRecorded++;
  else check.wrong.push(`${i} (${truth.kind}): failure not recorded`);
}
sqlite.close();

await getJson(`${farm.url}/stats?reset=1`);
const second = await run(['--db', db, '--json', 'refresh', ...crawlFlags]);
const stats2 = await getJson(`${farm.url}/stats?reset=1`);

// Churn: the same farm restarted on the same port, where 10% of the feeds gain an item per request.
await stopFarm(farm);
farm = await startFarm(port, ['--churn', '0.1']);
const o = farmLib.parseArgs(['--feeds', String(FEEDS), '--seed', String(SEED), '--churn', '0.1']);
// Every churning feed that yields items gains exactly its newest item (in a truncated document
// it is at the top, before the cut).
const churning = Array.from({ length: FEEDS }, (_, i) => farmLib.feedSpec(o, i)).filter((s) => s.churns && ['ok', '301', '302', 'html', 'malformed', 'truncated'].includes(s.kind)).length;
const churn1 = await run(['--db', db, '--json', 'refresh', ...crawlFlags]); // validators still match version 0: 304s
const churn2 = await run(['--db', db, '--json', 'refresh', ...crawlFlags]); // version 1: one new item each
await stopFarm(farm);
fs.rmSync(tmp, { recursive: true, force: true });

const r = (x) => (x === null ? 'n/a' : x.toFixed(2));
console.log(`\nInkzee crawl of the feed farm: ${FEEDS} nested feeds, seed ${SEED}, concurrency ${C} (per host ${C}: the farm is one host), timeout ${TIMEOUT} s\n`);
console.log('| run | wall s | wall / greedyInOrder | wall / lowerBound | CPU s | peak RSS MB | requests | 304s | sockets HWM | new items |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [name, res, st] of [['import (first crawl)', first, stats1], ['refresh (conditional)', second, stats2]]) {
  console.log(`| ${name} | ${r(res.wall)} | ${r(res.wall / bound.greedyInOrder_s)} | ${r(res.wall / bound.lowerBound_s)} | ${r(res.cpu)} | ${r(res.rssMb)} | ${st.requests} | ${st.notModified} | ${st.connectionsHwm} | ${res.summary.newItems} |`);
}
console.log(`\nideal.mjs at C=${C}: greedyInOrder ${bound.greedyInOrder_s} s, lowerBound ${bound.lowerBound_s} s. Target: wall <= 1.1 x greedyInOrder -> ${first.wall <= 1.1 * bound.greedyInOrder_s ? 'met' : 'NOT met'}.`);
console.log(`Truth: ${check.exact} feeds hold exactly their items (expected ${ideal.expected.feedsWithItems + ideal.expected.plusAutodiscovery.feeds}); ${check.moved301} 301s moved; ${check.autodiscovered} HTML pages autodiscovered; ${check.disabled410} 410s disabled; ${check.failingRecorded} failing feeds recorded with a reason; ${check.recoveredItems} items recovered from ${ideal.expected.brokenXml.feeds} broken feeds (at most ${ideal.expected.brokenXml.itemsIfFullyRecovered}).`);
console.log(`Mismatches: ${check.wrong.length ? check.wrong.join('; ') : 'none'}`);
console.log(`Second crawl: ${stats2.conditionalRequests} conditional requests, ${stats2.notModified} answered 304, ${second.summary.newItems} new items.`);
console.log(`Churn 0.1: first refresh ${churn1.summary.newItems} new (validators of version 0 still match), second ${churn2.summary.newItems} new; ${churning} feeds churn, so expected ${churning}.`);
console.log(`Socket high-water mark at the farm: ${stats1.connectionsHwm} (concurrency ${C}).`);
const ok = check.wrong.length === 0 && churn2.summary.newItems === churning && stats1.connectionsHwm <= C && second.summary.newItems === 0;
process.exit(ok ? 0 : 1);
