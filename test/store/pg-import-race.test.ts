// Two imports of overlapping lists at once on PostgreSQL: each row lock of the unique index is
// taken in the list's order, so opposite orders deadlocked (SQLSTATE 40P01) before imports
// took their locks in one fixed order.
import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/model.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';

describe.skipIf(!pgAvailable)('concurrent imports on PostgreSQL', () => {
  it('two imports of the same 2,000 URLs in opposite orders both succeed, and each URL is stored once', async () => {
    const subs: Subscription[] = Array.from({ length: 2000 }, (_, k) => ({ url: `https://h${k % 50}.example/feed/${k}`, title: null, siteUrl: null, category: '' }));
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
});
