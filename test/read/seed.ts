import type { Item } from '../../src/model.js';
import { itemOf } from '../helpers.js';
import { addSubscriptions } from '../../src/store/sqlite/feeds.js';
import { upsertItems } from '../../src/store/sqlite/upsert.js';
import type { Db } from '../../src/store/sqlite/connect.js';

/** seed stores feeds (url → category) and their items, as a crawl would. */
export function seed(db: Db, feeds: Record<string, { category: string; title?: string; items: Partial<Item>[] }>): void {
  const now = '2026-01-10T00:00:00.000Z';
  addSubscriptions(
    db,
    Object.entries(feeds).map(([url, f]) => ({ url, title: f.title ?? url, siteUrl: null, category: f.category })),
    now,
  );
  const ids = new Map((db.prepare('SELECT id, url FROM feeds').all() as { id: number; url: string }[]).map((r) => [r.url, r.id]));
  db.transaction(() => {
    for (const [url, f] of Object.entries(feeds)) {
      upsertItems(
        db,
        ids.get(url)!,
        f.items.map((i, k) =>
          itemOf({
            key: i.guid ?? `${url}#${k}`,
            ...i,
          }),
        ),
        now,
      );
    }
  })();
}
