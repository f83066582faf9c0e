import crypto from 'node:crypto';
import { decodeHTMLStrict } from 'entities';
import type { Enclosure, Item } from '../model.js';
import { httpUrl } from './extras.js';
import { sanitizeHtml } from './sanitize.js';
import { CONTROL, itemKey, wellFormed } from '../text/well-formed.js';

/** RawItem is one entry as a format adapter read it, before normalization. */
export interface RawItem {
  guid?: unknown;
  link?: unknown;
  title?: unknown;
  author?: unknown;
  published?: string | null;
  updated?: string | null;
  /** HTML bodies, with the base their relative URLs resolve against (xml:base of their element). */
  summary?: unknown;
  content?: unknown;
  summaryBase?: string;
  contentBase?: string;
  /** Set when the title is already plain text (no second entity decoding). */
  titleIsText?: boolean;
  enclosures?: Enclosure[];
  categories?: string[];
  duration?: number | null;
  comments?: unknown;
  episode?: number | null;
  season?: number | null;
  explicit?: boolean | null;
  transcriptUrl?: unknown;
  chaptersUrl?: unknown;
  /** The publisher's own link when the feed went through a proxy (feedburner:origLink, pheedo:origLink). */
  origLink?: unknown;
}

/** textOf flattens what an XML-to-object mapper produced (string, {_: text}, arrays) into a well-formed string. */
function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return wellFormed(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return textOf(v[0]);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('_' in o) return textOf(o._);
    if ('name' in o) return textOf(o.name);
    if ('$' in o && typeof (o.$ as Record<string, unknown>).href === 'string') return wellFormed((o.$ as Record<string, string>).href);
    // Markup the mapper turned into child elements (<b> inside a repaired title): join their text.
    return (
      Object.entries(o)
        .filter(([k]) => k !== '$')
        .map(([, x]) => textOf(x) ?? '')
        .join('') || null
    );
  }
  return null;
}

// ASCII whitespace only: NBSP and the other Unicode spaces in a title are meant (French "« »").
// Other C0 controls are not allowed in XML text at all (XML 1.0 §2.2) and are dropped.
const ASCII_SPACE = /[ \t\n\r\f]+/g;

/** foldText folds runs of ASCII whitespace into one space and trims them, in well-formed text; "" becomes null. */
export function foldText(s: string | null | undefined): string | null {
  if (!s) return null;
  const t = wellFormed(s).replace(CONTROL, '').replace(ASCII_SPACE, ' ').replace(/^ | $/g, '');
  return t || null;
}

/** cleanTitle decodes entities left in text, folds ASCII whitespace and trims. */
export function cleanTitle(v: unknown): string | null {
  const s = textOf(v);
  if (s === null) return null;
  // Strict: "&copy=2" in a title is text, not "©=2".
  return foldText(s.includes('&') ? decodeHTMLStrict(s) : s);
}

/** cleanBody keeps HTML as it is but trims it, and maps "" to null. */
function cleanBody(v: unknown): string | null {
  const s = textOf(v)?.trim();
  return s ? s : null;
}

/** absoluteUrl resolves a link against the document base; non-http(s) results are dropped. */
export function absoluteUrl(v: unknown, base: string): string | null {
  return httpUrl(textOf(v), base);
}

const hash = (s: string) => crypto.createHash('sha1').update(s).digest('hex').slice(0, 20);
const fingerprintOf = (i: Item) => hash(`${i.link ?? ''}\n${i.title ?? ''}\n${i.published ?? ''}\n${i.summary ?? ''}\n${i.content ?? ''}`);

/**
 * normalizeItems builds our Items: absolute links, trimmed titles, and a stable key per item —
 * GUID, else link, else a hash of title and date. A GUID repeated inside one document keeps its
 * first item under the GUID and gives the others a key derived from their own content, so distinct
 * items are not collapsed (while exact repeats are).
 */
export function normalizeItems(raws: readonly RawItem[], base: string): Item[] {
  const items: Item[] = [];
  // For each key, its first item and, once a second item claims the key, the content fingerprints
  // seen under it (hashed only then: most keys are never repeated).
  const seen = new Map<string, { first: Item; prints: Set<string> | null }>();
  for (const r of raws) {
    // Controls are dropped from the GUID as from its key: the GUID shown is the one the item is known by.
    const guid = textOf(r.guid)?.replace(CONTROL, '').trim() || null;
    const link = absoluteUrl(r.link, base);
    const title = r.titleIsText ? foldText(textOf(r.title)) : cleanTitle(r.title);
    const summary = cleanBody(r.summary);
    const content = cleanBody(r.content);
    const safeContent = content === null ? null : cleanBody(sanitizeHtml(content, r.contentBase ?? base));
    // A summary that fell back to the content is sanitized once (sanitizing is most of the parse time).
    const sameBody = summary === content && (r.summaryBase ?? base) === (r.contentBase ?? base);
    const item: Item = {
      key: '',
      guid,
      link,
      title,
      author: cleanTitle(r.author),
      published: r.published ?? null,
      updated: r.updated ?? null,
      summary: summary === null ? null : sameBody ? safeContent : cleanBody(sanitizeHtml(summary, r.summaryBase ?? base)),
      content: safeContent,
      enclosures: r.enclosures ?? [],
      categories: r.categories ?? [],
      duration: r.duration ?? null,
      comments: absoluteUrl(r.comments, base),
      episode: r.episode ?? null,
      season: r.season ?? null,
      explicit: r.explicit ?? null,
      transcriptUrl: absoluteUrl(r.transcriptUrl, base),
      chaptersUrl: absoluteUrl(r.chaptersUrl, base),
    };
    // Set only when the feed gives one, so items of every other feed keep their shape.
    const origLink = absoluteUrl(r.origLink, base);
    if (origLink !== null) item.origLink = origLink;
    const primary = itemKey(guid ?? link ?? `sha1:${hash(`${title ?? ''}\n${item.published ?? ''}`)}`);
    const claimed = seen.get(primary);
    if (!claimed) {
      seen.set(primary, { first: item, prints: null });
      item.key = primary;
      items.push(item);
      continue;
    }
    claimed.prints ??= new Set([fingerprintOf(claimed.first)]);
    const fingerprint = fingerprintOf(item);
    if (claimed.prints.has(fingerprint)) continue; // the very same item twice
    claimed.prints.add(fingerprint);
    item.key = `${primary}#${fingerprint}`;
    items.push(item);
  }
  return items;
}
