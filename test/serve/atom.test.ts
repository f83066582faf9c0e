// The Atom form of a stream (/reader/atom/<stream>): well-formed whatever the stored text holds,
// entries with their Google Reader ids and state categories, and the same document from SQLite
// and PostgreSQL stores filled from the same feeds.
import fs from 'node:fs';
import path from 'node:path';
import sax from 'sax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, itemOf, tempDir } from '../helpers.js';
import { rss, serve, startFeedServer, type FeedServer } from '../feed-server.js';
import { freshDatabase, pgAvailable } from '../pg.js';
import { renderAtom } from '../../src/serve/atom.js';
import { longItemId } from '../../src/serve/item-ids.js';
import { apiRoutes } from '../../src/serve/routes.js';
import { matchRoute } from '../../src/serve/dispatch.js';
import { ApiError, type ServeEnv } from '../../src/serve/api.js';
import { resolveConfig } from '../../src/config.js';
import { openStoreAt } from '../../src/store/open.js';
import type { Store, StoredItem } from '../../src/store/contract.js';

/** Element is one parsed XML element: name, attributes, text and children. */
interface Element {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Element[];
}

/** parseXml parses with sax in strict mode: any well-formedness error throws. */
function parseXml(xml: string): Element {
  const p = sax.parser(true, {});
  const root: Element = { name: '', attrs: {}, text: '', children: [] };
  const stack = [root];
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (t) => {
    const el: Element = { name: t.name, attrs: t.attributes as Record<string, string>, text: '', children: [] };
    stack.at(-1)!.children.push(el);
    stack.push(el);
  };
  p.onclosetag = () => void stack.pop();
  p.ontext = (t) => void (stack.at(-1)!.text += t);
  p.write(xml).close();
  return root.children[0];
}
const all = (el: Element, name: string): Element[] => el.children.filter((c) => c.name === name);
const one = (el: Element, name: string): Element => all(el, name)[0];
const states = (entry: Element) =>
  all(entry, 'category')
    .filter((c) => c.attrs.scheme === 'http://www.google.com/reader/')
    .map((c) => c.attrs.label);

/** stored builds a StoredItem as the store would read it back. */
function stored(over: Partial<StoredItem>): StoredItem {
  const { key: _key, ...item } = itemOf({ key: 'k', ...over });
  return {
    ...item,
    id: 1,
    feedId: 7,
    feedUrl: 'http://example.com/feed',
    feedTitle: 'Example',
    category: '',
    firstSeen: '2026-01-02T03:04:05.000Z',
    read: false,
    readAt: null,
    starred: false,
    starredAt: null,
    ...over,
  };
}
const NOW = new Date('2026-02-01T00:00:00Z');

describe('renderAtom', () => {
  it('gives each entry its Google Reader id, links, dates, content, author, source and enclosures', () => {
    const doc = parseXml(
      renderAtom(
        { id: 'feed/7', title: 'Example', feedUrl: 'http://example.com/feed', continuation: 'page-2' },
        [
          stored({
            id: 171,
            guid: 'urn:one',
            title: 'One',
            link: 'http://example.com/1',
            author: 'Ann',
            published: '2026-01-01T00:00:00.000Z',
            content: '<p>Hello &amp; bye</p>',
            enclosures: [{ url: 'http://example.com/a.mp3', type: 'audio/mpeg', length: 123, duration: null }],
          }),
        ],
        NOW,
      ),
    );
    expect(doc.name).toBe('feed');
    expect(doc.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(one(doc, 'id').text).toBe('tag:google.com,2005:reader/feed/http://example.com/feed');
    expect(one(doc, 'gr:continuation').text).toBe('page-2');
    const e = one(doc, 'entry');
    expect(one(e, 'id').text).toBe('tag:google.com,2005:reader/item/00000000000000ab');
    expect(one(e, 'id').attrs['gr:original-id']).toBe('urn:one');
    expect(one(e, 'title').text).toBe('One');
    expect(one(e, 'published').text).toBe('2026-01-01T00:00:00.000Z');
    expect(one(e, 'content').attrs.type).toBe('html');
    expect(one(e, 'content').text).toBe('<p>Hello &amp; bye</p>');
    expect(one(one(e, 'author'), 'name').text).toBe('Ann');
    expect(one(e, 'source').attrs['gr:stream-id']).toBe('feed/7');
    expect(all(e, 'link').map((l) => [l.attrs.rel, l.attrs.href])).toEqual([
      ['alternate', 'http://example.com/1'],
      ['enclosure', 'http://example.com/a.mp3'],
    ]);
    expect(all(e, 'link')[1].attrs).toMatchObject({ type: 'audio/mpeg', length: '123' });
  });

  it('carries read, starred and the folder as Google Reader categories, and unread as fresh', () => {
    const doc = parseXml(
      renderAtom(
        { id: 'user/-/state/com.google/reading-list', title: 'Reading list' },
        [
          { ...stored({ id: 1, read: true, starred: true, category: 'Tech/Programming', categories: ['rust'] }), topic: 'Science' },
          stored({ id: 2, read: false }),
          { ...stored({ id: 3 }), keptUnread: true },
        ],
        NOW,
      ),
    );
    const [a, b, c] = all(doc, 'entry');
    expect(states(a)).toEqual(['reading-list', 'read', 'starred']);
    expect(all(a, 'category').find((x) => x.attrs.label === 'read')!.attrs.term).toBe('user/-/state/com.google/read');
    // The folder, the topic (marked so it never merges with a folder) and the item's own tags, outside the state scheme.
    expect(
      all(a, 'category')
        .filter((x) => !x.attrs.scheme)
        .map((x) => [x.attrs.term, x.attrs.label]),
    ).toEqual([
      ['user/-/label/Tech/Programming', 'Tech/Programming'],
      ['user/-/label/~Science', '~Science'],
      ['rust', undefined],
    ]);
    expect(states(b)).toEqual(['reading-list', 'fresh']);
    expect(states(c)).toEqual(['reading-list', 'fresh', 'kept-unread']);
  });

  it('stays well-formed with ]]>, control characters, lone surrogates and markup in any field', () => {
    const nasty = 'a ]]> b <x> & "q" \u0001\u000b\u000c\u001f \ud800 z \udc00 \uffff end';
    const xml = renderAtom(
      { id: 'user/-/label/x', title: nasty },
      [stored({ title: nasty, content: `<p>${nasty}</p>`, author: nasty, guid: nasty, link: 'http://e/?a=1&b=2', categories: [nasty] })],
      NOW,
    );
    const doc = parseXml(xml);
    const e = one(doc, 'entry');
    expect(one(e, 'title').text).toBe('a ]]> b <x> & "q"  \ufffd z \ufffd  end');
    expect(one(e, 'content').text).toBe('<p>a ]]> b <x> & "q"  \ufffd z \ufffd  end</p>');
    expect(one(e, 'link').attrs.href).toBe('http://e/?a=1&b=2');
    expect(xml).not.toContain('\u0001');
  });
});

// The route, in-process on both engines: stores filled from the same feeds answer the same XML.
let server: FeedServer;
const db = { sqlite: '', postgres: '' };
type Backend = keyof typeof db;
const stores: Partial<Record<Backend, Store>> = {};
const engines: Backend[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

beforeAll(async () => {
  server = await startFeedServer();
  const items = (p: string, n: number) =>
    Array.from({ length: n }, (_, k) => ({
      guid: `${p}${k}`,
      title: `${p} story ${k}`,
      link: `http://example.com/${p}/${k}`,
      description: `&lt;p&gt;${p} text ${k}&lt;/p&gt;`,
      date: new Date(Date.UTC(2026, 0, 1, 0, k)).toUTCString(),
    }));
  server.route('/news', serve(200, rss('News', items('news', 5))));
  server.route('/tech', serve(200, rss('Tech', items('tech', 3))));
  const dir = tempDir();
  const opml = path.join(dir, 'subs.opml');
  const outline = (p: string) => `<outline text="${p.slice(1)}" xmlUrl="${server.url}${p}"/>`;
  fs.writeFileSync(opml, `<opml version="2.0"><body>${outline('/news')}<outline text="Tech">${outline('/tech')}</outline></body></opml>`);
  db.sqlite = path.join(dir, 'inkzee.db');
  if (pgAvailable) db.postgres = await freshDatabase();
  for (const b of engines) {
    const run = (args: string[]) => cli(['--db', db[b], '--quiet', ...args]);
    expect((await run(['import', opml, '--no-fetch'])).code).toBe(0);
    for (const p of ['/news', '/tech']) expect((await run(['refresh', '--feed', `${server.url}${p}`])).code).toBe(0);
    expect((await run(['mark', 'read', '1', '2'])).code).toBe(0);
    expect((await run(['mark', 'star', '7'])).code).toBe(0);
    stores[b] = await openStoreAt(db[b]);
  }
}, 120_000);
afterAll(async () => {
  for (const s of Object.values(stores)) await s?.close();
  await server?.close();
});

/** get calls the Atom route in-process as the server would, after authentication. */
async function get(b: Backend, path: string): Promise<string> {
  const [p, q = ''] = path.split('?');
  const { route, captures } = matchRoute(apiRoutes(), 'GET', p);
  expect(route.access).toBe('read');
  const cfg = resolveConfig({ db: db[b] }, { env: {}, stdoutIsTTY: false, stderrIsTTY: false, columns: 100 });
  const env: ServeEnv = { store: stores[b]!, cfg, now: () => NOW };
  const reply = await route.handler(
    { method: 'GET', path: p, captures, params: new URLSearchParams(q), user: 'inkzee', remote: '127.0.0.1' },
    env,
  );
  if (!('xml' in reply)) throw new Error('not XML');
  expect(reply.headers?.['Content-Type']).toMatch(/^application\/atom\+xml/);
  return reply.xml;
}
const refused = async (b: Backend, path: string) => {
  try {
    await get(b, path);
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, message: e.message };
    throw e;
  }
  throw new Error(`${path} was answered`);
};
const titles = (xml: string) => all(parseXml(xml), 'entry').map((e) => one(e, 'title').text);

describe.each(engines)('GET /reader/atom/<stream> on %s', (b) => {
  it('serves a feed newest first, n items, with the state of each', async () => {
    const xml = await get(b, '/reader/atom/feed%2F1?n=3');
    const doc = parseXml(xml);
    expect(one(doc, 'title').text).toBe('news');
    expect(titles(xml)).toEqual(['news story 4', 'news story 3', 'news story 2']);
    const entries = all(parseXml(await get(b, '/reader/atom/feed%2F1?n=20')), 'entry');
    expect(entries).toHaveLength(5);
    const byId = Object.fromEntries(entries.map((e) => [one(e, 'id').text, states(e)]));
    expect(byId[longItemId(1)]).toContain('read');
    expect(byId[longItemId(3)]).toEqual(['reading-list', 'fresh']);
    expect(one(entries[0], 'source').attrs['gr:stream-id']).toBe('feed/1');
  });

  it('serves the reading list, a folder label, starred and unread only (xt)', async () => {
    expect(titles(await get(b, '/reader/atom/user/-/state/com.google/reading-list?n=100'))).toHaveLength(8);
    expect(titles(await get(b, '/reader/atom/user%2F-%2Flabel%2FTech'))).toEqual(['tech story 2', 'tech story 1', 'tech story 0']);
    expect(titles(await get(b, '/reader/atom/user/-/state/com.google/starred'))).toEqual(['tech story 1']);
    const unread = titles(await get(b, '/reader/atom/feed%2F1?xt=user/-/state/com.google/read'));
    expect(unread).toEqual(['news story 4', 'news story 3', 'news story 2']);
    expect(titles(await get(b, '/reader/atom/user/-/state/com.google/broadcast-friends'))).toEqual([]);
  });

  it('refuses a bad n, continuation, stream id or encoding, and an unknown feed or folder, with a short reason', async () => {
    expect(await refused(b, '/reader/atom/feed%2F1?n=abc')).toEqual({ status: 400, message: 'n: not a positive whole number: abc' });
    expect((await refused(b, '/reader/atom/feed%2F1?n=0')).status).toBe(400);
    expect((await refused(b, '/reader/atom/feed%2F1?c=%3C%3E')).status).toBe(400);
    expect(await refused(b, '/reader/atom/feed%2F999')).toEqual({ status: 404, message: 'no such feed: 999' });
    expect(await refused(b, '/reader/atom/user/-/label/Nowhere')).toEqual({ status: 404, message: 'no such folder: Nowhere' });
    expect(await refused(b, '/reader/atom/nonsense')).toEqual({ status: 400, message: 'not a stream id: nonsense' });
    expect(await refused(b, '/reader/atom/%E0%A4%A')).toEqual({ status: 400, message: 'stream id: not percent-encoded UTF-8' });
  });

  it('pages with c (a gr:continuation) and r=o, as stream/contents does', async () => {
    const first = parseXml(await get(b, '/reader/atom/user/-/state/com.google/reading-list?n=5'));
    const c = one(first, 'gr:continuation').text;
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await get(b, `/reader/atom/user/-/state/com.google/reading-list?n=5&c=${c}`);
    expect(all(parseXml(second), 'gr:continuation')).toHaveLength(0);
    const both = [...all(first, 'entry').map((e) => one(e, 'title').text), ...titles(second)];
    expect(both).toHaveLength(8);
    expect(new Set(both).size).toBe(8);
    expect(titles(await get(b, '/reader/atom/feed%2F2?r=o'))).toEqual(['tech story 0', 'tech story 1', 'tech story 2']);
  });

  it('caps n', async () => {
    expect(titles(await get(b, '/reader/atom/user/-/state/com.google/reading-list?n=999999999'))).toHaveLength(8);
  });
});

describe.skipIf(!pgAvailable)('the Atom form on both engines', () => {
  it('is the same document from SQLite and PostgreSQL (crawl times aside)', async () => {
    const norm = (s: string) => s.replace(/gr:crawl-timestamp-msec="\d+"/g, '');
    for (const p of ['/reader/atom/feed%2F1', '/reader/atom/user/-/state/com.google/reading-list?n=50', '/reader/atom/user/-/label/Tech']) {
      expect(norm(await get('postgres', p))).toBe(norm(await get('sqlite', p)));
    }
  });
});
