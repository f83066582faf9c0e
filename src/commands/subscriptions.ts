// Changing subscriptions one by one: `inkzee remove`, `edit`, `pause` and `resume`. Feeds are named
// as --feed names them everywhere (an id, or a URL the feed has or had), or by folder; every name is
// checked before anything changes.
import { InputError, UsageError } from '../errors.js';
import { cleanName } from '../text/well-formed.js';
import type { FeedListing, Store } from '../store/contract.js';
import type { Context } from './context.js';
import { knownFeeds } from './known-feeds.js';
import type { EditChange, FeedRef, PauseResult, RemoveResult } from '../results.js';

/** Selection names feeds: by id or URL, or every feed of a folder and its subfolders. */
export interface Selection {
  feeds: readonly string[];
  category?: string;
}

const refOf = (f: FeedListing): FeedRef => ({ id: f.id, url: f.url, title: f.title ?? f.meta.title });

/** selected resolves a selection to stored feeds, refusing (exit 1) a name or folder that names none, and a mix or nothing (exit 2). */
async function selected(store: Store, command: string, s: Selection): Promise<FeedListing[]> {
  if (s.category !== undefined && s.feeds.length) throw new UsageError(`${command}: give feeds or --category, not both`);
  if (s.category === undefined) {
    if (s.feeds.length === 0)
      throw new UsageError(`${command}: no feed given (give ids or URLs from \`inkzee feeds\`, or --category PATH)`);
    return knownFeeds(store, s.feeds);
  }
  const inside = await store.listFeeds({ category: s.category });
  if (inside.length === 0) throw new InputError(s.category, 'no feeds in this category', 'no-feed');
  return inside;
}

/**
 * removeCommand deletes feeds with their items, search rows, labels, corrections and remembered
 * URLs, in one transaction. A whole folder goes only with `yes`: without it, nothing is removed.
 */
export async function removeCommand(ctx: Context, s: Selection & { yes?: boolean }): Promise<RemoveResult[]> {
  const store = await ctx.store();
  const feeds = await selected(store, 'remove', s);
  if (s.category !== undefined && !s.yes)
    throw new UsageError(
      `remove --category ${s.category}: would remove ${feeds.length} feed${feeds.length === 1 ? '' : 's'} with their items; add --yes to remove them`,
    );
  const gone = await store.removeFeeds(feeds.map((f) => f.id));
  const named = new Map(feeds.map((f) => [f.id, f]));
  return gone.map((g) => ({ id: g.id, url: g.url, title: g.title ?? named.get(g.id)?.meta.title ?? null, items: g.items }));
}

/** EditOptions are `inkzee edit`'s changes; at least one is required. */
export interface EditOptions {
  title?: string;
  category?: string;
  url?: string;
}

/** editCommand renames a feed, moves it to a folder, or changes its URL; a URL another feed has or had is refused. */
export async function editCommand(
  ctx: Context,
  name: string,
  o: EditOptions,
): Promise<{ feed: FeedRef & { category: string }; changed: EditChange[] }> {
  if (o.title === undefined && o.category === undefined && o.url === undefined)
    throw new UsageError('edit: nothing to change (give --title, --category or --url)');
  let url: string | undefined;
  if (o.url !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(o.url.trim());
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new InputError(o.url, 'not an absolute http(s) URL', 'bad-url');
    u.hash = '';
    url = u.href;
  }
  const store = await ctx.store();
  const [feed] = await knownFeeds(store, name);
  // A name typed on the command line is cleaned as a name read from an OPML file is (no controls, spaces folded).
  const title = o.title === undefined ? undefined : cleanName(o.title) || null;
  const r = await store.editFeed(feed.id, { title, category: o.category, url });
  if ('missing' in r) throw new InputError(`feed ${name}`, 'removed meanwhile', 'no-feed');
  if ('takenBy' in r) throw new InputError(o.url!, `already subscribed as ${r.takenBy}; nothing changed`, 'subscribed');
  // What the edit changed, not what was asked: an edit to the same name, folder or URL changes nothing.
  const changed = (['title', 'category', 'url'] as const).filter((k) => o[k] !== undefined && r.feed[k] !== feed[k]);
  return { feed: { id: r.feed.id, url: r.feed.url, title: r.feed.title ?? r.feed.meta.title, category: r.feed.category }, changed };
}

/**
 * pauseCommand pauses feeds (never fetched until resumed) or resumes them (due at once; a feed a
 * 410 disabled is enabled again). Feeds already so are reported unchanged: running it twice is no error.
 */
export async function pauseCommand(ctx: Context, s: Selection, paused: boolean): Promise<PauseResult[]> {
  const store = await ctx.store();
  const feeds = await selected(store, paused ? 'pause' : 'resume', s);
  const changed = new Set(
    await store.setPaused(
      feeds.map((f) => f.id),
      paused,
      ctx.now().toISOString(),
    ),
  );
  return feeds.map((f) => ({ ...refOf(f), changed: changed.has(f.id) }));
}
