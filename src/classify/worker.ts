// A worker thread of the classifier: trains some one-vs-rest classes, or labels a batch of texts.
import { parentPort } from 'node:worker_threads';
import { trainBinary, type TrainParams } from './nbsvm.js';
import { predict, type Model } from './model.js';
import type { Sparse } from './features.js';

type Job =
  | { kind: 'train'; x: Sparse; y: Int32Array; classes: number[]; params: TrainParams }
  | { kind: 'predict'; model: Model; texts: string[] };

parentPort?.on('message', (job: Job) => {
  if (job.kind === 'train') {
    const out = job.classes.map((c) => ({ c, ...trainBinary(job.x, job.y, c, job.params) }));
    parentPort!.postMessage(out, out.map((o) => o.w.buffer as ArrayBuffer));
  } else {
    parentPort!.postMessage(predict(job.model, job.texts));
  }
});
