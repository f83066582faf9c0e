// The PostgreSQL store's core (subscriptions, due feeds, storing fetches, host claims, opening)
// checked against the SQLite store doing the same things, and against itself under concurrency.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item, Subscription } from '../../src/model.js';
import type { FetchRecord, Store } from '../../src/store/contract.js';
import { pgMigrations } from '../../src/store/postgres/migrations.js';
import { openPostgres, type PgStore } from '../../src/store/postgres/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { collect, tempDir, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const NOW = '2026-01-10T00:00:00.000Z';
const LATER = '2026-01-11T00:00:00.000Z';

const item = itemOf;

const SUBS: Subscription[] = [
  { url: 'https://b.example/feed', title: 'beta', siteUrl: null, category: 'Tech' },
  { url: 'https://a.example/feed', title: 'Alpha', siteUrl: 'https://a.example/', category: 'Tech' },
  { url: 'https://c.example/feed', title: null, siteUrl: null, category: 'Tech' },
  { url: 'https://d.example/feed', title: 'Éclair', siteUrl: null, category: 'Tech' },
  { url: 'https://e.example/feed', title: 'zulu', siteUrl: null, category: 'Tech' },
  // Only ASCII is folded: "Éb" sorts before "éa" (as bytes, É < é), which a Unicode fold would swap.
  { url: 'https://e.example/feed2', title: 'éa', siteUrl: null, category: 'Tech' },
  { url: 'https://e.example/feed3', title: 'Éb', siteUrl: null, category: 'Tech' },
  { url: 'https://a.example/feed', title: 'Alpha again', siteUrl: null, category: 'Other' },
  { url: 'https://f.example/feed', title: 'News', siteUrl: null, category: '' },
  { url: 'https://g.example:8443/FEED', title: 'Tech subfolder', siteUrl: null, category: 'Tech/Sub' },
  { url: 'https://h.example/feed', title: 'Technology', siteUrl: null, category: 'Technology' },
];

const ITEMS: Item[] = [
  item({
    key: 'k1',
    guid: 'k1',
    title: 'First',
    published: '2026-01-09T00:00:00.000Z',
    summary: '<p>Hello <b>world</b></p>',
    categories: ['Rust', 'Ökonomie'],
  }),
  item({
    key: 'k2',
    title: 'Second, from the future',
    published: '2030-01-01T00:00:00.000Z',
    content: 'body',
    enclosures: [{ url: 'https://a.example/1.mp3', type: 'audio/mpeg', length: 123456789012, duration: 61 }],
    duration: 3600.0,
    episode: 3,
    season: 1,
    explicit: false,
    comments: 'https://a.example/c',
    transcriptUrl: 'https://a.example/t',
    chaptersUrl: 'https://a.example/ch',
  }),
  item({ key: 'k3', title: 'Undated', explicit: true }),
  // The same key twice: stored once, then updated by the second (SQLite's loop counts 1 added + 1 updated).
  item({ key: 'k4', title: 'Twice (first)' }),
  item({ key: 'k4', title: 'Twice (second)' }),
];

const fetched = (items: Item[] | undefined, movedTo: string | null = null): FetchRecord => ({
  items,
  movedTo,
  state: {
    status: 200,
    etag: '"v1"',
    lastModified: null,
    error: null,
    nextCheckAt: null,
    title: 'Doc title',
    siteUrl: 'https://site/',
    meta: { title: 'Doc title', description: 'About', language: 'en', imageUrl: null },
  },
});

/** story runs the same crawl-side calls on a store and returns everything they answered and left. */
async function story(s: Store) {
  const out: Record<string, unknown> = {};
  out.add = await s.addSubscriptions(SUBS, NOW);
  out.addAgain = await s.addSubscriptions(SUBS.slice(0, 2), LATER);
  out.list = await s.listFeeds();
  out.listTech = await s.listFeeds({ category: 'Tech' });
  out.listOne = await s.listFeeds({ feed: '2' });
  out.listUrl = await s.listFeeds({ feed: 'https://f.example/feed' });
  out.listHuge = await s.listFeeds({ feed: '99999999999999999999999' });
  out.first = await s.recordFetch(1, fetched(ITEMS), NOW);
  out.again = await s.recordFetch(1, fetched(ITEMS), LATER);
  const changed = [
    item({ ...ITEMS[0], summary: 'changed' }),
    ...ITEMS.slice(1, 3),
    item({ key: 'k5', title: 'new', published: '2026-01-10T12:00:00.000Z' }),
  ];
  out.changed = await s.recordFetch(1, fetched(changed), LATER);
  out.same = await s.recordFetch(1, fetched(changed), LATER);
  out.notModified = await s.recordFetch(4, { movedTo: null, state: { status: 304, etag: '"e"', error: null, nextCheckAt: null } }, LATER);
  out.moveTaken = await s.recordFetch(1, fetched(undefined, 'https://a.example/feed'), LATER);
  out.moved = await s.recordFetch(
    3,
    { movedTo: 'https://new.example/feed', state: { status: 304, error: null, nextCheckAt: '2026-01-12T00:00:00.000Z' } },
    LATER,
  );
  await s.recordFailure(2, { status: 500, error: 'HTTP 500', nextCheckAt: '2026-01-10T06:00:00.000Z' }, NOW);
  await s.recordFailure(2, { status: 410, error: 'HTTP 410', nextCheckAt: '2026-01-10T07:00:00.000Z', disabledReason: 'gone' }, NOW);
  out.failing = await s.listFeeds({ failing: true });
  out.due = await s.dueFeeds({ now: LATER });
  out.dueEarly = await s.dueFeeds({ now: '2026-01-11T00:00:00.000Z' });
  out.dueForce = await s.dueFeeds({ now: LATER, force: true, includeDisabled: true, ids: [2, 3, 4] });
  out.dueIds = await s.dueFeeds({ now: LATER, ids: [2, 3, 4] });
  out.dueChecked = await s.dueFeeds({ now: LATER, checkedBefore: '2026-01-10T12:00:00.000Z' });
  out.countDue = await s.countDue({ now: LATER });
  out.countAll = await s.countDue({ now: LATER, force: true, includeDisabled: true });
  out.after = await s.listFeeds();
  out.items = (await collect(s.items({}))).map(({ id, ...rest }) => rest);
  out.tagged = (await collect(s.items({ tags: ['ökonomie'] }))).map((i) => i.title);
  out.found = (await collect(s.search('hello', {}))).map((i) => i.title);
  return out;
}

describe.skipIf(!pgAvailable)('the PostgreSQL store core', () => {
  let url: string;
  let store: PgStore;
  const opened: PgStore[] = [];
  const open = async (u = url) => {
    const s = await openPostgres(u);
    opened.push(s);
    return s;
  };
  beforeAll(async () => {
    url = await freshDatabase();
    store = await open();
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  it('adds, lists, picks due feeds and stores fetches exactly as the SQLite store does', async () => {
    const lite = openSqlite(path.join(tempDir(), 'core.db'));
    const want = await story(lite);
    await lite.close();
    const got = await story(store);
    for (const k of Object.keys(want)) expect([k, got[k]]).toEqual([k, want[k]]);
    // The figures themselves, so that a bug shared by both stores shows too.
    expect(want.add).toMatchObject({ present: 1 });
    expect((want.add as { added: unknown[] }).added).toHaveLength(10);
    expect(want.first).toEqual({ added: 4, updated: 1, movedTo: null, mergedInto: null, newIds: [1, 2, 3, 4] });
    expect(want.again).toEqual({ added: 0, updated: 2, movedTo: null, mergedInto: null, newIds: [] }); // k4's two versions alternate
    expect(want.changed).toEqual({ added: 1, updated: 1, movedTo: null, mergedInto: null, newIds: [5] });
    expect(want.same).toEqual({ added: 0, updated: 0, movedTo: null, mergedInto: null, newIds: [] });
    // Feed 1 moving onto feed 2's URL is feed 2: merged into it, its row gone, its items now feed 2's.
    expect(want.moveTaken).toMatchObject({ movedTo: 'https://a.example/feed', mergedInto: 2 });
    expect((want.after as { id: number }[]).map((f) => f.id)).not.toContain(1);
    expect(want.moved).toMatchObject({ movedTo: 'https://new.example/feed', mergedInto: null });
    // By category, then title with ASCII case folded (É sorts after z, as a byte), no title first.
    expect((want.list as { title: string | null }[]).map((f) => f.title)).toEqual([
      'News',
      null,
      'Alpha',
      'beta',
      'zulu',
      'Éb',
      'Éclair',
      'éa',
      'Tech subfolder',
      'Technology',
    ]);
  });

  it("keeps each feed's host, also after a move, and a host row for each", async () => {
    const { rows } = await store.db.pool.query('SELECT url, host FROM feeds ORDER BY id');
    for (const r of rows) expect(r.host).toBe(new URL(r.url).host);
    expect(rows.map((r) => r.host)).toContain('new.example');
    expect(rows.map((r) => r.host)).toContain('g.example:8443');
    const hosts = (await store.db.pool.query('SELECT host FROM hosts')).rows.map((r) => r.host);
    // A host a feed moved away from (c.example), or whose feed was merged into another
    // (b.example), keeps its row (it may have other feeds; leases are per host).
    expect(hosts.sort()).toEqual([...new Set([...rows.map((r) => r.host), 'b.example', 'c.example'])].sort());
  });

  it('writes a search row for every stored item, and folds tags as the tag filter does', async () => {
    const { rows } = await store.db.pool.query(
      `SELECT i.key, i.tags, s.doc::text AS doc FROM items i LEFT JOIN item_search s ON s.item_id = i.id ORDER BY i.id`,
    );
    expect(rows.every((r) => r.doc !== null)).toBe(true);
    // The title and its categories as folded terms, weighted A.
    expect(rows.find((r) => r.key === 'k1')).toMatchObject({
      tags: ['rust', 'ökonomie'],
      doc: "'changed':4B 'first':1A 'okonomie':3A 'rust':2A",
    });
  });
});

const hostFeeds = (hosts: number, perHost: number): Subscription[] =>
  Array.from({ length: hosts * perHost }, (_, k) => ({
    // Interleaved, so that a host's feeds are not neighbours in id order.
    url: `http://h${k % hosts}.example/feed${Math.floor(k / hosts)}`,
    title: null,
    siteUrl: null,
    category: '',
  }));
const hostsOf = (feeds: { url: string }[]) => new Set(feeds.map((f) => new URL(f.url).host));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pgAvailable)('host claims on PostgreSQL', () => {
  const opened: PgStore[] = [];
  const open = async (u: string) => {
    const s = await openPostgres(u);
    opened.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  it('gives two workers claiming at once disjoint hosts that together are all of them', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    await a.addSubscriptions(hostFeeds(50, 3), NOW);
    const claimAll = async (s: PgStore, worker: string) => {
      const got: { url: string; id: number }[] = [];
      for (let batch; (batch = await s.claimHosts({ worker, maxHosts: 3, leaseMs: 60_000, now: NOW })).length;) got.push(...batch);
      return got;
    };
    const [fa, fb] = await Promise.all([claimAll(a, 'worker-a'), claimAll(b, 'worker-b')]);
    const [ha, hb] = [hostsOf(fa), hostsOf(fb)];
    expect([...ha].filter((h) => hb.has(h))).toEqual([]);
    expect(ha.size + hb.size).toBe(50);
    // Each host's three feeds go to the worker that won it, and every feed to someone once.
    expect(fa.length).toBe(ha.size * 3);
    expect(fb.length).toBe(hb.size * 3);
    expect(new Set([...fa, ...fb].map((f) => f.id)).size).toBe(150);
    // Both took part (with 3 hosts a claim, one worker alone would need 17 rounds).
    expect(ha.size).toBeGreaterThan(0);
    expect(hb.size).toBeGreaterThan(0);
    const { rows } = await a.db.pool.query('SELECT host, worker FROM hosts');
    for (const r of rows) expect(r.worker).toBe(ha.has(r.host) ? 'worker-a' : 'worker-b');
  });

  it('claims only due feeds, first hosts first, and returns them in id order', async () => {
    const url = await freshDatabase();
    const s = await open(url);
    await s.addSubscriptions(hostFeeds(3, 2), NOW); // ids 1..6: h0 h1 h2 h0 h1 h2
    await s.recordFailure(1, { status: 500, error: 'x', nextCheckAt: LATER }, NOW); // h0's first feed not due
    await s.recordFailure(2, { status: 410, error: 'x', nextCheckAt: null, disabledReason: 'gone' }, NOW); // h1's first disabled
    const first = await s.claimHosts({ worker: 'w', maxHosts: 1, leaseMs: 60_000, now: NOW });
    expect(first.map((f) => f.id)).toEqual([3, 6]); // h2 has the lowest due id (3)
    const rest = await s.claimHosts({ worker: 'w', maxHosts: 5, leaseMs: 60_000, now: NOW });
    expect(rest.map((f) => f.id)).toEqual([4, 5]);
    expect(await s.claimHosts({ worker: 'w2', maxHosts: 5, leaseMs: 60_000, now: NOW })).toEqual([]);
  });

  it('lets another worker retake an expired lease but not a live one', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    await a.addSubscriptions(hostFeeds(2, 1), NOW);
    const short = await a.claimHosts({ worker: 'a', maxHosts: 1, leaseMs: 300, now: NOW });
    const long = await a.claimHosts({ worker: 'a', maxHosts: 1, leaseMs: 60_000, now: NOW });
    expect([short.length, long.length]).toEqual([1, 1]);
    expect(await b.claimHosts({ worker: 'b', maxHosts: 5, leaseMs: 60_000, now: NOW })).toEqual([]);
    await sleep(500);
    const taken = await b.claimHosts({ worker: 'b', maxHosts: 5, leaseMs: 60_000, now: NOW });
    expect(taken.map((f) => f.id)).toEqual(short.map((f) => f.id));
    // The dead worker's lease is gone: it can no longer renew it, nor release b's.
    const h = [...hostsOf(short)];
    expect(await a.renewLeases('a', h, 60_000)).toEqual([]);
    await a.releaseHosts('a', h);
    expect((await a.db.pool.query('SELECT worker FROM hosts WHERE host = $1', [h[0]])).rows[0].worker).toBe('b');
  });

  it('renews only the leases a worker holds, and a release frees its hosts for others', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    await a.addSubscriptions(hostFeeds(3, 1), NOW);
    const held = [...hostsOf(await a.claimHosts({ worker: 'a', maxHosts: 2, leaseMs: 400, now: NOW }))];
    expect(held).toHaveLength(2);
    expect(await b.renewLeases('b', held, 60_000)).toEqual([]);
    expect(await a.renewLeases('a', [...held, 'h2.example'], 60_000)).toEqual(held);
    await sleep(600); // past the first lease, not the renewed one
    expect([...hostsOf(await b.claimHosts({ worker: 'b', maxHosts: 5, leaseMs: 60_000, now: NOW }))]).toEqual(['h2.example']);
    await b.releaseHosts('a', ['h2.example']); // not a's to release
    await a.releaseHosts('a', held);
    expect([...hostsOf(await b.claimHosts({ worker: 'b', maxHosts: 5, leaseMs: 60_000, now: NOW }))].sort()).toEqual([...held].sort());
  });
});

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: Error) => err,
  );

describe.skipIf(!pgAvailable)('opening a PostgreSQL store', () => {
  it('reports a refused connection in one line naming host, port and database', async () => {
    const port = await freePort();
    const err = await failure(openPostgres(`postgres://inkzee:s3cret-pw@127.0.0.1:${port}/inkzee`));
    expect(err.message).toBe(`store: cannot connect to PostgreSQL at 127.0.0.1:${port}/inkzee: connection refused`);
  });

  it('reports a wrong password without showing it', async () => {
    const u = new URL(await freshDatabase());
    u.password = 'not-the-Pa55word';
    const err = await failure(openPostgres(u.href));
    expect(err.message).toMatch(
      new RegExp(
        `^store: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${u.port}${u.pathname}: password authentication failed for user "inkzee"$`,
      ),
    );
    expect(err.message).not.toContain('not-the-Pa55word');
    expect(err.message).not.toContain('\n');
  });

  it('reports an unknown database', async () => {
    const u = new URL(await freshDatabase());
    u.pathname = '/no_such_db';
    const err = await failure(openPostgres(u.href));
    expect(err.message).toBe(`store: cannot connect to PostgreSQL at 127.0.0.1:${u.port}/no_such_db: database "no_such_db" does not exist`);
  });

  it('gives up on a server that never answers after the connection timeout', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await failure(openPostgres(`postgres://inkzee:pw@127.0.0.1:${port}/inkzee`, { connectionTimeoutMs: 300 }));
      expect(err.message).toBe(`store: cannot connect to PostgreSQL at 127.0.0.1:${port}/inkzee: it did not answer within 0.3 s`);
    } finally {
      silent.close();
    }
  });

  it('refuses a database whose schema is newer than this Inkzee', async () => {
    const url = await freshDatabase();
    const s = await openPostgres(url);
    await s.db.pool.query('UPDATE inkzee_schema SET version = $1', [pgMigrations.length + 1]);
    await s.close();
    const u = new URL(url);
    const err = await failure(openPostgres(url));
    expect(err.message).toBe(
      `store: cannot open 127.0.0.1:${u.port}${u.pathname}: database schema version ${pgMigrations.length + 1} is newer than this Inkzee understands (${pgMigrations.length}); upgrade Inkzee`,
    );
  });

  it('migrates a fresh database once when several processes open it at the same moment', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url)));
    try {
      const { rows } = await stores[0].db.pool.query('SELECT version FROM inkzee_schema');
      expect(rows).toEqual([{ version: pgMigrations.length }]);
      await stores[1].addSubscriptions(SUBS.slice(0, 1), NOW);
      expect((await stores[3].listFeeds()).map((f) => f.url)).toEqual([SUBS[0].url]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const again = await openPostgres(url);
    expect(again.location).toBe(new URL(url).href.replace(`:${new URL(url).password}@`, '@'));
    await again.close();
  });
});
