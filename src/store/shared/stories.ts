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

/** Placement is what storing new copies writes: the copies that joined a story, and the links not mapped yet. */
export interface Placement {
  joined: Joined[];
  links: [link: string, storyId: number][];
}

/**
 * placeCopies decides, in the given order, which story each new copy joins: the oldest story
 * found by any of its links that has no copy in the copy's own feed yet — a feed never carries
 * two copies of one story, so a feed giving many items one link keeps them apart — or a story of
 * its own. `linked` (link → story, as stored) and `facts` (story → facts, for each story in
 * `linked`) are updated as copies are placed, so copies of one batch find each other.
 */
export function placeCopies(copies: readonly NewCopy[], linked: Map<string, number>, facts: Map<number, StoryFacts>): Placement {
  const out: Placement = { joined: [], links: [] };
  for (const c of copies) {
    const candidates = [...new Set(c.links.map((l) => linked.get(l)).filter((s): s is number => s !== undefined))].sort((a, b) => a - b);
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
export const ORPHAN_LINKS = `DELETE FROM story_links WHERE NOT EXISTS (SELECT 1 FROM items WHERE items.id = story_links.story_id)
  AND NOT EXISTS (SELECT 1 FROM items WHERE items.story_id = story_links.story_id)`;
