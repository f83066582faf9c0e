// The reader API's review fixes, on both engines: timestampUsec, ot/nt and mark-all-as-read's ts
// are about when an item was first seen (FreshRSS's crawl time), edit-tag applies `r` after `a`,
// subscribing to a feed already subscribed applies its title and folder, and a 405 allows HEAD.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type ServeEnv } from '../../src/serve/api.js';
import { matchRoute } from '../../src/serve/dispatch.js';
import { apiRoutes } from '../../src/serve/routes.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/contract.js';
import { itemOf, tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { API, READING_LIST } from './api-cases.js';
import { apiCall, envFor, seed } from './fixture.js';

const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';
const FIRST = '2026-02-20T00:00:00.000Z'; // the seed's fetch
const LATER = '2026-02-25T00:00:00.000Z';
const usec = (iso: string) => `${Date.parse(iso)}000`;

function describeFixes(engine: string, open: () => Promise<Store>): void {
  describe(`reader API review fixes (${engine})`, () => {
    let store: Store;
    let env: ServeEnv;
    afterEach(async () => store?.close());
    const start = async () => {
      store = await open();
      await seed(store);
      env = envFor(store);
    };
    const feedId = async (url: string) => (await store.listFeeds()).find((f) => f.url === url)!.id;
    const get = (p: string) => apiCall(env, 'GET', API + p);
    const post = (p: string, body: Record<string, string | string[]>) => apiCall(env, 'POST', API + p, body);
    const titles = (a: { json?: any }) => a.json.items.map((i: any) => i.title);
    /** storeOld stores, at LATER, an item of the sport feed published long before the seed's fetch. */
    const storeOld = async () => {
      const sports = await feedId('https://sport.example/feed');
      const old = itemOf({
        key: 'old',
        guid: 'old',
        title: 'old post',
        link: 'https://sport.example/old',
        published: '2025-06-01T00:00:00.000Z',
      });
      await store.recordFetch(sports, { items: [old], movedTo: null, state: { status: 200, error: null, nextCheckAt: null } }, LATER);
      return sports;
    };

    it('mark-all-as-read with the ts the client last saw leaves an old post stored after it unread', async () => {
      await start();
      const sports = await feedId('https://sport.example/feed');
      // The client syncs: the newest timestampUsec it sees is the seed's fetch time.
      const seen = await get(`/stream/contents/feed/${sports}?n=50`);
      const ts = seen.json.items
        .map((i: any) => i.timestampUsec)
        .sort()
        .pop();
      expect(ts).toBe(usec(FIRST));
      await storeOld();
      const before = await get(`/stream/contents/feed/${sports}?n=50`);
      const before2 = before.json.items.map((i: any) => [i.title, i.read]);
      expect(await post('/mark-all-as-read', { s: `feed/${sports}`, ts })).toEqual({ status: 200, text: 'OK' });
      expect(titles(await get(`/stream/contents/feed/${sports}?n=50&xt=${READ}`))).toEqual(['old post']);
      expect(before2).toHaveLength(7);
      // Without ts, everything is read.
      await post('/mark-all-as-read', { s: `feed/${sports}` });
      expect(titles(await get(`/stream/contents/feed/${sports}?n=50&xt=${READ}`))).toEqual([]);
    });

    it('timestampUsec and crawlTimeMsec are the first-seen time in stream/contents, items/ids, items/contents and unread-count', async () => {
      await start();
      const sports = await storeOld();
      const a = await get(`/stream/contents/feed/${sports}?n=50`);
      // The listing keeps its order by publication: the old post comes last.
      expect(titles(a).at(-1)).toBe('old post');
      const old = a.json.items.at(-1);
      expect(old.timestampUsec).toBe(usec(LATER));
      expect(old.crawlTimeMsec).toBe(String(Date.parse(LATER)));
      expect(old.published).toBe(Date.parse('2025-06-01T00:00:00.000Z') / 1000);
      expect(a.json.items[0].timestampUsec).toBe(usec(FIRST));
      const ids = await get(`/stream/items/ids?s=feed/${sports}&n=50`);
      const ref = ids.json.itemRefs.find((r: any) => r.id === String(Number(BigInt(`0x${old.id.split('/').pop()}`))));
      expect(ref.timestampUsec).toBe(usec(LATER));
      const c = await get(`/stream/items/contents?i=${ref.id}`);
      expect(c.json.items[0].timestampUsec).toBe(usec(LATER));
      const counts = (await get('/unread-count')).json.unreadcounts;
      const newest = (id: string) => counts.find((x: any) => x.id === id).newestItemTimestampUsec;
      expect(newest(`feed/${sports}`)).toBe(usec(LATER));
      expect(newest('user/-/label/Sports')).toBe(usec(LATER));
      expect(newest(READING_LIST)).toBe(usec(LATER));
      expect(newest(`feed/${await feedId('https://rust.example/feed')}`)).toBe(usec(FIRST));
      expect(newest('user/-/label/~Tech')).toBe(usec(FIRST));
    });

    it('ot and nt bound the first-seen time (inclusive), as FreshRSS does, not the publication', async () => {
      await start();
      const sports = await storeOld();
      const s = (t: string) => String(Date.parse(t) / 1000);
      expect(titles(await get(`/stream/contents/feed/${sports}?n=50&ot=${s('2026-02-21T00:00:00.000Z')}`))).toEqual(['old post']);
      expect(titles(await get(`/stream/contents/feed/${sports}?n=50&ot=${s(LATER)}&nt=${s(LATER)}`))).toEqual(['old post']);
      const upToFirst = titles(await get(`/stream/contents/feed/${sports}?n=50&nt=${s(FIRST)}`));
      expect(upToFirst).toHaveLength(6);
      expect(upToFirst).not.toContain('old post');
      expect((await get(`/stream/items/ids?s=feed/${sports}&n=50&ot=${s(LATER)}`)).json.itemRefs).toHaveLength(1);
      // A bad ot is still a one-line 400 that reads nothing.
      expect(await get(`/stream/contents?ot=later`)).toEqual({ status: 400, error: 'ot: not a time in seconds: later' });
    });

    it('mark-all-as-read refuses a bad ts and changes nothing', async () => {
      await start();
      const sports = await storeOld();
      expect(await post('/mark-all-as-read', { s: `feed/${sports}`, ts: 'soon' })).toEqual({
        status: 400,
        error: 'ts: not a time in microseconds: soon',
      });
      expect(titles(await get(`/stream/contents/feed/${sports}?n=50&xt=${READ}`))).toHaveLength(7);
    });

    it('edit-tag applies r after a: a=read&r=read ends unread, a=starred&r=starred unstarred', async () => {
      await start();
      const [one, two] = (await get(`/stream/items/ids?s=${READING_LIST}&n=2`)).json.itemRefs.map((r: any) => r.id);
      await post('/edit-tag', { i: two, a: [READ, STARRED] });
      expect(await post('/edit-tag', { i: [one, two], a: [READ, STARRED], r: [READ, STARRED] })).toEqual({ status: 200, text: 'OK' });
      for (const id of [one, two]) {
        const item = (await store.item(Number(id)))!;
        expect([item.read, item.starred]).toEqual([false, false]);
      }
      // kept-unread then read in a, read in r: still unread; read in a with nothing removed: read.
      await post('/edit-tag', { i: one, a: ['user/-/state/com.google/kept-unread', READ], r: READ });
      expect((await store.item(Number(one)))!.read).toBe(false);
      await post('/edit-tag', { i: one, a: READ, r: STARRED });
      expect((await store.item(Number(one)))!.read).toBe(true);
      // A label is still a 400 that changes nothing.
      expect(await post('/edit-tag', { i: two, a: READ, r: 'user/-/label/Tech' })).toMatchObject({ status: 400 });
      expect((await store.item(Number(two)))!.read).toBe(false);
    });

    it('subscription/edit ac=subscribe of a feed already subscribed applies its title and folder', async () => {
      await start();
      const news = await feedId('https://news.example/feed');
      const list = async () => (await get('/subscription/list')).json.subscriptions.find((x: any) => x.id === `feed/${news}`);
      const before = (await store.listFeeds()).length;
      expect(
        await post('/subscription/edit', {
          ac: 'subscribe',
          s: 'feed/https://news.example/feed',
          t: 'Daily news',
          a: 'user/-/label/Press',
        }),
      ).toEqual({ status: 200, text: 'OK' });
      expect(await list()).toMatchObject({ title: 'Daily news', categories: [{ id: 'user/-/label/Press', label: 'Press' }] });
      // By feed id too; a title alone keeps the folder.
      await post('/subscription/edit', { ac: 'subscribe', s: `feed/${news}`, t: 'News again' });
      expect(await list()).toMatchObject({ title: 'News again', categories: [{ id: 'user/-/label/Press' }] });
      // Neither t nor a: nothing changes; a feed id of no feed is skipped.
      expect(await post('/subscription/edit', { ac: 'subscribe', s: [`feed/${news}`, 'feed/999'] })).toEqual({ status: 200, text: 'OK' });
      expect(await list()).toMatchObject({ title: 'News again' });
      expect((await store.listFeeds()).length).toBe(before);
      // A topic as the folder is still a 400 that changes nothing.
      expect(await post('/subscription/edit', { ac: 'subscribe', s: `feed/${news}`, t: 'X', a: STARRED })).toMatchObject({ status: 400 });
      expect(await list()).toMatchObject({ title: 'News again' });
    });
  });
}

describe('a 405 allows HEAD wherever GET is allowed', () => {
  const allowOf = (method: string, p: string) => {
    try {
      matchRoute(apiRoutes(), method, API + p);
    } catch (e) {
      if (e instanceof ApiError) return [e.status, e.headers.Allow];
    }
    return undefined;
  };
  it('names GET and HEAD for a GET route, GET, HEAD and POST for one taking both, and POST alone for a write', () => {
    expect(allowOf('POST', '/subscription/list')).toEqual([405, 'GET, HEAD']);
    expect(allowOf('DELETE', '/stream/items/contents')).toEqual([405, 'GET, POST, HEAD']);
    expect(allowOf('GET', '/edit-tag')).toEqual([405, 'POST']);
    // HEAD itself is served where GET is.
    expect(allowOf('HEAD', '/subscription/list')).toBeUndefined();
  });
});

describeFixes('SQLite', async () => openSqlite(path.join(tempDir(), 'fixes.db')));
describe.skipIf(!pgAvailable)('PostgreSQL', () => {
  describeFixes('PostgreSQL', async () => openPostgres(await freshDatabase()));
});
