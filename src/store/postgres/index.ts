// The PostgreSQL engine; its counterpart is ../sqlite/ (same file names wherever the job is the same).
// The shared store: PostgreSQL through a bounded pg pool, for many crawlers and readers on many
// machines. Crawls coordinate by host leases (claims.ts) instead of SQLite's one-run lock; every
// read and write is the SQLite store's, row for row (see the modules each method delegates to).
import type { Feed, Subscription } from '../../model.js';
import type {
  AddResult,
  ClaimRequest,
  Correction,
  DueFilter,
  EditResult,
  FeedEdit,
  FeedFilter,
  FeedListing,
  FetchRecord,
  FetchState,
  FetchStored,
  HostHold,
  ItemFilter,
  LabelRow,
  MarkKind,
  MarkResult,
  MarkTarget,
  ModelToSave,
  PruneRequest,
  PruneResult,
  Reclaimed,
  RemovedFeed,
  Rule,
  RunLock,
  SearchHit,
  Store,
  StoreStats,
  StoredItem,
} from '../contract.js';
import { borrowHost, claimHosts, leasedElsewhere, releaseHosts, renewLeases } from './claims.js';
import * as classify from './classify.js';
import { connectPool, pgFault, type Pg, type PgOptions } from './connect.js';
import { addSubscriptions, countDue, dueFeeds, listFeeds } from './feeds.js';
import { migratePg } from './migrations.js';
import { recordFailure, recordFetch } from './outcomes.js';
import { editFeed, removeFeeds, setPaused } from './subscriptions.js';
import * as read from './read.js';
import { pruneItems, reclaimSpace } from './prune.js';
import { mark } from './mark.js';
import { deferHookItems, readSettings, takeHookItems, writeSettings } from './settings.js';
import { dataVersion, feedsById, labelsOf, moveFolder, unreadTotals } from './reader.js';
import { addRule, listRules, removeRule } from './rules.js';
import { parseSearchQuery } from '../shared/search-query.js';

export type { PgOptions } from './connect.js';

/** PgStore is the Store of one PostgreSQL database. */
export class PgStore implements Store {
  readonly coordination = 'lease' as const;
  readonly location: string;

  constructor(readonly db: Pg) {
    this.location = db.location;
  }

  async close(): Promise<void> {
    await this.db.pool.end().catch(() => {});
  }

  addSubscriptions(subs: readonly Subscription[], now: string): Promise<AddResult> {
    return addSubscriptions(this.db, subs, now);
  }
  listFeeds(filter?: FeedFilter): Promise<FeedListing[]> {
    return listFeeds(this.db, filter);
  }
  removeFeeds(ids: readonly number[]): Promise<RemovedFeed[]> {
    return removeFeeds(this.db, ids);
  }
  editFeed(id: number, e: FeedEdit): Promise<EditResult> {
    return editFeed(this.db, id, e);
  }
  setPaused(ids: readonly number[], paused: boolean, now: string): Promise<number[]> {
    return setPaused(this.db, ids, paused, now);
  }
  dueFeeds(f: DueFilter): Promise<Feed[]> {
    return dueFeeds(this.db, f);
  }
  countDue(f: DueFilter): Promise<number> {
    return countDue(this.db, f);
  }

  recordFetch(feedId: number, r: FetchRecord, now: string): Promise<FetchStored> {
    return recordFetch(this.db, feedId, r, now);
  }
  recordFailure(feedId: number, s: FetchState, now: string): Promise<void> {
    return recordFailure(this.db, feedId, s, now);
  }

  items(f: ItemFilter): AsyncIterable<StoredItem> {
    return read.items(this.db, f);
  }
  item(id: number): Promise<StoredItem | undefined> {
    return read.item(this.db, id);
  }
  search(query: string, f: ItemFilter): AsyncIterable<SearchHit> {
    return read.search(this.db, query, f);
  }
  mark(kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): Promise<MarkResult> {
    return mark(this.db, kind, target, o);
  }
  unreadTotals(model: string) {
    return unreadTotals(this.db, model);
  }
  labelsOf(model: string, ids: readonly number[]) {
    return labelsOf(this.db, model, ids);
  }
  feedsById(ids: readonly number[]) {
    return feedsById(this.db, ids);
  }
  dataVersion(): Promise<string> {
    return dataVersion(this.db);
  }
  moveFolder(from: string, to: string | null) {
    return moveFolder(this.db, from, to);
  }
  checkQuery(query: string): boolean {
    return parseSearchQuery(query).any.length > 0;
  }
  addRule(r: Rule): Promise<boolean> {
    return addRule(this.db, r);
  }
  listRules(): Promise<Rule[]> {
    return listRules(this.db);
  }
  removeRule(name: string): Promise<boolean> {
    return removeRule(this.db, name);
  }
  stats(sinceDay: string): Promise<StoreStats> {
    return read.stats(this.db, sinceDay);
  }

  saveModel(m: ModelToSave): Promise<void> {
    return classify.saveModel(this.db, m);
  }
  loadModelBlob(name: string) {
    return classify.loadModelBlob(this.db, name);
  }
  listModels() {
    return classify.listModels(this.db);
  }
  modelSource(name: string) {
    return classify.modelSource(this.db, name);
  }
  itemForLabel(model: string, id: number) {
    return classify.itemForLabel(this.db, model, id);
  }
  forgetLabels(model: string, ids: readonly number[]) {
    return classify.forgetLabels(this.db, model, ids);
  }
  itemsToLabel(model: string, all: boolean, afterId: number, limit: number) {
    return classify.itemsToLabel(this.db, model, all, afterId, limit);
  }
  saveLabels(model: string, labels: readonly LabelRow[], now: string) {
    return classify.saveLabels(this.db, model, labels, now);
  }
  tagExamples(minItems: number) {
    return classify.tagExamples(this.db, minItems);
  }
  folderExamples(depth: number) {
    return classify.folderExamples(this.db, depth);
  }

  saveCorrection(c: Omit<Correction, 'title'>) {
    return classify.saveCorrection(this.db, c);
  }
  listCorrections(model?: string) {
    return classify.listCorrections(this.db, model);
  }
  countCorrections(model: string) {
    return classify.countCorrections(this.db, model);
  }
  removeCorrection(model: string, itemId: number) {
    return classify.removeCorrection(this.db, model, itemId);
  }
  correctionExamples(model: string, source: string) {
    return classify.correctionExamples(this.db, model, source);
  }
  correctedLabels(model: string, ids: readonly number[]) {
    return classify.correctedLabels(this.db, model, ids);
  }

  /** runLock is a no-op: crawlers of a shared store coordinate by claiming hosts, not by one lock. */
  async runLock(): Promise<RunLock> {
    return { release() {} };
  }
  claimHosts(c: ClaimRequest): Promise<Feed[]> {
    return claimHosts(this.db, c);
  }
  renewLeases(worker: string, hosts: readonly string[], leaseMs: number): Promise<string[]> {
    return renewLeases(this.db, worker, hosts, leaseMs);
  }
  releaseHosts(worker: string, hosts: readonly string[]): Promise<void> {
    return releaseHosts(this.db, worker, hosts);
  }
  borrowHost(worker: string, host: string, leaseMs: number): Promise<boolean> {
    return borrowHost(this.db, worker, host, leaseMs);
  }
  leasedElsewhere(f: DueFilter & { worker: string }): Promise<HostHold[]> {
    return leasedElsewhere(this.db, f);
  }

  prune(r: PruneRequest): Promise<PruneResult> {
    return pruneItems(this.db, r);
  }
  reclaimSpace(): Promise<Reclaimed> {
    return reclaimSpace(this.db);
  }

  readSettings(): Promise<Record<string, string>> {
    return readSettings(this.db);
  }
  writeSettings(values: Readonly<Record<string, string>>): Promise<void> {
    return writeSettings(this.db, values);
  }
  deferHookItems(ids: readonly number[]): Promise<void> {
    return deferHookItems(this.db, ids);
  }
  takeHookItems(): Promise<number[]> {
    return takeHookItems(this.db);
  }
}

/**
 * openPostgres connects to the database a postgres:// URL names and brings its schema up to date;
 * an unreachable server, a refused login, a missing database or a newer schema is a one-line
 * StoreError naming host:port/database (never the password).
 */
export async function openPostgres(url: string, o: PgOptions = {}): Promise<PgStore> {
  const db = connectPool(url, o);
  try {
    await migratePg(db);
  } catch (err) {
    await db.pool.end().catch(() => {});
    throw pgFault(db, err, 'open');
  }
  return new PgStore(db);
}
