// A worker thread of the classifier: hashes texts into features, trains some one-vs-rest
// classes, or labels a batch of texts.
import { parentPort } from 'node:worker_threads';
import { trainBinary, type TrainParams } from './nbsvm.js';
import { predict, type Model } from './model.js';
import { countMatrix, type FeatureSet, type Sparse } from './features.js';

type Job =
  | { kind: 'count'; texts: string[]; features: FeatureSet; bits: number }
  | { kind: 'train'; x: Sparse; y: Int32Array; weight?: Float32Array; classes: number[]; params: TrainParams }
  | { kind: 'predict'; model: Model; texts: string[] };

parentPort?.on('message', (job: Job) => {
  if (job.kind === 'count') {
    const x = countMatrix(job.texts, job.features, job.bits);
    parentPort!.postMessage(x, [x.ptr.buffer, x.idx.buffer, x.val.buffer] as ArrayBuffer[]);
  } else if (job.kind === 'train') {
    const out = job.classes.map((c) => ({ c, ...trainBinary(job.x, job.y, c, job.params, job.weight) }));
    parentPort!.postMessage(out, out.map((o) => o.w.buffer as ArrayBuffer));
  } else {
    parentPort!.postMessage(predict(job.model, job.texts));
  }
});
