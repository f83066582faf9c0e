// A transaction PostgreSQL ends for a deadlock or a serialization failure changed nothing, so the
// store runs it again (retryingTransaction): the crawl's write of a feed's items and a mark. The
// conflict is raised by a trigger the test adds, once (a sequence, which a rollback does not undo,
// counts the tries), with the SQLSTATE PostgreSQL gives a real deadlock; the retry must store every
// item exactly once, as new, with its search row — the plan it runs again is the one the failed try had.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FetchRecord } from '../../src/store/contract.js';
import { openPostgres, type PgStore } from '../../src/store/postgres/index.js';
import { collect, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';
const fetched = (n: number): FetchRecord => ({
  items: Array.from({ length: n }, (_, k) =>
    itemOf({ key: `k${k}`, guid: `k${k}`, title: `Post ${k}`, link: `https://a.example/p/${k}`, summary: `about thing${k}` }),
  ),
  movedTo: null,
  state: { status: 200, etag: null, lastModified: null, error: null, nextCheckAt: null },
});

/** conflictOnce makes the next statement that fires the trigger on `table` fail once with `code`. */
async function conflictOnce(url: string, table: string, timing: 'INSERT' | 'UPDATE', code: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE SEQUENCE IF NOT EXISTS test_tries`);
    await c.query(`CREATE OR REPLACE FUNCTION test_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('test_tries') = 1 THEN RAISE EXCEPTION 'test conflict' USING ERRCODE = '${code}'; END IF;
        RETURN NEW;
      END $$`);
    await c.query(`CREATE TRIGGER test_conflict BEFORE ${timing} ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION test_conflict()`);
  } finally {
    await c.end();
  }
}

async function tries(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query('SELECT last_value FROM test_tries')).rows[0].last_value);
  } finally {
    await c.end();
  }
}

describe.skipIf(!pgAvailable)('PostgreSQL transactions ended for a conflict are run again', () => {
  let url: string;
  let s: PgStore;
  beforeAll(async () => {
    url = await freshDatabase();
    s = await openPostgres(url);
    await s.addSubscriptions([{ url: 'https://a.example/feed', title: 'A', siteUrl: null, category: '' }], NOW);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a feed write that met a deadlock after inserting its items stores every item once, as new, with its search row', async () => {
    // On the search rows, written after the items: the failed try had inserted them (and learnt their ids).
    await conflictOnce(url, 'item_search', 'INSERT', '40P01');
    const stored = await s.recordFetch(1, fetched(5), NOW);
    expect(await tries(url)).toBe(2);
    expect(stored.added).toBe(5);
    expect(stored.newIds).toHaveLength(5);
    const items = await collect(s.items({ feed: '1' }));
    expect(items.map((i) => i.title).sort()).toEqual(['Post 0', 'Post 1', 'Post 2', 'Post 3', 'Post 4']);
    expect(items.map((i) => i.id).sort()).toEqual([...stored.newIds].sort());
    expect((await collect(s.search('thing3', {}))).map((h) => h.title)).toEqual(['Post 3']);
    // Fetched again, nothing is new: the retry stored each item once.
    expect((await s.recordFetch(1, fetched(5), NOW)).added).toBe(0);
  });

  it('a mark that met a serialization failure is made once', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('DROP TRIGGER test_conflict ON item_search; ALTER SEQUENCE test_tries RESTART');
    await c.end();
    await conflictOnce(url, 'items', 'UPDATE', '40001');
    const r = await s.mark('read', { filter: { feed: '1' } }, { now: NOW, dryRun: false });
    expect(await tries(url)).toBeGreaterThanOrEqual(2);
    expect(r.changed).toBe(5);
    expect((await collect(s.items({ feed: '1', unread: true }))).length).toBe(0);
  });
});
