import zlib from 'node:zlib';
import { countMatrix, documentFrequencies, smoothIdf, tfidfInPlace } from './features.js';
import { DEFAULT_PARAMS, type TrainParams } from './nbsvm.js';
import { trainClasses } from './parallel.js';

/** MODEL_FORMAT is the version of the serialized model layout; bump it when the layout changes. */
export const MODEL_FORMAT = 1;

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

/** Prediction is a label with a confidence in [0, 1] (a softmax over the label scores). */
export interface Prediction {
  label: string;
  confidence: number;
}

/** trainModel learns a model from texts and their labels (at least two distinct labels). */
export async function trainModel(texts: readonly string[], labels: readonly string[], params: TrainParams = DEFAULT_PARAMS): Promise<Model> {
  const names = [...new Set(labels)].sort();
  const index = new Map(names.map((l, k) => [l, k]));
  const y = Int32Array.from(labels, (l) => index.get(l)!);
  const x = countMatrix(texts, params.bits);
  const idf = smoothIdf(documentFrequencies(x, 1 << params.bits), texts.length);
  tfidfInPlace(x, idf);
  const trained = await trainClasses(x, y, names.length, params);
  return { format: MODEL_FORMAT, labels: names, params, trainSize: texts.length, idf,
    weights: trained.map((t) => t.w), bias: trained.map((t) => t.bias) };
}

// Scores are SVM margins; this temperature turns them into softmax confidences of a useful spread.
const TEMPERATURE = 3;

/** predict labels texts with a model. */
export function predict(model: Model, texts: readonly string[]): Prediction[] {
  const x = countMatrix(texts, model.params.bits);
  tfidfInPlace(x, model.idf);
  const out: Prediction[] = [];
  const scores = new Float64Array(model.labels.length);
  for (let r = 0; r < texts.length; r++) {
    let best = 0;
    for (let c = 0; c < model.labels.length; c++) {
      const w = model.weights[c];
      let z = model.bias[c];
      for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) z += w[x.idx[j]] * x.val[j];
      scores[c] = z;
      if (z > scores[best]) best = c;
    }
    let sum = 0;
    for (let c = 0; c < scores.length; c++) sum += Math.exp(TEMPERATURE * (scores[c] - scores[best]));
    out.push({ label: model.labels[best], confidence: 1 / sum });
  }
  return out;
}

/**
 * serializeModel packs a model into one self-describing blob: a JSON header (format, labels,
 * parameters, sizes, scales) then the idf as 16-bit fixed point and each weight vector as 8-bit
 * integers with its own scale, all deflated: about 1 MB for 2^20 buckets and four labels (AG News).
 */
export function serializeModel(m: Model): Buffer {
  const scales = m.weights.map((w) => { let mx = 0; for (const v of w) mx = Math.max(mx, Math.abs(v)); return mx / 127 || 1; });
  const header = Buffer.from(JSON.stringify({ format: m.format, labels: m.labels, params: m.params, trainSize: m.trainSize,
    bias: m.bias, scales, buckets: m.idf.length, idfScale: 1000 }));
  const idf = new Uint16Array(m.idf.length);
  for (let k = 0; k < idf.length; k++) idf[k] = Math.min(65535, Math.round(m.idf[k] * 1000));
  const parts = [Buffer.alloc(4), header, Buffer.from(idf.buffer)];
  parts[0].writeUInt32LE(header.length);
  m.weights.forEach((w, c) => {
    const q = new Int8Array(w.length);
    for (let k = 0; k < w.length; k++) q[k] = Math.round(w[k] / scales[c]);
    parts.push(Buffer.from(q.buffer));
  });
  return zlib.deflateSync(Buffer.concat(parts), { level: 6 });
}

/** deserializeModel reads a blob written by serializeModel, refusing formats it does not know. */
export function deserializeModel(blob: Buffer): Model {
  const raw = zlib.inflateSync(blob);
  const len = raw.readUInt32LE(0);
  const h = JSON.parse(raw.subarray(4, 4 + len).toString('utf8'));
  if (h.format !== MODEL_FORMAT) throw new Error(`model format ${h.format} is not supported (this Inkzee reads ${MODEL_FORMAT})`);
  let off = 4 + len;
  const idf16 = new Uint16Array(raw.buffer.slice(raw.byteOffset + off, raw.byteOffset + off + h.buckets * 2));
  off += h.buckets * 2;
  const idf = Float32Array.from(idf16, (v) => v / h.idfScale);
  const weights = (h.labels as string[]).map((_, c) => {
    const q = new Int8Array(raw.buffer.slice(raw.byteOffset + off, raw.byteOffset + off + h.buckets));
    off += h.buckets;
    return Float32Array.from(q, (v) => v * h.scales[c]);
  });
  return { format: h.format, labels: h.labels, params: { ...DEFAULT_PARAMS, ...h.params }, trainSize: h.trainSize, idf, weights, bias: h.bias };
}
