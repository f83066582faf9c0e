// Crawlers sharing a PostgreSQL store, where their promises meet: hosts another crawler holds
// (a dead one's too) are said to be left, a feed asked for by name waits out a dead crawler's
// lease, and a crawler that stalled past its lease starts none of the feeds it had queued.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers.js';
import { rss, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';

const ALLOW = '--allow-private-networks';
const servers: FeedServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A server on 127.0.0.x with n feeds answering after delayMs; it counts requests in flight. */
async function feedHost(addr: string, n: number, delayMs: number, name: string) {
  const server = await startFeedServer({}, addr);
  servers.push(server);
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    server.route(`/${name}/${i}`, (_req, res) =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(
          rss(
            `${name} ${i}`,
            [1, 2].map((k) => ({ guid: `${name}-${i}-${k}`, title: `${name} ${i} item ${k}` })),
          ),
        );
      }, delayMs),
    );
    urls.push(`${server.url}/${name}/${i}`);
  }
  return { server, urls, host: new URL(server.url).host };
}

function opml(urls: string[]): string {
  const file = path.join(tempDir(), 'subs.opml');
  fs.writeFileSync(file, `<opml version="2.0"><body>${urls.map((u) => `<outline text="f" xmlUrl="${u}"/>`).join('')}</body></opml>`);
  return file;
}

const events = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResultRow[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}

async function feedIds(db: string): Promise<Map<string, number>> {
  const r = await cli(['--db', db, '--json', 'feeds']);
  return new Map(events(r.stdout).map((f) => [f.url as string, f.id as number]));
}

/** A lease on host held by a crawler that is not running (a kill -9'd import, say), for ms more. */
const leaseTo = (db: string, host: string, worker: string, ms: number) =>
  sql(db, `UPDATE hosts SET worker = $2, lease_until = now() + $3 * interval '1 millisecond' WHERE host = $1`, [host, worker, ms]);

describe.skipIf(!pgAvailable)("refresh on PostgreSQL beside other crawlers' leases", () => {
  it('counts the due feeds of hosts other crawlers hold as left to them, in the summary and its NDJSON, and exits 0', async () => {
    const a = await feedHost('127.0.0.2', 3, 0, 'a');
    const b = await feedHost('127.0.0.3', 2, 0, 'b');
    const db = await freshDatabase();
    expect((await cli(['--db', db, 'import', opml([...a.urls, ...b.urls]), '--no-fetch'])).code).toBe(0);
    await leaseTo(db, a.host, 'deadbox:4242:dead00', 60_000);
    const r = await cli(['--db', db, '--json', 'refresh']);
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(
      ev
        .filter((e) => e.type === 'feed')
        .map((e) => e.url)
        .sort(),
    ).toEqual(b.urls);
    expect(ev.at(-1)).toMatchObject({ type: 'summary', feeds: 2, updated: 2, leftToOthers: 3, lostLeases: 0 });
    expect(a.server.requests).toHaveLength(0);
    const human = await cli(['--db', db, 'refresh']);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(
      /^2 feeds: 0 updated, 2 unchanged, 0 not modified, 0 failed, 3 due left to other crawlers \(their hosts are leased\); 0 new items/,
    );
  }, 60_000);

  it("refresh --feed waits out a dead crawler's lease on the feed's host, saying so, then fetches it", async () => {
    const a = await feedHost('127.0.0.2', 2, 0, 'c');
    const db = await freshDatabase();
    await cli(['--db', db, 'import', opml(a.urls), '--no-fetch']);
    const id = (await feedIds(db)).get(a.urls[1])!;
    // Long enough to outlast the CLI's start on a busy machine.
    await leaseTo(db, a.host, 'deadbox:4242:dead01', 6000);
    const r = await cli(['--db', db, '--json', 'refresh', '--feed', String(id)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: feed ${id}: its host ${a.host.replace(/\./g, '\\.')} is being crawled by deadbox:4242:dead01 until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; waiting for that lease to end\\n$`,
      ),
    );
    expect(events(r.stdout).filter((e) => e.type === 'feed')).toMatchObject([{ url: a.urls[1], outcome: 'updated' }]);
    expect(events(r.stdout).at(-1)).toMatchObject({ type: 'summary', feeds: 1, leftToOthers: 0 });
  }, 60_000);

  it('refresh --feed exits 75 naming the crawler when the lease on its host is renewed (a live crawler), without fetching', async () => {
    const a = await feedHost('127.0.0.2', 1, 0, 'd');
    const db = await freshDatabase();
    await cli(['--db', db, 'import', opml(a.urls), '--no-fetch']);
    const id = (await feedIds(db)).get(a.urls[0])!;
    await leaseTo(db, a.host, 'livebox:77:a1b2c3', 1500);
    const keep = setInterval(() => {
      void leaseTo(db, a.host, 'livebox:77:a1b2c3', 1500).catch(() => {});
    }, 300);
    try {
      const r = await cli(['--db', db, 'refresh', '--feed', String(id)]);
      expect(r.code).toBe(75);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(
        new RegExp(
          `^inkzee: feed ${id}: its host ${a.host.replace(/\./g, '\\.')} is being crawled by livebox:77:a1b2c3 until \\S+ \\(its lease was renewed: that crawler is alive; --wait waits for it\\)$`,
        ),
      );
      expect(a.server.requests).toHaveLength(0);
    } finally {
      clearInterval(keep);
    }
  }, 60_000);
});

/** startWorker runs `inkzee worker` in the background. */
function startWorker(
  db: string,
  args: string[],
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'inkzee.js'), '--db', db, 'worker', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

const until = async (what: () => boolean, ms: number) => {
  for (const t0 = Date.now(); !what(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
};

describe.skipIf(!pgAvailable)('a worker that stalls past its lease on PostgreSQL', () => {
  it('starts none of the feeds it had queued for the host another worker took meanwhile, and counts them as lost, not crawled', async () => {
    const a = await feedHost('127.0.0.2', 8, 250, 'stall');
    // ?timeout=4: a transaction the frozen worker leaves open is ended by the server after 2 s.
    const db = `${await freshDatabase()}?timeout=4`;
    await cli(['--db', db, 'import', opml(a.urls), '--no-fetch']);
    // --timeout 1: a lease of 2 s, renewed every 0.67 s while the worker runs.
    const stalled = startWorker(db, ['--exit-when-idle', '--json', ALLOW, '--per-host', '1', '--timeout', '1']);
    await until(() => a.server.requests.length >= 2, 20_000);
    // While the second feed's request is out (the first one stored), freeze it: a frozen VM.
    await new Promise((r) => setTimeout(r, 100));
    stalled.child.kill('SIGSTOP');
    let resumedAt: number;
    try {
      const rescuer = await cli(['--db', db, '--json', 'worker', '--exit-when-idle', ALLOW, '--per-host', '1', '--timeout', '1']);
      expect(rescuer.code, rescuer.stderr).toBe(0);
      expect(events(rescuer.stdout).at(-1)).toMatchObject({ type: 'summary', failed: 0 });
    } finally {
      resumedAt = a.server.requests.length;
      stalled.child.kill('SIGCONT');
    }
    const r = await stalled.done;
    expect(r.code, r.stderr).toBe(0);
    // Nothing was asked of the host once the stalled worker woke: every feed it still had queued was dropped.
    expect(a.server.requests.length).toBe(resumedAt);
    const s = events(r.stdout).at(-1)!;
    const reported = events(r.stdout).filter((e) => e.type === 'feed');
    expect(s).toMatchObject({ type: 'summary', feeds: reported.length });
    expect(s.lostLeases).toBeGreaterThan(0);
    expect(reported.length + (s.lostLeases as number)).toBe(8);
    // Each item new once across both workers.
    const [{ n }] = await sql(db, 'SELECT count(*)::int AS n FROM items');
    expect(n).toBe(16);
  }, 90_000);
});

describe.skipIf(!pgAvailable)('redirects across the fleet on PostgreSQL', () => {
  it('two workers at --per-host 2 whose feeds all 302 to one host never put more than 2 requests on it at once; every feed is stored', async () => {
    // The target answers slowly and records how many requests it had at once.
    const target = await startFeedServer({}, '127.0.0.3');
    servers.push(target);
    let inFlight = 0,
      most = 0;
    const sources = [await startFeedServer({}, '127.0.0.2'), await startFeedServer({}, '127.0.0.2')];
    servers.push(...sources);
    const urls: string[] = [];
    for (const [s, src] of sources.entries()) {
      for (let i = 0; i < 8; i++) {
        const name = `r${s}-${i}`;
        target.route(`/${name}`, (_req, res) => {
          most = Math.max(most, ++inFlight);
          setTimeout(() => {
            inFlight--;
            res.writeHead(200, { 'content-type': 'application/rss+xml' });
            res.end(
              rss(
                name,
                [1, 2].map((k) => ({ guid: `${name}-${k}`, title: `${name} item ${k}` })),
              ),
            );
          }, 400);
        });
        src.route(`/${name}`, (_req, res) => {
          res.writeHead(302, { location: `${target.url}/${name}` });
          res.end();
        });
        urls.push(`${src.url}/${name}`);
      }
    }
    const db = await freshDatabase();
    expect((await cli(['--db', db, 'import', opml(urls), '--no-fetch'])).code).toBe(0);
    // --concurrency 2: a worker busy with one source host claims no other, so each takes one.
    const workers = [0, 1].map(() => startWorker(db, ['--exit-when-idle', '--json', ALLOW, '--concurrency', '2', '--per-host', '2']));
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const fed = results.flatMap((r) =>
      events(r.stdout)
        .filter((e) => e.type === 'feed' && e.outcome === 'updated')
        .map((e) => e.url as string),
    );
    expect(fed.sort()).toEqual(urls.slice().sort());
    expect(results.every((r) => events(r.stdout).some((e) => e.type === 'feed'))).toBe(true); // both worked: one per source host
    expect(most).toBeLessThanOrEqual(2);
    const [{ n }] = await sql(db, 'SELECT count(*)::int AS n FROM items');
    expect(n).toBe(32);
  }, 90_000);
});
