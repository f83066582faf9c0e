// The SQLite engine; its counterpart is ../postgres/ (same file names wherever the job is the same).
// The embedded store: one SQLite file through better-sqlite3, whose calls are synchronous and
// fast (microseconds), so each contract method simply runs them and resolves. A crawl's writes
// (recordFetch, recordFailure) share batched transactions (batch.ts); every other method first
// commits the open batch, so it runs outside any batch, exactly as if writes committed one by one.
import fs from 'node:fs';
import type { Feed, Subscription } from '../../model.js';
import { borrowHost, claimHosts, leasedElsewhere, releaseHosts, renewLeases } from './claims.js';
import { WriteBatch } from './batch.js';
import type { ClaimRequest, FetchRecord, FetchStored, LabelRow, ModelToSave, RunLock, Store, StoreStats } from '../contract.js';
import type { PruneRequest, PruneResult, Reclaimed } from '../contract.js';
import * as classify from './classify.js';
import { openStore, prepared, type Db, type StoreOptions } from './connect.js';
import { editFeed, removeFeeds, setPaused } from './subscriptions.js';
import { addSubscriptions, listFeeds } from './feeds.js';
import { ITEM_COLUMNS, iterateItems, readItem } from './read.js';
import { upsertItems } from './upsert.js';
import { acquireRunLock } from './lock.js';
import { countDue, dueFeeds, moveFeed, recordFailure, recordSuccess } from './outcomes.js';
import { searchItems } from './search.js';
import { pruneItems, reclaimSpace } from './prune.js';
import { mark } from './mark.js';
import { deferHookItems, readSettings, takeHookItems, writeSettings } from './settings.js';
import { dataVersion, feedsById, labelsOf, moveFolder, unreadTotals } from './reader.js';
import { addRule, listRules, removeRule } from './rules.js';
import { parseSearchQuery } from '../shared/search-query.js';
import type { Rule } from '../contract.js';
import type {
  AddResult,
  Correction,
  DueFilter,
  EditResult,
  FeedEdit,
  FeedFilter,
  FeedListing,
  FeedState,
  FetchState,
  ItemFilter,
  RemovedFeed,
  MarkKind,
  MarkResult,
  MarkTarget,
  SearchHit,
  StoredItem,
} from '../contract.js';
import { FEED_STATE_SQL, FOLDER_COUNTS_SQL, feedStateTotals, folderTotals, STARRED_SQL, UNREAD_SQL } from '../shared/rows.js';

/**
 * bothWays hands out better-sqlite3's synchronous row stream as the contract's async one, still
 * readable synchronously by whoever checks (output's forEach): a promise per row costs more than
 * reading the row.
 */
function bothWays<T>(it: IterableIterator<T>): AsyncIterable<T> & Iterable<T> {
  return {
    [Symbol.iterator]: () => it,
    [Symbol.asyncIterator]: async function* () {
      yield* it;
    },
  };
}

/** SqliteStore is the Store of one SQLite file (the embedded default). */
export class SqliteStore implements Store {
  readonly coordination = 'lock' as const;

  private readonly batch: WriteBatch;
  private readonly storeFetch: (feedId: number, r: FetchRecord, now: string) => FetchStored;
  private readonly storeFailure: (feedId: number, s: FetchState, now: string) => void;

  constructor(
    readonly db: Db,
    readonly location: string,
  ) {
    this.batch = new WriteBatch(db, location);
    // Inside the open batch, each feed's write is a savepoint: a write that throws undoes only itself.
    this.storeFetch = db.transaction((feedId: number, r: FetchRecord, now: string): FetchStored => {
      // A feed removed while its fetch was under way (`inkzee remove` beside a crawl): the late result is dropped.
      if (!prepared(db, 'SELECT 1 FROM feeds WHERE id = ?').get(feedId))
        return { added: 0, updated: 0, movedTo: null, mergedInto: null, newIds: [] };
      const move = r.movedTo ? moveFeed(db, feedId, r.movedTo) : { movedTo: null, mergedInto: null };
      // Merged, the items are the joined feed's, counted against what it holds; it keeps its own state.
      const target = move.mergedInto ?? feedId;
      const newIds: number[] = [];
      const counts = r.items ? upsertItems(db, target, r.items, now, r.texts, newIds) : { added: 0, updated: 0 };
      if (move.mergedInto === null) recordSuccess(db, feedId, r.state, now);
      return { ...counts, ...move, newIds };
    });
    this.storeFailure = db.transaction((feedId: number, s: FetchState, now: string) => recordFailure(db, feedId, s, now));
  }

  /** settled commits the open batch of writes, if any, and returns the connection, free for anything else. */
  private settled(): Db {
    this.batch.commit();
    return this.db;
  }

  async close(): Promise<void> {
    this.settled().close();
  }

  async addSubscriptions(subs: readonly Subscription[], now: string): Promise<AddResult> {
    return addSubscriptions(this.settled(), subs, now);
  }
  async listFeeds(filter?: FeedFilter): Promise<FeedListing[]> {
    return listFeeds(this.settled(), filter);
  }
  async removeFeeds(ids: readonly number[]): Promise<RemovedFeed[]> {
    return removeFeeds(this.settled(), ids);
  }
  async editFeed(id: number, e: FeedEdit): Promise<EditResult> {
    return editFeed(this.settled(), id, e);
  }
  async setPaused(ids: readonly number[], paused: boolean, now: string): Promise<number[]> {
    return setPaused(this.settled(), ids, paused, now);
  }
  async dueFeeds(f: DueFilter): Promise<Feed[]> {
    return dueFeeds(this.settled(), f);
  }
  async countDue(f: DueFilter): Promise<number> {
    return countDue(this.settled(), f);
  }

  expectWriters(n: number): void {
    this.batch.expectWriters(n);
  }

  // Resolved once the batch holding the write has committed: what a crawl reports stored is durable.
  recordFetch(feedId: number, r: FetchRecord, now: string): Promise<FetchStored> {
    return this.batch.run(this.storeFetch, feedId, r, now);
  }
  recordFailure(feedId: number, s: FetchState, now: string): Promise<void> {
    return this.batch.run(this.storeFailure, feedId, s, now);
  }

  items(f: ItemFilter): AsyncIterable<StoredItem> {
    return bothWays(iterateItems(this.settled(), f));
  }
  async item(id: number): Promise<StoredItem | undefined> {
    return readItem(this.settled(), `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?`, [id]);
  }
  search(query: string, f: ItemFilter): AsyncIterable<SearchHit> {
    // Parsed now, so that a query with no words fails when called, not when first read.
    return bothWays(searchItems(this.settled(), query, f));
  }

  async mark(kind: MarkKind, target: MarkTarget, o: { now: string; dryRun: boolean }): Promise<MarkResult> {
    return mark(this.settled(), kind, target, o);
  }
  checkQuery(query: string): boolean {
    return parseSearchQuery(query).any.length > 0;
  }
  async addRule(r: Rule): Promise<boolean> {
    return addRule(this.settled(), r);
  }
  async listRules(): Promise<Rule[]> {
    return listRules(this.settled());
  }
  async removeRule(name: string): Promise<boolean> {
    return removeRule(this.settled(), name);
  }

  async unreadTotals(model: string) {
    return unreadTotals(this.settled(), model);
  }
  async labelsOf(model: string, ids: readonly number[]) {
    return labelsOf(this.settled(), model, ids);
  }
  async feedsById(ids: readonly number[]) {
    return feedsById(this.settled(), ids);
  }
  async dataVersion() {
    return dataVersion(this.settled());
  }
  async moveFolder(from: string, to: string | null) {
    return moveFolder(this.settled(), from, to);
  }

  async stats(sinceDay: string): Promise<StoreStats> {
    const db = this.settled();
    const feeds = feedStateTotals(
      db.prepare(`SELECT ${FEED_STATE_SQL} AS state, count(*) AS n FROM feeds GROUP BY state`).all() as { state: FeedState; n: number }[],
    );
    const perDay = db
      .prepare(
        `SELECT substr(sort_at, 1, 10) AS day, count(*) AS items FROM items
        WHERE sort_at >= @since GROUP BY day ORDER BY day DESC`,
      )
      .all({ since: sinceDay }) as StoreStats['items']['perDay'];
    const total = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
    const unread = (db.prepare(`SELECT count(*) AS n FROM items WHERE ${UNREAD_SQL}`).get() as { n: number }).n;
    const starred = (db.prepare(`SELECT count(*) AS n FROM items WHERE ${STARRED_SQL}`).get() as { n: number }).n;
    const folders = folderTotals(db.prepare(FOLDER_COUNTS_SQL).all() as { category: string; items: number; unread: number }[]);
    const topFeeds = db
      .prepare(
        `SELECT f.id, f.title, f.url, count(i.id) AS items FROM feeds f JOIN items i ON i.feed_id = f.id
        GROUP BY f.id ORDER BY items DESC, f.id LIMIT 10`,
      )
      .all() as StoreStats['topFeeds'];
    const size = (p: string) => {
      try {
        return fs.statSync(p).size;
      } catch {
        return 0;
      }
    };
    return {
      feeds,
      items: { total, unread, starred, perDay },
      folders,
      topFeeds,
      database: { path: this.location, bytes: size(this.location) + size(`${this.location}-wal`) },
    };
  }

  async saveModel(m: ModelToSave): Promise<void> {
    classify.saveModel(this.settled(), m);
  }
  async loadModelBlob(name: string) {
    return classify.loadModelBlob(this.settled(), name);
  }
  async listModels() {
    return classify.listModels(this.settled());
  }
  async modelSource(name: string) {
    return classify.modelSource(this.settled(), name);
  }
  async itemForLabel(model: string, id: number) {
    return classify.itemForLabel(this.settled(), model, id);
  }
  async forgetLabels(model: string, ids: readonly number[]) {
    classify.forgetLabels(this.settled(), model, ids);
  }
  async itemsToLabel(model: string, all: boolean, afterId: number, limit: number) {
    return classify.itemsToLabel(this.settled(), model, all, afterId, limit);
  }
  async saveLabels(model: string, labels: readonly LabelRow[], now: string) {
    classify.saveLabels(this.settled(), model, labels, now);
  }
  async tagExamples(minItems: number) {
    return classify.tagExamples(this.settled(), minItems);
  }
  async folderExamples(depth: number) {
    return classify.folderExamples(this.settled(), depth);
  }

  async saveCorrection(c: Omit<Correction, 'title'>) {
    classify.saveCorrection(this.settled(), c);
  }
  async listCorrections(model?: string) {
    return classify.listCorrections(this.settled(), model);
  }
  async countCorrections(model: string) {
    return classify.countCorrections(this.settled(), model);
  }
  async removeCorrection(model: string, itemId: number) {
    return classify.removeCorrection(this.settled(), model, itemId);
  }
  async correctionExamples(model: string, source: string) {
    return classify.correctionExamples(this.settled(), model, source);
  }
  async correctedLabels(model: string, ids: readonly number[]) {
    return classify.correctedLabels(this.settled(), model, ids);
  }

  runLock(wait: boolean): Promise<RunLock> {
    this.settled();
    return acquireRunLock(this.location, wait);
  }
  async claimHosts(c: ClaimRequest): Promise<Feed[]> {
    return claimHosts(this.settled(), c);
  }
  async renewLeases(worker: string, hosts: readonly string[], leaseMs: number) {
    return renewLeases(this.settled(), worker, hosts, leaseMs);
  }
  async releaseHosts(worker: string, hosts: readonly string[]) {
    releaseHosts(this.settled(), worker, hosts);
  }
  async borrowHost(worker: string, host: string, leaseMs: number) {
    return borrowHost(this.settled(), worker, host, leaseMs);
  }
  async leasedElsewhere(f: DueFilter & { worker: string }) {
    return leasedElsewhere(this.settled(), f);
  }

  async prune(r: PruneRequest): Promise<PruneResult> {
    return pruneItems(this.settled(), r);
  }
  async reclaimSpace(): Promise<Reclaimed> {
    return reclaimSpace(this.settled(), this.location);
  }

  async readSettings(): Promise<Record<string, string>> {
    return readSettings(this.settled());
  }
  async writeSettings(values: Readonly<Record<string, string>>): Promise<void> {
    writeSettings(this.settled(), values);
  }
  async deferHookItems(ids: readonly number[]): Promise<void> {
    deferHookItems(this.settled(), ids);
  }
  async takeHookItems(): Promise<number[]> {
    return takeHookItems(this.settled());
  }
}

/** openSqlite opens (creating and migrating) the SQLite store at file. */
export function openSqlite(file: string, o: StoreOptions = {}): SqliteStore {
  return new SqliteStore(openStore(file, o), file);
}
