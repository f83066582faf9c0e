// Migration 8's work: item keys stored before the parse stage made them well-formed. A lone UTF-16
// surrogate in a key (a JSON Feed id cut by code units) was written by better-sqlite3 as its
// three-byte generalized UTF-8 (ED A0–BF xx), which reads back as three U+FFFD and never matched
// the key again: every later refresh of the feed failed on UNIQUE (feed_id, key). Such a key, and
// one with C0 controls or over the size limit, becomes what itemKey makes of it today, so the next
// refresh finds the item instead of storing it twice.
import type Database from 'better-sqlite3';
import { itemKey } from '../../text/well-formed.js';

/** fromGeneralizedUtf8 decodes text whose lone surrogates were written as ED A0–BF xx, each as U+FFFD. */
function fromGeneralizedUtf8(raw: Buffer): string {
  let b = raw;
  for (let i = raw.indexOf(0xed); i >= 0 && i + 2 < raw.length; i = raw.indexOf(0xed, i + 1)) {
    if (raw[i + 1] < 0xa0 || raw[i + 1] > 0xbf || (raw[i + 2] & 0xc0) !== 0x80) continue;
    if (b === raw) b = Buffer.from(raw);
    b[i] = 0xef;
    b[i + 1] = 0xbf;
    b[i + 2] = 0xbd;
  }
  return b.toString('utf8');
}

/**
 * wellFormedItemKeys rewrites every stored item key that itemKey would now make differently; a key
 * whose new form another item of the feed already has is left as it was (that item stays apart).
 */
export function wellFormedItemKeys(db: Database.Database): void {
  const batch = db.prepare('SELECT id, CAST(key AS BLOB) AS raw FROM items WHERE id > ? ORDER BY id LIMIT 5000');
  const update = db.prepare('UPDATE OR IGNORE items SET key = ? WHERE id = ?');
  // In batches: better-sqlite3 cannot write while an iterator is open on the same connection.
  for (
    let rows = batch.all(0) as { id: number; raw: Buffer }[];
    rows.length;
    rows = batch.all(rows.at(-1)!.id) as { id: number; raw: Buffer }[]
  ) {
    for (const r of rows) {
      const key = itemKey(fromGeneralizedUtf8(r.raw));
      if (!Buffer.from(key).equals(r.raw)) update.run(key, r.id);
    }
  }
}
