// A feed's items stored on PostgreSQL exactly as ../items.ts's upsertItems stores them on SQLite
// (same "updated" rule, first-seen and sort times, search rows), in a few set-based statements
// per feed rather than three round trips per item: the database is across a network.
import type pg from 'pg';
import type { Item } from '../../model.js';
import { itemIndexText } from '../../text/search-text.js';
import { searchDoc } from './reindex-search.js';
import type { SearchText, StoreResult } from '../contract.js';
import { sortTime, tagFold } from '../shared/items.js';
import { storyLinks } from '../shared/story-links.js';
import { placeStories } from './stories.js';

// PostgreSQL text (and jsonb) cannot hold U+0000, which SQLite keeps; such a character is dropped.
const noNul = (s: string | null | undefined): string | null => (s == null ? null : s.includes('\0') ? s.replaceAll('\0', '') : s);
// jsonb refuses a lone surrogate's \u escape; as text, both databases store it as U+FFFD anyway.
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const inJson = (s: string | null | undefined): string | null => (s == null ? null : noNul(s)!.replace(LONE, '\uFFFD'));
const num = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** Row is an item's stored fields in CHANGED order; arrays as JSON text, compared as SQLite compares its JSON text. */
type Row = [
  guid: string | null,
  link: string | null,
  title: string | null,
  author: string | null,
  published: string | null,
  updated: string | null,
  summary: string | null,
  content: string | null,
  enclosures: string,
  categories: string,
  duration: number | null,
  comments: string | null,
  episode: number | null,
  season: number | null,
  explicit: boolean | null,
  transcriptUrl: string | null,
  chaptersUrl: string | null,
];

/** The columns of Row, in order, with the type each has in an unnest() of arrays. */
const COLUMNS: [string, string][] = [
  ['guid', 'text'],
  ['link', 'text'],
  ['title', 'text'],
  ['author', 'text'],
  ['published', 'text'],
  ['updated', 'text'],
  ['summary', 'text'],
  ['content', 'text'],
  ['enclosures', 'jsonb'],
  ['categories', 'jsonb'],
  ['duration', 'float8'],
  ['comments', 'text'],
  ['episode', 'int4'],
  ['season', 'int4'],
  ['explicit', 'bool'],
  ['transcript_url', 'text'],
  ['chapters_url', 'text'],
];

/** toRow encodes an item for its columns, as ../sqlite/items.ts's rowValues does (enclosure keys in one order). */
function toRow(it: Item): Row {
  return [
    noNul(it.guid),
    noNul(it.link),
    noNul(it.title),
    noNul(it.author),
    noNul(it.published),
    noNul(it.updated),
    noNul(it.summary),
    noNul(it.content),
    JSON.stringify(
      (it.enclosures ?? []).map((e) => ({
        url: inJson(e.url),
        type: inJson(e.type ?? null),
        length: num(e.length),
        duration: num(e.duration),
      })),
    ),
    JSON.stringify((it.categories ?? []).map((c) => inJson(c))),
    num(it.duration),
    noNul(it.comments ?? null),
    num(it.episode),
    num(it.season),
    it.explicit === true ? true : it.explicit === false ? false : null,
    noNul(it.transcriptUrl ?? null),
    noNul(it.chaptersUrl ?? null),
  ];
}

/** Stored is what is known of one key: its row as stored (or about to be), and what to write. */
export interface Stored {
  id: number | null;
  firstSeen: string;
  row: Row;
  write: boolean;
  text?: SearchText;
  k: number;
  /** A new item's compared links (story-links.ts), to file it into a story once inserted. */
  links?: string[];
}

/** unnestOf is `unnest($a::t[], …)` over the given columns, binding one array per column from offset. */
function unnestOf(cols: [string, string][], offset: number): string {
  return `unnest(${cols.map(([, t], j) => `$${offset + j}::${t}[]`).join(', ')})`;
}

const TAGS_OF = 'ARRAY(SELECT jsonb_array_elements_text(u.tags))';
const INSERT_COLS: [string, string][] = [...COLUMNS, ['key', 'text'], ['sort_at', 'text'], ['tags', 'jsonb']];
const UPDATE_COLS: [string, string][] = [...COLUMNS, ['sort_at', 'text'], ['tags', 'jsonb'], ['id', 'int8']];

// Named statements: each pooled connection parses and plans them once, not once per feed.
const FIND = {
  name: 'inkzee-items-find',
  text: `SELECT id, key, first_seen, json_build_array(${COLUMNS.map(([n, t]) => (t === 'jsonb' ? `${n}::text` : n)).join(', ')}) AS row
         FROM items WHERE feed_id = $1 AND key = ANY($2::text[])`,
};
// Keys `inkzee prune` deleted from the feed (prune.ts), asked only of the keys it does not hold.
const PRUNED = {
  name: 'inkzee-items-pruned',
  text: 'SELECT key FROM pruned_keys WHERE feed_id = $1 AND key = ANY($2::text[])',
};
const INSERT = {
  name: 'inkzee-items-insert',
  text: `INSERT INTO items (${INSERT_COLS.map(([n]) => n).join(', ')}, feed_id, first_seen)
         SELECT ${INSERT_COLS.map(([n]) => (n === 'tags' ? TAGS_OF : `u.${n}`)).join(', ')}, $1, $2
         FROM ${unnestOf(INSERT_COLS, 3)} WITH ORDINALITY AS u(${INSERT_COLS.map(([n]) => n).join(', ')}, n) ORDER BY u.n
         ON CONFLICT (feed_id, key) DO NOTHING RETURNING id, key`,
};
const UPDATE = {
  name: 'inkzee-items-update',
  text: `UPDATE items AS i SET ${UPDATE_COLS.slice(0, -1)
    .map(([n]) => `${n} = ${n === 'tags' ? TAGS_OF : `u.${n}`}`)
    .join(', ')}
         FROM ${unnestOf(UPDATE_COLS, 1)} AS u(${UPDATE_COLS.map(([n]) => n).join(', ')}) WHERE i.id = u.id`,
};
const INDEX = {
  name: 'inkzee-items-index',
  // Only items still there: one changed in place may have been pruned since the plan read it.
  text: `INSERT INTO item_search (item_id, doc) SELECT u.id, ${searchDoc('u.t', 'u.b')} FROM unnest($1::int8[], $2::text[], $3::text[]) AS u(id, t, b)
         WHERE EXISTS (SELECT 1 FROM items WHERE id = u.id) ON CONFLICT (item_id) DO UPDATE SET doc = excluded.doc`,
};

/** UpsertPlan is what storing a feed's items will write, worked out against the rows already stored. */
export interface UpsertPlan extends StoreResult {
  /** Keys to insert (id null) or update (id set), with their new rows; empty when nothing changed. */
  writes: [string, Stored][];
  now: string;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * planUpsert compares a feed's items with the stored ones (one read, which needs no transaction):
 * a new key is to be inserted, a known key whose fields changed updated in place (keeping its id
 * and first-seen time), an unchanged one left alone, and a key pruned from the feed skipped (a
 * second read, only when there are new keys). A key given twice counts as SQLite's
 * item-by-item loop counts it: inserted, then updated if the second differs.
 */
export async function planUpsert(
  c: Queryable,
  feedId: number,
  items: readonly Item[],
  now: string,
  texts?: readonly SearchText[],
): Promise<UpsertPlan> {
  const plan: UpsertPlan = { added: 0, updated: 0, writes: [], now };
  if (items.length === 0) return plan;
  const keyOf = (k: number) => noNul(items[k].key)!;
  const keys = [...new Set(items.map((_, k) => keyOf(k)))];
  const known = await c.query<{ id: number; key: string; first_seen: string; row: Row }>({ ...FIND, values: [feedId, keys] });
  const byKey = new Map<string, Stored>();
  for (const r of known.rows) {
    // jsonb's text has spaces and its own key order; re-encode as toRow does to compare.
    r.row[8] = JSON.stringify(
      (JSON.parse(r.row[8]) as Record<string, unknown>[]).map((e) => ({
        url: e.url,
        type: e.type ?? null,
        length: e.length ?? null,
        duration: e.duration ?? null,
      })),
    );
    r.row[9] = JSON.stringify(JSON.parse(r.row[9]));
    byKey.set(r.key, { id: r.id, firstSeen: r.first_seen, row: r.row, write: false, k: -1 });
  }
  const fresh = keys.filter((key) => !byKey.has(key));
  const pruned = fresh.length
    ? new Set((await c.query<{ key: string }>({ ...PRUNED, values: [feedId, fresh] })).rows.map((r) => r.key))
    : undefined;
  for (let k = 0; k < items.length; k++) {
    if (pruned?.has(keyOf(k))) continue;
    const row = toRow(items[k]);
    const s = byKey.get(keyOf(k));
    if (!s) {
      byKey.set(keyOf(k), { id: null, firstSeen: now, row, write: true, k, links: storyLinks(items[k]) });
      plan.added++;
    } else if (row.some((v, j) => v !== s.row[j])) {
      plan.updated++;
      Object.assign(s, { row, write: true, k });
    }
  }
  plan.writes = [...byKey.entries()].filter(([, s]) => s.write);
  for (const [, s] of plan.writes) s.text = texts?.[s.k] ?? itemIndexText(items[s.k]);
  return plan;
}

/**
 * applyUpsert writes a plan's inserts, updates and their search rows, inside the caller's
 * transaction, and returns what it really changed: a key another crawler inserted since the plan
 * was made (two crawlers storing one feed at once, one of them past its lease) is left to that
 * crawler's row and not counted new here, so the fleet counts each item new once. `newIds`, when
 * given, receives the id of each row inserted.
 */
export async function applyUpsert(c: Queryable, feedId: number, plan: UpsertPlan, newIds?: number[]): Promise<StoreResult> {
  const { writes, now } = plan;
  const done = { added: 0, updated: plan.updated };
  if (writes.length === 0) return done;
  const columns = (list: [string, Stored][]) => COLUMNS.map((_, j) => list.map(([, s]) => s.row[j]));
  const tags = (list: [string, Stored][]) => list.map(([, s]) => JSON.stringify((JSON.parse(s.row[9]) as string[]).map(tagFold)));
  const changed = writes.filter(([, s]) => s.id !== null);
  const fresh = writes.filter(([, s]) => s.id === null);
  const insertedIds = new Map<string, number>();
  if (fresh.length) {
    const inserted = await c.query<{ id: number; key: string }>({
      ...INSERT,
      values: [feedId, now, ...columns(fresh), fresh.map(([key]) => key), fresh.map(([, s]) => sortTime(s.row[4], now)), tags(fresh)],
    });
    const byKey = new Map(fresh);
    // The ids go into a map of this call's own, never onto the plan: a transaction PostgreSQL ends
    // for a deadlock runs again with the same plan (retryingTransaction), whose new items must
    // still be new.
    for (const r of inserted.rows) insertedIds.set(r.key, Number(r.id));
    for (const r of inserted.rows) newIds?.push(Number(r.id));
    // ON CONFLICT DO NOTHING returns only the rows it inserted.
    done.added = inserted.rows.length;
    // The new items join the stories their links name (an item changed in place keeps its story).
    const copies = inserted.rows.map((r) => ({ id: Number(r.id), feedId, links: byKey.get(r.key)!.links ?? [] }));
    await placeStories(
      c,
      copies.sort((a, b) => a.id - b.id),
      true,
    );
  }
  if (changed.length) {
    await c.query({
      ...UPDATE,
      values: [...columns(changed), changed.map(([, s]) => sortTime(s.row[4], s.firstSeen)), tags(changed), changed.map(([, s]) => s.id)],
    });
  }
  const indexed = writes.flatMap(([key, s]) => {
    const id = s.id ?? insertedIds.get(key);
    return id === undefined || id === null ? [] : [{ id, s }];
  });
  await c.query({
    ...INDEX,
    values: [indexed.map((x) => x.id), indexed.map((x) => noNul(x.s.text!.title)), indexed.map((x) => noNul(x.s.text!.body))],
  });
  return done;
}
