// One cross-validation fold: train on the other folds' rows, score the test fold once. Shared by crossValidate
// and the fold workers.
import { classificationReport, confusionMatrix, rocAuc } from "../../metrics/classification.ts";
import { silhouetteScore } from "../../metrics/silhouette.ts";
import type { Dataset } from "../dataset.ts";
import type { ProgressEvent, SAEOptions } from "../options.ts";
import { integratedGradients } from "../attribution.ts";
import type { SAEModel } from "../model.ts";
import { trainOnRows } from "../train.ts";
import { countMissing } from "../preprocess.ts";

/** Per class, the mean attribution of each feature over the test samples of that class, toward that class. */
function classAttributions(model: SAEModel, xTest: Float64Array, truth: Int32Array, classes: number): number[][] {
  const d = model.features;
  return Array.from({ length: classes }, (_, c) => {
    const rows = [...truth.keys()].filter((r) => truth[r] === c);
    const x = new Float64Array(rows.length * d);
    rows.forEach((r, i) => x.set(xTest.subarray(r * d, (r + 1) * d), i * d));
    const ig = integratedGradients(model, x, { target: c });
    return Array.from(
      { length: d },
      (_, j) => rows.reduce((sum, _, i) => sum + ig[i * d + j], 0) / Math.max(1, rows.length),
    );
  });
}

/** The scores of one run (a seed's fold): the model trained on the other folds, tested on `test` (row indices). */
export interface FoldResult {
  seed: number;
  fold: number;
  test: Int32Array;
  accuracy: number;
  /** Recall of each class (null for a class absent from the test fold). */
  perClassAccuracy: Array<number | null>;
  precision: number;
  recall: number;
  f1: number;
  /** ROC AUC from the predicted probabilities (one-vs-rest macro beyond two classes). */
  auc: number;
  confusion: number[][];
  /** Silhouette of the test samples' latent points, with their true labels. */
  silhouette: number | null;
  featureSparsity: number;
  /** The input features kept by the first layer, strongest first, with their score (column norm / largest). */
  selected: Array<{ index: number; score: number }>;
  radius: number | null;
  secondsPerEpoch: number;
  losses: [number[], number[]];
  /** With `attribution`: per class, the mean integrated gradient of each feature over the class's test samples. */
  attribution?: number[][];
  /** Per test sample (in `test` order): the predicted class and the class probabilities. */
  predicted: Int32Array;
  probabilities: Float64Array;
  /**
   * With `preprocess.impute`: the missing cells filled in for this run, over its training and test rows (every
   * row), among the features it kept.
   */
  imputed?: number;
  /** With `preprocess.impute`: the features (0-based) dropped for missingness in this run's training rows. */
  droppedFeatures?: number[];
}

/** The options a fold needs, without the callbacks (which cannot cross into a worker). @internal */
export type FoldOptions = Omit<SAEOptions, "onProgress" | "signal"> & {
  /** Also explain the test fold: per class, the mean integrated gradients of its samples toward their class. */
  attribution?: boolean;
};

/** One fold: train on every row outside `test`, score `test` once. @internal */
export function evaluateFold(
  data: Dataset,
  sae: FoldOptions,
  seed: number,
  fold: number,
  test: Int32Array,
  featureNames: string[],
  hooks: Pick<SAEOptions, "onProgress" | "signal"> = {},
): FoldResult {
  const inTest = new Set(test);
  const train = Int32Array.from({ length: data.n }, (_, i) => i).filter((i) => !inTest.has(i));
  const onProgress = hooks.onProgress && ((event: ProgressEvent) => hooks.onProgress!({ ...event, seed, fold }));
  const model = trainOnRows(
    data,
    { ...sae, signal: hooks.signal, onProgress, seed: (sae.seed ?? 0) + seed },
    train,
    featureNames,
  );
  try {
    const xTest = new Float64Array(test.length * data.d);
    test.forEach((row, r) => xTest.set(data.x.subarray(row * data.d, (row + 1) * data.d), r * data.d));
    const truth = Int32Array.from(test, (row) => data.y[row]);
    const classes = data.classes.length;
    const probabilities = model.predictProba(xTest);
    const predicted = model.predict(xTest);
    const report = classificationReport(truth, predicted, classes);
    const selected = model.selectedFeatures();
    const imputation = model.info.preprocessing.imputation;
    const all = Int32Array.from({ length: data.n }, (_, i) => i);
    return {
      seed,
      fold,
      test,
      accuracy: report.accuracy,
      perClassAccuracy: report.perClassAccuracy,
      precision: report.precision,
      recall: report.recall,
      f1: report.f1,
      auc: rocAuc(truth, probabilities, classes),
      confusion: confusionMatrix(truth, predicted, classes),
      // Defined when the test fold has at least two classes and a class with two points.
      silhouette:
        test.length > new Set(truth).size && new Set(truth).size > 1
          ? silhouetteScore(model.encode(xTest), classes, truth)
          : null,
      featureSparsity: 1 - selected.length / data.d,
      selected: selected.map(({ index, score }) => ({ index, score })),
      radius: model.info.history.radius,
      secondsPerEpoch: model.info.history.secondsPerEpoch,
      losses: model.info.history.losses,
      predicted,
      probabilities,
      ...(imputation
        ? { imputed: countMissing(imputation, data.x, data.d, all), droppedFeatures: [...imputation.dropped] }
        : {}),
      ...(sae.attribution ? { attribution: classAttributions(model, xTest, truth, classes) } : {}),
    };
  } finally {
    model.dispose();
  }
}
