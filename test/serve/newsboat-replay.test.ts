// newsboat 2.21's `feedhq` mode, replayed byte for byte against `inkzee serve` on both engines, so
// that CI checks it even where newsboat is not installed. The requests are the ones captured from
// newsboat 2.21.0 (Debian 12) pointed at a logging server: its ClientLogin body (with the
// "source=newsboat0.000000" its printf makes of "%2F"), subscription/list?output=json, the Atom
// form of each feed and of its special feeds, and every write fetching a fresh token first and
// sending it back unencoded with its trailing newline (src/feedhqapi.cpp at r2.21).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { longItemId } from '../../src/serve/item-ids.js';
import { request, setPassword, startServe, type ServeChild } from './child.js';

const engines = pgAvailable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
const UA = { 'User-Agent': 'newsboat/2.21.0 (Linux x86_64)' };
// A password as curl_easy_escape sends it: every byte but A-Z a-z 0-9 - . _ ~ percent-encoded.
const PASSWORD = 'pa ss&wörd=1';
const curlEscape = (s: string) =>
  [...Buffer.from(s)]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

let feeds: FeedServer;
let opml: string;
beforeAll(async () => {
  feeds = await startFeedServer();
  const items = (p: string, n: number) =>
    Array.from({ length: n }, (_, k) => ({
      guid: `${p}-${k}`,
      title: `${p} story ${k}`,
      date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
    }));
  feeds.route('/a', serve(200, rss('A', items('a', 3))));
  feeds.route('/b', serve(200, rss('B', items('b', 2))));
  opml = path.join(tempDir(), 'subs.opml');
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body><outline text="A" xmlUrl="${feeds.url}/a"/><outline text="Tech"><outline text="B" xmlUrl="${feeds.url}/b"/></outline></body></opml>`,
  );
});
afterAll(async () => {
  await feeds?.close();
});

describe.each(engines)('newsboat 2.21 replayed on %s', (b) => {
  let db: string;
  let server: ServeChild;
  let auth: string;
  const state = async () =>
    (await cli(['--db', db, '--json', 'items'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; title: string; feedId: number; read: boolean; starred: boolean });
  /** write does what newsboat does for each write: GET token, then POST the body with T=<the token's body, verbatim>. */
  const write = async (endpoint: string, body: string) => {
    const token = await request('GET', `${server.url}/reader/api/0/token`, { auth, headers: UA });
    expect(token.status).toBe(200);
    expect(token.body).toMatch(/\n$/);
    return request('POST', `${server.url}/reader/api/0/${endpoint}`, { auth, headers: UA, body: `${body}&T=${token.body}` });
  };

  beforeAll(async () => {
    db = b === 'sqlite' ? path.join(tempDir(), 'inkzee.db') : await freshDatabase();
    expect((await cli(['--db', db, '--quiet', 'import', opml, '--no-fetch'])).code).toBe(0);
    for (const p of ['/a', '/b']) expect((await cli(['--db', db, '--quiet', 'refresh', '--feed', `${feeds.url}${p}`])).code).toBe(0);
    expect((await setPassword(db, PASSWORD)).code).toBe(0);
    server = await startServe(db);
  }, 60_000);
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('logs in with newsboat’s ClientLogin body and lists the subscriptions as newsboat reads them', async () => {
    const body = `service=reader&Email=inkzee&Passwd=${curlEscape(PASSWORD)}&source=newsboat0.000000&accountType=HOSTED_OR_GOOGLE&continue=http://www.google.com/`;
    const r = await request('POST', `${server.url}/accounts/ClientLogin`, { headers: UA, body });
    expect(r.status).toBe(200);
    // newsboat splits the body into lines and takes the one that starts with "Auth=".
    auth = /^Auth=(.+)$/m.exec(r.body)![1];
    const list = await request('GET', `${server.url}/reader/api/0/subscription/list?output=json`, { auth, headers: UA });
    expect(list.status).toBe(200);
    const subs = (JSON.parse(list.body) as { subscriptions: { id: string; title: string }[] }).subscriptions;
    expect(subs.map((s) => [s.id, s.title])).toEqual([
      ['feed/1', 'A'],
      ['feed/2', 'B'],
    ]);
  });

  it('answers the Atom form of each feed and of the special feeds, and refuses it without Auth', async () => {
    const atom = await request('GET', `${server.url}/reader/atom/feed%2F1?n=20`, { auth, headers: UA });
    expect(atom.status).toBe(200);
    expect(atom.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const ids = [...atom.body.matchAll(/<id gr:original-id="[^"]*">([^<]+)<\/id>/g)].map((m) => m[1]);
    const a = (await state()).filter((i) => i.feedId === 1);
    expect(ids).toEqual(a.map((i) => longItemId(i.id)));
    for (const special of ['starred', 'broadcast', 'broadcast-friends']) {
      const r = await request('GET', `${server.url}/reader/atom/user/-/state/com.google/${special}`, { auth, headers: UA });
      expect(r.status).toBe(200);
      expect(r.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    }
    const anonymous = await request('GET', `${server.url}/reader/atom/feed%2F1?n=20`, { headers: UA });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['x-reader-google-bad-token']).toBe('true');
  });

  it('marks an article read and unread, stars and unstars it with newsboat’s edit-tag bodies, answering OK', async () => {
    const [item] = (await state()).filter((i) => i.feedId === 1);
    const i = longItemId(item.id);
    const read = `i=${i}&a=user/-/state/com.google/read&r=user/-/state/com.google/kept-unread&ac=edit`;
    const unread = `i=${i}&r=user/-/state/com.google/read&a=user/-/state/com.google/kept-unread&a=user/-/state/com.google/tracking-kept-unread&ac=edit`;
    const one = async () => (await state()).find((x) => x.id === item.id)!;
    expect(await write('edit-tag', read)).toMatchObject({ status: 200, body: 'OK' });
    expect((await one()).read).toBe(true);
    expect(await write('edit-tag', unread)).toMatchObject({ status: 200, body: 'OK' });
    expect((await one()).read).toBe(false);
    expect(await write('edit-tag', `i=${i}&a=user/-/state/com.google/starred&ac=edit`)).toMatchObject({ status: 200, body: 'OK' });
    expect((await one()).starred).toBe(true);
    const starred = await request('GET', `${server.url}/reader/atom/user/-/state/com.google/starred`, { auth, headers: UA });
    expect(starred.body).toContain(`>${i}</id>`);
    expect(await write('edit-tag', `i=${i}&r=user/-/state/com.google/starred&ac=edit`)).toMatchObject({ status: 200, body: 'OK' });
    expect((await one()).starred).toBe(false);
  });

  it('marks a feed read with newsboat’s mark-all-as-read body (s=feed/<id>, unencoded), only that feed', async () => {
    expect(await write('mark-all-as-read', 's=feed/2')).toMatchObject({ status: 200, body: 'OK' });
    const items = await state();
    expect(items.filter((x) => x.feedId === 2).map((x) => x.read)).toEqual([true, true]);
    expect(items.filter((x) => x.feedId === 1).every((x) => !x.read)).toBe(true);
    const atom = await request('GET', `${server.url}/reader/atom/feed%2F2?n=20`, { auth, headers: UA });
    expect(atom.body.match(/term="user\/-\/state\/com\.google\/read"/g)).toHaveLength(2);
  });

  it('refuses a write whose token is not the one token answered, and changes nothing', async () => {
    const [item] = await state();
    const r = await request('POST', `${server.url}/reader/api/0/edit-tag`, {
      auth,
      headers: UA,
      body: `i=${longItemId(item.id)}&a=user/-/state/com.google/read&ac=edit&T=forged\n`,
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect((await state()).find((x) => x.id === item.id)!.read).toBe(item.read);
  });
});
