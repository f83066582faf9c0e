import Parser from 'rss-parser';
import type { ParsedFeed } from '../model.js';
import { toIsoDate } from './dates.js';
import { discoverFeeds, looksLikeHtml } from './discover.js';
import { parseJsonFeed } from './json-feed.js';
import { absoluteUrl, cleanTitle, normalizeItems, textOf, type RawItem } from './normalize.js';
import { repairXml } from './repair.js';

/** ParseOutcome is what a fetched document turned out to be. */
export type ParseOutcome =
  | { kind: 'feed'; feed: ParsedFeed; /** Set when the XML was not well-formed and was repaired. */ recovered: boolean }
  | { kind: 'html'; alternates: string[] }
  | { kind: 'invalid'; reason: string };

// rss-parser's own types stop here: it maps fields loosely, so read them as plain records.
type Loose = Record<string, unknown>;
const parser = new Parser<Loose, Loose>({
  customFields: {
    feed: ['updated'],
    item: [['content:encoded', 'contentEncoded'], 'summary', 'description', 'updated', 'published', ['dc:date', 'dcDate']],
  },
});

const str = (v: unknown) => textOf(v) ?? undefined;

function rawItem(it: Loose, format: string): RawItem {
  const isAtom = format === 'atom';
  const date = (...vals: unknown[]) => {
    for (const v of vals) { const d = toIsoDate(str(v)); if (d) return d; }
    return null;
  };
  return {
    guid: isAtom ? it.id : it.guid,
    link: it.link,
    title: it.title,
    author: it.creator ?? it.author ?? it['dc:creator'],
    published: date(it.pubDate, it.published, it.dcDate, isAtom ? it.updated : undefined, it.isoDate),
    updated: date(it.updated),
    summary: isAtom ? it.summary : it.description ?? (it.contentEncoded ? undefined : it.content),
    content: isAtom ? it.content : it.contentEncoded,
  };
}

/** rootName reads the name of the document element, skipping the prolog, comments and doctype. */
function rootName(text: string): string {
  const m = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w:.-]*)/.exec(text);
  return m ? m[1].toLowerCase() : '';
}

const FEED_ROOTS: Record<string, string> = { rss: 'rss', feed: 'atom', 'rdf:rdf': 'rdf', rdf: 'rdf', channel: 'rss' };

async function parseXml(text: string, url: string): Promise<ParseOutcome> {
  const format = FEED_ROOTS[rootName(text)];
  if (!format) {
    const root = rootName(text);
    return { kind: 'invalid', reason: root ? `not a feed (root element is <${root}>)` : 'not a feed (no XML found)' };
  }
  // rss-parser insists on <rss version="…">; old and hand-made feeds omit it (RSS 0.91 allowed that).
  if (format === 'rss' && !/<rss\b[^>]*\bversion\s*=/i.test(text.slice(0, 4096))) text = text.replace(/<rss\b/i, '<rss version="2.0"');
  let recovered = false;
  let doc: Loose & { items?: Loose[] };
  try {
    doc = await parser.parseString(text);
  } catch (strictError) {
    try {
      doc = await parser.parseString(repairXml(text));
      recovered = true;
    } catch {
      return { kind: 'invalid', reason: `not well-formed XML (${(strictError as Error).message.split('\n')[0]})` };
    }
  }
  // xml:base on the document element (RFC 3986 §5.1.2 base URI of the enclosing entity).
  const xmlBase = /^[^>]*?<(?:rss|feed|rdf:RDF)\b[^>]*\bxml:base\s*=\s*["']([^"']+)["']/i.exec(text.slice(0, 4096))?.[1];
  const base = absoluteUrl(xmlBase, url) ?? url;
  const items = normalizeItems((doc.items ?? []).map((it) => rawItem(it, format)), base);
  return { kind: 'feed', recovered, feed: { title: cleanTitle(doc.title), siteUrl: absoluteUrl(doc.link, base), description: null, language: null, imageUrl: null, items } };
}

/**
 * parseFeedDocument turns decoded text into a ParsedFeed: RSS 0.9x/1.0/2.0 and Atom through
 * rss-parser (repairing ill-formed XML when strict parsing fails), JSON Feed 1.0/1.1, or an HTML
 * page whose alternate feed links are returned for autodiscovery.
 */
export async function parseFeedDocument(text: string, url: string, contentType = ''): Promise<ParseOutcome> {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || /json/i.test(contentType) && !trimmed.startsWith('<')) return parseJsonFeed(trimmed, url);
  if (looksLikeHtml(trimmed)) return { kind: 'html', alternates: discoverFeeds(trimmed, url) };
  if (!trimmed.startsWith('<')) return { kind: 'invalid', reason: 'not a feed (no XML or JSON found)' };
  return parseXml(trimmed, url);
}
