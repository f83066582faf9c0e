// The reader API's item listings: stream/contents (a page of items), stream/items/ids (a page of
// item references, for the clients that sync by ids: NetNewsWire, Reeder) and
// stream/items/contents (the items of given ids).
import type { Feed } from '../model.js';
import type { ItemFilter, StoredItem } from '../store/contract.js';
import { ApiError, type ApiReply, type ApiRequest, type ServeEnv } from './api.js';
import { itemIdsParam } from './item-ids.js';
import { itemJson, type ItemContext } from './items-json.js';
import { encodeContinuation, pageFilter, parseStreamId, STATE, streamFilter } from './streams.js';

/** IDS_MAX is the largest page of item references (NetNewsWire asks for thousands of unread ids at once). */
export const IDS_MAX = 10_000;

/** CONTENTS_MAX is how many items stream/items/contents answers at most in one call: NetNewsWire posts every unread id of one ids page at once. */
export const CONTENTS_MAX = IDS_MAX;

/** streamIdOf is the stream a request names: the path's capture (percent-decoded), else `s`, else the reading list. */
export function streamIdOf(req: ApiRequest): string {
  const captured = req.captures[0];
  if (captured) {
    try {
      return decodeURIComponent(captured);
    } catch {
      throw new ApiError(400, 'stream id: bad percent-encoding');
    }
  }
  return req.params.get('s') || `${STATE}reading-list`;
}

/** collect reads a listing into memory (a page: at most a thousand and one items). */
export async function collect(env: ServeEnv, f: ItemFilter): Promise<StoredItem[]> {
  const listing = env.store.items(f);
  // SQLite's listing can also be read synchronously: a page then costs no promise per row.
  if (Symbol.iterator in listing) return [...(listing as Iterable<StoredItem>)];
  const out: StoredItem[] = [];
  for await (const item of listing) out.push(item);
  return out;
}

/** itemContext reads what the items' JSON needs beside them: their feeds and their topics (the default model's labels). */
export async function itemContext(env: ServeEnv, items: readonly StoredItem[]): Promise<ItemContext> {
  const feedIds = [...new Set(items.map((i) => i.feedId))];
  const feeds = new Map<number, Feed>();
  for (const f of await env.store.feedsById(feedIds)) feeds.set(f.id, f);
  const topics = items.length
    ? await env.store.labelsOf(
        env.cfg.model,
        items.map((i) => i.id),
      )
    : new Map<number, string>();
  return { feeds, topics };
}

/** StreamPage is one page of a stream: the stream id asked for, its items, and the continuation to the next page if there is one. */
export interface StreamPage {
  id: string;
  items: StoredItem[];
  continuation?: string;
}

/** streamPage reads one page of the stream a request names, with its n, r, c, xt, it, ot and nt (the Atom form reads pages so too). */
export async function streamPage(req: ApiRequest, env: ServeEnv, max?: number): Promise<StreamPage> {
  const id = streamIdOf(req);
  const base = await streamFilter(parseStreamId(id), env.store, env.cfg.model);
  const { filter, n } = pageFilter(base, req.params, max);
  const rows = await collect(env, filter);
  const items = rows.slice(0, n);
  const last = items[items.length - 1];
  const continuation = rows.length > n && last?.sortAt ? encodeContinuation({ sortAt: last.sortAt, id: last.id }) : undefined;
  return { id, items, continuation };
}

/**
 * pageKey is what a page's answer depends on beside the store's data: the route, the stream id and
 * the page's parameters as read (checked here, so a bad one is refused before any query; a
 * parameter no page reads, like the `ck` cache-buster some clients add, changes nothing).
 */
function pageKey(route: string, id: string, params: URLSearchParams, max?: number): string {
  return `${route}\n${id}\n${JSON.stringify(pageFilter({}, params, max).filter)}`;
}

/** cached is the answer compute makes, kept in the env's answer cache when it has one. */
function cached(env: ServeEnv, key: string, compute: () => Promise<Buffer>): Promise<Buffer> {
  return env.cache ? env.cache.get(key, compute) : compute();
}

/** streamContents answers stream/contents[/<stream>]: a page of items as JSON. */
export async function streamContents(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const id = streamIdOf(req);
  // The items and continuation, as UTF-8 JSON: the part of the answer that depends on the data,
  // encoded once however many requests it answers.
  const rest = await cached(env, pageKey('contents', id, req.params), async () => {
    const page = await streamPage(req, env);
    const ctx = await itemContext(env, page.items);
    const items = page.items.map((i) => JSON.stringify(itemJson(i, ctx))).join(',');
    const continuation = page.continuation !== undefined ? `,"continuation":${JSON.stringify(page.continuation)}` : '';
    return Buffer.from(`,"items":[${items}]${continuation}}`);
  });
  // updated is the time of the answer, as FreshRSS gives it, cached or not.
  const head = Buffer.from(`{"id":${JSON.stringify(id)},"updated":${Math.floor(env.now().getTime() / 1000)}`);
  return { jsonBytes: [head, rest] };
}

/** streamItemIds answers stream/items/ids: a page of item references (decimal ids), with the same parameters. */
export async function streamItemIds(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const id = streamIdOf(req);
  const text = await cached(env, pageKey('ids', id, req.params, IDS_MAX), async () => {
    const page = await streamPage(req, env, IDS_MAX);
    const refs = JSON.stringify({
      itemRefs: page.items.map((i) => ({
        id: String(i.id),
        directStreamIds: [`feed/${i.feedId}`],
        timestampUsec: `${Date.parse(i.firstSeen)}000`, // first seen, as in stream/contents
      })),
      ...(page.continuation !== undefined ? { continuation: page.continuation } : {}),
    });
    return Buffer.from(refs);
  });
  return { jsonBytes: [text] };
}

/** streamItemContents answers stream/items/contents: the items of the ids given (`i`, repeated), unknown ones left out. */
export async function streamItemContents(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const ids = itemIdsParam(req.params);
  if (ids.length > CONTENTS_MAX) throw new ApiError(400, `i: at most ${CONTENTS_MAX} item ids at once (${ids.length} given)`);
  const items = await collect(env, { ids, keyset: { oldestFirst: false } });
  const ctx = await itemContext(env, items);
  return {
    json: {
      id: `${STATE}reading-list`,
      updated: Math.floor(env.now().getTime() / 1000),
      items: items.map((i) => itemJson(i, ctx)),
    },
  };
}
