// An id names one feed or one item for the life of the database, on both engines: removing the
// newest feed or pruning the newest items must not hand their ids to the next ones stored, or a
// late fetch of a removed feed would land in another feed and an --after-id pipeline would skip items.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const items = (tag: string, n: number) =>
  Array.from({ length: n }, (_, k) => ({ guid: `${tag}-${k}`, title: `${tag} ${k}`, description: `${tag} body ${k}` }));

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer({
    '/a': serve(200, rss('A', items('a', 3))),
    '/b': serve(200, rss('B', items('b', 3))),
    '/c': serve(200, rss('C', items('c', 2))),
  });
});
afterAll(() => server?.close());

const json = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: number; feedId?: number; title?: string });

async function check(db: string) {
  const run = async (...args: string[]) => {
    const r = await cli(['--db', db, ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  await run('add', `${server.url}/a`);
  await run('add', `${server.url}/b`);
  const before = json((await run('items', '--json')).stdout);
  const feedB = json((await run('feeds', '--json')).stdout).find((f) => f.title === 'B')!;
  const newest = Math.max(...before.map((i) => i.id));

  // The newest feed goes, with the newest items: the next feed and items take new ids.
  await run('remove', String(feedB.id));
  await run('add', `${server.url}/c`);
  const feedC = json((await run('feeds', '--json')).stdout).find((f) => f.title === 'C')!;
  expect(feedC.id).toBeGreaterThan(feedB.id);
  const after = json((await run('items', '--after-id', String(newest), '--json')).stdout);
  expect(after.map((i) => i.title).sort()).toEqual(['c 0', 'c 1']);

  // Pruning the newest items does not give their ids out again either.
  const top = Math.max(...after.map((i) => i.id));
  await run('prune', '--older-than', '0d');
  await run('add', `${server.url}/b`);
  const again = json((await run('items', '--after-id', String(top), '--json')).stdout);
  expect(again.map((i) => i.title).sort()).toEqual(['b 0', 'b 1', 'b 2']);
}

describe('ids are never given twice', { timeout: 120_000 }, () => {
  it('on SQLite', async () => {
    await check(path.join(tempDir(), 'inkzee.db'));
  });
  it.skipIf(!pgAvailable)('on PostgreSQL', async () => {
    await check(await freshDatabase());
  });
});
