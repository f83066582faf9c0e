// Paging by id on PostgreSQL while several crawlers write: ids come from a sequence as items are
// inserted, not as they commit, so a listing after an id must not show an item while one with a
// smaller id may still commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PgStore } from '../../src/store/postgres/index.js';
import { collect } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

let store: PgStore;
let feedId: number;

beforeAll(async () => {
  if (!pgAvailable) return;
  store = await openPostgres(await freshDatabase());
  const added = await store.addSubscriptions(
    [{ url: 'https://a.example/feed', title: 'A', siteUrl: null, category: '' }],
    '2026-01-10T00:00:00.000Z',
  );
  feedId = added.added[0].id;
});
afterAll(async () => {
  await store?.close();
});

// An item and its search row, as the store writes them, in one statement.
const INSERT = `WITH i AS (INSERT INTO items (feed_id, key, title, first_seen, sort_at)
                  VALUES ($1, $2, $2, '2026-01-10T00:00:00.000Z', '2026-01-10T00:00:00.000Z') RETURNING id)
                INSERT INTO item_search (item_id, doc) SELECT id, setweight(to_tsvector('inkzee_terms', $2), 'A') FROM i RETURNING item_id AS id`;

describe.skipIf(!pgAvailable)('items --after-id on PostgreSQL with writers in flight', () => {
  it('waits for an item with a smaller id that is still being stored rather than show a larger one without it', async () => {
    const slow = await store.db.pool.connect();
    try {
      await slow.query('BEGIN');
      // The slow writer takes its id first; the quick one takes a larger id and commits first.
      const small = Number((await slow.query(INSERT, [feedId, 'slow'])).rows[0].id);
      const large = Number((await store.db.pool.query(INSERT, [feedId, 'quick'])).rows[0].id);
      expect(large).toBeGreaterThan(small);
      const listing = collect(store.items({ afterId: small - 1 }));
      const search = collect(store.search('slow OR quick', { afterId: small - 1 }));
      await new Promise((r) => setTimeout(r, 300));
      await slow.query('COMMIT');
      // A pipeline remembering the largest id it saw must have seen the smaller one by then.
      expect((await listing).map((i) => i.id)).toEqual([small, large]);
      expect((await search).map((i) => i.id)).toEqual([small, large]);
    } finally {
      slow.release();
    }
  }, 30_000);
});
