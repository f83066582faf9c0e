// `inkzee serve` on PostgreSQL: the password and token secret are kept in the database, so two
// servers of one database accept each other's tokens, and a new password set anywhere ends the
// old tokens on both without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { checkWriteTokens, eventually, login, request, setPassword, startServe, type ServeChild } from './child.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';

const PASSWORD = 'pg password';

describe.skipIf(!pgAvailable)('inkzee serve on PostgreSQL', { timeout: 90_000 }, () => {
  let db: string;
  let a: ServeChild;
  let b: ServeChild;
  let feeds: FeedServer;
  beforeAll(async () => {
    db = await freshDatabase();
    feeds = await startFeedServer({
      '/feed': serve(
        200,
        rss(
          'F',
          [1, 2, 3].map((n) => ({ guid: `g${n}`, title: `Item ${n}`, date: 'Mon, 07 Dec 2026 08:00:00 GMT' })),
        ),
      ),
    });
    expect((await cli(['--db', db, '--quiet', 'add', `${feeds.url}/feed`])).code).toBe(0);
    expect((await setPassword(db, PASSWORD, ['--user', 'reader'])).code).toBe(0);
    [a, b] = await Promise.all([startServe(db, [], ['--json']), startServe(db)]);
  }, 90_000);
  afterAll(async () => {
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    await feeds.close();
  });

  it('names the database in the start line without its password', () => {
    expect(a.stderr()).toMatch(/serving the Google Reader API at http:\/\/127\.0\.0\.1:\d+\/api\/greader \(database postgres:\/\//);
    const password = new URL(db).password;
    if (password) expect(a.stderr()).not.toContain(password);
  });

  it('logs in as the stored user, and each server accepts the tokens the other gave', async () => {
    const fromA = await login(a.url, 'reader', PASSWORD);
    expect(fromA).toMatch(/^reader\//);
    expect(await login(b.url, 'reader', PASSWORD)).toBe(fromA);
    const tA = await request('GET', `${a.url}/reader/api/0/token`, { auth: fromA });
    const tB = await request('GET', `${b.url}/reader/api/0/token`, { auth: fromA });
    expect(tB).toMatchObject({ status: 200, body: tA.body });
    const info = await request('GET', `${b.url}/reader/api/0/user-info`, { auth: fromA });
    expect(JSON.parse(info.body)).toMatchObject({ userName: 'reader' });
    const bad = await request('POST', `${b.url}/accounts/ClientLogin`, {
      body: 'Email=reader&Passwd=nope',
      headers: { 'X-Forwarded-For': '192.0.2.9' },
    });
    expect(bad).toMatchObject({ status: 401, body: 'Error=BadAuthentication\n' });
    expect((await request('GET', `${b.url}/reader/api/0/token`, { auth: `${fromA}0` })).status).toBe(401);
  });

  it('writes need the T token: none or a wrong one gets 401 and changes nothing', async () => {
    await checkWriteTokens(db, b.url, await login(a.url, 'reader', PASSWORD));
  });

  it('refuses an empty password and keeps the old one', async () => {
    const r = await cli(['--db', db, 'serve', '--set-password'], { input: '\n' });
    expect(r.code).toBe(1);
    expect(await login(a.url, 'reader', PASSWORD)).toMatch(/^reader\//);
  });

  it('a new password ends the old token on both servers; the new one works on both', async () => {
    const old = await login(a.url, 'reader', PASSWORD);
    expect((await setPassword(db, 'the new one')).code).toBe(0); // the user stays "reader"
    for (const s of [a, b]) {
      const r = await eventually(
        () => request('GET', `${s.url}/reader/api/0/token`, { auth: old }),
        (x) => x.status === 401,
      );
      expect(r.status).toBe(401);
    }
    const fresh = await login(b.url, 'reader', 'the new one');
    expect((await request('GET', `${a.url}/reader/api/0/user-info`, { auth: fresh })).status).toBe(200);
    for (const secret of [PASSWORD, 'the new one', old, fresh]) {
      expect(a.stdout() + a.stderr() + b.stdout() + b.stderr()).not.toContain(secret);
    }
  });
});
