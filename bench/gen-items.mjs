#!/usr/bin/env node
// gen-items.mjs: write a database with N synthetic items (default 1,000,000) over 1,000 feeds,
// through Inkzee's own schema and search index, for the read-side benchmark.
// Usage: node bench/gen-items.mjs [--items 1000000] [--feeds 1000] --db /tmp/big.db   (needs `npm run build`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { openStore } = await import(pathToFileURL(path.join(root, 'dist', 'store', 'db.js')).href);
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const N = Number(arg('items', 1_000_000)),
  FEEDS = Number(arg('feeds', 1000)),
  file = arg('db', null);
if (!file) {
  console.error('gen-items: --db FILE is required');
  process.exit(2);
}
for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });

// Deterministic pseudo-random words (mulberry32), so every run builds the same database.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
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
const CATS = ['Technology/Programming', 'Technology/Security', 'News/World', 'Science', 'Culture/Music', 'Sports'];

const db = openStore(file);
db.pragma('synchronous = OFF');
const now = new Date().toISOString();
const addFeed = db.prepare('INSERT INTO feeds (url, title, category, added_at, last_fetched_at, last_status) VALUES (?, ?, ?, ?, ?, 200)');
const addItem = db.prepare(`INSERT INTO items (feed_id, key, guid, link, title, author, published, summary, first_seen, sort_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const addFts = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
db.transaction(() => {
  for (let f = 1; f <= FEEDS; f++) addFeed.run(`https://feed${f}.example/rss`, `Feed ${f}`, CATS[f % CATS.length], now, now);
})();
const started = Date.now();
const start = Date.UTC(2020, 0, 1);
for (let done = 0; done < N;) {
  db.transaction(() => {
    for (let k = 0; k < 10_000 && done < N; k++, done++) {
      const feed = 1 + (done % FEEDS);
      const published = new Date(start + done * 150_000).toISOString();
      const title = `${words(6)} ${done}`;
      const body = words(40);
      const id = addItem.run(
        feed,
        `g${done}`,
        `g${done}`,
        `https://feed${feed}.example/p/${done}`,
        title,
        'Author',
        published,
        `<p>${body}</p>`,
        now,
        published,
      ).lastInsertRowid;
      addFts.run(id, title, body);
    }
  })();
  if (done % 100_000 === 0) process.stderr.write(`${done} items, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
db.close();
console.log(JSON.stringify({ file, items: N, feeds: FEEDS, bytes: fs.statSync(file).size, seconds: (Date.now() - started) / 1000 }));
