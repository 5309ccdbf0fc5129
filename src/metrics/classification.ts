// Classification metrics on integer class indices 0..classes−1, with scikit-learn's conventions, so that the
// cross-validated scores of a supervised autoencoder can be compared number for number with Python pipelines.
// The number of classes is always explicit: a fold may lack a class, and the metrics must still say so.
import { describeValue } from "../args.ts";

/**
 * Class indices 0..classes−1, one per sample.
 * @inline
 */
export type Labels = Int32Array | number[];
/** Row-major n × classes scores. */
export type Probabilities = Float64Array | Float32Array | number[];

/** Accuracy, per-class accuracy, macro precision, recall and F1, and support, as scikit-learn computes them. */
export interface ClassificationReport {
  /** Fraction of samples whose predicted class is the true one. */
  accuracy: number;
  /** Recall of each class; null for a class with no sample in yTrue, where it is undefined. */
  perClassAccuracy: (number | null)[];
  /** Macro averages over all `classes` classes; a 0/0 counts as 0 (scikit-learn's zero_division=0). */
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples of each class in yTrue. */
  support: number[];
}

function checkClasses(classes: unknown, least: number): number {
  if (typeof classes !== "number") throw new TypeError(`classes must be a number; got ${describeValue(classes)}`);
  if (!Number.isInteger(classes) || classes < least)
    throw new RangeError(`classes must be an integer ≥ ${least}; got ${classes}`);
  return classes;
}

function checkLabels(labels: unknown, name: string, classes: number): Labels {
  if (!(labels instanceof Int32Array) && !Array.isArray(labels)) {
    throw new TypeError(`${name} must be an Int32Array or an array of class indices; got ${describeValue(labels)}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const label: unknown = labels[i];
    if (typeof label !== "number") throw new TypeError(`${name}[${i}] must be a number; got ${describeValue(label)}`);
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`${name}[${i}] must be a class index in 0..${classes - 1}; got ${label}`);
    }
  }
  return labels;
}

function checkPair(yTrue: unknown, yPred: unknown, classes: unknown): [Labels, Labels, number] {
  const k = checkClasses(classes, 1);
  const t = checkLabels(yTrue, "yTrue", k);
  const p = checkLabels(yPred, "yPred", k);
  if (p.length !== t.length)
    throw new RangeError(`yPred must have one label per sample of yTrue (${t.length}); got ${p.length}`);
  return [t, p, k];
}

function countMatrix(yTrue: Labels, yPred: Labels, classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]][yPred[i]]++;
  return matrix;
}

/** classes × classes counts, rows the true class and columns the predicted one, as sklearn's confusion_matrix. */
export function confusionMatrix(yTrue: Labels, yPred: Labels, classes: number): number[][] {
  return countMatrix(...checkPair(yTrue, yPred, classes));
}

/**
 * Accuracy, per-class recall and macro precision/recall/F1 over all `classes` classes. As scikit-learn with
 * zero_division=0, a class never predicted has precision 0 and a class absent from yTrue has recall 0 in the
 * macro averages (but null in perClassAccuracy, so that the table shows it is undefined rather than bad).
 */
export function classificationReport(yTrue: Labels, yPred: Labels, classes: number): ClassificationReport {
  const [t, p, k] = checkPair(yTrue, yPred, classes);
  if (t.length === 0) throw new RangeError("yTrue must hold at least one sample");
  const matrix = countMatrix(t, p, k);
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = matrix[0].map((_, c) => matrix.reduce((sum, row) => sum + row[c], 0));
  const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);
  let correct = 0;
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c][c];
    correct += tp;
    precision += ratio(tp, predicted[c]);
    recall += ratio(tp, support[c]);
    // 2·tp / (2·tp + fp + fn) is the harmonic mean of precision and recall without its 0/0 when tp = 0.
    f1 += ratio(2 * tp, support[c] + predicted[c]);
  }
  return {
    accuracy: correct / t.length,
    perClassAccuracy: support.map((s, c) => (s === 0 ? null : matrix[c][c] / s)),
    precision: precision / k,
    recall: recall / k,
    f1: f1 / k,
    support,
  };
}

function checkProbabilities(probabilities: unknown, n: number, classes: number): Probabilities {
  if (
    !(probabilities instanceof Float64Array) &&
    !(probabilities instanceof Float32Array) &&
    !Array.isArray(probabilities)
  ) {
    throw new TypeError(
      `probabilities must be a Float64Array, Float32Array or array of numbers; got ${describeValue(probabilities)}`,
    );
  }
  if (probabilities.length !== n * classes) {
    throw new RangeError(
      `probabilities must hold n × classes = ${n} × ${classes} = ${n * classes} values (row-major); ` +
        `got ${probabilities.length}`,
    );
  }
  for (let i = 0; i < probabilities.length; i++) {
    const value: unknown = probabilities[i];
    if (typeof value !== "number")
      throw new TypeError(`probabilities[${i}] must be a number; got ${describeValue(value)}`);
    if (!Number.isFinite(value)) throw new RangeError(`probabilities[${i}] must be finite; got ${value}`);
  }
  return probabilities;
}

/**
 * Area under the ROC curve of one class against the rest: the Mann–Whitney U with tied scores sharing their ranks.
 */
function oneVsRestAuc(yTrue: Labels, probabilities: Probabilities, classes: number, positive: number): number {
  const n = yTrue.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = probabilities[i * classes + positive];
  const order = new Uint32Array(n).map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0; // half-integers summed: exact in float64, so the only rounding is the final division
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const meanRank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) {
      if (yTrue[order[j]] === positive) {
        positives++;
        rankSum += meanRank;
      }
    }
    start = end;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * (n - positives));
}

/**
 * ROC AUC, equal to scikit-learn's roc_auc_score: for classes = 2 the AUC of the class-1 column; for more, the
 * unweighted mean of each class's one-vs-rest AUC (multi_class='ovr', average='macro'). Ties count half.
 * As scikit-learn, throws (RangeError) when a class has no sample in yTrue, since its AUC is undefined, and for
 * more than two classes requires each row to sum to 1 (within 1e-5): per-class AUCs of logits differ from those
 * of their softmax.
 */
export function rocAuc(yTrue: Labels, probabilities: Probabilities, classes: number): number {
  const k = checkClasses(classes, 2);
  const t = checkLabels(yTrue, "yTrue", k);
  const p = checkProbabilities(probabilities, t.length, k);
  if (k > 2) {
    for (let i = 0; i < t.length; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += p[i * k + c];
      // numpy.allclose(1, sum), scikit-learn's own test
      if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5 * Math.abs(sum))) {
        throw new RangeError(`probabilities row ${i} must sum to 1 for a one-vs-rest AUC; sums to ${sum}`);
      }
    }
  }
  const present = new Array<boolean>(k).fill(false);
  for (let i = 0; i < t.length; i++) present[t[i]] = true;
  const absent = present.indexOf(false);
  if (absent >= 0)
    throw new RangeError(`yTrue must contain every class for an AUC to be defined; class ${absent} is absent`);
  if (k === 2) return oneVsRestAuc(t, p, k, 1);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += oneVsRestAuc(t, p, k, c);
  return sum / k;
}
