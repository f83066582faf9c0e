// Item ids as Google Reader clients send them: the long form
// "tag:google.com,2005:reader/item/<16 hex digits>", its 16 hex digits alone, or the decimal id
// (itemRefs give decimal ids, and NetNewsWire and Reeder send those back).
import { ApiError } from './api.js';
import { clip } from './streams.js';

const LONG = 'tag:google.com,2005:reader/item/';

/** longItemId is an item's id in the long form, its hex zero-padded to 16 digits. */
export function longItemId(id: number): string {
  return LONG + id.toString(16).padStart(16, '0');
}

/**
 * parseItemId reads an item id in any of its forms; a malformed one is a 400 naming it. A bare id
 * of 16 hex digits is the short hex form, a shorter one with a letter a–f is unpadded hex (older
 * NetNewsWire sent stream/items/contents ids so), any other run of digits is decimal.
 */
export function parseItemId(given: string): number {
  const s = given.trim();
  let n: bigint | undefined;
  if (s.startsWith(LONG)) {
    const hex = s.slice(LONG.length);
    if (/^[0-9a-fA-F]{1,16}$/.test(hex)) n = BigInt(`0x${hex}`);
  } else if (/^[0-9a-fA-F]{16}$/.test(s) || (/^[0-9a-fA-F]{1,15}$/.test(s) && /[a-fA-F]/.test(s))) n = BigInt(`0x${s}`);
  else if (/^-?\d{1,20}$/.test(s)) n = BigInt(s);
  if (n === undefined || n < 1n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ApiError(400, `not an item id: ${clip(given)}`);
  return Number(n);
}

/** itemIdsParam reads every `i` of a request; none at all is a 400. */
export function itemIdsParam(params: URLSearchParams): number[] {
  const given = params.getAll('i');
  if (given.length === 0) throw new ApiError(400, 'i: no item id given');
  return [...new Set(given.map(parseItemId))];
}
