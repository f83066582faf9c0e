// --feed through the CLI on both engines: repeated, it selects all the feeds named (not the last
// one), and so does --category; with --category, --feed selects only named feeds in the folder; a feed that does not exist is the same one-line error, exit 1,
// in every command.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  for (const name of ['a', 'b', 'c']) {
    server.route(
      `/${name}`,
      serve(
        200,
        rss(
          name.toUpperCase(),
          [1, 2].map((k) => ({ guid: `${name}${k}`, title: `story ${name}${k}`, date: new Date(Date.UTC(2026, 0, k)).toUTCString() })),
        ),
      ),
    );
  }
});
afterAll(async () => {
  await server?.close();
});

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const NO_FEED = (name: string) => `inkzee: feed ${name}: no such feed (give an id or URL from \`inkzee feeds\`)\n`;

describe.each([['sqlite'], ...(pgAvailable ? [['postgres']] : [])] as ['sqlite' | 'postgres'][])('--feed on %s', (engine) => {
  let db: string;
  const id: Record<string, string> = {};
  const url = (name: string) => `${server.url}/${name}`;
  const run = (...args: string[]) => cli(['--db', db, ...args]);

  beforeAll(async () => {
    const dir = tempDir();
    db = engine === 'sqlite' ? path.join(dir, 'x.db') : await freshDatabase();
    const opml = path.join(dir, 'subs.opml');
    // a and b are filed under Tech, c under News.
    fs.writeFileSync(
      opml,
      `<opml version="2.0"><body><outline text="Tech"><outline xmlUrl="${url('a')}"/><outline xmlUrl="${url('b')}"/></outline>
      <outline text="News"><outline xmlUrl="${url('c')}"/></outline></body></opml>`,
    );
    expect((await run('--quiet', 'import', opml)).code).toBe(0);
    for (const f of lines((await run('--json', 'feeds')).stdout)) id[String(f.url).slice(-1)] = String(f.id);
  });

  it('repeated, selects every feed named, by id or URL, in items, search, feeds and refresh', async () => {
    const feedUrls = (stdout: string) =>
      lines(stdout)
        .map((r) => r.feedUrl ?? r.url)
        .sort();
    expect(feedUrls((await run('--json', 'items', '--feed', id.a, '--feed', url('c'))).stdout)).toEqual([
      url('a'),
      url('a'),
      url('c'),
      url('c'),
    ]);
    expect(feedUrls((await run('--json', 'search', 'story', '--feed', url('a'), '--feed', id.c)).stdout)).toEqual([
      url('a'),
      url('a'),
      url('c'),
      url('c'),
    ]);
    expect(feedUrls((await run('--json', 'feeds', '--feed', id.a, '--feed', id.c)).stdout)).toEqual([url('a'), url('c')]);
    const refreshed = await run('--json', 'refresh', '--feed', id.a, '--feed', url('c'));
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(
      lines(refreshed.stdout)
        .filter((e) => e.type === 'feed')
        .map((e) => e.url)
        .sort(),
    ).toEqual([url('a'), url('c')]);
  });

  it('with --category, selects the named feeds in that folder only, and refresh says when that is none', async () => {
    const feedUrls = (stdout: string) => [...new Set(lines(stdout).map((r) => r.feedUrl ?? r.url))].sort();
    expect(feedUrls((await run('--json', 'items', '--feed', id.a, '--feed', id.c, '--category', 'Tech')).stdout)).toEqual([url('a')]);
    expect(feedUrls((await run('--json', 'feeds', '--feed', id.a, '--feed', id.c, '--category', 'Tech')).stdout)).toEqual([url('a')]);
    const some = await run('--json', 'refresh', '--feed', id.a, '--feed', id.c, '--category', 'Tech');
    expect(some.code, some.stderr).toBe(0);
    expect(
      lines(some.stdout)
        .filter((e) => e.type === 'feed')
        .map((e) => e.url),
    ).toEqual([url('a')]);
    const hits = server.hits('/c');
    const none = await run('refresh', '--feed', id.c, '--category', 'Tech');
    expect(none).toMatchObject({ code: 1, stdout: '', stderr: `inkzee: Tech: feed ${id.c} is not in this category; nothing to crawl\n` });
    expect(server.hits('/c')).toBe(hits);
  });

  it('--category repeated selects the feeds of any of the folders, in items, search, feeds and refresh', async () => {
    const feedUrls = (stdout: string) => [...new Set(lines(stdout).map((r) => r.feedUrl ?? r.url))].sort();
    expect(feedUrls((await run('--json', 'items', '--category', 'Tech', '--category', 'News')).stdout)).toEqual([
      url('a'),
      url('b'),
      url('c'),
    ]);
    expect(feedUrls((await run('--json', 'search', 'story', '--category', 'News', '--category', 'Nowhere')).stdout)).toEqual([url('c')]);
    expect(feedUrls((await run('--json', 'feeds', '--category', 'Tech', '--category', 'News')).stdout)).toEqual([
      url('a'),
      url('b'),
      url('c'),
    ]);
    const refreshed = await run('--json', 'refresh', '--force', '--category', 'News', '--category', 'Tech');
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(feedUrls(refreshed.stdout).filter(Boolean)).toEqual([url('a'), url('b'), url('c')]);
  });

  it('naming a feed that does not exist is one line and exit 1 in every command, also beside one that does', async () => {
    for (const args of [['items'], ['search', 'story'], ['feeds'], ['refresh']]) {
      expect(await run(...args, '--feed', '99999'), args[0]).toEqual({ code: 1, stdout: '', stderr: NO_FEED('99999') });
      expect(await run(...args, '--feed', id.a, '--feed', `${server.url}/nothing`), args[0]).toEqual({
        code: 1,
        stdout: '',
        stderr: NO_FEED(`${server.url}/nothing`),
      });
    }
  });
});
