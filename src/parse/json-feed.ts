import type { ParseOutcome } from './feed.js';
import { toIsoDate } from './dates.js';
import { absoluteUrl, cleanTitle, normalizeItems, type RawItem } from './normalize.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** parseJsonFeed reads JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function parseJsonFeed(text: string, url: string): ParseOutcome {
  let doc: Json;
  try {
    doc = obj(JSON.parse(text));
  } catch (err) {
    return { kind: 'invalid', reason: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof doc.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/') || !Array.isArray(doc.items)) {
    return { kind: 'invalid', reason: 'not a JSON Feed (no jsonfeed.org version or no items)' };
  }
  const base = absoluteUrl(doc.feed_url, url) ?? url;
  const raws: RawItem[] = (doc.items as unknown[]).map(obj).map((it) => {
    const authors = Array.isArray(it.authors) ? it.authors.map(obj) : [];
    return {
      guid: it.id !== undefined && it.id !== null ? String(it.id) : undefined,
      link: it.url ?? it.external_url,
      title: it.title,
      author: obj(it.author).name ?? authors[0]?.name,
      published: toIsoDate(it.date_published as string) ?? toIsoDate(it.date_modified as string),
      updated: toIsoDate(it.date_modified as string),
      summary: it.summary,
      content: it.content_html ?? it.content_text,
    };
  });
  return { kind: 'feed', recovered: false, feed: { title: cleanTitle(doc.title), siteUrl: absoluteUrl(doc.home_page_url, base), description: null, language: null, imageUrl: null, items: normalizeItems(raws, base) } };
}
