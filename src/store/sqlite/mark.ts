// Marking items read, unread, starred or unstarred on SQLite (../postgres/mark.ts is the
// counterpart): one transaction, set-based UPDATEs (per chunk of ids), never read-modify-write.
// A mark reaches every copy of a story (shared/stories.ts): a first UPDATE marks the copies of
// the stories the items named or matched belong to, through the items_story index, and the
// usual one marks the rest; each changes only rows still pending, so nothing is counted twice.
import { prepared, type Db } from './connect.js';
import { filterFor } from './item-where.js';
import type { ItemFilter, MarkKind, MarkResult, MarkTarget } from '../contract.js';
import { chunks, firstUnknown, idsOnly, MARKS, type MarkSql } from '../shared/marks.js';

/**
 * mark changes the state of the items named (every id must be an item, else nothing changes and
 * the first unknown one is returned) or matched by a filter, counting the items it changed; a dry
 * run counts the same items and changes nothing.
 */
export function mark(db: Db, kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): MarkResult {
  const m = MARKS[kind];
  const value = m.set ? o.now : null;
  // A filter of ids alone marks exactly what a mark of those ids does, less the check that each is an item.
  const ids = 'ids' in target ? target.ids : idsOnly(target.filter);
  return db
    .transaction((): MarkResult => {
      if (ids !== undefined) return markIds(db, m, ids, value, { dryRun: o.dryRun, strict: 'ids' in target });
      const filter = (target as { filter: ItemFilter }).filter;
      const w = filterFor(db, filter);
      const where = [m.pending, w.sql.replace(/^WHERE /, '')].filter(Boolean).join(' AND ');
      const matched = `FROM items i JOIN feeds f ON f.id = i.feed_id ${w.sql}`;
      const stories = `SELECT i.story_id ${matched} ${w.sql ? 'AND' : 'WHERE'} i.story_id IS NOT NULL`;
      if (o.dryRun) {
        const sql = `SELECT count(*) FROM items i WHERE ${m.pending} AND (i.id IN (SELECT i.id ${matched}) OR i.story_id IN (${stories}))`;
        return { changed: db.prepare(sql).pluck().get(w.params) as number };
      }
      const copies = `UPDATE items AS i SET ${m.column} = @markValue WHERE ${m.pending} AND i.story_id IN (${stories})`;
      const copied = db.prepare(copies).run({ ...w.params, markValue: value }).changes;
      // Without conditions on the feed, the UPDATE needs no join (mark read --all of a million items).
      const join = /\bf\./.test(w.sql) ? 'FROM feeds AS f WHERE f.id = i.feed_id AND' : 'WHERE';
      const sql = `UPDATE items AS i SET ${m.column} = @markValue ${join} ${where}`;
      return { changed: copied + db.prepare(sql).run({ ...w.params, markValue: value }).changes };
    })
    .immediate();
}

const IDS = 'SELECT value FROM json_each(@ids)';

/**
 * markIds marks items by id (and the other copies of their stories), inside the caller's
 * transaction; strict, an id of no item changes nothing and is returned. Its statements are
 * prepared once per connection: the reader API runs them for every edit-tag.
 */
function markIds(db: Db, m: MarkSql, ids: readonly number[], value: string | null, o: { dryRun: boolean; strict: boolean }): MarkResult {
  const parts = chunks(ids).map((c) => JSON.stringify(c));
  if (o.strict) {
    const find = prepared(db, `SELECT id FROM items WHERE id IN (${IDS})`).pluck(true);
    const found = new Set<number>();
    for (const p of parts) for (const id of find.all({ ids: p }) as number[]) found.add(id);
    const unknownId = firstUnknown(ids, found);
    if (unknownId !== undefined) return { changed: 0, unknownId };
  }
  const stories = `SELECT story_id FROM items WHERE id IN (${IDS}) AND story_id IS NOT NULL`;
  let changed = 0;
  for (const p of parts) {
    if (o.dryRun) {
      const count = prepared(db, `SELECT count(*) FROM items i WHERE ${m.pending} AND (i.id IN (${IDS}) OR i.story_id IN (${stories}))`);
      changed += count.pluck(true).get({ ids: p }) as number;
      continue;
    }
    const copies = prepared(db, `UPDATE items AS i SET ${m.column} = @value WHERE ${m.pending} AND i.story_id IN (${stories})`);
    const update = prepared(db, `UPDATE items AS i SET ${m.column} = @value WHERE ${m.pending} AND i.id IN (${IDS})`);
    changed += copies.run({ ids: p, value }).changes + update.run({ ids: p, value }).changes;
  }
  return { changed };
}
