// Nothing one remote document does may stop a crawl: a JSON Feed whose ids and titles hold lone
// UTF-16 surrogates, GUIDs that differ only by U+0000, and a feed whose rows the store refuses
// (a trigger on SQLite, a CHECK constraint on PostgreSQL), served among good feeds to `refresh`
// on both engines and to three workers on PostgreSQL.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { migrate } from '../../src/store/sqlite/connect.js';
import { feedHost } from '../../src/model.js';
import { migrations } from '../../src/store/sqlite/migrations.js';

const json = (body: string) => serve(200, body, { 'content-type': 'application/feed+json' });
// The issue's reproduction, verbatim: "\ud800" as JSON escapes, as such servers send them.
const SURROGATE =
  '{"version":"https://jsonfeed.org/version/1.1","title":"S","items":[{"id":"lone\\ud800","title":"x","content_text":"b"},{"id":"ok","title":"y\\ud800","content_text":"b"}]}';
const NUL_GUIDS =
  '{"version":"https://jsonfeed.org/version/1.1","title":"N","items":[{"id":"a","title":"one"},{"id":"a\\u0000","title":"two"}]}';
// The store refuses the item titled REFUSED: its feed's first item must not be stored either.
const REFUSED = rss('R', [
  { guid: 'r1', title: 'fine' },
  { guid: 'r2', title: 'REFUSED' },
]);
// Broken JSON with a NUL: V8's message quotes it, and PostgreSQL refuses U+0000 in the feed's last_error.
const BROKEN = '{"version":"https://jsonfeed.org/version/1.1","items":[\u0000';
// Kilobytes that do not compress, as a GUID, a tag and a redirect target: more than PostgreSQL's
// indexes take (about 2,700 bytes an entry), nothing SQLite minds.
const HUGE = crypto.randomBytes(2400).toString('base64url');
const LONG = rss('L', [{ guid: `g-${HUGE}`, title: 'long' }]).replace(
  '<item>',
  `<item><category>${HUGE}</category><category>short</category>`,
);

const servers: FeedServer[] = [];
let good: FeedServer;
let poison: FeedServer;
const goodUrls: string[] = [];
beforeAll(async () => {
  good = await startFeedServer();
  for (let k = 0; k < 4; k++) {
    good.route(
      `/g${k}`,
      serve(
        200,
        rss(
          `G${k}`,
          [1, 2].map((n) => ({ guid: `g${k}-${n}`, title: `good ${k}.${n}` })),
        ),
      ),
    );
    goodUrls.push(`${good.url}/g${k}`);
  }
  poison = await startFeedServer({
    '/surrogate': json(SURROGATE),
    '/nul': json(NUL_GUIDS),
    '/refused': serve(200, REFUSED),
    '/broken': json(BROKEN),
    '/long': serve(200, LONG),
    '/moved': serve(301, '', { location: `/long?${HUGE}` }),
  });
  servers.push(good, poison);
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

const poisonUrls = () => ['/surrogate', '/nul', '/refused', '/broken', '/long', '/moved'].map((p) => `${poison.url}${p}`);

function opml(urls: string[]): string {
  const file = path.join(tempDir(), 'subs.opml');
  fs.writeFileSync(file, `<opml version="2.0"><body>${urls.map((u) => `<outline text="f" xmlUrl="${u}"/>`).join('')}</body></opml>`);
  return file;
}

const events = (r: CliResult) =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const byUrl = (r: CliResult) =>
  new Map(
    events(r)
      .filter((e) => e.type === 'feed')
      .map((e) => [e.url as string, e]),
  );

/** strictJson checks NDJSON as jq reads it: jq refuses a lone surrogate's escape, which JSON.parse accepts. */
function strictJson(stdout: string): void {
  expect(stdout).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i);
  execFileSync('jq', ['.'], { input: stdout, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** refuseTitle makes the store reject any item titled REFUSED, as a store may refuse one feed's rows. */
async function refuseTitle(db: string): Promise<void> {
  if (db.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      await c.query(`ALTER TABLE items ADD CONSTRAINT no_refused CHECK (title IS DISTINCT FROM 'REFUSED')`);
    } finally {
      await c.end();
    }
    return;
  }
  const d = new Database(db);
  try {
    d.exec(
      `CREATE TRIGGER no_refused BEFORE INSERT ON items WHEN NEW.title = 'REFUSED' BEGIN SELECT RAISE(ABORT, 'a title this store refuses'); END`,
    );
  } finally {
    d.close();
  }
}

const engines: [string, () => Promise<string>][] = [
  ['SQLite', async () => path.join(tempDir(), 'poison.db')],
  ...(pgAvailable ? [['PostgreSQL', freshDatabase] as [string, () => Promise<string>]] : []),
];

describe.each(engines)('a poison feed among good ones, refreshed on %s', (_engine, database) => {
  it('stores every good feed, fails only the feeds the store refuses or nobody can parse (exit 3), and an unchanged feed is unchanged on the next refresh', async () => {
    const db = await database();
    const urls = [...goodUrls.slice(0, 2), ...poisonUrls(), ...goodUrls.slice(2)];
    expect((await cli(['--db', db, 'import', opml(urls), '--no-fetch'])).code).toBe(0);
    await refuseTitle(db);

    const first = await cli(['--db', db, '--json', 'refresh']);
    expect(first.stderr).not.toMatch(/internal error/);
    // 3: some feeds failed, the rest were stored — the refused and the broken one failed, the surrogate and NUL feeds were stored.
    expect(first.code).toBe(3);
    const r1 = byUrl(first);
    for (const u of goodUrls) expect(r1.get(u)).toMatchObject({ outcome: 'updated', newItems: 2 });
    const [surrogate, nul, refused, broken, long, moved] = poisonUrls();
    expect(r1.get(surrogate)).toMatchObject({ outcome: 'updated', newItems: 2 });
    expect(r1.get(long)).toMatchObject({ outcome: 'updated', newItems: 1 });
    // Fetched through the redirect and stored; the subscription stays where it was.
    expect(r1.get(moved)).toMatchObject({ outcome: 'updated', newItems: 1, movedTo: null });
    expect(r1.get(nul)).toMatchObject({ outcome: 'updated', newItems: 2 });
    expect(r1.get(refused)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^store: .*(refuse|no_refused)/) });
    expect(r1.get(broken)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^parse: not valid JSON \(Unexpected token '', [^\0]*\)$/),
    });
    expect(events(first).at(-1)).toMatchObject({ type: 'summary', feeds: 10, updated: 8, failed: 2, newItems: 14 });
    strictJson(first.stdout);

    const failing = events(await cli(['--db', db, '--json', 'feeds', '--failing']));
    expect(failing).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: refused, consecutiveErrors: 1, lastError: r1.get(refused)!.error }),
        expect.objectContaining({ url: broken, consecutiveErrors: 1, lastError: r1.get(broken)!.error }),
      ]),
    );
    expect(failing).toHaveLength(2);

    const listed = await cli(['--db', db, '--json', 'items']);
    expect(listed.code).toBe(0);
    strictJson(listed.stdout);
    const items = events(listed);
    // The refused feed's write was undone whole: its acceptable first item is not stored either.
    expect(items.filter((i) => i.feedUrl === refused)).toEqual([]);
    expect(
      items
        .filter((i) => i.feedUrl === surrogate)
        .map((i) => [i.guid, i.title])
        .sort(),
    ).toEqual([
      ['lone\ufffd', 'x'],
      ['ok', 'y\ufffd'],
    ]);
    expect(
      items
        .filter((i) => i.feedUrl === nul)
        .map((i) => [i.guid, i.title])
        .sort(),
    ).toEqual([
      ['a', 'one'],
      ['a', 'two'],
    ]);
    // The tag of kilobytes is dropped, the short one kept.
    expect(items.filter((i) => i.feedUrl === long).map((i) => i.categories)).toEqual([['short']]);
    expect(items).toHaveLength(14);

    // Again: the refused feed waits out its backoff; nothing of the others changed, and nothing reads as updated.
    const second = await cli(['--db', db, '--json', 'refresh']);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const r2 = byUrl(second);
    expect(r2.has(refused) || r2.has(broken)).toBe(false);
    for (const u of [...goodUrls, surrogate, nul, long, moved])
      expect(r2.get(u)).toMatchObject({ outcome: 'unchanged', newItems: 0, updatedItems: 0 });
    expect(poison.hits('/refused')).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe.each(engines)('an OPML file whose titles hold NUL and lone surrogate references, imported on %s', (_engine, database) => {
  it('is imported whole, its titles well-formed', async () => {
    const db = await database();
    const file = path.join(tempDir(), 'nul.opml');
    // And a URL of kilobytes, more than PostgreSQL's index on feeds.url takes: skipped as invalid on both.
    fs.writeFileSync(
      file,
      `<opml version="2.0"><body><outline text="Fol\u0000der"><outline text="a\u0000b&#0;c&#xD800;" xmlUrl="${goodUrls[0]}"/>` +
        `<outline text="long" xmlUrl="${goodUrls[1]}?${HUGE}"/></outline></body></opml>`,
    );
    const r = await cli(['--db', db, '--json', 'import', file, '--no-fetch']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(events(r)).toContainEqual(expect.objectContaining({ added: 1, skipped: 1 }));
    const feeds = await cli(['--db', db, '--json', 'feeds']);
    strictJson(feeds.stdout);
    expect(events(feeds)).toEqual([expect.objectContaining({ url: goodUrls[0], title: 'ab\ufffdc\ufffd', category: 'Folder' })]);
  }, 60_000);
});

describe('a SQLite database that stored a lone surrogate key before keys were made well-formed', () => {
  it('is repaired when opened (migration 10), and refreshes that feed without a UNIQUE failure or a second copy of the item', async () => {
    const file = path.join(tempDir(), 'old.db');
    // A database of the release before (schema 7), holding what its parser gave: the JS string
    // "lone\ud800" as key, which better-sqlite3 wrote as ED A0 80 (not U+FFFD's EF BF BD).
    const old = new Database(file);
    migrate(old, file, migrations.slice(0, 7));
    const now = new Date().toISOString();
    // The feed row as schema 7 had it (today's addSubscriptions writes columns of later migrations).
    const feed = {
      id: Number(
        old
          .prepare("INSERT INTO feeds (url, title, site_url, category, added_at, host) VALUES (?, NULL, NULL, '', ?, ?)")
          .run(poisonUrls()[0], now, feedHost(poisonUrls()[0])).lastInsertRowid,
      ),
    };
    // The item row as schema 7 had it (today's upsertItems reads tables of later migrations).
    old
      .prepare('INSERT INTO items (feed_id, key, guid, title, summary, content, first_seen, sort_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(feed.id, 'lone\ud800', 'lone\ud800', 'x', 'b', 'b', now, now);
    expect(old.prepare('SELECT hex(key) FROM items').pluck().get()).toBe('6C6F6E65EDA080');
    old.close();

    for (let k = 0; k < 2; k++) {
      const r = await cli(['--db', file, '--json', 'refresh']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const peek = new Database(file, { readonly: true });
    try {
      expect(peek.prepare('SELECT hex(key) FROM items ORDER BY id').pluck().all()).toEqual(['6C6F6E65EFBFBD', '6F6B']);
    } finally {
      peek.close();
    }
  }, 60_000);
});

/** startWorker runs `inkzee worker` in the background, killed if it outlives the test's patience. */
function startWorker(db: string, args: string[]): Promise<CliResult & { timedOut: boolean }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, 'worker', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME },
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // Before the fix a restarted worker claimed the poison feed and died again, and --exit-when-idle never ended.
  const patience = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(patience);
      resolve({ code: code ?? -1, stdout, stderr, timedOut });
    }),
  );
}

describe.skipIf(!pgAvailable)('poison feeds among good ones, crawled by three workers on PostgreSQL', () => {
  it('every good feed is stored, the refused feed fails once, the others are stored once, and every worker exits 0 when idle', async () => {
    // Hosts apart, so that the workers share the feeds (each claims whole hosts).
    const more = await startFeedServer();
    servers.push(more);
    for (let k = 0; k < 3; k++) more.route(`/m${k}`, serve(200, rss(`M${k}`, [{ guid: `m${k}`, title: `more ${k}` }])));
    const moreUrls = [0, 1, 2].map((k) => `${more.url}/m${k}`);
    const db = await freshDatabase();
    expect((await cli(['--db', db, 'import', opml([...goodUrls, ...poisonUrls(), ...moreUrls]), '--no-fetch'])).code).toBe(0);
    await refuseTitle(db);
    const hitsBefore = (p: string) => poison.hits(p);
    const before = {
      surrogate: hitsBefore('/surrogate'),
      nul: hitsBefore('/nul'),
      refused: hitsBefore('/refused'),
      broken: hitsBefore('/broken'),
    };

    const results = await Promise.all(
      [0, 1, 2].map(() => startWorker(db, ['--exit-when-idle', '--json', '--allow-private-networks', '--concurrency', '4'])),
    );
    for (const r of results) {
      expect(r.timedOut).toBe(false);
      expect(r.stderr).toBe('');
      // A worker reports failed feeds as events and goes on: its exit code is 0 (only refresh exits 3).
      expect(r.code).toBe(0);
      strictJson(r.stdout);
    }
    const feedsSeen = results.flatMap((r) => events(r).filter((e) => e.type === 'feed'));
    const outcome = (u: string) => feedsSeen.filter((e) => e.url === u).map((e) => e.outcome);
    for (const u of [...goodUrls, ...moreUrls]) expect(outcome(u), u).toEqual(['updated']);
    const [surrogate, nul, refused, broken, long, moved] = poisonUrls();
    expect(outcome(surrogate)).toEqual(['updated']);
    expect(outcome(broken)).toEqual(['failed']);
    expect(outcome(long)).toEqual(['updated']);
    expect(outcome(moved)).toEqual(['updated']);
    expect(outcome(nul)).toEqual(['updated']);
    expect(feedsSeen.filter((e) => e.url === refused)).toEqual([
      expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/^store: .*no_refused/) }),
    ]);
    // Each poison document fetched once: failed feeds wait out their backoff instead of being claimed again.
    expect(poison.hits('/surrogate') - before.surrogate).toBe(1);
    expect(poison.hits('/nul') - before.nul).toBe(1);
    expect(poison.hits('/refused') - before.refused).toBe(1);
    expect(poison.hits('/broken') - before.broken).toBe(1);
  }, 120_000);
});
