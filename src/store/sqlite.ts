// The embedded store: one SQLite file through better-sqlite3, whose calls are synchronous and
// fast (microseconds), so each contract method simply runs them and resolves.
import fs from 'node:fs';
import type { Feed, Subscription } from '../model.js';
import { claimHosts, releaseHosts, renewLeases } from './claims.js';
import type { ClaimRequest, FetchRecord, FetchStored, LabelRow, ModelToSave, RunLock, Store, StoreStats } from './contract.js';
import * as corrections from './corrections.js';
import { openStore, type Db, type StoreOptions } from './db.js';
import { FEED_STATE_SQL, addSubscriptions, feedStateTotals, listFeeds, type AddResult, type FeedFilter, type FeedListing, type FeedState } from './feeds.js';
import { ITEM_COLUMNS, iterateItems, readItem, upsertItems, type ItemFilter, type StoredItem } from './items.js';
import { acquireRunLock } from './lock.js';
import * as models from './models.js';
import { countDue, dueFeeds, moveFeed, recordFailure, recordSuccess, type DueFilter, type FetchState } from './outcomes.js';
import { searchItems, type SearchHit } from './search.js';

/**
 * bothWays hands out better-sqlite3's synchronous row stream as the contract's async one, still
 * readable synchronously by whoever checks (output's forEach): a promise per row costs more than
 * reading the row.
 */
function bothWays<T>(it: IterableIterator<T>): AsyncIterable<T> & Iterable<T> {
  return { [Symbol.iterator]: () => it, [Symbol.asyncIterator]: async function* () { yield* it; } };
}

/** SqliteStore is the Store of one SQLite file (the embedded default). */
export class SqliteStore implements Store {
  readonly coordination = 'lock' as const;

  constructor(readonly db: Db, readonly location: string) {}

  async close(): Promise<void> { this.db.close(); }

  async addSubscriptions(subs: readonly Subscription[], now: string): Promise<AddResult> { return addSubscriptions(this.db, subs, now); }
  async listFeeds(filter?: FeedFilter): Promise<FeedListing[]> { return listFeeds(this.db, filter); }
  async dueFeeds(f: DueFilter): Promise<Feed[]> { return dueFeeds(this.db, f); }
  async countDue(f: DueFilter): Promise<number> { return countDue(this.db, f); }

  async recordFetch(feedId: number, r: FetchRecord, now: string): Promise<FetchStored> {
    const db = this.db;
    return db.transaction(() => {
      const counts = r.items ? upsertItems(db, feedId, r.items, now, r.texts) : { added: 0, updated: 0 };
      const movedTo = r.movedTo && moveFeed(db, feedId, r.movedTo) ? r.movedTo : null;
      recordSuccess(db, feedId, r.state, now);
      return { ...counts, movedTo };
    })();
  }

  async recordFailure(feedId: number, s: FetchState, now: string): Promise<void> { recordFailure(this.db, feedId, s, now); }

  items(f: ItemFilter): AsyncIterable<StoredItem> { return bothWays(iterateItems(this.db, f)); }
  async item(id: number): Promise<StoredItem | undefined> {
    return readItem(this.db, `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?`, [id]);
  }
  search(query: string, f: ItemFilter): AsyncIterable<SearchHit> {
    // Parsed now, so that a query with no words fails when called, not when first read.
    return bothWays(searchItems(this.db, query, f));
  }

  async stats(sinceDay: string): Promise<StoreStats> {
    const db = this.db;
    const feeds = feedStateTotals(db.prepare(`SELECT ${FEED_STATE_SQL} AS state, count(*) AS n FROM feeds GROUP BY state`).all() as { state: FeedState; n: number }[]);
    const perDay = db.prepare(`SELECT substr(sort_at, 1, 10) AS day, count(*) AS items FROM items
        WHERE sort_at >= @since GROUP BY day ORDER BY day DESC`).all({ since: sinceDay }) as StoreStats['items']['perDay'];
    const total = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
    const topFeeds = db.prepare(`SELECT f.id, f.title, f.url, count(i.id) AS items FROM feeds f JOIN items i ON i.feed_id = f.id
        GROUP BY f.id ORDER BY items DESC, f.id LIMIT 10`).all() as StoreStats['topFeeds'];
    const size = (p: string) => { try { return fs.statSync(p).size; } catch { return 0; } };
    return { feeds, items: { total, perDay }, topFeeds, database: { path: this.location, bytes: size(this.location) + size(`${this.location}-wal`) } };
  }

  async saveModel(m: ModelToSave): Promise<void> { models.saveModel(this.db, m); }
  async loadModelBlob(name: string) { return models.loadModelBlob(this.db, name); }
  async listModels() { return models.listModels(this.db); }
  async modelSource(name: string) { return models.modelSource(this.db, name); }
  async itemForLabel(model: string, id: number) { return models.itemForLabel(this.db, model, id); }
  async forgetLabels(model: string, ids: readonly number[]) { models.forgetLabels(this.db, model, ids); }
  async itemsToLabel(model: string, all: boolean, afterId: number, limit: number) { return models.itemsToLabel(this.db, model, all, afterId, limit); }
  async saveLabels(model: string, labels: readonly LabelRow[], now: string) { models.saveLabels(this.db, model, labels, now); }
  async tagExamples(minItems: number) { return models.tagExamples(this.db, minItems); }
  async folderExamples(depth: number) { return models.folderExamples(this.db, depth); }

  async saveCorrection(c: Omit<corrections.Correction, 'title'>) { corrections.saveCorrection(this.db, c); }
  async listCorrections(model?: string) { return corrections.listCorrections(this.db, model); }
  async countCorrections(model: string) { return corrections.countCorrections(this.db, model); }
  async removeCorrection(model: string, itemId: number) { return corrections.removeCorrection(this.db, model, itemId); }
  async correctionExamples(model: string, source: string) { return corrections.correctionExamples(this.db, model, source); }
  async correctedLabels(model: string, ids: readonly number[]) { return corrections.correctedLabels(this.db, model, ids); }

  runLock(wait: boolean): Promise<RunLock> { return acquireRunLock(this.location, wait); }
  async claimHosts(c: ClaimRequest): Promise<Feed[]> { return claimHosts(this.db, c); }
  async renewLeases(worker: string, hosts: readonly string[], leaseMs: number) { return renewLeases(this.db, worker, hosts, leaseMs); }
  async releaseHosts(worker: string, hosts: readonly string[]) { releaseHosts(this.db, worker, hosts); }
}

/** openSqlite opens (creating and migrating) the SQLite store at file. */
export function openSqlite(file: string, o: StoreOptions = {}): SqliteStore {
  return new SqliteStore(openStore(file, o), file);
}
