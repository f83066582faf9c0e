// Marking items read, unread, starred or unstarred on PostgreSQL, as ../sqlite/mark.ts does on
// SQLite: one transaction, one set-based UPDATE (per chunk of ids), never read-modify-write. Each
// UPDATE changes only rows not in the new state yet and writes only its one column, so marks made
// at once from several machines never lose each other, and a crawl updating an item (which writes
// only the feed's columns) never resets its state: READ COMMITTED re-reads a row it had to wait for.
// A mark reaches every copy of a story (shared/stories.ts): a first UPDATE marks the copies of the
// stories the items named or matched belong to (items_story index), then the usual one the rest.
import type pg from 'pg';
import { retryingTransaction, type Pg } from './connect.js';
import { itemWhere, Params } from './item-where.js';
import type { ItemFilter, MarkKind, MarkResult, MarkTarget } from '../contract.js';
import { chunks, firstUnknown, idsOnly, MARKS } from '../shared/marks.js';

/** ID_RANGE is how many consecutive item ids one UPDATE of a filtered mark covers. */
const ID_RANGE = 100_000;

/** mark changes the state of the items named or matched, counting those changed; see Store.mark. */
export async function mark(db: Pg, kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): Promise<MarkResult> {
  return retryingTransaction(db, (c) => markIn(c, kind, target, o));
}

/**
 * markIds marks items by id (and the other copies of their stories); strict, an id of no item
 * changes nothing and is returned. Its statements are named, so each connection plans them once:
 * the reader API runs them for every edit-tag.
 */
async function markIds(
  c: pg.PoolClient,
  kind: MarkKind,
  ids: readonly number[],
  value: string | null,
  o: { dryRun: boolean; strict: boolean },
): Promise<MarkResult> {
  const m = MARKS[kind];
  const parts = chunks(ids);
  if (o.strict) {
    const found = new Set<number>();
    for (const part of parts)
      for (const r of (
        await c.query<{ id: number }>({
          name: 'inkzee-mark-find',
          text: 'SELECT id FROM items WHERE id = ANY($1::bigint[])',
          values: [part],
        })
      ).rows)
        found.add(Number(r.id));
    const unknownId = firstUnknown(ids, found);
    if (unknownId !== undefined) return { changed: 0, unknownId };
  }
  const stories = (ids: string) => `SELECT story_id FROM items WHERE id = ANY(${ids}::bigint[]) AND story_id IS NOT NULL`;
  let changed = 0;
  for (const part of parts) {
    if (o.dryRun) {
      const sql = `SELECT count(*) AS n FROM items i WHERE ${m.pending} AND (i.id = ANY($1::bigint[]) OR i.story_id IN (${stories('$1')}))`;
      changed += Number((await c.query<{ n: number }>({ name: `inkzee-mark-count-${kind}`, text: sql, values: [part] })).rows[0].n);
      continue;
    }
    const copies = `UPDATE items AS i SET ${m.column} = $1 WHERE ${m.pending} AND i.story_id IN (${stories('$2')})`;
    changed += (await c.query({ name: `inkzee-mark-copies-${kind}`, text: copies, values: [value, part] })).rowCount ?? 0;
    const update = `UPDATE items AS i SET ${m.column} = $1 WHERE ${m.pending} AND i.id = ANY($2::bigint[])`;
    changed += (await c.query({ name: `inkzee-mark-ids-${kind}`, text: update, values: [value, part] })).rowCount ?? 0;
  }
  return { changed };
}

async function markIn(c: pg.PoolClient, kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): Promise<MarkResult> {
  const m = MARKS[kind];
  const value = m.set ? o.now : null;
  // A filter of ids alone marks exactly what a mark of those ids does, less the check that each is an item.
  const byId = 'ids' in target ? target.ids : idsOnly(target.filter);
  if (byId !== undefined) return markIds(c, kind, byId, value, { dryRun: o.dryRun, strict: 'ids' in target });
  const p = new Params();
  const filter = itemWhere((target as { filter: ItemFilter }).filter, p);
  const where = [m.pending, filter].filter(Boolean).join(' AND ');
  const matched = `FROM items i JOIN feeds f ON f.id = i.feed_id ${filter ? `WHERE ${filter}` : ''}`;
  const stories = `SELECT i.story_id ${matched} ${filter ? 'AND' : 'WHERE'} i.story_id IS NOT NULL`;
  if (o.dryRun) {
    const sql = `SELECT count(*) AS n FROM items i WHERE ${m.pending} AND (i.id IN (SELECT i.id ${matched}) OR i.story_id IN (${stories}))`;
    return { changed: Number((await c.query<{ n: number }>(sql, p.values)).rows[0].n) };
  }
  // The copies first, while the filter still sees the items as they were before this mark.
  const copyValue = new Params();
  copyValue.values.push(...p.values);
  const copied =
    (
      await c.query(
        `UPDATE items AS i SET ${m.column} = ${copyValue.add(value)}::text WHERE ${m.pending} AND i.story_id IN (${stories})`,
        copyValue.values,
      )
    ).rowCount ?? 0;
  // Without conditions on the feed, the UPDATE needs no join (mark read --all of a million items).
  const join = /\bf\./.test(where) ? 'FROM feeds AS f WHERE f.id = i.feed_id AND' : 'WHERE';
  const set = p.add(value);
  const [lo, hi] = [p.add(0), p.add(0)];
  const update = `UPDATE items AS i SET ${m.column} = ${set}::text ${join} ${where} AND i.id BETWEEN ${lo} AND ${hi}`;
  // One statement per range of ids, all in this one transaction: a mark of a million items rewrites
  // a million rows and every index entry of each, longer than the answer timeout that tells a
  // server gone quiet from one at work; a range of ids takes a few seconds.
  const ids = (await c.query<{ lo: number | null; hi: number | null }>('SELECT min(id) AS lo, max(id) AS hi FROM items')).rows[0];
  let changed = copied;
  for (let from = Number(ids.lo ?? 1); ids.hi !== null && from <= Number(ids.hi); from += ID_RANGE) {
    const values = [...p.values];
    values[values.length - 2] = from;
    values[values.length - 1] = from + ID_RANGE - 1;
    changed += (await c.query(update, values)).rowCount ?? 0;
  }
  return { changed };
}
