import zlib from 'node:zlib';
import { countMatrix, documentFrequencies, LEGACY_FEATURES, smoothIdf, tfidfInPlace, type Sparse } from './features.js';
import { DEFAULT_PARAMS, trainBinary, type TrainParams } from './nbsvm.js';

/**
 * MODEL_FORMAT is the version of the serialized model layout; bump it when the layout changes.
 * 2 added the feature set and the confidence scaling to the parameters; format 1 is still read.
 */
export const MODEL_FORMAT = 2;
const READABLE = [1, 2];

/** Model is a trained classifier: labels, feature weighting and one weight vector per label. */
export interface Model {
  format: number;
  labels: string[];
  params: TrainParams;
  trainSize: number;
  idf: Float32Array;
  /** weights[c] has 2^bits entries; the score of label c is bias[c] + weights[c] · x. */
  weights: Float32Array[];
  bias: number[];
}

/** Prediction is a label with a confidence in [0, 1] (see confidences). */
export interface Prediction {
  label: string;
  confidence: number;
}

/**
 * Trainer does the heavy lifting of training, on one thread or two: hashing texts into features
 * and fitting the one-vs-rest classes.
 */
export interface Trainer {
  count(texts: readonly string[], p: TrainParams): Promise<Sparse>;
  /** The document frequency of every bucket, over all rows. */
  frequencies(x: Sparse, buckets: number): Promise<Float32Array>;
  /** Counts to unit tf-idf rows and each bucket b renumbered rank[b], in place (see tfidfInPlace). */
  weigh(x: Sparse, idf: Float32Array, rank: Int32Array): Promise<void>;
  fit(
    x: Sparse,
    y: Int32Array,
    classes: number,
    p: TrainParams,
    dims: number,
    weight?: Float32Array,
  ): Promise<{ w: Float32Array; bias: number }[]>;
}

/** LOCAL_TRAINER does all the work on the calling thread. */
export const LOCAL_TRAINER: Trainer = {
  count: async (texts, p) => countMatrix(texts, p.features, p.bits),
  frequencies: async (x, buckets) => documentFrequencies(x, new Float32Array(buckets)),
  weigh: async (x, idf, rank) => tfidfInPlace(x, idf, rank),
  fit: async (x, y, classes, p, dims, weight) => Array.from({ length: classes }, (_, c) => trainBinary(x, y, c, p, dims, weight)),
};

/** TrainOptions tune trainModel: the threads, the parameters, and rows that count more than once. */
export interface TrainOptions {
  trainer?: Trainer;
  params?: TrainParams;
  /** weight[r] is how many examples row r counts as (a user's corrections count more). */
  weight?: Float32Array;
}

/** trainModel learns a model from texts and their labels (at least two distinct labels). */
export async function trainModel(texts: readonly string[], labels: readonly string[], o: TrainOptions = {}): Promise<Model> {
  const { trainer = LOCAL_TRAINER, params = DEFAULT_PARAMS, weight } = o;
  const names = [...new Set(labels)].sort();
  const index = new Map(names.map((l, k) => [l, k]));
  const y = Int32Array.from(labels, (l) => index.get(l)!);
  const x = await trainer.count(texts, params);
  const df = await trainer.frequencies(x, 1 << params.bits);
  const idf = smoothIdf(df, texts.length);
  const { used, rank } = rankBuckets(df);
  await trainer.weigh(x, idf, rank);
  const trained = await trainer.fit(x, y, names.length, params, used.length, weight);
  const expand = (w: Float32Array) => {
    const full = new Float32Array(1 << params.bits);
    for (let k = 0; k < used.length; k++) full[used[k]] = w[k];
    return full;
  };
  return {
    format: MODEL_FORMAT,
    labels: names,
    params,
    trainSize: texts.length,
    idf,
    weights: trained.map((t) => expand(t.w)),
    bias: trained.map((t) => t.bias),
  };
}

/**
 * rankBuckets numbers the buckets in use 0, 1, 2 … in order: rank[b] is bucket b's number, used[k]
 * the bucket numbered k. Training renumbers its matrix so (see Trainer.weigh) and then works on
 * arrays as long as the buckets in use (450,000 of 2^20 for AG News), and builds the same model.
 * (Numbering by falling frequency, to keep the frequent ones together in cache, made training no
 * faster, and took three passes more.)
 */
function rankBuckets(df: Float32Array): { used: Int32Array; rank: Int32Array } {
  let count = 0;
  for (let b = 0; b < df.length; b++) if (df[b] > 0) count++;
  const used = new Int32Array(count);
  const rank = new Int32Array(df.length);
  for (let b = 0, k = 0; b < df.length; b++)
    if (df[b] > 0) {
      rank[b] = k;
      used[k++] = b;
    }
  return { used, rank };
}

/** featuresOf hashes texts as the model reads them: tf-idf weighted, each row of unit length. */
function featuresOf(model: Model, texts: readonly string[]): Sparse {
  const x = countMatrix(texts, model.params.features, model.params.bits);
  tfidfInPlace(x, model.idf);
  return x;
}

/**
 * confidences turns label scores (SVM margins) into probabilities that sum to 1: a sigmoid of each
 * score, σ(slope · s + offset), normalized (computed from log σ, so very negative scores do not
 * underflow). On AG News dev the expected calibration error is about 0.01.
 */
export function confidences(scores: ArrayLike<number>, p: Pick<TrainParams, 'slope' | 'offset'>): number[] {
  const logSigmoid = Array.from(scores, (s) => {
    const z = p.slope * s + p.offset;
    return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
  });
  const top = Math.max(...logSigmoid);
  const e = logSigmoid.map((l) => Math.exp(l - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** scoreRow is the score of every label for row r of a feature matrix. */
export function scoreRow(model: Model, x: Sparse, r: number): Float64Array {
  const scores = new Float64Array(model.labels.length);
  for (let c = 0; c < model.labels.length; c++) {
    const w = model.weights[c];
    let z = model.bias[c];
    for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) z += w[x.idx[j]] * x.val[j];
    scores[c] = z;
  }
  return scores;
}

/** predict labels texts with a model. */
export function predict(model: Model, texts: readonly string[]): Prediction[] {
  const x = featuresOf(model, texts);
  const out: Prediction[] = [];
  for (let r = 0; r < texts.length; r++) {
    const p = confidences(scoreRow(model, x, r), model.params);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    out.push({ label: model.labels[best], confidence: p[best] });
  }
  return out;
}

/**
 * serializeModel packs a model into one self-describing blob: a JSON header (format, labels,
 * parameters, sizes, scales) then the idf as 16-bit fixed point and each weight vector as 8-bit
 * integers with its own scale, all deflated: about 1.3 MB for 2^20 buckets and four labels (AG News).
 */
export function serializeModel(m: Model): Buffer {
  // Plain indexed loops over the 2^20 entries, here and in deserializeModel: these run once per
  // process, mostly before the compiler has optimized them, where an iterator or a callback per
  // entry cost half a second (a model of random weights took 2.8 s to read with Float32Array.from).
  const scales = m.weights.map((w) => {
    let mx = 0;
    for (let k = 0; k < w.length; k++) {
      const a = w[k] < 0 ? -w[k] : w[k];
      if (a > mx) mx = a;
    }
    return mx / 127 || 1;
  });
  const header = Buffer.from(
    JSON.stringify({
      format: m.format,
      labels: m.labels,
      params: m.params,
      trainSize: m.trainSize,
      bias: m.bias,
      scales,
      buckets: m.idf.length,
      idfScale: 1000,
    }),
  );
  const idf = new Uint16Array(m.idf.length);
  for (let k = 0; k < idf.length; k++) idf[k] = Math.min(65535, Math.round(m.idf[k] * 1000));
  const parts = [Buffer.alloc(4), header, Buffer.from(idf.buffer)];
  parts[0].writeUInt32LE(header.length);
  for (let c = 0; c < m.weights.length; c++) {
    const w = m.weights[c];
    const scale = scales[c];
    const q = new Int8Array(w.length);
    for (let k = 0; k < w.length; k++) if (w[k] !== 0) q[k] = Math.round(w[k] / scale);
    parts.push(Buffer.from(q.buffer));
  }
  // Level 1: a quarter larger than level 6 (1.3 MB for AG News), in an eighth of the time.
  return zlib.deflateSync(Buffer.concat(parts), { level: 1 });
}

/** deserializeModel reads a blob written by serializeModel, refusing formats it does not know. */
export function deserializeModel(blob: Buffer): Model {
  const raw = zlib.inflateSync(blob);
  const len = raw.readUInt32LE(0);
  const h = JSON.parse(raw.subarray(4, 4 + len).toString('utf8'));
  if (!READABLE.includes(h.format))
    throw new Error(`model format ${h.format} is not supported (this Inkzee reads ${READABLE.join(' and ')})`);
  let off = 4 + len;
  const idf16 = new Uint16Array(raw.buffer.slice(raw.byteOffset + off, raw.byteOffset + off + h.buckets * 2));
  off += h.buckets * 2;
  const idf = new Float32Array(idf16.length);
  const idfScale: number = h.idfScale;
  for (let k = 0; k < idf.length; k++) idf[k] = idf16[k] / idfScale;
  const weights = (h.labels as string[]).map((_, c) => {
    const q = new Int8Array(raw.buffer, raw.byteOffset + off, h.buckets);
    off += h.buckets;
    const scale: number = h.scales[c];
    const w = new Float32Array(q.length);
    for (let k = 0; k < q.length; k++) if (q[k] !== 0) w[k] = q[k] * scale;
    return w;
  });
  // Format 1 read lower-case words and pairs only.
  const params: TrainParams =
    h.format === 1 ? { ...DEFAULT_PARAMS, ...h.params, features: LEGACY_FEATURES } : { ...DEFAULT_PARAMS, ...h.params };
  return { format: h.format, labels: h.labels, params, trainSize: h.trainSize, idf, weights, bias: h.bias };
}
