// The per-feed recipe, top to bottom: load the feed row → conditional GET → decode → parse →
// normalize (in a parse worker when the crawl has them) → store in one transaction (recordFetch) → record the
// outcome on the feed row. A failing feed is an outcome written on its row; nothing here throws
// for bad servers or bad documents.
import type { Feed, ParsedFeed } from '../model.js';
import type { Fetcher, FetchOutcome } from '../fetch/http.js';
import type { SearchText, Store } from '../store/contract.js';
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
}

/** RecipeDeps are what the recipe needs from the crawl. */
export interface RecipeDeps {
  store: Store;
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

async function decodeAndParse(res: Extract<FetchOutcome, { kind: 'ok' }>, d: RecipeDeps, discover: boolean): Promise<Parsed> {
  // The body goes to the parser (transferred to a worker: this thread no longer holds it).
  const job = { body: res.body, url: res.url, contentType: res.contentType, contentLocation: res.contentLocation, contentLanguage: res.contentLanguage };
  const parsed = d.parse ? await d.parse(job) : parseBody(job);
  if (parsed.kind === 'feed') {
    return { ok: true, feed: parsed.feed, texts: parsed.texts, url: res.url, recovered: parsed.recovered, etag: res.etag, lastModified: res.lastModified };
  }
  if (parsed.kind === 'invalid') return { ok: false, error: `parse: ${parsed.reason}` };
  if (!discover || parsed.alternates.length === 0) return { ok: false, error: 'parse: an HTML page, not a feed, and it links to no feed' };
  // Autodiscovery: the page announces its feeds; take the first one that answers.
  const alt = parsed.alternates[0];
  const found = await d.fetcher.fetch(alt, { etag: null, lastModified: null }, d.signal);
  if (found.kind !== 'ok') return { ok: false, error: `discovered feed ${alt}: ${found.kind === 'failed' ? found.error : 'no content'}` };
  return decodeAndParse(found, d, false);
}

/** refreshFeed runs the recipe for one feed and returns its result; the feed row records it too. */
export async function refreshFeed(feed: Feed, d: RecipeDeps): Promise<FeedResult> {
  const started = Date.now();
  const result = (r: Partial<FeedResult> & Pick<FeedResult, 'outcome'>): FeedResult => ({
    feedId: feed.id, url: feed.url, status: null, added: 0, updated: 0, error: null, movedTo: null, mergedInto: null, disabled: false,
    ms: Date.now() - started, ...r,
  });
  const res: FetchOutcome = await d.fetcher.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified }, d.signal);
  if (d.signal.aborted) return result({ outcome: 'interrupted' });
  const now = d.now();
  const iso = now.toISOString();

  const fail = async (status: number | null, error: string, retryAfterSec: number | null = null, gone = false) => {
    const errors = feed.consecutiveErrors + 1;
    const next = new Date(now.getTime() + backoffMs(errors, retryAfterSec)).toISOString();
    const disabledReason = gone ? `gone (HTTP 410) since ${iso}` : null;
    await d.store.recordFailure(feed.id, { status, error, nextCheckAt: next, disabledReason }, iso);
    return result({ outcome: 'failed', status, error, disabled: gone });
  };

  if (res.kind === 'failed') return fail(res.status, res.error, res.retryAfterSec, res.gone);
  if (res.kind === 'not-modified') {
    const { movedTo, mergedInto } = await d.store.recordFetch(feed.id, {
      movedTo: res.movedTo, state: { status: 304, etag: res.etag, lastModified: res.lastModified, error: null, nextCheckAt: null },
    }, iso);
    return result({ outcome: 'not-modified', status: 304, movedTo, mergedInto });
  }

  const parsed = await decodeAndParse(res, d, true);
  if (d.signal.aborted) return result({ outcome: 'interrupted' });
  if (!parsed.ok) return fail(res.status, parsed.error);

  // A feed found by autodiscovery, or behind permanent redirects, becomes the subscription's URL.
  const newUrl = parsed.url !== res.url ? parsed.url : res.movedTo;
  const stored = await d.store.recordFetch(feed.id, {
    items: parsed.feed.items, texts: parsed.texts, movedTo: newUrl,
    state: {
      // Validators of the feed document itself (after autodiscovery, not the HTML page's).
      status: res.status, etag: parsed.etag, lastModified: parsed.lastModified,
      error: parsed.recovered ? 'parse: not well-formed XML, recovered what was readable' : null,
      nextCheckAt: null, title: parsed.feed.title, siteUrl: parsed.feed.siteUrl,
      meta: { title: parsed.feed.title, description: parsed.feed.description, language: parsed.feed.language, imageUrl: parsed.feed.imageUrl },
    },
  }, iso);
  return result({ outcome: stored.added || stored.updated ? 'updated' : 'unchanged', status: res.status, ...stored });
}
