import { tokenizeCased } from './tokenize.js';

/** Sparse is a batch of documents as a compressed sparse row matrix of hashed features. */
export interface Sparse {
  /** Row k's entries are idx/val[ptr[k] .. ptr[k+1]). */
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** FeatureSet says which features beside word unigrams and bigrams a model reads. */
export interface FeatureSet {
  /** Capitalised words again, case kept, as features of their own ("US", "Apple"). */
  cased: boolean;
  /** Numbers by shape: a year is "a year", 1234 is "a 4-digit number", whatever its value. */
  numbers: boolean;
}

/** LEGACY_FEATURES are what format-1 models read: lower-case word unigrams and bigrams only. */
export const LEGACY_FEATURES: FeatureSet = { cased: false, numbers: false };

/** FeatureKind says where a feature came from: a word, a pair of neighbours, or a word as cased. */
export type FeatureKind = 'word' | 'pair' | 'cased';

// Keeps cased words apart from lower-case ones in the one hash space.
const CASED_SALT = 0x3c6ef372;

// FNV-1a over UTF-16 code units: fast, deterministic, and the same in every process.
function fnv(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const DIGITS = /^\d+$/;
/** wordForm is the form a token is hashed as: lower case, numbers by shape when asked. */
function wordForm(cased: string, f: FeatureSet): string {
  const t = cased.toLowerCase();
  const c = t.charCodeAt(0);
  if (!f.numbers || c < 48 || c > 57 || !DIGITS.test(t)) return t;
  return t.length === 4 && (t[0] === '1' || t.startsWith('20')) ? '\u0000year' : `\u0000num${t.length}`;
}

/**
 * walkFeatures hands every hashed feature of one token list to `emit` (the fastText / Vowpal
 * Wabbit "hashing trick": no vocabulary to store, unseen words cost nothing), with its kind and
 * the index of the token it came from (for a pair, its second word), so that an explanation can
 * map a bucket back to the item's own words.
 */
export function walkFeatures(tokens: readonly string[], f: FeatureSet, bits: number, emit: (bucket: number, kind: FeatureKind, at: number) => void): void {
  const mask = (1 << bits) - 1;
  let prev = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const form = wordForm(tok, f);
    const h = fnv(form);
    emit(h & mask, 'word', i);
    if (prev >= 0) emit(((Math.imul(prev, 0x9e3779b1) ^ h) >>> 0) & mask, 'pair', i);
    prev = h;
    if (f.cased && tok[0] !== tok[0].toLowerCase()) emit(fnv(tok, CASED_SALT) & mask, 'cased', i);
  }
}

// One bucket table per thread, reused by every call: bucket → the row that last used it, and the
// entry it has in that row. Rows are numbered on from call to call, so the table is never cleared.
let table: { bits: number; seen: Int32Array; slot: Int32Array; next: number } | undefined;

/**
 * countMatrix hashes many texts into a Sparse matrix of raw counts, merging a row's repeats
 * through the bucket table rather than a map per document, which keeps hashing fast.
 */
export function countMatrix(texts: readonly string[], f: FeatureSet, bits: number): Sparse {
  if (!table || table.bits !== bits || table.next > 2 ** 30) table = { bits, seen: new Int32Array(1 << bits).fill(-1), slot: new Int32Array(1 << bits), next: 0 };
  const { seen, slot } = table;
  let idx = new Int32Array(Math.max(1024, texts.length * 96));
  let val = new Float32Array(idx.length);
  const ptr = new Int32Array(texts.length + 1);
  let n = 0;
  let id = table.next;
  const add = (b: number) => {
    if (seen[b] === id) { val[slot[b]]++; return; }
    if (n === idx.length) {
      const i2 = new Int32Array(n * 2); i2.set(idx); idx = i2;
      const v2 = new Float32Array(n * 2); v2.set(val); val = v2;
    }
    seen[b] = id; slot[b] = n; idx[n] = b; val[n] = 1; n++;
  };
  for (let row = 0; row < texts.length; row++, id++) {
    walkFeatures(tokenizeCased(texts[row]), f, bits, add);
    ptr[row + 1] = n;
  }
  table.next = id;
  return { ptr, idx: idx.slice(0, n), val: val.slice(0, n) };
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
      const tf = x.val[j];
      const v = (tf === 1 ? 1 : 1 + Math.log(tf)) * idf[x.idx[j]];
      x.val[j] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) x.val[j] *= inv;
  }
}
