// Readers never block on a crawl: with the database in WAL mode, `items`, `search` and
// `classify` (which writes labels) run again and again while a `refresh` stores many slow feeds,
// and none of them, the refresh included, meets "database is locked".
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFeedServer, rss, type FeedServer } from '../feed-server.js';
import { cli, tempDir, type CliResult } from '../helpers.js';

const FEEDS = 48;
const ITEMS = 25;
const READERS = ['items --limit 20', 'search kernel --limit 5', 'classify'];
const topic = (i: number) => (i % 2 ? 'Tech' : 'Sports');
const words = { Tech: 'compiler kernel database rust network', Sports: 'football goal match league keeper' };
let version = 1;
let open: () => void;
let gate: Promise<void>;
let server: FeedServer;
afterAll(async () => {
  await server?.close();
});

function doc(i: number): string {
  const t = topic(i);
  return rss(
    `${t} feed ${i}`,
    Array.from({ length: ITEMS }, (_, k) => ({
      guid: `f${i}-v${version}-${k}`,
      title: `${t} ${words[t].split(' ')[k % 5]} story ${k} of version ${version}`,
      description: `${words[t]} `.repeat(20 + k),
    })),
  );
}

describe('readers during a refresh', () => {
  it('items, search and classify all succeed while a refresh writes, and never see "database is locked"', async () => {
    const routes: Record<string, (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void> = {};
    for (let i = 0; i < FEEDS; i++) {
      // Slow answers spread the refresh's transactions over seconds; the middle feed also waits
      // until every reader has run twice, so however slow this machine is, they overlap the crawl.
      routes[`/f/${i}`] = (_req, res) => {
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end(doc(i));
        };
        if (version === 1) return answer();
        // void: the gate only ever resolves (open() or its 90 s timer), so the chained answer cannot be lost.
        setTimeout(() => (i === FEEDS / 2 ? void gate.then(answer) : answer()), 200 + (i % 5) * 50);
      };
    }
    server = await startFeedServer(routes);
    const dir = tempDir();
    const db = path.join(dir, 'r.db');
    const opml = path.join(dir, 'subs.opml');
    fs.writeFileSync(
      opml,
      `<opml version="2.0"><body>${['Sports', 'Tech']
        .map(
          (t) =>
            `<outline text="${t}">${Array.from({ length: FEEDS }, (_, i) => i)
              .filter((i) => topic(i) === t)
              .map((i) => `<outline text="f${i}" xmlUrl="${server.url}/f/${i}"/>`)
              .join('')}</outline>`,
        )
        .join('')}</body></opml>`,
    );
    expect((await cli(['--db', db, '--quiet', 'import', opml])).code).toBe(0);
    expect((await cli(['--db', db, '--quiet', 'classify', 'train', '--from-folders'])).code).toBe(0);

    // The gate opens once every reader has run twice inside the refresh, or after 90 s at most.
    gate = new Promise<void>((resolve) => {
      open = resolve;
      setTimeout(resolve, 90_000).unref();
    });
    version = 2;
    let refreshing = true;
    const started = Date.now();
    const refresh = cli(['--db', db, '--quiet', 'refresh', '--concurrency', '2', '--per-host', '2']).finally(() => {
      refreshing = false;
    });
    const runs: { cmd: string; at: number; ms: number; during: boolean; r: CliResult }[] = [];
    const loop = async (cmd: string[]) => {
      while (refreshing) {
        const at = Date.now() - started;
        const r = await cli(['--db', db, ...cmd]);
        runs.push({ cmd: cmd.join(' '), at, ms: Date.now() - started - at, during: refreshing, r }); // during: begun and ended inside the refresh
        if (READERS.every((c) => runs.filter((x) => x.cmd === c && x.during).length >= 2)) open();
      }
    };
    await Promise.all([...READERS.map((c) => loop(c.split(' '))), refresh]);
    const done = await refresh;
    console.log(
      `refresh took ${((Date.now() - started) / 1000).toFixed(1)} s; ${READERS.map((c) => {
        const mine = runs.filter((x) => x.cmd === c);
        return `${c}: ${mine.filter((x) => x.during).length} runs inside it (longest ${Math.max(...mine.map((x) => x.ms))} ms)`;
      }).join('; ')}`,
    );

    expect(done.stderr, done.stderr).toBe('');
    expect(done.code).toBe(0);
    for (const { cmd, r } of runs) {
      expect(r.stderr, cmd).not.toMatch(/locked|SQLITE_BUSY/i);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
    }
    // Each reader ran wholly inside the refresh, more than once.
    for (const cmd of READERS) {
      expect(runs.filter((x) => x.cmd === cmd && x.during).length, cmd).toBeGreaterThanOrEqual(2);
    }
    expect(server.requests.filter((q) => q.path.startsWith('/f/')).length).toBe(2 * FEEDS);
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM items').pluck().get()).toBe(2 * FEEDS * ITEMS);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 240_000);
});
