import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { countMatrix, type Sparse } from './features.js';
import { LOCAL_TRAINER, predict, trainModel, type Model, type Prediction, type TrainOptions } from './model.js';
import { trainBinary } from './nbsvm.js';

// The compiled worker (dist/classify/worker.js). When running from TypeScript sources (tests),
// it does not exist and everything runs on the calling thread.
const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const canUseWorker = fs.existsSync(WORKER);
const cores = () => Math.max(1, Math.min(os.availableParallelism(), 2));

function shared<T extends Int32Array | Float32Array>(a: T): T {
  const buf = new SharedArrayBuffer(a.byteLength);
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(buf);
  copy.set(a);
  return copy;
}

/** A worker thread that runs one job at a time. */
class Helper {
  private readonly w = new Worker(WORKER);
  run<T>(job: object): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (m: T) => { this.w.off('error', fail); resolve(m); };
      const fail = (err: Error) => { this.w.off('message', done); reject(err); };
      this.w.once('message', done);
      this.w.once('error', fail);
      this.w.postMessage(job);
    });
  }
  close(): void { void this.w.terminate(); }
}

/** concatRows stacks two sparse matrices, rows of `a` first. */
function concatRows(a: Sparse, b: Sparse): Sparse {
  const rows = a.ptr.length - 1;
  const ptr = new Int32Array(rows + b.ptr.length);
  ptr.set(a.ptr);
  for (let k = 1; k < b.ptr.length; k++) ptr[rows + k] = a.ptr[rows] + b.ptr[k];
  const idx = new Int32Array(a.idx.length + b.idx.length);
  idx.set(a.idx); idx.set(b.idx, a.idx.length);
  const val = new Float32Array(a.val.length + b.val.length);
  val.set(a.val); val.set(b.val, a.val.length);
  return { ptr, idx, val };
}

// Below these sizes a second thread costs more to start than it saves.
const MIN_ROWS_TO_SPLIT = 2000;
const MIN_TEXTS_TO_PREDICT_SPLIT = 20_000;

/**
 * trainOnTwoThreads trains a model with a worker thread beside this one when that pays (two
 * cores, enough rows): the worker hashes half the texts, then fits half the one-vs-rest classes
 * on the feature matrix, which is shared with it, not copied.
 */
export async function trainOnTwoThreads(texts: readonly string[], labels: readonly string[], o: Omit<TrainOptions, 'trainer'> = {}): Promise<Model> {
  if (!canUseWorker || cores() < 2 || texts.length < MIN_ROWS_TO_SPLIT) return trainModel(texts, labels, { ...o, trainer: LOCAL_TRAINER });
  const helper = new Helper();
  try {
    return await trainModel(texts, labels, { ...o, trainer: {
      async count(all, p) {
        const half = Math.ceil(all.length / 2);
        const theirs = helper.run<Sparse>({ kind: 'count', texts: all.slice(half), features: p.features, bits: p.bits });
        const mine = countMatrix(all.slice(0, half), p.features, p.bits);
        return concatRows(mine, await theirs);
      },
      async fit(x, y, classes, p, weight) {
        const all = Array.from({ length: classes }, (_, c) => c);
        const sx: Sparse = { ptr: shared(x.ptr), idx: shared(x.idx), val: shared(x.val) };
        const sw = weight && shared(weight);
        const pending = helper.run<{ c: number; w: Float32Array; bias: number }[]>(
          { kind: 'train', x: sx, y: shared(y), weight: sw, classes: all.filter((c) => c % 2 === 1), params: p });
        const result: { w: Float32Array; bias: number }[] = [];
        for (const c of all.filter((c) => c % 2 === 0)) result[c] = trainBinary(x, y, c, p, weight);
        for (const r of await pending) result[r.c] = { w: r.w, bias: r.bias };
        return result;
      },
    } });
  } finally {
    helper.close();
  }
}

/** predictMany labels texts, splitting a large batch between this thread and a worker. */
export async function predictMany(model: Model, texts: readonly string[]): Promise<Prediction[]> {
  if (!canUseWorker || cores() < 2 || texts.length < MIN_TEXTS_TO_PREDICT_SPLIT) return predict(model, texts);
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
