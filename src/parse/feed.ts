import type { ParsedFeed } from '../model.js';
import { mapAtom } from './atom.js';
import { discoverFeeds, looksLikeHtml } from './discover.js';
import { httpUrl } from './extras.js';
import { parseJsonFeed } from './json-feed.js';
import { absoluteUrl, cleanTitle, foldText, normalizeItems } from './normalize.js';
import { readProlog, rootNameAt } from './prolog.js';
import { mapRss, type MappedFeed } from './rss.js';
import { LimitError, parseXmlTree } from './xml.js';
import type { ParseOutcome } from './outcome.js';

export type { ParseOutcome } from './outcome.js';

// Document elements of the formats we read, by lower-cased local name.
const FEED_ROOTS: Record<string, 'rss' | 'atom'> = { rss: 'rss', rdf: 'rss', channel: 'rss', feed: 'atom', entry: 'atom' };

/** toParsedFeed normalizes a mapped document into our model. */
function toParsedFeed(m: MappedFeed): ParsedFeed {
  return {
    title: m.titleIsText ? foldText(m.title) : cleanTitle(m.title),
    siteUrl: absoluteUrl(m.siteUrl, m.base),
    description: foldText(m.description),
    // "en_US" is a POSIX locale; the tag is "en-US" (BCP 47).
    language: foldText(m.language)?.replace(/_/g, '-') ?? null,
    imageUrl: m.imageUrl,
    items: normalizeItems(m.items, m.base),
  };
}

/** DocumentHeaders are what the HTTP response said about the document beyond its type. */
export interface DocumentHeaders {
  /** Content-Location (RFC 9110 §8.7): the document's own URI, its base when it is http(s). */
  contentLocation?: string | null;
  /** Content-Language (RFC 9110 §8.5): the language when the document states none. */
  contentLanguage?: string | null;
}

/** documentBase is the base URI of a response: its Content-Location resolved against the URL, if http(s). */
function documentBase(url: string, contentLocation: string | null | undefined): string {
  return httpUrl(contentLocation, url) ?? url;
}

// The first language of a Content-Language list ("en, fr" → "en").
const firstLanguage = (v: string | null | undefined) => v?.split(',')[0].trim() || null;

function parseXml(text: string, url: string): ParseOutcome {
  const prolog = readProlog(text);
  const name = rootNameAt(text, prolog.rootStart);
  if (!name) return { kind: 'invalid', reason: 'not a feed (no XML found)' };
  const local = name.slice(name.indexOf(':') + 1).toLowerCase();
  const format = FEED_ROOTS[local];
  if (!format) return { kind: 'invalid', reason: `not a feed (root element is <${name.toLowerCase()}>)` };
  let tree;
  try {
    tree = parseXmlTree(text, prolog.rootStart, url, prolog.entities);
  } catch (err) {
    if (err instanceof LimitError) return { kind: 'invalid', reason: `refused: ${err.message}` };
    throw err;
  }
  if (!tree.root) return { kind: 'invalid', reason: 'not a feed (no XML found)' };
  const mapped = format === 'atom' ? mapAtom(tree.root) : mapRss(tree.root);
  return { kind: 'feed', recovered: tree.recovered, feed: toParsedFeed(mapped) };
}

/**
 * parseFeedDocument turns decoded text into a ParsedFeed: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF
 * through our own lenient XML tree (repairing ill-formed markup as it goes), JSON Feed, or an HTML
 * page whose alternate feed links are returned for autodiscovery. Relative URLs resolve against
 * the response's Content-Location when it has one (xml:base still overrides it), and its
 * Content-Language is the language of a document that states none. Synchronous and stateless.
 */
export function parseFeedDocument(text: string, url: string, contentType = '', headers: DocumentHeaders = {}): ParseOutcome {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trimStart();
  const base = documentBase(url, headers.contentLocation);
  let out: ParseOutcome;
  if (trimmed.startsWith('{') || (/json/i.test(contentType) && !trimmed.startsWith('<'))) out = parseJsonFeed(trimmed, base);
  // A page's links resolve against its own URL (browsers ignore Content-Location).
  else if (looksLikeHtml(trimmed)) return { kind: 'html', alternates: discoverFeeds(trimmed, url) };
  else if (!trimmed.startsWith('<')) return { kind: 'invalid', reason: 'not a feed (no XML or JSON found)' };
  else out = parseXml(trimmed, base);
  if (out.kind === 'feed' && !out.feed.language) out.feed.language = firstLanguage(headers.contentLanguage);
  return out;
}
