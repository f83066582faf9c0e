// Paging with --after-id, as the README's pipelines do (remember the largest id seen, ask for what
// came after it): through the CLI, on SQLite and on PostgreSQL, every item is seen exactly once,
// also while a refresh stores new items between pages.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const FEEDS = 50;
const PER_FEED = 100;
const PAGE = 100;

let server: FeedServer;
let dir: string;

// Dates scattered over a year, unrelated to the order items are stored in, so that "newest first"
// and "stored order" disagree everywhere.
const dateOf = (feed: number, k: number) =>
  new Date(Date.UTC(2025, 0, 1) + ((feed * 7919 + k * 104729) % 365) * 86400e3 + k * 1000).toUTCString();

/** feedBody is feed n's document with its first `count` items (saying "feed" more or less often, for search to rank). */
function feedBody(n: number, count: number): string {
  return rss(
    `Feed ${n}`,
    Array.from({ length: count }, (_, k) => ({
      guid: `f${n}-${k}`,
      title: `Item ${k} of feed ${n}${' feed'.repeat((n * 31 + k * 17) % 5)}`,
      date: dateOf(n, k),
    })),
  );
}

beforeAll(async () => {
  server = await startFeedServer();
  dir = tempDir();
});
afterAll(async () => {
  await server?.close();
});

/** A store, filled through the CLI from feeds of its own (so that both engines can be refilled between pages). */
let stores = 0;
async function store(engine: 'sqlite' | 'postgres'): Promise<{ db: string; refresh(n: number, count: number): Promise<void> }> {
  const name = `${engine}${++stores}`;
  const db = engine === 'sqlite' ? path.join(dir, `${name}.db`) : await freshDatabase();
  const url = (n: number) => `${server.url}/${name}/${n}`;
  for (let n = 0; n < FEEDS; n++) server.route(`/${name}/${n}`, serve(200, feedBody(n, PER_FEED)));
  const opml = path.join(dir, `${name}.opml`);
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body>${Array.from({ length: FEEDS }, (_, n) => `<outline text="F${n}" xmlUrl="${url(n)}"/>`).join('')}</body></opml>`,
  );
  const imported = await cli(['--db', db, '--quiet', 'import', opml]);
  expect(imported.code, imported.stderr).toBe(0);
  return {
    db,
    // A second writer: the feed grows, and a refresh stores its new items.
    async refresh(n, count) {
      server.route(`/${name}/${n}`, serve(200, feedBody(n, count)));
      const r = await cli(['--db', db, '--quiet', 'refresh', '--feed', url(n)]);
      expect(r.code, r.stderr).toBe(0);
    },
  };
}

const ids = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: number }).id);

describe.each([['sqlite'], ...(pgAvailable ? [['postgres']] : [])] as ['sqlite' | 'postgres'][])('items --after-id on %s', (engine) => {
  it('paging a 5,000-item store by 100, remembering the largest id, sees every item exactly once, also while a refresh adds items', async () => {
    const s = await store(engine);
    const seen: number[] = [];
    let last = 0;
    let grown = 0;
    for (let page = 0; ; page++) {
      const r = await cli(['--db', s.db, '--json', 'items', '--after-id', String(last), '--limit', String(PAGE)]);
      expect(r.code, r.stderr).toBe(0);
      const got = ids(r.stdout);
      if (got.length === 0) break;
      // Items come in the order they were stored, each after the id asked for.
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(got[0]).toBeGreaterThan(last);
      seen.push(...got);
      last = Math.max(...got);
      // Every tenth page, a refresh stores 20 more items of one feed, dated anywhere in the year.
      if (page % 10 === 5) await s.refresh(grown++, PER_FEED + 20);
    }
    const all = ids((await cli(['--db', s.db, '--json', 'items'])).stdout);
    expect(all.length).toBe(FEEDS * PER_FEED + grown * 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
  }, 300_000);

  it('search --after-id pages through the matches in id order too', async () => {
    const s = await store(engine);
    const seen: number[] = [];
    let last = 0;
    for (;;) {
      const r = await cli(['--db', s.db, '--json', 'search', 'feed', '--after-id', String(last), '--limit', '700']);
      expect(r.code, r.stderr).toBe(0);
      const got = ids(r.stdout);
      if (got.length === 0) break;
      expect(got).toEqual([...got].sort((a, b) => a - b));
      seen.push(...got);
      last = Math.max(...got);
    }
    const all = ids((await cli(['--db', s.db, '--json', 'search', 'feed'])).stdout);
    expect(all.length).toBe(FEEDS * PER_FEED);
    expect([...seen].sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
  }, 300_000);
});
