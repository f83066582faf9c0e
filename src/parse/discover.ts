import { Parser } from 'htmlparser2';

const FEED_TYPES =
  /^application\/(rss|atom|rdf|feed)\+(xml|json)$|^application\/(rss|atom)$|^text\/xml$|^application\/xml$|^application\/json$/i;

/** looksLikeHtml tells whether a document is an HTML page rather than a feed. */
export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!--[\s\S]*?-->\s*)*(<!doctype html|<html[\s>]|<head[\s>])/i.test(text);
}

/**
 * discoverFeeds lists the feed URLs an HTML page announces with <link rel="alternate"
 * type="application/rss+xml|atom+xml|feed+json">, resolved against the page URL, in page order.
 */
export function discoverFeeds(html: string, pageUrl: string): string[] {
  const found: string[] = [];
  let base = pageUrl;
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (name === 'base' && a.href) {
          try {
            base = new URL(a.href, pageUrl).href;
          } catch {
            /* keep the page URL */
          }
        }
        if (name !== 'link' || !a.href) return;
        const rels = (a.rel ?? '').toLowerCase().split(/\s+/);
        if (!rels.includes('alternate') || !FEED_TYPES.test((a.type ?? '').trim())) return;
        try {
          const u = new URL(a.href.trim(), base);
          if ((u.protocol === 'http:' || u.protocol === 'https:') && !found.includes(u.href)) found.push(u.href);
        } catch {
          /* not a URL */
        }
      },
    },
    { lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return found;
}
