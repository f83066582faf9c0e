// The rules about items that both engines apply alike: when an item sorts, how a tag is compared,
// and when a listing pages by id.
import type { ItemFilter } from '../contract.js';

const DAY = 86400_000;

/**
 * sortTime is when an item sorts: its publication date, unless that lies more than a day after it
 * was first seen (a wrong clock, or 9999 as "pinned"), which would hold it at the top of every
 * listing forever; then the first-seen time. The raw date stays stored in `published`.
 */
export function sortTime(published: string | null, firstSeen: string): string {
  if (published === null) return firstSeen;
  const p = Date.parse(published);
  return Number.isFinite(p) && p <= Date.parse(firstSeen) + DAY ? published : firstSeen;
}

/** sortAfter is sortTime for an item first seen now (`firstSeenTime` is `firstSeen` parsed once per feed). */
export function sortAfter(published: string, firstSeen: string, firstSeenTime: number): string {
  const p = Date.parse(published);
  return Number.isFinite(p) && p <= firstSeenTime + DAY ? published : firstSeen;
}

/**
 * tagFold is how the tag filter compares an item's category (NFC, then lower case): SQLite folds
 * stored categories with it in its inkzee_casefold function, PostgreSQL stores them folded.
 */
export const tagFold = (c: string) => c.normalize('NFC').toLowerCase();

/** filterTag is a tag a filter was given, folded as stored categories are. */
export const filterTag = (s: string) => tagFold(s.trim());

/**
 * pagesById tells whether a listing pages by id (--after-id): then it comes in id order, the order
 * items were stored, rather than newest first or best match first; a --limit then takes the next
 * items stored, not the newest of all those after the id.
 */
export function pagesById(f: ItemFilter): boolean {
  return f.afterId !== undefined;
}

/** listingOrder is the ORDER BY of an item listing (over items i): by id when paging by id, else by sort time, newest or (keyset) oldest first. */
export function listingOrder(f: ItemFilter): string {
  if (pagesById(f)) return 'i.id';
  return f.keyset?.oldestFirst ? 'i.sort_at, i.id' : 'i.sort_at DESC, i.id DESC';
}

/** keysetOp is how an item compares with the keyset cursor to come after it in the listing's order. */
export function keysetOp(f: ItemFilter): '<' | '>' {
  return f.keyset?.oldestFirst ? '>' : '<';
}
