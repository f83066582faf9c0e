// The reader API's subscriptions: list (folders as categories), edit (subscribe through the same
// discovery and checks as `inkzee add`, unsubscribe, rename and move), quickadd and export (OPML).
import type { Context } from '../commands/context.js';
import { subscribeUrls } from '../commands/crawl-actions.js';
import type { Feed } from '../model.js';
import { writeOpml } from '../opml/write.js';
import { Output } from '../output/output.js';
import type { SubscribeResult } from '../results.js';
import { ApiError, type ApiReply, type ApiRequest, type ServeEnv } from './api.js';
import { clip, feedStreamId, folderLabel, folderStreamId, parseStreamId } from './streams.js';

/** subscriptionList answers subscription/list: every feed with its folder as its one category. */
export async function subscriptionList(_req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const feeds = await env.store.listFeeds({ counts: false });
  return {
    json: {
      subscriptions: feeds.map((f) => ({
        id: feedStreamId(f.id),
        title: f.title ?? f.meta.title ?? f.url,
        categories: f.category === '' ? [] : [{ id: folderStreamId(f.category), label: folderLabel(f.category) }],
        url: f.url,
        htmlUrl: f.siteUrl ?? '',
        iconUrl: '',
      })),
    },
  };
}

/** serveContext is a command Context over the server's store, for the commands the API runs (subscribing). */
function serveContext(env: ServeEnv): Context {
  return {
    cfg: env.cfg,
    out: new Output({ ...env.cfg, quiet: true }),
    now: env.now,
    signal: new AbortController().signal,
    store: async () => env.store,
    close: async () => {},
  };
}

/** subscribe subscribes one URL as `inkzee add` does (private networks denied unless configured: a client chose the URL). */
async function subscribe(env: ServeEnv, url: string, o: { title?: string; category?: string }): Promise<SubscribeResult> {
  const [r] = await subscribeUrls(serveContext(env), [url], { ...o, fetch: true }, () => {}, true);
  return r;
}

/** folderParam reads an `a`/`r` label stream id as a folder path ('' for none given); a topic or state is a 400. */
function folderParam(name: string, v: string | null): string {
  if (!v) return '';
  const s = parseStreamId(v);
  if (s.kind !== 'folder') throw new ApiError(400, `${name}: not a folder: ${clip(v)}`);
  return s.path;
}

/** feedOf finds the feed a `feed/<id or URL>` stream id names, if any. */
async function feedOf(env: ServeEnv, s: string): Promise<Feed | undefined> {
  const stream = parseStreamId(s);
  if (stream.kind !== 'feed') throw new ApiError(400, `s: not a feed: ${clip(s)}`);
  return (await env.store.listFeeds({ feed: stream.feed, counts: false }))[0];
}

/**
 * subscriptionEdit answers subscription/edit (ac = subscribe, unsubscribe or edit; s repeated, t
 * the titles, a the folder to put them in, r the folder to take them out of). A subscription that
 * fails, or an unknown feed to edit, is a 400 with its reason; unsubscribing an unknown feed is
 * done already. Several `s` are handled in order; one failing stops the rest.
 */
export async function subscriptionEdit(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const ac = req.params.get('ac');
  const streams = req.params.getAll('s');
  const titles = req.params.getAll('t');
  if (streams.length === 0) throw new ApiError(400, 's: no feed given');
  const add = folderParam('a', req.params.get('a'));
  const remove = folderParam('r', req.params.get('r'));
  for (const [k, s] of streams.entries()) {
    const title = titles[k]?.trim() || undefined;
    if (ac === 'subscribe') {
      const stream = parseStreamId(s);
      if (stream.kind !== 'feed') throw new ApiError(400, `s: not a feed: ${clip(s)}`);
      // A feed id names a subscription already (one of no feed is skipped, as FreshRSS does); only a URL can be subscribed to.
      const byId = /^\d+$/.test(stream.feed);
      const known = byId ? await feedOf(env, s) : undefined;
      if (byId && !known) continue;
      const r = known ? undefined : await subscribe(env, stream.feed, { title, category: add || undefined });
      if (r?.kind === 'failed') throw new ApiError(400, `subscribe: ${clip(stream.feed)}: ${r.error}`);
      // Subscribed already: its title and folder become the ones asked for, as ac=edit would make them.
      const present = known?.id ?? (r?.kind === 'present' ? r.feed.id : undefined);
      if (present !== undefined && (title !== undefined || add !== ''))
        await env.store.editFeed(present, { title, category: add !== '' ? add : undefined });
    } else if (ac === 'unsubscribe') {
      const f = await feedOf(env, s);
      if (f) await env.store.removeFeeds([f.id]);
    } else if (ac === 'edit') {
      const f = await feedOf(env, s);
      if (!f) throw new ApiError(400, `s: no such feed: ${clip(s)}`);
      const category = add !== '' ? add : remove !== '' && f.category === remove ? '' : undefined;
      if (title !== undefined || category !== undefined) await env.store.editFeed(f.id, { title, category });
    } else throw new ApiError(400, `ac: not subscribe, unsubscribe or edit: ${clip(ac ?? '')}`);
  }
  return { text: 'OK' };
}

/** quickadd answers subscription/quickadd: subscribe to `quickadd` (a feed or page URL); a failure answers numResults 0 and the reason, as FreshRSS does. */
export async function quickadd(req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const given = req.params.get('quickadd');
  if (!given || given.trim() === '') throw new ApiError(400, 'quickadd: no URL given');
  const url = given.trim().replace(/^(feed\/)+/, '');
  const r = await subscribe(env, url, {});
  if (r.kind === 'failed') return { json: { numResults: 0, error: r.error } };
  const [f] = await env.store.listFeeds({ feed: String(r.feed.id), counts: false });
  return { json: { numResults: 1, query: f?.url ?? url, streamId: feedStreamId(r.feed.id), streamName: f?.title ?? f?.meta.title ?? '' } };
}

/** subscriptionExport answers subscription/export: every subscription as OPML 2.0, folders nested. */
export async function subscriptionExport(_req: ApiRequest, env: ServeEnv): Promise<ApiReply> {
  const feeds = await env.store.listFeeds({ counts: false });
  return {
    xml: writeOpml(feeds, 'Inkzee subscriptions', env.now()),
    headers: { 'Content-Disposition': 'attachment; filename="inkzee.opml"' },
  };
}
