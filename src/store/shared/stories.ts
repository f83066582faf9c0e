// Stories, for both engines: which story a newly stored item joins, and the SQL that lists each
// story once. A story is named by its first-stored copy's id (ids are never reused, so the name
// outlives that copy's pruning); items.story_id holds it on every copy of a story of two or more
// and is NULL on an item that is a story of its own; story_links maps each compared link
// (story-links.ts) to the story that first had it, so storing an item costs one primary-key probe
// per link, never a scan.

/** NewCopy is an item just inserted, with its compared links. */
export interface NewCopy {
  id: number;
  feedId: number;
  links: readonly string[];
}

/** StoryFacts is what joining a story needs to know of it: its copies' feeds and whether it is read or starred. */
export interface StoryFacts {
  feeds: Set<number>;
  readAt: string | null;
  starredAt: string | null;
}

/** Joined is a new copy that joined a known story, with the state it arrives in (the story's). */
export interface Joined {
  id: number;
  storyId: number;
  readAt: string | null;
  starredAt: string | null;
}

/** Placement is what storing new copies writes: the copies that joined a story, the links not mapped yet, and the links found to name no one story. */
export interface Placement {
  joined: Joined[];
  links: [link: string, storyId: number][];
  /** Links to map to AMBIGUOUS from now on (replacing a story they named). */
  ambiguous: string[];
}

/**
 * AMBIGUOUS is the story a link is mapped to once two items of one feed gave it (a podcast's
 * show page on every episode, a feed's own URL with a fragment as every GUID, a post's link on
 * each of its comments): such a link names no one post, so no copy joins a story by it again.
 */
export const AMBIGUOUS = 0;

// sharedInFeed lists the links that two or more copies of one feed give in this batch.
function sharedInFeed(copies: readonly NewCopy[]): Set<string> {
  const seen = new Map<string, number>(); // `${feed} ${link}` → copies
  const shared = new Set<string>();
  for (const c of copies)
    for (const l of new Set(c.links)) {
      const k = `${c.feedId} ${l}`;
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      if (n === 2) shared.add(l);
    }
  return shared;
}

/**
 * placeCopies decides, in the given order, which story each new copy joins: the story its first
 * link that names one names (its links come most telling first: original link, link, GUID) and
 * that has no copy in the copy's own feed yet — a feed never carries two copies of one story —
 * or a story of its own. A link two copies of one feed share — in the batch, or one stored before
 * (it names a story with a copy in this feed) — becomes AMBIGUOUS and joins nothing. `linked` (link → story, as stored) and `facts` (story → facts, for each story in
 * `linked`) are updated as copies are placed, so copies of one batch find each other.
 */
export function placeCopies(copies: readonly NewCopy[], linked: Map<string, number>, facts: Map<number, StoryFacts>): Placement {
  const out: Placement = { joined: [], links: [], ambiguous: [] };
  for (const l of sharedInFeed(copies))
    if (linked.get(l) !== AMBIGUOUS) {
      linked.set(l, AMBIGUOUS);
      out.ambiguous.push(l);
    }
  for (const c of copies) {
    // A link naming a story this feed already holds a copy of is one this feed gives two items:
    // shared, as in a batch, though the two came in different crawls.
    for (const l of c.links) {
      const s = linked.get(l);
      if (s !== undefined && s !== AMBIGUOUS && facts.get(s)?.feeds.has(c.feedId)) {
        linked.set(l, AMBIGUOUS);
        out.ambiguous.push(l);
      }
    }
    const candidates = [...new Set(c.links.map((l) => linked.get(l)).filter((s): s is number => s !== undefined && s !== AMBIGUOUS))];
    let story = c.id;
    for (const s of candidates) {
      const f = facts.get(s) ?? { feeds: new Set<number>(), readAt: null, starredAt: null };
      if (f.feeds.has(c.feedId)) continue;
      f.feeds.add(c.feedId);
      facts.set(s, f);
      out.joined.push({ id: c.id, storyId: s, readAt: f.readAt, starredAt: f.starredAt });
      story = s;
      break;
    }
    if (story === c.id) facts.set(c.id, { feeds: new Set([c.feedId]), readAt: null, starredAt: null });
    for (const l of c.links)
      if (!linked.has(l)) {
        linked.set(l, story);
        out.links.push([l, story]);
      }
  }
  return out;
}

/**
 * firstCopiesSql is the condition (over items i) that keeps each story's first-stored copy among
 * the rows `from … where` matches (both over items i / feeds f): a story of one is its own group.
 */
export function firstCopiesSql(from: string, where: string): string {
  return `i.id IN (SELECT min(i.id) FROM ${from} ${where ? `WHERE ${where}` : ''} GROUP BY coalesce(i.story_id, i.id))`;
}

/** STORY_KEY is an item's story as SQL over items i: story_id, or its own id for a story of one. */
export const STORY_KEY = 'coalesce(i.story_id, i.id)';

/**
 * ORPHAN_LINKS deletes the story links whose story has no copy left, after items went (prune,
 * remove): a story lives on while any copy does, its first one pruned or not, and a copy arriving
 * after the last went starts a story of its own, unread.
 */
export const ORPHAN_LINKS = `DELETE FROM story_links WHERE story_id <> ${AMBIGUOUS} AND NOT EXISTS (SELECT 1 FROM items WHERE items.id = story_links.story_id)
  AND NOT EXISTS (SELECT 1 FROM items WHERE items.story_id = story_links.story_id)`;
