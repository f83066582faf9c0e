import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startFeedServer, serve, rss, type FeedServer } from '../feed-server.js';
import { cli, ROOT, tempDir } from '../helpers.js';

let server: FeedServer;
afterEach(async () => {
  await server?.close();
});

function opmlFor(urls: string[]): string {
  const dir = tempDir();
  const file = path.join(dir, 'subs.opml');
  fs.writeFileSync(
    file,
    `<opml version="2.0"><body><outline text="Feeds">${urls.map((u) => `<outline type="rss" xmlUrl="${u}"/>`).join('')}</outline></body></opml>`,
  );
  return file;
}

describe('crawling from the command line', () => {
  it('imports and crawls, writes NDJSON events and a summary, and exits 3 when some feeds failed', async () => {
    server = await startFeedServer({ '/a': serve(200, rss('A', [{ guid: '1', title: 'one' }])), '/b': serve(500, 'oops') });
    const db = path.join(tempDir(), 'x.db');
    const r = await cli(['--db', db, '--json', 'import', opmlFor([`${server.url}/a`, `${server.url}/b`])]);
    expect(r.code).toBe(3);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'import', added: 2 });
    expect(events.filter((e) => e.type === 'feed').map((e) => [e.url.slice(-2), e.outcome, e.newItems])).toEqual(
      expect.arrayContaining([
        ['/a', 'updated', 1],
        ['/b', 'failed', 0],
      ]),
    );
    expect(events.at(-1)).toMatchObject({ type: 'summary', feeds: 2, failed: 1, newItems: 1 });
    expect(r.stderr).toMatch(/^inkzee: 1 of 2 feeds failed/m);
    const items = await cli(['--db', db, 'items', '--json']);
    expect(JSON.parse(items.stdout)).toMatchObject({ feedUrl: `${server.url}/a`, guid: '1', title: 'one', category: 'Feeds' });
    const failing = await cli(['--db', db, 'feeds', '--failing', '--json']);
    expect(JSON.parse(failing.stdout)).toMatchObject({
      url: `${server.url}/b`,
      lastStatus: 500,
      consecutiveErrors: 1,
      lastError: 'HTTP 500',
      state: 'failing',
    });
  });

  it('is silent with --quiet when everything went well, and exits 0', async () => {
    server = await startFeedServer({ '/a': serve(200, rss('A', [{ guid: '1', title: 'one' }])) });
    const db = path.join(tempDir(), 'q.db');
    await cli(['--db', db, 'import', opmlFor([`${server.url}/a`]), '--no-fetch']);
    expect(await cli(['--db', db, '--quiet', 'refresh'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 75 at once while another run holds the lock, and takes over a stale lock', async () => {
    server = await startFeedServer({ '/a': serve(200, rss('A', [])) });
    const db = path.join(tempDir(), 'l.db');
    await cli(['--db', db, 'import', opmlFor([`${server.url}/a`]), '--no-fetch']);
    fs.writeFileSync(`${db}.lock`, `${process.pid}\n`); // a live process holds it
    const busy = await cli(['--db', db, 'refresh']);
    expect(busy.code).toBe(75);
    expect(busy.stderr).toMatch(
      new RegExp(`^inkzee: .*another inkzee run \\(pid ${process.pid}\\) is crawling this database; try again later or use --wait\\n$`),
    );
    fs.writeFileSync(`${db}.lock`, '999999999\n'); // a dead one
    expect((await cli(['--db', db, 'refresh'])).code).toBe(0);
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s, keeps what was stored, exits 130, and a later refresh finishes the job',
    async (sig) => {
      const routes: Record<string, ReturnType<typeof serve>> = { '/fast': serve(200, rss('F', [{ guid: 'f', title: 'fast' }])) };
      for (let k = 0; k < 6; k++)
        routes[`/slow${k}`] = (req, res) => {
          const t = setTimeout(() => serve(200, rss('S', [{ guid: `s${k}`, title: 'slow' }]))(req, res), 3000);
          res.on('close', () => clearTimeout(t));
        };
      server = await startFeedServer(routes);
      const db = path.join(tempDir(), 'i.db');
      const file = opmlFor(Object.keys(routes).map((p) => `${server.url}${p}`));
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, '--json', 'import', file, '--concurrency', '2', '--per-host', '2'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('"type":"feed"')) resolve();
        }),
      );
      child.kill(sig);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect({ code, err }).toMatchObject({ code: 130 });
      expect(err).toMatch(/^inkzee: interrupted: \d of 7 feeds crawled and stored; `inkzee refresh` finishes the rest\n$/m);
      expect(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .at(-1),
      ).toMatchObject({ type: 'summary', feeds: 7 });
      const stored = await cli(['--db', db, 'items', '--json']);
      expect(stored.stdout).toContain('"guid":"f"');
      const rest = await cli(['--db', db, '--json', 'refresh', '--concurrency', '8']);
      expect(rest.code).toBe(0);
      const all = (await cli(['--db', db, 'items', '--json'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).guid)
        .sort();
      expect(all).toEqual(['f', 's0', 's1', 's2', 's3', 's4', 's5']);
    },
    30_000,
  );

  it('refuses nonsensical crawl flags as usage errors', async () => {
    const db = path.join(tempDir(), 'u.db');
    const r = await cli(['--db', db, 'refresh', '--concurrency', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('inkzee: --concurrency 0: must be a whole number from 1 to 1000\n');
  });
});
