// The reader API's answer cache: the text of a read (a page of a stream) kept for as long as the
// store's data version (Store.dataVersion) reads the same, so repeated reads of an unchanged store
// cost one version check instead of their queries. The version is read before the answer is
// computed, so a kept answer is never older than the version it is kept under; any commit, a mark
// of this server or another process's crawl, changes the version and empties the cache.
import type { Store } from '../store/contract.js';

/** Answer is what the cache keeps: text, or bytes ready to send. */
export type Answer = string | Buffer;

/** CacheLimits bound what the cache holds: entries and the bytes of their text. */
export interface CacheLimits {
  entries: number;
  bytes: number;
}

/** CACHE_LIMITS are the defaults: a page of 1,000 items of sanitized HTML is a few MB at most, and serve must stay under 150 MB. */
export const CACHE_LIMITS: CacheLimits = { entries: 256, bytes: 16 << 20 };

/**
 * AnswerCache keeps answers by key under one data version. Answers being computed are shared: the
 * requests that ask for the same key under the same version wait for one computation (which
 * started after they read the version, so it is as current as they need).
 */
export class AnswerCache {
  private version: string | undefined;
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  private readonly answers = new Map<string, Promise<Answer>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  // The version read in flight, and the one to read after it (see readVersion).
  private reading: Promise<string> | undefined;
  private nextRead: Promise<string> | undefined;

  constructor(
    private readonly store: Pick<Store, 'dataVersion'>,
    private readonly limits: CacheLimits = CACHE_LIMITS,
  ) {}

  /** get returns the answer kept for key if the data has not changed since it was computed, else computes and keeps it. */
  async get<T extends Answer>(key: string, compute: () => Promise<T>): Promise<T> {
    const version = await this.readVersion();
    if (version !== this.version) this.reset(version);
    const kept = this.answers.get(key);
    if (kept) {
      this.answers.delete(key);
      this.answers.set(key, kept);
      return kept as Promise<T>;
    }
    const answer = compute();
    this.answers.set(key, answer);
    answer.then(
      (text) => this.settled(key, answer, text),
      () => this.forget(key, answer), // a refusal (404, a lost connection) is never kept: the next request tries again
    );
    return answer;
  }

  /** size is how many answers are kept (computed or being computed). */
  get size(): number {
    return this.answers.size;
  }

  /**
   * readVersion reads the data version once for every request waiting: a request joins a read
   * sent after it arrived, never one already under way (that one may predate a commit the client
   * saw answered before it sent this request), so with one read in flight the others wait for the
   * next, which starts as soon as it ends: one query per round trip, however many requests.
   */
  private readVersion(): Promise<string> {
    if (!this.reading) {
      const read = this.store.dataVersion();
      this.reading = read;
      const clear = () => {
        if (this.reading === read) this.reading = undefined;
      };
      read.then(clear, clear);
      return read;
    }
    this.nextRead ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextRead = undefined;
        return this.readVersion();
      });
    return this.nextRead;
  }

  private reset(version: string): void {
    this.version = version;
    this.answers.clear();
    this.sizes.clear();
    this.bytes = 0;
  }

  private settled(key: string, answer: Promise<Answer>, text: Answer): void {
    // Emptied (a newer version) or evicted since: nothing to account for.
    if (this.answers.get(key) !== answer) return;
    const size = typeof text === 'string' ? text.length * 2 : text.length; // a string is UTF-16 in memory
    if (size > this.limits.bytes) return this.forget(key, answer);
    this.sizes.set(key, size);
    this.bytes += size;
    for (const old of this.answers.keys()) {
      if (this.bytes <= this.limits.bytes && this.answers.size <= this.limits.entries) break;
      if (old === key) continue;
      this.drop(old);
    }
  }

  private forget(key: string, answer: Promise<Answer>): void {
    if (this.answers.get(key) === answer) this.drop(key);
  }

  private drop(key: string): void {
    this.answers.delete(key);
    this.bytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }
}
