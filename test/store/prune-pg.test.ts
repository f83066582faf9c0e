// `inkzee prune` on PostgreSQL, run through the CLI beside SQLite from the same feeds (as
// test/cli-postgres.test.ts compares every command): the same records (ids and the engine's own
// space figures aside), the same rows left, and a pruned item kept out by the next refreshes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { itemOf, tempDir } from '../helpers.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { transaction } from '../../src/store/postgres/connect.js';
import { applyUpsert, planUpsert } from '../../src/store/postgres/upsert.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { age, bulky, correct, count, guids, label, LONG_AGO, markRead, records, run, sql, star } from './prune-rows.js';

let server: FeedServer;
beforeAll(async () => {
  if (pgAvailable) server = await startFeedServer();
});
afterAll(async () => {
  await server?.close();
});

type Engines = { sqlite: string; postgres: string };

/** subscribe makes a SQLite file and a PostgreSQL database subscribed to these feed paths, each crawled once. */
async function subscribe(...paths: string[]): Promise<Engines> {
  const dir = tempDir();
  const opml = path.join(dir, 'subs.opml');
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body>${paths.map((p) => `<outline text="${p}" xmlUrl="${server.url}${p}"/>`).join('')}</body></opml>`,
  );
  const dbs = { sqlite: path.join(dir, 'inkzee.db'), postgres: await freshDatabase() };
  for (const db of Object.values(dbs)) {
    const r = await run(db, 'import', opml);
    expect(r.code, r.stderr).toBe(0);
  }
  return dbs;
}

/** both runs the same command on both engines. */
async function both(dbs: Engines, ...args: string[]) {
  return { sqlite: await run(dbs.sqlite, ...args), postgres: await run(dbs.postgres, ...args) };
}

/** comparable drops what two engines cannot share: the cutoff (a moment), free bytes (SQLite's file only). */
const comparable = (rs: Record<string, unknown>[]) => rs.map(({ firstSeenBefore: _at, freeBytes: _free, ...rest }) => rest);

describe.skipIf(!pgAvailable)('inkzee prune on PostgreSQL', () => {
  it('prunes, keeps and counts as SQLite does, and takes search rows and labels with the items', async () => {
    server.route('/pa', serve(200, bulky('A', ['a1', 'a2', 'a3', 'a4', 'a5'])));
    server.route('/pb', serve(200, bulky('B', ['b1', 'b2'])));
    const dbs = await subscribe('/pa', '/pb');
    for (const db of Object.values(dbs)) {
      await age(db, ['a1', 'a2', 'a3', 'a4', 'b1']);
      await star(db, 'a2');
      await correct(db, 'a3');
      await markRead(db, ['a4']);
      await label(db, ['a1', 'a5']);
    }
    for (const args of [
      ['--older-than', '30d', '--keep-unread', '--dry-run'],
      ['--older-than', '30d', '--dry-run'],
      ['--older-than', '30d', '--keep-unread'],
      ['--older-than', '30d'],
      ['--older-than', '30d'],
    ]) {
      const r = await both(dbs, '--json', 'prune', ...args);
      expect(r.postgres.code, r.postgres.stderr).toBe(0);
      expect(comparable(records(r.postgres)), args.join(' ')).toEqual(comparable(records(r.sqlite)));
      expect(records(r.postgres)[0].freeBytes).toBeNull();
    }
    // The first keep-unread prune took a4, the plain one then a1 and b1.
    expect(await guids(dbs.postgres)).toEqual(['a2', 'a3', 'a5', 'b2']);
    expect(await guids(dbs.sqlite)).toEqual(['a2', 'a3', 'a5', 'b2']);
    const pg = dbs.postgres;
    expect(await count(pg, 'SELECT count(*) AS n FROM item_search WHERE item_id NOT IN (SELECT id FROM items)')).toBe(0);
    expect(await count(pg, 'SELECT count(*) AS n FROM item_search')).toBe(4);
    expect(await sql(pg, 'SELECT i.guid FROM item_labels l JOIN items i ON i.id = l.item_id')).toEqual([{ guid: 'a5' }]);
    expect(await count(pg, 'SELECT count(*) AS n FROM corrections')).toBe(1);
    expect(await sql(pg, 'SELECT key FROM pruned_keys ORDER BY key')).toEqual([{ key: 'a1' }, { key: 'a4' }, { key: 'b1' }]);
    const search = await run(pg, '--json', 'search', 'wa1x7');
    expect(search).toMatchObject({ code: 0, stdout: '' });

    const human = await run(pg, 'prune', '--older-than', '30d');
    expect(human.stderr).toBe('pruned 0 items from 0 feeds (kept 1 starred, 1 with a classifier correction)\n');
  }, 180_000);

  it('does not bring a pruned item back while its feed keeps serving it; a new item still arrives', async () => {
    const items = [
      { guid: 'old-1', title: 'Old one', date: 'Mon, 01 Jun 2020 00:00:00 GMT' },
      { guid: 'old-2', title: 'Old two', date: 'Tue, 02 Jun 2020 00:00:00 GMT' },
      { guid: 'recent', title: 'Recent', date: 'Mon, 01 Dec 2026 00:00:00 GMT' },
    ];
    server.route('/pserving', serve(200, rss('Serving', items)));
    const dbs = await subscribe('/pserving');
    for (const db of Object.values(dbs)) await age(db, ['old-1', 'old-2']);
    const pruned = await both(dbs, 'prune', '--older-than', '30d');
    expect(pruned.postgres.stderr).toBe(
      'pruned 2 items from 1 feed; autovacuum makes the space reusable (inkzee prune --vacuum does it now)\n',
    );

    const forced = await both(dbs, '--json', 'refresh', '--force');
    for (const r of [forced.sqlite, forced.postgres]) {
      expect(r.code, r.stderr).toBe(0);
      expect(records(r).find((x) => x.type === 'feed')).toMatchObject({ status: 200, newItems: 0 });
    }
    expect(await guids(dbs.postgres)).toEqual(['recent']);

    const changed = [{ guid: 'new', title: 'Brand new' }, { ...items[0], title: 'Old one, edited' }, items[1], items[2]];
    server.route(
      '/pserving',
      (req, res) =>
        void (req.headers['if-none-match'] === '"v2"'
          ? (res.writeHead(304), res.end())
          : serve(200, rss('Serving', changed), { etag: '"v2"' })(req, res)),
    );
    const next = await both(dbs, '--json', 'refresh');
    for (const r of [next.sqlite, next.postgres]) {
      expect(r.code, r.stderr).toBe(0);
      expect(records(r).find((x) => x.type === 'feed')).toMatchObject({ status: 200, newItems: 1 });
    }
    expect(await guids(dbs.postgres)).toEqual(['new', 'recent']);
    expect(await guids(dbs.sqlite)).toEqual(['new', 'recent']);
    const listed = await both(dbs, '--json', 'items');
    expect(records(listed.postgres).map((i) => i.title)).toEqual(['Brand new', 'Recent']);
    expect(records(listed.postgres).map((i) => i.title)).toEqual(records(listed.sqlite).map((i) => i.title));
  }, 180_000);

  it('keeps the pruned keys of a feed that a move merges into another subscription', async () => {
    server.route(
      '/pma',
      serve(
        200,
        rss('MA', [
          { guid: 'm1', title: 'm1' },
          { guid: 'm2', title: 'm2' },
        ]),
      ),
    );
    server.route('/pmb', serve(200, rss('MB', [{ guid: 'm2', title: 'm2' }])));
    const dbs = await subscribe('/pma', '/pmb');
    for (const db of Object.values(dbs)) await age(db, ['m1']);
    await both(dbs, 'prune', '--older-than', '30d');
    server.route('/pma', serve(301, '', { location: `${server.url}/pmb` }));
    server.route(
      '/pmb',
      serve(
        200,
        rss('MB', [
          { guid: 'm1', title: 'm1' },
          { guid: 'm2', title: 'm2' },
        ]),
      ),
    );
    for (const p of ['/pma', '/pmb']) {
      const r = await both(dbs, '--json', 'refresh', '--feed', `${server.url}${p}`);
      expect(records(r.postgres).find((x) => x.type === 'feed')).toMatchObject({ newItems: 0 });
      expect(records(r.sqlite).find((x) => x.type === 'feed')).toMatchObject({ newItems: 0 });
    }
    expect(await guids(dbs.postgres)).toEqual(['m2']);
    expect(await sql(dbs.postgres, 'SELECT f.url, p.key FROM pruned_keys p JOIN feeds f ON f.id = p.feed_id')).toEqual([
      { url: `${server.url}/pmb`, key: 'm1' },
    ]);
  }, 180_000);

  it('vacuums the item tables with --vacuum, outside the transaction', async () => {
    const ids = Array.from({ length: 20 }, (_, k) => `pv${k}`);
    server.route('/pvacuum', serve(200, bulky('V', ids)));
    const { postgres: pg } = await subscribe('/pvacuum');
    await age(pg, ids.slice(0, 15));
    const r = await run(pg, '--json', 'prune', '--older-than', '2026-01-01', '--vacuum');
    expect(r.code, r.stderr).toBe(0);
    const [p, v] = records(r);
    expect(p).toMatchObject({ type: 'pruned', items: 15, feeds: 1, freeBytes: null, dryRun: false });
    expect(v).toEqual({ type: 'vacuum', measured: 'tables', bytesBefore: expect.any(Number), bytesAfter: expect.any(Number) });
    // VACUUM ran by hand (not autovacuum), on the items and their search rows.
    const vacuums = () =>
      sql(pg, `SELECT relname, vacuum_count::int AS n FROM pg_stat_user_tables WHERE relname IN ('items', 'item_search') ORDER BY relname`);
    expect(await vacuums()).toEqual([
      { relname: 'item_search', n: 1 },
      { relname: 'items', n: 1 },
    ]);
    const alone = await run(pg, 'prune', '--vacuum');
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).toMatch(
      /^vacuumed the item tables: [\d.]+ [KM]iB before, [\d.]+ [KM]iB after; PostgreSQL reuses the freed space for new items\n$/,
    );
    expect((await vacuums()).map((t) => t.n)).toEqual([2, 2]);
  }, 180_000);

  it('stores a crawl planned before a prune without re-creating the item it changed, or failing', async () => {
    const s = await openPostgres(await freshDatabase());
    try {
      const { added } = await s.addSubscriptions([{ url: 'http://example.com/race', title: null, siteUrl: null, category: '' }], LONG_AGO);
      const feed = added[0].id;
      const stored = await s.recordFetch(
        feed,
        {
          items: [itemOf({ key: 'r1', guid: 'r1', title: 'First' })],
          movedTo: null,
          state: { status: 200, error: null, nextCheckAt: null },
        },
        LONG_AGO,
      );
      expect(stored.added).toBe(1);
      // A crawl reads the stored items (outside its transaction) and plans to update r1 in place…
      const plan = await planUpsert(s.db.pool, feed, [itemOf({ key: 'r1', guid: 'r1', title: 'First, edited' })], '2026-06-01T00:00:00Z');
      expect(plan).toMatchObject({ added: 0, updated: 1 });
      // …a prune deletes r1 meanwhile…
      expect(
        await s.prune({ before: '2025-01-01T00:00:00Z', keepUnread: false, dryRun: false, now: '2026-06-01T00:00:00Z' }),
      ).toMatchObject({
        items: 1,
      });
      // …and the crawl's write updates nothing, indexes nothing, and does not fail on the search row's foreign key.
      await transaction(s.db, (c) => applyUpsert(c, feed, plan));
      expect(
        await s.db.pool.query('SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM item_search) AS search'),
      ).toMatchObject({
        rows: [{ items: 0, search: 0 }],
      });
    } finally {
      await s.close();
    }
  }, 180_000);

  it.each([
    ['a word', ['--older-than', 'soon']],
    ['minutes', ['--older-than', '6m']],
    ['no --older-than', []],
  ])(
    'refuses %s as SQLite does: exit 2, nothing changed',
    async (_name, args) => {
      server.route('/pbad', serve(200, rss('Bad', [{ guid: 'x1', title: 'x1' }])));
      const dbs = await subscribe('/pbad');
      await age(dbs.postgres, ['x1']);
      const r = await both(dbs, 'prune', ...args);
      expect(r.postgres).toEqual(r.sqlite);
      expect(r.postgres.code).toBe(2);
      expect(await guids(dbs.postgres)).toEqual(['x1']);
    },
    180_000,
  );
});
