// A stream id with "feed/" repeated (FreshRSS strips `^(feed/)+`, as some clients send it) names the
// feed: unsubscribing `feed/feed/<URL>` must not answer OK and leave the feed subscribed. Both engines.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { API } from './api-cases.js';
import { apiCall, envFor, seed } from './fixture.js';

const engines: [string, boolean, () => Promise<Store>][] = [
  ['SQLite', true, async () => openSqlite(path.join(tempDir(), 'prefix.db'))],
  ['PostgreSQL', pgAvailable, async () => openPostgres(await freshDatabase())],
];

for (const [engine, available, open] of engines) {
  describe.skipIf(!available)(`feed/ repeated in a stream id on ${engine}`, { timeout: 60_000 }, () => {
    const stores: Store[] = [];
    afterAll(async () => {
      for (const s of stores) await s.close();
    });

    it('unsubscribe and stream/contents read feed/feed/<URL or id> as the feed', async () => {
      const store = await open();
      stores.push(store);
      await seed(store);
      const env = envFor(store);
      const id = (await store.listFeeds({ feed: 'https://news.example/feed' }))[0].id;
      const page = await apiCall(env, 'GET', `${API}/stream/contents/feed%2Ffeed%2F${id}?n=2`);
      expect(page.status).toBe(200);
      expect(page.json.items).toHaveLength(2);
      const r = await apiCall(env, 'POST', `${API}/subscription/edit`, { ac: 'unsubscribe', s: 'feed/feed/https://news.example/feed' });
      expect(r).toEqual({ status: 200, text: 'OK' });
      expect(await store.listFeeds({ feed: 'https://news.example/feed' })).toEqual([]);
    });
  });
}
