#!/usr/bin/env node
// gen-items.mjs: a store of N synthetic items (default 1,000,000) over F feeds (default 1,000),
// written through Inkzee's own store (dist/store/open.js): the feeds are subscribed as `import`
// subscribes them (feeds, feed_urls, folder keys, host) and their items stored by the refresh
// recipe's recordFetch (items and their search rows: items_fts / item_search), so the rows are
// exactly those Inkzee would store. Deterministic: every item's text comes from a generator seeded
// by its number, and "now" is fixed, so every run (and both engines) build the same store with the
// same ids. With --big B, feed 1 holds B of the items, every tenth in time when B is a tenth of N
// (for `mark read --feed 1`), and the other feeds share the rest, interleaved in time.
// Usage: node bench/gen-items.mjs --db FILE|postgres://… [--items 1000000] [--feeds 1000] [--big 0]   (needs `npm run build`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// A Zipf-distributed vocabulary of 30,000 words, like real text: a few words are everywhere, most
// are rare. Named topic words sit at ranks 200-1,600, where a real topic word would.
const TOPICS = (
  'rust python sqlite kernel compiler election market football climate vaccine startup galaxy robot ' +
  'privacy browser database network quantum battery music film novel recipe travel museum festival senate court ' +
  'bank inflation league tennis orbit telescope protein genome chip wireless cloud server memory thread queue'
).split(' ');
const SYL = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'da', 'fe', 'gu', 'hi', 'jo', 'be'];
const V = 30_000;
const vocab = Array.from({ length: V }, (_, r) => {
  let w = '';
  for (let x = r + 1; x > 0; x = Math.floor(x / 16)) w += SYL[x % 16];
  return w;
});
TOPICS.forEach((w, k) => {
  vocab[200 + k * 30] = w;
});
const cdf = new Float64Array(V);
for (let r = 0, acc = 0; r < V; r++) {
  acc += 1 / (r + 1);
  cdf[r] = acc;
}
const CATS = ['Technology/Programming', 'Technology/Security', 'News/World', 'Science', 'Culture/Music', 'Sports'];
/** NOW is the fixed time the store is built at (first_seen, added_at), after every item's publication. */
const NOW = '2025-06-01T00:00:00.000Z';
const START = Date.UTC(2020, 0, 1);

/** mulberry32 is a small seeded generator of numbers in [0, 1). */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** layout places N items (numbered in time from 0) in F feeds, as described at the top. */
function layout(N, F, big) {
  const every = big > 0 ? Math.max(1, Math.round(N / big)) : 0;
  const others = F - (big > 0 ? 1 : 0);
  /** itemsOf lists the global numbers (in time) of feed f's items, f from 1. */
  return function itemsOf(f) {
    const out = [];
    if (big > 0 && f === 1) {
      for (let k = 0; k < big; k++) out.push(k * every);
      return out;
    }
    // Rank r among the items not in the big feed maps back to a global number by skipping its slots.
    const total = N - (big > 0 ? big : 0);
    for (let r = f - 1 - (big > 0 ? 1 : 0); r < total; r += others) {
      if (!every) out.push(r);
      else {
        const g = Math.floor(r / (every - 1)) * every + 1 + (r % (every - 1));
        out.push(g < big * every ? g : big * every + (r - big * (every - 1)));
      }
    }
    return out;
  };
}

/** itemAt is the parsed item number g of feed f, the same on every run. */
function itemAt(g, f) {
  const rand = mulberry32(g * 7919 + 1);
  const pickWord = () => {
    const x = rand() * cdf[V - 1];
    let lo = 0,
      hi = V - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo];
  };
  const words = (n) => Array.from({ length: n }, pickWord).join(' ');
  const published = new Date(START + g * 150_000).toISOString();
  return {
    key: `g${g}`,
    guid: `g${g}`,
    link: `https://feed${f}.example/p/${g}`,
    title: `${words(6)} ${g}`,
    author: 'Author',
    published,
    updated: null,
    summary: `<p>${words(40)}</p>`,
    content: null,
    enclosures: g % 50 === 0 ? [{ url: `https://feed${f}.example/a/${g}.mp3`, type: 'audio/mpeg', length: 1000 + g, duration: null }] : [],
    categories: g % 7 === 0 ? ['Tech'] : [],
    duration: null,
    comments: null,
    episode: null,
    season: null,
    explicit: null,
    transcriptUrl: null,
    chaptersUrl: null,
  };
}

/**
 * generate fills the store at `location` (a SQLite file, which must not exist yet, or an empty
 * PostgreSQL database) with `items` items over `feeds` feeds, `big` of them in feed 1.
 */
export async function generate(location, { items: N = 1_000_000, feeds: F = 1000, big = 0, concurrency = 16, log = () => {} } = {}) {
  const { openStoreAt } = await import(pathToFileURL(path.join(root, 'dist', 'store', 'open.js')).href);
  const store = await openStoreAt(location);
  const started = Date.now();
  try {
    const subs = Array.from({ length: F }, (_, k) => ({
      url: `https://feed${k + 1}.example/rss`,
      title: big > 0 && k === 0 ? 'Big feed' : `Feed ${k + 1}`,
      siteUrl: `https://feed${k + 1}.example/`,
      category: CATS[(k + 1) % CATS.length],
    }));
    for (let k = 0; k < F; k += 1000) await store.addSubscriptions(subs.slice(k, k + 1000), NOW);
    const ids = new Map((await store.listFeeds()).map((f) => [f.url, f.id]));
    const itemsOf = layout(N, F, big);
    let done = 0,
      reported = 0;
    // A feed is stored a few thousand items at a time, as successive fetches would, and several
    // at once, as a crawl stores them: SQLite groups concurrent writes into one COMMIT (batch.ts).
    const jobs = (function* () {
      for (let f = 1; f <= F; f++) {
        const numbers = itemsOf(f);
        for (let k = 0; k < numbers.length; k += 2000) yield [f, numbers.slice(k, k + 2000)];
      }
    })();
    const worker = async () => {
      for (const [f, numbers] of jobs) {
        const batch = numbers.map((g) => itemAt(g, f));
        const state = { status: 200, error: null, nextCheckAt: null };
        await store.recordFetch(ids.get(`https://feed${f}.example/rss`), { items: batch, movedTo: null, state }, NOW);
        done += batch.length;
        if (done - reported >= 100_000) {
          reported = done;
          log(`${done} items, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await store.close();
  }
  return { items: N, feeds: F, big, seconds: (Date.now() - started) / 1000 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => {
    const k = process.argv.indexOf(`--${name}`);
    return k > 0 ? process.argv[k + 1] : def;
  };
  const file = arg('db', null);
  if (!file) {
    console.error('gen-items: --db FILE is required');
    process.exit(2);
  }
  const isPg = /^postgres(ql)?:\/\//i.test(file);
  if (!isPg) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const r = await generate(file, {
    items: Number(arg('items', 1_000_000)),
    feeds: Number(arg('feeds', 1000)),
    big: Number(arg('big', 0)),
    log: (s) => process.stderr.write(`${s}\n`),
  });
  console.log(JSON.stringify({ file: isPg ? 'postgres' : file, ...r, bytes: isPg ? null : fs.statSync(file).size }));
}
