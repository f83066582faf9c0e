// Where a subscription came from: every URL it has had (the one it was imported with, and each
// one a permanent redirect or autodiscovery moved it to) points at it in feed_urls, so that
// importing an old URL again, or a move onto a feed already subscribed, finds the subscription.

/** urlKey is the form a feed URL is remembered under: WHATWG-serialized (scheme and host in lower case, default port dropped), without fragment. */
export function urlKey(url: string): string {
  try {
    const u = new URL(url.trim());
    u.hash = '';
    return u.href;
  } catch {
    return url.trim();
  }
}

/** MoveResult says what recording a subscription's new URL did: moved it, merged it into the feed already there, or neither. */
export interface MoveResult {
  movedTo: string | null;
  /** The id of the subscription that already had the new URL and took this one's items and former URLs. */
  mergedInto: number | null;
}

/** FeedRef is a subscription as a filter names it: its numeric id, or a URL it has or had (with that URL's key). */
export type FeedRef = { id: number } | { url: string; key: string };

/** feedRef reads a feed a filter was given (`--feed`): digits are an id, anything else a URL, present or former (feed_urls). */
export function feedRef(given: string): FeedRef {
  return /^\d+$/.test(given) ? { id: Number(given) } : { url: given, key: urlKey(given) };
}
