// `inkzee add`, `remove`, `edit`, `pause` and `resume` on PostgreSQL print what they print on
// SQLite, with the same exit codes, run for run through the CLI; and on PostgreSQL too a removed
// feed takes every row of its own with it, and a late fetch of it is dropped.
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type CliResult } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { background, inkzee, records, startWorld, type World } from './subscriptions-world.js';

// Fields that name a moment, which two stores filled at different times cannot share.
const VOLATILE = new Set(['addedAt', 'lastFetchedAt', 'pausedAt', 'ms', 'seconds', 'path', 'bytes']);
const steady = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(steady)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !VOLATILE.has(k))
            .map(([k, x]) => [k, steady(x)]),
        )
      : typeof v === 'string'
        ? v.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>') // "gone (HTTP 410) since …", a next check
        : v;
/** stable is what two stores must print alike: exit code, stderr, and the records without times (in any order: a crawl's events race). */
const stable = (r: CliResult) => ({
  code: r.code,
  stderr: r.stderr,
  records: records(r)
    .map((o) => JSON.stringify(steady(o)))
    .sort(),
});

let w: World;
beforeAll(async () => {
  if (pgAvailable) w = await startWorld();
});
afterAll(async () => {
  await w?.server.close();
});

/** sql runs one query on a PostgreSQL store. */
async function sql(url: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}
const count = async (url: string, table: string) => Number((await sql(url, `SELECT count(*) AS n FROM ${table}`))[0].n);

// Thirty-odd CLI runs on each engine: minutes on a machine shared with other runs.
describe.skipIf(!pgAvailable)('subscriptions on PostgreSQL', { timeout: 600_000 }, () => {
  it('add, remove, edit, pause and resume print the same and exit the same as on SQLite, bad inputs included', async () => {
    const db = { sqlite: path.join(tempDir(), 'inkzee.db'), postgres: await freshDatabase() };
    const steps: { args: string[]; input?: string }[] = [
      { args: ['add', w.url('/page'), '--category', 'Tech/Blogs', '--title', 'My blog'] },
      { args: ['--json', 'add', w.url('/page')] },
      { args: ['add', w.url('/b'), w.url('/missing'), '-'], input: `# list\n${w.url('/nolink')}\n${w.url('/c')}\n` },
      { args: ['add', w.url('/text')] },
      { args: ['add', w.down] },
      { args: ['add', 'ftp://example.com/feed'] },
      { args: ['--json', 'add', w.url('/gone'), '--no-fetch', '--category', 'Later'] },
      { args: ['add', '-'], input: '\n' },
      { args: ['--json', 'feeds'] },
      { args: ['edit', '2', '--title', 'Bee', '--category', 'News/Daily'] },
      { args: ['edit', '2', '--url', w.url('/page')] },
      { args: ['--json', 'edit', '2', '--url', w.url('/a')] },
      { args: ['edit', '2'] },
      { args: ['edit', '9', '--title', 'X'] },
      { args: ['edit', '3', '--url', w.url('/not-served'), '--category', ''] },
      { args: ['pause', '1', w.url('/c')] },
      { args: ['pause', '1'] },
      { args: ['pause', '1', '99'] },
      { args: ['--json', 'feeds'] },
      { args: ['--json', 'stats'] },
      { args: ['--json', 'refresh', '--force'] },
      { args: ['--json', 'refresh', '--feed', '1'] },
      { args: ['--json', 'feeds', '--failing'] },
      { args: ['resume', '--category', 'tech'] },
      { args: ['--json', 'resume', '4', '2'] },
      { args: ['remove', '--category', 'News'] },
      { args: ['remove', '1', '77'] },
      { args: ['remove', '--category', 'News', '--yes'] },
      { args: ['--json', 'remove', w.url('/page'), '4'] },
      { args: ['--json', 'feeds'] },
      { args: ['export'] },
    ];
    for (const s of steps) {
      const lite = await inkzee(db.sqlite, s.args, s.input);
      const post = await inkzee(db.postgres, s.args, s.input);
      const same = (r: CliResult) =>
        s.args[0] === 'export' ? { code: r.code, opml: r.stdout.replace(/<dateCreated>.*</, '') } : stable(r);
      expect({ args: s.args, ...same(post) }).toEqual({ args: s.args, ...same(lite) });
    }
  });

  it('remove takes the items, search rows, labels, corrections, former URLs and pruned keys with the feed', async () => {
    const db = await freshDatabase();
    expect((await inkzee(db, ['add', w.url('/page'), '--category', 'X'])).code).toBe(0);
    expect((await inkzee(db, ['add', w.url('/b'), '--category', 'Y'])).code).toBe(0);
    expect((await inkzee(db, ['classify', 'train', '--from-folders'])).code).toBe(0);
    expect((await inkzee(db, ['classify'])).code).toBe(0);
    expect((await inkzee(db, ['classify', 'teach', '1', 'Y'])).code).toBe(0);
    await sql(db, "INSERT INTO pruned_keys (feed_id, key, pruned_at) VALUES (1, 'old', '2026-01-01T00:00:00Z')");
    const before = { items: await count(db, 'items'), search: await count(db, 'item_search'), labels: await count(db, 'item_labels') };
    expect(before).toEqual({ items: 5, search: 5, labels: 5 });
    const r = await inkzee(db, ['remove', w.url('/page')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('removed feed 1 "Feed A" and its 3 items\n');
    expect(await sql(db, 'SELECT id FROM feeds')).toEqual([{ id: expect.anything() }]);
    expect(await count(db, 'items')).toBe(2);
    expect(await count(db, 'item_search')).toBe(2);
    expect(await count(db, 'item_labels')).toBe(2);
    expect(await count(db, 'corrections')).toBe(0);
    expect(await count(db, 'pruned_keys')).toBe(0);
    expect((await sql(db, 'SELECT url FROM feed_urls')).map((u) => u.url)).toEqual([w.url('/b')]);
  });

  it('a feed removed while a refresh holds its fetch is not re-created by the late result; the crawl goes on', async () => {
    const db = await freshDatabase();
    await inkzee(db, ['add', w.url('/slow'), '--no-fetch']);
    await inkzee(db, ['add', w.url('/b')]);
    const refresh = background(db, ['--json', 'refresh', '--force']);
    await w.slowAsked();
    const r = await inkzee(db, ['remove', '1']);
    expect(r.code).toBe(0);
    w.release();
    expect((await refresh).code).toBe(0);
    expect((await sql(db, 'SELECT id FROM feeds')).map((f) => Number(f.id))).toEqual([2]);
    expect((await sql(db, 'SELECT DISTINCT feed_id FROM items')).map((f) => Number(f.feed_id))).toEqual([2]);
    expect((await sql(db, 'SELECT feed_id FROM feed_urls')).map((f) => Number(f.feed_id))).toEqual([2]);
  });

  it('a worker never claims a paused feed; resumed, it is fetched at once', async () => {
    const db = await freshDatabase();
    await inkzee(db, ['add', w.url('/c'), '--no-fetch']);
    await inkzee(db, ['pause', '1']);
    const hits = w.server.hits('/c');
    const worker = await inkzee(db, ['--json', 'worker', '--exit-when-idle', '--allow-private-networks']);
    expect(worker.code).toBe(0);
    expect(w.server.hits('/c')).toBe(hits);
    await inkzee(db, ['resume', '1']);
    expect((await inkzee(db, ['--json', 'worker', '--exit-when-idle', '--allow-private-networks'])).code).toBe(0);
    expect(w.server.hits('/c')).toBe(hits + 1);
    expect(await count(db, 'items')).toBe(1);
  });
});
