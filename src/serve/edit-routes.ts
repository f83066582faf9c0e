// The reader API's writes to items: edit-tag (read, kept-unread, starred on items by id) and
// mark-all-as-read (a stream, up to a time). Both answer the text "OK", as Google Reader did, and
// write through Store.mark: one transaction, one set-based UPDATE, never read-modify-write.
import type { ItemFilter, MarkKind } from '../store/contract.js';
import { ApiError, type ApiReply, type ApiRequest, type ServeEnv } from './api.js';
import { itemIdsParam } from './item-ids.js';
import { clip, parseStreamId, streamFilter } from './streams.js';

const OK: ApiReply = { text: 'OK' };

/**
 * markOf is the mark an `a` (add) or `r` (remove) tag makes: read, kept-unread (unread) and
 * starred; another state (Google Reader had tracking-… states) makes none, as in FreshRSS; a
 * label is a 400, items carry no labels of their own here.
 */
function markOf(tag: string, add: boolean): MarkKind | undefined {
  const m = /^user\/[^/]*\/state\/com\.google\/(.+)$/.exec(tag.trim());
  if (!m) throw new ApiError(400, `${add ? 'a' : 'r'}: not a state tag: ${clip(tag)}`);
  if (m[1] === 'read') return add ? 'read' : 'unread';
  if (m[1] === 'kept-unread') return add ? 'unread' : undefined;
  if (m[1] === 'starred') return add ? 'star' : 'unstar';
  return undefined;
}

/**
 * editTag answers edit-tag: every `i` (long, short hex or decimal) gets the marks of `a` and `r`.
 * A malformed id is a 400 naming it and nothing changes; a well-formed id of no item (pruned,
 * removed with its feed) is skipped, as FreshRSS does: the client's copy is older than the store.
 */
export async function editTag(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const ids = itemIdsParam(req.params);
  // FreshRSS applies every `a`, then every `r` (a=read&r=read ends unread): the last mark of each
  // kind (read/unread, star/unstar) in that order is the one that stays, so only it is written.
  const marks = [...req.params.getAll('a').map((t) => markOf(t, true)), ...req.params.getAll('r').map((t) => markOf(t, false))];
  if (marks.length === 0) throw new ApiError(400, 'a or r: no tag given');
  const last = (kinds: MarkKind[]) => marks.filter((k): k is MarkKind => k !== undefined && kinds.includes(k)).pop();
  const kinds = [last(['read', 'unread']), last(['star', 'unstar'])].filter((k): k is MarkKind => k !== undefined);
  // One kind (what apps send): written with the marks of the requests waiting beside it (group commit).
  if (env.marks && kinds.length === 1) {
    await env.marks.mark(kinds[0], ids);
    return OK;
  }
  const now = env.now().toISOString();
  // A filter by ids, not a list of ids: ids of no item match nothing instead of refusing the mark.
  for (const kind of kinds) await env.store.mark(kind, { filter: { ids } }, { now, dryRun: false });
  return OK;
}

/** usecParam reads mark-all-as-read's `ts` (microseconds since the epoch) as an ISO time (to the millisecond below), or undefined. */
function usecParam(v: string | null): string | undefined {
  // FreshRSS reads ts=0 (and none) as "everything".
  if (v === null || v.trim() === '' || /^0+$/.test(v.trim())) return undefined;
  if (!/^\d{1,17}$/.test(v.trim())) throw new ApiError(400, `ts: not a time in microseconds: ${clip(v)}`);
  return new Date(Math.floor(Number(v.trim()) / 1000)).toISOString();
}

/**
 * markAllAsRead answers mark-all-as-read: every unread item of stream `s` first seen at or before
 * `ts` (all, without it) is read. First seen, not published: ts is the newest timestampUsec the
 * client has seen, and an old post stored after that must stay unread until it has been shown.
 */
export async function markAllAsRead(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const s = req.params.get('s');
  if (!s) throw new ApiError(400, 's: no stream given');
  const until = usecParam(req.params.get('ts'));
  const filter: ItemFilter = { ...(await streamFilter(parseStreamId(s), env.store, env.cfg.model)) };
  if (until !== undefined) filter.seenUntil = until;
  await env.store.mark('read', { filter }, { now: env.now().toISOString(), dryRun: false });
  return OK;
}
