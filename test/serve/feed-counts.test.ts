// listFeeds({ counts: false }), which the reader API uses to find its items' feeds without counting
// their items: the same feeds, in the same order, with the same fields, and counts of 0, on both engines.
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
});
