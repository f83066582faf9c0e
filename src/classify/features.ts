import { isAscii, plainText, tokenizeCased } from './tokenize.js';

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
  /**
   * Words read again as a crude stem: what comes before an apostrophe, cut to its first STEM
   * letters, so "governments", "government's" and "governed" also count as "govern", "Apple's"
   * as "apple". A stem shares the bucket of the word it spells. (Absent in older models: off.)
   */
  stems?: boolean;
}

/** STEM is how many letters of a longer word its stem keeps. */
const STEM = 6;

/** LEGACY_FEATURES are what format-1 models read: lower-case word unigrams and bigrams only. */
export const LEGACY_FEATURES: FeatureSet = { cased: false, numbers: false };

/** FeatureKind says where a feature came from: a word, a pair of neighbours, or a word as cased. */
export type FeatureKind = 'word' | 'pair' | 'cased';

// Keeps cased words apart from lower-case ones in the one hash space.
const CASED_SALT = 0x3c6ef372;

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// FNV-1a over UTF-16 code units: fast, deterministic, and the same in every process.
function fnv(s: string, seed = FNV_BASIS): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
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
export function walkFeatures(
  tokens: readonly string[],
  f: FeatureSet,
  bits: number,
  emit: (bucket: number, kind: FeatureKind, at: number) => void,
): void {
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
    if (f.stems && form.charCodeAt(0) !== 0) {
      const a = form.search(/['’]/);
      const stem = (a > 0 ? form.slice(0, a) : form).slice(0, STEM);
      if (stem !== form) emit(fnv(stem) & mask, 'word', i);
    }
  }
}

const YEAR = fnv('\u0000year');
const NUMBERS = Array.from({ length: 32 }, (_, n) => fnv(`\u0000num${n}`));

/**
 * hashAscii emits the features walkFeatures would emit for ASCII text (tokenized by ASCII_TOKEN:
 * letters and digits, then an apostrophe and letters), bucket for bucket, without making a token:
 * it reads each character once, hashing it in lower case and as cased at the same time. This is
 * where training spent most of its hashing time (token strings, their lower case, and the garbage).
 */
function hashAscii(s: string, f: FeatureSet, mask: number, emit: (bucket: number) => void): void {
  const n = s.length;
  let prev = -1;
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    // Skip to the next letter or digit.
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57))) {
      i++;
      continue;
    }
    const start = i;
    const upper = c >= 65 && c <= 90;
    let lower = FNV_BASIS;
    let cased = CASED_SALT;
    let digits = true;
    let prefix = 0; // the hash of the first STEM characters
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        digits = false;
        if (upper) cased = Math.imul(cased ^ c, FNV_PRIME);
        c += 32;
      } else if (c >= 97 && c <= 122) {
        digits = false;
        if (upper) cased = Math.imul(cased ^ c, FNV_PRIME);
      } else if (c >= 48 && c <= 57) {
        if (upper) cased = Math.imul(cased ^ c, FNV_PRIME);
      } else break;
      lower = Math.imul(lower ^ c, FNV_PRIME);
      if (i - start === STEM - 1) prefix = lower;
    }
    let stem = i - start > STEM;
    // An apostrophe and letters belong to the word ("don't", "Apple's").
    if (c === 39 && i + 1 < n) {
      let d = s.charCodeAt(i + 1);
      if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90)) {
        if (!stem) {
          prefix = lower;
          stem = true;
        }
        digits = false;
        lower = Math.imul(lower ^ 39, FNV_PRIME);
        if (upper) cased = Math.imul(cased ^ 39, FNV_PRIME);
        for (i++; i < n; i++) {
          d = s.charCodeAt(i);
          if (d >= 65 && d <= 90) {
            if (upper) cased = Math.imul(cased ^ d, FNV_PRIME);
            d += 32;
          } else if (!(d >= 97 && d <= 122)) break;
          else if (upper) cased = Math.imul(cased ^ d, FNV_PRIME);
          lower = Math.imul(lower ^ d, FNV_PRIME);
        }
      }
    }
    let h = lower >>> 0;
    if (digits && f.numbers) {
      const len = i - start;
      const first = s.charCodeAt(start);
      h =
        len === 4 && (first === 49 || (first === 50 && s.charCodeAt(start + 1) === 48))
          ? YEAR
          : len < NUMBERS.length
            ? NUMBERS[len]
            : fnv(`\u0000num${len}`);
    }
    emit(h & mask);
    if (prev >= 0) emit(((Math.imul(prev, 0x9e3779b1) ^ h) >>> 0) & mask);
    prev = h;
    if (upper && f.cased) emit((cased >>> 0) & mask);
    if (stem && f.stems && !(digits && f.numbers)) emit((prefix >>> 0) & mask);
  }
}

/**
 * countMatrix hashes many texts into a Sparse matrix of raw counts. A row's buckets are gathered,
 * sorted and their repeats merged, all within a few hundred bytes that stay in cache: a table over
 * every bucket (4 MB at 2^20) missed the cache twice per feature, which was most of hashing's time.
 * Each row's buckets come out in increasing order.
 */
export function countMatrix(texts: readonly string[], f: FeatureSet, bits: number): Sparse {
  let idx = new Int32Array(Math.max(1024, texts.length * 80));
  let val = new Float32Array(idx.length);
  const ptr = new Int32Array(texts.length + 1);
  let row = new Int32Array(256);
  let m = 0;
  const add = (b: number) => {
    if (m === row.length) {
      const r2 = new Int32Array(m * 2);
      r2.set(row);
      row = r2;
    }
    row[m++] = b;
  };
  const mask = (1 << bits) - 1;
  let n = 0;
  for (let r = 0; r < texts.length; r++) {
    m = 0;
    const plain = plainText(texts[r]);
    if (isAscii(plain)) hashAscii(plain, f, mask, add);
    else walkFeatures(tokenizeCased(plain), f, bits, add);
    if (n + m > idx.length) {
      const size = Math.max(2 * idx.length, n + m);
      const i2 = new Int32Array(size);
      i2.set(idx);
      idx = i2;
      const v2 = new Float32Array(size);
      v2.set(val);
      val = v2;
    }
    const sorted = row.subarray(0, m).sort();
    for (let k = 0; k < m; k++) {
      if (k > 0 && sorted[k] === sorted[k - 1]) {
        val[n - 1]++;
        continue;
      }
      idx[n] = sorted[k];
      val[n] = 1;
      n++;
    }
    ptr[r + 1] = n;
  }
  return { ptr, idx: idx.slice(0, n), val: val.slice(0, n) };
}

/** documentFrequencies counts, per bucket, how many of rows [from, to) use it, adding to `df`. */
export function documentFrequencies(x: Sparse, df: Float32Array, from = 0, to = x.ptr.length - 1): Float32Array {
  for (let j = x.ptr[from]; j < x.ptr[to]; j++) df[x.idx[j]]++;
  return df;
}

/** smoothIdf is scikit-learn's smoothed inverse document frequency, ln((1+n)/(1+df)) + 1. */
export function smoothIdf(df: Float32Array, rows: number): Float32Array {
  // Most buckets share a handful of small frequencies (0 above all): one logarithm per frequency.
  const memo = new Float32Array(Math.min(rows, 4096) + 1).fill(-1);
  const idf = new Float32Array(df.length);
  for (let k = 0; k < df.length; k++) {
    const d = df[k];
    if (d < memo.length) {
      if (memo[d] < 0) memo[d] = Math.log((1 + rows) / (1 + d)) + 1;
      idf[k] = memo[d];
    } else idf[k] = Math.log((1 + rows) / (1 + d)) + 1;
  }
  return idf;
}

/**
 * tfidfInPlace turns counts into sublinear tf-idf (1 + ln tf) · idf, each row scaled to unit
 * length, for rows [from, to); with `rank`, each bucket b is then renumbered rank[b].
 */
export function tfidfInPlace(x: Sparse, idf: Float32Array, rank?: Int32Array, from = 0, to = x.ptr.length - 1): void {
  for (let r = from; r < to; r++) {
    let norm = 0;
    for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) {
      const tf = x.val[j];
      const v = (tf === 1 ? 1 : 1 + Math.log(tf)) * idf[x.idx[j]];
      x.val[j] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) x.val[j] *= inv;
    if (rank) for (let j = x.ptr[r]; j < x.ptr[r + 1]; j++) x.idx[j] = rank[x.idx[j]];
  }
}
