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
    examples: truth.length, accuracy: truth.length ? correct / truth.length : 0,
    macroF1: withSupport.reduce((a, p) => a + p.f1, 0) / (withSupport.length || 1), perLabel, labels, confusion,
  };
}
