// A store write that fails for one feed is that feed's failure, recorded on its row; a store that
// is out of service ends the run; a parser bug met by one document fails only that feed.
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import type { Feed } from '../../src/model.js';
import type { Fetcher, FetchOutcome } from '../../src/fetch/http.js';
import { refreshFeed, type RecipeDeps } from '../../src/crawl/recipe.js';
import type { Store } from '../../src/store/contract.js';
import { storeIsDown } from '../../src/store/shared/faults.js';
import { addSubscriptions, listFeeds } from '../../src/store/sqlite/feeds.js';
import { rss } from '../feed-server.js';
import { testContext } from '../helpers.js';

/** servedBy answers every URL at once with the document its path names (no network). */
const servedBy = (docs: Record<string, string>): Fetcher =>
  ({
    fetch: async (url: string): Promise<FetchOutcome> => {
      const doc = docs[new URL(url).pathname];
      if (doc === undefined) return { kind: 'failed', url, status: 404, error: 'HTTP 404', retryAfterSec: null, gone: false };
      return {
        kind: 'ok',
        url,
        status: 200,
        body: Buffer.from(doc),
        contentType: 'application/rss+xml',
        etag: null,
        lastModified: null,
        movedTo: null,
        contentLocation: null,
        contentLanguage: null,
      };
    },
  }) as unknown as Fetcher;

const sqliteError = (message: string, code: string) => Object.assign(new Error(message), { name: 'SqliteError', code });

describe('a feed whose rows the store refuses', () => {
  it('fails alone with "store: …" on its row, while the feeds written in the same SQLite batch stay stored', async () => {
    const ctx = testContext();
    const now = ctx.now().toISOString();
    addSubscriptions(
      ctx.db(),
      ['/a', '/refused', '/c'].map((p) => ({ url: `http://feeds.test${p}`, title: null, siteUrl: null, category: '' })),
      now,
    );
    ctx
      .db()
      .exec(
        `CREATE TRIGGER no_refused BEFORE INSERT ON items WHEN NEW.title = 'REFUSED' BEGIN SELECT RAISE(ABORT, 'a title this store refuses'); END`,
      );
    const store = await ctx.store();
    const deps: RecipeDeps = {
      store,
      fetcher: servedBy({
        '/a': rss('A', [{ guid: 'a', title: 'fine' }]),
        '/refused': rss('R', [
          { guid: 'r1', title: 'fine too' },
          { guid: 'r2', title: 'REFUSED' },
        ]),
        '/c': rss('C', [{ guid: 'c', title: 'fine' }]),
      }),
      signal: new AbortController().signal,
      now: ctx.now,
    };
    // All three at once: their writes share one open batch, each in its own savepoint.
    const results = await Promise.all(listFeeds(ctx.db()).map((f) => refreshFeed(f, deps)));
    expect(results.map((r) => [new URL(r.url).pathname, r.outcome, r.error])).toEqual([
      ['/a', 'updated', null],
      ['/refused', 'failed', 'store: a title this store refuses'],
      ['/c', 'updated', null],
    ]);
    // The context's second connection sees only what was committed.
    expect(ctx.db().prepare('SELECT f.url, i.key FROM items i JOIN feeds f ON f.id = i.feed_id ORDER BY i.key').raw().all()).toEqual([
      ['http://feeds.test/a', 'a'],
      ['http://feeds.test/c', 'c'],
    ]);
    expect(listFeeds(ctx.db()).find((f) => f.url.endsWith('/refused'))).toMatchObject({
      consecutiveErrors: 1,
      lastError: 'store: a title this store refuses',
      lastStatus: 200,
    });
  });
});

describe('a store that is out of service', () => {
  const feed = { id: 1, url: 'http://feeds.test/a', etag: null, lastModified: null, consecutiveErrors: 0 } as Feed;
  const failing = (err: unknown) => {
    const calls: string[] = [];
    const store = {
      recordFetch: async () => {
        calls.push('fetch');
        throw err;
      },
      recordFailure: async () => {
        calls.push('failure');
      },
    } as unknown as Store;
    return {
      calls,
      deps: {
        store,
        fetcher: servedBy({ '/a': rss('A', [{ guid: 'a', title: 'x' }]) }),
        signal: new AbortController().signal,
        now: () => new Date(),
      },
    };
  };

  it.each([
    [
      'PostgreSQL unreachable',
      new StoreError('cannot connect to PostgreSQL at db:5432/inkzee: connection refused', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    ],
    [
      'PostgreSQL shut down',
      new StoreError('cannot write db:5432/inkzee: terminating connection (SQLSTATE 57P01)', {
        cause: Object.assign(new Error('terminating'), { code: '57P01' }),
      }),
    ],
    [
      'PostgreSQL out of disk',
      new StoreError('cannot write db:5432/inkzee: could not extend file (SQLSTATE 53100)', {
        cause: Object.assign(new Error('could not extend'), { code: '53100' }),
      }),
    ],
    [
      'SQLite disk full',
      new StoreError('cannot write x.db: the disk is full (SQLITE_FULL)', {
        cause: sqliteError('database or disk is full', 'SQLITE_FULL'),
      }),
    ],
  ])("ends the run (%s): the write's error is thrown, and no failure is written onto the feed", async (_name, err) => {
    const { calls, deps } = failing(err);
    await expect(refreshFeed(feed, deps)).rejects.toBe(err);
    expect(calls).toEqual(['fetch']);
  });

  it.each([
    [
      'a SQLite constraint',
      sqliteError('UNIQUE constraint failed: items.feed_id, items.key', 'SQLITE_CONSTRAINT_UNIQUE'),
      'store: UNIQUE constraint failed: items.feed_id, items.key',
    ],
    [
      'a PostgreSQL index row too big',
      new StoreError('cannot write db:5432/inkzee: index row size 3000 exceeds btree version 4 maximum 2704 (SQLSTATE 54000)', {
        cause: Object.assign(new Error('index row size'), { code: '54000' }),
      }),
      'store: cannot write db:5432/inkzee: index row size 3000 exceeds btree version 4 maximum 2704 (SQLSTATE 54000)',
    ],
    [
      "a bug met with this feed's rows",
      new StoreError('cannot write db:5432/inkzee: Cannot set properties of undefined', {
        cause: new TypeError('Cannot set properties of undefined'),
      }),
      'store: cannot write db:5432/inkzee: Cannot set properties of undefined',
    ],
    ['a bug in SQLite code', new TypeError('x is not a function'), 'store: TypeError: x is not a function'],
  ])('but not for %s, which fails that feed alone', async (_name, err, reason) => {
    expect(storeIsDown(err)).toBe(false);
    const { calls, deps } = failing(err);
    expect(await refreshFeed(feed, deps)).toMatchObject({ outcome: 'failed', error: reason });
    expect(calls).toEqual(['fetch', 'failure']);
  });
});

describe('a parser bug met by one document', () => {
  it('fails that feed as "parse: internal error (…)" on one line instead of ending the crawl', async () => {
    const ctx = testContext();
    addSubscriptions(ctx.db(), [{ url: 'http://feeds.test/a', title: null, siteUrl: null, category: '' }], ctx.now().toISOString());
    const deps: RecipeDeps = {
      store: await ctx.store(),
      fetcher: servedBy({ '/a': rss('A', []) }),
      signal: new AbortController().signal,
      now: ctx.now,
      parse: async () => {
        throw new Error('parse worker: TypeError: boom\n    at mapRss (rss.js:1:1)');
      },
    };
    const [f] = listFeeds(ctx.db());
    expect(await refreshFeed(f, deps)).toMatchObject({ outcome: 'failed', error: 'parse: internal error (parse worker: TypeError: boom)' });
    expect(listFeeds(ctx.db())[0]).toMatchObject({
      consecutiveErrors: 1,
      lastError: 'parse: internal error (parse worker: TypeError: boom)',
    });
  });

  it('records a reason that quotes the document on one well-formed line without NUL', async () => {
    const ctx = testContext();
    addSubscriptions(ctx.db(), [{ url: 'http://feeds.test/a', title: null, siteUrl: null, category: '' }], ctx.now().toISOString());
    const deps: RecipeDeps = {
      store: await ctx.store(),
      fetcher: servedBy({}),
      signal: new AbortController().signal,
      now: ctx.now,
      parse: async () => ({ kind: 'invalid', reason: 'not valid JSON (x\u0000y\ud800\nz)' }),
    };
    (deps.fetcher as unknown as { fetch: unknown }).fetch = async (url: string) => ({
      kind: 'ok',
      url,
      status: 200,
      body: Buffer.from('{'),
      contentType: 'application/json',
      etag: null,
      lastModified: null,
      movedTo: null,
      contentLocation: null,
      contentLanguage: null,
    });
    const [f] = listFeeds(ctx.db());
    expect(await refreshFeed(f, deps)).toMatchObject({ outcome: 'failed', error: 'parse: not valid JSON (xy\ufffd z)' });
  });
});
