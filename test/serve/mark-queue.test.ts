// Group commit for edit-tag (src/serve/mark-queue.ts): marks asked for together are written in one
// transaction per kind, each request answered only after its mark committed, none lost — checked
// in-process on a store, and through `inkzee serve` under many concurrent edit-tags (beside a mark
// by another process) on both engines.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MarkKind, Store, StoredItem } from '../../src/store/contract.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { MarkQueue } from '../../src/serve/mark-queue.js';
import { cli, tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { login, request, setPassword, startServe } from './child.js';
import { NOW, seed } from './fixture.js';

const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';

async function allItems(store: Store): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  for await (const i of store.items({})) out.push(i);
  return out.sort((a, b) => a.id - b.id);
}

/** counting wraps a store's mark to count its calls (its transactions) and the kinds asked. */
function counting(store: Store) {
  const calls: { kind: MarkKind; ids: readonly number[] }[] = [];
  return {
    calls,
    mark: ((kind, target, o) => {
      calls.push({ kind, ids: 'filter' in target ? (target.filter.ids ?? []) : target.ids });
      return store.mark(kind, target, o);
    }) as Store['mark'],
  };
}

describe('MarkQueue', () => {
  it('writes marks asked for together in one mark per kind, and each is committed when its promise resolves', async () => {
    const store = openSqlite(path.join(tempDir(), 'queue.db'));
    try {
      await seed(store);
      const items = await allItems(store);
      const c = counting(store);
      const q = new MarkQueue(c, () => NOW);
      const reads = items.slice(0, 10).map((i) => q.mark('read', [i.id]));
      const stars = items.slice(10, 20).map((i) => q.mark('star', [i.id, i.id]));
      // An id of no item is skipped, as edit-tag skips it.
      const unknown = q.mark('read', [999_999]);
      await Promise.all([...reads, ...stars, unknown]);
      expect(c.calls.map((x) => x.kind)).toEqual(['read', 'star']);
      expect(c.calls[0].ids).toHaveLength(11);
      const after = await allItems(store);
      expect(after.filter((i) => i.read).map((i) => i.id)).toEqual(items.slice(0, 10).map((i) => i.id));
      expect(after.filter((i) => i.starred).map((i) => i.id)).toEqual(items.slice(10, 20).map((i) => i.id));
    } finally {
      await store.close();
    }
  });

  it('runs the kinds in the order first asked for: the last of read and unread asked together decides', async () => {
    const store = openSqlite(path.join(tempDir(), 'order.db'));
    try {
      await seed(store);
      const [a, b] = await allItems(store);
      const q = new MarkQueue(store, () => NOW);
      await Promise.all([q.mark('unread', [a.id]), q.mark('read', [a.id, b.id])]);
      expect((await store.item(a.id))!.read).toBe(true);
      await Promise.all([q.mark('read', [a.id]), q.mark('unread', [a.id])]);
      expect((await store.item(a.id))!.read).toBe(false);
      // Asked one after the other (the first answered before the second is sent): the second wins.
      await q.mark('read', [b.id]);
      await q.mark('unread', [b.id]);
      expect((await store.item(b.id))!.read).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('fails only the requests whose mark failed, and goes on with later ones', async () => {
    const store = openSqlite(path.join(tempDir(), 'fail.db'));
    try {
      await seed(store);
      const [a, b] = await allItems(store);
      let fail = true;
      const flaky: Pick<Store, 'mark'> = {
        mark: (kind, target, o) =>
          kind === 'star' && fail ? Promise.reject(new Error('database is locked')) : store.mark(kind, target, o),
      };
      const q = new MarkQueue(flaky, () => NOW);
      const results = await Promise.allSettled([q.mark('read', [a.id]), q.mark('star', [b.id])]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect((await store.item(a.id))!.read).toBe(true);
      expect((await store.item(b.id))!.starred).toBe(false);
      fail = false;
      await q.mark('star', [b.id]);
      expect((await store.item(b.id))!.starred).toBe(true);
    } finally {
      await store.close();
    }
  });
});

/** concurrentCases hammers `inkzee serve` with concurrent edit-tags on one seeded database and checks that every mark is stored. */
function concurrentCases(engine: string, open: () => Promise<{ db: string; store: Store }>) {
  it(
    `${engine}: concurrent edit-tags, beside a mark by another process, are all stored, each before its OK`,
    { timeout: 120_000 },
    async () => {
      const { db, store } = await open();
      let items: StoredItem[];
      try {
        await seed(store);
        items = await allItems(store);
      } finally {
        await store.close();
      }
      expect((await setPassword(db, 'pw')).code).toBe(0);
      const s = await startServe(db);
      try {
        const auth = await login(s.url, 'inkzee', 'pw');
        const T = (await request('GET', `${s.url}/reader/api/0/token`, { auth })).body.trim();
        const edit = (ids: number[], tag: string, add: boolean) =>
          request('POST', `${s.url}/reader/api/0/edit-tag`, {
            auth,
            body: `${ids.map((i) => `i=${i}`).join('&')}&${add ? 'a' : 'r'}=${encodeURIComponent(tag)}&T=${encodeURIComponent(T)}`,
          });
        const readIds = items.slice(0, 12).map((i) => i.id);
        const starIds = items.slice(6, 24).map((i) => i.id);
        const other = items[items.length - 1].id;
        // Each read alone, stars in pairs, all at once; and another process starring an item meanwhile.
        const [replies, outside] = await Promise.all([
          Promise.all([
            ...readIds.map((id) => edit([id], READ, true)),
            ...Array.from({ length: starIds.length / 2 }, (_, k) => edit(starIds.slice(2 * k, 2 * k + 2), STARRED, true)),
          ]),
          cli(['--db', db, '--quiet', 'mark', 'star', String(other)]),
        ]);
        expect(replies.map((r) => `${r.status} ${r.body}`)).toEqual(Array(replies.length).fill('200 OK'));
        expect(outside.code).toBe(0);
        const listed = await cli(['--db', db, '--json', 'items']);
        const state = new Map(
          listed.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
            .map((i) => [i.id as number, { read: i.readAt !== null, starred: i.starredAt !== null }]),
        );
        for (const i of items)
          expect({ id: i.id, ...state.get(i.id) }).toEqual({
            id: i.id,
            read: readIds.includes(i.id),
            starred: starIds.includes(i.id) || i.id === other,
          });
        // Then the other way round, read and unread in turn on the same items: the last answered wins.
        expect((await edit(readIds, READ, false)).body).toBe('OK');
        expect((await edit(readIds.slice(0, 3), READ, true)).body).toBe('OK');
        const unread = await cli(['--db', db, '--json', 'items', '--read']);
        expect(unread.stdout.split('\n').filter(Boolean)).toHaveLength(3);
      } finally {
        expect(await s.stop()).toBe(0);
      }
    },
  );
}

describe('edit-tag under concurrency', () => {
  concurrentCases('SQLite', async () => {
    const db = path.join(tempDir(), 'concurrent.db');
    return { db, store: openSqlite(db) };
  });
  describe.skipIf(!pgAvailable)('PostgreSQL', () => {
    concurrentCases('PostgreSQL', async () => {
      const db = await freshDatabase();
      return { db, store: await openPostgres(db) };
    });
  });
});
