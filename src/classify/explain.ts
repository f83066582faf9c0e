import { walkFeatures, tfidfInPlace, type FeatureKind, type Sparse } from './features.js';
import { confidences, scoreRow, type Model } from './classifier.js';
import { tokenizeCased } from './tokenize.js';

/** Evidence is one of the item's words or word pairs and how far it moved the decision. */
export interface Evidence {
  /** The words as the item spells them ("Apple", "interest rates"). */
  text: string;
  kind: 'word' | 'pair';
  /** Its share of the score margin between the label and the runner-up; negative pulls away. */
  weight: number;
}

/** Explanation says why a text got its label, in terms of the text's own words. */
export interface Explanation {
  label: string;
  confidence: number;
  runnerUp: { label: string; confidence: number };
  /** Score of the label minus score of the runner-up: the sum of every weight plus `bias`. */
  margin: number;
  /** What the label's and the runner-up's intercepts contribute to the margin, before any word. */
  bias: number;
  towards: Evidence[];
  away: Evidence[];
}

/**
 * explain scores one text and attributes the margin between its label and the runner-up to the
 * text's own words and word pairs. Hashed features are traced back as they are made: every bucket
 * remembers the tokens that filled it, and its contribution (weight difference × tf-idf value)
 * is shared among them by count. A word's cased form counts as the word.
 */
export function explain(model: Model, text: string, top = 8): Explanation {
  const tokens = tokenizeCased(text);
  const origins = new Map<number, { kind: FeatureKind; at: number }[]>();
  walkFeatures(tokens, model.params.features, model.params.bits, (b, kind, at) => {
    const list = origins.get(b);
    if (list) list.push({ kind, at });
    else origins.set(b, [{ kind, at }]);
  });
  const buckets = [...origins.keys()];
  const x: Sparse = {
    ptr: Int32Array.of(0, buckets.length),
    idx: Int32Array.from(buckets),
    val: Float32Array.from(buckets, (b) => origins.get(b)!.length),
  };
  tfidfInPlace(x, model.idf);
  const scores = scoreRow(model, x, 0);
  const p = confidences(scores, model.params);
  const order = p.map((_, c) => c).sort((a, b) => p[b] - p[a] || a - b);
  const [best, second] = order;
  const wb = model.weights[best];
  const ws = model.weights[second];
  const byText = new Map<string, Evidence>();
  buckets.forEach((b, j) => {
    const list = origins.get(b)!;
    const share = ((wb[b] - ws[b]) * x.val[j]) / list.length;
    for (const o of list) {
      const kind = o.kind === 'pair' ? 'pair' : 'word';
      const text = kind === 'pair' ? `${tokens[o.at - 1]} ${tokens[o.at]}` : tokens[o.at];
      const key = `${kind}:${text.toLowerCase()}`;
      const e = byText.get(key);
      if (e) e.weight += share;
      else byText.set(key, { text, kind, weight: share });
    }
  });
  const all = [...byText.values()];
  return {
    label: model.labels[best],
    confidence: p[best],
    runnerUp: { label: model.labels[second], confidence: p[second] },
    margin: scores[best] - scores[second],
    bias: model.bias[best] - model.bias[second],
    towards: all
      .filter((e) => e.weight > 0)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, top),
    away: all
      .filter((e) => e.weight < 0)
      .sort((a, b) => a.weight - b.weight)
      .slice(0, top),
  };
}
