// One fetched body through the CPU-bound half of the recipe: decode → parse → normalize →
// sanitize, and in a parse worker each item's full-text index entry too. Pure and synchronous, so
// it runs the same on the crawl's thread and in a parse worker (parse-pool.ts).
import type { ParsedFeed } from '../model.js';
import { decodeDocument } from '../text/charset.js';
import { parseFeedDocument } from '../parse/feed.js';
import { itemIndexText } from '../text/search-text.js';
import type { SearchText } from '../store/contract.js';

/** ParseJob is a fetched body with what decoding and parsing need to know about it. */
export interface ParseJob {
  body: Uint8Array;
  url: string;
  contentType: string;
  /** The response's Content-Location and Content-Language (the base URI and fallback language). */
  contentLocation?: string | null;
  contentLanguage?: string | null;
}

/** ParsedBody is what a body turned out to be; from a worker, a feed comes with its items' search texts. */
export type ParsedBody =
  | { kind: 'feed'; feed: ParsedFeed; recovered: boolean; texts?: SearchText[] }
  | { kind: 'html'; alternates: string[] }
  | { kind: 'invalid'; reason: string };

const charsetOf = (contentType: string) => /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];

/**
 * parseBody decodes and parses one body. With `withTexts` (in a worker) it also makes every item's
 * search text, so the crawl's thread need not; on the crawl's thread the store makes it only for
 * the items it inserts or changes, as most items of a routine refresh are neither.
 */
export function parseBody(job: ParseJob, withTexts = false): ParsedBody {
  const { text } = decodeDocument(job.body, charsetOf(job.contentType));
  const parsed = parseFeedDocument(text, job.url, job.contentType, {
    contentLocation: job.contentLocation,
    contentLanguage: job.contentLanguage,
  });
  if (parsed.kind !== 'feed' || !withTexts) return parsed;
  return { ...parsed, texts: parsed.feed.items.map(itemIndexText) };
}
