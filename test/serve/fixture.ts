// A small store for the reader API's tests, the same on both engines: feeds in nested folders (and
// in a folder whose name holds "/"), items with times, links, enclosures, and a trained model's
// topics, one of them named like a folder. apiCall runs a route in-process, as the server would.
import path from 'node:path';
import { resolveConfig, type Config } from '../../src/config.js';
import type { Item } from '../../src/model.js';
import { ApiError, type ApiReply, type ServeEnv } from '../../src/serve/api.js';
import { matchRoute } from '../../src/serve/dispatch.js';
import { apiRoutes } from '../../src/serve/routes.js';
import type { Store } from '../../src/store/contract.js';
import { itemOf, tempDir } from '../helpers.js';

export const NOW = new Date('2026-03-01T12:00:00.000Z');

/** FEEDS are the subscriptions, with folder paths as `add --category` takes them (folders given as names where a name holds "/"). */
export const FEEDS = [
  { url: 'https://rust.example/feed', title: 'Rust blog', siteUrl: 'https://rust.example/', category: 'Technology/Programming' },
  { url: 'https://news.example/feed', title: 'News', siteUrl: null, category: 'Technology' },
  { url: 'https://ux.example/feed', title: 'UX', siteUrl: null, category: '', folders: ['UI / UX'] },
  { url: 'https://sport.example/feed', title: 'Sport', siteUrl: null, category: 'Sports' },
  { url: 'https://loose.example/feed', title: 'Loose', siteUrl: null, category: '' },
];

/** itemsOf makes n items of a feed, published an hour apart from `start` (newest last). */
function itemsOf(prefix: string, n: number, start: string, extra: Partial<Item> = {}): Item[] {
  return Array.from({ length: n }, (_, k) =>
    itemOf({
      key: `${prefix}${k}`,
      guid: `${prefix}${k}`,
      title: `${prefix} ${k}`,
      link: `https://${prefix}.example/${k}`,
      published: new Date(Date.parse(start) + k * 3600_000).toISOString(),
      summary: `<p>${prefix} <b>${k}</b></p>`,
      ...extra,
    }),
  );
}

/** seed fills a store: 5 feeds, 30 items, a model "default" with topics Sports and Tech labelling some of them. */
export async function seed(store: Store): Promise<void> {
  await store.addSubscriptions(FEEDS, '2026-02-01T00:00:00.000Z');
  const feeds = await store.listFeeds();
  const id = (url: string) => feeds.find((f) => f.url === url)!.id;
  const batches: [string, Item[]][] = [
    ['https://rust.example/feed', itemsOf('rust', 10, '2026-02-10T00:00:00.000Z', { author: 'Ferris' })],
    ['https://news.example/feed', itemsOf('news', 8, '2026-02-11T00:00:00.000Z')],
    [
      'https://ux.example/feed',
      itemsOf('ux', 4, '2026-02-12T00:00:00.000Z', {
        enclosures: [{ url: 'https://ux.example/a.mp3', type: 'audio/mpeg', length: 1234, duration: null }],
      }),
    ],
    ['https://sport.example/feed', itemsOf('sport', 6, '2026-02-13T00:00:00.000Z')],
    // Two items published at the same second: the continuation must still page them apart.
    [
      'https://loose.example/feed',
      itemsOf('loose', 2, '2026-02-14T00:00:00.000Z').map((i) => ({ ...i, published: '2026-02-14T00:00:00.000Z' })),
    ],
  ];
  for (const [url, items] of batches)
    await store.recordFetch(
      id(url),
      { items, movedTo: null, state: { status: 200, error: null, nextCheckAt: null } },
      '2026-02-20T00:00:00.000Z',
    );
  await store.saveModel({
    name: 'default',
    format: 1,
    labels: ['Sports', 'Tech'],
    trainSize: 10,
    source: 'folders:depth=1',
    createdAt: '2026-02-21T00:00:00.000Z',
    params: {},
    blob: Buffer.from('{}'),
  });
  const all = [];
  for await (const i of store.items({})) all.push(i);
  const labels = all
    .filter((i) => i.feedUrl !== 'https://loose.example/feed')
    // news 0 and 1 are Sports too: the topic Sports is not the folder Sports.
    .map((i) => ({ id: i.id, label: i.feedUrl.includes('sport') || /^news [01]$/.test(i.title!) ? 'Sports' : 'Tech', confidence: 0.9 }));
  await store.saveLabels('default', labels, '2026-02-21T00:00:00.000Z');
}

/** envFor is a ServeEnv over a store, with a fixed clock. */
export function envFor(store: Store, db = path.join(tempDir(), 'unused.db')): ServeEnv {
  const cfg: Config = resolveConfig(
    { db },
    { env: { INKZEE_PRIVATE_NETWORKS: 'allow' }, stdoutIsTTY: false, stderrIsTTY: false, columns: 100 },
  );
  return { store, cfg, now: () => NOW };
}

/** Answer is what a call answered: its status and body (JSON parsed, text, or XML), or the refusal's reason. */
export type Answer = { status: number; json?: any; text?: string; xml?: string; error?: string };

/** apiCall runs one API call in-process: the route matched as the server matches it, params from the query and the body. */
export async function apiCall(env: ServeEnv, method: string, url: string, body: Record<string, string | string[]> = {}): Promise<Answer> {
  const [p, q = ''] = url.split('?');
  const params = new URLSearchParams(q);
  for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) params.append(k, x);
  try {
    const { route, captures } = matchRoute(apiRoutes(), method, p);
    const r: ApiReply = await route.handler({ method, path: p, captures, params, user: 'inkzee', remote: '127.0.0.1' }, env);
    const status = r.status ?? 200;
    if ('json' in r) return { status, json: JSON.parse(JSON.stringify(r.json)) };
    if ('jsonBytes' in r) return { status, json: JSON.parse(Buffer.concat(r.jsonBytes).toString('utf8')) };
    if ('text' in r) return { status, text: r.text };
    return { status, xml: r.xml };
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, error: e.message };
    throw e;
  }
}
