// The reader API's endpoints, each checked on a store (api.test.ts runs them on SQLite,
// api-pg.test.ts on PostgreSQL): in-process through the routes, as the server calls them.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServeEnv } from '../../src/serve/api.js';
import type { Store } from '../../src/store/contract.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { apiCall, envFor, seed, type Answer } from './fixture.js';

export const API = '/reader/api/0';
export const READING_LIST = 'user/-/state/com.google/reading-list';
const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';

const get = (env: ServeEnv, path: string) => apiCall(env, 'GET', API + path);
const post = (env: ServeEnv, path: string, body: Record<string, string | string[]>) => apiCall(env, 'POST', API + path, body);

/** titles are the titles of a stream page's items. */
const titles = (a: Answer) => (a.json.items as { title: string }[]).map((i) => i.title);

/** allPages follows continuations to the end of a stream, n at a time. */
export async function allPages(env: ServeEnv, query: string): Promise<{ titles: string[]; pages: number }> {
  const out: string[] = [];
  let c: string | undefined;
  let pages = 0;
  do {
    const a = await get(env, `/stream/contents?${query}${c ? `&c=${encodeURIComponent(c)}` : ''}`);
    expect(a.status).toBe(200);
    if (a.json.continuation !== undefined) expect(typeof a.json.continuation).toBe('string');
    out.push(...titles(a));
    c = a.json.continuation;
    pages++;
  } while (c);
  return { titles: out, pages };
}

/** unreadOf is the count unread-count gives a stream id. */
const unreadOf = (a: Answer, id: string) => (a.json.unreadcounts as { id: string; count: number }[]).find((c) => c.id === id)?.count;

/** describeApi runs every endpoint's cases on stores `open` makes (a fresh one per test). */
export function describeApi(engine: string, open: () => Promise<Store>): void {
  describe(`the reader API on ${engine}`, () => {
    let store: Store;
    let env: ServeEnv;
    const stores: Store[] = [];
    beforeEach(async () => {
      store = await open();
      stores.push(store);
      await seed(store);
      env = envFor(store);
    });
    afterAll(async () => {
      for (const s of stores) await s.close();
    });
    const idOf = async (title: string) => {
      for await (const i of store.items({})) if (i.title === title) return i.id;
      throw new Error(`no item ${title}`);
    };
    const feedId = async (url: string) => (await store.listFeeds({ feed: url }))[0].id;

    it('subscription/list lists every feed with its folder as its category', async () => {
      const a = await get(env, '/subscription/list?output=json');
      expect(a.status).toBe(200);
      const subs = a.json.subscriptions as any[];
      expect(subs).toHaveLength(5);
      const rust = subs.find((s) => s.url === 'https://rust.example/feed');
      expect(rust).toEqual({
        id: `feed/${await feedId('https://rust.example/feed')}`,
        title: 'Rust blog',
        categories: [{ id: 'user/-/label/Technology/Programming', label: 'Technology/Programming' }],
        url: 'https://rust.example/feed',
        htmlUrl: 'https://rust.example/',
        iconUrl: '',
      });
      expect(subs.find((s) => s.url === 'https://ux.example/feed').categories).toEqual([{ id: 'user/-/label/UI / UX', label: 'UI / UX' }]);
      expect(subs.find((s) => s.url === 'https://loose.example/feed').categories).toEqual([]);
    });

    it('tag/list lists the states, every folder (nested ones too) and the topics, which never merge with a folder of their name', async () => {
      const a = await get(env, '/tag/list?output=json');
      expect(a.json.tags).toEqual([
        { id: STARRED },
        { id: 'user/-/label/Sports', type: 'folder', unread_count: 6 },
        { id: 'user/-/label/Technology', type: 'folder', unread_count: 18 },
        { id: 'user/-/label/Technology/Programming', type: 'folder', unread_count: 10 },
        { id: 'user/-/label/UI / UX', type: 'folder', unread_count: 4 },
        { id: 'user/-/label/~Sports', type: 'tag', unread_count: 8 },
        { id: 'user/-/label/~Tech', type: 'tag', unread_count: 20 },
      ]);
    });

    it('unread-count counts per feed, folder, topic and the reading list, with the newest unread item', async () => {
      await post(env, '/edit-tag', { i: String(await idOf('rust 9')), a: READ });
      const a = await get(env, '/unread-count?output=json');
      expect(unreadOf(a, READING_LIST)).toBe(29);
      expect(unreadOf(a, `feed/${await feedId('https://rust.example/feed')}`)).toBe(9);
      expect(unreadOf(a, 'user/-/label/Technology')).toBe(17);
      expect(unreadOf(a, 'user/-/label/Technology/Programming')).toBe(9);
      expect(unreadOf(a, 'user/-/label/~Tech')).toBe(19);
      expect(unreadOf(a, 'user/-/label/Sports')).toBe(6);
      expect(unreadOf(a, 'user/-/label/~Sports')).toBe(8);
      const rl = a.json.unreadcounts.find((c: any) => c.id === READING_LIST);
      // The newest unread's first-seen time (every item was stored by the seed's fetch; fixes.test.ts stores some later).
      expect(rl.newestItemTimestampUsec).toBe(`${Date.parse('2026-02-20T00:00:00.000Z')}000`);
      const rust = a.json.unreadcounts.find((c: any) => c.id === 'user/-/label/Technology/Programming');
      expect(rust.newestItemTimestampUsec).toBe(`${Date.parse('2026-02-20T00:00:00.000Z')}000`);
      expect(a.json.max).toBe(29);
    });

    it('stream/contents pages the reading list by continuation, newest first, every item once', async () => {
      const all = await allPages(env, `s=${READING_LIST}&n=7`);
      expect(all.pages).toBe(5);
      expect(all.titles).toHaveLength(30);
      expect(new Set(all.titles).size).toBe(30);
      expect(all.titles.slice(0, 3)).toEqual(['loose 1', 'loose 0', 'sport 5']);
      const oldest = await allPages(env, `s=${READING_LIST}&n=4&r=o`);
      expect(oldest.titles).toEqual([...all.titles].reverse());
      // A page of one splits the two items of the same second.
      const one = await get(env, `/stream/contents/${encodeURIComponent(READING_LIST)}?n=1`);
      expect(titles(one)).toEqual(['loose 1']);
      const next = await get(env, `/stream/contents/${encodeURIComponent(READING_LIST)}?n=1&c=${one.json.continuation}`);
      expect(titles(next)).toEqual(['loose 0']);
    });

    it('stream/contents shows items as FreshRSS does: long ids, integer times, links, origin, HTML, state and topic', async () => {
      const rustId = await idOf('rust 3');
      await post(env, '/edit-tag', { i: String(rustId), a: [READ, STARRED] });
      const a = await get(env, `/stream/contents/feed%2F${await feedId('https://rust.example/feed')}?n=20&output=json`);
      expect(a.json.id).toBe(`feed/${await feedId('https://rust.example/feed')}`);
      const item = a.json.items.find((i: any) => i.title === 'rust 3');
      const published = Date.parse('2026-02-10T03:00:00.000Z');
      expect(item).toEqual({
        id: `tag:google.com,2005:reader/item/${rustId.toString(16).padStart(16, '0')}`,
        crawlTimeMsec: String(Date.parse('2026-02-20T00:00:00.000Z')),
        timestampUsec: `${Date.parse('2026-02-20T00:00:00.000Z')}000`,
        published: published / 1000,
        updated: published / 1000,
        title: 'rust 3',
        canonical: [{ href: 'https://rust.example/3' }],
        alternate: [{ href: 'https://rust.example/3', type: 'text/html' }],
        categories: [READING_LIST, 'user/-/label/Technology/Programming', READ, STARRED, 'user/-/label/~Tech'],
        origin: { streamId: `feed/${await feedId('https://rust.example/feed')}`, title: 'Rust blog', htmlUrl: 'https://rust.example/' },
        summary: { content: '<p>rust <b>3</b></p>' },
        author: 'Ferris',
      });
      expect(Number.isInteger(item.published)).toBe(true);
      const ux = await get(env, `/stream/contents?s=${encodeURIComponent('user/-/label/UI / UX')}&n=1`);
      expect(ux.json.items[0].enclosure).toEqual([{ href: 'https://ux.example/a.mp3', type: 'audio/mpeg', length: '1234' }]);
    });

    it('label streams: nested folders round-trip encoded or not, any user segment, folder names holding "/"', async () => {
      const forms = [
        '/stream/contents/user/-/label/Technology%2FProgramming',
        '/stream/contents/user/-/label/Technology/Programming',
        '/stream/contents/user%2F-%2Flabel%2FTechnology%2FProgramming',
        '/stream/contents/user/1/label/Technology/Programming',
        `/stream/contents?s=${encodeURIComponent('user/-/label/Technology/Programming')}`,
      ];
      for (const f of forms) {
        const a = await get(env, `${f}${f.includes('?') ? '&' : '?'}n=50`);
        expect(a.status, f).toBe(200);
        expect(titles(a), f).toHaveLength(10);
        expect(
          titles(a).every((t) => t.startsWith('rust')),
          f,
        ).toBe(true);
      }
      // A folder holds its subfolders.
      expect(titles(await get(env, '/stream/contents/user/-/label/Technology?n=50'))).toHaveLength(18);
      const ux = await get(env, `/stream/contents/${encodeURIComponent('user/-/label/UI / UX')}?n=50`);
      expect(titles(ux)).toEqual(['ux 3', 'ux 2', 'ux 1', 'ux 0']);
    });

    it('a topic has its own stream, apart from the folder of the same name', async () => {
      const folder = titles(await get(env, '/stream/contents/user/-/label/Sports?n=50'));
      const topic = titles(await get(env, '/stream/contents/user/-/label/~Sports?n=50'));
      expect(folder).toHaveLength(6);
      expect(topic).toHaveLength(8);
      expect(topic).toContain('news 1');
      expect(folder).not.toContain('news 1');
      expect((await get(env, '/stream/contents/user/-/label/~Nope')).status).toBe(404);
    });

    it('feed streams take the id or (older clients) the URL; starred and read streams; xt, it, ot and nt filter', async () => {
      const rust = await feedId('https://rust.example/feed');
      expect(titles(await get(env, `/stream/contents/feed/${rust}?n=3`))).toEqual(['rust 9', 'rust 8', 'rust 7']);
      expect(titles(await get(env, `/stream/contents/feed%2F${encodeURIComponent('https://rust.example/feed')}?n=3`))).toEqual([
        'rust 9',
        'rust 8',
        'rust 7',
      ]);
      await post(env, '/edit-tag', { i: [String(await idOf('rust 9')), String(await idOf('news 0'))], a: READ });
      await post(env, '/edit-tag', { i: String(await idOf('news 1')), a: STARRED });
      expect(titles(await get(env, `/stream/contents/feed/${rust}?n=3&xt=${READ}`))).toEqual(['rust 8', 'rust 7', 'rust 6']);
      expect(titles(await get(env, `/stream/contents?s=${STARRED}`))).toEqual(['news 1']);
      expect(titles(await get(env, `/stream/contents?s=${READING_LIST}&it=${STARRED}`))).toEqual(['news 1']);
      expect(titles(await get(env, `/stream/contents?s=${READ}&n=50`))).toEqual(['news 0', 'rust 9']);
      // ot and nt bound the first-seen time, both inclusive (fixes.test.ts has items stored at other times).
      const seen = Date.parse('2026-02-20T00:00:00.000Z') / 1000;
      expect(titles(await get(env, `/stream/contents/user/-/label/Sports?ot=${seen}&nt=${seen}`))).toHaveLength(6);
      expect(titles(await get(env, `/stream/contents/user/-/label/Sports?ot=${seen + 1}`))).toEqual([]);
      expect(titles(await get(env, `/stream/contents/user/-/label/Sports?nt=${seen - 1}`))).toEqual([]);
    });

    it('stream/items/ids gives decimal ids with their feed and time; stream/items/contents reads them back, GET or POST', async () => {
      const a = await get(env, `/stream/items/ids?s=${READING_LIST}&n=1000&xt=${READ}`);
      expect(a.json.itemRefs).toHaveLength(30);
      const ref = a.json.itemRefs[0];
      expect(ref.id).toMatch(/^\d+$/);
      expect(ref.directStreamIds).toEqual([`feed/${await feedId('https://loose.example/feed')}`]);
      expect(ref.timestampUsec).toBe(`${Date.parse('2026-02-20T00:00:00.000Z')}000`);
      const paged = await get(env, `/stream/items/ids?s=${READING_LIST}&n=25`);
      expect(paged.json.itemRefs).toHaveLength(25);
      expect(typeof paged.json.continuation).toBe('string');
      const rest = await get(env, `/stream/items/ids?s=${READING_LIST}&n=25&c=${paged.json.continuation}`);
      expect(rest.json.itemRefs).toHaveLength(5);
      expect(rest.json.continuation).toBeUndefined();
      const ids = a.json.itemRefs.slice(0, 3).map((r: any) => r.id);
      const long = `tag:google.com,2005:reader/item/${Number(ids[1]).toString(16).padStart(16, '0')}`;
      const short = Number(ids[2]).toString(16).padStart(16, '0');
      const byPost = await apiCall(env, 'POST', `${API}/stream/items/contents`, { i: [ids[0], long, short, '999999'] });
      expect(titles(byPost)).toEqual(['loose 1', 'loose 0', 'sport 5']);
      const byGet = await get(env, `/stream/items/contents?i=${ids[0]}&i=${encodeURIComponent(long)}&output=json`);
      expect(titles(byGet)).toEqual(['loose 1', 'loose 0']);
    });

    it('edit-tag takes every id form, answers OK, marks read, unread, kept-unread, starred; unknown ids are skipped', async () => {
      const [a, b, c] = [await idOf('rust 1'), await idOf('rust 2'), await idOf('rust 3')];
      const r = await post(env, '/edit-tag', {
        i: [
          `tag:google.com,2005:reader/item/${a.toString(16).padStart(16, '0')}`,
          b.toString(16).padStart(16, '0'),
          String(c),
          '987654321',
        ],
        a: READ,
      });
      expect(r).toEqual({ status: 200, text: 'OK' });
      for (const id of [a, b, c]) expect((await store.item(id))!.read).toBe(true);
      await post(env, '/edit-tag', { i: String(a), r: READ });
      await post(env, '/edit-tag', { i: String(b), a: 'user/-/state/com.google/kept-unread' });
      await post(env, '/edit-tag', { i: String(c), a: STARRED, r: 'user/-/state/com.google/tracking-kept-unread' });
      expect((await store.item(a))!.read).toBe(false);
      expect((await store.item(b))!.read).toBe(false);
      expect((await store.item(c))!).toMatchObject({ read: true, starred: true });
      await post(env, '/edit-tag', { i: String(c), r: STARRED });
      expect((await store.item(c))!.starred).toBe(false);
    });

    it.each([
      [
        'a malformed id',
        { i: ['ID', 'tag:google.com,2005:reader/item/xyz'], a: READ },
        'not an item id: tag:google.com,2005:reader/item/xyz',
      ],
      ['no id', { a: READ }, 'i: no item id given'],
      ['a zero id', { i: ['ID', '0'], a: READ }, 'not an item id: 0'],
      ['no tag', { i: ['ID'] }, 'a or r: no tag given'],
      ['a label as tag', { i: ['ID'], a: 'user/-/label/Sports' }, 'a: not a state tag: user/-/label/Sports'],
    ])('edit-tag refuses %s with a 400 and changes nothing', async (_name, body, reason) => {
      const id = String(await idOf('rust 1'));
      const given = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, [v].flat().map((x) => (x === 'ID' ? id : x))]));
      const r = await post(env, '/edit-tag', given);
      expect(r).toEqual({ status: 400, error: reason });
      expect((await store.item(Number(id)))!.read).toBe(false);
    });

    it('mark-all-as-read marks a stream read up to ts (µs, first seen at or before it), or all of it, and answers OK', async () => {
      const sports = await feedId('https://sport.example/feed');
      // Every item was first seen at the seed's fetch: a ts a millisecond earlier reads none, that time all.
      const ts = Date.parse('2026-02-20T00:00:00.000Z') * 1000;
      expect(await post(env, '/mark-all-as-read', { s: `feed/${sports}`, ts: String(ts - 1000) })).toEqual({ status: 200, text: 'OK' });
      expect(titles(await get(env, `/stream/contents/feed/${sports}?xt=${READ}`))).toHaveLength(6);
      await post(env, '/mark-all-as-read', { s: `feed/${sports}`, ts: String(ts) });
      expect(titles(await get(env, `/stream/contents/feed/${sports}?xt=${READ}`))).toEqual([]);
      await post(env, '/mark-all-as-read', { s: 'user/-/label/~Sports' });
      expect(titles(await get(env, `/stream/contents?s=user/-/label/~Sports&xt=${READ}`))).toEqual([]);
      expect(unreadOf(await get(env, '/unread-count'), READING_LIST)).toBe(22);
      expect(await post(env, '/mark-all-as-read', { s: 'user/-/label/Nope' })).toMatchObject({ status: 404 });
      expect(await post(env, '/mark-all-as-read', { s: `feed/${sports}`, ts: 'soon' })).toMatchObject({ status: 400 });
      expect(await post(env, '/mark-all-as-read', {})).toEqual({ status: 400, error: 's: no stream given' });
      expect(unreadOf(await get(env, '/unread-count'), READING_LIST)).toBe(22);
    });

    it('rename-tag renames a folder with its subfolders; disable-tag dissolves one; topics and unknown labels are 400', async () => {
      expect(await post(env, '/rename-tag', { s: 'user/-/label/Technology', dest: 'user/-/label/Tech' })).toEqual({
        status: 200,
        text: 'OK',
      });
      expect((await store.listFeeds({ feed: 'https://rust.example/feed' }))[0].category).toBe('Tech/Programming');
      expect((await store.listFeeds({ feed: 'https://news.example/feed' }))[0].category).toBe('Tech');
      expect(await post(env, '/disable-tag', { s: 'user/-/label/Tech' })).toEqual({ status: 200, text: 'OK' });
      expect((await store.listFeeds({ feed: 'https://rust.example/feed' }))[0].category).toBe('Programming');
      expect((await store.listFeeds({ feed: 'https://news.example/feed' }))[0].category).toBe('');
      const before = (await store.listFeeds()).map((f) => f.category);
      expect(await post(env, '/rename-tag', { s: 'user/-/label/~Sports', dest: 'user/-/label/X' })).toMatchObject({ status: 400 });
      expect(await post(env, '/disable-tag', { s: 'user/-/label/~Tech' })).toMatchObject({ status: 400 });
      expect(await post(env, '/disable-tag', { s: 'user/-/label/Nope' })).toEqual({ status: 400, error: 's: no such folder: Nope' });
      expect(await post(env, '/rename-tag', { s: 'user/-/label/Sports' })).toEqual({ status: 400, error: 'dest: no new name given' });
      expect((await store.listFeeds()).map((f) => f.category)).toEqual(before);
    });

    it('subscription/edit renames, moves and unsubscribes; export is OPML', async () => {
      const news = await feedId('https://news.example/feed');
      expect(await post(env, '/subscription/edit', { ac: 'edit', s: `feed/${news}`, t: 'Daily', a: 'user/-/label/Sports' })).toEqual({
        status: 200,
        text: 'OK',
      });
      expect((await store.listFeeds({ feed: String(news) }))[0]).toMatchObject({ title: 'Daily', category: 'Sports' });
      await post(env, '/subscription/edit', { ac: 'edit', s: `feed/${news}`, r: 'user/-/label/Sports' });
      expect((await store.listFeeds({ feed: String(news) }))[0].category).toBe('');
      expect(await post(env, '/subscription/edit', { ac: 'edit', s: 'feed/999999', t: 'x' })).toMatchObject({ status: 400 });
      expect(await post(env, '/subscription/edit', { ac: 'edit', s: `feed/${news}`, a: 'user/-/label/~Tech' })).toMatchObject({
        status: 400,
      });
      expect(await post(env, '/subscription/edit', { ac: 'zap', s: `feed/${news}` })).toMatchObject({ status: 400 });
      const opml = await get(env, '/subscription/export');
      expect(opml.xml).toContain('<opml version="2.0">');
      expect(opml.xml).toContain('xmlUrl="https://rust.example/feed"');
      expect(await post(env, '/subscription/edit', { ac: 'unsubscribe', s: `feed/${news}` })).toEqual({ status: 200, text: 'OK' });
      expect(await store.listFeeds({ feed: String(news) })).toEqual([]);
      expect(titles(await get(env, `/stream/contents?s=${READING_LIST}&n=100`))).toHaveLength(22);
    });

    describe('subscribing through the same discovery and checks as `inkzee add`', () => {
      let server: FeedServer;
      beforeEach(async () => {
        server = await startFeedServer({
          '/feed.xml': serve(200, rss('Local', [{ guid: 'l1', title: 'Local one', link: 'http://x.example/1' }])),
          '/page.html': serve(200, '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>', {
            'content-type': 'text/html',
          }),
          '/broken.xml': serve(200, 'not a feed at all', { 'content-type': 'text/plain' }),
        });
        return () => server.close();
      });

      it('subscription/edit ac=subscribe finds a page’s feed, files it and stores its items', async () => {
        const r = await post(env, '/subscription/edit', {
          ac: 'subscribe',
          s: `feed/${server.url}/page.html`,
          a: 'user/-/label/Local',
          t: 'Mine',
        });
        expect(r).toEqual({ status: 200, text: 'OK' });
        const [f] = await store.listFeeds({ feed: `${server.url}/feed.xml` });
        expect(f).toMatchObject({ title: 'Mine', category: 'Local', itemCount: 1 });
        const bad = await post(env, '/subscription/edit', { ac: 'subscribe', s: `feed/${server.url}/broken.xml` });
        expect(bad.status).toBe(400);
        expect(bad.error).toMatch(/^subscribe: http:\/\/127\.0\.0\.1:\d+\/broken\.xml: /);
        expect(await store.listFeeds({ feed: `${server.url}/broken.xml` })).toEqual([]);
      });

      it('subscription/quickadd subscribes and names the stream; a failure answers numResults 0', async () => {
        const r = await post(env, '/subscription/quickadd', { quickadd: `${server.url}/feed.xml` });
        const [f] = await store.listFeeds({ feed: `${server.url}/feed.xml` });
        expect(r.json).toEqual({ numResults: 1, query: `${server.url}/feed.xml`, streamId: `feed/${f.id}`, streamName: 'Local' });
        const bad = await post(env, '/subscription/quickadd', { quickadd: `${server.url}/missing.xml` });
        expect(bad.json.numResults).toBe(0);
        expect(typeof bad.json.error).toBe('string');
        expect(await post(env, '/subscription/quickadd', {})).toEqual({ status: 400, error: 'quickadd: no URL given' });
      });
    });

    it.each([
      ['n not a number', '/stream/contents?n=lots', 400, 'n: not a positive whole number: lots'],
      ['n zero', '/stream/contents?n=0', 400, 'n: not a positive whole number: 0'],
      ['a continuation not ours', '/stream/contents?c=12345', 400, 'c: not a continuation: 12345'],
      ['ot not a time', '/stream/contents?ot=yesterday', 400, 'ot: not a time in seconds: yesterday'],
      ['nt not a time', '/stream/items/ids?nt=-5', 400, 'nt: not a time in seconds: -5'],
      ['an unknown feed', '/stream/contents/feed/424242', 404, 'no such feed: 424242'],
      ['an unknown folder', '/stream/contents/user/-/label/Nope', 404, 'no such folder: Nope'],
      ['not a stream id', '/stream/contents/bogus', 400, 'not a stream id: bogus'],
      ['an unknown state', '/stream/contents/user/-/state/com.google/liked', 400, 'unknown state stream: user/-/state/com.google/liked'],
      ['bad percent-encoding', '/stream/contents/feed%2', 400, 'stream id: bad percent-encoding'],
      ['items/contents without ids', '/stream/items/contents', 400, 'i: no item id given'],
      ['items/contents with a bad id', '/stream/items/contents?i=12xz', 400, 'not an item id: 12xz'],
      ['an unknown endpoint', '/stream/nothing', 404, 'no such endpoint: /reader/api/0/stream/nothing'],
    ])('%s is refused with a short reason', async (_name, path, status, reason) => {
      expect(await get(env, path)).toEqual({ status, error: reason });
    });

    it('stream/items/contents takes up to 10000 ids at once, and refuses more', async () => {
      const ids = (n: number) => ({ i: Array.from({ length: n }, (_, k) => String(k + 1)) });
      expect(titles(await post(env, '/stream/items/contents', ids(10_000)))).toHaveLength(30);
      expect(await post(env, '/stream/items/contents', ids(10_001))).toEqual({
        status: 400,
        error: 'i: at most 10000 item ids at once (10001 given)',
      });
    });

    it('n is capped at 1000 items', async () => {
      expect(titles(await get(env, '/stream/contents?n=99999999'))).toHaveLength(30);
    });
  });
}
