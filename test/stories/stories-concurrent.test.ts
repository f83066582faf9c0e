// Copies of one post stored by crawls running at the same time: on PostgreSQL each feed is written
// in a transaction of its own, concurrently, and two transactions filing copies of one post must
// still end in one story (placeStories locks the copies' links). Twenty pairs of feeds, each pair
// carrying the same three posts under different tracking parameters, crawled sixteen at once.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const PAIRS = 20;
const POSTS = 3;
const feed = (pair: number, side: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>pair ${pair} ${side}</title><link>https://p${pair}${side}.example.net/</link>` +
  Array.from(
    { length: POSTS },
    (_, k) =>
      `<item><guid isPermaLink="false">${pair}-${side}-${k}</guid><title>Post ${pair}.${k}</title>` +
      `<link>https://blog${pair}.example.com/post-${k}?utm_source=${side}&amp;utm_medium=feed</link>` +
      `<pubDate>${new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString()}</pubDate></item>`,
  ).join('') +
  '</channel></rss>';

let server: FeedServer;
let opml = '';

beforeAll(async () => {
  server = await startFeedServer();
  const outlines: string[] = [];
  for (let p = 0; p < PAIRS; p++)
    for (const side of ['a', 'b']) {
      server.route(`/${p}${side}`, serve(200, feed(p, side)));
      outlines.push(`<outline text="${p}${side}" xmlUrl="${server.url}/${p}${side}"/>`);
    }
  opml = path.join(tempDir(), 'pairs.opml');
  fs.writeFileSync(opml, `<opml version="2.0"><body>${outlines.join('')}</body></opml>`);
});
afterAll(async () => {
  await server?.close();
});

/** storiesAfterImport imports the pairs at once into db and returns how many items and stories it then lists. */
async function storiesAfterImport(db: string): Promise<{ items: number; stories: number; copies: number }> {
  const imported = await cli(['--db', db, 'import', opml, '--concurrency', '16', '--per-host', '16']);
  expect(imported.code, imported.stderr).toBe(0);
  const lines = async (...a: string[]) => {
    const r = await cli(['--db', db, '--json', 'items', ...a]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { alsoIn?: unknown[] });
  };
  const unique = await lines('--unique');
  return { items: (await lines()).length, stories: unique.length, copies: unique.filter((s) => s.alsoIn?.length === 1).length };
}

describe('copies stored by concurrent crawls', () => {
  it('are one story each on SQLite', async () => {
    expect(await storiesAfterImport(path.join(tempDir(), 'inkzee.db'))).toEqual({
      items: 2 * PAIRS * POSTS,
      stories: PAIRS * POSTS,
      copies: PAIRS * POSTS,
    });
  });
  it.skipIf(!pgAvailable)('are one story each on PostgreSQL, each feed written in its own transaction', async () => {
    expect(await storiesAfterImport(await freshDatabase())).toEqual({
      items: 2 * PAIRS * POSTS,
      stories: PAIRS * POSTS,
      copies: PAIRS * POSTS,
    });
  });
});
