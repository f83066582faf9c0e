// Reader apps' calls replayed over HTTP against `inkzee serve` (the built CLI): newer newsboat's
// `freshrss` mode exactly as src/freshrssapi.cpp sends them, then the forms NetNewsWire
// (Account/ReaderAPI/ReaderAPICaller.swift), Reeder and FeedMe send (FreshRSS's greader.php keeps
// their quirks: output=json, the continuation a string, T in the body or the query, `published` an
// integer). Last, the store stays consistent while `inkzee refresh` writes beside the server.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/contract.js';
import { cli, tempDir } from '../helpers.js';
import { rss, startFeedServer, type FeedServer } from '../feed-server.js';
import { login, request, setPassword, startServe, type ServeChild } from './child.js';
import { seed } from './fixture.js';

const PASSWORD = 'p@ss word&=';
const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';
const READING_LIST = 'user/-/state/com.google/reading-list';
const long = (id: number) => `tag:google.com,2005:reader/item/${id.toString(16).padStart(16, '0')}`;

/** readBack opens the database beside the server to check what it stored. */
async function readBack<T>(db: string, f: (s: Store) => Promise<T>): Promise<T> {
  const s = openSqlite(db);
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

async function itemIdOf(db: string, title: string): Promise<number> {
  return readBack(db, async (s) => {
    for await (const i of s.items({})) if (i.title === title) return i.id;
    throw new Error(`no item ${title}`);
  });
}

// Room on a loaded machine (six engineers share two CPUs): these limits are no timing assertion.
describe('reader apps against inkzee serve (SQLite)', { timeout: 90_000 }, () => {
  let db: string;
  let s: ServeChild;
  let api: string;
  beforeAll(async () => {
    db = path.join(tempDir(), 'clients.db');
    await readBack(db, seed);
    expect((await setPassword(db, PASSWORD)).code).toBe(0);
    s = await startServe(db);
    api = `${s.url}/reader/api/0`;
  }, 90_000);
  afterAll(async () => {
    await s.stop();
  });

  it('newsboat (freshrss mode): login, subscription/list, stream/contents/feed%2F<id>?n=, token, edit-tag, mark-all-as-read', async () => {
    // retrieve_auth: curl-escaped Email and Passwd, and the program's name and version as source.
    const loginReply = await request('POST', `${s.url}/accounts/ClientLogin`, {
      body: `Email=inkzee&Passwd=${encodeURIComponent(PASSWORD)}&source=newsboat%2F2.37.0`,
    });
    expect(loginReply.status).toBe(200);
    const auth = /^Auth=(.+)$/m.exec(loginReply.body)![1];
    const subs = await request('GET', `${api}/subscription/list?output=json`, { auth });
    expect(subs.status).toBe(200);
    const list = JSON.parse(subs.body).subscriptions as { id: string; url: string; categories: { label: string }[] }[];
    expect(list.map((x) => x.categories.map((c) => c.label))).toContainEqual(['Technology/Programming']);
    // get_subscribed_urls: the feed's URL is the prefix and the curl-escaped id; fetch_feed adds ?n=<freshrss-min-items>.
    const rust = list.find((x) => x.url === 'https://rust.example/feed')!;
    const feedUrl = `${api}/stream/contents/${encodeURIComponent(rust.id)}`;
    expect(feedUrl).toMatch(/\/stream\/contents\/feed%2F\d+$/);
    const page = await request('GET', `${feedUrl}?n=20`, { auth });
    expect(page.status).toBe(200);
    const items = JSON.parse(page.body).items as any[];
    expect(items).toHaveLength(10);
    for (const i of items) {
      // nlohmann's `int pub_time = entry["published"]` throws on anything but a number.
      expect(Number.isInteger(i.published)).toBe(true);
      expect(i.id).toMatch(/^tag:google\.com,2005:reader\/item\/[0-9a-f]{16}$/);
      expect(i.canonical[0].href).toMatch(/^https:\/\/rust\.example\/\d$/);
      expect(typeof i.summary.content).toBe('string');
      expect(i.categories).not.toContain(READ);
    }
    // get_new_token: the body as is, its newline included, goes into T.
    const token = (await request('GET', `${api}/token`, { auth })).body;
    expect(token).toMatch(/\n$/);
    // mark_article_read_with_token (read): i unescaped, a=read, r=kept-unread, ac=edit.
    const guid = items[0].id as string;
    const read = await request('POST', `${api}/edit-tag`, {
      auth,
      body: `i=${guid}&a=${READ}&r=user/-/state/com.google/kept-unread&ac=edit&T=${token}`,
    });
    expect(read).toMatchObject({ status: 200, body: 'OK' });
    const id = parseInt(guid.slice(guid.lastIndexOf('/') + 1), 16);
    expect((await readBack(db, (st) => st.item(id)))!.read).toBe(true);
    // (unread): r=read, a=kept-unread, a=tracking-kept-unread.
    const unread = await request('POST', `${api}/edit-tag`, {
      auth,
      body: `i=${guid}&r=${READ}&a=user/-/state/com.google/kept-unread&a=user/-/state/com.google/tracking-kept-unread&ac=edit&T=${token}`,
    });
    expect(unread.body).toBe('OK');
    expect((await readBack(db, (st) => st.item(id)))!.read).toBe(false);
    // star_article.
    const star = await request('POST', `${api}/edit-tag`, { auth, body: `i=${guid}&a=${STARRED}&ac=edit&T=${token}` });
    expect(star.body).toBe('OK');
    expect((await readBack(db, (st) => st.item(id)))!.starred).toBe(true);
    // mark_all_read: the feed URL's id unescaped, as s.
    const all = await request('POST', `${api}/mark-all-as-read`, { auth, body: `s=${decodeURIComponent(rust.id)}&T=${token}` });
    expect(all).toMatchObject({ status: 200, body: 'OK' });
    const again = JSON.parse((await request('GET', `${feedUrl}?n=20`, { auth })).body).items as any[];
    expect(again.every((i) => i.categories.includes(READ))).toBe(true);
    expect(again.find((i) => i.id === guid).categories).toContain(STARRED);
    // A write without T, or with another, is refused (serve-core's check) and changes nothing.
    const noT = await request('POST', `${api}/edit-tag`, { auth, body: `i=${guid}&r=${STARRED}` });
    expect(noT.status).toBe(401);
    expect((await readBack(db, (st) => st.item(id)))!.starred).toBe(true);
  });

  it('NetNewsWire: unread and starred ids, then their contents by long and unpadded ids, then marks', async () => {
    const auth = await login(s.url, 'inkzee', PASSWORD);
    const token = (await request('GET', `${api}/token`, { auth })).body.trim();
    expect((await request('GET', `${api}/tag/list?output=json`, { auth })).status).toBe(200);
    // retrieveUnreadEntries / retrieveEntries: ot as a Double in seconds, n=10000, xt=read.
    // ot bounds the first-seen time; the seed stored every item at 2026-02-20T00:00:00Z.
    const since = Date.parse('2026-02-20T00:00:00.000Z') / 1000 + 0.25;
    const q = new URLSearchParams({ ot: String(since), n: '10000', output: 'json', xt: READ, s: READING_LIST });
    const ids = await request('GET', `${api}/stream/items/ids?${q}`, { auth });
    expect(ids.status).toBe(200);
    const refs = JSON.parse(ids.body).itemRefs as { id: string }[];
    // ot in whole seconds (FreshRSS casts it to an integer), so the seed's fetch is in: every unread item
    // (30 less the rust feed, which the newsboat case above marked read).
    expect(refs).toHaveLength(20);
    for (const r of refs) expect(r.id).toMatch(/^\d+$/);
    // The contents request: T first, output=json, then i in the long form (and, from older versions, unpadded hex).
    // Unpadded hex is told from decimal by its letters: take an id whose hex has one.
    const lettered = refs.map((r) => Number(r.id)).find((n) => /[a-f]/.test(n.toString(16)))!;
    const wanted = [
      ...refs
        .map((r) => Number(r.id))
        .filter((n) => n !== lettered)
        .slice(0, 2),
      lettered,
    ];
    const body = `T=${token}&output=json&i=${long(wanted[0])}&i=${long(wanted[1])}&i=${wanted[2].toString(16)}`;
    const contents = await request('POST', `${api}/stream/items/contents`, { auth, body });
    expect(contents.status).toBe(200);
    const got = JSON.parse(contents.body).items as any[];
    expect(got.map((i) => parseInt(i.id.slice(-16), 16)).sort()).toEqual([...wanted].sort());
    // updateStateToEntries: %.16llx ids, one a or r.
    const mark = await request('POST', `${api}/edit-tag`, {
      auth,
      body: `T=${token}&i=${wanted[0].toString(16).padStart(16, '0')}&i=${wanted[1].toString(16).padStart(16, '0')}&a=${STARRED}`,
    });
    expect(mark.body).toBe('OK');
    const starred = await request('GET', `${api}/stream/items/ids?s=${STARRED}&n=10000&output=json`, { auth });
    expect((JSON.parse(starred.body).itemRefs as { id: string }[]).map((r) => Number(r.id))).toEqual(
      expect.arrayContaining(wanted.slice(0, 2)),
    );
  });

  it('nested folders round-trip through the URL path over HTTP, encoded or not, as do topics', async () => {
    const auth = await login(s.url, 'inkzee', PASSWORD);
    const tags = JSON.parse((await request('GET', `${api}/tag/list?output=json`, { auth })).body).tags as { id: string }[];
    const nested = tags.find((t) => t.id.endsWith('/Technology/Programming'))!.id;
    for (const path of [encodeURIComponent(nested), nested, nested.replace('Technology/Programming', 'Technology%2FProgramming')]) {
      const r = await request('GET', `${api}/stream/contents/${path}?n=50`, { auth });
      expect(r.status, path).toBe(200);
      expect(
        JSON.parse(r.body)
          .items.map((i: any) => i.title)
          .sort(),
        path,
      ).toEqual(Array.from({ length: 10 }, (_, k) => `rust ${k}`).sort());
    }
    const ux = await request('GET', `${api}/stream/contents/${encodeURIComponent('user/-/label/UI / UX')}?n=50`, { auth });
    expect(JSON.parse(ux.body).items).toHaveLength(4);
    const topic = await request('GET', `${api}/stream/contents/user/-/label/~Sports?n=50`, { auth });
    expect(JSON.parse(topic.body).items).toHaveLength(8);
    const none = await request('GET', `${api}/stream/contents/user/-/label/Nothing%2FHere`, { auth });
    expect(none.status).toBe(404);
    expect(none.body.trim()).toBe('no such folder: Nothing/Here');
  });

  it('Reeder and FeedMe: T in the query of a POST, a continuation followed as a string, the reading list without a stream id', async () => {
    const auth = await login(s.url, 'inkzee', PASSWORD);
    const token = (await request('GET', `${api}/token`, { auth })).body.trim();
    const id = await itemIdOf(db, 'news 3');
    const r = await request('POST', `${api}/edit-tag?T=${encodeURIComponent(token)}`, { auth, body: `i=${id}&a=${READ}` });
    expect(r).toMatchObject({ status: 200, body: 'OK' });
    expect((await readBack(db, (st) => st.item(id)))!.read).toBe(true);
    // FeedMe: stream/contents with no stream is the reading list; pages follow the continuation string.
    const seen: string[] = [];
    let c: unknown;
    do {
      const page = await request('GET', `${api}/stream/contents?output=json&n=8${c ? `&c=${encodeURIComponent(c as string)}` : ''}`, {
        auth,
      });
      expect(page.status).toBe(200);
      const j = JSON.parse(page.body);
      for (const i of j.items) {
        expect(Number.isInteger(i.published)).toBe(true);
        seen.push(i.id);
      }
      c = j.continuation;
      if (c !== undefined) expect(typeof c).toBe('string');
    } while (c !== undefined);
    expect(new Set(seen).size).toBe(30);
    // FeedMe posts the ids of the items it wants.
    const byPost = await request('POST', `${api}/stream/items/contents`, { auth, body: `i=${id}&output=json` });
    expect(JSON.parse(byPost.body).items.map((i: any) => i.title)).toEqual(['news 3']);
    // Bad input is a 400 with a short reason, never a stack trace.
    const bad = await request('GET', `${api}/stream/contents?n=abc`, { auth });
    expect(bad.status).toBe(400);
    expect(bad.body).not.toMatch(/\bat .*\.js:\d+/);
    expect(bad.body.length).toBeLessThan(200);
  });
});

describe('serving beside a crawl (SQLite)', { timeout: 180_000 }, () => {
  let feeds: FeedServer;
  let round = 0;
  beforeAll(async () => {
    // Every fetch brings new items, so each refresh writes.
    feeds = await startFeedServer();
    for (let k = 0; k < 5; k++)
      feeds.route(`/f${k}.xml`, (_req, res) => {
        round++;
        const items = Array.from({ length: 20 }, (_, j) => ({
          guid: `f${k}-${round}-${j}`,
          title: `f${k} round ${round} item ${j}`,
          date: new Date(Date.UTC(2026, 1, 1) + round * 60_000 + j * 1000).toUTCString(),
        }));
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(rss(`Feed ${k}`, items));
      });
  });
  afterAll(() => feeds.close());

  it('clients reading and marking while `inkzee refresh` writes get no error, and every mark is stored', async () => {
    const db = path.join(tempDir(), 'crawl.db');
    const urls = Array.from({ length: 5 }, (_, k) => `${feeds.url}/f${k}.xml`);
    expect((await cli(['--db', db, 'add', ...urls])).code).toBe(0);
    expect((await setPassword(db, PASSWORD)).code).toBe(0);
    const s = await startServe(db);
    try {
      const api = `${s.url}/reader/api/0`;
      const auth = await login(s.url, 'inkzee', PASSWORD);
      const token = (await request('GET', `${api}/token`, { auth })).body.trim();
      let crawling = true;
      const crawls = (async () => {
        for (let k = 0; k < 4; k++) {
          const r = await cli(['--db', db, 'refresh', '--quiet']);
          expect(r.stderr).not.toMatch(/locked/i);
          expect(r.code).toBe(0);
        }
        crawling = false;
      })();
      const marked = new Set<number>();
      const failures: string[] = [];
      let calls = 0;
      while (crawling || calls < 10) {
        const page = await request('GET', `${api}/stream/contents?n=20&xt=${READ}`, { auth });
        calls++;
        if (page.status !== 200) failures.push(`contents ${page.status} ${page.body}`);
        else {
          const ids = (JSON.parse(page.body).items as { id: string }[]).slice(0, 3).map((i) => parseInt(i.id.slice(-16), 16));
          if (ids.length === 0) continue;
          const r = await request('POST', `${api}/edit-tag`, { auth, body: `T=${token}&${ids.map((i) => `i=${i}`).join('&')}&a=${READ}` });
          if (r.status !== 200 || r.body !== 'OK') failures.push(`edit-tag ${r.status} ${r.body}`);
          else for (const i of ids) marked.add(i);
        }
      }
      await crawls;
      expect(failures).toEqual([]);
      expect(marked.size).toBeGreaterThan(0);
      const stored = await readBack(db, async (st) => {
        const read = new Set<number>();
        for await (const i of st.items({ read: true })) read.add(i.id);
        return read;
      });
      for (const id of marked) expect(stored.has(id), `item ${id}`).toBe(true);
      expect(s.stderr()).not.toMatch(/locked/i);
    } finally {
      await s.stop();
    }
  });
});
