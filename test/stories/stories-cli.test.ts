// One story across feeds, through the built CLI, on SQLite and on PostgreSQL from the same feeds:
// copies found by tracking parameters, origLink, a GUID permalink and a fragment; `items --unique`
// and `search --unique` list each story once with alsoIn; a mark of any copy marks the story; a
// later copy of a read or starred story arrives so; a story outlives its first copy (prune,
// remove). Each engine's records are compared with the other's, ids aside.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers.js';
import { serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { age, sql } from '../store/prune-rows.js';

interface Post {
  guid: string;
  title: string;
  link?: string;
  origLink?: string;
  permalink?: string;
}
const esc = (s: string) => s.replace(/&/g, '&amp;');
/** feed is an RSS 2.0 document with FeedBurner's namespace, so that items may carry feedburner:origLink. */
function feed(title: string, posts: Post[]): string {
  const items = posts.map(
    (p, k) =>
      `<item>${p.permalink ? `<guid isPermaLink="true">${esc(p.permalink)}</guid>` : `<guid isPermaLink="false">${p.guid}</guid>`}` +
      `<title>${p.title}</title>${p.link ? `<link>${esc(p.link)}</link>` : ''}` +
      `${p.origLink ? `<feedburner:origLink>${esc(p.origLink)}</feedburner:origLink>` : ''}` +
      `<pubDate>${new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString()}</pubDate><description>about ${p.title}</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>${title}</title><link>https://${title}.example.net/</link>${items.join('')}</channel></rss>`;
}

const FEEDS: Record<string, Post[]> = {
  '/a': [
    { guid: 'a-1', title: 'Post one', link: 'https://blog.example.com/post-1?utm_source=a&utm_medium=feed' },
    { guid: 'a-2', title: 'Same title', link: 'http://blog.example.com/post-2' },
    { guid: 'a-3', title: 'Page one', link: 'https://blog.example.com/page?id=1' },
    { guid: 'a-4', title: 'Long read, part 1', link: 'https://blog.example.com/long#part-1' },
  ],
  '/b': [
    { guid: 'b-1', title: 'Post one (via B)', link: 'http://BLOG.example.com:80/post-1?fbclid=xyz#comments' },
    { guid: 'b-2', title: 'Same title', link: 'https://blog.example.com/other' },
    { guid: 'b-3', title: 'Page two', link: 'https://blog.example.com/page?id=2' },
    { guid: 'b-4', title: 'Long read, part 2', link: 'https://blog.example.com/long#part-2' },
    { guid: 'b-5', title: 'Second post', link: 'http://feeds.feedburner.com/~r/b/~3/xyz', origLink: 'https://blog.example.com/post-2' },
  ],
  '/c': [
    { guid: 'c-1', title: 'Post one on the planet', link: 'http://planet.example.org/c/1', permalink: 'https://blog.example.com/post-1' },
  ],
};

let server: FeedServer;
const db = { sqlite: '', postgres: '' };
type Engine = keyof typeof db;
const engines: Engine[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

// The planet's copy is known by its GUID, a permalink.
const nameOf = (guid: unknown) => (guid === 'https://blog.example.com/post-1' ? 'c-1' : (guid as string));
const run = (e: Engine, ...args: string[]) => cli(['--db', db[e], ...args]);
const ndjson = (r: CliResult) =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
/** byGuid maps each item's guid to its id, on one engine. */
async function ids(e: Engine): Promise<Record<string, number>> {
  const r = await run(e, '--json', 'items');
  return Object.fromEntries(ndjson(r).map((i) => [nameOf(i.guid), i.id as number]));
}
/** stories lists `items --unique` as [guid, [guids of the other copies]], guid order. */
async function stories(e: Engine, ...args: string[]): Promise<[string, string[]][]> {
  const r = await run(e, '--json', 'items', '--unique', ...args);
  expect(r.code, r.stderr).toBe(0);
  const byId = Object.fromEntries(Object.entries(await ids(e)).map(([g, id]) => [id, g]));
  return ndjson(r)
    .map((i): [string, string[]] => [nameOf(i.guid), (i.alsoIn as { id: number }[]).map((c) => byId[c.id])])
    .sort((x, y) => x[0].localeCompare(y[0]));
}
const state = async (e: Engine) =>
  Object.fromEntries(
    ndjson(await run(e, '--json', 'items')).map((i) => [nameOf(i.guid), `${i.read ? 'read' : 'unread'}${i.starred ? '+star' : ''}`]),
  );

beforeAll(async () => {
  server = await startFeedServer();
  for (const [p, posts] of Object.entries(FEEDS)) server.route(p, serve(200, feed(p.slice(1), posts)));
  const dir = tempDir();
  db.sqlite = path.join(dir, 'inkzee.db');
  if (pgAvailable) db.postgres = await freshDatabase();
  const opml = path.join(dir, 'subs.opml');
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body>${Object.keys(FEEDS)
      .map((p) => `<outline text="${p}" xmlUrl="${server.url}${p}"/>`)
      .join('')}</body></opml>`,
  );
  for (const e of engines) {
    expect((await run(e, 'import', opml, '--no-fetch')).code).toBe(0);
    // One feed at a time: /a's copies are stored first.
    for (const p of Object.keys(FEEDS)) expect((await run(e, 'refresh', '--feed', `${server.url}${p}`)).code).toBe(0);
  }
});
afterAll(async () => {
  await server?.close();
});

describe('one story across feeds', () => {
  it.each(engines)('items --unique lists each story once, its first copy with the others in alsoIn (%s)', async (e) => {
    expect((await ids(e)) && Object.keys(await ids(e))).toHaveLength(10);
    expect(await stories(e)).toEqual([
      // tracking parameters, case, port, scheme, a fragment; and a GUID permalink on the planet
      ['a-1', ['b-1', 'c-1']],
      // feedburner:origLink
      ['a-2', ['b-5']],
      ['a-3', []],
      // one page, different anchors: the accepted merge
      ['a-4', ['b-4']],
      // the same title with a different link stays apart, as does ?id=2 beside ?id=1
      ['b-2', []],
      ['b-3', []],
    ]);
    const one = ndjson(await run(e, '--json', 'items', '--unique', '--feed', `${server.url}/b`));
    // Among the items the filters match, the first copy: b-1 stands for the story in feed b.
    expect(one.map((i) => nameOf(i.guid)).sort()).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
    const b1 = one.find((i) => i.guid === 'b-1')!;
    const all = await ids(e);
    expect(b1.alsoIn).toEqual([
      { id: all['a-1'], feedId: expect.any(Number), feedTitle: '/a' },
      { id: all['c-1'], feedId: expect.any(Number), feedTitle: '/c' },
    ]);
    // Without --unique no alsoIn field, and every item.
    const plain = ndjson(await run(e, '--json', 'items'));
    expect(plain).toHaveLength(10);
    expect(plain.every((i) => !('alsoIn' in i))).toBe(true);
    // --limit counts stories; the table shows the copies as +2.
    expect(ndjson(await run(e, '--json', 'items', '--unique', '--limit', '2'))).toHaveLength(2);
    const table = await run(e, 'items', '--unique');
    expect(table.stdout).toMatch(/Post one \+2/);
    expect(table.stdout).not.toMatch(/via B/);
  });

  it.each(engines)('search --unique finds each story once (%s)', async (e) => {
    const r = await run(e, '--json', 'search', 'post', '--unique');
    expect(r.code, r.stderr).toBe(0);
    const hits = ndjson(r);
    // a-2 ("Same title") does not say "post": its copy b-5 ("Second post") is the first among the matches.
    expect(hits.map((h) => h.guid).sort()).toEqual(['a-1', 'b-5']);
    expect((hits.find((h) => h.guid === 'a-1')!.alsoIn as unknown[]).length).toBe(2);
    expect((hits.find((h) => h.guid === 'b-5')!.alsoIn as { id: number }[]).map((c) => c.id)).toEqual([(await ids(e))['a-2']]);
    const plain = ndjson(await run(e, '--json', 'search', 'post'));
    expect(plain.map((h) => nameOf(h.guid)).sort()).toEqual(['a-1', 'b-1', 'b-5', 'c-1']);
    // With a filter as well: feed b's copies only.
    const inB = ndjson(await run(e, '--json', 'search', 'post', '--unique', '--feed', `${server.url}/b`));
    expect(inB.map((h) => h.guid).sort()).toEqual(['b-1', 'b-5']);
  });

  it.each(engines)('a mark of any copy marks the story, counting the items it changed (%s)', async (e) => {
    const all = await ids(e);
    const read = await run(e, '--json', 'mark', 'read', String(all['c-1']));
    expect(read.code, read.stderr).toBe(0);
    expect(ndjson(read)[0]).toMatchObject({ type: 'marked', items: 3 });
    let s = await state(e);
    expect([s['a-1'], s['b-1'], s['c-1'], s['a-2']]).toEqual(['read', 'read', 'read', 'unread']);
    // The other way, from the first copy, by filter: unread again, copies in other feeds too.
    const dry = await run(e, '--json', 'mark', 'unread', '--feed', `${server.url}/a`, '--dry-run');
    expect(ndjson(dry)[0]).toMatchObject({ items: 3 });
    const unread = await run(e, '--json', 'mark', 'unread', '--feed', `${server.url}/a`);
    expect(ndjson(unread)[0]).toMatchObject({ items: 3 });
    s = await state(e);
    expect([s['a-1'], s['b-1'], s['c-1']]).toEqual(['unread', 'unread', 'unread']);
    // Star through `-` (ids on stdin), unstar by filter.
    const star = await cli(['--db', db[e], '--json', 'mark', 'star', '-'], { input: `${all['b-5']}\n` });
    expect(ndjson(star)[0]).toMatchObject({ items: 2 });
    expect((await state(e))['a-2']).toBe('unread+star');
    const unstar = await run(e, '--json', 'mark', 'unstar', '--starred', '--feed', `${server.url}/a`);
    expect(ndjson(unstar)[0]).toMatchObject({ items: 2 });
    expect((await state(e))['b-5']).toBe('unread');
    // show marks the story read.
    expect((await run(e, 'show', String(all['b-4']))).code).toBe(0);
    s = await state(e);
    expect([s['a-4'], s['b-4']]).toEqual(['read', 'read']);
    // A filter that matches no copy of a story leaves it alone.
    const none = await run(e, '--json', 'mark', 'read', '--feed', `${server.url}/b`, '--tag', 'nothing');
    expect(ndjson(none)[0]).toMatchObject({ items: 0 });
  });

  it.each(engines)('a copy arriving later in another feed of a read (starred) story arrives read (starred) (%s)', async (e) => {
    const all = await ids(e);
    expect(ndjson(await run(e, '--json', 'mark', 'star', String(all['a-3'])))[0]).toMatchObject({ items: 1 });
    server.route(
      `/late-${e}`,
      serve(
        200,
        feed('late', [
          { guid: 'late-1', title: 'Page one again', link: 'https://blog.example.com/page?id=1&utm_campaign=x' },
          { guid: 'late-2', title: 'Long read again', link: 'https://blog.example.com/long#part-3' },
          { guid: 'late-3', title: 'Something new', link: 'https://blog.example.com/new' },
        ]),
      ),
    );
    const added = await run(e, 'add', `${server.url}/late-${e}`);
    expect(added.code, added.stderr).toBe(0);
    const s = await state(e);
    expect([s['late-1'], s['late-2'], s['late-3']]).toEqual(['unread+star', 'read', 'unread']);
    expect((await stories(e)).find(([g]) => g === 'a-3')).toEqual(['a-3', ['late-1']]);
  });

  it.each(engines)('a story whose first copy was pruned, or whose first feed was removed, still lists once (%s)', async (e) => {
    await age(db[e], ['a-2']);
    const pruned = await run(e, '--json', 'prune', '--older-than', '30d');
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(ndjson(pruned)[0]).toMatchObject({ items: 1 });
    let list = await stories(e);
    expect(list.find(([g]) => g === 'b-5')).toEqual(['b-5', []]);
    expect(list.filter(([g]) => g.startsWith('a-'))).toEqual([
      ['a-1', ['b-1', 'c-1']],
      ['a-3', ['late-1']],
      ['a-4', ['b-4', 'late-2']],
    ]);
    const removed = await run(e, 'remove', `${server.url}/a`);
    expect(removed.code, removed.stderr).toBe(0);
    list = await stories(e);
    expect(list).toEqual([
      ['b-1', ['c-1']],
      ['b-2', []],
      ['b-3', []],
      ['b-4', ['late-2']],
      ['b-5', []],
      ['late-1', []],
      ['late-3', []],
    ]);
    // Marks still reach the copies left.
    const all = await ids(e);
    expect(ndjson(await run(e, '--json', 'mark', 'read', String(all['c-1'])))[0]).toMatchObject({ items: 2 });
    // No story link is left naming a story without a copy.
    const orphans = await sql(
      db[e],
      `SELECT count(*) AS n FROM story_links l WHERE NOT EXISTS (SELECT 1 FROM items WHERE id = l.story_id OR story_id = l.story_id)`,
    );
    expect(Number(orphans[0].n)).toBe(0);
  });
});

describe.skipIf(!pgAvailable)('one story across feeds on PostgreSQL', () => {
  it('lists the same stories as SQLite', async () => {
    expect(await stories('postgres')).toEqual(await stories('sqlite'));
    expect(await state('postgres')).toEqual(await state('sqlite'));
  });
});
