// Google Reader stream ids and paging, as FreshRSS reads them: a stream id ("feed/12",
// "user/-/label/Tech", "user/-/state/com.google/reading-list") becomes an ItemFilter, and a page's
// continuation is an opaque string holding the last item's place in the listing (keyset paging).
// The Atom form (/reader/atom/<stream>) reads streams through the same functions.
import { ApiError } from './api.js';
import type { ItemCursor, ItemFilter, Store } from '../store/contract.js';

/** STATE is the prefix of the state stream ids (read, starred, kept-unread, reading-list). */
export const STATE = 'user/-/state/com.google/';

/** LABEL is the prefix of the label stream ids: folders and topics. */
export const LABEL = 'user/-/label/';

/**
 * TOPIC_MARK starts every topic's label, so a topic never merges with a folder of the same name: a
 * folder whose path starts with it (or with FOLDER_ESCAPE) gets FOLDER_ESCAPE in front instead, so
 * no folder label ever starts with TOPIC_MARK ("Sports" → folder "Sports", topic "~Sports"; folder
 * "~x" → "\~x").
 */
export const TOPIC_MARK = '~';
const FOLDER_ESCAPE = '\\';

/** Stream is what a stream id names. */
export type Stream =
  | { kind: 'feed'; feed: string }
  | { kind: 'folder'; path: string }
  | { kind: 'topic'; label: string }
  | { kind: 'state'; state: 'reading-list' | 'starred' | 'read' | 'kept-unread' };

/** folderLabel is a folder's label (its display path, escaped when it could read as a topic). */
export function folderLabel(path: string): string {
  return path.startsWith(TOPIC_MARK) || path.startsWith(FOLDER_ESCAPE) ? FOLDER_ESCAPE + path : path;
}

/** topicLabel is a classifier label's label in the API. */
export function topicLabel(label: string): string {
  return TOPIC_MARK + label;
}

/** folderStreamId and topicStreamId are the stream ids of a folder (display path) and a topic. */
export const folderStreamId = (path: string) => LABEL + folderLabel(path);
export const topicStreamId = (label: string) => LABEL + topicLabel(label);

/** feedStreamId is a feed's stream id. */
export const feedStreamId = (id: number) => `feed/${id}`;

const STATES = new Set(['reading-list', 'starred', 'read', 'kept-unread']);

/**
 * parseStreamId reads a stream id, already percent-decoded (a folder path keeps its "/": clients
 * send "Technology%2FProgramming" or "Technology/Programming" alike); any user segment is the one
 * user ("user/-/", "user/1/"). Something that is no stream id is a 400.
 */
export function parseStreamId(id: string): Stream {
  // Fluent Reader asks for stream/contents/reading-list; FreshRSS serves it so.
  if (id === 'reading-list' || id === 'starred') return { kind: 'state', state: id };
  if (id.startsWith('feed/')) {
    // "feed/" repeated names the same feed: FreshRSS strips ^(feed/)+, and some clients send it doubled.
    const feed = id.replace(/^(feed\/)+/, '');
    if (feed === '') throw new ApiError(400, 'stream id: feed/ names no feed');
    return { kind: 'feed', feed };
  }
  const m = /^user\/[^/]*\/(label|state\/com\.google)\/(.+)$/s.exec(id);
  if (!m) throw new ApiError(400, `not a stream id: ${clip(id)}`);
  const name = m[2];
  if (m[1] !== 'label') {
    if (!STATES.has(name)) throw new ApiError(400, `unknown state stream: ${clip(id)}`);
    return { kind: 'state', state: name as 'reading-list' };
  }
  if (name.startsWith(FOLDER_ESCAPE)) return { kind: 'folder', path: name.slice(1) };
  if (name.startsWith(TOPIC_MARK)) return { kind: 'topic', label: name.slice(TOPIC_MARK.length) };
  return { kind: 'folder', path: name };
}

/**
 * streamFilter is the ItemFilter of a stream, checked against the store: a feed, folder or topic
 * that does not exist is a 404 (a topic is one of the default model's labels).
 */
export async function streamFilter(s: Stream, store: Store, model: string): Promise<ItemFilter> {
  switch (s.kind) {
    case 'feed': {
      // A decimal is a feed id, anything else its URL (older clients' "feed/http://…").
      const [f] = await store.listFeeds({ feed: s.feed, counts: false });
      if (!f) throw new ApiError(404, `no such feed: ${clip(s.feed)}`);
      return { feed: String(f.id) };
    }
    case 'folder': {
      if (s.path.replace(/[\s/]/g, '') === '') throw new ApiError(400, 'stream id: the label is empty');
      const feeds = await store.listFeeds({ category: s.path, counts: false });
      if (feeds.length === 0) throw new ApiError(404, `no such folder: ${clip(s.path)}`);
      return { category: s.path };
    }
    case 'topic': {
      const labels = await modelLabels(store, model);
      if (!labels.includes(s.label)) throw new ApiError(404, `no such topic: ${clip(s.label)}`);
      return { label: s.label, labelModel: model };
    }
    case 'state':
      if (s.state === 'starred') return { starred: true };
      if (s.state === 'read') return { read: true };
      if (s.state === 'kept-unread') return { unread: true };
      return {};
  }
}

/** modelLabels lists the labels of a model (none if it is not trained). */
export async function modelLabels(store: Store, model: string): Promise<string[]> {
  const m = (await store.listModels()).find((x) => x.name === model);
  return m ? [...m.labels] : [];
}

/** stateFilter is what an `xt` (exclude) or `it` (include) target adds to a filter; other targets add nothing, as in FreshRSS. */
export function stateFilter(target: string | null, exclude: boolean): ItemFilter {
  if (!target) return {};
  const state = target.replace(/^user\/[^/]*\/state\/com\.google\//, '');
  if (state === 'read') return exclude ? { unread: true } : { read: true };
  if (state === 'starred' && !exclude) return { starred: true };
  if (state === 'kept-unread') return exclude ? { read: true } : { unread: true };
  return {};
}

/** encodeContinuation makes the opaque continuation string for the place after an item. */
export function encodeContinuation(c: ItemCursor): string {
  return Buffer.from(`${c.id} ${c.sortAt}`, 'utf8').toString('base64url');
}

/** decodeContinuation reads a continuation back; anything not made by encodeContinuation is a 400. */
export function decodeContinuation(c: string): ItemCursor {
  const text = /^[A-Za-z0-9_-]+$/.test(c) ? Buffer.from(c, 'base64url').toString('utf8') : '';
  const m = /^(\d{1,15}) (\S+)$/.exec(text);
  if (!m) throw new ApiError(400, `c: not a continuation: ${clip(c)}`);
  return { id: Number(m[1]), sortAt: m[2] };
}

/** N_DEFAULT and N_MAX are a page's default and largest size (a larger n is capped, as FreshRSS caps it). */
export const N_DEFAULT = 20;
export const N_MAX = 1000;

/** pageSize reads `n`: a whole number ≥ 1, capped at N_MAX; anything else is a 400. */
export function pageSize(n: string | null, max = N_MAX): number {
  if (n === null || n === '') return Math.min(N_DEFAULT, max);
  if (!/^\d{1,12}$/.test(n.trim()) || Number(n) < 1) throw new ApiError(400, `n: not a positive whole number: ${clip(n)}`);
  return Math.min(Number(n), max);
}

/** secondsParam reads a time in seconds since the epoch (`ot`, `nt`) as an ISO time, or undefined; anything else is a 400. */
export function secondsParam(name: string, v: string | null): string | undefined {
  if (v === null || v === '') return undefined;
  const t = v.trim();
  if (!/^\d{1,11}(\.\d+)?$/.test(t)) throw new ApiError(400, `${name}: not a time in seconds: ${clip(v)}`);
  return new Date(Math.floor(Number(t)) * 1000).toISOString();
}

/**
 * pageFilter is the filter of one page of a stream with the reader API's parameters: s (given),
 * n, r=o, c, xt, it, ot, nt. It asks for one item more than a page, to know if another follows.
 */
export function pageFilter(base: ItemFilter, params: URLSearchParams, max = N_MAX): { filter: ItemFilter; n: number } {
  const n = pageSize(params.get('n'), max);
  const c = params.get('c');
  const filter: ItemFilter = {
    ...base,
    ...stateFilter(params.get('xt'), true),
    ...stateFilter(params.get('it'), false),
    keyset: { oldestFirst: params.get('r') === 'o', after: c ? decodeContinuation(c) : undefined },
    limit: n + 1,
  };
  // As in FreshRSS (and Google Reader: "items crawled after this time"), ot and nt bound the time
  // an item was first seen, both inclusive, not its publication: a client syncing from its last
  // ot gets an old post stored since then. The listing's order stays by sort time.
  const since = secondsParam('ot', params.get('ot'));
  const until = secondsParam('nt', params.get('nt'));
  if (since !== undefined) filter.seenSince = since;
  if (until !== undefined) filter.seenUntil = until;
  return { filter, n };
}

/** clip shortens what a client sent for a one-line reason. */
export function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
