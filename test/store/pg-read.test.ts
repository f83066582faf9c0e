// The PostgreSQL store's read side against the SQLite store's: the same stored rows must read back
// as deep-equal objects, in the same order, for every filter, search and classifier query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Item } from '../../src/model.js';
import type { ItemFilter, SearchHit, Store } from '../../src/store/contract.js';
import type { Db } from '../../src/store/db.js';
import { connectPool, type Pg } from '../../src/store/postgres/connect.js';
import { migratePg } from '../../src/store/postgres/migrations.js';
import * as classify from '../../src/store/postgres/classify.js';
import * as read from '../../src/store/postgres/read.js';
import { SNIPPET_OPEN } from '../../src/store/search.js';
import { openSqlite, type SqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { seed } from '../read/seed.js';

const enc = (url: string, type: string | null, length: number | null = null) => ({ url, type, length, duration: null });
const podcast = { explicit: null, duration: null, episode: null, season: null } satisfies Partial<Item>;

/** The library: read.test.ts's, with podcasts, tags, ties and look-alike folders added. */
const LIBRARY: Parameters<typeof seed>[1] = {
  'https://rust.example/feed': { category: 'Technology/Programming', title: 'Rust Blog', items: [
    { guid: 'r1', title: 'Announcing Rust 2.0', published: '2026-01-10T08:00:00.000Z', summary: '<p>The <b>compiler</b> got faster.</p>', categories: ['Rust', 'Release'] },
    { guid: 'r2', title: 'Borrow checker tips', published: '2026-01-08T08:00:00.000Z', content: '<p>Rust lifetimes explained, with rust examples.</p>', categories: ['rust'] },
    { guid: 'r3', title: 'Old post', published: '2025-06-01T08:00:00.000Z', summary: 'nothing about it' },
  ] },
  'https://news.example/rss': { category: 'News', title: 'World News', items: [
    { guid: 'n1', title: 'Elections today', published: '2026-01-10T06:00:00.000Z', summary: 'a mention of rust belt states', categories: ['Ökonomie', 'Politik'] },
    { guid: 'n2', title: 'Café société', published: '2026-01-09T06:00:00.000Z', summary: 'Zürich naïve résumé', categories: ['ÖKONOMIE'] },
    // The same sort time as n3: ties are broken by id, newest first.
    { guid: 'n3', title: 'Tie one', published: '2026-01-07T00:00:00.000Z', summary: 'memory safety in c++ and foo-bar code' },
    { guid: 'n4', title: 'Tie two', published: '2026-01-07T00:00:00.000Z', summary: 'the memory of safety, said O\'Brien', categories: [' Spaced '] },
  ] },
  'https://sec.example/atom': { category: 'Technology/Security', title: 'Sec', items: [
    { guid: 's1', title: 'Patch Tuesday', published: '2026-01-09T12:00:00.000Z', summary: '<script>evil()</script>CVE list' },
  ] },
  'https://pod.example/feed': { category: 'Podcasts/Talk', title: 'A Podcast', items: [
    { ...podcast, guid: 'p1', title: 'Episode 1', published: '2026-01-05T00:00:00.000Z', summary: 'audio show', explicit: true, duration: 3600, episode: 1, season: 2,
      enclosures: [enc('https://pod.example/1.mp3', 'audio/mpeg', 123456789012)], transcriptUrl: 'https://pod.example/1.vtt', comments: 'https://pod.example/1#c' },
    { ...podcast, guid: 'p2', title: 'Episode 2', published: '2026-01-06T00:00:00.000Z', explicit: false, duration: 95.5,
      enclosures: [enc('https://pod.example/2.m4a', 'AUDIO/MP4; codecs="mp4a.40.2"'), enc('https://pod.example/2.jpg', null)] },
    { ...podcast, guid: 'p3', title: 'Trailer', published: '2026-01-04T00:00:00.000Z', enclosures: [enc('https://pod.example/t.mp4', 'video/mp4')], chaptersUrl: 'https://pod.example/c.json' },
    { ...podcast, guid: 'p4', title: 'Cover art', published: '9999-01-01T00:00:00.000Z', enclosures: [enc('https://pod.example/c.png', 'image_x/png')] },
  ] },
  'https://a.example/': { category: '100%_Fun', items: [{ guid: 'a', title: 'in the folder', published: '2026-01-03T00:00:00.000Z' }] },
  'https://b.example/': { category: '100xxFun/Sub', items: [{ guid: 'b', title: 'look-alike', published: '2026-01-02T00:00:00.000Z' }] },
  'https://c.example/': { category: '', items: [{ guid: 'c', title: 'Unfiled', summary: 'zero date' }] },
};

// Rows are copied as they are stored, ids included, so that both stores hold the same data; the
// PostgreSQL-only columns are derived as its writer derives them (tags folded, search text kept).
async function copyToPg(sq: Db, pg: Pg): Promise<void> {
  const c = await pg.pool.connect();
  try {
    for (const f of sq.prepare('SELECT * FROM feeds ORDER BY id').all() as Record<string, unknown>[]) {
      const cols = Object.keys(f);
      await c.query(`INSERT INTO feeds (${cols.join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`, Object.values(f));
    }
    for (const i of sq.prepare('SELECT * FROM items ORDER BY id').all() as Record<string, unknown>[]) {
      const row = { ...i, explicit: i.explicit === null ? null : i.explicit === 1,
        tags: (JSON.parse(i.categories as string) as string[]).map((t) => t.normalize('NFC').toLowerCase()) };
      const cols = Object.keys(row);
      await c.query(`INSERT INTO items (${cols.join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`, Object.values(row));
    }
    for (const s of sq.prepare('SELECT rowid AS id, title, body FROM items_fts').all() as { id: number; title: string; body: string }[]) {
      await c.query('INSERT INTO item_search (item_id, title, body) VALUES ($1, $2, $3)', [s.id, s.title, s.body]);
    }
  } finally {
    c.release();
  }
}

const all = async <T>(it: AsyncIterable<T>) => { const out: T[] = []; for await (const x of it) out.push(x); return out; };

describe.skipIf(!pgAvailable)('the PostgreSQL read side', () => {
  let sqlite: SqliteStore;
  let pg: Pg;
  beforeAll(async () => {
    sqlite = openSqlite(path.join(tempDir(), 'read.db'));
    seed(sqlite.db, LIBRARY);
    pg = connectPool(await freshDatabase());
    await migratePg(pg);
    await copyToPg(sqlite.db, pg);
  });
  afterAll(async () => {
    await sqlite?.close();
    await pg?.pool.end();
  });

  const filters: ItemFilter[] = [
    {}, { feed: 'https://news.example/rss' }, { feed: '2' }, { feed: '99999999999999999999' }, { category: 'Technology' },
    { category: ' Technology / Security ' }, { category: 'Tech' }, { category: '100%_Fun' }, { category: '100xxFun' },
    { since: '2026-01-09' }, { since: '2026-01-09', until: '2026-01-10' }, { until: '2025-12-10T12:00:00.000Z' }, { limit: 2 }, { limit: 0 },
    { afterId: 5 }, { afterId: 5, limit: 3 }, { afterId: 1e20 }, { tags: ['rust'] }, { tags: ['RUST', 'release'] }, { tags: ['ökonomie'] },
    { tags: [' Ökonomie '] }, { tags: ['spaced'] }, { tags: [] }, { enclosure: true }, { enclosure: 'audio/' }, { enclosure: 'audio/mp4' },
    { enclosure: 'audio/mpeg' }, { enclosure: 'video/' }, { enclosure: 'image/' }, { enclosure: 'image_x/' }, { enclosure: 'imagexx/' },
    { category: 'Podcasts', enclosure: 'audio/', since: '2026-01-06', limit: 5 }, { feed: '1', tags: ['rust'], until: '2026-01-09' },
  ];
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('lists items with %s as SQLite does', async (_, f) => {
    const expected = await all(sqlite.items(f));
    expect(await all(read.items(pg, f))).toEqual(expected);
  });

  it('gives every item the same fields, values and key order as SQLite', async () => {
    const [mine, theirs] = [await all(read.items(pg, {})), await all(sqlite.items({}))];
    expect(mine.map((i) => JSON.stringify(i))).toEqual(theirs.map((i) => JSON.stringify(i)));
    expect(mine.length).toBe(15);
    for (const id of [1, 8, 9, 15, 999, 1e20]) expect(await read.item(pg, id)).toEqual(await sqlite.item(id));
  });

  it('lists by label with the best confidence, as SQLite does', async () => {
    for (const s of [sqlite, undefined]) {
      const save = s ? (m: Parameters<Store['saveModel']>[0]) => s.saveModel(m) : (m: Parameters<Store['saveModel']>[0]) => classify.saveModel(pg, m);
      await save({ name: 'm1', format: 1, labels: ['tech', 'news'], trainSize: 9, source: 'folders:depth=1', createdAt: '2026-01-10T00:00:00.000Z', params: {}, blob: Buffer.from('m1') });
      await save({ name: 'm2', format: 1, labels: ['tech'], trainSize: 9, source: 'folders:depth=1', createdAt: '2026-01-11T00:00:00.000Z', params: {}, blob: Buffer.from('m2') });
      const labels = [{ id: 1, label: 'tech', confidence: 0.6180339887 }, { id: 4, label: 'news', confidence: 0.9 }, { id: 2, label: 'tech', confidence: 0.5 }];
      if (s) { await s.saveLabels('m1', labels, 't'); await s.saveLabels('m2', [{ id: 1, label: 'tech', confidence: 0.75 }], 't'); }
      else { await classify.saveLabels(pg, 'm1', labels, 't'); await classify.saveLabels(pg, 'm2', [{ id: 1, label: 'tech', confidence: 0.75 }], 't'); }
    }
    for (const f of [{ label: 'tech' }, { label: 'news', category: 'News' }, { label: 'none' }]) {
      expect(await all(read.items(pg, f))).toEqual(await all(sqlite.items(f)));
    }
  });

  // [query, filter, ranked alike]: ts_rank has no IDF, so an OR of a rare and a common word, or a
  // near tie, may rank differently from bm25; the matched items are the same in every case.
  const searches: [string, ItemFilter, boolean][] = [
    ['rust', {}, true], ['zurich naive', {}, true], ['rust compiler', {}, true], ['rust', { category: 'News' }, true], ['borr*', {}, true],
    ['compiler OR cve', {}, true], ['evil', {}, true], ['b', {}, true], ['NEAR( AND :', {}, true], ['"memory safety"', {}, true],
    ['"safety memory"', {}, true], ['memory safety', {}, false], ['saf* memory', {}, false], ['c++', {}, true], ['CAFÉ', {}, true],
    ['ÖKONOMIE', {}, true], ["o'brien", {}, true], ['OR rust', {}, true], ['rust OR', {}, true], ['rust OR OR', {}, true],
    ['rust OR OR elections', {}, false], ['rust elections OR compiler', {}, false], ['rust OR zürich tuesday', {}, true], ['"rust', {}, true],
    ['ru* OR cv*', {}, false], ['rust', { tags: ['RUST'] }, true], ['rust', { since: '2026-01-09', limit: 1 }, true],
    ['episode', { enclosure: 'audio/' }, true], ['c*', { feed: '2' }, true], [':', {}, true], ['"" rust', {}, true],
  ];
  const hitsOf = async (it: AsyncIterable<SearchHit>) => (await all(it)).map(({ snippet, rank, ...item }) => ({ ...item, snippet: snippet.includes(SNIPPET_OPEN) }));
  it.each(searches)('searches %j (%j) for the items SQLite finds', async (q, f, rankedAlike) => {
    const [mine, theirs] = [await hitsOf(read.search(pg, q, f)), await hitsOf(sqlite.search(q, f))];
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    expect(rankedAlike ? mine : mine.sort(byId)).toEqual(rankedAlike ? theirs : theirs.sort(byId));
  });

  it('ranks title above body, best first with a lower rank, and marks the matched words as SQLite does', async () => {
    const hits = await all(read.search(pg, 'rust', {}));
    expect(hits.map((h) => h.title)).toEqual(['Announcing Rust 2.0', 'Borrow checker tips', 'Elections today']);
    expect(hits[0].rank).toBeLessThan(hits[1].rank);
    expect(hits[1].rank).toBeLessThan(hits[2].rank);
    // Phrases are marked word by word, and words around an apostrophe apart, by ts_headline.
    for (const [q, f] of searches.filter(([q, , alike]) => alike && !/"|brien/.test(q))) {
      expect((await all(read.search(pg, q, f))).map((h) => h.snippet).sort()).toEqual((await all(sqlite.search(q, f))).map((h) => h.snippet).sort());
    }
  });

  it('refuses a query without words, as SQLite does', () => {
    expect(() => read.search(pg, '  ""  ', {})).toThrow('search: the query has no words');
    expect(() => read.search(pg, 'OR', {})).not.toThrow();
  });

  it('stops a listing early without keeping its connection', async () => {
    for (let k = 0; k < 30; k++) {
      for await (const it of read.items(pg, {})) { expect(it.id).toBeGreaterThan(0); break; }
    }
    expect(pg.pool.totalCount).toBeLessThanOrEqual(10);
    expect(pg.pool.idleCount).toBe(pg.pool.totalCount);
    expect(pg.pool.waitingCount).toBe(0);
  });
});
