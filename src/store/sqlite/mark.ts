// Marking items read, unread, starred or unstarred on SQLite (../postgres/mark.ts is the
// counterpart): one transaction, set-based UPDATEs (per chunk of ids), never read-modify-write.
// A mark reaches every copy of a story (shared/stories.ts): a first UPDATE marks the copies of
// the stories the items named or matched belong to, through the items_story index, and the
// usual one marks the rest; each changes only rows still pending, so nothing is counted twice.
import type { Db } from './connect.js';
import { filterFor } from './item-where.js';
import type { MarkKind, MarkResult, MarkTarget } from '../contract.js';
import { chunks, firstUnknown, MARKS } from '../shared/marks.js';

/**
 * mark changes the state of the items named (every id must be an item, else nothing changes and
 * the first unknown one is returned) or matched by a filter, counting the items it changed; a dry
 * run counts the same items and changes nothing.
 */
export function mark(db: Db, kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): MarkResult {
  const m = MARKS[kind];
  const value = m.set ? o.now : null;
  return db
    .transaction((): MarkResult => {
      if ('ids' in target) {
        const parts = chunks(target.ids).map((c) => JSON.stringify(c));
        const find = db.prepare('SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?))').pluck();
        const found = new Set<number>();
        for (const p of parts) for (const id of find.all(p) as number[]) found.add(id);
        const unknownId = firstUnknown(target.ids, found);
        if (unknownId !== undefined) return { changed: 0, unknownId };
        const among = `${m.pending} AND i.id IN (SELECT value FROM json_each(@ids))`;
        const stories = `SELECT story_id FROM items WHERE id IN (SELECT value FROM json_each(@ids)) AND story_id IS NOT NULL`;
        const count = db
          .prepare(
            `SELECT count(*) FROM items i WHERE ${m.pending} AND (i.id IN (SELECT value FROM json_each(@ids)) OR i.story_id IN (${stories}))`,
          )
          .pluck();
        const copies = db.prepare(`UPDATE items AS i SET ${m.column} = @value WHERE ${m.pending} AND i.story_id IN (${stories})`);
        const update = db.prepare(`UPDATE items AS i SET ${m.column} = @value WHERE ${among}`);
        let changed = 0;
        for (const ids of parts)
          changed += o.dryRun ? (count.get({ ids }) as number) : copies.run({ ids, value }).changes + update.run({ ids, value }).changes;
        return { changed };
      }
      const w = filterFor(db, target.filter);
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
