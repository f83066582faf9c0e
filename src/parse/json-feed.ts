import type { ParseOutcome } from './outcome.js';
import { toIsoDate } from './dates.js';
import { escapeHtml } from './dom.js';
import { CategoryList, EnclosureList, httpUrl, parseDuration } from './extras.js';
import { absoluteUrl, cleanTitle, foldText, normalizeItems, type RawItem } from './normalize.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

// Any jsonfeed.org version URL: http or https, with or without "www." and a trailing slash.
const VERSION = /^https?:\/\/(www\.)?jsonfeed\.org\/version\/[\w.]+\/?$/i;

/** isJsonFeed tells a JSON Feed by its version URL, or else by its shape (an items array plus a title or feed URL; "version": "1.1" is seen). */
function isJsonFeed(doc: Json): boolean {
  if (typeof doc.version === 'string' && VERSION.test(doc.version.trim())) return true;
  return (
    Array.isArray(doc.items) && (typeof doc.title === 'string' || typeof doc.feed_url === 'string' || typeof doc.home_page_url === 'string')
  );
}

const nameOf = (author: unknown, authors: unknown): string | null =>
  str(obj(author).name) ?? str((Array.isArray(authors) ? authors.map(obj) : [])[0]?.name);

function itemOf(it: Json, base: string, feedAuthor: string | null): RawItem {
  const duration = parseDuration(obj((Array.isArray(it.attachments) ? it.attachments : [])[0]).duration_in_seconds ?? null);
  const encs = new EnclosureList();
  for (const a of (Array.isArray(it.attachments) ? it.attachments : []).map(obj)) {
    encs.add(str(a.url), base, str(a.mime_type), a.size_in_bytes, parseDuration(a.duration_in_seconds ?? null));
  }
  const tags = new CategoryList();
  for (const t of Array.isArray(it.tags) ? it.tags : []) tags.add(str(t));
  const html = str(it.content_html);
  const textBody = str(it.content_text);
  const content = html ?? (textBody !== null ? escapeHtml(textBody) : null);
  const summary = str(it.summary);
  return {
    guid: it.id !== undefined && it.id !== null ? String(it.id) : undefined,
    link: it.url ?? it.external_url,
    title: str(it.title),
    titleIsText: true,
    // An item without authors has the feed's (JSON Feed 1.1 "authors").
    author: nameOf(it.author, it.authors) ?? feedAuthor,
    published: toIsoDate(str(it.date_published)) ?? toIsoDate(str(it.date_modified)),
    updated: toIsoDate(str(it.date_modified)),
    // JSON Feed's summary is plain text (jsonfeed.org 1.1 "summary").
    summary: summary !== null ? escapeHtml(summary) : content,
    content,
    enclosures: encs.list,
    categories: tags.list,
    duration,
  };
}

/** parseJsonFeed reads JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function parseJsonFeed(text: string, url: string): ParseOutcome {
  let doc: Json;
  try {
    doc = obj(JSON.parse(text));
  } catch (err) {
    // V8's message quotes the input, newlines and all: keep the reason one short line.
    const why = (err as Error).message.replace(/\s+/g, ' ').slice(0, 200);
    return { kind: 'invalid', reason: `not valid JSON (${why})` };
  }
  if (!isJsonFeed(doc)) return { kind: 'invalid', reason: 'not a JSON Feed (no jsonfeed.org version or no items)' };
  const base = absoluteUrl(doc.feed_url, url) ?? url;
  // An entry that is not an object (null, a number, a string, an array) is no item at all.
  const items = (Array.isArray(doc.items) ? doc.items : []).filter(isObject);
  return {
    kind: 'feed',
    recovered: false,
    feed: {
      title: cleanTitle(str(doc.title)),
      siteUrl: absoluteUrl(doc.home_page_url, base),
      description: foldText(str(doc.description)),
      language: foldText(str(doc.language)),
      imageUrl: httpUrl(str(doc.icon), base) ?? httpUrl(str(doc.favicon), base),
      items: normalizeItems(
        items.map((it) => itemOf(it, base, nameOf(doc.author, doc.authors))),
        base,
      ),
    },
  };
}
