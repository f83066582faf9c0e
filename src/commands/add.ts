// `inkzee add URL…`: subscribe to feeds one at a time. Each URL is fetched and parsed by the refresh
// recipe (autodiscovery of a page's <link rel="alternate"> feeds included) before anything is stored,
// its outcome kept aside; only a URL whose feed parsed is then subscribed and its items stored, so a
// failure leaves nothing behind that a refresh running beside could see.
import { cleanName } from '../text/well-formed.js';
import type { Feed } from '../model.js';
import { InputError, UsageError } from '../errors.js';
import type { Fetcher } from '../fetch/http.js';
import { refreshFeed } from '../crawl/recipe.js';
import { normalizeFeedUrl } from '../opml/url.js';
import type { FetchRecord, Store } from '../store/contract.js';
import type { Context } from './context.js';
import { checkCrawlOptions, fetcherFor, type CrawlOptions } from './crawl.js';
import { readInput } from './input.js';
import { afterStored } from './new-items.js';
import type { SubscribeResult } from '../results.js';

/** AddOptions are `inkzee add`'s flags. */
export interface AddOptions extends CrawlOptions {
  /** Folder path, names joined by "/"; the top level when absent. */
  category?: string;
  /** The user's name for the feed (else the feed's own title). */
  title?: string;
  /** Subscribe without fetching (nothing checked). */
  fetch: boolean;
}

/** urlsToAdd reads the URLs given, "-" standing for standard input's lines (blank lines and "#" comments skipped). */
export async function urlsToAdd(given: readonly string[], stdin?: NodeJS.ReadableStream): Promise<string[]> {
  const urls: string[] = [];
  for (const g of given) {
    if (g !== '-') urls.push(g);
    else
      for (const line of (await readInput('-', stdin)).toString('utf8').split(/\r?\n/)) {
        const t = line.trim();
        if (t !== '' && !t.startsWith('#')) urls.push(t);
      }
  }
  if (urls.length === 0) throw new UsageError('add: no URL given (give feed or page URLs, or - to read them from standard input)');
  return urls;
}

/** Probe is a URL's fetch, parsed and kept aside: what storing it would write, or why it failed. */
type Probe = { ok: true; record: FetchRecord } | { ok: false; error: string };

/** probe runs the refresh recipe on a URL not stored yet, writing its outcome nowhere but here. */
async function probe(url: string, fetcher: Fetcher, ctx: Context): Promise<Probe> {
  let record: FetchRecord | undefined;
  const aside = {
    recordFetch: async (_id: number, r: FetchRecord) => {
      record = r;
      return { added: r.items?.length ?? 0, updated: 0, movedTo: r.movedTo, mergedInto: null, newIds: [] };
    },
    recordFailure: async () => {},
  };
  const feed: Feed = {
    id: 0,
    url,
    title: null,
    siteUrl: null,
    category: '',
    folders: [],
    addedAt: '',
    etag: null,
    lastModified: null,
    lastStatus: null,
    lastFetchedAt: null,
    consecutiveErrors: 0,
    lastError: null,
    nextCheckAt: null,
    disabledReason: null,
    pausedAt: null,
    meta: { title: null, description: null, language: null, imageUrl: null },
  };
  const r = await refreshFeed(feed, { store: aside, fetcher, signal: ctx.signal, now: ctx.now });
  if (r.outcome === 'interrupted') return { ok: false, error: 'interrupted' };
  if (r.outcome === 'failed' || !record) return { ok: false, error: r.error ?? 'not fetched' };
  return { ok: true, record };
}

/** subscribed finds the feed a URL names (its URL or a former one), if one does. */
async function subscribed(store: Store, url: string): Promise<SubscribeResult | undefined> {
  const [f] = await store.listFeeds({ feed: url });
  return f && { kind: 'present', given: url, feed: { id: f.id, url: f.url, title: f.title ?? f.meta.title } };
}

/**
 * addCommand subscribes to each URL in turn and reports each result as it is known, in the order
 * given; probes run ahead, at most --concurrency at once.
 */
export async function addCommand(
  ctx: Context,
  urls: readonly string[],
  o: AddOptions,
  report: (r: SubscribeResult) => void,
): Promise<SubscribeResult[]> {
  if (o.fetch) checkCrawlOptions(o);
  const store = await ctx.store();
  const fetcher = o.fetch ? fetcherFor(o) : undefined;
  // Each URL made fetchable (feed://, no scheme) or refused; a subscribed one is not fetched again.
  const plans = await Promise.all(
    urls.map(async (given) => {
      const v = normalizeFeedUrl(given);
      if (!v.ok) return { given, done: { kind: 'failed', given, error: 'not an http(s) URL' } as SubscribeResult };
      return { given, url: v.url, done: await subscribed(store, v.url) };
    }),
  );
  let running = 0;
  const waiting: (() => void)[] = [];
  const limited = async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= o.concurrency) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  const probes = plans.map((p) => (p.done || !fetcher || !p.url ? undefined : limited(() => probe(p.url, fetcher, ctx))));
  const results: SubscribeResult[] = [];
  const newIds: number[] = [];
  try {
    for (const [k, p] of plans.entries()) {
      const r =
        p.done ??
        (await store1(
          ctx,
          store,
          p.url!,
          { title: o.title === undefined ? null : cleanName(o.title) || null, category: o.category ?? '' },
          await probes[k],
          newIds,
        ));
      // A URL given twice is subscribed once: the second finds the first.
      if (r.kind === 'added') for (const q of plans.slice(k + 1)) if (q.url === p.url) q.done = { ...r, kind: 'present', given: q.given };
      results.push({ ...r, given: p.given });
      report({ ...r, given: p.given });
    }
  } finally {
    await fetcher?.close();
  }
  // The rules apply to the items of the feeds just subscribed, as to those of a refresh.
  await afterStored(ctx, store, newIds);
  return results;
}

/** store1 subscribes one URL whose probe succeeded (or that is not to be fetched) and stores what the probe fetched (its new item ids into newIds). */
async function store1(
  ctx: Context,
  store: Store,
  url: string,
  sub: { title: string | null; category: string },
  p: Probe | undefined,
  newIds: number[],
): Promise<SubscribeResult> {
  if (p && !p.ok) return { kind: 'failed', given: url, error: p.error };
  // The page's feed, found by autodiscovery (or a permanent redirect), may be subscribed already.
  const movedTo = p?.record.movedTo;
  const known = movedTo ? await subscribed(store, movedTo) : undefined;
  if (known) return known;
  const now = ctx.now().toISOString();
  const res = await store.addSubscriptions([{ url, title: sub.title, siteUrl: null, category: sub.category }], now);
  const made = res.added[0];
  if (!made) return (await subscribed(store, url)) ?? { kind: 'failed', given: url, error: 'subscribed and removed meanwhile' };
  let id = made.id;
  if (p) {
    // Stored as the recipe stores a refresh: the move to the feed's URL, items, the feed's state.
    const stored = await store.recordFetch(id, p.record, now);
    for (const n of stored.newIds) newIds.push(n);
    if (stored.mergedInto !== null) id = stored.mergedInto;
    if (stored.mergedInto !== null) return { kind: 'present', given: url, feed: { id, url: movedTo!, title: null } };
  }
  const [f] = await store.listFeeds({ feed: String(id) });
  if (!f) throw new InputError(url, 'removed while it was being added');
  return {
    kind: 'added',
    given: url,
    feed: { id: f.id, url: f.url, title: f.title ?? f.meta.title, category: f.category, items: f.itemCount },
  };
}
