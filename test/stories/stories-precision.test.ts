// Precision of one story across feeds, through the CLI on both engines, on what real feeds do:
// a podcast giving every episode its show page as link; a feed whose GUIDs are its own URL with a
// fragment; a WordPress comments feed linking each comment as post#comment-N. None of these
// merges different posts; the real copies still merge.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

interface Entry {
  guid: string;
  title: string;
  link: string;
}
const esc = (s: string) => s.replace(/&/g, '&amp;');
const rss = (title: string, items: Entry[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://${title.toLowerCase()}.example.net/</link>` +
  items
    .map(
      (e, k) =>
        `<item><guid isPermaLink="${/^https?:/.test(e.guid)}">${esc(e.guid)}</guid><title>${e.title}</title><link>${esc(e.link)}</link>` +
        `<pubDate>${new Date(Date.UTC(2026, 0, 1, k)).toUTCString()}</pubDate></item>`,
    )
    .join('') +
  '</channel></rss>';

const FEEDS: Record<string, Entry[]> = {
  '/podcast-a': ['cats', 'dogs', 'owls'].map((t, k) => ({ guid: `a-${k}`, title: `A: ${t}`, link: 'https://network.example/shows' })),
  '/podcast-b': ['cars', 'boats'].map((t, k) => ({ guid: `b-${k}`, title: `B: ${t}`, link: 'https://network.example/shows' })),
  '/site': [
    { guid: 'https://site.example/feed.xml#1', title: 'Site: one', link: 'https://site.example/p1' },
    { guid: 'https://site.example/feed.xml#2', title: 'Site: two', link: 'https://site.example/p2' },
  ],
  '/planet': [
    { guid: 'planet-2', title: 'Planet: two', link: 'https://site.example/p2' },
    { guid: 'planet-1', title: 'Planet: one', link: 'https://site.example/p1' },
  ],
  '/wp': [{ guid: 'https://blog.example/?p=5', title: 'Why Rust', link: 'https://blog.example/2026/12/why-rust/' }],
  '/wp-comments': [12, 13].map((n) => ({
    guid: `https://blog.example/?p=5#comment-${n}`,
    title: `Comment ${n} on Why Rust`,
    link: `https://blog.example/2026/12/why-rust/#comment-${n}`,
  })),
};

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  for (const [p, items] of Object.entries(FEEDS)) server.route(p, serve(200, rss(p.slice(1), items)));
});
afterAll(async () => {
  await server?.close();
});

describe.each(pgAvailable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const))('a shared link across crawls (%s)', (e) => {
  it('a second item of one feed giving a link already known makes it name no story, and the real copy still merges', async () => {
    const db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    const [pod, agg] = [`/pod-${e}`, `/agg-${e}`];
    const ep = (n: number) => ({ guid: `https://pod.example/ep${n}`, title: `Ep${n}`, link: 'https://pod.example/show' });
    server.route(pod, serve(200, rss('Pod', [ep(1)])));
    server.route(agg, serve(200, rss('Agg', [])));
    expect((await cli(['--db', db, 'add', `${server.url}${pod}`, `${server.url}${agg}`])).code).toBe(0);
    server.route(pod, serve(200, rss('Pod', [ep(1), ep(2)])));
    expect((await cli(['--db', db, 'refresh', '--feed', `${server.url}${pod}`])).code).toBe(0);
    server.route(
      agg,
      serve(
        200,
        rss('Agg', [
          { guid: 'g-show', title: 'Agg show', link: 'https://pod.example/show' },
          { guid: 'g-1', title: 'Agg ep1', link: 'https://pod.example/ep1' },
        ]),
      ),
    );
    expect((await cli(['--db', db, 'refresh', '--feed', `${server.url}${agg}`])).code).toBe(0);
    const r = await cli(['--db', db, '--json', 'items', '--unique']);
    const got = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { title: string; alsoIn: unknown[] })
      .map((i) => [i.title, i.alsoIn.length]);
    expect(got.sort()).toEqual([
      ['Agg show', 0],
      [expect.stringMatching(/^(Ep1|Agg ep1)$/), 1],
      ['Ep2', 0],
    ]);
  });
});

const engines = pgAvailable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
describe.each(engines)('stories on %s', (e) => {
  it('merges no two posts by a show page, a fragment GUID or a comment link, and still merges real copies', async () => {
    const db = e === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    // One feed after another, in this order, so each feed's items are stored as one batch.
    for (const p of Object.keys(FEEDS)) expect((await cli(['--db', db, 'add', `${server.url}${p}`])).code).toBe(0);
    const r = await cli(['--db', db, '--json', 'items', '--unique']);
    expect(r.code, r.stderr).toBe(0);
    const listed = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; title: string; alsoIn: { id: number }[] });
    const titleOf = new Map<number, string>();
    for (const l of (await cli(['--db', db, '--json', 'items'])).stdout.trim().split('\n')) {
      const it = JSON.parse(l) as { id: number; title: string };
      titleOf.set(it.id, it.title);
    }
    const stories = listed.map((s) => [s.title, ...s.alsoIn.map((c) => titleOf.get(c.id))].join(' = ')).sort();
    expect(stories).toEqual([
      'A: cats',
      'A: dogs',
      'A: owls',
      'B: boats',
      'B: cars',
      'Comment 12 on Why Rust',
      'Comment 13 on Why Rust',
      'Site: one = Planet: one',
      'Site: two = Planet: two',
      'Why Rust',
    ]);
  });
});
