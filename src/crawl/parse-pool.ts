// A small pool of worker threads for the CPU-bound half of the recipe (decode → parse →
// normalize → sanitize), so that with the network no longer the limit a crawl uses every core:
// the crawl's thread keeps HTTP and SQLite, the workers parse.
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseBody, type ParseJob, type ParsedBody } from './parse-job.js';
import type { WorkerJob } from './parse-worker.js';
import { shownValue, UsageError } from '../errors.js';

/** ParsePoolOptions size the pool; `workerFile` replaces the compiled worker (tests). */
export interface ParsePoolOptions {
  /** Worker threads at most; 0 parses on the calling thread. */
  threads: number;
  /**
   * Parse on the calling thread until its event loop is busier than this share of the time
   * (0–1) for three one-second windows in a row, then in workers; 0 uses workers from the first body.
   */
  busyAbove?: number;
  workerFile?: string | URL;
}

// The compiled worker beside this file. Run from TypeScript sources (vitest) it does not exist,
// and the pool parses inline.
const COMPILED_WORKER = fileURLToPath(new URL('./parse-worker.js', import.meta.url));

const INLINE_BELOW = 4;
// The most parse threads INKZEE_PARSE_THREADS may ask for: more than any machine's cores gain.
const MAX_THREADS = 64;
const YOUNG_GENERATION_MB = 4;
const BUSY_ABOVE = 0.9;
const WINDOW_MS = 1000;
const BUSY_WINDOWS = 3;

/**
 * parsePoolFor sizes the pool for a crawl of `feeds` feeds: up to one worker per core (the
 * crawl's own thread mostly waits on I/O), started only once that thread is busy parsing, since a
 * worker costs a parser load and a cold JIT of its own; none for a handful of feeds.
 * INKZEE_PARSE_THREADS=n forces n workers from the start (0: parse on the crawl's thread).
 */
export function parsePoolFor(feeds: number, env: NodeJS.ProcessEnv = process.env): ParsePoolOptions {
  const forced = env.INKZEE_PARSE_THREADS;
  if (forced) {
    // Digits only, and few: Number() took '1e3' as a thousand worker threads, each a parser load.
    if (!/^\d+$/.test(forced) || Number(forced) > MAX_THREADS)
      throw new UsageError(`INKZEE_PARSE_THREADS ${shownValue(forced)}: must be a whole number from 0 to ${MAX_THREADS}`);
    return { threads: Number(forced), busyAbove: 0 };
  }
  return { threads: feeds < INLINE_BELOW ? 0 : os.availableParallelism(), busyAbove: BUSY_ABOVE };
}

interface Pending {
  job: ParseJob;
  resolve: (r: ParsedBody) => void;
  reject: (err: Error) => void;
}

/** A worker and the job it is parsing, if any. */
interface Slot {
  worker: Worker;
  busy: Pending | null;
  /** Why it died, once it has (an uncaught error's message). */
  error: string | null;
  /** Whether it has answered a job yet (it has loaded the parser). */
  answered: boolean;
}

/**
 * wholeBuffer gives the body's bytes as an ArrayBuffer that can be transferred: the Buffer's own
 * when it spans all of it (a fetched body usually does), else a copy (a small body from Node's
 * shared allocation pool, which must not be taken away from the buffers sharing it).
 */
function wholeBuffer(b: Uint8Array): ArrayBuffer {
  if (b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b.buffer;
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return copy;
}

/**
 * ParsePool parses fetched bodies in up to `threads` worker threads, one job per worker at a
 * time, in arrival order. Workers start on demand and are reused; an idle worker does not keep
 * the process alive, and close() ends them all. Each body is transferred to its worker (the
 * caller's Buffer is emptied, not copied) and the result comes back as plain records. A worker
 * that dies (a crash, running out of memory) fails only the feed it was parsing, with
 * "worker crashed …", and is replaced for the next job.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly file: string | URL | null;
  private readonly threads: number;
  private readonly busyAbove: number;
  private inWorkers: boolean;
  private window = { start: performance.now(), elu: performance.eventLoopUtilization() };
  private busyWindows = 0;
  private nextId = 0;
  private closed = false;

  constructor(o: ParsePoolOptions) {
    this.file = o.workerFile ?? (fs.existsSync(COMPILED_WORKER) ? COMPILED_WORKER : null);
    this.threads = this.file ? Math.max(0, Math.floor(o.threads)) : 0;
    this.busyAbove = o.busyAbove ?? 0;
    this.inWorkers = this.busyAbove <= 0;
  }

  /** parse resolves with what the body is; it rejects only for a bug in the parser. */
  parse(job: ParseJob): Promise<ParsedBody> {
    if (this.threads === 0 || this.closed || !this.saturated()) {
      try {
        return Promise.resolve(parseBody(job));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  /** close ends every worker; jobs still queued are parsed inline. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const p of this.queue.splice(0)) this.parse(p.job).then(p.resolve, p.reject);
  }

  /**
   * saturated tells (and remembers) whether this thread has been too busy to parse as well: over
   * BUSY_WINDOWS windows in a row, not a burst (the first responses of a crawl arrive together).
   */
  private saturated(): boolean {
    if (this.inWorkers) return true;
    const now = performance.now();
    if (now - this.window.start < WINDOW_MS) return false;
    const busy = performance.eventLoopUtilization(this.window.elu).utilization;
    this.window = { start: now, elu: performance.eventLoopUtilization() };
    this.busyWindows = busy > this.busyAbove ? this.busyWindows + 1 : 0;
    return (this.inWorkers = this.busyWindows >= BUSY_WINDOWS);
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.busy);
      // One worker starts at a time: a starting worker holds a descriptor open for each module it
      // reads, and two starting at once, beside a full pool of sockets, passed C + 48 descriptors.
      if (!slot && this.slots.length < this.threads && this.slots.every((s) => s.answered)) slot = this.spawn();
      if (!slot) return;
      this.send(slot, this.queue.shift()!);
    }
  }

  private send(slot: Slot, p: Pending): void {
    slot.busy = p;
    slot.worker.ref();
    const body = wholeBuffer(p.job.body);
    const msg: WorkerJob = {
      id: this.nextId++,
      body,
      url: p.job.url,
      contentType: p.job.contentType,
      contentLocation: p.job.contentLocation,
      contentLanguage: p.job.contentLanguage,
    };
    slot.worker.postMessage(msg, [body]);
  }

  private spawn(): Slot {
    // No inherited flags (`--input-type`, a bench's `--import`): a worker is a plain parser. A small
    // young generation: a parse makes much short-lived garbage, and each worker's heap is RSS.
    const worker = new Worker(this.file!, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, busy: null, error: null, answered: false };
    slot.worker.on('message', (m: { result?: ParsedBody; error?: string }) => {
      const p = slot.busy;
      slot.busy = null;
      slot.answered = true;
      slot.worker.unref(); // idle: nothing to wait for
      if (p) {
        if (m.error !== undefined) p.reject(new Error(`parse worker: ${m.error}`));
        else p.resolve(m.result!);
      }
      this.pump();
    });
    slot.worker.on('error', (err) => {
      slot.error = err.message;
    });
    slot.worker.on('exit', (code) => {
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      const p = slot.busy;
      slot.busy = null;
      if (p) p.resolve({ kind: 'invalid', reason: `worker crashed (${slot.error ?? `exit code ${code}`})` });
      if (!this.closed) this.pump();
    });
    this.slots.push(slot);
    return slot;
  }
}
