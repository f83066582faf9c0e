import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { countMatrix, documentFrequencies, tfidfInPlace, type Sparse } from './features.js';
import { LOCAL_TRAINER, predict, trainModel, type Model, type Prediction, type TrainOptions } from './classifier.js';
import { trainBinary } from './nbsvm.js';

// The compiled worker (dist/classify/train-worker.js). When running from TypeScript sources (tests),
// it does not exist and everything runs on the calling thread.
const WORKER = fileURLToPath(new URL('./train-worker.js', import.meta.url));
const canUseWorker = fs.existsSync(WORKER);

/** CpuTimes are the machine's CPU clock ticks so far, idle and in all (Linux's /proc/stat). */
interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes | undefined {
  try {
    // "cpu  user nice system idle iowait irq softirq steal …"
    const v = fs.readFileSync('/proc/stat', 'latin1').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    return v.length >= 4 && v.every(Number.isFinite) ? { idle: v[3] + (v[4] ?? 0), total: v.reduce((x, y) => x + y, 0) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * spareCores is how many cores stood idle since `since` (a moment at least a tenth of a second
 * ago, on Linux), or else the cores the 1-minute load average leaves free.
 */
export function spareCores(since?: CpuTimes, now = since && cpuTimes(), cpus = os.availableParallelism()): number {
  if (since && now && now.total - since.total >= 20) return (cpus * (now.idle - since.idle)) / (now.total - since.total);
  return cpus - os.loadavg()[0];
}

/**
 * threads is how many threads the classifier trains and labels large batches on: two when the
 * machine has two cores and at least half a core to spare. A second thread costs a cold compiler
 * of its own, a copy of the texts and waits for the slower thread, about a fifth more CPU in all:
 * on a free core it saves a third of the time, on a busy machine it loses (bench:classify's runs
 * at load 9 took 1.01× and 1.08× fastText's time on two threads, 0.67× and 0.77× on one).
 * INKZEE_CLASSIFY_THREADS=1 or 2 decides instead.
 */
export function threads(env: NodeJS.ProcessEnv, spare: number, cpus = os.availableParallelism()): number {
  const forced = Number(env.INKZEE_CLASSIFY_THREADS);
  if (forced === 1 || forced === 2) return forced;
  return cpus >= 2 && spare >= 0.5 ? 2 : 1;
}

function shared<T extends Int32Array | Float32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const buf = new SharedArrayBuffer(a.byteLength);
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(buf);
  copy.set(a);
  return copy;
}

/**
 * Helper is a worker thread that runs one job at a time. It starts on its first job: until then
 * it only notes the CPU time, so that the first user can see whether a core stood idle meanwhile.
 */
export class Helper {
  private worker?: Worker;
  private readonly since = cpuTimes();
  /** spare says whether a second thread pays now (see threads), judged since the helper was made. */
  spare(): boolean {
    return threads(process.env, spareCores(this.since)) >= 2;
  }
  private get w(): Worker {
    return (this.worker ??= new Worker(WORKER));
  }
  run<T>(job: object): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (m: T) => {
        this.w.off('error', fail);
        resolve(m);
      };
      const fail = (err: Error) => {
        this.w.off('message', done);
        reject(err);
      };
      this.w.once('message', done);
      this.w.once('error', fail);
      this.w.postMessage(job);
    });
  }
  private closed = false;
  close(): void {
    if (!this.closed) void this.worker?.terminate();
    this.closed = true;
  }
}

/** concatRows stacks sparse matrices in order, in memory a worker can share. */
function concatRows(parts: readonly Sparse[]): Sparse {
  const rows = parts.reduce((a, p) => a + p.ptr.length - 1, 0);
  const nnz = parts.reduce((a, p) => a + p.idx.length, 0);
  const ptr = new Int32Array(new SharedArrayBuffer(4 * (rows + 1)));
  const idx = new Int32Array(new SharedArrayBuffer(4 * nnz));
  const val = new Float32Array(new SharedArrayBuffer(4 * nnz));
  let r = 0;
  let j = 0;
  for (const p of parts) {
    for (let k = 1; k < p.ptr.length; k++) ptr[r + k] = j + p.ptr[k];
    idx.set(p.idx, j);
    val.set(p.val, j);
    r += p.ptr.length - 1;
    j += p.idx.length;
  }
  return { ptr, idx, val };
}

// Below these sizes a second thread costs more to start than it saves.
const MIN_ROWS_TO_SPLIT = 2000;
const MIN_TEXTS_TO_PREDICT_SPLIT = 20_000;
/** COUNT_CHUNK is how many texts (or rows) one thread hashes (or weighs) before it takes the next chunk. */
const COUNT_CHUNK = 2048;

/**
 * takeWork hands out job numbers 0, 1, 2, … from a counter shared by both threads, so that the
 * less busy thread does more: on a shared machine one thread often gets less of the CPU.
 */
export function takeWork(counter: Int32Array, jobs: number, work: (job: number) => void): void {
  for (let j = Atomics.add(counter, 0, 1); j < jobs; j = Atomics.add(counter, 0, 1)) work(j);
}

/**
 * trainOnTwoThreads trains a model with a worker thread beside this one when that pays (see
 * threads; enough rows; a helper already started means it was decided so). Both threads take
 * chunks of texts to hash, rows to count and weigh, then one-vs-rest classes to fit, from shared
 * counters; the feature matrix is shared with the worker, not copied. The model is the same as one
 * thread would build.
 */
export async function trainOnTwoThreads(
  texts: readonly string[],
  labels: readonly string[],
  o: Omit<TrainOptions, 'trainer'> = {},
  started?: Helper,
): Promise<Model> {
  if (!canUseWorker || texts.length < MIN_ROWS_TO_SPLIT || !(started ? started.spare() : threads(process.env, spareCores()) >= 2)) {
    started?.close();
    return trainModel(texts, labels, { ...o, trainer: LOCAL_TRAINER });
  }
  const helper = started ?? new Helper();
  const counter = () => new Int32Array(new SharedArrayBuffer(4));
  try {
    return await trainModel(texts, labels, {
      ...o,
      trainer: {
        async count(all, p) {
          const jobs = Math.ceil(all.length / COUNT_CHUNK);
          const next = counter();
          const theirs = helper.run<{ job: number; x: Sparse }[]>({
            kind: 'count',
            texts: all,
            features: p.features,
            bits: p.bits,
            counter: next,
            chunk: COUNT_CHUNK,
          });
          const parts: Sparse[] = [];
          takeWork(next, jobs, (j) => {
            parts[j] = countMatrix(all.slice(j * COUNT_CHUNK, (j + 1) * COUNT_CHUNK), p.features, p.bits);
          });
          for (const r of await theirs) parts[r.job] = r.x;
          return concatRows(parts);
        },
        // Rows in chunks from a shared counter, as for hashing: each thread counts into its own array.
        async frequencies(x, buckets) {
          const next = counter();
          const jobs = Math.ceil((x.ptr.length - 1) / COUNT_CHUNK);
          const theirs = helper.run<Float32Array>({ kind: 'df', x, buckets, counter: next, chunk: COUNT_CHUNK });
          const df = new Float32Array(buckets);
          takeWork(next, jobs, (j) => documentFrequencies(x, df, j * COUNT_CHUNK, Math.min(x.ptr.length - 1, (j + 1) * COUNT_CHUNK)));
          const other = await theirs;
          for (let k = 0; k < buckets; k++) df[k] += other[k];
          return df;
        },
        async weigh(x, idf, rank) {
          const next = counter();
          const jobs = Math.ceil((x.ptr.length - 1) / COUNT_CHUNK);
          const [si, sr] = [shared(idf), shared(rank)];
          const theirs = helper.run<void>({ kind: 'weigh', x, idf: si, rank: sr, counter: next, chunk: COUNT_CHUNK });
          takeWork(next, jobs, (j) => tfidfInPlace(x, si, sr, j * COUNT_CHUNK, Math.min(x.ptr.length - 1, (j + 1) * COUNT_CHUNK)));
          await theirs;
        },
        async fit(x, y, classes, p, dims, weight) {
          const next = counter();
          const sx: Sparse = { ptr: shared(x.ptr), idx: shared(x.idx), val: shared(x.val) };
          const sw = weight && shared(weight);
          const theirs = helper.run<{ c: number; w: Float32Array; bias: number }[]>({
            kind: 'train',
            x: sx,
            y: shared(y),
            weight: sw,
            classes,
            counter: next,
            params: p,
            dims,
          });
          const result: { w: Float32Array; bias: number }[] = [];
          takeWork(next, classes, (c) => {
            result[c] = trainBinary(sx, y, c, p, dims, weight);
          });
          for (const r of await theirs) result[r.c] = { w: r.w, bias: r.bias };
          return result;
        },
      },
    });
  } finally {
    helper.close();
  }
}

/**
 * startHelper makes the helper of a coming training, if there can be one: while the examples are
 * read it measures whether a core stands idle, and trainOnTwoThreads starts its thread only then.
 * Hand it to trainOnTwoThreads, which closes it; closing it twice is harmless.
 */
export function startHelper(): Helper | undefined {
  return canUseWorker && threads(process.env, Infinity) >= 2 ? new Helper() : undefined;
}

/** predictMany labels texts, splitting a large batch between this thread and a worker. */
export async function predictMany(model: Model, texts: readonly string[]): Promise<Prediction[]> {
  if (!canUseWorker || texts.length < MIN_TEXTS_TO_PREDICT_SPLIT || threads(process.env, spareCores()) < 2) return predict(model, texts);
  const helper = new Helper();
  try {
    const half = Math.ceil(texts.length / 2);
    const pending = helper.run<Prediction[]>({ kind: 'predict', model, texts: texts.slice(half) });
    const first = predict(model, texts.slice(0, half));
    return first.concat(await pending);
  } finally {
    helper.close();
  }
}
