import type { Item } from '../../model.js';
import { prepared, type Db } from './connect.js';
import { sortAfter, sortTime } from '../shared/items.js';
import { itemIndexText } from '../../text/search-text.js';
import type { SearchText, StoreResult } from '../contract.js';
import { nextIdSql } from './next-id.js';
import { newCopy, placeStories } from './stories.js';
import type { NewCopy } from '../shared/stories.js';

const num = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/**
 * rowValues encodes an item for its stored columns, in INSERT's order (guid … chapters_url), as an
 * array that INSERT and UPDATE bind as they are; fields an older caller leaves out are stored as absent.
 */
function rowValues(it: Item): unknown[] {
  const enc = it.enclosures;
  return [
    it.guid,
    it.link,
    it.title,
    it.author,
    it.published,
    it.updated,
    it.summary,
    it.content,
    enc && enc.length
      ? JSON.stringify(enc.map((e) => ({ url: e.url, type: e.type ?? null, length: num(e.length), duration: num(e.duration) })))
      : '[]',
    it.categories && it.categories.length ? JSON.stringify(it.categories) : '[]',
    num(it.duration),
    it.comments ?? null,
    num(it.episode),
    num(it.season),
    it.explicit === true ? 1 : it.explicit === false ? 0 : null,
    it.transcriptUrl ?? null,
    it.chaptersUrl ?? null,
  ];
}
/** How many stored columns rowValues gives (every one compared to decide whether a known item changed). */
const COLUMNS = 17;

// The feed's already stored items among these keys, in one query instead of one per item (the
// keys as a JSON array). Raw rows: [key, id, first_seen, then rowValues' columns in order].
const KNOWN = `SELECT i.key, i.id, i.first_seen, i.guid, i.link, i.title, i.author, i.published, i.updated, i.summary, i.content,
               i.enclosures, i.categories, i.duration, i.comments, i.episode, i.season, i.explicit, i.transcript_url, i.chapters_url
               FROM items i WHERE i.key IN (SELECT value FROM json_each(?)) AND i.feed_id = ?`;
// Positional parameters, in rowValues' column order: binding a named object costs a lookup per column.
const INSERT = `INSERT INTO items (id, guid, link, title, author, published, updated, summary, content, enclosures, categories,
                duration, comments, episode, season, explicit, transcript_url, chapters_url, feed_id, key, first_seen, sort_at)
                VALUES (${nextIdSql('items')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// A key `inkzee prune` deleted from this feed (pruned.ts): asked only of keys the feed does not hold, one primary-key probe each.
const PRUNED = 'SELECT 1 FROM pruned_keys WHERE feed_id = ? AND key = ?';
const UPDATE = `UPDATE items SET guid = ?, link = ?, title = ?, author = ?, published = ?, updated = ?, summary = ?, content = ?,
                enclosures = ?, categories = ?, duration = ?, comments = ?, episode = ?, season = ?, explicit = ?,
                transcript_url = ?, chapters_url = ?, sort_at = ? WHERE id = ?`;

/**
 * upsertItems stores a feed's items: a new key is inserted, a known key whose fields changed is
 * updated in place (keeping its id and first-seen time), an unchanged one is left alone, and a
 * key pruned from the feed is not stored again (nor counted).
 * `texts[k]`, when given, is items[k]'s search text, made beside the parse (off this thread);
 * `newIds`, when given, receives the id of each item inserted. Runs inside the caller's transaction.
 */
export function upsertItems(
  db: Db,
  feedId: number,
  items: readonly Item[],
  now: string,
  texts?: readonly SearchText[],
  newIds?: number[],
): StoreResult {
  const result: StoreResult = { added: 0, updated: 0 };
  if (items.length === 0) return result;
  const insert = prepared(db, INSERT),
    ftsInsert = prepared(db, 'INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
  const index = (id: number | bigint, k: number) => {
    const t = texts?.[k] ?? itemIndexText(items[k]);
    ftsInsert.run(id, t.title, t.body);
  };
  const keys = new Array<string>(items.length);
  for (let k = 0; k < items.length; k++) keys[k] = items[k].key;
  const known = new Map<string, unknown[]>();
  for (const row of prepared(db, KNOWN).raw(true).all(JSON.stringify(keys), feedId) as unknown[][]) known.set(row[0] as string, row);
  const nowTime = Date.parse(now);
  const copies: NewCopy[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    const values = rowValues(it);
    const row = known.get(it.key);
    if (!row) {
      if (prepared(db, PRUNED).get(feedId, it.key) !== undefined) continue;
      const sortAt = it.published === null ? now : sortAfter(it.published, now, nowTime);
      const id = insert.run(...values, feedId, it.key, now, sortAt).lastInsertRowid;
      index(id, k);
      copies.push(newCopy(Number(id), feedId, it));
      newIds?.push(Number(id));
      // A later item of this list with the same key finds this one, as it would in the table.
      if (k < items.length - 1) known.set(it.key, [it.key, id, now, ...values]);
      result.added++;
    } else if (changed(values, row)) {
      const id = row[1] as number;
      prepared(db, UPDATE).run(...values, sortTime(it.published, row[2] as string), id);
      prepared(db, 'DELETE FROM items_fts WHERE rowid = ?').run(id);
      index(id, k);
      known.set(it.key, [it.key, id, row[2], ...values]);
      result.updated++;
    }
  }
  // New items join the stories their links name; an item changed in place keeps its story.
  placeStories(db, copies, true);
  return result;
}

/** changed tells whether any stored column differs from the item's values (row: [key, id, first_seen, columns…]). */
function changed(values: readonly unknown[], row: readonly unknown[]): boolean {
  for (let c = 0; c < COLUMNS; c++) if (row[c + 3] !== values[c]) return true;
  return false;
}
