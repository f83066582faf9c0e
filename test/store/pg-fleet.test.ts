// The PostgreSQL store under a fleet of crawlers: what two of them do to one feed or one host at
// the same moment (one of them, say, past its lease after a stall).
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';

const item = (key: string): Item => ({
  key, guid: key, link: null, title: `title ${key}`, author: null, published: null, updated: null, summary: null, content: null, enclosures: [],
  categories: [], duration: null, comments: null, episode: null, season: null, explicit: null, transcriptUrl: null, chaptersUrl: null,
});

const state = { status: 200, etag: null, lastModified: null, error: null, nextCheckAt: null };

describe.skipIf(!pgAvailable)('two crawlers storing at once on PostgreSQL', () => {
  it('count the items of one feed stored by both at the same moment as new once in total', async () => {
    const url = await freshDatabase();
    const [a, b] = [await openPostgres(url), await openPostgres(url)];
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await a.addSubscriptions([{ url: 'http://127.0.0.2:9/feed', title: null, siteUrl: null, category: '' }], NOW);
      const [{ id }] = await a.listFeeds();
      const items = ['k1', 'k2', 'k3', 'k4'].map(item);
      // Both compare the feed's rows while inserts wait on a lock, so both plan four new items.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE items IN SHARE MODE');
      const both = Promise.all([a, b].map((s) => s.recordFetch(id, { items, movedTo: null, state }, NOW)));
      await new Promise((r) => setTimeout(r, 500));
      await locker.query('COMMIT');
      const [ra, rb] = await both;
      expect(ra.added + rb.added).toBe(4);
      const stored = await a.db.pool.query<{ n: number; searchable: number }>(
        'SELECT count(*) AS n, (SELECT count(*) FROM item_search) AS searchable FROM items');
      expect(stored.rows[0]).toEqual({ n: 4, searchable: 4 });
    } finally {
      await locker.end();
      await a.close();
      await b.close();
    }
  });
});
