// Text that both stores compare must compare alike (issue 21's sweep): a folder filter matches a
// folder's subfolders by their exact name on SQLite as on PostgreSQL, where SQLite's LIKE ignored
// ASCII case (--category tech took Tech/Sub but not Tech); a long text is indexed alike, where
// PostgreSQL lost phrases past its 16,383rd word and refused a tsvector over 1 MB.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { tempDir, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const item = (key: string): Item =>
  itemOf({
    key,
    guid: key,
    title: key,
  });
const FEEDS = [
  ['https://t.example/', 'Tech'],
  ['https://s.example/', 'Tech/Sub'],
  ['https://o.example/', 'Technology'],
  ['https://l.example/', 'tech/lower'],
];

// 20,000 words with two phrases, one before and one past the 16,383rd; and 200,000 distinct words.
const LONG = Array.from({ length: 20_000 }, (_, k) => (k === 16_000 ? 'early phrase' : k === 17_000 ? 'late phrase' : `w${k}`)).join(' ');
const HUGE = Array.from({ length: 200_000 }, (_, k) => `u${k.toString(36)}x`).join(' ');

const stores: Record<string, Store> = {};
beforeAll(async () => {
  stores.sqlite = openSqlite(path.join(tempDir(), 'parity.db'));
  if (pgAvailable) stores.postgres = await openPostgres(await freshDatabase());
  for (const s of Object.values(stores)) {
    const { added } = await s.addSubscriptions(
      FEEDS.map(([url, category]) => ({ url, title: null, siteUrl: null, category })),
      '2026-01-01T00:00:00.000Z',
    );
    for (const f of added)
      await s.recordFetch(
        f.id,
        { movedTo: null, state: { status: 200, error: null, nextCheckAt: null }, items: [item(f.url)] },
        '2026-01-01T00:00:00.000Z',
      );
    const {
      added: [long],
    } = await s.addSubscriptions(
      [{ url: 'https://long.example/', title: null, siteUrl: null, category: 'Long' }],
      '2026-01-01T00:00:00.000Z',
    );
    await s.recordFetch(
      long.id,
      {
        movedTo: null,
        state: { status: 200, error: null, nextCheckAt: null },
        items: [
          { ...item('long'), summary: `<p>${LONG}</p>` },
          { ...item('huge'), summary: `<p>${HUGE}</p>` },
        ],
      },
      '2026-01-01T00:00:00.000Z',
    );
  }
}, 60_000);
afterAll(async () => {
  for (const s of Object.values(stores)) await s.close();
});

const all = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe.each(['sqlite', 'postgres'])('folder filters on %s', (engine) => {
  it.skipIf(engine === 'postgres' && !pgAvailable).each([
    ['Tech', ['https://l.example/', 'https://s.example/', 'https://t.example/']],
    ['tech', ['https://l.example/', 'https://s.example/', 'https://t.example/']],
    ['TECH', ['https://l.example/', 'https://s.example/', 'https://t.example/']],
    ['Tech/Sub', ['https://s.example/']],
    ['TECH/LOWER', ['https://l.example/']],
  ])('--category %j takes exactly %j: the folder and its subfolders, in any case, never Technology', async (category, urls) => {
    const s = stores[engine];
    expect((await all(s.items({ category }))).map((i) => i.title).sort()).toStrictEqual(urls);
    expect((await all(s.search('example', { category }))).map((i) => i.title).sort()).toStrictEqual(urls);
  });
});

describe.each(['sqlite', 'postgres'])('search ties on %s', (engine) => {
  it.skipIf(engine === 'postgres' && !pgAvailable)('come in id order, also where --limit cuts them, as on the other engine', async () => {
    const s = stores[engine];
    const {
      added: [f],
    } = await s.addSubscriptions(
      [{ url: 'https://ties.example/', title: null, siteUrl: null, category: 'Ties' }],
      '2026-01-01T00:00:00.000Z',
    );
    // Five items of the same text rank alike; stored in an order their keys do not follow.
    const same = (key: string): Item => ({ ...item(key), title: 'tiebreak', summary: '<p>equal</p>' });
    await s.recordFetch(
      f.id,
      { movedTo: null, state: { status: 200, error: null, nextCheckAt: null }, items: ['e', 'b', 'd', 'a', 'c'].map(same) },
      '2026-01-01T00:00:00.000Z',
    );
    const ids = (await all(s.items({ category: 'Ties' }))).map((i) => i.id).sort((a, b) => a - b);
    expect((await all(s.search('tiebreak', {}))).map((i) => i.id)).toStrictEqual(ids);
    expect((await all(s.search('tiebreak', { limit: 3 }))).map((i) => i.id)).toStrictEqual(ids.slice(0, 3));
    expect((await all(s.search('tiebreak', { category: 'Ties', limit: 2 }))).map((i) => i.id)).toStrictEqual(ids.slice(0, 2));
  });
});

describe.each(['sqlite', 'postgres'])('long texts on %s', (engine) => {
  it.skipIf(engine === 'postgres' && !pgAvailable)(
    'index the first 16,383 words of a body, and store a body of 200,000 distinct words',
    async () => {
      const s = stores[engine];
      const found = async (q: string) => (await all(s.search(q, {}))).map((i) => i.title);
      expect(await found('"early phrase"')).toStrictEqual(['long']);
      expect(await found('"late phrase"')).toStrictEqual([]);
      expect(await found('w16381')).toStrictEqual(['long']); // the 16,383rd word (early phrase is two)
      expect(await found('w16382')).toStrictEqual([]);
      expect(await found('u0x')).toStrictEqual(['huge']);
      expect((await all(s.items({ category: 'Long' }))).map((i) => i.title).sort()).toStrictEqual(['huge', 'long']);
    },
  );
});
