// What every script that drives ../shared/bench's feed farm shares: the repository root, the
// farm's folder (or a clean skip when it is absent) and its library, an argument reader, a plain
// GET, and the comparison of a crawled database with the farm's /truth.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

/** root is the repository's top folder. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** benchDir is ../shared/bench (or $INKZEE_SHARED/bench); without its feed farm the script skips, exit 0. */
export const benchDir = path.resolve(process.env.INKZEE_SHARED ?? path.join(root, '..', 'shared'), 'bench');
if (!fs.existsSync(path.join(benchDir, 'feed-farm.mjs'))) {
  console.log(`skipped: ${benchDir}/feed-farm.mjs not found`);
  process.exit(0);
}

/** farmLib is the farm's own module (parseArgs, feedSpec, feedBase), to know each feed without asking it. */
export const farmLib = await import(pathToFileURL(path.join(benchDir, 'feed-farm.mjs')).href);

/** arg reads `--name value` from the command line, else the default. */
export const arg = (name, def) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : def;
};

/**
 * getText GETs a URL on a fresh connection (no keep-alive), so that the farm's per-host socket
 * high-waters count only the crawler's sockets.
 */
export const getText = (url) =>
  new Promise((resolve, reject) =>
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (d) => (body += d))
          .on('end', () => resolve(body));
      })
      .on('error', reject),
  );

/**
 * checkTruth compares every feed in the database with the farm's /truth: feeds that serve items
 * must hold exactly them (guid and title), 301s and autodiscovered pages must have moved, a 302
 * must not, 410s must be disabled, broken documents may only yield items the truth has, and every
 * other failure must be recorded on its row. farmArgs are the farm's own arguments (for hosts).
 */
export async function checkTruth(db, farmUrl, farmArgs) {
  const o = farmLib.parseArgs(farmArgs);
  const sqlite = new Database(db, { readonly: true });
  const feedRow = sqlite.prepare('SELECT * FROM feeds WHERE url IN (?, ?, ?)');
  const itemRows = sqlite.prepare('SELECT guid, link, title FROM items WHERE feed_id = ?');
  const check = {
    exact: 0,
    expected: 0,
    wrong: [],
    disabled410: 0,
    moved301: 0,
    autodiscovered: 0,
    recoveredItems: 0,
    failingRecorded: 0,
    items: sqlite.prepare('SELECT count(*) AS n FROM items').get().n,
  };
  const key = (it) => it.guid ?? it.link;
  for (let i = 0; i < o.feeds; i++) {
    const truth = JSON.parse(await getText(`${farmUrl}/truth/${i}`));
    const base = farmLib.feedBase(o, farmUrl, i);
    const serves = ['ok', '301', '302', 'html'].includes(truth.kind);
    if (serves) check.expected++;
    const f = feedRow.get(`${base}/feed/${i}`, `${base}/moved/${i}`, `${base}/alt/${i}`);
    if (!f) {
      check.wrong.push(`${i}: no feed row`);
      continue;
    }
    const items = itemRows.all(f.id);
    if (serves) {
      const got = new Map(items.map((it) => [key(it), it.title]));
      const same = items.length === truth.items.length && truth.items.every((t) => got.get(t.guid) === t.title);
      if (same) check.exact++;
      else check.wrong.push(`${i} (${truth.kind}): ${items.length} items vs ${truth.items.length} in /truth`);
      if (truth.kind === '301' && f.url.endsWith(`/moved/${i}`)) check.moved301++;
      if (truth.kind === '302' && !f.url.endsWith(`/feed/${i}`)) check.wrong.push(`${i}: a 302 moved the subscription`);
      if (truth.kind === 'html' && f.url.endsWith(`/alt/${i}`)) check.autodiscovered++;
    } else if (truth.kind === '410') {
      if (f.disabled_reason) check.disabled410++;
      else check.wrong.push(`${i}: 410 not disabled`);
    } else if (truth.kind === 'malformed' || truth.kind === 'truncated') {
      check.recoveredItems += items.length;
      if (items.some((it) => !truth.items.some((t) => t.guid === key(it) && t.title === it.title)))
        check.wrong.push(`${i}: recovered an item /truth lacks`);
    } else if (f.consecutive_errors > 0 && f.last_error) check.failingRecorded++;
    else check.wrong.push(`${i} (${truth.kind}): failure not recorded`);
  }
  sqlite.close();
  return check;
}
