// A worker thread of the classifier: takes chunks of texts to hash and one-vs-rest classes to
// train from counters it shares with the main thread, or labels a batch of texts.
import { parentPort } from 'node:worker_threads';
import { trainBinary, type TrainParams } from './nbsvm.js';
import { predict, type Model } from './model.js';
import { countMatrix, type FeatureSet, type Sparse } from './features.js';
import { takeWork } from './parallel.js';

type Job =
  | { kind: 'count'; texts: string[]; features: FeatureSet; bits: number; counter: Int32Array; chunk: number }
  | { kind: 'train'; x: Sparse; y: Int32Array; weight?: Float32Array; classes: number; counter: Int32Array; params: TrainParams; dims: number }
  | { kind: 'predict'; model: Model; texts: string[] };

parentPort?.on('message', (job: Job) => {
  if (job.kind === 'count') {
    const out: { job: number; x: Sparse }[] = [];
    takeWork(job.counter, Math.ceil(job.texts.length / job.chunk), (j) => {
      out.push({ job: j, x: countMatrix(job.texts.slice(j * job.chunk, (j + 1) * job.chunk), job.features, job.bits) });
    });
    parentPort!.postMessage(out, out.flatMap((o) => [o.x.ptr.buffer, o.x.idx.buffer, o.x.val.buffer] as ArrayBuffer[]));
  } else if (job.kind === 'train') {
    const out: { c: number; w: Float32Array; bias: number }[] = [];
    takeWork(job.counter, job.classes, (c) => out.push({ c, ...trainBinary(job.x, job.y, c, job.params, job.dims, job.weight) }));
    parentPort!.postMessage(out, out.map((o) => o.w.buffer as ArrayBuffer));
  } else {
    parentPort!.postMessage(predict(job.model, job.texts));
  }
});
