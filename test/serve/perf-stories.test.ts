// The reader API's fast paths meet stories (issue 20): edit-tag's mark by ids (idsOnly) and its
// group commit (src/serve/mark-queue.ts), and mark-all-as-read, must reach every copy of a story,
// and the answer cache must show the mark in the very next page — through `inkzee serve`, on both
// engines. Copies are items of different feeds whose links name one page (tracking parameters aside).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { login, request, setPassword, startServe, type ServeChild } from './child.js';

const PASSWORD = 'stories password';
const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';
const UNREAD_PAGE = `/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n=50&xt=${encodeURIComponent(READ)}`;
const date = (h: number) => `Mon, 07 Dec 2026 0${h}:00:00 GMT`;

// Feed /a and feed /b carry the same two stories (post-1, post-2) beside one item of their own.
const FEEDS = {
  '/a': rss('A', [
    { guid: 'a-1', title: 'A one', link: 'https://blog.example.com/post-1?utm_source=a', date: date(1) },
    { guid: 'a-2', title: 'A two', link: 'https://blog.example.com/post-2', date: date(2) },
    { guid: 'a-own', title: 'A own', link: 'https://blog.example.com/a-only', date: date(3) },
  ]),
  '/b': rss('B', [
    { guid: 'b-1', title: 'B one', link: 'http://blog.example.com/post-1', date: date(4) },
    { guid: 'b-2', title: 'B two', link: 'https://blog.example.com/post-2#top', date: date(5) },
    { guid: 'b-own', title: 'B own', link: 'https://blog.example.com/b-only', date: date(6) },
  ]),
};

/** storyCases runs the cases against `inkzee serve` on one database (a SQLite file or a postgres:// URL). */
function storyCases(engine: string, makeDb: () => Promise<string>) {
  describe(`edit-tag and mark-all-as-read reach every copy of a story on ${engine}`, { timeout: 120_000 }, () => {
    let db: string;
    let feeds: FeedServer;
    let s: ServeChild;
    let auth: string;
    let token: string;
    const ids: Record<string, number> = {};
    const feedIds: Record<string, number> = {};
    beforeAll(async () => {
      db = await makeDb();
      feeds = await startFeedServer(Object.fromEntries(Object.entries(FEEDS).map(([p, body]) => [p, serve(200, body)])));
      for (const p of Object.keys(FEEDS)) {
        expect((await cli(['--db', db, '--quiet', 'add', `${feeds.url}${p}`])).code).toBe(0);
        expect((await cli(['--db', db, '--quiet', 'refresh', '--feed', `${feeds.url}${p}`])).code).toBe(0);
      }
      for (const i of await items()) {
        ids[i.guid as string] = i.id as number;
        feedIds[(i.guid as string).slice(0, 1)] = i.feedId as number;
      }
      expect(Object.keys(ids).sort()).toEqual(['a-1', 'a-2', 'a-own', 'b-1', 'b-2', 'b-own']);
      // The fixture is what the cases rely on: two stories of two copies each, two items alone.
      const unique = await cli(['--db', db, '--json', 'items', '--unique']);
      expect(unique.stdout.trim().split('\n')).toHaveLength(4);
      expect((await setPassword(db, PASSWORD)).code).toBe(0);
      s = await startServe(db);
      auth = await login(s.url, 'inkzee', PASSWORD);
      token = (await request('GET', `${s.url}/reader/api/0/token`, { auth })).body.trim();
    }, 120_000);
    afterAll(async () => {
      expect(await s?.stop()).toBe(0);
      await feeds?.close();
    });

    /** items lists the store's items as the CLI sees them (another process: what was committed). */
    async function items(): Promise<Record<string, unknown>[]> {
      const r = await cli(['--db', db, '--json', 'items']);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    }
    /** state maps each guid to read/unread (+star), as committed. */
    const state = async () =>
      Object.fromEntries((await items()).map((i) => [i.guid, `${i.read ? 'read' : 'unread'}${i.starred ? '+star' : ''}`]));
    /** unreadTitles is the served reading list without read items (a cached page when nothing changed). */
    const unreadTitles = async () => {
      const r = await request('GET', `${s.url}${UNREAD_PAGE}`, { auth });
      expect(r.status).toBe(200);
      return (JSON.parse(r.body).items as { title: string }[]).map((i) => i.title).sort();
    };
    const post = (route: string, params: [string, string][]) =>
      request('POST', `${s.url}/reader/api/0/${route}`, { auth, body: new URLSearchParams([...params, ['T', token]]).toString() });
    const editTag = (tag: 'a' | 'r', state: string, ...guids: string[]) =>
      post('edit-tag', [...guids.map((g): [string, string] => ['i', String(ids[g])]), [tag, state]]);
    const ALL = ['A one', 'A own', 'A two', 'B one', 'B own', 'B two'];

    it('edit-tag of one copy marks the other, read then unread, and the next page shows it', async () => {
      expect(await unreadTitles()).toEqual(ALL); // now cached
      expect(await editTag('a', READ, 'a-1')).toMatchObject({ status: 200, body: 'OK' });
      expect(await unreadTitles()).toEqual(['A own', 'A two', 'B own', 'B two']);
      expect(await state()).toMatchObject({ 'a-1': 'read', 'b-1': 'read', 'a-2': 'unread', 'b-2': 'unread' });
      // Back from the other copy.
      expect(await editTag('r', READ, 'b-1')).toMatchObject({ status: 200, body: 'OK' });
      expect(await unreadTitles()).toEqual(ALL);
      expect(await state()).toMatchObject({ 'a-1': 'unread', 'b-1': 'unread' });
    });

    it('edit-tags sent together (one group commit) each reach the copies of their stories', async () => {
      await unreadTitles();
      const answers = await Promise.all([
        editTag('a', READ, 'b-2'),
        editTag('a', STARRED, 'a-1'),
        editTag('a', READ, 'a-own'),
        // An id of no item is skipped, as FreshRSS does; the request is still answered OK.
        post('edit-tag', [
          ['i', '999999999'],
          ['a', READ],
        ]),
      ]);
      expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(Array(4).fill('200 OK'));
      expect(await unreadTitles()).toEqual(['A one', 'B one', 'B own']);
      expect(await state()).toEqual({
        'a-1': 'unread+star',
        'b-1': 'unread+star',
        'a-2': 'read',
        'b-2': 'read',
        'a-own': 'read',
        'b-own': 'unread',
      });
      const starred = await request('GET', `${s.url}/reader/api/0/stream/contents/${encodeURIComponent(STARRED)}?n=50`, { auth });
      expect((JSON.parse(starred.body).items as { title: string }[]).map((i) => i.title).sort()).toEqual(['A one', 'B one']);
      // Undone, again together: unstar from the other copy, unread from the other copy.
      const undo = await Promise.all([editTag('r', STARRED, 'b-1'), editTag('r', READ, 'a-2'), editTag('r', READ, 'a-own')]);
      expect(undo.map((a) => a.body)).toEqual(['OK', 'OK', 'OK']);
      expect(await unreadTitles()).toEqual(ALL);
      expect(Object.values(await state())).toEqual(Array(6).fill('unread'));
    });

    it('a malformed id is refused with 400 and changes nothing, the cached page included', async () => {
      await unreadTitles();
      const r = await post('edit-tag', [
        ['i', String(ids['a-1'])],
        ['i', 'not-an-id'],
        ['a', READ],
      ]);
      expect(r.status).toBe(400);
      expect(r.body).toMatch(/not-an-id/);
      expect(await unreadTitles()).toEqual(ALL);
      expect(Object.values(await state())).toEqual(Array(6).fill('unread'));
    });

    it("mark-all-as-read of one feed reads the other feed's copies of its stories, and nothing else", async () => {
      await unreadTitles();
      const r = await post('mark-all-as-read', [['s', `feed/${feedIds.a}`]]);
      expect(r).toMatchObject({ status: 200, body: 'OK' });
      expect(await unreadTitles()).toEqual(['B own']);
      expect(await state()).toEqual({
        'a-1': 'read',
        'b-1': 'read',
        'a-2': 'read',
        'b-2': 'read',
        'a-own': 'read',
        'b-own': 'unread',
      });
      // Unread again from feed b's copies, by id: feed a's copies follow.
      expect((await editTag('r', READ, 'b-1', 'b-2')).body).toBe('OK');
      expect(await unreadTitles()).toEqual(['A one', 'A two', 'B one', 'B own', 'B two']);
    });
  });
}

storyCases('SQLite', async () => {
  const db = path.join(tempDir(), 'stories.db');
  await openSqlite(db).close();
  return db;
});

describe.skipIf(!pgAvailable)('PostgreSQL', () => {
  storyCases('PostgreSQL', freshDatabase);
});
