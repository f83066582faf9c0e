// Read state on PostgreSQL through the CLI: the same commands print the same records as on SQLite
// (ids and times aside), marks made at once by several processes never lose each other, and a
// crawl updating items while they are marked neither loses nor resets their state.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

// Fields that name a row or a moment, which two stores filled at different times cannot share.
const VOLATILE = new Set(['id', 'feedId', 'firstSeen', 'addedAt', 'lastFetchedAt', 'readAt', 'starredAt', 'path', 'bytes']);
const stable = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(stable)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !VOLATILE.has(k))
            .map(([k, x]) => [k, stable(x)]),
        )
      : v;
const lines = (r: CliResult) => r.stdout.trim().split('\n').filter(Boolean);
const records = (r: CliResult) => lines(r).map((l) => stable(JSON.parse(l)));

let server: FeedServer;
let opml: string;
const db = { sqlite: '', postgres: '' };
type Backend = keyof typeof db;
const run = (b: Backend, args: string[], input?: string) => cli(['--db', db[b], ...args], { input });
const both = async (args: (b: Backend) => string[], input?: (b: Backend) => string) => ({
  sqlite: await run('sqlite', args('sqlite'), input?.('sqlite')),
  postgres: await run('postgres', args('postgres'), input?.('postgres')),
});

const dated = (prefix: string, n: number, title: (k: number) => string) =>
  Array.from({ length: n }, (_, k) => ({
    guid: `${prefix}${k}`,
    title: title(k),
    description: `${title(k)} text`,
    date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
  }));

beforeAll(async () => {
  if (!pgAvailable) return;
  server = await startFeedServer();
  server.route(
    '/news',
    serve(
      200,
      rss(
        'News',
        dated('n', 6, (k) => `River story ${k}`),
      ),
    ),
  );
  server.route(
    '/tech',
    serve(
      200,
      rss(
        'Tech',
        dated('t', 4, (k) => `Chip story ${k}`),
      ),
    ),
  );
  server.route(
    '/many',
    serve(
      200,
      rss(
        'Many',
        dated('m', 300, (k) => `Bulk story ${k}`),
      ),
    ),
  );
  const dir = tempDir();
  opml = path.join(dir, 'subs.opml');
  const outline = (p: string) => `<outline text="${p}" xmlUrl="${server.url}${p}"/>`;
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body><outline text="News">${outline('/news')}</outline><outline text="Tech">${outline('/tech')}</outline></body></opml>`,
  );
  db.sqlite = path.join(dir, 'inkzee.db');
  db.postgres = await freshDatabase();
  for (const b of ['sqlite', 'postgres'] as const) {
    expect((await run(b, ['--quiet', 'import', opml, '--no-fetch'])).code).toBe(0);
    // One feed at a time, so that items get their ids in the same order in both stores.
    for (const p of ['/news', '/tech']) expect((await run(b, ['--quiet', 'refresh', '--feed', `${server.url}${p}`])).code).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
});

/** ids maps each item's guid to its id in one store. */
async function ids(b: Backend): Promise<Record<string, number>> {
  return Object.fromEntries(lines(await run(b, ['--json', 'items'])).map((l) => [JSON.parse(l).guid, JSON.parse(l).id]));
}

describe.skipIf(!pgAvailable)('read state on PostgreSQL', () => {
  it('mark, the read-state filters, feeds, stats and show print the same as on SQLite', async () => {
    const id = { sqlite: await ids('sqlite'), postgres: await ids('postgres') };
    const tech = async (b: Backend) => String(JSON.parse((await run(b, ['--json', 'feeds', '--category', 'Tech'])).stdout).id);
    const techId = { sqlite: await tech('sqlite'), postgres: await tech('postgres') };
    const steps: { args: (b: Backend) => string[]; input?: (b: Backend) => string }[] = [
      { args: () => ['items', '--unread'] },
      { args: (b) => ['mark', 'read', String(id[b].n0), String(id[b].n1)] },
      { args: (b) => ['mark', 'read', String(id[b].n0)] },
      { args: () => ['mark', 'star', '-'], input: (b) => `${id[b].n2}\n\n{"id": ${id[b].t3}, "title": "x"}\n` },
      { args: () => ['mark', 'read', '--category', 'News', '--since', '2026-01-01T00:04:00Z', '--dry-run'] },
      { args: () => ['mark', 'read', '--category', 'News', '--since', '2026-01-01T00:04:00Z'] },
      { args: (b) => ['mark', 'star', '--feed', techId[b], '--unread'] },
      { args: () => ['mark', 'unread', '--starred', '--read'] },
      { args: () => ['items', '--unread'] },
      { args: () => ['items', '--read'] },
      { args: () => ['items', '--starred'] },
      { args: () => ['items', '--starred', '--unread', '--category', 'Tech'] },
      { args: () => ['search', 'story', '--unread'] },
      { args: () => ['feeds'] },
      { args: () => ['stats'] },
      { args: (b) => ['show', String(id[b].t0)] },
      { args: (b) => ['show', String(id[b].t1), '--keep-unread'] },
      { args: () => ['items', '--unread'] },
      { args: () => ['mark', 'unstar', '--all', '--dry-run'] },
      { args: () => ['mark', 'read', '--all'] },
      { args: () => ['feeds'] },
    ];
    for (const s of steps) {
      const r = await both((b) => ['--json', ...s.args(b)], s.input);
      const what = s.args('sqlite').join(' ');
      expect(r.postgres.code, `${what}: ${r.postgres.stderr}`).toBe(0);
      expect(r.sqlite.code, `${what}: ${r.sqlite.stderr}`).toBe(0);
      if (s.args('sqlite')[0] === 'search') {
        // Search ranks by each engine's own measure: the same items match, in any order.
        const guids = (x: CliResult) =>
          lines(x)
            .map((l) => JSON.parse(l).guid)
            .sort();
        expect(guids(r.postgres), what).toEqual(guids(r.sqlite));
        expect(
          lines(r.postgres).every((l) => JSON.parse(l).read === false),
          what,
        ).toBe(true);
      } else expect(records(r.postgres), what).toEqual(records(r.sqlite));
    }
    const shown = JSON.parse((await run('postgres', ['--json', 'items', '--feed', techId.postgres])).stdout.split('\n')[3]);
    expect(shown).toMatchObject({ guid: 't0', read: true, starred: true });
  }, 240_000);

  it('refuses the same bad inputs with the same one line and exit code, changing nothing', async () => {
    const before = {
      sqlite: records(await run('sqlite', ['--json', 'items'])),
      postgres: records(await run('postgres', ['--json', 'items'])),
    };
    for (const [args, input] of [
      [['mark', 'read']],
      [['mark', 'read', '1', '--feed', '1']],
      [['mark', 'read', '1', '--all']],
      [['mark', 'unread', '999999']],
      [['mark', 'unread', '99999999999999999999']],
      [['mark', 'unread', '--feed', '4242']],
      [['mark', 'unread', '-'], '1\nnope\n'],
      [['mark', 'unread', '-'], '{"id": 999999}\n'],
    ] as [string[], string?][]) {
      const r = await both(() => args, input === undefined ? undefined : () => input);
      expect(r.postgres.code, args.join(' ')).toBeGreaterThan(0);
      expect(r.postgres, args.join(' ')).toEqual(r.sqlite);
    }
    expect(records(await run('postgres', ['--json', 'items']))).toEqual(before.postgres);
    expect(before.postgres).toEqual(before.sqlite);
  }, 120_000);

  it('two mark processes at once never lose each other’s marks', async () => {
    expect((await run('postgres', ['--quiet', 'mark', 'unread', '--all'])).code).toBe(0);
    expect((await run('postgres', ['--quiet', 'mark', 'unstar', '--all'])).code).toBe(0);
    const all = Object.values(await ids('postgres'));
    const even = all.filter((_, k) => k % 2 === 0).join('\n');
    const odd = all.filter((_, k) => k % 2 === 1).join('\n');
    const [r1, r2, r3, r4] = await Promise.all([
      run('postgres', ['--json', 'mark', 'read', '-'], even),
      run('postgres', ['--json', 'mark', 'read', '-'], odd),
      run('postgres', ['--json', 'mark', 'star', '--all']),
      run('postgres', ['--json', 'mark', 'read', '--category', 'News']),
    ]);
    for (const r of [r1, r2, r3, r4]) expect(r.code, r.stderr).toBe(0);
    const n = (r: CliResult) => JSON.parse(r.stdout).items as number;
    // Each item went from unread to read once, whichever process got there first.
    expect(n(r1) + n(r2) + n(r4)).toBe(all.length);
    expect(n(r3)).toBe(all.length);
    const after = lines(await run('postgres', ['--json', 'items'])).map((l) => JSON.parse(l));
    expect(after.filter((i) => !i.read || !i.starred)).toEqual([]);
  }, 120_000);

  it('a refresh updating items while they are marked keeps both the update and the marks', async () => {
    const many = `${server.url}/many`;
    expect(
      (
        await run(
          'postgres',
          ['--quiet', 'import', '-', '--no-fetch'],
          `<opml version="2.0"><body><outline xmlUrl="${many}"/></body></opml>`,
        )
      ).code,
    ).toBe(0);
    expect((await run('postgres', ['--quiet', 'refresh', '--feed', many])).code).toBe(0);
    // Every item of the feed changes its title; the refresh and two marks of all of them run at once.
    server.route(
      '/many',
      serve(
        200,
        rss(
          'Many',
          dated('m', 300, (k) => `Bulk story ${k}, updated`),
        ),
      ),
    );
    const [refresh, read, star] = await Promise.all([
      run('postgres', ['--json', 'refresh', '--feed', many]),
      run('postgres', ['--json', 'mark', 'read', '--feed', many]),
      run('postgres', ['--json', 'mark', 'star', '--feed', many]),
    ]);
    for (const r of [refresh, read, star]) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(read.stdout).items).toBe(300);
    expect(JSON.parse(star.stdout).items).toBe(300);
    const items = lines(await run('postgres', ['--json', 'items', '--feed', many])).map((l) => JSON.parse(l));
    expect(items).toHaveLength(300);
    expect(items.filter((i) => !i.title.endsWith(', updated'))).toEqual([]);
    expect(items.filter((i) => !i.read || !i.starred)).toEqual([]);
  }, 120_000);
});
