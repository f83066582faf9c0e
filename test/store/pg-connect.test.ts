// Connection URLs and a database that goes quiet: libpq's forms are accepted, a bad URL or a
// silent server is one line on stderr and exit 1, and no wait on the database is unbounded.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, itemOf } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { openPostgres } from '../../src/store/postgres/index.js';

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      srv.close();
    },
  };
}

/** A TCP relay to the test cluster that can stop passing bytes on (a server that stops answering). */
async function relay(port: number): Promise<{ port: number; freeze: () => void; close: () => void }> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (d) => {
      if (!frozen) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!frozen) client.write(d);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      srv.close();
    },
  };
}

/** The test cluster's Unix socket directory (the one holding .s.PGSQL.PORT), if it has one here. */
function socketDir(port: string): string | undefined {
  for (const e of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), e);
    try {
      if (fs.existsSync(path.join(dir, `.s.PGSQL.${port}`))) return dir;
    } catch {
      /* another user's */
    }
  }
  return undefined;
}

describe.skipIf(!pgAvailable)('PostgreSQL connection URLs', () => {
  it.each([
    ['a % in the password', 'postgres://inkzee:50%off@127.0.0.1:1/inkzee'],
    ['a % in the database name', 'postgres://inkzee@127.0.0.1:1/100%'],
  ])('%s that is not an escape is one line naming the problem, not an internal error', async (_name, url) => {
    const r = await cli(['--db', url, 'feeds']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'inkzee: store: cannot open PostgreSQL: the URL is not valid: a % must start an escape such as %25 (a literal %) or %40 (@)\n',
    );
    expect(r.stderr).not.toContain('off');
  });

  it("takes ?sslmode=require with libpq's meaning and prints no warning of pg's (the test server has no TLS: one line)", async () => {
    const url = await freshDatabase();
    const r = await cli(['--db', `${url}?sslmode=require`, 'feeds']);
    expect(r.stderr).not.toMatch(/WARNING/);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^inkzee: store: cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/t_\w+: The server does not support SSL connections\n$/,
    );
    const plain = await cli(['--db', `${url}?sslmode=disable`, 'feeds']);
    expect(plain).toMatchObject({ code: 0, stderr: '' });
  });

  it("accepts libpq's Unix socket form postgres://user@/db?host=/socket/dir", async () => {
    const u = new URL(await freshDatabase());
    const dir = socketDir(u.port);
    expect(dir, 'the test cluster listens on a Unix socket in the temp directory').toBeDefined();
    const url = `postgres://inkzee:${u.password}@${u.pathname}?host=${encodeURIComponent(dir!)}&port=${u.port}`;
    const r = await cli(['--db', url, '--json', 'stats']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ feeds: { total: 0 } });
  });

  it('gives up on a server that accepts the connection and never answers, in one line, within ?timeout', async () => {
    const silent = await silentServer();
    try {
      const t0 = Date.now();
      const r = await cli(['--db', `postgres://inkzee:pw@127.0.0.1:${silent.port}/inkzee?timeout=1`, 'feeds']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `inkzee: store: cannot connect to PostgreSQL at 127.0.0.1:${silent.port}/inkzee: it did not answer within 1 s\n`,
      );
      expect(Date.now() - t0).toBeLessThan(8000);
    } finally {
      silent.close();
    }
  });

  it('bounds every statement: a database that stops answering mid-run is a one-line error, not a hang', async () => {
    const u = new URL(await freshDatabase());
    const r = await relay(Number(u.port));
    u.port = String(r.port);
    u.searchParams.set('timeout', '1');
    const store = await openPostgres(u.href);
    try {
      expect(await store.countDue({ now: new Date().toISOString() })).toBe(0);
      r.freeze();
      const t0 = Date.now();
      const hang = new Promise((resolve) => setTimeout(() => resolve(new Error('still waiting after 10 s')), 10_000).unref());
      const err = (await Promise.race([
        store.countDue({ now: new Date().toISOString() }).then(
          () => new Error('answered'),
          (e: Error) => e,
        ),
        hang,
      ])) as Error;
      expect(err.message).toBe(`store: PostgreSQL at 127.0.0.1:${r.port}${u.pathname} did not answer within 1 s`);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      r.close();
      await store.close();
    }
  });

  it('lets a reader pause longer than ?timeout between the rows of a stream, and a stream ends the command at once', async () => {
    const url = await freshDatabase();
    const store = await openPostgres(`${url}?timeout=1`);
    try {
      await store.addSubscriptions([{ url: 'http://127.0.0.2:9/f', title: null, siteUrl: null, category: '' }], '2026-01-10T00:00:00.000Z');
      const [{ id }] = await store.listFeeds();
      const items = [1, 2, 3].map((k) =>
        itemOf({
          key: `k${k}`,
          guid: `k${k}`,
          title: `t${k}`,
        }),
      );
      await store.recordFetch(
        id,
        { items, movedTo: null, state: { status: 200, etag: null, lastModified: null, error: null, nextCheckAt: null } },
        '2026-01-10T00:00:00.000Z',
      );
      const seen: string[] = [];
      for await (const it of store.items({})) {
        seen.push(it.title!);
        await new Promise((r) => setTimeout(r, 800)); // a reader at a pager: 2.4 s in all, past the 1 s bound
      }
      expect(seen.sort()).toEqual(['t1', 't2', 't3']);
    } finally {
      await store.close();
    }
    const t0 = Date.now();
    const r = await cli(['--db', `${url}?timeout=20`, 'items']);
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000); // not held open until the bound of a stream's query passes
  });
});
