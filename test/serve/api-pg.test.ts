// The reader API's endpoints on PostgreSQL: every case of api-cases.ts, then the answers of the
// read endpoints compared with SQLite's on the same store (ids and times alike: both stores are
// filled the same way), and the store methods the API added compared between the engines.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/contract.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { API, describeApi, READING_LIST } from './api-cases.js';
import { apiCall, envFor, seed } from './fixture.js';
import { login, request, setPassword, startServe } from './child.js';

describe.skipIf(!pgAvailable)('PostgreSQL', () => {
  describeApi('PostgreSQL', async () => openPostgres(await freshDatabase()));

  describe('the same answers as SQLite', () => {
    const stores: Store[] = [];
    afterAll(async () => {
      for (const s of stores) await s.close();
    });
    const both = async () => {
      const sqlite = openSqlite(path.join(tempDir(), 'cmp.db'));
      const postgres = await openPostgres(await freshDatabase());
      stores.push(sqlite, postgres);
      for (const s of [sqlite, postgres]) await seed(s);
      return { sqlite: envFor(sqlite), postgres: envFor(postgres) };
    };

    it('every read endpoint answers alike, and so does each after the same writes', async () => {
      const env = await both();
      const reads = [
        '/subscription/list?output=json',
        '/tag/list?output=json',
        '/unread-count?output=json',
        `/stream/contents?s=${READING_LIST}&n=7`,
        `/stream/contents?s=${READING_LIST}&n=7&r=o`,
        '/stream/contents/user/-/label/Technology%2FProgramming?n=4',
        '/stream/contents/user/-/label/~Sports?n=50',
        `/stream/items/ids?s=${READING_LIST}&n=1000`,
        '/stream/items/contents?i=1&i=2&i=3',
        '/subscription/export',
      ];
      const writes: [string, Record<string, string | string[]>][] = [
        [
          '/edit-tag',
          { i: ['1', '0000000000000002', 'tag:google.com,2005:reader/item/0000000000000003'], a: 'user/-/state/com.google/read' },
        ],
        ['/edit-tag', { i: ['4', '5'], a: 'user/-/state/com.google/starred' }],
        ['/mark-all-as-read', { s: 'user/-/label/~Sports', ts: String(Date.parse('2026-02-20T00:00:00.000Z') * 1000) }],
        ['/rename-tag', { s: 'user/-/label/Technology', dest: 'user/-/label/Tech' }],
        ['/subscription/edit', { ac: 'edit', s: 'feed/2', t: 'Renamed', a: 'user/-/label/Sports' }],
        ['/disable-tag', { s: 'user/-/label/Tech' }],
      ];
      const answers = async (e: typeof env.sqlite) => {
        const out = [];
        for (const r of reads) out.push(await apiCall(e, 'GET', API + r));
        return out;
      };
      expect(await answers(env.postgres)).toEqual(await answers(env.sqlite));
      for (const [p, body] of writes) {
        const s = await apiCall(env.sqlite, 'POST', API + p, body);
        const pg = await apiCall(env.postgres, 'POST', API + p, body);
        expect(pg, p).toEqual(s);
        expect(s, p).toEqual({ status: 200, text: 'OK' });
        expect(await answers(env.postgres), p).toEqual(await answers(env.sqlite));
      }
      // Continuations of one engine are the other's: the same opaque string, the same next page.
      const first = await apiCall(env.sqlite, 'GET', `${API}/stream/contents?n=5`);
      const next = `${API}/stream/contents?n=5&c=${first.json.continuation}`;
      expect(await apiCall(env.postgres, 'GET', next)).toEqual(await apiCall(env.sqlite, 'GET', next));
    });

    it('unreadTotals, labelsOf and moveFolder agree between the engines', async () => {
      const env = await both();
      const [s, p] = [env.sqlite.store, env.postgres.store];
      expect(await p.unreadTotals('default')).toEqual(await s.unreadTotals('default'));
      expect(await p.unreadTotals('none')).toEqual(await s.unreadTotals('none'));
      expect((await s.unreadTotals('default')).labels).toEqual([
        { label: 'Sports', unread: 8, newest: '2026-02-20T00:00:00.000Z' },
        { label: 'Tech', unread: 20, newest: '2026-02-20T00:00:00.000Z' },
      ]);
      const ids = [1, 2, 3, 29, 30, 31, 999];
      const sorted = (m: Map<number, string>) => [...m].sort((a, b) => a[0] - b[0]);
      expect(sorted(await p.labelsOf('default', ids))).toEqual(sorted(await s.labelsOf('default', ids)));
      expect(sorted(await s.labelsOf('default', ids))).toHaveLength(3);
      for (const [from, to] of [
        ['technology', 'Tech/New'],
        ['UI / UX', null],
        ['Nope', 'X'],
      ] as const) {
        expect(await p.moveFolder(from, to)).toBe(await s.moveFolder(from, to));
        expect((await p.listFeeds()).map((f) => [f.url, f.category])).toEqual((await s.listFeeds()).map((f) => [f.url, f.category]));
      }
      expect((await s.listFeeds({ category: 'Tech/New/Programming' })).map((f) => f.url)).toEqual(['https://rust.example/feed']);
    });
  });

  it(
    'two serve processes on one database both answer, each taking the other’s tokens and seeing the other’s marks',
    { timeout: 90_000 },
    async () => {
      const url = await freshDatabase();
      const store = await openPostgres(url);
      try {
        await seed(store);
      } finally {
        await store.close();
      }
      expect((await setPassword(url, 'pw')).code).toBe(0);
      const [a, b] = [await startServe(url), await startServe(url)];
      try {
        const auth = await login(a.url, 'inkzee', 'pw');
        const token = (await request('GET', `${b.url}/reader/api/0/token`, { auth })).body.trim();
        const pageA = await request('GET', `${a.url}/reader/api/0/stream/contents?n=5`, { auth });
        const pageB = await request('GET', `${b.url}/reader/api/0/stream/contents?n=5`, { auth });
        expect(pageA.status).toBe(200);
        expect(JSON.parse(pageB.body).items).toEqual(JSON.parse(pageA.body).items);
        const first = JSON.parse(pageA.body).items[0].id as string;
        const mark = await request('POST', `${b.url}/reader/api/0/edit-tag`, {
          auth,
          body: `i=${encodeURIComponent(first)}&a=user/-/state/com.google/read&T=${token}`,
        });
        expect(mark).toMatchObject({ status: 200, body: 'OK' });
        const again = await request('GET', `${a.url}/reader/api/0/stream/contents?n=5`, { auth });
        expect(JSON.parse(again.body).items[0].categories).toContain('user/-/state/com.google/read');
        const counts = await request('GET', `${a.url}/reader/api/0/unread-count?output=json`, { auth });
        expect(JSON.parse(counts.body).unreadcounts.find((c: any) => c.id === READING_LIST).count).toBe(29);
      } finally {
        await a.stop();
        await b.stop();
      }
    },
  );
});
