// The per-feed recipe, top to bottom: load the feed row → conditional GET → decode → parse →
// normalize (in a parse worker when the crawl has them) → store in one transaction (recordFetch) → record the
// outcome on the feed row. A failing feed is an outcome written on its row; nothing here throws
// for bad servers or bad documents, nor for a store that refuses one feed's rows (only for a
// store that is out of service, which would fail every feed alike).
import { InkzeeError } from '../errors.js';
import type { Feed, ParsedFeed } from '../model.js';
import type { Fetcher, FetchOutcome } from '../fetch/http.js';
import { CONTROL, fitsIndex, wellFormed } from '../text/well-formed.js';
import type { SearchText, Store } from '../store/contract.js';
import { storeIsDown } from '../store/open.js';
import { parseBody, type ParseJob, type ParsedBody } from './parse-job.js';

/** FeedResult is what one feed's crawl did, reported as a progress event. */
export interface FeedResult {
  feedId: number;
  url: string;
  outcome: 'updated' | 'unchanged' | 'not-modified' | 'failed' | 'interrupted';
  status: number | null;
  added: number;
  updated: number;
  error: string | null;
  /** Where the subscription moved (301/308 or autodiscovery), if it did. */
  movedTo: string | null;
  /** The subscription that already had that URL, which this one was merged into (its row is gone). */
  mergedInto: number | null;
  disabled: boolean;
  ms: number;
  /** The ids of the items this fetch stored new (absent when none), for rules and the hook on new items; not an event field. */
  newIds?: number[];
}

/** RecipeDeps are what the recipe needs from the crawl. */
export interface RecipeDeps {
  /** Where the outcome is written (`inkzee add` checks a feed before storing it: a store that keeps it aside). */
  store: Pick<Store, 'recordFetch' | 'recordFailure'>;
  fetcher: Fetcher;
  signal: AbortSignal;
  now: () => Date;
  /** Decodes and parses a body (a ParsePool's worker threads); on this thread when absent. */
  parse?: (job: ParseJob) => Promise<ParsedBody>;
}

const HOUR = 3600_000;
const MAX_BACKOFF = 24 * HOUR;

/** backoffMs grows with the error streak (15 min, 30 min, 1 h, …) and is capped at 24 h. */
export function backoffMs(consecutiveErrors: number, retryAfterSec: number | null = null): number {
  const exp = Math.min(MAX_BACKOFF, 15 * 60_000 * 2 ** Math.max(0, consecutiveErrors - 1));
  return Math.min(MAX_BACKOFF, Math.max(exp, (retryAfterSec ?? 0) * 1000));
}

type Parsed =
  | { ok: true; feed: ParsedFeed; texts?: SearchText[]; url: string; recovered: boolean; etag: string | null; lastModified: string | null }
  | { ok: false; error: string };

/** MAX_DISCOVERED bounds how many of a page's feed links autodiscovery fetches, in page order. */
export const MAX_DISCOVERED = 5;

const MAX_REASON = 1000;

/** oneLine is a reason as a feed row and an NDJSON event hold it: well-formed, on one line, bounded. */
function oneLine(s: string): string {
  const t = wellFormed(s).replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return t.length > MAX_REASON ? `${t.slice(0, MAX_REASON).replace(/[\uD800-\uDBFF]$/, '')}…` : t;
}

/** errorText names an unexpected error: its class too when that says more than "Error". */
function errorText(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const name = typeof e?.name === 'string' ? e.name : '';
  return err instanceof InkzeeError || !name || name === 'Error' || name === 'SqliteError' ? message : `${name}: ${message}`;
}

async function decodeAndParse(res: Extract<FetchOutcome, { kind: 'ok' }>, d: RecipeDeps, discover: boolean): Promise<Parsed> {
  // The body goes to the parser (transferred to a worker: this thread no longer holds it).
  const job = {
    body: res.body,
    url: res.url,
    contentType: res.contentType,
    contentLocation: res.contentLocation,
    contentLanguage: res.contentLanguage,
  };
  let parsed: ParsedBody;
  try {
    parsed = d.parse ? await d.parse(job) : parseBody(job);
  } catch (err) {
    // A parser bug met by one document fails that feed, named as a bug, and the crawl goes on.
    return { ok: false, error: `parse: internal error (${errorText(err).split('\n')[0]})` };
  }
  if (parsed.kind === 'feed') {
    return {
      ok: true,
      feed: parsed.feed,
      texts: parsed.texts,
      url: res.url,
      recovered: parsed.recovered,
      etag: res.etag,
      lastModified: res.lastModified,
    };
  }
  if (parsed.kind === 'invalid') return { ok: false, error: `parse: ${parsed.reason}` };
  // A discovered link that is a page again is not followed further (no discovery from discovery).
  if (!discover) return { ok: false, error: 'parse: an HTML page, not a feed' };
  if (parsed.alternates.length === 0) return { ok: false, error: 'parse: an HTML page, not a feed, and it links to no feed' };
  // Autodiscovery: the page announces its feeds; the first of them that parses as a feed is taken.
  const tried = parsed.alternates.slice(0, MAX_DISCOVERED);
  const why: string[] = [];
  for (const alt of tried) {
    const found = await d.fetcher.fetch(alt, { etag: null, lastModified: null }, d.signal);
    if (d.signal.aborted) return { ok: false, error: 'interrupted' };
    const got =
      found.kind === 'ok'
        ? await decodeAndParse(found, d, false)
        : { ok: false as const, error: found.kind === 'failed' ? found.error : 'no content' };
    if (got.ok) return got;
    why.push(`${alt}: ${got.error.replace(/^parse: /, '')}`);
  }
  const n = parsed.alternates.length;
  const untried = n - tried.length;
  const which = n === 1 ? 'its one feed link did not work' : `none of its ${n} feed links worked`;
  return { ok: false, error: `parse: an HTML page; ${which}: ${why.join('; ')}${untried ? ` (${untried} more not tried)` : ''}` };
}

// A subscription moves only to a URL that an index on feeds.url can hold (PostgreSQL's b-tree takes
// about 2,700 bytes): a redirect to kilobytes of query string is followed each time instead.
const movable = (url: string | null): string | null => (url && fitsIndex(url) ? url : null);

type Written<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * written runs one of a feed's store writes. A failure that is this feed's alone (a constraint, a
 * value the store refuses, a bug met with its rows) comes back as the feed's reason, "store: …";
 * a store that is out of service is thrown, and ends the run.
 */
async function written<T>(write: () => Promise<T>): Promise<Written<T>> {
  try {
    return { ok: true, value: await write() };
  } catch (err) {
    if (storeIsDown(err)) throw err;
    const text = errorText(err);
    return { ok: false, error: text.startsWith('store: ') ? text : `store: ${text}` };
  }
}

/** feedResult is a feed's result with what was not given left empty (nothing stored, no error, no time). */
export function feedResult(feed: Pick<Feed, 'id' | 'url'>, r: Partial<FeedResult> & Pick<FeedResult, 'outcome'>): FeedResult {
  return {
    feedId: feed.id,
    url: feed.url,
    status: null,
    added: 0,
    updated: 0,
    error: null,
    movedTo: null,
    mergedInto: null,
    disabled: false,
    ms: 0,
    ...r,
  };
}

/** refreshFeed runs the recipe for one feed and returns its result; the feed row records it too. */
export async function refreshFeed(feed: Feed, d: RecipeDeps): Promise<FeedResult> {
  const started = Date.now();
  const result = (r: Partial<FeedResult> & Pick<FeedResult, 'outcome'>): FeedResult => feedResult(feed, { ms: Date.now() - started, ...r });
  const res: FetchOutcome = await d.fetcher.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified }, d.signal);
  if (d.signal.aborted) return result({ outcome: 'interrupted' });
  const now = d.now();
  const iso = now.toISOString();

  // The failure itself is recorded as any write is, but a store that refuses even that ends the run:
  // the feed would stay due, and a worker would claim it again at once, for ever.
  const fail = async (status: number | null, why: string, retryAfterSec: number | null = null, gone = false) => {
    const error = oneLine(why);
    const errors = feed.consecutiveErrors + 1;
    const next = new Date(now.getTime() + backoffMs(errors, retryAfterSec)).toISOString();
    const disabledReason = gone ? `gone (HTTP 410) since ${iso}` : null;
    await d.store.recordFailure(feed.id, { status, error, nextCheckAt: next, disabledReason }, iso);
    return result({ outcome: 'failed', status, error, disabled: gone });
  };

  if (res.kind === 'failed') return fail(res.status, res.error, res.retryAfterSec, res.gone);
  if (res.kind === 'not-modified') {
    const kept = await written(() =>
      d.store.recordFetch(
        feed.id,
        {
          movedTo: movable(res.movedTo),
          state: { status: 304, etag: res.etag, lastModified: res.lastModified, error: null, nextCheckAt: null },
        },
        iso,
      ),
    );
    if (!kept.ok) return fail(304, kept.error);
    return result({ outcome: 'not-modified', status: 304, movedTo: kept.value.movedTo, mergedInto: kept.value.mergedInto });
  }

  const parsed = await decodeAndParse(res, d, true);
  if (d.signal.aborted) return result({ outcome: 'interrupted' });
  if (!parsed.ok) return fail(res.status, parsed.error);

  // A feed found by autodiscovery, or behind permanent redirects, becomes the subscription's URL.
  const newUrl = movable(parsed.url !== res.url ? parsed.url : res.movedTo);
  const stored = await written(() =>
    d.store.recordFetch(
      feed.id,
      {
        items: parsed.feed.items,
        texts: parsed.texts,
        movedTo: newUrl,
        state: {
          // Validators of the feed document itself (after autodiscovery, not the HTML page's).
          status: res.status,
          etag: parsed.etag,
          lastModified: parsed.lastModified,
          error: parsed.recovered ? 'parse: not well-formed XML, recovered what was readable' : null,
          nextCheckAt: null,
          title: parsed.feed.title,
          siteUrl: parsed.feed.siteUrl,
          meta: {
            title: parsed.feed.title,
            description: parsed.feed.description,
            language: parsed.feed.language,
            imageUrl: parsed.feed.imageUrl,
          },
        },
      },
      iso,
    ),
  );
  // Its rows refused, the feed fails alone: the other feeds' writes (SQLite: their savepoints in the same batch) stand.
  if (!stored.ok) return fail(res.status, stored.error);
  const { newIds, ...counts } = stored.value;
  return result({
    outcome: counts.added || counts.updated ? 'updated' : 'unchanged',
    status: res.status,
    ...counts,
    ...(newIds.length ? { newIds } : {}),
  });
}
