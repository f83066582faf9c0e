// newsboat as a real client of `inkzee serve`, on both engines: Debian 12's newsboat 2.21 in its
// `feedhq` mode logs in (ClientLogin), lists subscriptions, reads every feed in the Atom form
// (/reader/atom/feed%2F<id>?n=<feedhq-min-items>) and marks through edit-tag and mark-all-as-read
// with the T token (and a trailing newline). Its interface is driven in tmux. CI installs newsboat
// and tmux (.ci/run); without them this file is skipped and says why.
//
// newsboat 2.21 shows a star only through its special feed "Starred items", whose URL it hard-codes
// as http://feedhq.org/reader/atom/user/-/state/com.google/starred (src/feedhqurlreader.cpp); the
// test points newsboat's http_proxy at a small proxy that sends feedhq.org's requests to the test
// server, so that feed is read from Inkzee too.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { longItemId } from '../../src/serve/item-ids.js';
import { setPassword, startServe, type ServeChild } from './child.js';

const missing = ['newsboat', 'tmux'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0);
const engines = pgAvailable ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
type Backend = (typeof engines)[number];
const STARRED_URL = 'http://feedhq.org/reader/atom/user/-/state/com.google/starred';

let feeds: FeedServer;
let opml: string;

beforeAll(async () => {
  if (missing.length) return;
  feeds = await startFeedServer();
  const items = (p: string, n: number) =>
    Array.from({ length: n }, (_, k) => ({
      guid: `${p}-${k}`,
      title: `${p} story ${k}`,
      link: `http://example.com/${p}/${k}`,
      description: `&lt;p&gt;${p} body ${k}&lt;/p&gt;`,
      date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
    }));
  feeds.route('/world', serve(200, rss('World', items('world', 6))));
  feeds.route('/chips', serve(200, rss('Chips', items('chips', 4))));
  feeds.route('/rust', serve(200, rss('Rust', items('rust', 3))));
  const dir = tempDir();
  opml = path.join(dir, 'subs.opml');
  const o = (p: string, title: string) => `<outline text="${title}" xmlUrl="${feeds.url}${p}"/>`;
  fs.writeFileSync(
    opml,
    `<opml version="2.0"><body>${o('/world', 'World news')}<outline text="Tech">${o('/chips', 'Chips')}` +
      `<outline text="Programming">${o('/rust', 'Rust')}</outline></outline></body></opml>`,
  );
});
afterAll(async () => {
  await feeds?.close();
});

/** Setup is one engine's store, its running server, the proxy for feedhq.org and newsboat's files. */
interface Setup {
  db: string;
  server: ServeChild;
  proxy: http.Server;
  dir: string;
  env: NodeJS.ProcessEnv;
  args: string[];
}

/** startProxy answers newsboat's proxied requests for feedhq.org from the test server (the special feeds). */
async function startProxy(serveUrl: string): Promise<http.Server> {
  const proxy = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/');
    if (u.host !== 'feedhq.org') {
      res.writeHead(502).end('only feedhq.org');
      return;
    }
    const up = http.request(
      `${serveUrl}${u.pathname}${u.search}`,
      { method: req.method, headers: { authorization: req.headers.authorization ?? '' } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return proxy;
}

/** setUp fills a store from the feed server, sets the API password, serves it and writes newsboat's config. */
async function setUp(b: Backend): Promise<Setup> {
  const dir = tempDir();
  const db = b === 'sqlite' ? path.join(dir, 'inkzee.db') : await freshDatabase();
  const run = (args: string[]) => cli(['--db', db, '--quiet', ...args]);
  expect((await run(['import', opml, '--no-fetch'])).code).toBe(0);
  for (const p of ['/world', '/chips', '/rust']) expect((await run(['refresh', '--feed', `${feeds.url}${p}`])).code).toBe(0);
  expect((await setPassword(db, 'correct horse')).code).toBe(0);
  const server = await startServe(db);
  const url = server.url;
  const proxy = await startProxy(url);
  fs.writeFileSync(path.join(dir, 'password'), 'correct horse\n');
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'urls-source "feedhq"',
      `feedhq-url "${url}"`,
      'feedhq-login "inkzee"',
      `feedhq-passwordfile "${path.join(dir, 'password')}"`,
      'feedhq-min-items 100',
      'feedhq-show-special-feeds "yes"',
      'feedhq-flag-star "s"',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'urls'), '');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    http_proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    no_proxy: '127.0.0.1,localhost',
  };
  const args = ['-C', path.join(dir, 'config'), '-u', path.join(dir, 'urls'), '-c', path.join(dir, 'cache.db')];
  return { db, server, proxy, dir, env, args };
}

/** tearDown stops the server and the proxy this setup started. */
async function tearDown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  await s.server.stop();
  await new Promise<void>((resolve) => s.proxy.close(() => resolve()));
}

/**
 * newsboat runs `newsboat -x …` and resolves with its standard output; asynchronously, since the
 * proxy it reaches the special feeds through runs in this process.
 */
function newsboat(s: Setup, ...cmds: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('newsboat', [...s.args, '-x', ...cmds], { env: s.env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`newsboat -x ${cmds.join(' ')} failed: ${err.message} ${stderr}${stdout}`));
      else resolve(stdout);
    });
  });
}

/** CachedItem is an article in newsboat's cache (cache.db, SQLite). */
interface CachedItem {
  guid: string;
  title: string;
  unread: number;
  feedurl: string;
}
function cached(s: Setup): CachedItem[] {
  const db = new Database(path.join(s.dir, 'cache.db'), { readonly: true });
  try {
    return db.prepare('SELECT guid, title, unread, feedurl FROM rss_item ORDER BY guid').all() as CachedItem[];
  } finally {
    db.close();
  }
}

/** StoreItem is an item as `inkzee items --json` prints it (the fields compared). */
interface StoreItem {
  id: number;
  title: string;
  feedId: number;
  read: boolean;
  starred: boolean;
}
async function storeItems(s: Setup, ...filter: string[]): Promise<StoreItem[]> {
  const r = await cli(['--db', s.db, '--json', 'items', '--limit', '1000', ...filter]);
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StoreItem);
}
const feedIdOf = async (s: Setup, url: string) => {
  const r = await cli(['--db', s.db, '--json', 'feeds', '--feed', url]);
  return (JSON.parse(r.stdout.trim().split('\n')[0]) as { id: number }).id;
};

/** Tmux is one newsboat session in tmux, 200×50, read by polling capture-pane. */
class Tmux {
  private readonly name = `inkzee-nb-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(private readonly s: Setup) {}
  start(): void {
    const env = Object.entries(this.s.env).map(([k, v]) => `${k}=${v}`);
    const r = spawnSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50', 'env', ...env, 'newsboat', ...this.s.args]);
    if (r.status !== 0) throw new Error(`tmux: ${r.stderr.toString()}`);
  }
  screen(): string {
    return spawnSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' }).stdout;
  }
  keys(...k: string[]): void {
    spawnSync('tmux', ['send-keys', '-t', this.name, ...k]);
  }
  /** waitFor polls the screen until it matches (no fixed sleeps), failing with the screen after 20 s. */
  async waitFor(re: RegExp | ((screen: string) => boolean)): Promise<string> {
    const until = Date.now() + 20_000;
    for (;;) {
      const text = this.screen();
      if (typeof re === 'function' ? re(text) : re.test(text)) return text;
      if (Date.now() > until) throw new Error(`tmux: ${re} never showed; the screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** gone waits until newsboat has quit (the session ends with it). */
  async gone(): Promise<void> {
    const until = Date.now() + 20_000;
    while (spawnSync('tmux', ['has-session', '-t', this.name]).status === 0) {
      if (Date.now() > until) throw new Error(`tmux: newsboat did not quit; the screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
  /** feedNumber finds a feed's number in the feed list by its title. */
  static feedNumber(screen: string, title: string): string {
    const m = new RegExp(`^\\s*(\\d+) .*\\(\\d+/\\d+\\) ${title}\\s*$`, 'm').exec(screen);
    if (!m) throw new Error(`no feed ${title} on the screen:\n${screen}`);
    return m[1];
  }
}

describe.skipIf(missing.length > 0)(
  missing.length ? `newsboat as a client (skipped: ${missing.join(' and ')} not installed; .ci/run installs them)` : 'newsboat as a client',
  () => {
    describe.each(engines)('on %s', (b) => {
      let s: Setup | undefined;
      let tmux: Tmux | undefined;
      beforeAll(async () => {
        s = await setUp(b);
      }, 120_000);
      // A test that fails midway leaves newsboat open, holding its lock: end it before the next.
      afterEach(() => tmux?.kill());
      afterAll(async () => {
        await tearDown(s);
      });

      it('newsboat -x reload reads every feed and item, with its id and title', async () => {
        await newsboat(s!, 'reload');
        const inkzee = await storeItems(s!);
        expect(inkzee).toHaveLength(13);
        const nb = cached(s!);
        expect(nb.map((i) => [i.guid, i.title])).toEqual(
          inkzee.map((i) => [longItemId(i.id), i.title]).sort((x, y) => (x[0] < y[0] ? -1 : 1)),
        );
        // Each article sits in the feed it came from (nothing is starred yet).
        for (const i of inkzee)
          expect(nb.find((n) => n.guid === longItemId(i.id))!.feedurl).toContain(`/reader/atom/feed%2F${i.feedId}?n=100`);
      }, 60_000);

      it('newsboat -x print-unread says as many unread as Inkzee has, read state included', async () => {
        const world = await storeItems(s!, '--feed', `${feeds.url}/world`);
        expect((await cli(['--db', s!.db, 'mark', 'read', String(world[0].id), String(world[1].id)])).code).toBe(0);
        await newsboat(s!, 'reload');
        const unread = (await storeItems(s!, '--unread')).length;
        expect(unread).toBe(11);
        expect((await newsboat(s!, 'print-unread')).trim()).toBe(`${unread} unread articles`);
        // Marked unread again in Inkzee, it is unread in newsboat after a reload (the "fresh" category).
        expect((await cli(['--db', s!.db, 'mark', 'unread', String(world[1].id)])).code).toBe(0);
        await newsboat(s!, 'reload');
        expect((await newsboat(s!, 'print-unread')).trim()).toBe('12 unread articles');
        expect(cached(s!).find((i) => i.guid === longItemId(world[1].id))!.unread).toBe(1);
      }, 60_000);

      it('a feed marked read in newsboat (A) is read in Inkzee, and only that feed', async () => {
        tmux = new Tmux(s!);
        tmux.start();
        const list = await tmux.waitFor(/Your feeds/);
        tmux.keys(Tmux.feedNumber(list, 'Chips'), 'Enter');
        await tmux.waitFor(/^\s*\d+ N\s.*\(4\/4\) Chips\s*$/m);
        tmux.keys('Enter');
        const chipsId = await feedIdOf(s!, `${feeds.url}/chips`);
        await tmux.waitFor(new RegExp(`Articles in feed 'Chips' \\(4 unread, 4 total\\) - .*feed%2F${chipsId}\\?`));
        tmux.keys('A');
        await tmux.waitFor(/Articles in feed 'Chips' \(0 unread, 4 total\)/);
        tmux.keys('q');
        await tmux.waitFor(/Your feeds/);
        tmux.keys('q');
        await tmux.gone();
        expect((await storeItems(s!, '--feed', `${feeds.url}/chips`)).map((i) => i.read)).toEqual([true, true, true, true]);
        expect((await storeItems(s!, '--feed', `${feeds.url}/rust`)).every((i) => !i.read)).toBe(true);
        expect(await storeItems(s!, '--unread')).toHaveLength(8);
      }, 60_000);

      it('an article opened in newsboat is read in Inkzee, and N makes it unread again', async () => {
        const rust = await storeItems(s!, '--feed', `${feeds.url}/rust`);
        tmux = new Tmux(s!);
        tmux.start();
        const list = await tmux.waitFor(/Your feeds/);
        tmux.keys(Tmux.feedNumber(list, 'Rust'), 'Enter');
        await tmux.waitFor(/^\s*\d+ N\s.*\(3\/3\) Rust\s*$/m);
        tmux.keys('Enter');
        await tmux.waitFor(/Articles in feed 'Rust' \(3 unread, 3 total\)/);
        // The newest article comes first: open it, then back to the list.
        tmux.keys('Enter');
        await tmux.waitFor(/Title: rust story 2/);
        tmux.keys('q');
        await tmux.waitFor(/Articles in feed 'Rust' \(2 unread, 3 total\)/);
        expect((await storeItems(s!, '--feed', `${feeds.url}/rust`)).find((i) => i.id === rust[0].id)!.read).toBe(true);
        tmux.keys('N');
        await tmux.waitFor(/Articles in feed 'Rust' \(3 unread, 3 total\)/);
        tmux.keys('q');
        await tmux.waitFor(/Your feeds/);
        tmux.keys('q');
        await tmux.gone();
        expect((await storeItems(s!, '--feed', `${feeds.url}/rust`)).every((i) => !i.read)).toBe(true);
      }, 60_000);

      it('the star flag set in newsboat (feedhq-flag-star) stars the article in Inkzee, and taken off unstars it', async () => {
        tmux = new Tmux(s!);
        tmux.start();
        const list = await tmux.waitFor(/Your feeds/);
        tmux.keys(Tmux.feedNumber(list, 'World news'), 'Enter');
        await tmux.waitFor(/^\s*\d+ N\s.*\(\d+\/6\) World news\s*$/m);
        tmux.keys('Enter');
        await tmux.waitFor(/Articles in feed 'World news'/);
        tmux.keys('C-e');
        await tmux.waitFor(/^Flags:$/m);
        tmux.keys('s', 'Enter');
        // newsboat marks a flagged article with "!" before its date: the one under the cursor.
        const flagged = /^\s*\d+ [^!\n]*!.*(world story \d)\s*$/m.exec(await tmux.waitFor(/^\s*\d+ [^!\n]*!/m))![1];
        await expect.poll(async () => (await storeItems(s!, '--starred')).map((i) => i.title)).toEqual([flagged]);
        tmux.keys('C-e');
        await tmux.waitFor(/^Flags: s$/m);
        tmux.keys('BSpace', 'Enter');
        await tmux.waitFor((screen) => /Flags updated/.test(screen) && !/^\s*\d+ [^!\n]*!/m.test(screen));
        await expect.poll(async () => await storeItems(s!, '--starred')).toEqual([]);
        tmux.keys('q');
        await tmux.waitFor(/Your feeds/);
        tmux.keys('q');
        await tmux.gone();
      }, 60_000);

      it('a star set in Inkzee shows in newsboat as the article of "Starred items"', async () => {
        const [star] = await storeItems(s!, '--feed', `${feeds.url}/rust`);
        expect((await cli(['--db', s!.db, 'mark', 'star', String(star.id)])).code).toBe(0);
        await newsboat(s!, 'reload');
        const starred = cached(s!).filter((i) => i.feedurl === STARRED_URL);
        expect(starred.map((i) => [i.guid, i.title])).toEqual([[longItemId(star.id), star.title]]);
        tmux = new Tmux(s!);
        tmux.start();
        const list = await tmux.waitFor(/Your feeds/);
        expect(list).toMatch(/^\s*\d+ N\s.*\(1\/1\) Starred items\s*$/m);
        tmux.keys(Tmux.feedNumber(list, 'Starred items'), 'Enter');
        await tmux.waitFor(/^\s*\d+ N\s.*\(1\/1\) Starred items\s*$/m);
        tmux.keys('Enter');
        await tmux.waitFor(new RegExp(`Articles in feed 'Starred items' \\(1 unread, 1 total\\)[^\\n]*\\n\\s*1 N .*${star.title}`));
        tmux.keys('q');
        await tmux.waitFor(/Your feeds/);
        tmux.keys('q');
        await tmux.gone();
      }, 60_000);
    });
  },
);
