// The reader API's tags: tag/list (the states, every folder, every topic of the default model),
// unread-count (per feed, folder, topic and the reading list), and rename-tag / disable-tag for
// folders. Folders and topics are both labels ("user/-/label/…"), told apart as streams.ts says.
import type { Feed } from '../model.js';
import { ApiError, type ApiReply, type ApiRequest, type ServeEnv } from './api.js';
import { clip, feedStreamId, folderStreamId, modelLabels, parseStreamId, STATE, streamFilter, topicStreamId } from './streams.js';

/** folderPaths are the display paths of every folder a feed is in, outermost first ("Tech", "Tech/Rust"). */
export function folderPaths(feed: Feed): string[] {
  return feed.folders.map((_, k) => feed.folders.slice(0, k + 1).join('/'));
}

/** allFolders lists every folder of the feeds given, each once, in path order. */
function allFolders(feeds: readonly Feed[]): string[] {
  return [...new Set(feeds.flatMap(folderPaths))].sort();
}

/** tagList answers tag/list: the state tags, then the folders (type folder), then the topics (type tag) with unread counts. */
export async function tagList(_req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const [feeds, labels, totals] = await Promise.all([
    env.store.listFeeds(),
    modelLabels(env.store, env.cfg.model),
    env.store.unreadTotals(env.cfg.model),
  ]);
  const unread = new Map<string, number>();
  for (const f of feeds) for (const p of folderPaths(f)) unread.set(p, (unread.get(p) ?? 0) + f.unreadCount);
  const topicUnread = new Map(totals.labels.map((l) => [l.label, l.unread]));
  return {
    json: {
      tags: [
        { id: `${STATE}starred` },
        ...allFolders(feeds).map((p) => ({ id: folderStreamId(p), type: 'folder', unread_count: unread.get(p) ?? 0 })),
        ...labels.map((l) => ({ id: topicStreamId(l), type: 'tag', unread_count: topicUnread.get(l) ?? 0 })),
      ],
    },
  };
}

type Count = { id: string; count: number; newestItemTimestampUsec: string };

const usec = (iso: string) => `${Date.parse(iso) || 0}000`;

/** unreadCount answers unread-count: every feed, folder and topic and the reading list, with its newest unread item's time. */
export async function unreadCount(_req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const [feeds, totals, labels] = await Promise.all([
    env.store.listFeeds(),
    env.store.unreadTotals(env.cfg.model),
    modelLabels(env.store, env.cfg.model),
  ]);
  const byFeed = new Map(totals.feeds.map((t) => [t.feedId, t]));
  const folders = new Map<string, { count: number; newest: string }>();
  const all = { count: 0, newest: '' };
  const counts: Count[] = [];
  for (const f of feeds) {
    const t = byFeed.get(f.id);
    const count = t?.unread ?? 0;
    const newest = t?.newest ?? '';
    counts.push({ id: feedStreamId(f.id), count, newestItemTimestampUsec: newest ? usec(newest) : '0' });
    for (const p of folderPaths(f)) {
      const c = folders.get(p) ?? { count: 0, newest: '' };
      c.count += count;
      if (newest > c.newest) c.newest = newest;
      folders.set(p, c);
    }
    all.count += count;
    if (newest > all.newest) all.newest = newest;
  }
  for (const [p, c] of [...folders].sort())
    counts.push({ id: folderStreamId(p), count: c.count, newestItemTimestampUsec: c.newest ? usec(c.newest) : '0' });
  const byLabel = new Map(totals.labels.map((l) => [l.label, l]));
  for (const l of labels) {
    const t = byLabel.get(l);
    counts.push({ id: topicStreamId(l), count: t?.unread ?? 0, newestItemTimestampUsec: t ? usec(t.newest) : '0' });
  }
  counts.push({ id: `${STATE}reading-list`, count: all.count, newestItemTimestampUsec: all.newest ? usec(all.newest) : '0' });
  return { json: { max: Math.max(0, ...counts.map((c) => c.count)), unreadcounts: counts } };
}

/** folderOf reads a request's label stream id that must name a folder that exists; a topic, a state or a feed is a 400. */
async function folderOf(env: ServeEnv, name: string, id: string | null): Promise<string> {
  if (!id) throw new ApiError(400, `${name}: no label given`);
  const s = parseStreamId(id);
  if (s.kind !== 'folder') throw new ApiError(400, `${name}: not a folder: ${clip(id)} (topics are the classifier's, renamed by training)`);
  // An unknown folder is a 404 from streamFilter; here it is a bad parameter.
  await streamFilter(s, env.store, env.cfg.model).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) throw new ApiError(400, `${name}: no such folder: ${clip(s.path)}`);
    throw e;
  });
  return s.path;
}

/** renameTag answers rename-tag: folder `s` becomes `dest` (a label stream id or a bare name), its subfolders with it. */
export async function renameTag(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const from = await folderOf(env, 's', req.params.get('s'));
  const destGiven = req.params.get('dest');
  if (!destGiven || destGiven.trim() === '') throw new ApiError(400, 'dest: no new name given');
  const dest = destGiven.startsWith('user/') ? parseStreamId(destGiven) : { kind: 'folder' as const, path: destGiven };
  if (dest.kind !== 'folder' || dest.path.replace(/[\s/]/g, '') === '')
    throw new ApiError(400, `dest: not a folder name: ${clip(destGiven)}`);
  await env.store.moveFolder(from, dest.path);
  return { text: 'OK' };
}

/** disableTag answers disable-tag: folder `s` is dissolved, its feeds going to the folder above it. */
export async function disableTag(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const from = await folderOf(env, 's', req.params.get('s'));
  await env.store.moveFolder(from, null);
  return { text: 'OK' };
}
