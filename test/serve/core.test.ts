// `inkzee serve` on SQLite, through the built CLI and HTTP: the password, logins and tokens, the
// 4xx answers to bad requests (after each of which the server still answers), timeouts, the
// access log, SIGTERM with a request in flight. Write-token checks run in-process on a test route
// (the reader routes have their own tests).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { checkWriteTokens, eventually, login, request, setPassword, startServe, type ServeChild } from './child.js';
import { rss, serve, startFeedServer } from '../feed-server.js';
import { openStoreAt } from '../../src/store/open.js';
import type { Store } from '../../src/store/contract.js';
import { Auth, storePassword } from '../../src/serve/auth.js';
import { startServer } from '../../src/serve/server.js';
import { sessionRoutes } from '../../src/serve/session.js';
import { resolveConfig } from '../../src/config.js';
import { StoreError } from '../../src/errors.js';
import { openStore } from '../../src/store/sqlite/connect.js';

const PASSWORD = 'correct horse battery staple';

describe('inkzee serve --set-password', () => {
  it('reads one line from standard input, stores only a hash, and says for which user', async () => {
    const db = path.join(tempDir(), 'p.db');
    const r = await setPassword(db, PASSWORD);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('password set for user inkzee\n');
    expect(r.stdout).toBe('');
    const named = await setPassword(db, 'other', ['--user', 'alice@example.org', '--json']);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout)).toEqual({ type: 'password', user: 'alice@example.org' });
    // The password is nowhere in the file: only its scrypt hash is.
    const raw = openStore(db);
    const rows = raw.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    raw.close();
    expect(rows.map((x) => x.key).sort()).toEqual(['reader.password', 'reader.secret', 'reader.user']);
    expect(JSON.stringify(rows)).not.toContain('other');
    expect(rows.find((x) => x.key === 'reader.password')!.value).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('refuses an empty password (exit 1, one line) and changes nothing', async () => {
    const db = path.join(tempDir(), 'e.db');
    await setPassword(db, PASSWORD);
    const r = await cli(['--db', db, 'serve', '--set-password'], { input: '\n' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/password is empty/);
    const s = await startServe(db);
    try {
      expect(await login(s.url, 'inkzee', PASSWORD)).toMatch(/^inkzee\//);
    } finally {
      await s.stop();
    }
  });

  it('refuses --user without --set-password, and --listen with it (exit 2, one line)', async () => {
    const db = path.join(tempDir(), 'x.db');
    for (const args of [
      ['--user', 'bob'],
      ['--set-password', '--listen', '127.0.0.1:0'],
    ]) {
      const r = await cli(['--db', db, 'serve', ...args], { input: 'x\n' });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('refuses a user name clients could not send (exit 2)', async () => {
    const db = path.join(tempDir(), 'u.db');
    const r = await cli(['--db', db, 'serve', '--set-password', '--user', 'a/b'], { input: 'x\n' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('inkzee serve: starting', () => {
  it.each([
    ['--listen', 'localhost'],
    ['--listen', '127.0.0.1:99999'],
    ['--listen', 'not a host:80'],
    ['--base-path', 'api'],
    ['--base-path', '/a b'],
    ['--base-path', '/a/../b'],
  ])('refuses %s %j with exit 2 and one line', async (flag, value) => {
    const db = path.join(tempDir(), 'b.db');
    const r = await cli(['--db', db, 'serve', flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(flag);
  });

  it('refuses to listen beyond loopback with no password set, saying how to set one', async () => {
    const db = path.join(tempDir(), 'n.db');
    const r = await cli(['--db', db, 'serve', '--listen', '0.0.0.0:0']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('inkzee serve --set-password');
    // Refused before the database is opened: no empty file is left behind.
    expect(fs.existsSync(db)).toBe(false);
    // A database that exists but holds no password is refused the same way.
    expect((await cli(['--db', db, 'feeds'])).code).toBe(0);
    expect(fs.existsSync(db)).toBe(true);
    const again = await cli(['--db', db, 'serve', '--listen', '0.0.0.0:0']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(r.stderr);
  });

  it('beyond loopback with a password set, starts without a warning', async () => {
    const db = path.join(tempDir(), 'open.db');
    await setPassword(db, PASSWORD);
    const s = await startServe(db, ['--listen', '0.0.0.0:0']);
    try {
      expect(s.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/api\/greader$/);
      expect(await login(`http://127.0.0.1:${s.port}/api/greader`, 'inkzee', PASSWORD)).toMatch(/^inkzee\//);
      expect(s.stderr()).not.toMatch(/warning/);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('on loopback with no password, starts, warns once, and every login fails', async () => {
    const db = path.join(tempDir(), 'w.db');
    const s = await startServe(db);
    try {
      const r = await request('POST', `${s.url}/accounts/ClientLogin`, {
        body: 'Email=inkzee&Passwd=',
        headers: { 'X-Forwarded-For': '192.0.2.50' },
      });
      expect(r.status).toBe(401);
      expect(s.stderr().match(/no password is set/g)).toHaveLength(1);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});

describe('inkzee serve: sessions and bad requests', { timeout: 90_000 }, () => {
  let db: string;
  let s: ServeChild;
  let auth: string;
  beforeAll(async () => {
    db = path.join(tempDir(), 'serve.db');
    expect((await setPassword(db, PASSWORD)).code).toBe(0);
    s = await startServe(db, ['--headers-timeout', '1', '--request-timeout', '2'], ['--json']);
    auth = await login(s.url, 'inkzee', PASSWORD);
  }, 90_000);
  afterAll(async () => {
    expect(await s.stop()).toBe(0);
  });
  const alive = async () => expect((await request('GET', `${s.url}/reader/api/0/user-info`, { auth })).status).toBe(200);

  it('ClientLogin answers SID, LSID and Auth as FreshRSS does, by POST and by GET', async () => {
    const r = await request('POST', `${s.url}/accounts/ClientLogin`, { body: `Email=inkzee&Passwd=${encodeURIComponent(PASSWORD)}` });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body).toBe(`SID=${auth}\nLSID=null\nAuth=${auth}\n`);
    const g = await request('GET', `${s.url}/accounts/ClientLogin?Email=inkzee&Passwd=${encodeURIComponent(PASSWORD)}`);
    expect(g.body).toContain(`Auth=${auth}\n`);
  });

  it('a wrong password or user gets 401 Error=BadAuthentication', async () => {
    for (const body of ['Email=inkzee&Passwd=wrong', `Email=bob&Passwd=${encodeURIComponent(PASSWORD)}`]) {
      const r = await request('POST', `${s.url}/accounts/ClientLogin`, { body, headers: { 'X-Forwarded-For': '192.0.2.1' } });
      expect(r.status).toBe(401);
      expect(r.body).toBe('Error=BadAuthentication\n');
    }
  });

  it("the token is 57 characters and a newline; user-info is FreshRSS's JSON", async () => {
    const t = await request('GET', `${s.url}/reader/api/0/token`, { auth });
    expect(t.status).toBe(200);
    expect(t.body).toMatch(/^[0-9a-f]{57}\n$/);
    const u = await request('GET', `${s.url}/reader/api/0/user-info?output=json`, { auth });
    expect(u.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(u.body)).toEqual({ userId: 'inkzee', userName: 'inkzee', userProfileId: 'inkzee', userEmail: '' });
  });

  it('without Auth, or with a bad one, answers 401 Unauthorized with X-Reader-Google-Bad-Token', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: `GoogleLogin auth=${auth}x` },
      { Authorization: `GoogleLogin auth=inkzee/${'0'.repeat(64)}` },
      { Authorization: `Bearer ${auth}` },
    ]) {
      const r = await request('GET', `${s.url}/reader/api/0/token`, { headers });
      expect(r.status).toBe(401);
      expect(r.body).toBe('Unauthorized\n');
      expect(r.headers['x-reader-google-bad-token']).toBe('true');
    }
    await alive();
  });

  it('also answers below the base path with FreshRSS\'s ".php" suffix', async () => {
    expect((await request('GET', `${s.url}.php/reader/api/0/user-info`, { auth })).status).toBe(200);
  });

  it('answers 404 outside the base path and for unknown endpoints, 405 with Allow for a wrong method', async () => {
    const origin = s.url.replace(/\/api\/greader$/, '');
    expect((await request('GET', `${origin}/reader/api/0/user-info`, { auth })).status).toBe(404);
    expect((await request('GET', `${origin}/api/greaderx/reader/api/0/user-info`, { auth })).status).toBe(404);
    const unknown = await request('GET', `${s.url}/reader/api/0/no-such-thing`, { auth });
    expect(unknown.status).toBe(404);
    expect(unknown.body.split('\n')).toHaveLength(2); // one line
    const r = await request('DELETE', `${s.url}/reader/api/0/user-info`, { auth });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
    await alive();
  });

  it('answers a CORS preflight with 204, and lets any origin read (the API is authenticated by a header, not a cookie)', async () => {
    const r = await request('OPTIONS', `${s.url}/reader/api/0/stream/contents`, {
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-headers']).toContain('Authorization');
    expect(r.headers['content-length']).toBeUndefined();
    expect((await request('GET', `${s.url}/reader/api/0/user-info`, { auth })).headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 400 to bad percent-encoding in the path, the query or the body', async () => {
    expect((await request('GET', `${s.url}/reader/api/0/user-info%zz`, { auth })).status).toBe(400);
    const q = await request('GET', `${s.url}/reader/api/0/user-info?output=%E0%A4%A`, { auth });
    expect(q.status).toBe(400);
    expect(q.body).toBe('bad percent-encoding in the query\n');
    const b = await request('POST', `${s.url}/accounts/ClientLogin`, { body: 'Email=inkzee&Passwd=%FF' });
    expect(b.status).toBe(400);
    await alive();
  });

  it('answers 413 to a body over 1 MiB, declared or sent in chunks', async () => {
    const declared = await rawExchange(
      s.port,
      `POST /api/greader/accounts/ClientLogin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${2 << 20}\r\n\r\nEmail=`,
    );
    expect(declared).toMatch(/^HTTP\/1\.1 413 /);
    const chunk = `Email=${'a'.repeat((1 << 20) + 10)}`;
    const chunked = await rawExchange(
      s.port,
      `POST /api/greader/accounts/ClientLogin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    await alive();
  });

  it('cuts off a client that sends its headers too slowly, and keeps answering others', async () => {
    const reply = await rawExchange(s.port, 'GET /api/greader/reader/api/0/user-info HTTP/1.1\r\nHost: x\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    await alive();
  });

  it('cuts off a client that sends its body too slowly, and keeps answering others', async () => {
    const reply = await rawExchange(
      s.port,
      'POST /api/greader/accounts/ClientLogin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nEmail=inkzee',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    await alive();
  });

  it('slows repeated failed logins from one address to 429 with Retry-After, even for the right password', async () => {
    const from = { 'X-Forwarded-For': '198.51.100.7' };
    for (let i = 0; i < 5; i++)
      expect((await request('POST', `${s.url}/accounts/ClientLogin`, { body: 'Email=inkzee&Passwd=guess', headers: from })).status).toBe(
        401,
      );
    const r = await request('POST', `${s.url}/accounts/ClientLogin`, {
      body: `Email=inkzee&Passwd=${encodeURIComponent(PASSWORD)}`,
      headers: from,
    });
    expect(r.status).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    // Another address still logs in.
    expect(await login(s.url, 'inkzee', PASSWORD)).toBe(auth);
  });

  it('counts guesses sent all at once against the same limit', async () => {
    const from = { 'X-Forwarded-For': '198.51.100.8' };
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        request('POST', `${s.url}/accounts/ClientLogin`, { body: 'Email=inkzee&Passwd=guess', headers: from }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('logs each request as NDJSON on stdout, and never a password or a token, here or on stderr', async () => {
    const t = (await request('GET', `${s.url}/reader/api/0/token`, { auth })).body.trim();
    await request('GET', `${s.url}/reader/api/0/user-info?T=${t}&Auth=${encodeURIComponent(auth)}`, { auth });
    await request('GET', `${s.url}/accounts/ClientLogin?Email=inkzee&Passwd=${encodeURIComponent(PASSWORD)}`);
    const lines = s
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.filter((l) => String(l.path).includes('user-info?')).at(-1)!;
    expect(Object.keys(last).sort()).toEqual(['bytes', 'method', 'ms', 'path', 'remote', 'status', 'time', 'type', 'user']);
    expect(last).toMatchObject({
      type: 'request',
      method: 'GET',
      status: 200,
      user: 'inkzee',
      path: '/api/greader/reader/api/0/user-info?T=-&Auth=-',
    });
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), auth, auth.split('/')[1], t]) {
      expect(s.stdout()).not.toContain(secret);
      expect(s.stderr()).not.toContain(secret);
    }
  });
});

describe('inkzee serve: writes need the T token', { timeout: 90_000 }, () => {
  it('mark-all-as-read and edit-tag without T or with a wrong one get 401 and change nothing; with T (and a newline) they write', async () => {
    const feeds = await startFeedServer({
      '/feed': serve(
        200,
        rss(
          'F',
          [1, 2, 3].map((n) => ({ guid: `g${n}`, title: `Item ${n}`, date: 'Mon, 07 Dec 2026 08:00:00 GMT' })),
        ),
      ),
    });
    const db = path.join(tempDir(), 'write.db');
    try {
      expect((await cli(['--db', db, '--quiet', 'add', `${feeds.url}/feed`])).code).toBe(0);
      await setPassword(db, PASSWORD);
      const s = await startServe(db);
      try {
        await checkWriteTokens(db, s.url, await login(s.url, 'inkzee', PASSWORD));
      } finally {
        expect(await s.stop()).toBe(0);
      }
    } finally {
      await feeds.close();
    }
  });
});

describe('inkzee serve: lifetime', { timeout: 90_000 }, () => {
  it('on SIGTERM stops accepting, answers the request in flight, and exits 0', async () => {
    const db = path.join(tempDir(), 'term.db');
    await setPassword(db, PASSWORD);
    const s = await startServe(db);
    const body = `Email=inkzee&Passwd=${encodeURIComponent(PASSWORD)}`;
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let reply = '';
    sock.on('data', (c: Buffer) => (reply += c.toString()));
    const closed = new Promise((r) => sock.once('close', r));
    sock.write(
      `POST /api/greader/accounts/ClientLogin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    const exit = s.stop('SIGTERM');
    // Once new connections are refused the server has the signal; only then comes the rest of the body.
    await eventually(
      () =>
        request('GET', `${s.url}/reader/api/0/user-info`).then(
          () => false,
          () => true,
        ),
      (refused) => refused,
    );
    sock.write(body.slice(10));
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('Auth=inkzee/');
    expect(await exit).toBe(0);
  });

  it('a new password makes the old token fail (401) without a restart', async () => {
    const db = path.join(tempDir(), 'change.db');
    await setPassword(db, PASSWORD);
    const s = await startServe(db);
    try {
      const old = await login(s.url, 'inkzee', PASSWORD);
      expect((await setPassword(db, 'a new one')).code).toBe(0);
      const r = await eventually(
        () => request('GET', `${s.url}/reader/api/0/token`, { auth: old }),
        (x) => x.status === 401,
      );
      expect(r.status).toBe(401);
      const fresh = await login(s.url, 'inkzee', 'a new one');
      expect(fresh).not.toBe(old);
      expect((await request('GET', `${s.url}/reader/api/0/token`, { auth: fresh })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});

/** rawExchange writes bytes on a fresh connection and returns everything read until the server closes it. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(text));
    let got = '';
    sock.on('data', (c: Buffer) => (got += c.toString()));
    sock.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    sock.on('close', () => resolve(got));
  });
}

describe('startServer in-process: write routes and handler failures', () => {
  let server: { url: string; close(): Promise<void> };
  let auth: string;
  let t: string;
  const faults: string[] = [];
  const writes: string[][] = [];
  let store: Store;
  beforeAll(async () => {
    const db = path.join(tempDir(), 'inproc.db');
    store = await openStoreAt(db);
    await storePassword(store, 'inkzee', PASSWORD);
    const a = new Auth(store);
    const cfg = resolveConfig({ db }, { env: {}, stdoutIsTTY: false, stderrIsTTY: false, columns: 100 });
    server = await startServer(
      [
        ...sessionRoutes(a),
        {
          methods: ['POST'],
          pattern: /^\/reader\/api\/0\/edit-tag$/,
          access: 'write',
          handler: async (req) => {
            writes.push(req.params.getAll('i'));
            return { text: 'OK' };
          },
        },
        {
          methods: ['GET'],
          pattern: /^\/reader\/api\/0\/store-down$/,
          access: 'read',
          handler: async () => {
            throw new StoreError('cannot read db.example/inkzee: connection refused');
          },
        },
        {
          methods: ['GET'],
          pattern: /^\/reader\/api\/0\/broken$/,
          access: 'read',
          handler: async () => {
            throw new Error('a bug at /secret/place.ts:12');
          },
        },
      ],
      { store, cfg, now: () => new Date() },
      { host: '127.0.0.1', port: 0, basePath: '/api/greader', auth: a, fault: (l) => faults.push(l) },
    );
    auth = await login(server.url, 'inkzee', PASSWORD);
    t = (await request('GET', `${server.url}/reader/api/0/token`, { auth })).body;
  }, 90_000);
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it('a write without T, or with a wrong one, gets 401 with X-Reader-Google-Bad-Token and runs nothing', async () => {
    for (const body of ['i=1', `i=1&T=${t.trim()}x`, `i=1&T=`]) {
      const r = await request('POST', `${server.url}/reader/api/0/edit-tag`, { auth, body });
      expect(r.status).toBe(401);
      expect(r.headers['x-reader-google-bad-token']).toBe('true');
    }
    // The right T without Auth is no better.
    expect((await request('POST', `${server.url}/reader/api/0/edit-tag`, { body: `i=1&T=${t.trim()}` })).status).toBe(401);
    expect(writes).toEqual([]);
  });

  it('takes T in the body or the query, with its trailing newline (newsboat sends one), and keeps repeated keys', async () => {
    const inBody = await request('POST', `${server.url}/reader/api/0/edit-tag`, { auth, body: `i=1&i=2&T=${encodeURIComponent(t)}` });
    expect(inBody).toMatchObject({ status: 200, body: 'OK' });
    const inQuery = await request('POST', `${server.url}/reader/api/0/edit-tag?T=${t.trim()}&i=3`, { auth, body: 'i=4' });
    expect(inQuery.status).toBe(200);
    expect(writes).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    // A multipart form, as PHP would read it for FreshRSS.
    const form = new FormData();
    form.append('i', '5');
    form.append('T', t);
    const mp = new Request('http://x/', { method: 'POST', body: form });
    const multipart = await request('POST', `${server.url}/reader/api/0/edit-tag`, {
      auth,
      body: await mp.text(),
      headers: { 'Content-Type': mp.headers.get('content-type')! },
    });
    expect(multipart.status).toBe(200);
    expect(writes.at(-1)).toEqual(['5']);
    const broken = await request('POST', `${server.url}/reader/api/0/edit-tag`, {
      auth,
      body: 'not a multipart body',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
    });
    expect(broken.status).toBe(400);
  });

  it('answers a failing handler with 500 "internal error", one line for the operator, no stack for the client', async () => {
    const r = await request('GET', `${server.url}/reader/api/0/broken`, { auth });
    expect(r).toMatchObject({ status: 500, body: 'internal error\n' });
    expect(faults).toEqual(['GET /api/greader/reader/api/0/broken: a bug at /secret/place.ts:12']);
    expect((await request('GET', `${server.url}/reader/api/0/user-info`, { auth })).status).toBe(200);
  });

  it('answers 503 with Retry-After when the database is out of reach', async () => {
    const r = await request('GET', `${server.url}/reader/api/0/store-down`, { auth });
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(faults.at(-1)).toBe('GET /api/greader/reader/api/0/store-down: store: cannot read db.example/inkzee: connection refused');
  });
});
