// Stratified k-fold cross-validation of the supervised autoencoder, over one or more seeds: preprocessing, the
// radius search and any epoch selection see the training fold only; the test fold is scored once, at the end.
import { toDataset, type Dataset, type Labels } from "./dataset.ts";
import { evaluateFold, type FoldResult } from "./cv/fold.ts";
import { runFoldsInWorkers } from "./cv/fold-workers.ts";
import { stratifiedFolds } from "./cv/folds.ts";
import type { SAEOptions } from "./options.ts";

export type { FoldResult };

export interface CrossValidateOptions extends SAEOptions {
  /** Stops at the next training step once aborted; the call then throws the signal's reason. */
  signal?: AbortSignal;
  /** Number of stratified folds (default 4). */
  folds?: number;
  /** Seeds: a count (seeds 0..n−1) or a list; each seed reshuffles the folds and re-initialises (default 1). */
  seeds?: number | number[];
  /** Called when a fold starts and as it trains (the SAE's own progress, tagged with seed and fold). */
  onFold?: (event: { seed: number; fold: number; folds: number; run: number; runs: number }) => void;
  /** Explain each test fold by integrated gradients per class (the CrossValidationResult's `attribution`). */
  attribution?: boolean;
  /** Called with each fold's scores as soon as it is done (in completion order when folds run in workers). */
  onFoldResult?: (result: FoldResult) => void;
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
  /** Silhouette of each test fold's latent points with their true labels (folds where it is undefined are skipped). */
  silhouette: Summary;
  featureSparsity: Summary;
  secondsPerEpoch: Summary;
  /** With `attribution`: per class, each feature's integrated gradient averaged over the runs' test samples. */
  attribution?: number[][];
  /** Every feature selected at least once: how often (fraction of runs) and its mean score when selected. */
  selection: Array<{ index: number; name: string; frequency: number; meanScore: number }>;
}

export function summarize(values: number[]): Summary {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const std = finite.length > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1)) : 0;
  return { mean, std, values };
}

/** What crossValidate and crossValidateInWorkers share: checked inputs, the seeds, the folds of each seed. */
function plan(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>, y: Labels, options: CrossValidateOptions, what: string) {
  const data = toDataset(X, y, what);
  const { folds: k = 4, seeds = 1, onFold, onFoldResult, onProgress, signal, ...sae } = options;
  const seedList = typeof seeds === "number" ? Array.from({ length: seeds }, (_, i) => i) : seeds;
  if (!seedList.length || !seedList.every(Number.isInteger)) throw new RangeError(`${what}: seeds must be a positive count or a list of integers`);
  const featureNames = sae.featureNames ?? Array.from({ length: data.d }, (_, j) => `feature ${j + 1}`);
  if (featureNames.length !== data.d) throw new RangeError(`${what}: ${featureNames.length} feature names for ${data.d} features`);
  const tasks = seedList.flatMap((seed) => stratifiedFolds(data.y, data.classes.length, k, seed).map((test, f) => ({ seed, fold: f + 1, test })));
  return { data, sae: { ...sae, featureNames }, featureNames, tasks, k, onFold, onFoldResult, hooks: { onProgress, signal } };
}

function aggregate(data: Dataset, featureNames: string[], runs: FoldResult[]): CrossValidationResult {
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
    silhouette: pick((r) => r.silhouette ?? NaN),
    featureSparsity: pick((r) => r.featureSparsity),
    secondsPerEpoch: pick((r) => r.secondsPerEpoch),
    selection,
    ...(runs[0]?.attribution ? { attribution: runs[0].attribution.map((row, c) => row.map((_, j) => runs.reduce((s, r) => s + r.attribution![c][j], 0) / runs.length)) } : {}),
  };
}

/**
 * Trains and scores the supervised autoencoder on stratified folds; see CrossValidationResult. Options are
 * trainSAE's, plus folds and seeds.
 */
export function crossValidate(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>, y: Labels, options: CrossValidateOptions = {}): CrossValidationResult {
  const p = plan(X, y, options, "crossValidate");
  const runs = p.tasks.map(({ seed, fold, test }, i) => {
    p.hooks.signal?.throwIfAborted();
    p.onFold?.({ seed, fold, folds: p.k, run: i + 1, runs: p.tasks.length });
    const run = evaluateFold(p.data, p.sae, seed, fold, test, p.featureNames, p.hooks);
    // A fold cut short by the signal was not trained as asked: its scores are not results.
    p.hooks.signal?.throwIfAborted();
    p.onFoldResult?.(run);
    return run;
  });
  return aggregate(p.data, p.featureNames, runs);
}

export interface ParallelOptions extends CrossValidateOptions {
  /** Worker threads running folds at once (default: the cores less one, at least 1). */
  workers?: number;
}

/**
 * crossValidate with the folds run in worker threads (Node, Deno, Bun, browsers): the same results, since each
 * fold's training depends only on its seed and rows. Progress callbacks receive the workers' events.
 */
export async function crossValidateInWorkers(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>, y: Labels, options: ParallelOptions = {}): Promise<CrossValidationResult> {
  const { workers, ...rest } = options;
  const p = plan(X, y, rest, "crossValidateInWorkers");
  const runs = await runFoldsInWorkers(p.data, p.sae, p.tasks, workers, (i) => {
    const t = p.tasks[i];
    p.onFold?.({ seed: t.seed, fold: t.fold, folds: p.k, run: i + 1, runs: p.tasks.length });
  }, { ...p.hooks, onFoldResult: p.onFoldResult });
  return aggregate(p.data, p.featureNames, runs);
}
