// Stories on PostgreSQL, as ../sqlite/stories.ts files them on SQLite (../shared/stories.ts
// decides): set-based, a few statements per stored feed rather than a round trip per link — one
// index probe per link all the same, inside one query.
import type pg from 'pg';
import { AMBIGUOUS, placeCopies, type NewCopy, type StoryFacts } from '../shared/stories.js';
import { storyLinks } from '../shared/story-links.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

// Two crawl transactions filing copies of one post at once would each see no link yet and each
// start a story; so a crawl first takes a transaction-scoped advisory lock on each of its links'
// buckets (a hash of the link, one of LOCK_BUCKETS), in key order so that two crawls never wait on
// each other in a cycle here. Buckets, not links: advisory locks live in the server's shared lock
// table (max_locks_per_transaction × connections, 6,400 by default), which a first crawl of a few
// thousand items per feed would otherwise exhaust; two posts in one bucket only wait a moment.
const STORY_LOCK_CLASS = 0x1b5e; // 'inkzee stories'
const LOCK_BUCKETS = 256;
const LOCK = {
  name: 'inkzee-stories-lock',
  text: `SELECT pg_advisory_xact_lock($2::int4, k)
         FROM (SELECT DISTINCT hashtext(l) & ${LOCK_BUCKETS - 1} AS k FROM unnest($1::text[]) AS l ORDER BY k) AS s`,
};
const PROBE = {
  name: 'inkzee-stories-probe',
  text: 'SELECT link, story_id FROM story_links WHERE link = ANY($1::text[])',
};
const FACTS = {
  name: 'inkzee-stories-facts',
  text: `SELECT coalesce(story_id, id) AS story, feed_id, read_at, starred_at FROM items
         WHERE id = ANY($1::int8[]) OR story_id = ANY($1::int8[])`,
};
// A copy arriving in a story already read (starred) arrives read (starred), since the story's time.
const JOIN = {
  name: 'inkzee-stories-join',
  text: `UPDATE items AS i SET story_id = u.story,
           read_at = CASE WHEN $5 THEN coalesce(i.read_at, u.read_at) ELSE i.read_at END,
           starred_at = CASE WHEN $5 THEN coalesce(i.starred_at, u.starred_at) ELSE i.starred_at END
         FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[]) AS u(id, story, read_at, starred_at) WHERE i.id = u.id`,
};
const FIRST = {
  name: 'inkzee-stories-first',
  text: 'UPDATE items SET story_id = id WHERE id = ANY($1::int8[]) AND story_id IS NULL',
};
const NO_STORY = {
  name: 'inkzee-stories-ambiguous',
  text: `INSERT INTO story_links (link, story_id) SELECT l, ${AMBIGUOUS} FROM unnest($1::text[]) AS l
         ON CONFLICT (link) DO UPDATE SET story_id = ${AMBIGUOUS}`,
};
const LINK = {
  name: 'inkzee-stories-link',
  text: `INSERT INTO story_links (link, story_id) SELECT * FROM unnest($1::text[], $2::int8[]) ON CONFLICT (link) DO NOTHING`,
};

/**
 * placeStories files items just inserted into stories, inside the caller's transaction, as the
 * SQLite store does; `inherit` as there. Unless `alone` (the upgrade's pass, under the migration
 * lock), it first locks the copies' links (to the end of the transaction): a crawl filing a copy
 * of a post another crawl is filing at the same moment waits for that one to commit, then reads
 * its links (each statement sees what was committed before it, under READ COMMITTED) and joins
 * its story.
 */
export async function placeStories(c: Queryable, copies: readonly NewCopy[], inherit: boolean, alone = false): Promise<void> {
  if (copies.length === 0) return;
  const all = [...new Set(copies.flatMap((x) => x.links))];
  if (all.length === 0) return;
  if (!alone) await c.query({ ...LOCK, values: [all, STORY_LOCK_CLASS] });
  const linked = new Map<string, number>();
  for (const r of (await c.query<{ link: string; story_id: string }>({ ...PROBE, values: [all] })).rows)
    linked.set(r.link, Number(r.story_id));
  const facts = new Map<number, StoryFacts>();
  const stories = [...new Set(linked.values())].filter((s) => s !== AMBIGUOUS);
  if (stories.length) {
    const rows = await c.query<{ story: string; feed_id: string; read_at: string | null; starred_at: string | null }>({
      ...FACTS,
      values: [stories],
    });
    for (const s of stories) facts.set(s, { feeds: new Set(), readAt: null, starredAt: null });
    for (const r of rows.rows) {
      const f = facts.get(Number(r.story));
      if (!f) continue;
      f.feeds.add(Number(r.feed_id));
      if (r.read_at !== null && (f.readAt === null || r.read_at < f.readAt)) f.readAt = r.read_at;
      if (r.starred_at !== null && (f.starredAt === null || r.starred_at < f.starredAt)) f.starredAt = r.starred_at;
    }
  }
  const placed = placeCopies(copies, linked, facts);
  if (placed.joined.length) {
    const j = placed.joined;
    await c.query({
      ...JOIN,
      values: [j.map((x) => x.id), j.map((x) => x.storyId), j.map((x) => x.readAt), j.map((x) => x.starredAt), inherit],
    });
    await c.query({ ...FIRST, values: [[...new Set(j.map((x) => x.storyId))]] });
  }
  if (placed.links.length) await c.query({ ...LINK, values: [placed.links.map(([l]) => l), placed.links.map(([, s]) => s)] });
  if (placed.ambiguous.length) await c.query({ ...NO_STORY, values: [placed.ambiguous] });
}

/** newCopy is an inserted item's NewCopy. */
export function newCopy(id: number, feedId: number, it: { guid: string | null; link: string | null; origLink?: string }): NewCopy {
  return { id, feedId, links: storyLinks(it) };
}

const BATCH = 5000;

/** linkStoredItems files the items stored before stories existed, oldest first, their read state left alone (the migration's pass). */
export async function linkStoredItems(c: Queryable): Promise<void> {
  for (let after = 0; ;) {
    const rows = (
      await c.query<{ id: string; feed_id: string; guid: string | null; link: string | null }>(
        'SELECT id, feed_id, guid, link FROM items WHERE id > $1 ORDER BY id LIMIT $2',
        [after, BATCH],
      )
    ).rows;
    if (rows.length === 0) return;
    await placeStories(
      c,
      rows.map((r) => newCopy(Number(r.id), Number(r.feed_id), r)),
      false,
      true,
    );
    after = Number(rows.at(-1)!.id);
  }
}

/** ALSO_IN is a listed item's other copies (id, feedId, feedTitle; oldest first) as a JSON array column over items i, [] for a story of one. */
export const ALSO_IN = `(SELECT coalesce(json_agg(json_build_object('id', c.id, 'feedId', c.feed_id, 'feedTitle', cf.title) ORDER BY c.id), '[]'::json)
  FROM items c JOIN feeds cf ON cf.id = c.feed_id WHERE c.story_id = i.story_id AND c.id <> i.id) AS "alsoIn"`;
