// Text that both stores compare must compare alike (issue 21's sweep): a folder filter matches a
// folder's subfolders by their exact name on SQLite as on PostgreSQL, where SQLite's LIKE ignored
// ASCII case (--category tech took Tech/Sub but not Tech).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import type { Store } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const item = (key: string): Item => ({
  key, guid: key, link: null, title: key, author: null, published: null, updated: null, summary: null, content: null,
  enclosures: [], categories: [], duration: null, comments: null, episode: null, season: null, explicit: null, transcriptUrl: null, chaptersUrl: null,
});
const FEEDS = [['https://t.example/', 'Tech'], ['https://s.example/', 'Tech/Sub'], ['https://o.example/', 'Technology'], ['https://l.example/', 'tech/lower']];

const stores: Record<string, Store> = {};
beforeAll(async () => {
  stores.sqlite = openSqlite(path.join(tempDir(), 'parity.db'));
  if (pgAvailable) stores.postgres = await openPostgres(await freshDatabase());
  for (const s of Object.values(stores)) {
    const { added } = await s.addSubscriptions(FEEDS.map(([url, category]) => ({ url, title: null, siteUrl: null, category })), '2026-01-01T00:00:00.000Z');
    for (const f of added) await s.recordFetch(f.id, { movedTo: null, state: { status: 200, error: null, nextCheckAt: null }, items: [item(f.url)] }, '2026-01-01T00:00:00.000Z');
  }
}, 60_000);
afterAll(async () => { for (const s of Object.values(stores)) await s.close(); });

const all = async <T>(it: AsyncIterable<T>) => { const out: T[] = []; for await (const x of it) out.push(x); return out; };

describe.each(['sqlite', 'postgres'])('folder filters on %s', (engine) => {
  it.skipIf(engine === 'postgres' && !pgAvailable).each([
    ['Tech', ['https://s.example/', 'https://t.example/']],
    ['tech', ['https://l.example/']],
    ['TECH', []],
    ['Tech/Sub', ['https://s.example/']],
    ['tech/lower', ['https://l.example/']],
  ])('--category %j takes exactly %j, subfolders by their exact name', async (category, urls) => {
    const s = stores[engine];
    expect((await all(s.items({ category }))).map((i) => i.title).sort()).toStrictEqual(urls);
    expect((await all(s.search('example', { category }))).map((i) => i.title).sort()).toStrictEqual(urls);
  });
});
