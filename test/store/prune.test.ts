// `inkzee prune` on SQLite, through the built CLI: what goes and what stays, the keys it remembers
// so a feed still serving a pruned item does not bring it back, the space it gives back, and each
// bad input refused with one line, exit 2 and nothing changed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { tempDir } from '../helpers.js';
import { age, bulky, correct, count, guids, label, markRead, records, run, sql, star } from './prune-rows.js';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server?.close();
});

/** subscribe makes a database subscribed to these feed paths (served already) and crawls them. */
async function subscribe(...paths: string[]): Promise<string> {
  const dir = tempDir();
  const opml = path.join(dir, 'subs.opml');
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body>${paths.map((p) => `<outline text="${p}" xmlUrl="${server.url}${p}"/>`).join('')}</body></opml>`,
  );
  const db = path.join(dir, 'inkzee.db');
  const r = await run(db, 'import', opml);
  expect(r.code, r.stderr).toBe(0);
  return db;
}

describe('inkzee prune on SQLite', () => {
  it('deletes items first seen before the cutoff, never starred or corrected ones, with their search rows and labels', async () => {
    server.route('/keep-a', serve(200, bulky('A', ['a1', 'a2', 'a3', 'a4', 'a5'])));
    server.route('/keep-b', serve(200, bulky('B', ['b1', 'b2'])));
    const db = await subscribe('/keep-a', '/keep-b');
    await age(db, ['a1', 'a2', 'a3', 'a4', 'b1']);
    await star(db, 'a2');
    await correct(db, 'a3');
    await markRead(db, ['a4']);
    await label(db, ['a1', 'a5']);

    // --keep-unread --dry-run: only the read a4 would go; a1 and b1 are unread.
    const dry = await run(db, '--json', 'prune', '--older-than', '30d', '--keep-unread', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(records(dry)).toEqual([
      expect.objectContaining({
        type: 'pruned',
        items: 1,
        feeds: 1,
        keptStarred: 1,
        keptCorrected: 1,
        keptUnread: 2,
        dryRun: true,
      }),
    ]);
    expect(await guids(db)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2']);
    expect(await count(db, 'SELECT count(*) AS n FROM pruned_keys')).toBe(0);

    const r = await run(db, 'prune', '--older-than', '30d');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^pruned 3 items from 2 feeds \(kept 1 starred, 1 with a classifier correction\); [\d.]+ KiB can be given back: inkzee prune --vacuum\n$/,
    );
    expect(await guids(db)).toEqual(['a2', 'a3', 'a5', 'b2']);
    // The search index, labels and corrections hold only items that are still there.
    expect(await count(db, 'SELECT count(*) AS n FROM items_fts WHERE rowid NOT IN (SELECT id FROM items)')).toBe(0);
    expect(await count(db, 'SELECT count(*) AS n FROM items_fts')).toBe(4);
    expect(await sql(db, 'SELECT i.guid FROM item_labels l JOIN items i ON i.id = l.item_id')).toEqual([{ guid: 'a5' }]);
    expect(await count(db, 'SELECT count(*) AS n FROM item_labels')).toBe(1);
    expect(await count(db, 'SELECT count(*) AS n FROM corrections')).toBe(1);
    const search = await run(db, '--json', 'search', 'wa1x7');
    expect(search).toMatchObject({ code: 0, stdout: '' });
    // Each pruned item's key is remembered for its feed.
    const keys = await sql(db, 'SELECT f.url, p.key FROM pruned_keys p JOIN feeds f ON f.id = p.feed_id ORDER BY p.key');
    expect(keys).toEqual([
      { url: `${server.url}/keep-a`, key: 'a1' },
      { url: `${server.url}/keep-a`, key: 'a4' },
      { url: `${server.url}/keep-b`, key: 'b1' },
    ]);

    // Nothing old is left but what is kept.
    const again = await run(db, '--json', 'prune', '--older-than', '30d');
    expect(records(again)).toEqual([
      {
        type: 'pruned',
        firstSeenBefore: expect.any(String),
        items: 0,
        feeds: 0,
        keptStarred: 1,
        keptCorrected: 1,
        keptUnread: 0,
        freeBytes: expect.any(Number),
        dryRun: false,
      },
    ]);
  }, 120_000);

  it('prunes only read items with --keep-unread, and says how many unread ones it kept', async () => {
    server.route(
      '/unread',
      serve(
        200,
        rss(
          'U',
          ['u1', 'u2', 'u3'].map((g) => ({ guid: g, title: g })),
        ),
      ),
    );
    const db = await subscribe('/unread');
    await age(db, ['u1', 'u2', 'u3']);
    await markRead(db, ['u1']);
    const r = await run(db, 'prune', '--older-than', '12w', '--keep-unread');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^pruned 1 item from 1 feed \(kept 2 unread\)/);
    expect(await guids(db)).toEqual(['u2', 'u3']);
  }, 120_000);

  it('does not bring a pruned item back while its feed keeps serving it; a new item still arrives', async () => {
    const items = [
      { guid: 'old-1', title: 'Old one', date: 'Mon, 01 Jun 2020 00:00:00 GMT' },
      { guid: 'old-2', title: 'Old two', date: 'Tue, 02 Jun 2020 00:00:00 GMT' },
      { guid: 'recent', title: 'Recent', date: 'Mon, 01 Dec 2026 00:00:00 GMT' },
    ];
    // First served without validators: every refresh gets the whole document and parses it.
    server.route('/serving', serve(200, rss('Serving', items)));
    const db = await subscribe('/serving');
    await age(db, ['old-1', 'old-2']);
    const pruned = await run(db, '--json', 'prune', '--older-than', '30d');
    expect(records(pruned)[0]).toMatchObject({ items: 2, feeds: 1 });
    expect(await guids(db)).toEqual(['recent']);

    const hits = server.hits('/serving');
    const forced = await run(db, '--json', 'refresh', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(server.hits('/serving')).toBe(hits + 1);
    expect(records(forced).find((x) => x.type === 'feed')).toMatchObject({ status: 200, newItems: 0 });
    expect(await guids(db)).toEqual(['recent']);

    // The feed changes: a new ETag, a pruned item edited, one genuinely new item.
    const changed = [{ guid: 'new', title: 'Brand new' }, { ...items[0], title: 'Old one, edited' }, items[1], items[2]];
    server.route(
      '/serving',
      (req, res) =>
        void (req.headers['if-none-match'] === '"v2"'
          ? (res.writeHead(304), res.end())
          : serve(200, rss('Serving', changed), { etag: '"v2"' })(req, res)),
    );
    const next = await run(db, '--json', 'refresh');
    expect(next.code, next.stderr).toBe(0);
    expect(records(next).find((x) => x.type === 'feed')).toMatchObject({ status: 200, newItems: 1 });
    expect(await guids(db)).toEqual(['new', 'recent']);
    const listed = await run(db, '--json', 'items');
    expect(records(listed).map((i) => i.title)).toEqual(['Brand new', 'Recent']);
  }, 120_000);

  it('gives the freed space back with --vacuum, alone or after a prune', async () => {
    const ids = Array.from({ length: 30 }, (_, k) => `v${k}`);
    server.route('/vacuum', serve(200, bulky('V', ids)));
    const db = await subscribe('/vacuum');
    await age(db, ids.slice(0, 25));
    const r = await run(db, '--json', 'prune', '--older-than', '2026-01-01', '--vacuum');
    expect(r.code, r.stderr).toBe(0);
    const [p, v] = records(r);
    expect(p).toMatchObject({ type: 'pruned', items: 25, feeds: 1, dryRun: false });
    expect(p.freeBytes).toBeGreaterThan(100_000);
    expect(v).toEqual({ type: 'vacuum', measured: 'file', bytesBefore: expect.any(Number), bytesAfter: expect.any(Number) });
    expect(v.bytesAfter).toBeLessThan((v.bytesBefore as number) - 100_000);
    expect(fs.statSync(db).size).toBe(v.bytesAfter);
    expect(await guids(db)).toEqual(ids.slice(25).sort());

    const alone = await run(db, 'prune', '--vacuum');
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).toMatch(
      /^vacuumed the database file: [\d.]+ [KM]iB before, [\d.]+ [KM]iB after \([\d.]+ (MiB|KiB|B) given back\)\n$/,
    );
    expect(await guids(db)).toEqual(ids.slice(25).sort());
  }, 120_000);

  it('keeps the pruned keys of a feed that a move merges into another subscription', async () => {
    server.route(
      '/ma',
      serve(
        200,
        rss('MA', [
          { guid: 'm1', title: 'm1' },
          { guid: 'm2', title: 'm2' },
        ]),
      ),
    );
    server.route('/mb', serve(200, rss('MB', [{ guid: 'm2', title: 'm2' }])));
    const db = await subscribe('/ma', '/mb');
    await age(db, ['m1']);
    expect(records(await run(db, '--json', 'prune', '--older-than', '30d'))[0]).toMatchObject({ items: 1 });
    // /ma turns out to be /mb, which lists m1 now too.
    server.route('/ma', serve(301, '', { location: `${server.url}/mb` }));
    server.route(
      '/mb',
      serve(
        200,
        rss('MB', [
          { guid: 'm1', title: 'm1' },
          { guid: 'm2', title: 'm2' },
        ]),
      ),
    );
    const moved = await run(db, '--json', 'refresh', '--feed', `${server.url}/ma`);
    expect(records(moved).find((x) => x.type === 'feed')).toMatchObject({ mergedInto: expect.any(Number), newItems: 0 });
    const after = await run(db, '--json', 'refresh', '--feed', `${server.url}/mb`);
    expect(records(after).find((x) => x.type === 'feed')).toMatchObject({ newItems: 0 });
    expect(await guids(db)).toEqual(['m2']);
    expect(await sql(db, 'SELECT f.url, p.key FROM pruned_keys p JOIN feeds f ON f.id = p.feed_id')).toEqual([
      { url: `${server.url}/mb`, key: 'm1' },
    ]);
  }, 120_000);

  it('takes turns with a crawl: exit 75 while one holds the run lock, nothing changed; --dry-run still counts', async () => {
    server.route('/locked', serve(200, rss('L', [{ guid: 'l1', title: 'l1' }])));
    const db = await subscribe('/locked');
    await age(db, ['l1']);
    // A live process (this one) holds the crawl lock, as a running refresh would.
    fs.writeFileSync(`${db}.lock`, `${process.pid}\n`);
    const r = await run(db, 'prune', '--older-than', '30d');
    expect(r.code).toBe(75);
    expect(r.stderr).toBe(
      `inkzee: ${db}: another inkzee run (pid ${process.pid}) is crawling this database; try again later or use --wait\n`,
    );
    expect(await guids(db)).toEqual(['l1']);
    const dry = await run(db, '--json', 'prune', '--older-than', '30d', '--dry-run');
    expect(records(dry)[0]).toMatchObject({ items: 1, dryRun: true });
    fs.rmSync(`${db}.lock`);
    expect((await run(db, 'prune', '--older-than', '30d')).code).toBe(0);
    expect(await guids(db)).toEqual([]);
  }, 120_000);

  it.each([
    ['no --older-than', [], /^inkzee: prune: say which items go with --older-than DURATION/],
    ['a word', ['--older-than', 'soon'], /^inkzee: --older-than soon: not a duration/],
    ['an empty value', ['--older-than', ''], /^inkzee: --older-than "": not a duration/],
    ['minutes, which read as months', ['--older-than', '6m'], /^inkzee: --older-than 6m: "m" means minutes/],
    ['seconds', ['--older-than', '90s'], /^inkzee: --older-than 90s: "s" means seconds/],
    ['a date to come', ['--older-than', '2999-01-01'], /^inkzee: --older-than 2999-01-01: a date to come/],
    ['a negative duration', ['--older-than', '-3d'], /^inkzee: --older-than -3d: not a duration/],
    ['--keep-unread alone', ['--keep-unread'], /^inkzee: prune: --keep-unread needs --older-than/],
    ['--dry-run alone', ['--dry-run'], /^inkzee: prune: --dry-run needs --older-than/],
    ['--dry-run with --vacuum', ['--older-than', '30d', '--dry-run', '--vacuum'], /^inkzee: prune: --dry-run changes nothing/],
    ['--older-than without a value', ['--older-than'], /^inkzee: option '--older-than <when>' argument missing/],
  ])(
    'refuses %s: one line, exit 2, nothing changed',
    async (_name, args, message) => {
      server.route('/bad', serve(200, rss('Bad', [{ guid: 'x1', title: 'x1' }])));
      const db = await subscribe('/bad');
      await age(db, ['x1']);
      const r = await run(db, 'prune', ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(
        r.stderr
          .trimEnd()
          .split('\n')
          .filter((l) => !l.startsWith('(run with --help')),
      ).toHaveLength(1);
      expect(await guids(db)).toEqual(['x1']);
      expect(await count(db, 'SELECT count(*) AS n FROM pruned_keys')).toBe(0);
    },
    120_000,
  );

  it('looks a pruned key up by its primary key', async () => {
    server.route('/plan', serve(200, rss('P', [{ guid: 'p1', title: 'p1' }])));
    const db = await subscribe('/plan');
    const plan = await sql(db, 'EXPLAIN QUERY PLAN SELECT 1 FROM pruned_keys WHERE feed_id = ? AND key = ?', [1, 'k']);
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/SEARCH pruned_keys USING PRIMARY KEY \(feed_id=\? AND key=\?\)/);
  }, 120_000);
});
