#!/usr/bin/env node
// story-sweep: how many stories the corpus's feed documents and the feed farm's feeds collapse
// into (`items` against `items --unique`), and every merged group whose titles differ, for a
// person to inspect for false merges. Both through the real CLI (bin/inkzee.js over dist/, so
// build first) into a temporary SQLite database. Skips cleanly (exit 0) when ../shared is absent.
//
//   node scripts/story-sweep.mjs [--only corpus|farm] [--feeds 698] [--show 40] [--json FILE]
//
// --show N prints N merged groups whose titles differ (all of them with --show all); --json
// writes every merged group (with each copy's feed, title, link and guid) to FILE.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.INKZEE_SHARED ?? path.resolve(root, '..', 'shared');
if (!fs.existsSync(shared)) {
  console.log(`skipped: ${shared} not found (the story sweep needs ../shared/corpus and ../shared/bench)`);
  process.exit(0);
}
const bin = path.join(root, 'bin', 'inkzee.js');
if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) {
  console.error('story-sweep: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};
const ONLY = arg('only', 'both');
const SHOW = arg('show', '40');
const JSON_OUT = arg('json', undefined);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inkzee-stories-'));

function cli(args) {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [bin, ...args],
      { maxBuffer: 1 << 30, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
const ndjson = (s) =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const xmlAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const fold = (t) => (t ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** count reads items and unique stories out of a database and returns the figures and the merged groups. */
async function count(db) {
  const all = ndjson((await cli(['--db', db, '--json', 'items'])).stdout);
  const unique = ndjson((await cli(['--db', db, '--json', 'items', '--unique'])).stdout);
  const byId = new Map(all.map((i) => [i.id, i]));
  const groups = unique
    .filter((s) => s.alsoIn.length)
    .map((s) =>
      [s, ...s.alsoIn.map((c) => byId.get(c.id))].map((i) => ({ id: i.id, feed: i.feedUrl, title: i.title, link: i.link, guid: i.guid })),
    );
  const differ = groups.filter((g) => new Set(g.map((c) => fold(c.title))).size > 1);
  const sameFeedUrl = groups.filter((g) => new Set(g.map((c) => c.feed)).size < g.length);
  return {
    items: all.length,
    stories: unique.length,
    feedsWithItems: new Set(all.map((i) => i.feedId)).size,
    mergedGroups: groups.length,
    copiesMerged: groups.reduce((n, g) => n + g.length - 1, 0),
    titlesDiffer: differ.length,
    // A feed never holds two copies of one story (shared/stories.ts): this must be 0.
    groupsWithTwoCopiesInOneFeed: sameFeedUrl.length,
    groups,
    differ,
  };
}

function report(name, r) {
  console.log(`\n## ${name}`);
  console.log(
    `items ${r.items} in ${r.feedsWithItems} feeds → stories ${r.stories} (${r.mergedGroups} merged groups, ${r.copiesMerged} copies folded; ` +
      `${r.titlesDiffer} groups with differing titles; ${r.groupsWithTwoCopiesInOneFeed} groups with two copies in one feed)`,
  );
  const n = SHOW === 'all' ? r.differ.length : Math.min(Number(SHOW), r.differ.length);
  if (n) console.log(`\nmerged groups whose titles differ (${n} of ${r.differ.length}):`);
  for (const g of r.differ.slice(0, n)) {
    console.log('-');
    for (const c of g) console.log(`  ${JSON.stringify(c.title)}  ${c.link ?? ''}  guid=${c.guid ?? ''}  [${c.feed}]`);
  }
}

async function corpus() {
  const dir = path.join(shared, 'corpus', 'feeds');
  if (!fs.existsSync(dir)) return console.log(`skipped corpus: ${dir} not found`);
  const { listFiles, serveCorpus } = await import('./conformance/serve.mjs');
  const { pairDocuments } = await import('./conformance/sweep.mjs');
  const files = listFiles(dir);
  const { documents } = pairDocuments(files);
  const server = await serveCorpus(dir, files);
  try {
    const db = path.join(tmp, 'corpus.db');
    const opml = path.join(tmp, 'corpus.opml');
    fs.writeFileSync(
      opml,
      `<?xml version="1.0"?>\n<opml version="2.0"><body>\n${documents.map((d) => `<outline type="rss" xmlUrl="${xmlAttr(server.url(d))}"/>`).join('\n')}\n</body></opml>\n`,
    );
    await cli(['--db', db, '--quiet', 'import', opml, '--no-fetch']);
    await cli(['--db', db, '--quiet', 'refresh', '--concurrency', '32', '--per-host', '32', '--timeout', '60', '--force']);
    const r = await count(db);
    report(`corpus (${documents.length} documents of ${path.relative(root, dir)})`, r);
    return r;
  } finally {
    await server.close();
  }
}

async function farm() {
  let farmJs = path.join(shared, 'bench', 'feed-farm.mjs');
  if (!fs.existsSync(farmJs)) return console.log(`skipped farm: ${farmJs} not found`);
  // By its real path: the farm starts only when run as itself, and ../shared may be a symlink.
  farmJs = fs.realpathSync(farmJs);
  const feeds = String(arg('feeds', 698));
  const child = spawn(process.execPath, [farmJs, '--feeds', feeds, '--seed', '1', '--port', '0', '--no-latency'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
    const url = JSON.parse(line).url;
    const opml = path.join(tmp, 'farm.opml');
    const res = await fetch(`${url}/opml?n=${feeds}&nested=1`);
    fs.writeFileSync(opml, await res.text());
    const db = path.join(tmp, 'farm.db');
    await cli(['--db', db, '--quiet', 'import', opml, '--timeout', '10']);
    await cli(['--db', db, '--quiet', 'refresh', '--force', '--timeout', '10']);
    const r = await count(db);
    report(`feed farm (${feeds} feeds, seed 1)`, r);
    return r;
  } finally {
    await new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGTERM');
    });
  }
}

const out = {};
try {
  if (ONLY === 'both' || ONLY === 'corpus') out.corpus = await corpus();
  if (ONLY === 'both' || ONLY === 'farm') out.farm = await farm();
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(out, null, 1));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
