// A subscription is one feed whatever URL it is reached by: the URL it was imported with stays
// its own after a 301 moves it, and a move onto a URL already subscribed merges the two. Run
// through the CLI on both engines, against a local server that redirects.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

let server: FeedServer;
beforeAll(async () => {
  const doc = rss('Moved blog', [
    { guid: 'one', title: 'One' },
    { guid: 'two', title: 'Two' },
  ]);
  server = await startFeedServer({
    '/old': (req, res) => serve(301, '', { location: `${server.url}/new` })(req, res),
    '/new': serve(200, doc),
    '/a': (req, res) => serve(301, '', { location: `${server.url}/b` })(req, res),
    '/page': serve(200, '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/b"></head></html>', {
      'content-type': 'text/html',
    }),
    '/b': serve(
      200,
      rss('B', [
        { guid: 'b1', title: 'B one' },
        { guid: 'b2', title: 'B two' },
        { guid: 'b3', title: 'B three' },
      ]),
    ),
  });
});
afterAll(async () => {
  await server?.close();
});

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const engines = [
  { engine: 'SQLite', db: async () => path.join(tempDir(), 'inkzee.db') },
  ...(pgAvailable ? [{ engine: 'PostgreSQL', db: freshDatabase }] : []),
];

describe.each(engines)('feed identity on $engine', ({ db: newDb }) => {
  const run = async (db: string, ...args: string[]) => {
    const r = await cli(['--db', db, '--json', ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return lines(r.stdout);
  };
  const opml = (body: string) => {
    const file = path.join(tempDir(), 'subs.opml');
    fs.writeFileSync(file, `<opml version="2.0"><body>${body}</body></opml>`);
    return file;
  };

  it('re-importing an OPML after a 301 moved a subscription finds it under its old URL', async () => {
    const db = await newDb();
    const file = opml(`<outline text="Blog" xmlUrl="${server.url}/old"/>`);
    expect(await run(db, 'import', file, '--no-fetch')).toMatchObject([{ type: 'import', added: 1, present: 0 }]);
    expect(await run(db, 'refresh')).toMatchObject([
      { type: 'feed', movedTo: `${server.url}/new`, mergedInto: null, newItems: 2 },
      { type: 'summary', moved: 1 },
    ]);
    expect(await run(db, 'import', file, '--no-fetch')).toMatchObject([{ type: 'import', added: 0, present: 1 }]);
    await run(db, 'refresh', '--force');
    expect((await run(db, 'feeds')).map((f) => f.url)).toEqual([`${server.url}/new`]);
    expect((await run(db, 'items')).map((i) => i.guid).sort()).toEqual(['one', 'two']);
    // The old URL still names it, as typed or spelled otherwise (host case).
    expect((await run(db, 'feeds', '--feed', `${server.url}/old`)).map((f) => f.url)).toEqual([`${server.url}/new`]);
    expect(await run(db, 'items', '--feed', `${server.url.replace('http://', 'HTTP://')}/old`)).toHaveLength(2);
  }, 60_000);

  it('a subscription that 301s (or whose page announces a feed) to another subscribed URL is merged into it: one feed, its items once, its folder kept', async () => {
    const db = await newDb();
    const file =
      opml(`<outline text="Keep"><outline text="B" xmlUrl="${server.url}/b"/></outline><outline text="Old"><outline text="A" xmlUrl="${server.url}/a"/></outline>
      <outline text="Page" xmlUrl="${server.url}/page"/>`);
    await run(db, 'import', file, '--no-fetch');
    const listed = await run(db, 'feeds');
    const [a, b, page] = ['/a', '/b', '/page'].map((p) => listed.find((f) => f.url === `${server.url}${p}`)!);
    expect(listed).toHaveLength(3);
    const events = await run(db, 'refresh');
    expect(events.find((e) => e.id === a.id)).toMatchObject({ type: 'feed', movedTo: `${server.url}/b`, mergedInto: b.id });
    expect(events.find((e) => e.id === page.id)).toMatchObject({ type: 'feed', movedTo: `${server.url}/b`, mergedInto: b.id });
    // Whichever was fetched first, B's three items are new once in all.
    expect(events.at(-1)).toMatchObject({ type: 'summary', feeds: 3, moved: 2, newItems: 3 });
    await run(db, 'refresh', '--force');
    expect(await run(db, 'feeds')).toMatchObject([{ id: b.id, url: `${server.url}/b`, category: 'Keep', title: 'B' }]);
    expect((await run(db, 'items')).map((i) => i.guid).sort()).toEqual(['b1', 'b2', 'b3']);
    // Their former URLs are the survivor's now: importing A and the page again adds nothing.
    expect(await run(db, 'import', file, '--no-fetch')).toMatchObject([{ type: 'import', added: 0, present: 3 }]);
  }, 60_000);
});
