/** Evaluation is how a model did on labelled examples. */
export interface Evaluation {
  examples: number;
  accuracy: number;
  macroF1: number;
  perLabel: { label: string; precision: number; recall: number; f1: number; support: number }[];
  /** confusion[t][p]: examples of true label t predicted as p, labels in `labels` order. */
  labels: string[];
  confusion: number[][];
}

/** evaluate computes accuracy, macro-F1, per-label precision and recall, and the confusion matrix. */
export function evaluate(truth: readonly string[], predicted: readonly string[]): Evaluation {
  const labels = [...new Set([...truth, ...predicted])].sort();
  const at = new Map(labels.map((l, k) => [l, k]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  truth.forEach((t, k) => {
    confusion[at.get(t)!][at.get(predicted[k])!]++;
    if (t === predicted[k]) correct++;
  });
  const perLabel = labels.map((label, k) => {
    const tp = confusion[k][k];
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[k], 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const withSupport = perLabel.filter((p) => p.support > 0);
  return {
    examples: truth.length,
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: withSupport.reduce((a, p) => a + p.f1, 0) / (withSupport.length || 1),
    perLabel,
    labels,
    confusion,
  };
}

/** Calibration says how far confidences can be trusted: reliability bins, ECE, coverage vs accuracy. */
export interface Calibration {
  /** Ten equal-width confidence bins; empty ones are left out. */
  bins: { from: number; to: number; examples: number; confidence: number; accuracy: number }[];
  /** Expected calibration error: the mean |accuracy − confidence| over the bins, weighted by size. */
  ece: number;
  /** At each threshold: the share of examples labelled (confidence ≥ it) and their accuracy. */
  coverage: { threshold: number; coverage: number; accuracy: number }[];
}

/** THRESHOLDS are the --min-confidence values that `classify eval` shows coverage for. */
const THRESHOLDS = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

/** calibrate measures how well confidences match how often the label was right. */
export function calibrate(correct: readonly boolean[], confidence: readonly number[], thresholds = THRESHOLDS): Calibration {
  const n = correct.length;
  const acc = Array.from({ length: 10 }, () => ({ examples: 0, confidence: 0, correct: 0 }));
  correct.forEach((ok, k) => {
    const b = acc[Math.min(9, Math.floor(confidence[k] * 10))];
    b.examples++;
    b.confidence += confidence[k];
    b.correct += ok ? 1 : 0;
  });
  const bins = acc
    .map((b, k) => ({
      from: k / 10,
      to: (k + 1) / 10,
      examples: b.examples,
      confidence: b.examples ? b.confidence / b.examples : 0,
      accuracy: b.examples ? b.correct / b.examples : 0,
    }))
    .filter((b) => b.examples > 0);
  const ece = n ? bins.reduce((a, b) => a + b.examples * Math.abs(b.accuracy - b.confidence), 0) / n : 0;
  const coverage = thresholds.map((threshold) => {
    let kept = 0;
    let right = 0;
    correct.forEach((ok, k) => {
      if (confidence[k] >= threshold) {
        kept++;
        if (ok) right++;
      }
    });
    return { threshold, coverage: n ? kept / n : 0, accuracy: kept ? right / kept : 0 };
  });
  return { bins, ece, coverage };
}
