import { tokenize } from './tokenize.js';

/** Sparse is a batch of documents as a compressed sparse row matrix of hashed features. */
export interface Sparse {
  /** Row k's entries are idx/val[ptr[k] .. ptr[k+1]). */
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

// FNV-1a over UTF-16 code units: fast, deterministic, and the same in every process.
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * hashCounts maps one text to bucket counts of its hashed word unigrams and bigrams (the fastText
 * / Vowpal Wabbit "hashing trick"): no vocabulary to store, unseen words cost nothing.
 */
export function hashCounts(text: string, bits: number): Map<number, number> {
  const mask = (1 << bits) - 1;
  const counts = new Map<number, number>();
  let prev = -1;
  for (const tok of tokenize(text)) {
    const h = fnv(tok);
    const u = h & mask;
    counts.set(u, (counts.get(u) ?? 0) + 1);
    if (prev >= 0) {
      const b = (Math.imul(prev, 0x9e3779b1) ^ h) >>> 0 & mask;
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    prev = h;
  }
  return counts;
}

/** countMatrix hashes many texts into a Sparse matrix of raw counts. */
export function countMatrix(texts: readonly string[], bits: number): Sparse {
  const rows = texts.map((t) => hashCounts(t, bits));
  const ptr = new Int32Array(rows.length + 1);
  for (let k = 0; k < rows.length; k++) ptr[k + 1] = ptr[k] + rows[k].size;
  const idx = new Int32Array(ptr[rows.length]);
  const val = new Float32Array(ptr[rows.length]);
  rows.forEach((m, k) => {
    let j = ptr[k];
    for (const [b, c] of m) { idx[j] = b; val[j] = c; j++; }
  });
  return { ptr, idx, val };
}

/** documentFrequencies counts, per bucket, how many rows use it. */
export function documentFrequencies(x: Sparse, buckets: number): Float32Array {
  const df = new Float32Array(buckets);
  for (let j = 0; j < x.idx.length; j++) df[x.idx[j]]++;
  return df;
}

/** smoothIdf is scikit-learn's smoothed inverse document frequency, ln((1+n)/(1+df)) + 1. */
export function smoothIdf(df: Float32Array, rows: number): Float32Array {
  const idf = new Float32Array(df.length);
  for (let k = 0; k < df.length; k++) idf[k] = Math.log((1 + rows) / (1 + df[k])) + 1;
  return idf;
}

/** tfidfInPlace turns counts into sublinear tf-idf (1 + ln tf) · idf, each row scaled to unit length. */
export function tfidfInPlace(x: Sparse, idf: Float32Array): void {
  for (let r = 0; r + 1 < x.ptr.length; r++) {
    let norm = 0;
    for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) {
      const v = (1 + Math.log(x.val[j])) * idf[x.idx[j]];
      x.val[j] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) x.val[j] *= inv;
  }
}
