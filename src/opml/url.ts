import type { SkipReason } from '../model.js';
import { fitsIndex } from '../text/well-formed.js';

/** UrlVerdict is a subscription URL made fetchable, or the reason it cannot be. */
export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: SkipReason };

/**
 * normalizeFeedUrl trims an OPML xmlUrl (exports leave spaces and "&#10;" around it), turns
 * feed:// and scheme-less URLs into http(s) URLs, and refuses everything that is not http(s):
 * newsboat pipe commands ("|cmd"), exec:/filter:, file:, typos like "hhttps:", and URLs over 2,000 bytes.
 */
export function normalizeFeedUrl(raw: string): UrlVerdict {
  let s = raw.trim();
  if (s.startsWith('|')) return { ok: false, reason: 'pipe-command' };
  // feed:https://host/x and feed://host/x (the 2000s "feed" pseudo-scheme).
  s = s.replace(/^feed:(?=https?:)/i, '').replace(/^feeds?:\/\//i, 'http://');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (scheme && !/^[^/?#]+:\d+(?:[/?#]|$)/.test(s)) {
    const name = scheme[1].toLowerCase();
    if (name !== 'http' && name !== 'https') return { ok: false, reason: 'unsupported-scheme' };
  } else if (s.startsWith('//')) {
    s = `http:${s}`;
  } else {
    s = `http://${s}`; // "vanimpe.eu", "example.com:8080/feed" (Fever exports)
  }
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { ok: false, reason: 'invalid-url' };
  }
  if (!u.hostname || (!u.hostname.includes('.') && u.hostname !== 'localhost' && !/^\[.*\]$/.test(u.hostname))) {
    return { ok: false, reason: 'invalid-url' };
  }
  u.hash = '';
  // Kilobytes of URL are no subscription, and more than PostgreSQL's index on feeds.url takes
  // (the whole import would fail there, while SQLite stored it).
  if (!fitsIndex(u.href)) return { ok: false, reason: 'invalid-url' };
  return { ok: true, url: u.href };
}
