// Stories where a reader meets them besides `items --unique`: the hook on new items gives one line
// per new story (copies stored together once, with alsoIn; a later copy of a story stored before is
// no news, and the hook does not run for it alone), and `items --unique --after-id` pages list each
// story once, not again when a later copy arrives. Both engines.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  const post = (feed: string, title: string, link: string, k = 0) => ({
    guid: `${feed}-${k}`,
    title,
    link,
    date: `Mon, 05 Jan 2026 1${k}:00:00 GMT`,
  });
  server.route(
    '/a',
    serve(200, rss('A', [post('a', 'Second', 'https://blog.example/second'), post('a', 'A alone', 'https://a.example/own', 1)])),
  );
  server.route('/b', serve(200, rss('B', [post('b', 'Blog: Second', 'https://blog.example/second#more')])));
  server.route('/c', serve(200, rss('C', [post('c', 'Planet: Second', 'http://blog.example/second?utm_source=planet')])));
});
afterAll(async () => {
  await server?.close();
});

const engines = pgAvailable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: number; title: string; alsoIn: { id: number }[] });

describe.each(engines)('stories beyond items --unique, on %s', (e) => {
  it('the hook gets each new story once, and never a later copy of one it had', async () => {
    const db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    expect((await cli(['--db', db, 'add', '--no-fetch', `${server.url}/a`, `${server.url}/b`])).code).toBe(0);
    const out = path.join(tempDir(), 'hook');
    const first = await cli(['--db', db, 'refresh', '--exec', `cat > "${out}"`]);
    expect(first.code, first.stderr).toBe(0);
    const got = lines(fs.readFileSync(out, 'utf8'));
    expect(got.map((i) => [i.title, i.alsoIn.length]).sort()).toEqual([
      ['A alone', 0],
      [expect.stringMatching(/Second$/), 1],
    ]);
    fs.rmSync(out);
    // The planet carries it a day later: a copy of a story the hook already had; no run.
    expect((await cli(['--db', db, 'add', '--no-fetch', `${server.url}/c`])).code).toBe(0);
    const later = await cli(['--db', db, 'refresh', '--exec', `cat > "${out}"`]);
    expect(later.code, later.stderr).toBe(0);
    expect(fs.existsSync(out)).toBe(false);
    expect(lines((await cli(['--db', db, '--json', 'items'])).stdout)).toHaveLength(4);
  });

  it('items --unique --after-id pages through each story once', async () => {
    const db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    const seen: string[] = [];
    let last = 0;
    const page = async () => {
      for (;;) {
        const r = await cli(['--db', db, '--json', 'items', '--unique', '--after-id', String(last), '--limit', '1']);
        expect(r.code, r.stderr).toBe(0);
        const got = lines(r.stdout);
        if (got.length === 0) return;
        seen.push(got[0].title);
        last = got[0].id;
      }
    };
    // Feeds one after another, paging after each: the copies of the shared post come on later pages' ids.
    for (const p of ['/a', '/b', '/c']) {
      expect((await cli(['--db', db, 'add', `${server.url}${p}`])).code).toBe(0);
      await page();
    }
    expect(seen.sort()).toEqual(['A alone', 'Second']);
    // Without --unique every item is paged, copies too.
    last = 0;
    let all = 0;
    for (;;) {
      const got = lines((await cli(['--db', db, '--json', 'items', '--after-id', String(last), '--limit', '2'])).stdout);
      if (got.length === 0) break;
      all += got.length;
      last = got.at(-1)!.id;
    }
    expect(all).toBe(4);
  });

  it('paging one feed, or a search, lists a story by the first copy that matches, not by an older one that does not', async () => {
    const db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    const [pa, pb] = [`/pa-${e}`, `/pb-${e}`];
    const item = (guid: string, title: string, link: string) => ({ guid, title, link, date: 'Mon, 05 Jan 2026 10:00:00 GMT' });
    server.route(pa, serve(200, rss('PA', [item('k1', 'K1', 'https://k.example/1'), item('w', 'Weekly notes', 'https://m.example/1')])));
    server.route(pb, serve(200, rss('PB', [])));
    expect((await cli(['--db', db, 'add', `${server.url}${pa}`, `${server.url}${pb}`])).code).toBe(0);
    const json = async (...args: string[]) => {
      const r = await cli(['--db', db, '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return lines(r.stdout).map((i) => i.title);
    };
    expect(await json('items', '--unique', '--feed', `${server.url}${pb}`, '--after-id', '0')).toEqual([]);
    expect(await json('search', '--unique', 'rust', '--after-id', '0')).toEqual([]);
    const last = Math.max(...lines((await cli(['--db', db, '--json', 'items'])).stdout).map((i) => i.id));
    // B now carries both posts: K1 (a copy of A's) and the notes, whose copy alone mentions Rust.
    server.route(
      pb,
      serve(200, rss('PB', [item('k1b', 'K1 b', 'https://k.example/1'), item('wb', 'Weekly notes: Rust 2024', 'https://m.example/1')])),
    );
    expect((await cli(['--db', db, 'refresh', '--feed', `${server.url}${pb}`])).code).toBe(0);
    expect((await json('items', '--unique', '--feed', `${server.url}${pb}`, '--after-id', String(last))).sort()).toEqual([
      'K1 b',
      'Weekly notes: Rust 2024',
    ]);
    expect(await json('search', '--unique', 'rust', '--after-id', String(last))).toEqual(['Weekly notes: Rust 2024']);
    // Unfiltered, both are copies of stories listed before: nothing new to page.
    expect(await json('items', '--unique', '--after-id', String(last))).toEqual([]);
  });
});
