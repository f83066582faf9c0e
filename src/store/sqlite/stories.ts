// Stories on SQLite (../postgres/stories.ts is the counterpart): new items join the story their
// links name, as they are stored (../shared/stories.ts decides which), and each listed first copy
// is told where its other copies are.
import type { Item } from '../../model.js';
import type Database from 'better-sqlite3';
import { AMBIGUOUS, placeCopies, type NewCopy, type StoryFacts } from '../shared/stories.js';
import { storyLinks } from '../shared/story-links.js';

type Db = Database.Database;
// Statements prepared once per connection. Not connect.ts's cache: the migration that adds
// stories runs this file from inside connect.ts's migrations, and the import would go in a circle.
const cache = new WeakMap<Db, Map<string, Database.Statement>>();
function prepared(db: Db, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

const PROBE = 'SELECT story_id FROM story_links WHERE link = ?';
const FACTS = 'SELECT feed_id, read_at, starred_at FROM items WHERE id = ? OR story_id = ?';
const JOIN = 'UPDATE items SET story_id = ? WHERE id = ?';
// A copy arriving in a story already read (starred) arrives read (starred), since the story's time.
const JOIN_STATE = 'UPDATE items SET story_id = ?, read_at = coalesce(read_at, ?), starred_at = coalesce(starred_at, ?) WHERE id = ?';
const FIRST = 'UPDATE items SET story_id = id WHERE id = ? AND story_id IS NULL';
const LINK = 'INSERT INTO story_links (link, story_id) VALUES (?, ?) ON CONFLICT (link) DO NOTHING';
const NO_STORY = `INSERT INTO story_links (link, story_id) VALUES (?, ${AMBIGUOUS}) ON CONFLICT (link) DO UPDATE SET story_id = ${AMBIGUOUS}`;

/**
 * placeStories files items just inserted into stories, inside the caller's transaction: one
 * primary-key probe per link, the facts of each story found, then the joins and the new links.
 * `inherit`: a copy joining a read (starred) story becomes read (starred); off for the one-time
 * pass over items stored before stories existed, which leaves their state as the user left it.
 */
export function placeStories(db: Db, copies: readonly NewCopy[], inherit: boolean): void {
  if (copies.length === 0) return;
  const probe = prepared(db, PROBE);
  const linked = new Map<string, number>();
  for (const c of copies)
    for (const l of c.links)
      if (!linked.has(l)) {
        const row = probe.get(l) as { story_id: number } | undefined;
        if (row) linked.set(l, row.story_id);
      }
  const facts = new Map<number, StoryFacts>();
  const factsOf = prepared(db, FACTS);
  for (const s of new Set(linked.values())) {
    if (s === AMBIGUOUS) continue;
    const f: StoryFacts = { feeds: new Set(), readAt: null, starredAt: null };
    for (const r of factsOf.all(s, s) as { feed_id: number; read_at: string | null; starred_at: string | null }[]) {
      f.feeds.add(r.feed_id);
      if (r.read_at !== null && (f.readAt === null || r.read_at < f.readAt)) f.readAt = r.read_at;
      if (r.starred_at !== null && (f.starredAt === null || r.starred_at < f.starredAt)) f.starredAt = r.starred_at;
    }
    facts.set(s, f);
  }
  const placed = placeCopies(copies, linked, facts);
  const join = prepared(db, JOIN),
    joinState = prepared(db, JOIN_STATE),
    first = prepared(db, FIRST),
    link = prepared(db, LINK);
  for (const j of placed.joined) {
    // Writing read_at or starred_at, even unchanged, updates the read-state indexes: only when there is state to take.
    if (inherit && (j.readAt !== null || j.starredAt !== null)) joinState.run(j.storyId, j.readAt, j.starredAt, j.id);
    else join.run(j.storyId, j.id);
    first.run(j.storyId);
  }
  for (const [l, s] of placed.links) link.run(l, s);
  if (placed.ambiguous.length) {
    const none = prepared(db, NO_STORY);
    for (const l of placed.ambiguous) none.run(l);
  }
}

/** newCopy is an inserted item's NewCopy. */
export function newCopy(id: number, feedId: number, it: Pick<Item, 'guid' | 'link' | 'origLink'>): NewCopy {
  return { id, feedId, links: storyLinks(it) };
}

const BATCH = 2000;

/**
 * linkStoredItems files the items stored before stories existed, oldest first, as if each had
 * just been stored (read state left alone): run once by the migration that adds stories.
 */
export function linkStoredItems(db: Db): void {
  const batch = db.prepare('SELECT id, feed_id AS feedId, guid, link FROM items WHERE id > ? ORDER BY id LIMIT ?');
  type Row = { id: number; feedId: number; guid: string | null; link: string | null };
  // In batches: better-sqlite3 cannot write while an iterator is open on the same connection.
  for (let rows = batch.all(0, BATCH) as Row[]; rows.length; rows = batch.all(rows.at(-1)!.id, BATCH) as Row[])
    placeStories(
      db,
      rows.map((r) => newCopy(r.id, r.feedId, r)),
      false,
    );
}

/**
 * ALSO_IN is a listed item's other copies (id, feedId, feedTitle; oldest first) as a JSON array
 * column over items i: `[]` for a story of one, whose story_id is NULL and so equals nothing.
 */
export const ALSO_IN = `(SELECT json_group_array(json_object('id', c.id, 'feedId', c.feed_id, 'feedTitle', c.title))
  FROM (SELECT c.id, c.feed_id, cf.title FROM items c JOIN feeds cf ON cf.id = c.feed_id
        WHERE c.story_id = i.story_id AND c.id <> i.id ORDER BY c.id) c) AS alsoIn`;
