// What the commands return and output prints: the types both sides name, so that output/ never
// imports a command (type-only; nothing here runs).
import type { Calibration, Evaluation } from './classify/metrics.js';
import type { Explanation } from './classify/explain.js';
import type { FeedResult } from './crawl/recipe.js';
import type { SkipReason } from './model.js';
import type { Correction, MarkKind, PruneResult, Reclaimed, RuleAction } from './store/contract.js';

/** ImportResult is what an import did to the database. */
export interface ImportResult {
  source: string;
  title: string | null;
  /** Subscriptions found in the file (after merging duplicates within it). */
  found: number;
  added: number;
  present: number;
  duplicates: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Ids of the feeds this import added, for the crawl that follows. */
  addedIds: number[];
}

/** FeedRef names a feed in what subscription commands report: its id, URL and the name shown for it. */
export interface FeedRef {
  id: number;
  url: string;
  title: string | null;
}

/**
 * SubscribeResult is what `inkzee add` did with one URL: subscribed it (with the items its first
 * fetch stored), found it subscribed already (by its URL, a former one, or the page's feed), or failed.
 */
export type SubscribeResult =
  | { kind: 'added'; given: string; feed: FeedRef & { category: string; items: number } }
  | { kind: 'present'; given: string; feed: FeedRef }
  | { kind: 'failed'; given: string; error: string };

/** RemoveResult is a feed `inkzee remove` deleted, with how many items went with it. */
export type RemoveResult = FeedRef & { items: number };

/** PauseResult is a feed `inkzee pause` or `resume` was given, and whether that changed it. */
export type PauseResult = FeedRef & { changed: boolean };

/** EditChange is one change `inkzee edit` made. */
export type EditChange = 'title' | 'category' | 'url';

/** CrawlSummary totals a crawl. */
export interface CrawlSummary {
  feeds: number;
  updated: number;
  unchanged: number;
  notModified: number;
  failed: number;
  disabled: number;
  moved: number;
  interrupted: number;
  /** Due feeds left unfetched because other crawlers held their hosts' leases (a shared store). */
  leftToOthers: number;
  /** Claimed feeds given up unstarted because this crawler lost their host's lease (it stalled past it). */
  lostLeases: number;
  newItems: number;
  updatedItems: number;
  seconds: number;
}

/** CrawlListener hears about a crawl as it goes (progress bars, NDJSON events). */
export interface CrawlListener {
  start(total: number): void;
  feed(r: FeedResult): void;
  stop(): void;
}

/** TrainResult describes a trained and stored model. */
export interface TrainResult {
  model: string;
  source: string;
  examples: number;
  /** Corrections (`classify teach`) included, each counting CORRECTION_WEIGHT times. */
  corrections: number;
  perLabel: Record<string, number>;
  seconds: number;
  bytes: number;
}

/** LabelResult counts what `classify` labelled, and the items it was not sure enough to label. */
export interface LabelResult {
  model: string;
  labelled: number;
  byLabel: Record<string, number>;
  /** Items whose best guess fell below --min-confidence: left without a label. */
  unsure: number;
  /** Items that keep the label a user taught (`classify teach`). */
  taught: number;
}

/** EvalResult is an evaluation of a stored model on a labelled file, with its calibration. */
export type EvalResult = Evaluation & { model: string; source: string; calibration: Calibration };

/** ExplainResult is an explanation of one stored item's label. */
export type ExplainResult = Explanation & { model: string; item: number; title: string | null; taught: string | null };

/** TeachResult is a recorded correction and how many the model now holds. */
export interface TeachResult {
  model: string;
  item: number;
  title: string | null;
  label: string;
  was: string | null;
  corrections: number;
}

/** CorrectionsResult lists corrections, or names the one removed. */
export type CorrectionsResult =
  { kind: 'list'; corrections: Correction[] } | { kind: 'removed'; model: string; item: number; label: string; now: string | null };

/** PruneOutcome is what `prune` did: the items (absent for `--vacuum` alone), and the space given back (with --vacuum). */
export interface PruneOutcome {
  /** The cutoff: items first seen before it were pruned (ISO time). */
  before?: string;
  dryRun: boolean;
  pruned?: PruneResult;
  reclaimed?: Reclaimed;
}

/** Marked is what `inkzee mark` did: how many items took the mark (or would have, in a dry run). */
export interface Marked {
  mark: MarkKind;
  items: number;
  dryRun: boolean;
}

/** RuleApplied is what `inkzee rules apply` did with one rule: how many items took its mark (or would, in a dry run). */
export interface RuleApplied {
  name: string;
  action: RuleAction;
  items: number;
  dryRun: boolean;
}
