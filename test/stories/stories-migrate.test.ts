// The upgrade that brings stories files the items already stored, once, on both engines: a store
// is taken back to the schema before it (the step's own column and table dropped, the version one
// lower), then opened again by the CLI. Copies are found, read state is left as it was.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { sql } from '../store/prune-rows.js';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer({
    '/one': serve(
      200,
      rss('one', [
        { guid: 'o-1', title: 'Shared post', link: 'https://blog.example.com/shared?utm_source=one' },
        { guid: 'o-2', title: 'Only here', link: 'https://blog.example.com/only' },
      ]),
    ),
    '/two': serve(200, rss('two', [{ guid: 't-1', title: 'Shared post, again', link: 'http://blog.example.com/shared#top' }])),
  });
});
afterAll(async () => {
  await server?.close();
});

const ndjson = (r: CliResult) =>
  r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** unmigrate takes a store back to the schema before stories. */
async function unmigrate(db: string): Promise<void> {
  if (db.startsWith('postgres')) {
    for (const s of ['DROP TABLE story_links', 'ALTER TABLE items DROP COLUMN story_id', 'UPDATE inkzee_schema SET version = version - 1'])
      await sql(db, s);
    return;
  }
  const v = Number((await sql(db, 'PRAGMA user_version'))[0].user_version);
  for (const s of [
    'DROP INDEX items_story',
    'DROP TABLE story_links',
    'ALTER TABLE items DROP COLUMN story_id',
    `PRAGMA user_version = ${v - 1}`,
  ])
    await sql(db, s);
}

describe.each(pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'])('the upgrade to stories (%s)', (engine) => {
  it('files the items stored before it, leaving their read state alone', async () => {
    const dir = tempDir();
    const db = engine === 'sqlite' ? path.join(dir, 'inkzee.db') : await freshDatabase();
    const opml = path.join(dir, 'subs.opml');
    fs.writeFileSync(
      opml,
      `<opml version="2.0"><body><outline xmlUrl="${server.url}/one"/><outline xmlUrl="${server.url}/two"/></body></opml>`,
    );
    expect((await cli(['--db', db, 'import', opml, '--no-fetch'])).code).toBe(0);
    for (const p of ['/one', '/two']) expect((await cli(['--db', db, 'refresh', '--feed', `${server.url}${p}`])).code).toBe(0);
    await unmigrate(db);
    // Read before the upgrade, one copy only: the upgrade does not spread it.
    await sql(db, "UPDATE items SET read_at = '2026-01-01T00:00:00.000Z' WHERE guid = 't-1'");
    const r = await cli(['--db', db, '--json', 'items', '--unique']);
    expect(r.code, r.stderr).toBe(0);
    const stories = ndjson(r).map((i) => [i.guid, (i.alsoIn as unknown[]).length, i.read]);
    expect(stories.sort()).toEqual([
      ['o-1', 1, false],
      ['o-2', 0, false],
    ]);
    const all = ndjson(await cli(['--db', db, '--json', 'items']));
    expect(all.find((i) => i.guid === 't-1')!.read).toBe(true);
    // Marks reach the copies filed by the upgrade.
    const o1 = all.find((i) => i.guid === 'o-1')!.id as number;
    expect(ndjson(await cli(['--db', db, '--json', 'mark', 'star', String(o1)]))[0]).toMatchObject({ items: 2 });
  });
});
