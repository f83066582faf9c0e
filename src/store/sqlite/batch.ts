// A crawl's writes grouped into few transactions. Each COMMIT flushes FTS5's pending terms into a
// new segment and writes every touched b-tree page to the WAL: storing 2,000 farm feeds one
// transaction each spent 1.7–1.8 CPU-s in COMMIT, in batches of 16 0.75–0.85 s, of 64 0.5 s
// (the upserts themselves 1.6–2.0 s either way). Each feed still runs in its own SAVEPOINT, and is
// reported stored only once the COMMIT that holds it has returned: a kill -9 loses only feeds
// nobody was told about, whose validators were not saved either, so the next run fetches them again.
import type Database from 'better-sqlite3';
import { storeFault } from '../../errors.js';
import type { Db } from './connect.js';

/**
 * BATCH_MS bounds how long a write waits for its COMMIT. A crawl's feed holds no network slot
 * while it waits (the pool frees that once the fetch is done), so waiting costs little wall time;
 * the last feed of a run waits at most this long. CPU-bound imports on a busy 2-core machine
 * committed 5–8 feeds a batch at 50 ms; 100 ms cost 1–3 % less CPU over three runs of 3,000 feeds.
 */
export const BATCH_MS = 100;

/**
 * BATCH_WRITES commits early once this many writes wait: the default concurrency. The pool keeps
 * at most twice its concurrency under way, so with this many waiting it can still fill every
 * network slot; a larger batch saves a little more COMMIT time (see above) but could leave the
 * network idle until the timer.
 */
export const BATCH_WRITES = 16;

/** BatchLimits say when an open batch commits: after `ms`, or once `writes` wait, whichever first. */
export interface BatchLimits {
  ms: number;
  writes: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * WriteBatch runs writes inside one open transaction (BEGIN IMMEDIATE at the first write), each
 * write in its own savepoint, and commits after `ms` or `writes` writes. A write's promise settles
 * once its COMMIT did: resolved, or rejected (with every other write of the batch) by a StoreError
 * if the COMMIT failed and the batch was rolled back.
 */
export class WriteBatch {
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private open = false;
  private readonly begin: Database.Statement;
  private readonly end: Database.Statement;
  private readonly rollback: Database.Statement;

  private readonly limits: BatchLimits;
  private readonly maxWrites: number;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    limits: BatchLimits = { ms: BATCH_MS, writes: BATCH_WRITES },
  ) {
    this.limits = { ...limits };
    this.maxWrites = limits.writes;
    // IMMEDIATE: the write lock is taken at once, waiting through the busy timeout (see connect.ts beginImmediate).
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.end = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /**
   * expectWriters lowers the batch to `n` writes when a crawl can have no more than that waiting
   * (its concurrency, below the batch's own limit): else its feeds would all wait for the timer, the network idle.
   */
  expectWriters(n: number): void {
    this.limits.writes = Math.max(1, Math.min(this.maxWrites, Math.floor(n)));
  }

  /** pending is how many writes wait for the open batch's COMMIT. */
  get pending(): number {
    return this.waiting.length;
  }

  /**
   * run calls write (a db.transaction function: inside the batch it runs as a savepoint) in the
   * open batch, opening one if none is. If write throws, only its own savepoint is rolled back and
   * only its promise rejects; if SQLite rolled back the whole transaction instead (a full disk, an
   * I/O error), every write of the batch rejects.
   */
  run<A extends unknown[], R>(write: (...args: A) => R, ...args: A): Promise<R> {
    if (!this.open) {
      try {
        this.begin.run();
      } catch (err) {
        return Promise.reject(storeFault(this.file, err, 'write') ?? err);
      }
      this.open = true;
      // Not unref'd: the process must not exit with writes that were never committed.
      this.timer = setTimeout(() => this.commit(), this.limits.ms);
    }
    let value: R;
    try {
      value = write(...args);
    } catch (err) {
      if (!this.db.inTransaction) {
        const fault = storeFault(this.file, err, 'write') ?? err;
        this.settle(fault);
        return Promise.reject(fault);
      }
      // A constraint or a bad value is a bug and keeps its stack; a fault of the file is the store's to name.
      return Promise.reject(storeFault(this.file, err) ?? err);
    }
    const done = new Promise<R>((resolve, reject) => this.waiting.push({ resolve: () => resolve(value), reject }));
    if (this.waiting.length >= this.limits.writes) this.commit();
    return done;
  }

  /**
   * commit ends the open batch, if one is, at once: every other store method calls it first, so
   * nothing else ever runs inside a batch. It never throws: a failed COMMIT rolls the batch back
   * and rejects its writes.
   */
  commit(): void {
    if (!this.open) return;
    let failure: unknown = null;
    try {
      this.end.run();
    } catch (err) {
      failure = storeFault(this.file, err, 'write') ?? err;
      // A COMMIT that failed may leave the transaction open (SQLITE_BUSY, SQLITE_FULL): end it.
      if (this.db.inTransaction)
        try {
          this.rollback.run();
        } catch {
          /* rolled back already */
        }
    }
    this.settle(failure);
  }

  /** settle closes the batch and resolves its writes, or rejects them all with failure. */
  private settle(failure: unknown): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting)
      if (failure === null) w.resolve();
      else w.reject(failure);
  }
}
