// The store under a fleet of crawlers: what two of them do to one feed or one host at the same
// moment (one of them, say, past its lease after a stall), on PostgreSQL and, for leases, SQLite.
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { tempDir, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';

const item = (key: string): Item =>
  itemOf({
    key,
    guid: key,
    title: `title ${key}`,
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
        'SELECT count(*) AS n, (SELECT count(*) FROM item_search) AS searchable FROM items',
      );
      expect(stored.rows[0]).toEqual({ n: 4, searchable: 4 });
    } finally {
      await locker.end();
      await a.close();
      await b.close();
    }
  });
});

const engines: [string, () => Promise<Store>][] = [
  ['SQLite', async () => openSqlite(path.join(tempDir(), 'fleet.db'))],
  ...(pgAvailable ? [['PostgreSQL', async () => openPostgres(await freshDatabase())] as [string, () => Promise<Store>]] : []),
];

describe.each(engines)('host leases between crawlers on %s', (_name, open) => {
  it('say which due hosts another crawler holds, and lend a host only to whoever holds it or when no one does', async () => {
    const s = await open();
    try {
      await s.addSubscriptions(
        ['http://a.test/1', 'http://a.test/2', 'http://b.test/1'].map((url) => ({ url, title: null, siteUrl: null, category: '' })),
        NOW,
      );
      const due = { now: NOW };
      const got = await s.claimHosts({ ...due, worker: 'w1', maxHosts: 1, leaseMs: 60_000 });
      expect(got.map((f) => f.url)).toEqual(['http://a.test/1', 'http://a.test/2']);
      const held = await s.leasedElsewhere({ ...due, worker: 'w2' });
      expect(held).toMatchObject([{ host: 'a.test', worker: 'w1', feeds: 2 }]);
      expect(held[0].leftMs).toBeGreaterThan(50_000);
      expect(Date.parse(held[0].until)).toBeGreaterThan(Date.now() + 50_000);
      expect(await s.leasedElsewhere({ ...due, worker: 'w1' })).toEqual([]);
      // A redirect target: another crawler's live lease wins; its holder, or anyone once it is released, may borrow it.
      expect(await s.borrowHost('w2', 'a.test', 60_000)).toBe(false);
      expect(await s.borrowHost('w1', 'a.test', 60_000)).toBe(true);
      expect(await s.borrowHost('w2', 'target.test', 60_000)).toBe(true); // no feed lives there: a row of its own
      expect(await s.borrowHost('w1', 'target.test', 60_000)).toBe(false);
      await s.releaseHosts('w2', ['target.test']);
      expect(await s.borrowHost('w1', 'target.test', 60_000)).toBe(true);
      // A borrowed host is leased like a claimed one: nobody else claims its feeds meanwhile.
      expect(await s.borrowHost('w1', 'b.test', 60_000)).toBe(true);
      expect(await s.claimHosts({ ...due, worker: 'w2', maxHosts: 5, leaseMs: 60_000 })).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
