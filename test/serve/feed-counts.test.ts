// What the reader API reads feeds with, on both engines: listFeeds({ counts: false }) (the same
// feeds, order and fields as with counts, counts 0) and feedsById (the feeds of a page's items).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { seed } from './fixture.js';

const engines: [string, () => Promise<Store>, boolean][] = [
  ['SQLite', async () => openSqlite(path.join(tempDir(), 'counts.db')), true],
  ['PostgreSQL', async () => openPostgres(await freshDatabase()), pgAvailable],
];

describe.each(engines)('listFeeds without counts on %s', (_name, open, available) => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it.skipIf(!available)('lists the same feeds as with counts, by id, URL and folder, with item counts of 0', async () => {
    const store = await open();
    stores.push(store);
    await seed(store);
    const counted = await store.listFeeds();
    expect(counted.some((f) => f.itemCount > 0 && f.unreadCount > 0)).toBe(true);
    const strip = (fs: typeof counted) => fs.map((f) => ({ ...f, itemCount: 0, unreadCount: 0 }));
    expect(await store.listFeeds({ counts: false })).toEqual(strip(counted));
    const ids = counted.slice(0, 3).map((f) => String(f.id));
    expect(await store.listFeeds({ feed: ids, counts: false })).toEqual(strip(await store.listFeeds({ feed: ids })));
    expect(await store.listFeeds({ feed: counted[1].url, counts: false })).toEqual(strip([counted[1]]));
    expect(await store.listFeeds({ category: 'Technology', counts: false })).toEqual(
      strip(await store.listFeeds({ category: 'Technology' })),
    );
  });

  it.skipIf(!available)('feedsById reads the feeds of the ids given, leaving unknown ids out', async () => {
    const store = await open();
    stores.push(store);
    await seed(store);
    const listed = await store.listFeeds();
    const plain = listed.map(({ state: _s, itemCount: _i, unreadCount: _u, ...feed }) => feed);
    const byId = (fs: { id: number }[]) => [...fs].sort((a, b) => a.id - b.id);
    expect(byId(await store.feedsById(listed.map((f) => f.id)))).toEqual(byId(plain));
    expect(await store.feedsById([listed[2].id, 999_999])).toEqual([plain[2]]);
    expect(await store.feedsById([])).toEqual([]);
  });
});
