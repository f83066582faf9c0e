// The store contract: everything the commands and the crawl ask of a database, with two
// implementations behind it (sqlite/, the embedded default, and postgres/, the shared store
// for many machines). Callers hold a Store and never learn which one it is; every method is
// async because a networked database is.
import type { Feed, FeedMeta, Item, Subscription } from '../model.js';

// The types every method names live here, not in either engine: both implement them, and callers
// import them from here alone.

/** AddResult says which subscriptions were new and how many the database already had. */
export interface AddResult {
  added: Feed[];
  present: number;
}

/** RemovedFeed is a feed `removeFeeds` deleted, with how many items went with it. */
export interface RemovedFeed {
  id: number;
  url: string;
  title: string | null;
  items: number;
}

/** FeedEdit is what `inkzee edit` changes on a feed; a field left out stays as it is. */
export interface FeedEdit {
  /** The user's name for the feed; null goes back to the document's own title. */
  title?: string | null;
  /** The folder path, names joined by "/" as `--category` takes it ("" is the top level). */
  category?: string;
  /** A new URL: the old one stays the feed's as a former URL (feed_urls). */
  url?: string;
}

/** EditResult is the edited feed, or the feed that already has the URL asked for (nothing changed), or missing. */
export type EditResult = { feed: Feed } | { takenBy: number } | { missing: true };

/** FeedFilter narrows a feed listing. */
export interface FeedFilter {
  /** A category path: that folder and its subfolders; or several (any of them). */
  category?: string | readonly string[];
  /** Feed id or URL, or several of them (any). */
  feed?: string | readonly string[];
  /** Only feeds whose last fetch failed, or that are disabled. */
  failing?: boolean;
  /**
   * false: leave the item counts out (itemCount and unreadCount are 0), for callers that need only
   * the feeds — counting a feed of 100,000 items costs more than the rest of a reader API page.
   */
  counts?: boolean;
}

/** FeedState is a feed's crawl state as `feeds` and `stats` report it. */
export type FeedState = 'ok' | 'failing' | 'disabled' | 'paused' | 'never';

/** FeedListing is a feed with its state, how many items it has stored and how many of them are unread. */
export type FeedListing = Feed & { state: FeedState; itemCount: number; unreadCount: number };

/** ItemFilter narrows an item listing; every field is optional. */
export interface ItemFilter {
  /** Feed id or URL, or several of them (any). */
  feed?: string | readonly string[];
  /** A folder and its subfolders, or several (any of them). */
  category?: string | readonly string[];
  /** ISO timestamps: items published (or first seen) at or after / before. */
  since?: string;
  until?: string;
  /**
   * ISO timestamps: items first seen (stored) at or after / at or before. The reader API's ot, nt
   * and mark-all-as-read's ts compare with this, as FreshRSS's with its crawl time: a client never
   * touches an item stored after its last look, however old its publication date.
   */
  seenSince?: string;
  seenUntil?: string;
  /**
   * Only items stored after this id; the listing then comes in id order (ascending), so that a
   * pipeline remembering the largest id it saw, page after page, never skips one.
   */
  afterId?: number;
  /** Only these items (by id); ids that name no item match nothing. */
  ids?: readonly number[];
  /**
   * Keyset paging of the sorted listing (the reader API's continuations): newest first, or oldest
   * first, and only the items after a place in that order; each item then carries its sortAt.
   */
  keyset?: { oldestFirst: boolean; after?: ItemCursor };
  label?: string;
  /** With label: only that model's labels count (else any model's). */
  labelModel?: string;
  /** Item categories the item must all carry (case-insensitive, exact). */
  tags?: string[];
  /** Only items with an enclosure: true for any, a top-level type as "audio/", or a full type "audio/mpeg". */
  enclosure?: true | string;
  /** Only unread items (read_at unset); `read` only read ones. Both at once match nothing. */
  unread?: boolean;
  read?: boolean;
  /** Only starred items. */
  starred?: boolean;
  /**
   * Each story once (copies of one post in several feeds, see shared/story-links.ts): its
   * first-stored copy among the items the other filters match, with its other copies in alsoIn.
   */
  unique?: boolean;
  limit?: number;
}

/** ItemCursor is a place in a sorted item listing: the sort time (published, else first seen) and id of the last item seen. */
export interface ItemCursor {
  sortAt: string;
  id: number;
}

/**
 * UnreadTotals are the unread items per feed and per label of one model, each with its newest's
 * first-seen time: a feed's newest is its unread item stored last, a label's the one first seen last.
 */
export interface UnreadTotals {
  feeds: { feedId: number; unread: number; newest: string }[];
  labels: { label: string; unread: number; newest: string }[];
}

/** StoryCopy is another copy of a listed item's story: its item id and feed. */
export interface StoryCopy {
  id: number;
  feedId: number;
  feedTitle: string | null;
}

/** MarkKind is what `inkzee mark` does to items: read and unread set or clear read_at, star and unstar starred_at. */
export type MarkKind = 'read' | 'unread' | 'star' | 'unstar';

/** MarkTarget is what a mark applies to: these item ids, or every item an ItemFilter matches ({} for all). */
export type MarkTarget = { ids: readonly number[] } | { filter: ItemFilter };

/** MarkResult counts the items a mark changed (would change, dry run), or names the first given id that is no item. */
export type MarkResult = { changed: number; unknownId?: undefined } | { changed: 0; unknownId: number };

/** StoreResult counts what storing one feed's items changed. */
export interface StoreResult {
  added: number;
  updated: number;
}

/** SearchText is an item's full-text index entry (itemIndexText: folded terms), when the parse stage already made it. */
export type SearchText = { title: string; body: string };

/** StoredItem is an item as read back, with its feed. */
export interface StoredItem extends Omit<Item, 'key'> {
  id: number;
  /** Present when listing by --label. */
  label?: string;
  /** When the item sorts (ItemCursor.sortAt); present when the filter pages by keyset. */
  sortAt?: string;
  confidence?: number;
  feedId: number;
  feedUrl: string;
  feedTitle: string | null;
  category: string;
  firstSeen: string;
  /** Read state: read since readAt (ISO time), else unread; starred since starredAt. */
  read: boolean;
  readAt: string | null;
  starred: boolean;
  starredAt: string | null;
  /** In a unique listing (ItemFilter.unique): the story's other copies, oldest first ([] for a story of one). */
  alsoIn?: StoryCopy[];
}

/** FetchState is what a crawl learned about a feed, written onto its row. */
export interface FetchState {
  status: number | null;
  etag?: string | null;
  lastModified?: string | null;
  error: string | null;
  nextCheckAt: string | null;
  disabledReason?: string | null;
  title?: string | null;
  siteUrl?: string | null;
  /** What a parsed document says about itself; absent when nothing was parsed (a 304). */
  meta?: FeedMeta;
}

/** DueFilter picks the feeds a refresh should crawl. */
export interface DueFilter {
  /** Only these feeds (in this set). */
  ids?: number[];
  /** Ignore backoff: crawl even if the next check is still to come. */
  force?: boolean;
  /** Crawl disabled feeds too (when the user named them). */
  includeDisabled?: boolean;
  /**
   * Only feeds not fetched since this ISO time: a worker's refresh interval, or the start of a
   * claiming refresh (a successful fetch sets no next check, so the feed would be due again at once).
   */
  checkedBefore?: string;
  now: string;
}

/** StoredModel describes a trained model as listed by `classify models`. */
export interface StoredModel {
  name: string;
  format: number;
  labels: string[];
  trainSize: number;
  source: string;
  createdAt: string;
  bytes: number;
  /** How many corrections (`classify teach`) the model holds. */
  corrections: number;
}

/** TextRow is an item's id and the text a classifier reads. */
export interface TextRow {
  id: number;
  title: string | null;
  summary: string | null;
  content: string | null;
}

/** SNIPPET_OPEN and SNIPPET_CLOSE mark matched words in a SearchHit's snippet. */
export const SNIPPET_OPEN = '\u0002';
export const SNIPPET_CLOSE = '\u0003';

/** SearchHit is a stored item with the snippet that matched (SNIPPET_OPEN/SNIPPET_CLOSE around matched words). */
export type SearchHit = StoredItem & { snippet: string; rank: number };

/** Correction is a label a user gave an item for one model (`classify teach`). */
export interface Correction {
  itemId: number;
  model: string;
  label: string;
  /** What the model said before the correction, if it had labelled the item. */
  was: string | null;
  /** The training source of the model when it was corrected ("folders:depth=1", "labels:news.csv"). */
  source: string;
  createdAt: string;
  title: string | null;
}

/** FetchRecord is what one successful fetch of a feed stores, in one transaction. */
export interface FetchRecord {
  /** The parsed items (absent for a 304 Not Modified). */
  items?: readonly Item[];
  /** Each item's search text, made beside the parse (computed by the store when absent). */
  texts?: readonly SearchText[];
  /** The subscription's new URL (permanent redirect, autodiscovery), if it moved. */
  movedTo: string | null;
  state: FetchState;
}

/**
 * FetchStored counts what storing a fetch changed; movedTo is set only if the move was made, and
 * mergedInto when the new URL was already another subscription's, which this one was merged into.
 */
export interface FetchStored {
  added: number;
  updated: number;
  movedTo: string | null;
  mergedInto: number | null;
  /** The ids of the items this fetch inserted (new to the store), for rules and the hook on new items. */
  newIds: number[];
}

/** RuleAction is what a rule does to the items it matches: mark them read, or star them. */
export type RuleAction = 'read' | 'star';

/**
 * RuleFilter is what a rule matches: the filters of `items` (feed ids, folders, tags, a label,
 * enclosures), a search query and a title pattern (JavaScript syntax, case-insensitive).
 */
export interface RuleFilter {
  feed?: string[];
  category?: string[];
  tags?: string[];
  label?: string;
  enclosure?: true | string;
  search?: string;
  title?: string;
}

/** Rule is a stored rule: its name, action and filter; model is the classifier a --label rule reads labels of. */
export interface Rule {
  name: string;
  action: RuleAction;
  filter: RuleFilter;
  model: string | null;
  createdAt: string;
}

/** StoreStats are the database's totals for `inkzee stats`. */
export interface StoreStats {
  feeds: Record<FeedState, number> & { total: number };
  items: { total: number; unread: number; starred: number; perDay: { day: string; items: number }[] };
  /** Items and unread items per top-level folder ('' for feeds filed in none), by folder name. */
  folders: FolderTotals[];
  topFeeds: { id: number; title: string | null; url: string; items: number }[];
  database: { path: string; bytes: number };
}

/** FolderTotals are one top-level folder's item and unread counts, for `inkzee stats`. */
export interface FolderTotals {
  folder: string;
  items: number;
  unread: number;
}

/** ModelToSave is a trained model as `classify train` stores it. */
export type ModelToSave = Omit<StoredModel, 'bytes' | 'corrections'> & { params: object; blob: Buffer };

/** LabelRow is one label a model gave one item. */
export interface LabelRow {
  id: number;
  label: string;
  confidence: number;
}

/**
 * ClaimRequest asks for due feeds under a lease: whole hosts are claimed (every due feed of a
 * host goes to one crawler), so the per-host limit holds across all crawlers together.
 */
export interface ClaimRequest extends DueFilter {
  /** Who claims: unique per crawler process (host name, pid and a random part). */
  worker: string;
  /** At most this many hosts. */
  maxHosts: number;
  /** How long the lease lasts unless renewed. */
  leaseMs: number;
}

/** HostHold is a host with due feeds under a live lease of another crawler: who, until when, for how many feeds. */
export interface HostHold {
  host: string;
  worker: string;
  /** When the lease ends unless renewed (ISO time, the database's clock). */
  until: string;
  /** How long that is from now, on the database's clock (ms). */
  leftMs: number;
  /** Due feeds of the host. */
  feeds: number;
}

/** RunLock is an exclusive hold on the crawl of a database; release it when done. */
export interface RunLock {
  release(): void;
}

/** PruneRequest says which items `prune` deletes: first seen before a time, never starred or corrected ones. */
export interface PruneRequest {
  /** ISO time: items first seen before it go. */
  before: string;
  /** Keep unread items (read_at not set) too. */
  keepUnread: boolean;
  /** Count what would go, and change nothing. */
  dryRun: boolean;
  /** ISO time recorded with each pruned item's key. */
  now: string;
}

/**
 * PruneResult counts the items prune deleted (or would delete) and, among the others first seen
 * before the cutoff, those it kept, each under its first reason: starred, corrected, unread.
 */
export interface PruneResult {
  items: number;
  /** Feeds that lost at least one item. */
  feeds: number;
  keptStarred: number;
  /** Items with a classifier correction (`classify teach`): a user's training data. */
  keptCorrected: number;
  /** Unread items kept by keepUnread (0 without it). */
  keptUnread: number;
  /** Bytes the database file could give back (SQLite's free pages), or null where the engine reuses them itself (PostgreSQL). */
  freeBytes: number | null;
}

/** Reclaimed is what giving free space back did: the size before and after, of the file (SQLite) or of the item tables (PostgreSQL). */
export interface Reclaimed {
  measured: 'file' | 'tables';
  before: number;
  after: number;
}

/** Store is an open Inkzee database, whichever engine holds it. */
export interface Store {
  /** Where the data lives, for messages: a file path, or a URL without its password. */
  readonly location: string;
  /**
   * How crawls of this store coordinate: 'lock' — one crawl at a time, a second one exits 75
   * (or waits); 'lease' — any number of crawlers claim hosts under expiring leases.
   */
  readonly coordination: 'lock' | 'lease';
  /** close releases the connection(s); the store is unusable afterwards. */
  close(): Promise<void>;

  /** addSubscriptions stores the subscriptions not stored yet, in one transaction; a known URL is left as it is. */
  addSubscriptions(subs: readonly Subscription[], now: string): Promise<AddResult>;
  /** removeFeeds deletes feeds with their items (search rows, labels, corrections, URLs, pruned keys), in one transaction; ids not stored are skipped. */
  removeFeeds(ids: readonly number[]): Promise<RemovedFeed[]>;
  /** editFeed renames, moves or re-points a feed, in one transaction; a URL another feed has or had is refused. */
  editFeed(id: number, e: FeedEdit): Promise<EditResult>;
  /**
   * setPaused pauses feeds (never fetched until resumed) or resumes them: due at once, a feed
   * disabled by a 410 enabled again; it returns the ids it changed (a paused feed paused again is not).
   */
  setPaused(ids: readonly number[], paused: boolean, now: string): Promise<number[]>;
  /** listFeeds lists feeds with state and item count, by category then title. */
  listFeeds(filter?: FeedFilter): Promise<FeedListing[]>;
  /** dueFeeds lists feeds to crawl, in subscription order. */
  dueFeeds(f: DueFilter): Promise<Feed[]>;
  /** countDue counts the feeds dueFeeds would list. */
  countDue(f: DueFilter): Promise<number>;

  /**
   * expectWriters tells the store how many of a crawl's writes may wait at once (its concurrency),
   * so a store that batches writes commits by then rather than hold them all for a timer. Optional.
   */
  expectWriters?(n: number): void;
  /** recordFetch stores a fetched feed's items, its move and its new state, in one transaction. */
  recordFetch(feedId: number, r: FetchRecord, now: string): Promise<FetchStored>;
  /** recordFailure extends the feed's error streak and keeps its validators. */
  recordFailure(feedId: number, s: FetchState, now: string): Promise<void>;

  /** items streams items newest first (by publication, else first seen), in constant memory. */
  items(f: ItemFilter): AsyncIterable<StoredItem>;
  /** item reads one item by id. */
  item(id: number): Promise<StoredItem | undefined>;
  /** search streams items matching a query (words, word*, OR, "phrases"), best first. */
  search(query: string, f: ItemFilter): AsyncIterable<SearchHit>;
  /**
   * mark sets or clears items' read or starred state in one transaction and one set-based UPDATE
   * (never read-modify-write), changing only items not in that state already; with dryRun it only
   * counts. Every other copy of a marked item's story is marked too, and counted. Ids that name no
   * item change nothing: the first such id is returned.
   */
  mark(kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): Promise<MarkResult>;
  /** unreadTotals counts unread items per feed and per label of a model (labels of no unread item left out), with each one's newest. */
  unreadTotals(model: string): Promise<UnreadTotals>;
  /** labelsOf maps the given item ids to the label a model gave each (ids it has not labelled left out). */
  labelsOf(model: string, ids: readonly number[]): Promise<Map<number, string>>;
  /** feedsById reads the feeds of the given ids (unknown ids left out, in no order), without state or counts: a page of items' origins. */
  feedsById(ids: readonly number[]): Promise<Feed[]>;
  /**
   * dataVersion is a token of the committed data: it changes whenever a write commits, from this
   * connection or any other of any process, so an answer read after a token is still current while
   * the token reads the same (the reader API's answer cache). It may change without a write.
   */
  dataVersion(): Promise<string>;
  /**
   * moveFolder renames a folder to another path (its subfolders going with it), or dissolves it (to
   * null: its feeds go to the folder above, its subfolders up one level), in one transaction; it
   * returns how many feeds moved. Folders are compared as `--category` compares them.
   */
  moveFolder(from: string, to: string | null): Promise<number>;
  /** checkQuery refuses a search query `search` would refuse (UsageError), without running it; false when it has no word to match (`(`, `*`). */
  checkQuery(query: string): boolean;
  /** addRule stores a rule, in one transaction; false (nothing stored) when its name is taken. */
  addRule(r: Rule): Promise<boolean>;
  /** listRules lists the rules by name. */
  listRules(): Promise<Rule[]>;
  /** removeRule deletes a rule and says whether there was one. */
  removeRule(name: string): Promise<boolean>;
  /** stats counts feeds by state, items per day since a day (YYYY-MM-DD), and the biggest feeds. */
  stats(sinceDay: string): Promise<StoreStats>;

  /** saveModel stores a model under its name, replacing one of that name and its labels. */
  saveModel(m: ModelToSave): Promise<void>;
  /** loadModelBlob returns a model's serialized form, if the model exists. */
  loadModelBlob(name: string): Promise<Buffer | undefined>;
  /** listModels lists the models, newest first, with their correction counts. */
  listModels(): Promise<StoredModel[]>;
  /** modelSource is a model's training source ("folders:depth=1"), if the model exists. */
  modelSource(name: string): Promise<string | undefined>;
  /** itemForLabel reads one item's text and the label this model gave it. */
  itemForLabel(model: string, id: number): Promise<(TextRow & { label: string | null; confidence: number | null }) | undefined>;
  /** forgetLabels drops a model's labels of these items. */
  forgetLabels(model: string, ids: readonly number[]): Promise<void>;
  /** itemsToLabel lists items after an id the model has not labelled (or all), in id order. */
  itemsToLabel(model: string, all: boolean, afterId: number, limit: number): Promise<TextRow[]>;
  /** saveLabels records labels, replacing a model's earlier ones for those items. */
  saveLabels(model: string, labels: readonly LabelRow[], now: string): Promise<void>;
  /** tagExamples lists items with their most widely used tag (used by ≥ minItems items) as training examples. */
  tagExamples(minItems: number): Promise<(TextRow & { category: string })[]>;
  /** folderExamples lists items of filed feeds with their folder cut to a depth. */
  folderExamples(depth: number): Promise<(TextRow & { category: string })[]>;

  /** saveCorrection records a correction and labels the item so at once. */
  saveCorrection(c: Omit<Correction, 'title'>): Promise<void>;
  /** listCorrections lists corrections, of one model or all, oldest first. */
  listCorrections(model?: string): Promise<Correction[]>;
  /** countCorrections counts a model's corrections. */
  countCorrections(model: string): Promise<number>;
  /** removeCorrection forgets a correction and says whether there was one. */
  removeCorrection(model: string, itemId: number): Promise<boolean>;
  /** correctionExamples are a model's corrections against one source, with the items' text. */
  correctionExamples(model: string, source: string): Promise<(TextRow & { label: string })[]>;
  /** correctedLabels maps the given item ids to the label a user gave them for this model. */
  correctedLabels(model: string, ids: readonly number[]): Promise<Map<number, string>>;

  /** runLock takes the exclusive crawl lock of a 'lock' store (waiting, or LockedError); a no-op for 'lease'. */
  runLock(wait: boolean): Promise<RunLock>;
  /** claimHosts leases whole hosts with due feeds (no live lease held by another) and returns their due feeds. */
  claimHosts(c: ClaimRequest): Promise<Feed[]>;
  /** renewLeases extends this worker's leases on hosts; it returns the hosts still held. */
  renewLeases(worker: string, hosts: readonly string[], leaseMs: number): Promise<string[]>;
  /** releaseHosts ends this worker's leases on hosts. */
  releaseHosts(worker: string, hosts: readonly string[]): Promise<void>;
  /**
   * borrowHost leases one host for a request that leads there (a redirect target, a discovered
   * feed) unless another crawler holds a live lease on it; true if this worker holds it now.
   */
  borrowHost(worker: string, host: string, leaseMs: number): Promise<boolean>;
  /** leasedElsewhere lists the hosts with feeds due under f that another crawler than `worker` holds a live lease on, soonest free first. */
  leasedElsewhere(f: DueFilter & { worker: string }): Promise<HostHold[]>;

  /**
   * prune deletes the items a PruneRequest names and remembers each one's key for its feed, in one
   * transaction, so that a feed still listing an item does not bring it back as new.
   */
  prune(r: PruneRequest): Promise<PruneResult>;
  /** reclaimSpace gives free space back: SQLite rewrites its file (VACUUM), PostgreSQL vacuums the item tables. */
  reclaimSpace(): Promise<Reclaimed>;

  /** readSettings returns the settings kept in the database (the reader API's user, password hash, token secret). */
  readSettings(): Promise<Record<string, string>>;
  /** writeSettings stores settings, replacing those keys' old values, in one transaction. */
  writeSettings(values: Readonly<Record<string, string>>): Promise<void>;
  /** deferHookItems keeps new items no hook was given (an interrupted crawl's) for the next crawl that runs one. */
  deferHookItems(ids: readonly number[]): Promise<void>;
  /** takeHookItems returns the items deferHookItems kept, in id order, and forgets them, at once (each is taken by one crawl). */
  takeHookItems(): Promise<number[]>;
}
