#!/usr/bin/env node
// bench:stories — what filing items into stories (src/store/shared/stories.ts) costs per stored
// item: N items over F feeds (a tenth of them copies of another feed's post, with tracking
// parameters) stored through recordFetch into a fresh SQLite file, timed with this build and
// with a baseline build without stories (--base DIR, a checkout built with `npx tsc -p .`), in
// alternating runs of the same process type; reports ms per 1,000 items (median) and the ratio.
// With --migrate, also times the one-time migration pass over a database of N items stored by
// the baseline build and opened by this one.
// Usage: node bench/stories.mjs --base /tmp/inkzee-base [--items 100000] [--feeds 500] [--repeat 3] [--migrate]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const N = Number(arg('items', 100_000)),
  F = Number(arg('feeds', 500)),
  REPEAT = Number(arg('repeat', 3));
const NOW = '2025-06-01T00:00:00.000Z';

/** itemOf is item g of feed f (per items a feed): every tenth is a copy of the previous feed's item g - per - 1 (not a copy itself), its link with tracking parameters. */
function itemOf(g, f, per) {
  const copy = g % 10 === 9 && f > 1;
  const link = copy ? `https://feed${f - 1}.example/p/${g - per - 1}?utm_source=rss&utm_medium=feed` : `https://feed${f}.example/p/${g}`;
  return {
    key: `g${g}`,
    guid: `g${g}`,
    link,
    title: `Post ${g}`,
    author: null,
    published: new Date(Date.UTC(2025, 0, 1) + g * 60_000).toISOString(),
    updated: null,
    summary: `<p>Words of post ${g}.</p>`,
    content: null,
    enclosures: [],
    categories: [],
    duration: null,
    comments: null,
    episode: null,
    season: null,
    explicit: null,
    transcriptUrl: null,
    chaptersUrl: null,
  };
}

/** store fills a fresh SQLite file through the build in `dir` and returns the seconds recordFetch took. */
async function store(dir, file) {
  const { openStoreAt } = await import(pathToFileURL(path.join(dir, 'dist', 'store', 'open.js')).href);
  const s = await openStoreAt(file);
  try {
    await s.addSubscriptions(
      Array.from({ length: F }, (_, k) => ({
        url: `https://feed${k + 1}.example/rss`,
        title: `Feed ${k + 1}`,
        siteUrl: null,
        category: '',
      })),
      NOW,
    );
    const ids = new Map((await s.listFeeds()).map((f) => [f.url, f.id]));
    const per = Math.ceil(N / F);
    const t0 = process.hrtime.bigint();
    // Feed by feed, 16 writes in flight, as a crawl stores them.
    const pending = [];
    for (let f = 1; f <= F; f++) {
      const items = [];
      for (let k = 0; k < per && (f - 1) * per + k < N; k++) items.push(itemOf((f - 1) * per + k, f, per));
      pending.push(
        s.recordFetch(
          ids.get(`https://feed${f}.example/rss`),
          { items, movedTo: null, state: { status: 200, error: null, nextCheckAt: null } },
          NOW,
        ),
      );
      if (pending.length >= 16) await pending.shift();
    }
    await Promise.all(pending);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  } finally {
    await s.close();
  }
}

// One child process per run, so that neither build's modules nor caches help the other.
if (process.argv[2] === '--child') {
  const [, , , dir, file] = process.argv;
  process.stdout.write(JSON.stringify({ seconds: await store(dir, file) }));
  process.exit(0);
}

const base = arg('base', undefined);
if (!base || !fs.existsSync(path.join(base, 'dist', 'store', 'open.js'))) {
  console.error('bench/stories.mjs: --base DIR must be a checkout without stories, built (dist/store/open.js)');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-bench-stories-'));
const child = (dir, file) =>
  JSON.parse(
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, file, '--items', String(N), '--feeds', String(F)], {
      encoding: 'utf8',
    }),
  );
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
try {
  const times = { base: [], stories: [] };
  for (let r = 0; r < REPEAT; r++)
    for (const [name, dir] of [
      ['base', base],
      ['stories', root],
    ]) {
      const file = path.join(tmp, `${name}-${r}.db`);
      times[name].push(child(dir, file).seconds);
      if (!(arg('migrate', null) !== null && name === 'base' && r === 0)) fs.rmSync(file, { force: true });
    }
  const per = (s) => ((s / N) * 1000 * 1000).toFixed(1);
  console.log(`stored ${N} items over ${F} feeds (a tenth copies), ${REPEAT} runs each, alternating:`);
  for (const k of ['base', 'stories'])
    console.log(`  ${k}: ${times[k].map((t) => t.toFixed(2)).join(', ')} s → median ${per(median(times[k]))} ms per 1,000 items`);
  console.log(`  ratio stories / base: ${(median(times.stories) / median(times.base)).toFixed(2)}`);
  if (process.argv.includes('--migrate')) {
    const file = path.join(tmp, 'base-0.db');
    const { openStoreAt } = await import(pathToFileURL(path.join(root, 'dist', 'store', 'open.js')).href);
    const t0 = process.hrtime.bigint();
    const s = await openStoreAt(file);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const unique = [];
    for await (const i of s.items({ unique: true })) unique.push(i);
    await s.close();
    console.log(
      `migration of ${N} items stored without stories: ${secs.toFixed(2)} s (opening included); ${unique.length} stories after it`,
    );
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
