// Read state through the CLI on SQLite: items arrive unread, `mark` by id, by standard input and by
// filter, dry runs, `show` marking read, the filters and counts, and a crawl that updates an item in
// place keeping its state; every bad input is one line, its exit code, and nothing changed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';

interface Rec {
  id: number;
  guid: string;
  title: string;
  feedUrl: string;
  read: boolean;
  readAt: string | null;
  starred: boolean;
  starredAt: string | null;
}

let server: FeedServer;
let dir: string;
let opml: string;
let db: string;

const feedA = (titles: string[]) =>
  serve(
    200,
    rss(
      'World news',
      titles.map((t, k) => ({
        guid: `a${k}`,
        title: t,
        description: `about ${t}`,
        date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
      })),
    ),
  );

beforeAll(async () => {
  server = await startFeedServer();
  server.route('/a', feedA(['Alpha river', 'Beta river', 'Gamma river']));
  server.route(
    '/b',
    serve(
      200,
      rss('Tech', [
        { guid: 'b0', title: 'Delta chip', date: new Date(Date.UTC(2026, 0, 2)).toUTCString() },
        { guid: 'b1', title: 'Epsilon chip', date: new Date(Date.UTC(2026, 0, 3)).toUTCString() },
      ]),
    ),
  );
  dir = tempDir();
  opml = path.join(dir, 'subs.opml');
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body><outline text="News"><outline text="World"><outline text="World news" xmlUrl="${server.url}/a"/></outline></outline>
     <outline text="Tech"><outline text="Tech" xmlUrl="${server.url}/b"/></outline></body></opml>`,
  );
});
afterAll(async () => {
  await server?.close();
});

// Every test starts from a fresh database holding both feeds, all five items unread.
beforeEach(async () => {
  server.route('/a', feedA(['Alpha river', 'Beta river', 'Gamma river']));
  db = path.join(tempDir(), 'inkzee.db');
  const r = await cli(['--db', db, '--quiet', 'import', opml]);
  expect(r.code).toBe(0);
});

const run = (args: string[], input?: string) => cli(['--db', db, ...args], { input });
const recs = (r: CliResult): Rec[] =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const items = async (...args: string[]) => recs(await run(['--json', 'items', ...args]));
const idOf = async (guid: string) => (await items()).find((i) => i.guid === guid)!.id;
const state = async () => Object.fromEntries((await items()).map((i) => [i.guid, `${i.read ? 'R' : '-'}${i.starred ? 'S' : '-'}`]));
const ALL_UNREAD = { a0: '--', a1: '--', a2: '--', b0: '--', b1: '--' };

describe('read state', () => {
  it('stores items unread and not starred, and lists them so in NDJSON', async () => {
    const all = await items();
    expect(all).toHaveLength(5);
    for (const i of all) expect(i).toMatchObject({ read: false, readAt: null, starred: false, starredAt: null });
  });

  it('marks items read by id, keeps the first read time, and filters by --unread and --read', async () => {
    const [a0, b1] = [await idOf('a0'), await idOf('b1')];
    const r = await run(['mark', 'read', String(a0), String(b1)]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'marked 2 items read\n' });
    expect(await state()).toEqual({ ...ALL_UNREAD, a0: 'R-', b1: 'R-' });
    const first = (await items('--read')).map((i) => [i.guid, i.readAt]);
    expect(first.map(([g]) => g).sort()).toEqual(['a0', 'b1']);
    expect(first.every(([, at]) => typeof at === 'string' && !Number.isNaN(Date.parse(at)))).toBe(true);
    expect((await items('--unread')).map((i) => i.guid).sort()).toEqual(['a1', 'a2', 'b0']);
    // Marking again changes nothing: the count is of items changed, and the first read time stays.
    expect((await run(['mark', 'read', String(a0)])).stderr).toBe('marked 0 items read\n');
    expect((await items('--read')).map((i) => [i.guid, i.readAt])).toEqual(first);
    expect((await run(['mark', 'unread', String(a0)])).stderr).toBe('marked 1 item unread\n');
    expect(await state()).toEqual({ ...ALL_UNREAD, b1: 'R-' });
    expect((await run(['items', '--read', '--unread'])).code).toBe(2);
  });

  it('stars and unstars, filters by --starred, and writes one NDJSON record', async () => {
    const b0 = await idOf('b0');
    const r = await run(['--json', 'mark', 'star', String(b0)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ type: 'marked', mark: 'star', items: 1, dryRun: false });
    expect((await items('--starred')).map((i) => i.guid)).toEqual(['b0']);
    expect((await items('--starred'))[0]).toMatchObject({ starred: true, read: false });
    expect((await run(['mark', 'unstar', String(b0)])).stderr).toBe('marked 1 item unstarred\n');
    expect(await items('--starred')).toEqual([]);
  });

  it('marks by the filters of items, and counts without changing in a dry run', async () => {
    const dry = await run(['mark', 'read', '--category', 'News', '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: 'would mark 3 items read\n' });
    expect(await state()).toEqual(ALL_UNREAD);
    const dryJson = await run(['--json', 'mark', 'read', '--category', 'News', '--dry-run']);
    expect(JSON.parse(dryJson.stdout)).toEqual({ type: 'marked', mark: 'read', items: 3, dryRun: true });
    expect((await run(['mark', 'read', '--category', 'News/World', '--since', '2026-01-01T00:01:00Z'])).stderr).toBe(
      'marked 2 items read\n',
    );
    expect(await state()).toEqual({ ...ALL_UNREAD, a1: 'R-', a2: 'R-' });
    const tech = JSON.parse((await run(['--json', 'feeds', '--category', 'Tech'])).stdout).id;
    expect((await run(['mark', 'star', '--feed', String(tech)])).stderr).toBe('marked 2 items starred\n');
    expect((await run(['mark', 'read', '--starred', '--unread'])).stderr).toBe('marked 2 items read\n');
    expect(await state()).toEqual({ a0: '--', a1: 'R-', a2: 'R-', b0: 'RS', b1: 'RS' });
    expect((await run(['mark', 'unread', '--all', '--dry-run'])).stderr).toBe('would mark 4 items unread\n');
    expect((await run(['mark', 'read', '--all'])).stderr).toBe('marked 1 item read\n');
    expect(await items('--unread')).toEqual([]);
  });

  it('reads ids from standard input, one a line, as numbers or NDJSON items, skipping blank lines', async () => {
    const [a0, a1] = [await idOf('a0'), await idOf('a1')];
    expect((await run(['mark', 'read', '-'], `${a0}\n\n  ${a1}  \n`)).stderr).toBe('marked 2 items read\n');
    // The pipe of the README: items --json | jq -c 'select(…)' | mark read -
    const chips = (await run(['--json', 'items', '--unread'])).stdout
      .split('\n')
      .filter((l) => l.includes('chip'))
      .join('\n');
    expect((await run(['mark', 'star', '-'], chips)).stderr).toBe('marked 2 items starred\n');
    expect(await state()).toEqual({ a0: 'R-', a1: 'R-', a2: '--', b0: '-S', b1: '-S' });
    expect((await run(['mark', 'read', '-'], '')).stderr).toBe('marked 0 items read\n');
  });

  it.each([
    ['not a number', 'abc'],
    ['a JSON array', '[1, 2]'],
    ['an object without an id', '{"title": "x"}'],
    ['an object whose id is text', '{"id": "12"}'],
    ['broken JSON', '{"id": 1'],
  ])('refuses a stdin line that is %s, naming the line, and changes nothing', async (_what, bad) => {
    const a0 = await idOf('a0');
    const r = await run(['mark', 'read', '-'], `${a0}\n\n${bad}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^inkzee: stdin line 3: (not an item id, nor a JSON object with an "id"|"id" is (missing|not an item id))\n$/);
    expect(await state()).toEqual(ALL_UNREAD);
  });

  it('refuses unknown ids (exit 1, naming the first), changing none of the others', async () => {
    const a0 = await idOf('a0');
    const r = await run(['mark', 'read', String(a0), '999998', '999999']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'inkzee: item 999998: no such item\n' });
    expect((await run(['mark', 'star', '-'], `${a0}\n{"id": 999997}\n`)).stderr).toBe('inkzee: item 999997: no such item\n');
    expect((await run(['mark', 'read', '99999999999999999999'])).code).toBe(1);
    expect(await state()).toEqual(ALL_UNREAD);
  });

  it.each([
    ['no id and no filter', ['mark', 'read'], /give item ids, - for standard input, filters .* or --all/],
    ['ids and filters together', ['mark', 'read', '1', '--feed', '1'], /give item ids or filters \(--feed\), not both/],
    ['ids with --all', ['mark', 'read', '1', '--all'], /--all marks every item; give no item ids with it/],
    ['an id that is not a number', ['mark', 'read', 'x1'], /mark read x1: an item id is a whole number/],
    ['an unknown mark', ['mark', 'skim', '1'], /'skim' is invalid for argument 'mark'/],
    ['--read with --unread', ['mark', 'read', '--read', '--unread'], /cannot be used with/],
    ['a bad --since', ['mark', 'read', '--since', 'yesterdayish'], /--since/],
  ])('refuses %s with exit 2, changing nothing', async (_what, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^inkzee: /);
    expect(await state()).toEqual(ALL_UNREAD);
  });

  it('refuses an unknown --feed with exit 1, changing nothing', async () => {
    const r = await run(['mark', 'read', '--feed', '4242']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('feed 4242: no such feed') });
    expect(await state()).toEqual(ALL_UNREAD);
  });

  it('show marks the item read after printing it, unless --keep-unread', async () => {
    const [a0, a1] = [await idOf('a0'), await idOf('a1')];
    const kept = await run(['--json', 'show', String(a0), '--keep-unread']);
    expect(JSON.parse(kept.stdout)).toMatchObject({ read: false, readAt: null });
    expect(await state()).toEqual(ALL_UNREAD);
    const shown = JSON.parse((await run(['--json', 'show', String(a0)])).stdout);
    expect(shown).toMatchObject({ read: true, starred: false });
    expect((await items('--read'))[0]).toMatchObject({ guid: 'a0', readAt: shown.readAt });
    // Shown again, it keeps the time it was first read.
    expect(JSON.parse((await run(['--json', 'show', String(a0)])).stdout).readAt).toBe(shown.readAt);
    expect((await run(['show', String(a1), '--keep-unread'])).stdout).toMatch(/^State: {5}unread$/m);
    expect((await run(['show', String(a1)])).stdout).toMatch(/^State: {5}read \d{4}-\d\d-\d\dT/m);
    expect(await state()).toEqual({ ...ALL_UNREAD, a0: 'R-', a1: 'R-' });
  });

  it('keeps an item read and starred when a crawl updates it in place', async () => {
    const a1 = await idOf('a1');
    await run(['mark', 'read', String(a1)]);
    await run(['mark', 'star', String(a1)]);
    const before = (await items()).find((i) => i.id === a1)!;
    server.route('/a', feedA(['Alpha river', 'Beta river, corrected', 'Gamma river', 'Zeta river']));
    const r = await run(['--json', 'refresh', '--force']);
    expect(r.code).toBe(0);
    const after = await items();
    expect(after.find((i) => i.id === a1)).toMatchObject({
      title: 'Beta river, corrected',
      read: true,
      starred: true,
      readAt: before.readAt,
      starredAt: before.starredAt,
    });
    expect(after.find((i) => i.guid === 'a3')).toMatchObject({ read: false, starred: false });
    expect(after.filter((i) => !i.read)).toHaveLength(5);
  });

  it('counts unread items per feed in feeds, and per top-level folder in stats', async () => {
    await run(['mark', 'read', String(await idOf('a0'))]);
    await run(['mark', 'star', String(await idOf('b0'))]);
    const feeds = recs(await run(['--json', 'feeds'])) as unknown as { url: string; itemCount: number; unread: number }[];
    expect(feeds.map((f) => [f.url.slice(-2), f.itemCount, f.unread])).toEqual([
      ['/a', 3, 2],
      ['/b', 2, 2],
    ]);
    const table = (await run(['feeds'])).stdout.split('\n');
    expect(table[0]).toMatch(/ITEMS {2}UNREAD/);
    expect(table[1]).toMatch(/ 3 {7}2 /);
    const stats = JSON.parse((await run(['--json', 'stats'])).stdout);
    expect(stats.items).toMatchObject({ total: 5, unread: 4, starred: 1 });
    expect(stats.folders).toEqual([
      { folder: 'News', items: 3, unread: 2 },
      { folder: 'Tech', items: 2, unread: 2 },
    ]);
    const text = (await run(['stats'])).stdout;
    expect(text).toMatch(/^Items {6}5 \(4 unread, 1 starred\)$/m);
    expect(text).toMatch(/^ {2}UNREAD {2}ITEMS {2}FOLDER\n {2}\s+2 {6}3 {2}News\n {2}\s+2 {6}2 {2}Tech$/m);
  });

  it('marks unread and starred items in the items and search tables', async () => {
    await run(['mark', 'read', String(await idOf('a0'))]);
    await run(['mark', 'star', String(await idOf('b1'))]);
    const rows = (await run(['items'])).stdout.split('\n');
    const row = (title: string) => rows.find((l) => l.includes(title))!;
    expect(rows[0]).toMatch(/^ {4,}ID {2}DATE/);
    expect(row('Alpha river')).toMatch(/^ {4,}\d+ {2}2026-/);
    expect(row('Beta river')).toMatch(/^• {3,}\d+ {2}2026-/);
    expect(row('Epsilon chip')).toMatch(/^•★ {2,}\d+ {2}2026-/);
    const hits = (await run(['search', 'river', '--unread'])).stdout;
    expect(hits).toMatch(/^•\s+\d+ .*Beta river/m);
    expect(hits).not.toContain('Alpha river');
    expect(
      (await run(['--json', 'search', 'chip', '--starred'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).guid),
    ).toEqual(['b1']);
  });
});
