// Two imports of overlapping lists at once on PostgreSQL: each row lock of the unique index is
// taken in the list's order, so opposite orders deadlocked (SQLSTATE 40P01) before imports
// took their locks in one fixed order.
import { describe, expect, it } from 'vitest';
import { itemOf } from '../helpers.js';
import type { Subscription } from '../../src/model.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';

describe.skipIf(!pgAvailable)('concurrent imports on PostgreSQL', () => {
  it('two imports of the same 2,000 URLs in opposite orders both succeed, and each URL is stored once', async () => {
    const subs: Subscription[] = Array.from({ length: 2000 }, (_, k) => ({
      url: `https://h${k % 50}.example/feed/${k}`,
      title: null,
      siteUrl: null,
      category: '',
    }));
    const reversed = [...subs].reverse();
    for (let round = 0; round < 4; round++) {
      const url = await freshDatabase();
      const one = await openPostgres(url);
      const two = await openPostgres(url);
      try {
        const [a, b] = await Promise.all([one.addSubscriptions(subs, NOW), two.addSubscriptions(reversed, NOW)]);
        expect(a.added.length + b.added.length).toBe(2000);
        expect(a.present + b.present).toBe(2000);
        const rows = await one.listFeeds();
        expect(rows).toHaveLength(2000);
        expect(new Set(rows.map((f) => f.url)).size).toBe(2000);
      } finally {
        await one.close();
        await two.close();
      }
    }
  }, 120_000);

  it('two runs labelling the same 2,000 items in opposite orders both succeed', async () => {
    const url = await freshDatabase();
    const one = await openPostgres(url);
    const two = await openPostgres(url);
    try {
      const { added } = await one.addSubscriptions([{ url: 'https://labels.example/feed', title: null, siteUrl: null, category: '' }], NOW);
      const items = Array.from({ length: 2000 }, (_, k) =>
        itemOf({
          key: `k${k}`,
          guid: `k${k}`,
          title: `t${k}`,
        }),
      );
      await one.recordFetch(added[0].id, { items, movedTo: null, state: { status: 200, error: null, nextCheckAt: null } }, NOW);
      await one.saveModel({
        name: 'm',
        format: 2,
        labels: ['a', 'b'],
        trainSize: 2,
        source: 'labels:x',
        createdAt: NOW,
        params: {},
        blob: Buffer.from('m'),
      });
      const ids = (await one.itemsToLabel('m', true, 0, 5000)).map((r) => r.id);
      for (let round = 0; round < 4; round++) {
        const labels = ids.map((id) => ({ id, label: round % 2 ? 'a' : 'b', confidence: 0.5 }));
        await Promise.all([one.saveLabels('m', labels, NOW), two.saveLabels('m', [...labels].reverse(), NOW)]);
      }
      expect((await one.db.pool.query('SELECT count(*)::int AS n FROM item_labels')).rows[0].n).toBe(2000);
    } finally {
      await one.close();
      await two.close();
    }
  }, 120_000);
});
