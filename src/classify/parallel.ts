import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Sparse } from './features.js';
import { predict, type Model, type Prediction } from './model.js';
import { trainBinary, type TrainParams } from './nbsvm.js';

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

function runInWorker<T>(job: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER);
    w.once('message', (m: T) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
    w.postMessage(job);
  });
}

/**
 * trainClasses trains every one-vs-rest class, half of them on a worker thread when that pays
 * (two cores, enough rows): the feature matrix is shared, not copied.
 */
export async function trainClasses(x: Sparse, y: Int32Array, classes: number, p: TrainParams): Promise<{ w: Float32Array; bias: number }[]> {
  const all = Array.from({ length: classes }, (_, c) => c);
  if (!canUseWorker || cores() < 2 || classes < 2 || y.length < 2000) return all.map((c) => trainBinary(x, y, c, p));
  const theirs = all.filter((c) => c % 2 === 1);
  const mine = all.filter((c) => c % 2 === 0);
  const sx: Sparse = { ptr: shared(x.ptr), idx: shared(x.idx), val: shared(x.val) };
  const pending = runInWorker<{ c: number; w: Float32Array; bias: number }[]>({ kind: 'train', x: sx, y: shared(y), classes: theirs, params: p });
  const result: { w: Float32Array; bias: number }[] = [];
  for (const c of mine) result[c] = trainBinary(x, y, c, p);
  for (const r of await pending) result[r.c] = { w: r.w, bias: r.bias };
  return result;
}

/** predictMany labels texts, splitting a large batch between this thread and a worker. */
export async function predictMany(model: Model, texts: readonly string[]): Promise<Prediction[]> {
  if (!canUseWorker || cores() < 2 || texts.length < 20_000) return predict(model, texts);
  const half = Math.ceil(texts.length / 2);
  const pending = runInWorker<Prediction[]>({ kind: 'predict', model, texts: texts.slice(half) });
  const first = predict(model, texts.slice(0, half));
  return first.concat(await pending);
}
