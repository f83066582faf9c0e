// A worker thread of the classifier: takes chunks of texts to hash, chunks of rows to count and
// weigh, and one-vs-rest classes to train from counters it shares with the main thread, or labels
// a batch of texts.
import { parentPort } from 'node:worker_threads';
import { trainBinary, type TrainParams } from './nbsvm.js';
import { predict, type Model } from './classifier.js';
import { countMatrix, documentFrequencies, tfidfInPlace, type FeatureSet, type Sparse } from './features.js';
import { takeWork } from './parallel.js';

type Job =
  | { kind: 'count'; texts: string[]; features: FeatureSet; bits: number; counter: Int32Array; chunk: number }
  | { kind: 'df'; x: Sparse; buckets: number; counter: Int32Array; chunk: number }
  | { kind: 'weigh'; x: Sparse; idf: Float32Array; rank: Int32Array; counter: Int32Array; chunk: number }
  | {
      kind: 'train';
      x: Sparse;
      y: Int32Array;
      weight?: Float32Array;
      classes: number;
      counter: Int32Array;
      params: TrainParams;
      dims: number;
    }
  | { kind: 'predict'; model: Model; texts: string[] };

parentPort?.on('message', (job: Job) => {
  if (job.kind === 'count') {
    const out: { job: number; x: Sparse }[] = [];
    takeWork(job.counter, Math.ceil(job.texts.length / job.chunk), (j) => {
      out.push({ job: j, x: countMatrix(job.texts.slice(j * job.chunk, (j + 1) * job.chunk), job.features, job.bits) });
    });
    parentPort!.postMessage(
      out,
      out.flatMap((o) => [o.x.ptr.buffer, o.x.idx.buffer, o.x.val.buffer] as ArrayBuffer[]),
    );
  } else if (job.kind === 'df' || job.kind === 'weigh') {
    // Rows [j·chunk, (j+1)·chunk) of a matrix shared with the main thread.
    const rows = job.x.ptr.length - 1;
    const df = job.kind === 'df' ? new Float32Array(job.buckets) : undefined;
    takeWork(job.counter, Math.ceil(rows / job.chunk), (j) => {
      const [from, to] = [j * job.chunk, Math.min(rows, (j + 1) * job.chunk)];
      if (job.kind === 'df') documentFrequencies(job.x, df!, from, to);
      else tfidfInPlace(job.x, job.idf, job.rank, from, to);
    });
    parentPort!.postMessage(df, df ? [df.buffer] : []);
  } else if (job.kind === 'train') {
    const out: { c: number; w: Float32Array; bias: number }[] = [];
    takeWork(job.counter, job.classes, (c) => out.push({ c, ...trainBinary(job.x, job.y, c, job.params, job.dims, job.weight) }));
    parentPort!.postMessage(
      out,
      out.map((o) => o.w.buffer as ArrayBuffer),
    );
  } else {
    parentPort!.postMessage(predict(job.model, job.texts));
  }
});
