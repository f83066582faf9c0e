// The reader API's answer cache: the text of a read (a page of a stream) kept for as long as the
// store's data version (Store.dataVersion) reads the same, so repeated reads of an unchanged store
// cost one version check instead of their queries. The version is read before the answer is
// computed, so a kept answer is never older than the version it is kept under; any commit, a mark
// of this server or another process's crawl, changes the version and empties the cache.
import type { Store } from '../store/contract.js';

/** CacheLimits bound what the cache holds: entries and the bytes of their text. */
export interface CacheLimits {
  entries: number;
  bytes: number;
}

/** CACHE_LIMITS are the defaults: a page of 1,000 items of sanitized HTML is a few MB at most. */
export const CACHE_LIMITS: CacheLimits = { entries: 256, bytes: 32 << 20 };

/**
 * AnswerCache keeps answers by key under one data version. Answers being computed are shared: the
 * requests that ask for the same key under the same version wait for one computation (which
 * started after they read the version, so it is as current as they need).
 */
export class AnswerCache {
  private version: string | undefined;
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  private readonly answers = new Map<string, Promise<string>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly store: Pick<Store, 'dataVersion'>,
    private readonly limits: CacheLimits = CACHE_LIMITS,
  ) {}

  /** get returns the answer kept for key if the data has not changed since it was computed, else computes and keeps it. */
  async get(key: string, compute: () => Promise<string>): Promise<string> {
    const version = await this.store.dataVersion();
    if (version !== this.version) this.reset(version);
    const kept = this.answers.get(key);
    if (kept) {
      this.answers.delete(key);
      this.answers.set(key, kept);
      return kept;
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

  private reset(version: string): void {
    this.version = version;
    this.answers.clear();
    this.sizes.clear();
    this.bytes = 0;
  }

  private settled(key: string, answer: Promise<string>, text: string): void {
    // Emptied (a newer version) or evicted since: nothing to account for.
    if (this.answers.get(key) !== answer) return;
    const size = text.length * 2; // UTF-16 in memory, roughly
    if (size > this.limits.bytes) return this.forget(key, answer);
    this.sizes.set(key, size);
    this.bytes += size;
    for (const old of this.answers.keys()) {
      if (this.bytes <= this.limits.bytes && this.answers.size <= this.limits.entries) break;
      if (old === key) continue;
      this.drop(old);
    }
  }

  private forget(key: string, answer: Promise<string>): void {
    if (this.answers.get(key) === answer) this.drop(key);
  }

  private drop(key: string): void {
    this.answers.delete(key);
    this.bytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }
}
