// A crawl's writes to SQLite share batched transactions: checked on a real file through a second
// connection, which sees only what was committed.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Item } from '../../src/model.js';
import { StoreError } from '../../src/errors.js';
import { BATCH_WRITES } from '../../src/store/sqlite/batch.js';
import type { FetchRecord } from '../../src/store/contract.js';
import { openSqlite, type SqliteStore } from '../../src/store/sqlite/index.js';
import { tempDir, itemOf } from '../helpers.js';

const NOW = '2026-01-10T12:00:00.000Z';
const item = (key: string, title = key): Item =>
  itemOf({
    key,
    guid: key,
    title,
    content: `<p>${title} text</p>`,
  });
const fetched = (items: Item[]): FetchRecord => ({
  items,
  movedTo: null,
  state: { status: 200, etag: 'v1', error: null, nextCheckAt: null },
});

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});

/** setup opens a store on a fresh file with `feeds` subscriptions, and a second, read-only connection to it. */
async function setup(feeds: number): Promise<{ store: SqliteStore; ids: number[]; peek: Database.Database; file: string }> {
  const file = path.join(tempDir(), 'batch.db');
  const store = openSqlite(file);
  const subs = Array.from({ length: feeds }, (_, k) => ({
    url: `http://127.0.0.1/feed/${k}`,
    title: `Feed ${k}`,
    siteUrl: null,
    category: '',
  }));
  const { added } = await store.addSubscriptions(subs, NOW);
  const peek = new Database(file, { readonly: true });
  opened.push(store, peek);
  return { store, ids: added.map((f) => f.id), peek, file };
}
const committedItems = (peek: Database.Database) => peek.prepare('SELECT count(*) FROM items').pluck().get() as number;
const fetchedFeeds = (peek: Database.Database) =>
  peek.prepare('SELECT count(*) FROM feeds WHERE last_fetched_at IS NOT NULL').pluck().get() as number;
const indexed = (peek: Database.Database) => peek.prepare('SELECT count(*) FROM items_fts').pluck().get() as number;

describe('batched crawl writes', () => {
  it('stores the writes of one tick in one transaction: none is visible before the first resolves, all of them once it has', async () => {
    const { store, ids, peek } = await setup(3);
    const writes = ids.map((id, k) => store.recordFetch(id, fetched([item(`a${k}`), item(`b${k}`)]), NOW));
    const failure = store.recordFailure(ids[0], { status: 500, error: 'HTTP 500', nextCheckAt: null }, NOW);
    expect(committedItems(peek)).toBe(0);
    expect(fetchedFeeds(peek)).toBe(0);
    expect(await writes[0]).toEqual({ added: 2, updated: 0, movedTo: null, mergedInto: null, newIds: [1, 2] });
    // The first write's promise resolved: the COMMIT it waited for holds the other writes too.
    expect(committedItems(peek)).toBe(6);
    expect(indexed(peek)).toBe(6);
    expect(peek.prepare('SELECT consecutive_errors FROM feeds WHERE id = ?').pluck().get(ids[0])).toBe(1);
    await Promise.all([...writes, failure]);
  });

  it(`commits at once when ${BATCH_WRITES} writes wait, without waiting for the timer`, async () => {
    const { store, ids, peek } = await setup(BATCH_WRITES + 1);
    const writes = ids.map((id) => store.recordFetch(id, fetched([item('x')]), NOW));
    // All were called in this tick: the first BATCH_WRITES are committed, the last waits for the next COMMIT.
    expect(committedItems(peek)).toBe(BATCH_WRITES);
    await Promise.all(writes);
    expect(committedItems(peek)).toBe(BATCH_WRITES + 1);
  });

  it('commits once as many writes wait as the crawl said it could have (its concurrency, below the batch size)', async () => {
    const { store, ids, peek } = await setup(3);
    store.expectWriters(2);
    const writes = ids.map((id) => store.recordFetch(id, fetched([item('x')]), NOW));
    // A crawl of concurrency 2 never has a third write waiting: the second one commits the batch.
    expect(committedItems(peek)).toBe(2);
    await Promise.all(writes);
    expect(committedItems(peek)).toBe(3);
  });

  it('a write that throws rolls back only its own feed and rejects only its own promise', async () => {
    const { store, ids, peek } = await setup(3);
    const first = store.recordFetch(ids[0], fetched([item('ok-1')]), NOW);
    // Its first item is inserted, then its second cannot be bound (an object is no SQLite value).
    const broken = store.recordFetch(ids[1], fetched([item('fine'), { ...item('bad'), title: {} as unknown as string }]), NOW);
    // No such feed (removed while its fetch was under way): the late result is dropped, not an error.
    const orphan = store.recordFetch(9999, fetched([item('orphan')]), NOW);
    const last = store.recordFetch(ids[2], fetched([item('ok-3')]), NOW);
    const [a, b, c, d] = await Promise.allSettled([first, broken, orphan, last]);
    expect(b).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/parameter/) } });
    expect(c).toMatchObject({ status: 'fulfilled', value: { added: 0, updated: 0 } });
    expect(a).toMatchObject({ status: 'fulfilled', value: { added: 1 } });
    expect(d).toMatchObject({ status: 'fulfilled', value: { added: 1 } });
    expect(peek.prepare('SELECT key FROM items ORDER BY key').pluck().all()).toEqual(['ok-1', 'ok-3']);
    expect(peek.prepare('SELECT id FROM feeds WHERE etag IS NOT NULL ORDER BY id').pluck().all()).toEqual([ids[0], ids[2]]);
    expect(indexed(peek)).toBe(2);
  });

  it('a read made while a batch is open sees its writes, and commits them first', async () => {
    const { store, ids, peek } = await setup(2);
    const write = store.recordFetch(ids[1], fetched([item('seen')]), NOW);
    const listing = await store.listFeeds();
    expect(listing.find((f) => f.id === ids[1])).toMatchObject({ itemCount: 1 });
    // No timer could have run since the write: the read committed the batch.
    expect(committedItems(peek)).toBe(1);
    expect([...store.items({})].map((i) => i.guid)).toEqual(['seen']);
    await write;
  });

  it('a write made after a read opens a new batch, and the read left nothing uncommitted behind it', async () => {
    const { store, ids, peek } = await setup(2);
    const one = store.recordFetch(ids[0], fetched([item('one')]), NOW);
    await store.countDue({ now: NOW });
    const two = store.recordFetch(ids[1], fetched([item('two')]), NOW);
    expect(committedItems(peek)).toBe(1);
    await Promise.all([one, two]);
    expect(committedItems(peek)).toBe(2);
  });

  it('a lone write commits by itself, soon', async () => {
    const { store, ids, peek } = await setup(1);
    const started = performance.now();
    await store.recordFetch(ids[0], fetched([item('alone')]), NOW);
    expect(committedItems(peek)).toBe(1);
    expect(performance.now() - started).toBeLessThan(5_000); // the timer, not a hang; generous for a busy machine
  });

  it('closing the store commits what waits, and resolves it', async () => {
    const { store, ids, file } = await setup(1);
    const write = store.recordFetch(ids[0], fetched([item('kept')]), NOW);
    await store.close();
    await expect(write).resolves.toMatchObject({ added: 1 });
    const again = new Database(file, { readonly: true });
    try {
      expect(committedItems(again)).toBe(1);
    } finally {
      again.close();
    }
  });

  it('a full database rolls back the writes it cannot hold, rejecting them with a StoreError, and keeps what committed before', async () => {
    const { store, ids, peek } = await setup(3);
    await store.recordFetch(ids[0], fetched([item('before')]), NOW);
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 2}`);
    const big = Array.from({ length: 50 }, (_, k) => item(`big-${k}`, 'word '.repeat(2000)));
    const small = store.recordFetch(ids[1], fetched([item('small')]), NOW);
    const full = store.recordFetch(ids[2], fetched(big), NOW);
    const err = await full.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/disk is full/);
    // SQLite undid the failed statement, or the whole transaction: either way, what resolved is stored and what rejected is not.
    const smallDone = await small.then(
      () => 'stored',
      (e: unknown) => e,
    );
    if (smallDone !== 'stored') expect(smallDone).toBe(err); // the same fault, for every write of the batch
    expect(peek.prepare('SELECT key FROM items ORDER BY key').pluck().all()).toEqual(
      smallDone === 'stored' ? ['before', 'small'] : ['before'],
    );
    expect(peek.pragma('integrity_check', { simple: true })).toBe('ok');
    // Space again: the next write opens a new batch and commits.
    store.db.pragma('max_page_count = 1073741823');
    await store.recordFetch(ids[2], fetched([item('after')]), NOW);
    expect(peek.prepare('SELECT count(*) FROM items WHERE key = ?').pluck().get('after')).toBe(1);
  });
});
