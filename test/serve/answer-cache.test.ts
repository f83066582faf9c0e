// The reader API's answer cache (src/serve/answer-cache.ts): a page is kept while the store's data
// version is unchanged, so every write must show in the very next answer — a mark or a crawl by
// another process, and a mark through the server itself — on both engines. The cache's own rules
// (one computation shared, refusals never kept, bounded size) are checked in-process.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/serve/answer-cache.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { login, request, setPassword, startServe, type ServeChild } from './child.js';

const PASSWORD = 'cache password';
const READ = 'user/-/state/com.google/read';
const UNREAD_PAGE = `/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=50&xt=${encodeURIComponent(READ)}`;
const IDS_PAGE = `/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=50&xt=${encodeURIComponent(READ)}`;

/** feedOf is an RSS document of items "Item 1" … "Item n". */
const feedOf = (n: number) =>
  rss(
    'F',
    Array.from({ length: n }, (_, k) => ({ guid: `g${k + 1}`, title: `Item ${k + 1}`, date: `Mon, 07 Dec 2026 0${k}:00:00 GMT` })),
  );

describe('AnswerCache', () => {
  const versioned = () => {
    const v = { version: '1', reads: 0 };
    return { v, store: { dataVersion: async () => (v.reads++, v.version) } };
  };

  it('keeps an answer while the version is unchanged and computes it again once it changes', async () => {
    const { v, store } = versioned();
    const cache = new AnswerCache(store);
    let computed = 0;
    const compute = async () => `answer ${++computed}`;
    expect(await cache.get('k', compute)).toBe('answer 1');
    expect(await cache.get('k', compute)).toBe('answer 1');
    expect(await cache.get('other', compute)).toBe('answer 2');
    v.version = '2';
    expect(await cache.get('k', compute)).toBe('answer 3');
    expect(cache.size).toBe(1); // the older version's answers are all gone
    expect(v.reads).toBe(4); // the version is read on every request
  });

  it('shares one computation between requests for the same key under the same version', async () => {
    const { store } = versioned();
    const cache = new AnswerCache(store);
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      computed++;
      await gate;
      return 'page';
    };
    const answers = Promise.all(Array.from({ length: 10 }, () => cache.get('k', compute)));
    await new Promise((r) => setTimeout(r, 10));
    release();
    expect(await answers).toEqual(Array(10).fill('page'));
    expect(computed).toBe(1);
  });

  it('reads the version once for the requests waiting, never with a read sent before a request arrived', async () => {
    let committed = 1;
    const sent: ((v: string) => void)[] = [];
    // Each read answers with the version as it was when the read was sent, once released.
    const store = {
      dataVersion: () =>
        new Promise<string>((resolve) => {
          const at = String(committed);
          sent.push(() => resolve(at));
        }),
    };
    const cache = new AnswerCache(store);
    const first = cache.get('k', async () => `page at ${committed}`);
    expect(sent).toHaveLength(1);
    committed = 2; // a commit, answered to some client, who now asks for the page
    const second = cache.get('k', async () => `page at ${committed}`);
    const third = cache.get('k', async () => `page at ${committed}`);
    expect(sent).toHaveLength(1); // the two wait for the next read, not for the one under way
    sent[0]('');
    expect(await first).toBe('page at 2'); // computed after its read: never older than its version
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(2); // one read for both waiting requests
    sent[1]('');
    expect(await Promise.all([second, third])).toEqual(['page at 2', 'page at 2']);
  });

  it('never keeps a refusal: the next request computes again', async () => {
    const { store } = versioned();
    const cache = new AnswerCache(store);
    await expect(cache.get('k', async () => Promise.reject(new Error('no such feed')))).rejects.toThrow('no such feed');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', async () => 'found')).toBe('found');
  });

  it('drops the least recently used answers past its limits of entries and bytes', async () => {
    const { store } = versioned();
    const cache = new AnswerCache(store, { entries: 2, bytes: 100 });
    await cache.get('a', async () => 'A');
    await cache.get('b', async () => 'B');
    await cache.get('a', async () => 'A again'); // a is used: b is now the oldest
    await cache.get('c', async () => 'C');
    expect(await cache.get('a', async () => 'A recomputed')).toBe('A');
    expect(await cache.get('b', async () => 'B recomputed')).toBe('B recomputed');
    // An answer over the byte limit is answered, never kept.
    const big = 'x'.repeat(60);
    expect(await cache.get('big', async () => big)).toBe(big);
    expect(await cache.get('big', async () => 'recomputed')).toBe('recomputed');
  });
});

/** cacheCases runs the invalidation cases against `inkzee serve` on one database (a SQLite file or a postgres:// URL). */
function cacheCases(engine: string, makeDb: () => Promise<string>) {
  describe(`inkzee serve's cached pages on ${engine}`, { timeout: 120_000 }, () => {
    let db: string;
    let feeds: FeedServer;
    let s: ServeChild;
    let auth: string;
    let token: string;
    beforeAll(async () => {
      db = await makeDb();
      feeds = await startFeedServer({ '/feed': serve(200, feedOf(3)) });
      expect((await cli(['--db', db, '--quiet', 'add', `${feeds.url}/feed`])).code).toBe(0);
      expect((await cli(['--db', db, '--quiet', 'refresh', '--feed', `${feeds.url}/feed`])).code).toBe(0);
      expect((await setPassword(db, PASSWORD)).code).toBe(0);
      s = await startServe(db);
      auth = await login(s.url, 'inkzee', PASSWORD);
      token = (await request('GET', `${s.url}/reader/api/0/token`, { auth })).body.trim();
    }, 120_000);
    afterAll(async () => {
      expect(await s?.stop()).toBe(0);
      await feeds?.close();
    });

    const page = async (p = UNREAD_PAGE) => {
      const r = await request('GET', `${s.url}${p}`, { auth });
      expect(r.status).toBe(200);
      return JSON.parse(r.body);
    };
    const titles = async () => (await page()).items.map((i: { title: string }) => i.title).sort();
    const idOf = async (title: string): Promise<number> => {
      const r = await cli(['--db', db, '--json', 'items']);
      const item = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((i) => i.title === title);
      return item.id;
    };

    it('answers the same page twice alike, with the time of each answer', async () => {
      const a = await page();
      const b = await page();
      expect(a.items.map((i: { title: string }) => i.title).sort()).toEqual(['Item 1', 'Item 2', 'Item 3']);
      expect(b.items).toEqual(a.items);
      expect(Object.keys(b)).toEqual(['id', 'updated', 'items']);
      expect(Number.isInteger(b.updated)).toBe(true);
    });

    it('shows a mark made by another process in the next answer', async () => {
      await page(); // cached
      expect((await cli(['--db', db, '--quiet', 'mark', 'read', String(await idOf('Item 1'))])).code).toBe(0);
      expect(await titles()).toEqual(['Item 2', 'Item 3']);
      const ids = await page(IDS_PAGE);
      expect(ids.itemRefs).toHaveLength(2);
      expect((await cli(['--db', db, '--quiet', 'mark', 'unread', String(await idOf('Item 1'))])).code).toBe(0);
      expect(await titles()).toEqual(['Item 1', 'Item 2', 'Item 3']);
      expect((await page(IDS_PAGE)).itemRefs).toHaveLength(3);
    });

    it("keeps unread-count and tag/list's counts while nothing changes, and shows another process's mark in the next one", async () => {
      const count = async () => {
        const r = await request('GET', `${s.url}/reader/api/0/unread-count?output=json`, { auth });
        expect(r.status).toBe(200);
        const all = JSON.parse(r.body).unreadcounts.find((c: { id: string }) => c.id.endsWith('/reading-list'));
        return all.count as number;
      };
      const before = await count();
      expect(await count()).toBe(before);
      const tags = await request('GET', `${s.url}/reader/api/0/tag/list?output=json`, { auth });
      expect(tags.status).toBe(200);
      const id = String(await idOf('Item 3'));
      expect((await cli(['--db', db, '--quiet', 'mark', 'read', id])).code).toBe(0);
      expect(await count()).toBe(before - 1);
      expect((await cli(['--db', db, '--quiet', 'mark', 'unread', id])).code).toBe(0);
      expect(await count()).toBe(before);
    });

    it("shows a crawl's new item, written by another process, in the next answer", async () => {
      await page();
      feeds.route('/feed', serve(200, feedOf(4)));
      expect((await cli(['--db', db, '--quiet', 'refresh', '--feed', `${feeds.url}/feed`])).code).toBe(0);
      expect(await titles()).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4']);
    });

    it("shows the server's own edit-tag in the next answer", async () => {
      await page();
      const id = await idOf('Item 2');
      const body = new URLSearchParams({ i: String(id), a: READ, T: token }).toString();
      const r = await request('POST', `${s.url}/reader/api/0/edit-tag`, { auth, body });
      expect(r).toMatchObject({ status: 200, body: 'OK' });
      expect(await titles()).toEqual(['Item 1', 'Item 3', 'Item 4']);
      const undo = new URLSearchParams({ i: String(id), r: READ, T: token }).toString();
      expect((await request('POST', `${s.url}/reader/api/0/edit-tag`, { auth, body: undo })).body).toBe('OK');
      expect(await titles()).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4']);
    });

    it('keeps pages of different parameters apart, and ignores a cache-buster', async () => {
      const two = await page(UNREAD_PAGE.replace('n=50', 'n=2'));
      expect(two.items).toHaveLength(2);
      expect(typeof two.continuation).toBe('string');
      const next = await page(`${UNREAD_PAGE.replace('n=50', 'n=2')}&c=${two.continuation}`);
      expect(next.items).toHaveLength(2);
      expect(next.items[0].id).not.toBe(two.items[0].id);
      const busted = await page(`${UNREAD_PAGE}&ck=${Date.now()}`);
      expect(busted.items).toHaveLength(4);
      const oldestFirst = await page(`${UNREAD_PAGE}&r=o`);
      expect(oldestFirst.items.map((i: { title: string }) => i.title)).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4']);
    });

    it('still refuses bad parameters and unknown streams, cached or not', async () => {
      await page();
      for (const [p, status] of [
        [`${UNREAD_PAGE}&c=not-a-continuation!`, 400],
        ['/reader/api/0/stream/contents/feed%2F999999', 404],
        ['/reader/api/0/stream/contents/feed%2F999999', 404],
      ] as const) {
        const r = await request('GET', `${s.url}${p}`, { auth });
        expect(r.status).toBe(status);
      }
    });

    it('answers many requests at once alike', async () => {
      const bodies = await Promise.all(Array.from({ length: 20 }, () => request('GET', `${s.url}${UNREAD_PAGE}`, { auth })));
      const items = bodies.map((b) => JSON.stringify(JSON.parse(b.body).items));
      expect(new Set(items).size).toBe(1);
      expect(JSON.parse(bodies[0].body).items).toHaveLength(4);
    });
  });
}

cacheCases('SQLite', async () => {
  const db = path.join(tempDir(), 'cache.db');
  await openSqlite(db).close();
  return db;
});

describe.skipIf(!pgAvailable)('PostgreSQL', () => {
  cacheCases('PostgreSQL', freshDatabase);
});
