// The links that tell two items of different feeds are copies of one story (a planet, an
// aggregator or a cross-posting blog carrying the same post), and the one normalization both
// engines compare them by. Precision comes first: a false merge hides a post the user never
// sees, a missed one only shows a post twice. So a link is changed only where the difference
// cannot name different content — the scheme and host's case, a default port, http against
// https, the fragment and the parameters trackers append — and everything else is kept as
// given: path case, a trailing slash, other parameters and their order (a server may read
// `?a=1&a=2` otherwise than `?a=2&a=1`, and copies of one post carry one order anyway).
import type { Item } from '../../model.js';

/**
 * TRACKING_PARAMS are query parameters that say how a reader came to a page, never which page:
 * campaign tags (utm_* is matched by prefix) and click ids of ad and mail platforms. Left out on
 * purpose: `ref`, `source`, `id`, `p`, `page` and the like, which some sites use to name content.
 */
const TRACKING_PARAMS = new Set([
  'fbclid', // Facebook
  'gclid', // Google Ads
  'dclid', // Google Display
  'gbraid', // Google Ads (iOS)
  'wbraid', // Google Ads (web to app)
  'msclkid', // Microsoft Ads
  'mc_cid', // Mailchimp campaign
  'mc_eid', // Mailchimp subscriber
  '_hsenc', // HubSpot
  '_hsmi', // HubSpot
  'mkt_tok', // Marketo
  'yclid', // Yandex
  'igshid', // Instagram share
  'twclid', // Twitter/X Ads
  'ttclid', // TikTok Ads
  'li_fat_id', // LinkedIn
  'oly_anon_id', // Omeda
  'oly_enc_id', // Omeda
  'vero_id', // Vero mail
  'rb_clickid', // Rakuten
]);

/** isTracking says whether a query parameter's name is a tracker's (case-insensitive). */
export function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || TRACKING_PARAMS.has(n);
}

/**
 * storyLink is the form a link is compared in, or null for a link that names no story: not an
 * absolute http(s) URL, or a site's front page ("https://example.com/" with no query), which some
 * feeds give every item and would merge every post of two feeds of one site. The scheme is left
 * out (http and https are one), the host is lower case (WHATWG URL parsing does that, and drops a
 * default port), the fragment (unless it names a comment) and tracking parameters are dropped.
 */
export function storyLink(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  // http's default port written on an https URL (or the other way) is no default: keep it.
  const port = u.port === '' || (u.protocol === 'http:' ? u.port === '80' : u.port === '443') ? '' : `:${u.port}`;
  let query = '';
  if (u.search.length > 1) {
    // Split by hand rather than through URLSearchParams, which would re-encode what it keeps.
    const kept = u.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !isTracking(decodeName(pair.split('=')[0])));
    if (kept.length) query = `?${kept.join('&')}`;
  }
  const path = u.pathname === '' ? '/' : u.pathname;
  if (path === '/' && query === '') return null;
  const fragment = COMMENT_FRAGMENT.test(u.hash) ? u.hash : '';
  return `${u.hostname}${port}${path}${query}${fragment}`;
}

/**
 * COMMENT_FRAGMENT is a fragment that names one comment on a page (WordPress `#comment-123`,
 * Blogger `#c1234567890`): a comments feed links each comment so, and a comment is not the post.
 * Kept in the compared form; any other fragment (`#comments`, `#more`, `#part-2`) is dropped.
 */
const COMMENT_FRAGMENT = /^#(comment[-_]?\d+|c\d{6,})$/i;

function decodeName(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * storyLinks are the compared forms of an item's links, without repeats: its original link
 * (feedburner:origLink and the like), its link, and its GUID when the GUID is an http(s) URL —
 * a permalink, or a GUID like WordPress's `https://example.com/?p=123`, which names the post on
 * its own site as surely as a link does. So GUID = GUID merges too, as link = link does.
 */
export function storyLinks(it: Pick<Item, 'guid' | 'link' | 'origLink'>): string[] {
  const out: string[] = [];
  for (const raw of [it.origLink, it.link, /^https?:\/\//i.test(it.guid ?? '') ? it.guid : null]) {
    const l = storyLink(raw);
    if (l !== null && !out.includes(l)) out.push(l);
  }
  return out;
}
