// The PostgreSQL store's read side against the SQLite store's: the same stored rows must read back
// as deep-equal objects, in the same order, for every filter, search and classifier query.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import path from 'node:path';
import { StoreError } from '../../src/errors.js';
import type { Item } from '../../src/model.js';
import type { ItemFilter, SearchHit, Store, TextRow } from '../../src/store/contract.js';
import type { Db } from '../../src/store/sqlite/connect.js';
import { connectPool, type Pg } from '../../src/store/postgres/connect.js';
import { migratePg } from '../../src/store/postgres/migrations.js';
import * as classify from '../../src/store/postgres/classify.js';
import * as read from '../../src/store/postgres/read.js';
import { streamRows } from '../../src/store/postgres/rows.js';
import { SNIPPET_OPEN } from '../../src/store/contract.js';
import { itemIndexText } from '../../src/text/search-text.js';
import { searchDoc } from '../../src/store/postgres/reindex-search.js';
import { openPostgres, type PgStore } from '../../src/store/postgres/index.js';
import { openSqlite, type SqliteStore } from '../../src/store/sqlite/index.js';
import { tempDir, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { seed } from '../read/seed.js';

const enc = (url: string, type: string | null, length: number | null = null) => ({ url, type, length, duration: null });
const podcast = { explicit: null, duration: null, episode: null, season: null } satisfies Partial<Item>;

/** The library: read.test.ts's, with podcasts, tags, ties and look-alike folders added. */
const LIBRARY: Parameters<typeof seed>[1] = {
  'https://rust.example/feed': {
    category: 'Technology/Programming',
    title: 'Rust Blog',
    items: [
      {
        guid: 'r1',
        title: 'Announcing Rust 2.0',
        published: '2026-01-10T08:00:00.000Z',
        summary: '<p>The <b>compiler</b> got faster.</p>',
        categories: ['Rust', 'Release'],
      },
      {
        guid: 'r2',
        title: 'Borrow checker tips',
        published: '2026-01-08T08:00:00.000Z',
        content: '<p>Rust lifetimes explained, with rust examples.</p>',
        categories: ['rust'],
      },
      { guid: 'r3', title: 'Old post', published: '2025-06-01T08:00:00.000Z', summary: 'nothing about it' },
    ],
  },
  'https://news.example/rss': {
    category: 'News',
    title: 'World News',
    items: [
      {
        guid: 'n1',
        title: 'Elections today',
        published: '2026-01-10T06:00:00.000Z',
        summary: 'a mention of rust belt states',
        categories: ['Ökonomie', 'Politik'],
      },
      {
        guid: 'n2',
        title: 'Café société',
        published: '2026-01-09T06:00:00.000Z',
        summary: 'Zürich naïve résumé',
        categories: ['ÖKONOMIE'],
      },
      // The same sort time as n3: ties are broken by id, newest first.
      { guid: 'n3', title: 'Tie one', published: '2026-01-07T00:00:00.000Z', summary: 'memory safety in c++ and foo-bar code' },
      {
        guid: 'n4',
        title: 'Tie two',
        published: '2026-01-07T00:00:00.000Z',
        summary: "the memory of safety, said O'Brien",
        categories: [' Spaced '],
      },
    ],
  },
  'https://sec.example/atom': {
    category: 'Technology/Security',
    title: 'Sec',
    items: [{ guid: 's1', title: 'Patch Tuesday', published: '2026-01-09T12:00:00.000Z', summary: '<script>evil()</script>CVE list' }],
  },
  'https://pod.example/feed': {
    category: 'Podcasts/Talk',
    title: 'A Podcast',
    items: [
      {
        ...podcast,
        guid: 'p1',
        title: 'Episode 1',
        published: '2026-01-05T00:00:00.000Z',
        summary: 'audio show',
        explicit: true,
        duration: 3600,
        episode: 1,
        season: 2,
        enclosures: [enc('https://pod.example/1.mp3', 'audio/mpeg', 123456789012)],
        transcriptUrl: 'https://pod.example/1.vtt',
        comments: 'https://pod.example/1#c',
      },
      {
        ...podcast,
        guid: 'p2',
        title: 'Episode 2',
        published: '2026-01-06T00:00:00.000Z',
        explicit: false,
        duration: 95.5,
        enclosures: [enc('https://pod.example/2.m4a', 'AUDIO/MP4; codecs="mp4a.40.2"'), enc('https://pod.example/2.jpg', null)],
      },
      {
        ...podcast,
        guid: 'p3',
        title: 'Trailer',
        published: '2026-01-04T00:00:00.000Z',
        enclosures: [enc('https://pod.example/t.mp4', 'video/mp4')],
        chaptersUrl: 'https://pod.example/c.json',
      },
      {
        ...podcast,
        guid: 'p4',
        title: 'Cover art',
        published: '9999-01-01T00:00:00.000Z',
        enclosures: [enc('https://pod.example/c.png', 'image_x/png')],
      },
    ],
  },
  'https://a.example/': { category: '100%_Fun', items: [{ guid: 'a', title: 'in the folder', published: '2026-01-03T00:00:00.000Z' }] },
  'https://b.example/': { category: '100xxFun/Sub', items: [{ guid: 'b', title: 'look-alike', published: '2026-01-02T00:00:00.000Z' }] },
  'https://c.example/': {
    category: '',
    items: [
      {
        guid: 'c',
        title: 'Unfiled',
        summary: 'zero date',
        content: 'a b c ab abc ba cab é ö 1 a1 b2 ö1 cé a-b a.b 1.5 https://x.example/a_b d@x.example',
      },
    ],
  },
};

// Rows are copied as they are stored, ids included, so that both stores hold the same data; the
// PostgreSQL-only columns are derived as its writer derives them (tags folded, search text kept).
async function copyToPg(sq: Db, pg: Pg): Promise<void> {
  const c = await pg.pool.connect();
  try {
    for (const stored of sq.prepare('SELECT * FROM feeds ORDER BY id').all() as Record<string, unknown>[]) {
      // Folder keys: a JSON array in SQLite, a text[] in PostgreSQL.
      const f = { ...stored, folder_keys: JSON.parse(stored.folder_keys as string) };
      const cols = Object.keys(f);
      await c.query(`INSERT INTO feeds (${cols.join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`, Object.values(f));
    }
    for (const i of sq.prepare('SELECT * FROM items ORDER BY id').all() as Record<string, unknown>[]) {
      const row = {
        ...i,
        explicit: i.explicit === null ? null : i.explicit === 1,
        tags: (JSON.parse(i.categories as string) as string[]).map((t) => t.normalize('NFC').toLowerCase()),
      };
      const cols = Object.keys(row);
      await c.query(`INSERT INTO items (${cols.join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`, Object.values(row));
    }
    // The index is the folded terms of each item's text, as the PostgreSQL writer makes them.
    for (const i of sq.prepare('SELECT id, title, summary, content, categories FROM items').all() as ({
      id: number;
      categories: string;
    } & TextRow)[]) {
      const t = itemIndexText({ ...i, categories: JSON.parse(i.categories) as string[] });
      await c.query(`INSERT INTO item_search (item_id, doc) VALUES ($1, ${searchDoc('$2', '$3')})`, [i.id, t.title, t.body]);
    }
  } finally {
    c.release();
  }
}

const all = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

/** libraryItems are a feed's items of LIBRARY as a crawl gives them (as seed.ts builds them). */
const libraryItems = (url: string): Item[] =>
  LIBRARY[url].items.map((i, k) =>
    itemOf({
      key: i.guid ?? `${url}#${k}`,
      ...i,
    }),
  );

/** seedThroughContract stores LIBRARY as a crawl would, through the Store contract, in the same order on both stores. */
async function seedThroughContract(s: Store): Promise<void> {
  const now = '2026-01-10T00:00:00.000Z';
  const { added } = await s.addSubscriptions(
    Object.entries(LIBRARY).map(([url, f]) => ({ url, title: f.title ?? url, siteUrl: null, category: f.category })),
    now,
  );
  for (const f of added) {
    await s.recordFetch(f.id, { items: libraryItems(f.url), movedTo: null, state: { status: 200, error: null, nextCheckAt: null } }, now);
  }
}

// Seeded twice: rows copied from SQLite (the read side alone, on identical rows), and both stores
// written through the contract (PostgreSQL's writer and reader together).
describe.skipIf(!pgAvailable).each(['copied rows', 'the contract'])('the PostgreSQL read side, seeded with %s', (seeding) => {
  let sqlite: SqliteStore;
  let pg: Pg;
  let pgStore: PgStore | undefined;
  beforeAll(async () => {
    sqlite = openSqlite(path.join(tempDir(), 'read.db'));
    if (seeding === 'copied rows') {
      seed(sqlite.db, LIBRARY);
      pg = connectPool(await freshDatabase());
      await migratePg(pg);
      await copyToPg(sqlite.db, pg);
    } else {
      pgStore = await openPostgres(await freshDatabase());
      pg = pgStore.db;
      await seedThroughContract(sqlite);
      await seedThroughContract(pgStore);
    }
  });
  afterAll(async () => {
    await sqlite?.close();
    await pg?.pool.end();
  });

  const filters: ItemFilter[] = [
    {},
    { feed: 'https://news.example/rss' },
    { feed: '2' },
    { feed: '99999999999999999999' },
    { category: 'Technology' },
    { category: ' Technology / Security ' },
    { category: 'Tech' },
    { category: '100%_Fun' },
    { category: '100xxFun' },
    { since: '2026-01-09' },
    { since: '2026-01-09', until: '2026-01-10' },
    { until: '2025-12-10T12:00:00.000Z' },
    { limit: 2 },
    { limit: 0 },
    { afterId: 5 },
    { afterId: 5, limit: 3 },
    { afterId: 1e20 },
    { afterId: 5.5 },
    { afterId: -1e30 },
    { afterId: Number.NaN },
    { ids: [1, 3, 5] },
    { ids: [2, 999999, 1.5, 1e20] },
    { ids: [] },
    { ids: [4, 2], unread: true },
    { tags: ['rust'] },
    { tags: ['RUST', 'release'] },
    { tags: ['ökonomie'] },
    { tags: [' Ökonomie '] },
    { tags: ['spaced'] },
    { tags: [] },
    { enclosure: true },
    { enclosure: 'audio/' },
    { enclosure: 'audio/mp4' },
    { enclosure: 'audio/mpeg' },
    { enclosure: 'video/' },
    { enclosure: 'image/' },
    { enclosure: 'image_x/' },
    { enclosure: 'imagexx/' },
    { category: 'Podcasts', enclosure: 'audio/', since: '2026-01-06', limit: 5 },
    { feed: '1', tags: ['rust'], until: '2026-01-09' },
  ];
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('lists items with %s as SQLite does', async (_, f) => {
    const expected = await all(sqlite.items(f));
    expect(await all(read.items(pg, f))).toStrictEqual(expected);
  });

  it('gives every item the same fields, values and key order as SQLite', async () => {
    const [mine, theirs] = [await all(read.items(pg, {})), await all(sqlite.items({}))];
    expect(mine.map((i) => JSON.stringify(i))).toStrictEqual(theirs.map((i) => JSON.stringify(i)));
    expect(mine.length).toBe(15);
    for (const id of [1, 8, 9, 15, 999, 1e20]) expect(await read.item(pg, id)).toStrictEqual(await sqlite.item(id));
  });

  it('lists by label with the best confidence, as SQLite does', async () => {
    for (const s of [sqlite, undefined]) {
      const save = s
        ? (m: Parameters<Store['saveModel']>[0]) => s.saveModel(m)
        : (m: Parameters<Store['saveModel']>[0]) => classify.saveModel(pg, m);
      await save({
        name: 'm1',
        format: 1,
        labels: ['tech', 'news'],
        trainSize: 9,
        source: 'folders:depth=1',
        createdAt: '2026-01-10T00:00:00.000Z',
        params: {},
        blob: Buffer.from('m1'),
      });
      await save({
        name: 'm2',
        format: 1,
        labels: ['tech'],
        trainSize: 9,
        source: 'folders:depth=1',
        createdAt: '2026-01-11T00:00:00.000Z',
        params: {},
        blob: Buffer.from('m2'),
      });
      const labels = [
        { id: 1, label: 'tech', confidence: 0.6180339887 },
        { id: 4, label: 'news', confidence: 0.9 },
        { id: 2, label: 'tech', confidence: 0.5 },
      ];
      if (s) {
        await s.saveLabels('m1', labels, 't');
        await s.saveLabels('m2', [{ id: 1, label: 'tech', confidence: 0.75 }], 't');
      } else {
        await classify.saveLabels(pg, 'm1', labels, 't');
        await classify.saveLabels(pg, 'm2', [{ id: 1, label: 'tech', confidence: 0.75 }], 't');
      }
    }
    for (const f of [{ label: 'tech' }, { label: 'news', category: 'News' }, { label: 'none' }]) {
      expect(await all(read.items(pg, f))).toStrictEqual(await all(sqlite.items(f)));
    }
  });

  // [query, filter, ranked alike]: ts_rank has no IDF, so an OR of a rare and a common word, or a
  // near tie, may rank differently from bm25; the matched items are the same in every case.
  const searches: [string, ItemFilter, boolean][] = [
    ['rust', {}, true],
    ['zurich naive', {}, true],
    ['rust compiler', {}, true],
    ['rust', { category: 'News' }, true],
    ['borr*', {}, true],
    ['compiler OR cve', {}, true],
    ['evil', {}, true],
    ['b', {}, true],
    ['NEAR( AND :', {}, true],
    ['"memory safety"', {}, true],
    ['"safety memory"', {}, true],
    ['memory safety', {}, false],
    ['saf* memory', {}, false],
    ['c++', {}, true],
    ['CAFÉ', {}, true],
    ['ÖKONOMIE', {}, true],
    ["o'brien", {}, true],
    ['OR rust', {}, true],
    ['rust OR', {}, true],
    ['rust OR OR', {}, true],
    ['rust OR OR elections', {}, false],
    ['rust elections OR compiler', {}, false],
    ['rust OR zürich tuesday', {}, true],
    ['"rust', {}, true],
    ['ru* OR cv*', {}, false],
    ['rust', { tags: ['RUST'] }, true],
    ['rust', { since: '2026-01-09', limit: 1 }, true],
    ['episode', { enclosure: 'audio/' }, true],
    ['c*', { feed: '2' }, true],
    [':', {}, true],
    ['"" rust', {}, true],
    ['rust', { label: 'tech' }, true],
    ['rust', { afterId: 1 }, true],
    ['episode OR rust', { category: 'Podcasts', until: '2026-01-06' }, true],
  ];
  const hitsOf = async (it: AsyncIterable<SearchHit>) =>
    (await all(it)).map(({ snippet, rank, ...item }) => ({ ...item, snippet: snippet.includes(SNIPPET_OPEN) }));
  it.each(searches)('searches %j (%j) for the items SQLite finds', async (q, f, rankedAlike) => {
    const [mine, theirs] = [await hitsOf(read.search(pg, q, f)), await hitsOf(sqlite.search(q, f))];
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    expect(rankedAlike ? mine : mine.sort(byId)).toStrictEqual(rankedAlike ? theirs : theirs.sort(byId));
  });

  it('ranks title above body, best first with a lower rank, and marks the matched words as SQLite does', async () => {
    const hits = await all(read.search(pg, 'rust', {}));
    expect(hits.map((h) => h.title)).toStrictEqual(['Announcing Rust 2.0', 'Borrow checker tips', 'Elections today']);
    expect(hits[0].rank).toBeLessThan(hits[1].rank);
    expect(hits[1].rank).toBeLessThan(hits[2].rank);
    // The 16 words with the most matches, the original text between them.
    expect((await all(read.search(pg, 'b', {})))[0].snippet).toBe(
      '…ö1 cé a-\u0002b\u0003 a.\u0002b\u0003 1.5 https://x.example/a_\u0002b\u0003 d@x.example',
    );
    // Both stores cut snippets with the same code (search-snippet.ts), from the same text.
    const snippets = async (hits: AsyncIterable<SearchHit>) => (await all(hits)).map((h) => h.snippet).sort();
    for (const [q, f] of searches.filter(([, , alike]) => alike)) {
      expect([q, await snippets(read.search(pg, q, f))]).toStrictEqual([q, await snippets(sqlite.search(q, f))]);
    }
  });

  it('refuses a query without words, as SQLite does', () => {
    expect(() => read.search(pg, '  ""  ', {})).toThrow('search: the query has no words');
    expect(() => read.search(pg, 'OR', {})).not.toThrow();
  });

  it('counts feeds by state, items per day and the biggest feeds as SQLite does', async () => {
    const states = [
      ['https://sec.example/atom', "'2026-01-10'", 2, null],
      ['https://rust.example/feed', "'2026-01-10'", 0, null],
      ['https://pod.example/feed', "'2026-01-09'", 1, "'gone'"],
    ] as const;
    for (const [url, fetched, errors, disabled] of states) {
      sqlite.db
        .prepare(`UPDATE feeds SET last_fetched_at = ${fetched}, consecutive_errors = ?, disabled_reason = ${disabled} WHERE url = ?`)
        .run(errors, url);
      await pg.pool.query(
        `UPDATE feeds SET last_fetched_at = ${fetched}, consecutive_errors = $1, disabled_reason = ${disabled} WHERE url = $2`,
        [errors, url],
      );
    }
    for (const since of ['2026-01-04', '2026-01-09', '2030-01-01']) {
      const { database, ...mine } = await read.stats(pg, since);
      const { database: _, ...theirs } = await sqlite.stats(since);
      expect(mine).toStrictEqual(theirs);
      expect(database.path).toBe(pg.location);
      expect(database.bytes).toBeGreaterThan(0);
    }
    expect((await read.stats(pg, '2026-01-04')).feeds).toMatchObject({ total: 7, failing: 1, disabled: 1 });
  });

  it('keeps models, labels and corrections as SQLite does', async () => {
    // The same calls on both stores, then every classifier read compared.
    const stores: Pick<Store, 'saveModel' | 'saveLabels' | 'forgetLabels' | 'saveCorrection' | 'removeCorrection'>[] = [
      sqlite,
      {
        saveModel: (m) => classify.saveModel(pg, m),
        saveLabels: (m, l, n) => classify.saveLabels(pg, m, l, n),
        forgetLabels: (m, ids) => classify.forgetLabels(pg, m, ids),
        saveCorrection: (c) => classify.saveCorrection(pg, c),
        removeCorrection: (m, id) => classify.removeCorrection(pg, m, id),
      },
    ];
    const removed: boolean[] = [];
    for (const s of stores) {
      const model = (name: string, createdAt: string, blob: string) => ({
        name,
        format: 2,
        labels: ['a', 'b/c'],
        trainSize: 12,
        source: `folders:depth=${name.length}`,
        createdAt,
        params: { dims: 64 },
        blob: Buffer.from(blob),
      });
      await s.saveModel(model('c1', '2026-01-12T00:00:00.000Z', 'first'));
      await s.saveModel(model('c2', '2026-01-12T00:00:00.000Z', '\u0000binary\u00ff'));
      await s.saveLabels(
        'c1',
        [
          { id: 3, label: 'a', confidence: 0.1 + 0.2 },
          { id: 5, label: 'b/c', confidence: 1 / 3 },
          { id: 3, label: 'b/c', confidence: 0.7 },
        ],
        't1',
      );
      await s.saveModel(model('c1', '2026-01-13T00:00:00.000Z', 'retrained')); // drops c1's labels
      await s.saveLabels(
        'c1',
        [
          { id: 6, label: 'a', confidence: 0.25 },
          { id: 7, label: 'a', confidence: 0.5 },
          { id: 8, label: 'b/c', confidence: 0.9 },
        ],
        't2',
      );
      await s.forgetLabels('c1', [7, 999]);
      await s.saveCorrection({
        itemId: 8,
        model: 'c1',
        label: 'a',
        was: 'b/c',
        source: 'folders:depth=2',
        createdAt: '2026-01-14T00:00:00.000Z',
      });
      await s.saveCorrection({
        itemId: 2,
        model: 'c1',
        label: 'b/c',
        was: null,
        source: 'folders:depth=1',
        createdAt: '2026-01-14T00:00:00.000Z',
      });
      await s.saveCorrection({
        itemId: 2,
        model: 'c1',
        label: 'a',
        was: null,
        source: 'folders:depth=2',
        createdAt: '2026-01-15T00:00:00.000Z',
      });
      await s.saveCorrection({
        itemId: 4,
        model: 'c2',
        label: 'a',
        was: null,
        source: 'folders:depth=2',
        createdAt: '2026-01-13T00:00:00.000Z',
      });
      await s.saveCorrection({
        itemId: 5,
        model: 'c2',
        label: 'b/c',
        was: 'a',
        source: 'folders:depth=2',
        createdAt: '2026-01-13T00:00:00.000Z',
      });
      removed.push(await s.removeCorrection('c2', 5), await s.removeCorrection('c2', 5));
    }
    expect(removed).toStrictEqual([true, false, true, false]);
    const reads: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['listModels', () => classify.listModels(pg), () => sqlite.listModels()],
      ...['c1', 'c2', 'none'].flatMap(
        (m) =>
          [
            [`loadModelBlob ${m}`, () => classify.loadModelBlob(pg, m), () => sqlite.loadModelBlob(m)],
            [`modelSource ${m}`, () => classify.modelSource(pg, m), () => sqlite.modelSource(m)],
            [`countCorrections ${m}`, () => classify.countCorrections(pg, m), () => sqlite.countCorrections(m)],
            [`listCorrections ${m}`, () => classify.listCorrections(pg, m), () => sqlite.listCorrections(m)],
            [
              `correctionExamples ${m}`,
              () => classify.correctionExamples(pg, m, 'folders:depth=2'),
              () => sqlite.correctionExamples(m, 'folders:depth=2'),
            ],
            [
              `correctedLabels ${m}`,
              async () => [...(await classify.correctedLabels(pg, m, [8, 2, 4, 5, 99]))],
              async () => [...(await sqlite.correctedLabels(m, [8, 2, 4, 5, 99]))],
            ],
            ...[3, 6, 7, 8, 999].map((id) => [
              `itemForLabel ${m} ${id}`,
              () => classify.itemForLabel(pg, m, id),
              () => sqlite.itemForLabel(m, id),
            ]),
            ...[
              [false, 0, 100],
              [true, 0, 100],
              [false, 6, 3],
              [true, 14, 5],
            ].map(([a, after, n]) => [
              `itemsToLabel ${m} ${a} ${after} ${n}`,
              () => classify.itemsToLabel(pg, m, a as boolean, after as number, n as number),
              () => sqlite.itemsToLabel(m, a as boolean, after as number, n as number),
            ]),
          ] as [string, () => Promise<unknown>, () => Promise<unknown>][],
      ),
      ['listCorrections', () => classify.listCorrections(pg), () => sqlite.listCorrections()],
      [
        'correctedLabels []',
        async () => [...(await classify.correctedLabels(pg, 'c1', []))],
        async () => [...(await sqlite.correctedLabels('c1', []))],
      ],
      ...[1, 2, 3].map(
        (n) =>
          [`tagExamples ${n}`, () => classify.tagExamples(pg, n), () => sqlite.tagExamples(n)] as [
            string,
            () => Promise<unknown>,
            () => Promise<unknown>,
          ],
      ),
      ...[1, 2].map(
        (n) =>
          [`folderExamples ${n}`, () => classify.folderExamples(pg, n), () => sqlite.folderExamples(n)] as [
            string,
            () => Promise<unknown>,
            () => Promise<unknown>,
          ],
      ),
    ];
    for (const [name, mine, theirs] of reads) expect([name, await mine()]).toStrictEqual([name, await theirs()]);
    expect(
      (await classify.listModels(pg)).filter((m) => m.name.startsWith('c')).map((m) => [m.name, m.bytes, m.corrections]),
    ).toStrictEqual([
      ['c1', 9, 2],
      ['c2', 9, 1],
    ]);
    expect(await classify.tagExamples(pg, 2)).toContainEqual(expect.objectContaining({ id: 5, category: 'Ökonomie' }));
  });

  it('reads any query as SQLite does: query syntax and SQL syntax in it are text', async () => {
    const atoms = [
      'a',
      'b',
      'c',
      'é',
      'Ö',
      '1',
      ' ',
      ' ',
      '"',
      '*',
      '\\',
      "'",
      ':',
      '&',
      '|',
      '!',
      '(',
      ')',
      '<',
      '>',
      'OR',
      ' OR ',
      '<->',
      "''",
      'NEAR',
      '-',
      '.',
      '/',
      '@',
      '_',
      '#',
      'a.b',
      'a-b',
      'x.example/a_b',
      'd@x',
    ];
    const outcome = async (run: () => AsyncIterable<SearchHit>) => {
      try {
        return (await all(run())).map((h) => h.id).sort((x, y) => x - y);
      } catch (err) {
        return (err as Error).message;
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...atoms), { maxLength: 8 }).map((a) => a.join('')),
        async (q) => {
          expect([q, await outcome(() => read.search(pg, q, {}))]).toStrictEqual([q, await outcome(() => sqlite.search(q, {}))]);
        },
      ),
      { numRuns: 200, seed: 8 },
    );
  });

  it('stops a listing early without keeping its connection', async () => {
    for (let k = 0; k < 30; k++) {
      for await (const it of read.items(pg, {})) {
        expect(it.id).toBeGreaterThan(0);
        break;
      }
    }
    expect(pg.pool.totalCount).toBeLessThanOrEqual(10);
    expect(pg.pool.idleCount).toBe(pg.pool.totalCount);
    expect(pg.pool.waitingCount).toBe(0);
  });
});

describe.skipIf(!pgAvailable)('PostgreSQL search snippets', () => {
  it('shows a short text whole and cuts a long one to 16 words around the match, with … where cut, the same on both stores', async () => {
    const words = Array.from({ length: 40 }, (_, k) => `w${k}`);
    const bodies = [
      [...words.slice(0, 20), 'target', ...words.slice(21)].join(' '),
      `target at the start ${words.join(' ')}`,
      `target ${words.join(' ')}`,
      'Short target text.',
      'Zwei <b>Zielwörter</b>: target, und noch ein TARGET hier.',
      `${words.join(' ')} and a target`,
    ];
    const stores: Store[] = [openSqlite(path.join(tempDir(), 'snip.db')), await openPostgres(await freshDatabase())];
    try {
      for (const s of stores) {
        const { added } = await s.addSubscriptions(
          [{ url: 'https://s.example/', title: null, siteUrl: null, category: '' }],
          '2026-01-01T00:00:00.000Z',
        );
        await s.recordFetch(
          added[0].id,
          {
            movedTo: null,
            state: { status: 200, error: null, nextCheckAt: null },
            items: bodies.map((b, k) => ({
              ...libraryItems('https://c.example/')[0],
              key: `k${k}`,
              guid: `k${k}`,
              title: `item ${k}`,
              summary: b,
              content: null,
            })),
          },
          '2026-01-01T00:00:00.000Z',
        );
      }
      const [mine, theirs] = await Promise.all(stores.map(async (s) => (await all(s.search('target', {}))).map((h) => h.snippet).sort()));
      expect(mine).toStrictEqual(theirs);
      expect(mine.pop()).toBe(`…${words.slice(27).join(' ')} and a \u0002target\u0003`);
      expect(mine).toContain('Short \u0002target\u0003 text.');
      expect(mine).toContain('Zwei Zielwörter: \u0002target\u0003, und noch ein \u0002TARGET\u0003 hier.');
      expect(mine).toContain(`\u0002target\u0003 at the start ${words.slice(0, 12).join(' ')}…`);
      expect(mine).toContain('…w13 w14 w15 w16 w17 w18 w19 \u0002target\u0003 w21 w22 w23 w24 w25 w26 w27 w28…');
    } finally {
      for (const s of stores) await s.close();
    }
  });
});

describe.skipIf(!pgAvailable)('the PostgreSQL read side when something fails', () => {
  it('names the server, never the password, when it cannot connect', async () => {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
    await new Promise((resolve) => server.close(resolve));
    const db = connectPool(`postgres://inkzee:s3cret@127.0.0.1:${port}/inkzee`, { connectionTimeoutMs: 2000 });
    try {
      const failure = all(read.items(db, {})).catch((err: Error) => err);
      expect(await failure).toBeInstanceOf(StoreError);
      expect(((await failure) as Error).message).toBe(
        `store: cannot connect to PostgreSQL at 127.0.0.1:${port}/inkzee: connection refused`,
      );
      expect(String(((await all(read.search(db, 'x', {})).catch((err: Error) => err)) as Error).message)).not.toContain('s3cret');
      await expect(read.stats(db, '2026-01-01')).rejects.toThrow(`cannot connect to PostgreSQL at 127.0.0.1:${port}/inkzee`);
    } finally {
      await db.pool.end();
    }
  });

  it('fails a stream in one line and gives its connection back', async () => {
    const db = connectPool(await freshDatabase(), { max: 1 });
    try {
      const seen: number[] = [];
      const failure = await (async () => {
        for await (const row of streamRows(db, 'SELECT 6 / (3 - g) FROM generate_series(1, 5) g', [])) seen.push(row[0]);
      })().catch((err: Error) => err);
      expect(String(failure)).toMatch(/^StoreError: store: cannot read 127\.0\.0\.1:\d+\/t_\w+: division by zero \(SQLSTATE 22012\)$/);
      // With one connection in the pool, the next query runs only if the failed stream let go of it.
      expect((await db.pool.query('SELECT 1 AS one')).rows).toStrictEqual([{ one: 1 }]);
      expect(seen.length).toBeLessThan(3);
    } finally {
      await db.pool.end();
    }
  });
});
