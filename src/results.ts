// What the commands return and output prints: the types both sides name, so that output/ never
// imports a command (type-only; nothing here runs).
import type { Calibration, Evaluation } from './classify/metrics.js';
import type { Explanation } from './classify/explain.js';
import type { FeedResult } from './crawl/recipe.js';
import type { SkipReason } from './model.js';
import type { Correction, MarkKind } from './store/contract.js';

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

/** Marked is what `inkzee mark` did: how many items took the mark (or would have, in a dry run). */
export interface Marked {
  mark: MarkKind;
  items: number;
  dryRun: boolean;
}
