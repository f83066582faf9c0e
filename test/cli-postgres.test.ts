// Every command, run through the CLI on PostgreSQL and on SQLite from the same OPML and the same
// feeds, prints the same records (ids and clock-dependent fields aside): the commands cannot tell
// which store they hold.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from './helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from './feed-server.js';
import { freshDatabase, pgAvailable } from './pg.js';
import { csv, headlines } from './classify/topics.js';

// Fields that name a row or a moment, which two stores filled at different times cannot share.
const VOLATILE = new Set([
  'id',
  'feedId',
  'item',
  'firstSeen',
  'firstSeenBefore',
  'addedAt',
  'lastFetchedAt',
  'readAt',
  'starredAt',
  'pausedAt',
  'ms',
  'seconds',
  'createdAt',
  'path',
  'bytes',
]);

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, x]) => [k, stable(x)]),
    );
  return v;
}
const records = (r: CliResult) =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => stable(JSON.parse(l)));

let server: FeedServer;
let dir: string;
let opml: string;
let labelled: string;
const db = { sqlite: '', postgres: '' };
type Backend = keyof typeof db;
const both = async (args: string[] | ((b: Backend) => string[])) => {
  const run = (b: Backend) => cli(['--db', db[b], ...(typeof args === 'function' ? args(b) : args)]);
  return { sqlite: await run('sqlite'), postgres: await run('postgres') };
};

/** expectSameExport checks that both stores export the same OPML (its creation date aside). */
async function expectSameExport() {
  const exported = await both(['export']);
  const undated = (r: CliResult) => r.stdout.replace(/<dateCreated>.*<\/dateCreated>/, '');
  expect(undated(exported.postgres)).toBe(undated(exported.sqlite));
}

beforeAll(async () => {
  if (!pgAvailable) return;
  server = await startFeedServer();
  const topics = headlines(12, 3);
  const byTopic = (label: string) => topics.filter((t) => t.label === label);
  const feeds: [string, string, string][] = [
    ['/sports', 'Sport/Ball', 'sports'],
    ['/tech', 'Tech', 'technology'],
    ['/food', 'Food', 'cooking'],
    ['/mixed', '', ''],
  ];
  for (const [f, [p, , label]] of feeds.entries()) {
    const rows = label ? byTopic(label) : topics.filter((_t, k) => k % 9 === 0);
    // Every item dated apart, so that newest-first is one order whatever the ids.
    server.route(
      p,
      serve(
        200,
        rss(
          `Feed ${p}`,
          rows.map((t, k) => ({
            guid: `${p}-${k}`,
            title: t.title,
            description: `<p>${t.description}</p>`,
            date: new Date(Date.UTC(2026, 0, 1, f, k)).toUTCString(),
          })),
          '',
        ).replace(/<item>/g, `<item><category>${label || 'misc'}</category>`),
      ),
    );
  }
  dir = tempDir();
  opml = path.join(dir, 'subs.opml');
  const outline = (p: string) => `<outline text="Feed ${p}" xmlUrl="${server.url}${p}"/>`;
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body>
    <outline text="Sport"><outline text="Ball">${outline('/sports')}</outline></outline>
    <outline text="Tech">${outline('/tech')}</outline><outline text="Food">${outline('/food')}</outline>${outline('/mixed')}</body></opml>`,
  );
  labelled = path.join(dir, 'dev.csv');
  // Labelled with the folders' names, the labels a model trained --from-folders knows.
  const folderOf: Record<string, string> = { sports: 'Sport', technology: 'Tech', cooking: 'Food' };
  fs.writeFileSync(labelled, csv(headlines(5, 11).map((t) => ({ ...t, label: folderOf[t.label] }))));
  db.sqlite = path.join(dir, 'inkzee.db');
  db.postgres = await freshDatabase();
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!pgAvailable)('every command on PostgreSQL', () => {
  it('import and refresh store the same feeds and items, with the same exit codes', async () => {
    const imported = await both(['--json', 'import', opml, '--no-fetch']);
    expect(imported.postgres.code).toBe(0);
    expect(records(imported.postgres)).toEqual(records(imported.sqlite));
    // One feed at a time, so that items get their ids in the same order in both stores.
    for (const p of ['/sports', '/tech', '/food', '/mixed']) {
      const one = await both(['--json', 'refresh', '--feed', `${server.url}${p}`]);
      expect(one.postgres.code).toBe(0);
      expect(records(one.postgres)).toEqual(records(one.sqlite));
    }
    const refreshed = await both(['--json', 'refresh']);
    expect(refreshed.postgres.code).toBe(0);
    const byUrl = (r: CliResult) => records(r).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(byUrl(refreshed.postgres)).toEqual(byUrl(refreshed.sqlite));
    expect(records(refreshed.postgres).at(-1)).toMatchObject({ type: 'summary', feeds: 4, notModified: 0, unchanged: 4 });
  }, 180_000);

  it('feeds, items with every filter, search, show, stats and export print the same', async () => {
    for (const args of [
      ['feeds'],
      ['feeds', '--category', 'Sport'],
      ['feeds', '--failing'],
      ['items'],
      ['items', '--category', 'Sport/Ball'],
      ['items', '--since', '2026-01-05', '--until', '2026-01-09'],
      ['items', '--tag', 'SPORTS'],
      ['items', '--limit', '3'],
      ['stats'],
    ]) {
      const r = await both(['--json', ...args]);
      expect(r.postgres.code, args.join(' ')).toBe(r.sqlite.code);
      expect(records(r.postgres), args.join(' ')).toEqual(records(r.sqlite));
    }
    // Search: the same items match, with the same snippets; rank is each engine's own (bm25 vs ts_rank).
    for (const args of [
      ['search', 'the'],
      ['search', 'recipe OR chip'],
      ['search', 'stri*'],
      ['search', '"the new"'],
      ['search', 'kitchen', '--category', 'Food'],
    ]) {
      const r = await both(['--json', ...args]);
      const found = (x: CliResult) =>
        records(x)
          .map((h) => {
            const { guid, snippet } = h as { guid: string; snippet: string };
            return `${guid} ${snippet}`;
          })
          .sort();
      expect(r.postgres.code, args.join(' ')).toBe(0);
      expect(found(r.postgres), args.join(' ')).toEqual(found(r.sqlite));
      expect(found(r.postgres).length, args.join(' ')).toBeGreaterThan(0);
    }
    const feedOf = async (b: Backend) =>
      JSON.parse((await cli(['--db', db[b], '--json', 'feeds', '--category', 'Tech'])).stdout).id as number;
    const techFeed = { sqlite: await feedOf('sqlite'), postgres: await feedOf('postgres') };
    const byFeed = await both((b) => ['--json', 'items', '--feed', String(techFeed[b]), '--after-id', '0']);
    expect(records(byFeed.postgres)).toEqual(records(byFeed.sqlite));
    expect(records(byFeed.postgres)).toHaveLength(12);
    const firstId = async (b: Backend) =>
      JSON.parse((await cli(['--db', db[b], '--json', 'items', '--limit', '1'])).stdout.split('\n')[0]).id as number;
    const ids = { sqlite: await firstId('sqlite'), postgres: await firstId('postgres') };
    const show = await both((b) => ['--json', 'show', String(ids[b])]);
    expect(records(show.postgres)).toEqual(records(show.sqlite));
    expect((await both(['show', '999999'])).postgres).toMatchObject({ code: 1, stderr: 'inkzee: item 999999: no such item\n' });
    await expectSameExport();
    expect((await both(['search', '""'])).postgres.code).toBe(2);
  }, 180_000);

  it('classify trains, labels, explains, learns a correction, lists and evaluates the same', async () => {
    const train = await both(['--json', 'classify', 'train', '--from-folders']);
    expect(train.postgres.code).toBe(0);
    expect(records(train.postgres)).toEqual(records(train.sqlite));
    for (const args of [['classify'], ['classify', 'models'], ['items', '--label', 'Tech'], ['classify', 'eval', labelled]]) {
      const r = await both(['--json', ...args]);
      expect(r.postgres.code, args.join(' ')).toBe(0);
      expect(records(r.postgres), args.join(' ')).toEqual(records(r.sqlite));
    }
    const mixedItem = async (b: Backend) => {
      const feed = (await cli(['--db', db[b], '--json', 'feeds'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((f) => f.url.endsWith('/mixed'));
      return JSON.parse((await cli(['--db', db[b], '--json', 'items', '--feed', String(feed.id), '--limit', '1'])).stdout).id as number;
    };
    const item = { sqlite: await mixedItem('sqlite'), postgres: await mixedItem('postgres') };
    for (const args of [
      (b: Backend) => ['--json', 'classify', 'explain', String(item[b])],
      (b: Backend) => ['--json', 'classify', 'teach', String(item[b]), 'Food'],
      () => ['--json', 'classify', 'corrections'],
      () => ['--json', 'classify', 'train', '--from-folders'],
      () => ['--json', 'classify', 'models'],
      (b: Backend) => ['--json', 'classify', 'corrections', '--remove', String(item[b])],
    ]) {
      const r = await both(args);
      expect(r.postgres.code, args('sqlite').join(' ')).toBe(0);
      expect(records(r.postgres), args('sqlite').join(' ')).toEqual(records(r.sqlite));
    }
  }, 240_000);

  it('names the server, never the password, when PostgreSQL cannot be reached', async () => {
    const r = await cli(['--db', 'postgres://inkzee:s3cret-pw@127.0.0.1:1/inkzee', 'feeds']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(r.stderr).not.toMatch(/s3cret-pw/);
  }, 30_000);
});

// The daily loop (issue 18) on the stores the tests above filled: every command that changes
// subscriptions or read state prints the same on both engines and leaves the same listings behind.
describe.skipIf(!pgAvailable)('the daily commands on PostgreSQL', () => {
  it('mark, the read filters, pause, resume, edit, add, prune and remove print the same and leave the same state', async () => {
    const same = async (args: string[]) => {
      const r = await both(['--json', ...args]);
      expect(r.postgres.code, args.join(' ')).toBe(r.sqlite.code);
      const engineFree = (x: CliResult) => records(x).map((o) => ({ ...(o as object), freeBytes: undefined }));
      expect(engineFree(r.postgres), args.join(' ')).toEqual(engineFree(r.sqlite));
      // Only SQLite says how much space a prune can give back (freeBytes is null on PostgreSQL).
      if (args[0] === 'prune') return r;
      expect(r.postgres.stderr.replace(/\d+(\.\d+)? ?(s|ms)\b/g, ''), args.join(' ')).toBe(
        r.sqlite.stderr.replace(/\d+(\.\d+)? ?(s|ms)\b/g, ''),
      );
      return r;
    };
    const sportUrl = `${server.url}/sports`;
    for (const args of [
      ['mark', 'read', '--category', 'Sport'],
      ['mark', 'star', '--tag', 'cooking'],
      ['items', '--unread'],
      ['items', '--read'],
      ['items', '--starred'],
      ['mark', 'unread', '--feed', sportUrl, '--dry-run'],
      ['feeds'],
      ['stats'],
      ['pause', sportUrl],
      ['refresh', '--feed', sportUrl],
      ['feeds', '--feed', sportUrl],
      ['resume', sportUrl],
      ['edit', sportUrl, '--title', 'Ball games', '--category', 'Games'],
      ['add', `${server.url}/tech`],
      ['add', `${server.url}/nowhere`],
      ['prune', '--older-than', '0d', '--keep-unread', '--dry-run'],
      ['remove', `${server.url}/food`],
      ['feeds'],
      ['items', '--unread'],
      ['stats'],
    ]) {
      await same(args);
    }
    // Search ranks by each engine's own measure: the same unread items match, in any order.
    const found = await both(['--json', 'search', 'the', '--unread']);
    const guids = (r: CliResult) =>
      records(r)
        .map((h) => (h as { guid: string; read: boolean }).guid + String((h as { read: boolean }).read))
        .sort();
    expect(guids(found.postgres)).toEqual(guids(found.sqlite));
    expect(guids(found.sqlite).length).toBeGreaterThan(0);
    await expectSameExport();
  }, 240_000);
});
