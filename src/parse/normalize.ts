import crypto from 'node:crypto';
import { decodeHTML } from 'entities';
import type { Item } from '../model.js';

/** RawItem is one entry as a format adapter read it, before normalization. */
export interface RawItem {
  guid?: unknown;
  link?: unknown;
  title?: unknown;
  author?: unknown;
  published?: string | null;
  updated?: string | null;
  summary?: unknown;
  content?: unknown;
}

/** textOf flattens what an XML-to-object mapper produced (string, {_: text}, arrays) into a string. */
export function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return textOf(v[0]);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('_' in o) return textOf(o._);
    if ('name' in o) return textOf(o.name);
    if ('$' in o && typeof (o.$ as Record<string, unknown>).href === 'string') return (o.$ as Record<string, string>).href;
    // Markup the mapper turned into child elements (<b> inside a repaired title): join their text.
    return Object.entries(o).filter(([k]) => k !== '$').map(([, x]) => textOf(x) ?? '').join('') || null;
  }
  return null;
}

/** cleanTitle decodes entities left in text, folds whitespace and trims. */
export function cleanTitle(v: unknown): string | null {
  const s = textOf(v);
  if (s === null) return null;
  const t = decodeHTML(s).replace(/\s+/g, ' ').trim();
  return t || null;
}

/** cleanBody keeps HTML as it is but trims it, and maps "" to null. */
export function cleanBody(v: unknown): string | null {
  const s = textOf(v)?.trim();
  return s ? s : null;
}

/** absoluteUrl resolves a link against the document base; non-http(s) results are dropped. */
export function absoluteUrl(v: unknown, base: string): string | null {
  const s = textOf(v)?.trim();
  if (!s) return null;
  try {
    const u = new URL(s, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const hash = (s: string) => crypto.createHash('sha1').update(s).digest('hex').slice(0, 20);

/**
 * normalizeItems builds our Items: absolute links, trimmed titles, and a stable key per item —
 * GUID, else link, else a hash of title and date. A GUID repeated inside one document keeps its
 * first item under the GUID and gives the others a key derived from their own content, so distinct
 * items are not collapsed (while exact repeats are).
 */
export function normalizeItems(raws: readonly RawItem[], base: string): Item[] {
  const items: Item[] = [];
  // For each key, the content fingerprints already seen under it.
  const seen = new Map<string, Set<string>>();
  for (const r of raws) {
    const guid = textOf(r.guid)?.trim() || null;
    const link = absoluteUrl(r.link, base);
    const title = cleanTitle(r.title);
    const item: Item = {
      key: '', guid, link, title, author: cleanTitle(r.author), published: r.published ?? null, updated: r.updated ?? null,
      summary: cleanBody(r.summary), content: cleanBody(r.content),
      enclosures: [], categories: [], duration: null, comments: null, episode: null, season: null, explicit: null,
      transcriptUrl: null, chaptersUrl: null,
    };
    const primary = guid ?? link ?? `sha1:${hash(`${title ?? ''}\n${item.published ?? ''}`)}`;
    const fingerprint = hash(`${link ?? ''}\n${title ?? ''}\n${item.published ?? ''}\n${item.summary ?? ''}\n${item.content ?? ''}`);
    const prints = seen.get(primary);
    if (prints?.has(fingerprint)) continue; // the very same item twice
    if (prints) prints.add(fingerprint);
    else seen.set(primary, new Set([fingerprint]));
    item.key = prints ? `${primary}#${fingerprint}` : primary;
    items.push(item);
  }
  return items;
}
