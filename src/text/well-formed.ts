// Text from a remote document made safe to compare and to store, the same way for both engines.
// JSON escapes can spell a lone UTF-16 surrogate ("\ud800", servers that cut strings by code
// units) and U+0000; SQLite stores the first as U+FFFD and keeps the second, PostgreSQL refuses
// both in jsonb and drops or rejects U+0000 in text. Text that differs only there would be one
// item on one engine and two on the other, or an "update" on every refresh. Every field of a
// parsed feed goes through wellFormed (normalize.ts, extras.ts); item keys through itemKey.
import crypto from 'node:crypto';

// ES2024 String methods (Node 20 has them; the compile target's lib does not declare them).
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/** wellFormed is s with every lone surrogate replaced by U+FFFD and every U+0000 dropped. */
export function wellFormed(s: string): string {
  const w = (s as Es2024String).isWellFormed() ? s : (s as Es2024String).toWellFormed();
  return w.includes('\0') ? w.replaceAll('\0', '') : w;
}

/**
 * CONTROL matches the C0 controls other than tab, LF, FF and CR, and DEL: invisible, and not
 * allowed in XML text (XML 1.0 §2.2), so two keys that differ only by them name the same item.
 */
export const CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f]/g;

/**
 * MAX_KEY_BYTES bounds stored text that a PostgreSQL index holds: its b-tree (UNIQUE (feed_id,
 * key)) and GIN (item tags) take entries of at most about 2,700 bytes (a third of a page), SQLite
 * any length; a longer GUID, link or tag would be stored on one engine and fail on the other.
 */
const MAX_KEY_BYTES = 2000;

/** fitsIndex tells whether text is short enough for a database index entry (at most MAX_KEY_BYTES of UTF-8). */
export function fitsIndex(s: string): boolean {
  // Under a third of the bytes in UTF-16 units, text cannot exceed the limit in UTF-8.
  return s.length * 3 <= MAX_KEY_BYTES || Buffer.byteLength(s) <= MAX_KEY_BYTES;
}

/**
 * itemKey makes a GUID, link or hash into a dedupe key: well-formed, without C0 controls, and a
 * key over MAX_KEY_BYTES of UTF-8 replaced by a hash of it (stable, so the item keeps its key).
 */
export function itemKey(s: string): string {
  const k = wellFormed(s).replace(CONTROL, '');
  if (fitsIndex(k)) return k;
  return `sha1-key:${crypto.createHash('sha1').update(k).digest('hex')}`;
}

/** cleanName is a name typed or read for display (a feed's title, a folder): well-formed, no controls, whitespace folded. */
export function cleanName(s: string): string {
  return wellFormed(s).replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}
