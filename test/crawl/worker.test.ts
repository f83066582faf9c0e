// `inkzee worker` on both stores: claims by host under leases, politeness across workers,
// SIGTERM and kill -9, idle exit, and private networks refused by default.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers.js';
import { rss, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { openStoreAt } from '../../src/store/open.js';
import { collect } from '../helpers.js';

const ALLOW = '--allow-private-networks';

/** A host that serves `feeds` feeds slowly and records how many requests it had in flight at once. */
interface SlowHost {
  server: FeedServer;
  inFlightHighWater: number;
  urls: string[];
}

async function slowHost(feeds: number, delayMs: number, name: string): Promise<SlowHost> {
  const host: SlowHost = { server: undefined as unknown as FeedServer, inFlightHighWater: 0, urls: [] };
  let inFlight = 0;
  host.server = await startFeedServer();
  for (let i = 0; i < feeds; i++) {
    const p = `/${name}/${i}`;
    host.server.route(p, (_req, res) => {
      inFlight++;
      host.inFlightHighWater = Math.max(host.inFlightHighWater, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(
          rss(
            `${name} ${i}`,
            [1, 2, 3].map((k) => ({ guid: `${name}-${i}-${k}`, title: `${name} ${i} item ${k}` })),
          ),
        );
      }, delayMs);
    });
    host.urls.push(`${host.server.url}${p}`);
  }
  return host;
}

function opml(urls: string[]): string {
  const file = path.join(tempDir(), 'subs.opml');
  fs.writeFileSync(file, `<opml version="2.0"><body>${urls.map((u) => `<outline text="f" xmlUrl="${u}"/>`).join('')}</body></opml>`);
  return file;
}

/** startWorker runs `inkzee worker` in the background. */
function startWorker(
  db: string,
  args: string[],
): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, 'worker', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const events = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function storedKeys(db: string): Promise<string[]> {
  const store = await openStoreAt(db);
  try {
    return (await collect(store.items({}))).map((i) => i.guid!).sort();
  } finally {
    await store.close();
  }
}

const hosts: SlowHost[] = [];
afterAll(async () => {
  for (const h of hosts) await h.server.close();
});

describe('inkzee worker on SQLite', () => {
  it('crawls everything due, then exits 0 when idle; a second run finds nothing due within the interval', async () => {
    const h = await slowHost(6, 10, 'a');
    hosts.push(h);
    const db = path.join(tempDir(), 'w.db');
    expect((await cli(['--db', db, 'import', opml(h.urls), '--no-fetch'])).code).toBe(0);
    const first = await cli(['--db', db, '--json', 'worker', '--exit-when-idle', ALLOW]);
    expect(first.code).toBe(0);
    const ev = events(first.stdout);
    expect(ev.filter((e) => e.type === 'feed' && e.outcome === 'updated')).toHaveLength(6);
    expect(ev.at(-1)).toMatchObject({ type: 'summary', feeds: 6, newItems: 18 });
    expect(await storedKeys(db)).toHaveLength(18);
    const second = await cli(['--db', db, '--json', 'worker', '--exit-when-idle', ALLOW]);
    expect(events(second.stdout).at(-1)).toMatchObject({ type: 'summary', feeds: 0 });
  }, 60_000);

  it('holds the run lock: a refresh meanwhile exits 75', async () => {
    const h = await slowHost(4, 1500, 'b');
    hosts.push(h);
    const db = path.join(tempDir(), 'w.db');
    await cli(['--db', db, 'import', opml(h.urls), '--no-fetch']);
    const w = startWorker(db, ['--exit-when-idle', ALLOW]);
    await new Promise((r) => setTimeout(r, 700));
    expect((await cli(['--db', db, 'refresh'])).code).toBe(75);
    expect((await w.done).code).toBe(0);
  }, 60_000);

  it('refuses private networks unless told otherwise, each refusal a failed feed with its reason', async () => {
    const h = await slowHost(1, 0, 'c');
    hosts.push(h);
    const db = path.join(tempDir(), 'w.db');
    await cli(['--db', db, 'import', opml(h.urls), '--no-fetch']);
    const r = await cli(['--db', db, '--json', 'worker', '--exit-when-idle']);
    expect(r.code).toBe(0);
    expect(events(r.stdout).find((e) => e.type === 'feed')).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback address/),
    });
    expect(h.server.requests).toHaveLength(0);
  }, 60_000);
});

describe.skipIf(!pgAvailable)('inkzee worker on PostgreSQL', () => {
  it('three workers share the feeds: each stored once, no host ever sees more than --per-host requests from them all', async () => {
    const farm = await Promise.all([slowHost(12, 120, 'p'), slowHost(6, 120, 'q'), slowHost(3, 120, 'r')]);
    hosts.push(...farm);
    const db = await freshDatabase();
    expect((await cli(['--db', db, 'import', opml(farm.flatMap((h) => h.urls)), '--no-fetch'])).code).toBe(0);
    const workers = [0, 1, 2].map(() => startWorker(db, ['--exit-when-idle', '--json', ALLOW, '--concurrency', '4', '--per-host', '2']));
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) expect(r.code).toBe(0);
    const fed = results.flatMap((r) =>
      events(r.stdout)
        .filter((e) => e.type === 'feed' && e.outcome === 'updated')
        .map((e) => e.url as string),
    );
    expect(fed.sort()).toEqual(farm.flatMap((h) => h.urls).sort()); // every feed crawled once, by one worker
    expect(results.filter((r) => events(r.stdout).some((e) => e.type === 'feed')).length).toBeGreaterThan(1); // shared, not one doing all
    for (const h of farm) expect(h.inFlightHighWater).toBeLessThanOrEqual(2);
    const keys = await storedKeys(db);
    expect(keys).toHaveLength(21 * 3);
    expect(new Set(keys).size).toBe(keys.length);
  }, 90_000);

  it('SIGTERM: the worker stops claiming, releases its hosts and exits 0; another worker finishes the rest', async () => {
    const h = await slowHost(10, 400, 's');
    hosts.push(h);
    const db = await freshDatabase();
    await cli(['--db', db, 'import', opml(h.urls), '--no-fetch']);
    const first = startWorker(db, ['--exit-when-idle', ALLOW, '--per-host', '1']);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code).toBe(0);
    // Its host was released at once: a new worker need not wait for the lease to run out.
    const started = Date.now();
    const second = await cli(['--db', db, '--json', 'worker', '--exit-when-idle', ALLOW, '--timeout', '30']);
    expect(second.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await storedKeys(db)).toHaveLength(30);
  }, 90_000);

  it("kill -9: the dead worker's hosts are taken over once its lease runs out, nothing stored twice", async () => {
    const h = await slowHost(8, 300, 't');
    hosts.push(h);
    const db = await freshDatabase();
    await cli(['--db', db, 'import', opml(h.urls), '--no-fetch']);
    // --timeout 2: a lease of 4 s.
    const doomed = startWorker(db, ['--exit-when-idle', ALLOW, '--per-host', '1', '--timeout', '2']);
    await new Promise((r) => setTimeout(r, 1200));
    doomed.child.kill('SIGKILL');
    await doomed.done;
    const rescuer = await cli(['--db', db, '--json', 'worker', '--exit-when-idle', ALLOW, '--timeout', '2']);
    expect(rescuer.code).toBe(0);
    const keys = await storedKeys(db);
    expect(keys).toHaveLength(24);
    expect(new Set(keys).size).toBe(24);
  }, 90_000);
});
