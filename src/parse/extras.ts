// What podcast and media extensions add to an entry, whatever its format: enclosures (RSS
// <enclosure>, Atom rel="enclosure", Media RSS), duration, categories, iTunes and Podcasting 2.0
// fields.
import type { Enclosure } from '../model.js';
import { attr, kid, kids, text } from './dom.js';
import { CONTROL, fitsIndex, wellFormed } from '../text/well-formed.js';
import type { XmlElement } from './xml.js';

/** parseDuration reads itunes:duration forms: "3600", "1:00:00", "60:00", "1:2:3", "90.5"; junk gives null. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s));
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$/.exec(s);
  if (!m || Number(m[3]) > 59 || (m[1] !== undefined && Number(m[2]) > 59)) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** toCount reads a whole number >= 0 ("12", " 3 "); anything else gives null. */
function toCount(v: string | null | undefined): number | null {
  const s = v?.trim();
  return s && /^\d{1,9}$/.test(s) ? Number(s) : null;
}

/** toExplicit maps itunes:explicit: yes/true/explicit → true, no/false/clean → false, else null. */
export function toExplicit(v: string | null | undefined): boolean | null {
  const s = v?.trim().toLowerCase();
  if (s === 'yes' || s === 'true' || s === 'explicit') return true;
  if (s === 'no' || s === 'false' || s === 'clean') return false;
  return null;
}

/** httpUrl resolves a URL against a base and keeps it only if it is http(s). */
export function httpUrl(v: string | null | undefined, base: string): string | null {
  const s = v?.trim();
  if (!s) return null;
  try {
    const u = new URL(s, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** EnclosureList collects enclosures in order, absolute http(s) only, the first of each URL kept. */
export class EnclosureList {
  readonly list: Enclosure[] = [];
  // By URL, so a hostile document with thousands of media:content costs linear time, not quadratic.
  private readonly byUrl = new Map<string, Enclosure>();
  add(url: string | null | undefined, base: string, type: string | null | undefined, length: unknown, duration: number | null): void {
    const abs = httpUrl(url, base);
    if (!abs) return;
    const n = typeof length === 'number' ? length : Number(String(length ?? '').trim());
    const len = String(length ?? '').trim() !== '' && Number.isFinite(n) && n > 0 ? Math.round(n) : null;
    const mime = type ? wellFormed(type).replace(CONTROL, '').trim().toLowerCase() || null : null;
    const prev = this.byUrl.get(abs);
    if (prev) {
      // The same file named twice (RSS enclosure and media:content): fill in what the first lacked.
      prev.type ??= mime;
      prev.length ??= len;
      prev.duration ??= duration;
      return;
    }
    const e = { url: abs, type: mime, length: len, duration };
    this.list.push(e);
    this.byUrl.set(abs, e);
  }
}

/** Extras are the podcast and media fields of one entry. */
interface Extras {
  enclosures: Enclosure[];
  categories: string[];
  duration: number | null;
  episode: number | null;
  season: number | null;
  explicit: boolean | null;
  transcriptUrl: string | null;
  chaptersUrl: string | null;
  origLink: string | null;
}

/** CategoryList keeps trimmed, well-formed, non-empty categories, first occurrence only. */
export class CategoryList {
  private readonly seen = new Set<string>();
  readonly list: string[] = [];
  add(v: string | null | undefined): void {
    // Well-formed before comparing: "a" and "a\u0000" are one tag on every engine.
    const t = v && wellFormed(v).replace(CONTROL, '').replace(/\s+/g, ' ').trim();
    // Kilobytes of text are no tag (and more than PostgreSQL's tag index takes): dropped.
    if (!t || this.seen.has(t) || !fitsIndex(t)) return;
    this.seen.add(t);
    this.list.push(t);
  }
}

function itunesCategories(el: XmlElement, out: CategoryList): void {
  for (const c of kids(el, 'itunes:category')) {
    out.add(attr(c, 'text'));
    itunesCategories(c, out);
  }
}

/** readExtras reads enclosures, categories, duration and the iTunes / Podcasting 2.0 fields of an entry. */
export function readExtras(entry: XmlElement): Extras {
  const duration = parseDuration(text(kid(entry, 'itunes:duration')));
  const encs = new EnclosureList();
  const cats = new CategoryList();
  const media = (m: XmlElement) =>
    encs.add(attr(m, 'url'), m.base, attr(m, 'type'), attr(m, 'filesize'), parseDuration(attr(m, 'duration')) ?? duration);
  for (const c of entry.children) {
    if (typeof c === 'string') continue;
    if (c.key === ':enclosure') encs.add(attr(c, 'url') ?? attr(c, 'href'), c.base, attr(c, 'type'), attr(c, 'length'), duration);
    else if (c.local === 'link' && (c.ns === 'atom' || c.attrs.href !== undefined)) {
      if ((attr(c, 'rel') ?? '').trim().toLowerCase() === 'enclosure')
        encs.add(attr(c, 'href'), c.base, attr(c, 'type'), attr(c, 'length'), duration);
    } else if (c.key === 'media:content') media(c);
    else if (c.key === 'media:group') {
      for (const m of kids(c, 'media:content')) media(m);
      for (const m of kids(c, 'media:category')) cats.add(text(m));
    } else if (c.key === ':category' || c.key === 'atom:category') cats.add(attr(c, 'term') ?? text(c));
    else if (c.key === 'dc:subject' || c.key === 'media:category') cats.add(text(c));
    else if (c.key === 'itunes:category') {
      cats.add(attr(c, 'text'));
      itunesCategories(c, cats);
    } else if (c.key === ':tags' || c.key === 'itunes:keywords' || c.key === 'media:keywords')
      for (const w of text(c).split(',')) cats.add(w);
  }

  const transcript = kid(entry, 'podcast:transcript');
  const chapters = kid(entry, 'podcast:chapters');
  // A proxy's "original link" (FeedBurner, Pheedo): where the post really lives, while <link> goes through the proxy.
  const orig = kid(entry, 'feedburner:origlink') ?? kid(entry, 'pheedo:origlink');
  return {
    enclosures: encs.list,
    categories: cats.list,
    duration,
    episode: toCount(text(kid(entry, 'itunes:episode'))),
    season: toCount(text(kid(entry, 'itunes:season'))),
    explicit: toExplicit(text(kid(entry, 'itunes:explicit'))),
    transcriptUrl: transcript ? httpUrl(attr(transcript, 'url'), transcript.base) : null,
    chaptersUrl: chapters ? httpUrl(attr(chapters, 'url'), chapters.base) : null,
    origLink: orig ? httpUrl(text(orig), orig.base) : null,
  };
}
