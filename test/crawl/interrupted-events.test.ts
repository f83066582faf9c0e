// A crawl stopped by SIGTERM reports every feed it was given exactly once — stored, aborted in
// flight, or never started — and its summary is the sum of those events, on both engines (SQLite
// crawls a list of due feeds; PostgreSQL claims them host by host).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { cli, ROOT, tempDir } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const FEEDS = 40;

let server: FeedServer;
afterEach(async () => {
  await server?.close();
});

/** slowFeeds serves FEEDS feeds that each answer after half a second, and counts the answers sent. */
async function slowFeeds(): Promise<{ urls: string[]; answered: () => number }> {
  let answered = 0;
  server = await startFeedServer();
  const urls: string[] = [];
  for (let k = 0; k < FEEDS; k++) {
    server.route(`/s${k}`, (req, res) => {
      const t = setTimeout(() => {
        serve(200, rss(`S${k}`, [{ guid: `s${k}`, title: `slow ${k}` }]))(req, res);
        answered++;
      }, 500);
      res.on('close', () => clearTimeout(t));
    });
    urls.push(`${server.url}/s${k}`);
  }
  return { urls, answered: () => answered };
}

/** subscribed makes a store of the engine holding the feeds, none crawled yet. */
async function subscribed(engine: 'sqlite' | 'postgres', urls: string[]): Promise<string> {
  const dir = tempDir();
  const db = engine === 'sqlite' ? path.join(dir, 'x.db') : await freshDatabase();
  const opml = path.join(dir, 'subs.opml');
  fs.writeFileSync(opml, `<opml version="2.0"><body>${urls.map((u) => `<outline xmlUrl="${u}"/>`).join('')}</body></opml>`);
  expect((await cli(['--db', db, '--quiet', 'import', opml, '--no-fetch'])).code).toBe(0);
  return db;
}

/** refreshStopped runs `refresh` with four feeds at a time and sends SIGTERM once a few have been answered. */
async function refreshStopped(
  db: string,
  answered: () => number,
  flags: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, ...flags, 'refresh', '--concurrency', '4', '--per-host', '8'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME },
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  while (answered() < 6) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100)); // let those be stored
  child.kill('SIGTERM');
  return { code: await exited, out, err };
}

type Event = { type: string; id?: number; outcome?: string; newItems?: number; [k: string]: unknown };

describe.each([['sqlite'], ...(pgAvailable ? [['postgres']] : [])] as ['sqlite' | 'postgres'][])(
  'an interrupted refresh on %s',
  (engine) => {
    it('with --json gives every feed exactly one event, and a summary equal to the events, then exits 130', async () => {
      const feeds = await slowFeeds();
      const db = await subscribed(engine, feeds.urls);
      const r = await refreshStopped(db, feeds.answered, ['--json']);
      expect(r.code, r.err).toBe(130);
      const lines: Event[] = r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const events = lines.filter((e) => e.type === 'feed');
      const summary = lines.at(-1)!;
      expect(summary.type).toBe('summary');
      const ids = (
        JSON.parse(`[${(await cli(['--db', db, '--json', 'feeds'])).stdout.trim().split('\n').join(',')}]`) as { id: number }[]
      ).map((f) => f.id);
      expect(events.map((e) => e.id).sort((a, b) => a! - b!)).toEqual(ids.sort((a, b) => a - b));
      const count = (outcome: string) => events.filter((e) => e.outcome === outcome).length;
      expect(summary).toMatchObject({
        feeds: events.length,
        updated: count('updated'),
        unchanged: count('unchanged'),
        notModified: count('not-modified'),
        failed: count('failed'),
        interrupted: count('interrupted'),
        newItems: events.reduce((n, e) => n + e.newItems!, 0),
      });
      // Some were stored before the signal, and most were never started.
      expect(summary.updated).toBeGreaterThan(0);
      expect(summary.interrupted).toBeGreaterThan(FEEDS / 2);
      expect(r.err).toContain(`inkzee: interrupted: ${FEEDS - count('interrupted')} of ${FEEDS} feeds crawled and stored`);
    }, 60_000);

    it('without --json says how many feeds were stored and how many were not crawled, as the store holds them', async () => {
      const feeds = await slowFeeds();
      const db = await subscribed(engine, feeds.urls);
      const r = await refreshStopped(db, feeds.answered, []);
      expect(r.code, r.err).toBe(130);
      const m = /^(\d+) feeds: (\d+) updated, (\d+) unchanged, (\d+) not modified, (\d+) failed, (\d+) not crawled \(interrupted\);/m.exec(
        r.err,
      );
      expect(m, r.err).not.toBeNull();
      const [feedCount, updated, unchanged, notModified, failed, interrupted] = m!.slice(1).map(Number);
      expect(feedCount).toBe(FEEDS);
      expect(updated + unchanged + notModified + failed + interrupted).toBe(FEEDS);
      const stored = (await cli(['--db', db, '--json', 'feeds'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { itemCount: number })
        .filter((f) => f.itemCount > 0).length;
      expect(updated).toBe(stored);
      expect(r.err).toContain(`inkzee: interrupted: ${updated} of ${FEEDS} feeds crawled and stored`);
    }, 60_000);
  },
);
