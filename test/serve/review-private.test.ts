// subscription/edit refuses a loopback URL by default and its reason names a remedy: that remedy,
// `--allow-private-networks`, must be an option `inkzee serve` takes, on both engines.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { login, request, setPassword, startServe } from './child.js';

const PASSWORD = 'review password';

/** subscribeVia subscribes `url` through a running server's subscription/edit and answers the reply. */
async function subscribeVia(base: string, url: string) {
  const auth = await login(base, 'inkzee', PASSWORD);
  const t = (await request('GET', `${base}/reader/api/0/token`, { auth })).body.trim();
  const body = new URLSearchParams({ ac: 'subscribe', s: `feed/${url}`, T: t }).toString();
  return request('POST', `${base}/reader/api/0/subscription/edit`, { auth, body });
}

const engines: [string, boolean, () => Promise<string>][] = [
  ['SQLite', true, async () => path.join(tempDir(), 'private.db')],
  ['PostgreSQL', pgAvailable, () => freshDatabase()],
];

for (const [engine, available, makeDb] of engines) {
  describe.skipIf(!available)(`serve's private-network refusal on ${engine}`, { timeout: 90_000 }, () => {
    let feeds: FeedServer;
    beforeAll(async () => {
      feeds = await startFeedServer({ '/feed': serve(200, rss('Local', [{ guid: 'l1', title: 'Local one' }])) });
    });
    afterAll(async () => {
      await feeds.close();
    });

    it('names a remedy serve accepts, and with it the loopback feed is subscribed', async () => {
      const db = await makeDb();
      expect((await setPassword(db, PASSWORD)).code).toBe(0);
      const denied = await startServe(db);
      const refused = await subscribeVia(denied.url, `${feeds.url}/feed`);
      expect(await denied.stop()).toBe(0);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/--allow-private-networks/);
      expect(JSON.parse((await cli(['--db', db, '--json', 'feeds'])).stdout || '[]')).toEqual([]);

      const allowed = await startServe(db, ['--allow-private-networks']);
      const r = await subscribeVia(allowed.url, `${feeds.url}/feed`);
      expect(await allowed.stop()).toBe(0);
      expect(r).toMatchObject({ status: 200, body: 'OK' });
      const listed = (await cli(['--db', db, '--json', 'feeds'])).stdout.split('\n').filter(Boolean);
      expect(listed.map((l) => JSON.parse(l).url)).toEqual([`${feeds.url}/feed`]);
    });
  });
}
