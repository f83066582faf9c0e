// What each mark does to an item row, for both engines: which column it sets or clears, and which
// rows it changes — only those not in the new state already, so that an earlier read time is kept
// and a count of changed rows is a count of items whose state changed.
import type { ItemFilter, MarkKind } from '../contract.js';

/** MarkSql is a mark as SQL over items aliased i: the column it writes, whether it sets it (to now) or clears it, and the rows it changes. */
export interface MarkSql {
  column: 'read_at' | 'starred_at';
  set: boolean;
  pending: string;
}

/** MARKS says, for each mark, what it writes and where. */
export const MARKS: Record<MarkKind, MarkSql> = {
  read: { column: 'read_at', set: true, pending: 'i.read_at IS NULL' },
  unread: { column: 'read_at', set: false, pending: 'i.read_at IS NOT NULL' },
  star: { column: 'starred_at', set: true, pending: 'i.starred_at IS NULL' },
  unstar: { column: 'starred_at', set: false, pending: 'i.starred_at IS NOT NULL' },
};

/** ID_CHUNK is how many item ids one statement binds: a million ids are marked in chunks, inside one transaction. */
export const ID_CHUNK = 10_000;

/** chunks cuts a list into slices of at most n. */
export function chunks<T>(list: readonly T[], n: number = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < list.length; k += n) out.push(list.slice(k, k + n));
  return out;
}

/** firstUnknown is the first of the given ids that is not among those found, if any. */
export function firstUnknown(given: readonly number[], found: ReadonlySet<number>): number | undefined {
  return given.find((id) => !found.has(id));
}

/**
 * idsOnly is the ids of a filter that names items by id and by nothing else (the reader API's
 * edit-tag), safe integers only, else undefined: such a mark is run as a mark of ids (no scan of
 * the filter's matches) that skips the ids of no item instead of refusing them.
 */
export function idsOnly(f: ItemFilter): number[] | undefined {
  if (f.ids === undefined) return undefined;
  for (const [k, v] of Object.entries(f)) if (k !== 'ids' && v !== undefined) return undefined;
  return f.ids.filter(Number.isSafeInteger);
}
