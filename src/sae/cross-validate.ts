// Stratified k-fold cross-validation of the supervised autoencoder, over one or more seeds: preprocessing, the
// radius search and any epoch selection see the training fold only; the test fold is scored once, at the end.
import { classificationReport, confusionMatrix, rocAuc } from "../metrics/classification.ts";
import { silhouetteScore } from "../metrics/silhouette.ts";
import { toDataset, type Labels } from "./dataset.ts";
import { stratifiedFolds } from "./folds.ts";
import type { SAEOptions } from "./options.ts";
import { trainOnRows } from "./train.ts";

export interface CrossValidateOptions extends SAEOptions {
  /** Number of stratified folds (default 4). */
  folds?: number;
  /** Seeds: a count (seeds 0..n−1) or a list; each seed reshuffles the folds and re-initialises (default 1). */
  seeds?: number | number[];
  /** Called when a fold starts and as it trains (the SAE's own progress, tagged with seed and fold). */
  onFold?: (event: { seed: number; fold: number; folds: number; run: number; runs: number }) => void;
}

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
  /** Per test sample (in `test` order): the predicted class and the class probabilities. */
  predicted: Int32Array;
  probabilities: Float64Array;
}

/** Mean and sample standard deviation (n − 1 denominator) over the folds × seeds runs, and the values. */
export interface Summary {
  mean: number;
  std: number;
  values: number[];
}

export interface CrossValidationResult {
  classes: Array<number | string>;
  featureNames: string[];
  samples: number;
  runs: FoldResult[];
  accuracy: Summary;
  auc: Summary;
  f1: Summary;
  featureSparsity: Summary;
  secondsPerEpoch: Summary;
  /** Every feature selected at least once: how often (fraction of runs) and its mean score when selected. */
  selection: Array<{ index: number; name: string; frequency: number; meanScore: number }>;
}

export function summarize(values: number[]): Summary {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const std = finite.length > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1)) : 0;
  return { mean, std, values };
}

/**
 * Trains and scores the supervised autoencoder on stratified folds; see CrossValidationResult. Options are
 * trainSAE's, plus folds and seeds.
 */
export function crossValidate(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>, y: Labels, options: CrossValidateOptions = {}): CrossValidationResult {
  const data = toDataset(X, y, "crossValidate");
  const { folds: k = 4, seeds = 1, onFold, ...sae } = options;
  const seedList = typeof seeds === "number" ? Array.from({ length: seeds }, (_, i) => i) : seeds;
  if (!seedList.length || !seedList.every(Number.isInteger)) throw new RangeError("crossValidate: seeds must be a positive count or a list of integers");
  const featureNames = sae.featureNames ?? Array.from({ length: data.d }, (_, j) => `feature ${j + 1}`);
  if (featureNames.length !== data.d) throw new RangeError(`crossValidate: ${featureNames.length} feature names for ${data.d} features`);
  const classes = data.classes.length;
  const all = Int32Array.from({ length: data.n }, (_, i) => i);
  const runs: FoldResult[] = [];
  const total = seedList.length * k;
  for (const seed of seedList) {
    const folds = stratifiedFolds(data.y, classes, k, seed);
    folds.forEach((test, fold) => {
      onFold?.({ seed, fold: fold + 1, folds: k, run: runs.length + 1, runs: total });
      const inTest = new Set(test);
      const train = all.filter((i) => !inTest.has(i));
      const model = trainOnRows(data, { ...sae, seed: (sae.seed ?? 0) + seed }, train, featureNames);
      try {
        const xTest = new Float64Array(test.length * data.d);
        test.forEach((row, r) => xTest.set(data.x.subarray(row * data.d, (row + 1) * data.d), r * data.d));
        const truth = Int32Array.from(test, (row) => data.y[row]);
        const probabilities = model.predictProba(xTest);
        const predicted = model.predict(xTest);
        const report = classificationReport(truth, predicted, classes);
        const latent = model.encode(xTest);
        const selected = model.selectedFeatures();
        runs.push({
          seed, fold: fold + 1, test,
          accuracy: report.accuracy,
          perClassAccuracy: report.perClassAccuracy,
          precision: report.precision,
          recall: report.recall,
          f1: report.f1,
          auc: rocAuc(truth, probabilities, classes),
          confusion: confusionMatrix(truth, predicted, classes),
          silhouette: new Set(truth).size > 1 && test.length > new Set(truth).size ? silhouetteScore(latent, classes, truth) : null,
          featureSparsity: 1 - selected.length / data.d,
          selected: selected.map(({ index, score }) => ({ index, score })),
          radius: model.info.history.radius,
          secondsPerEpoch: model.info.history.secondsPerEpoch,
          losses: model.info.history.losses,
          predicted,
          probabilities,
        });
      } finally {
        model.dispose();
      }
    });
  }
  const counts = new Map<number, { times: number; score: number }>();
  for (const run of runs) {
    for (const { index, score } of run.selected) {
      const entry = counts.get(index) ?? { times: 0, score: 0 };
      entry.times += 1;
      entry.score += score;
      counts.set(index, entry);
    }
  }
  const selection = [...counts].map(([index, c]) => ({ index, name: featureNames[index], frequency: c.times / runs.length, meanScore: c.score / c.times }));
  selection.sort((a, b) => b.frequency - a.frequency || b.meanScore - a.meanScore || a.index - b.index);
  const pick = (f: (r: FoldResult) => number) => summarize(runs.map(f));
  return {
    classes: data.classes, featureNames, samples: data.n, runs,
    accuracy: pick((r) => r.accuracy),
    auc: pick((r) => r.auc),
    f1: pick((r) => r.f1),
    featureSparsity: pick((r) => r.featureSparsity),
    secondsPerEpoch: pick((r) => r.secondsPerEpoch),
    selection,
  };
}
