// Stratified k-fold cross-validation of the supervised autoencoder, over one or more seeds: preprocessing, the
// radius search and any epoch selection see the training fold only; the test fold is scored once, at the end.
import { availableCores } from "../pool/spawn.ts";
import { toDataset, type Dataset, type Labels } from "./dataset.ts";
import { evaluateFold, type FoldResult } from "./cv/fold.ts";
import { runFoldsInWorkers } from "./cv/fold-workers.ts";
import { foldsProblem, stratifiedFolds } from "./cv/folds.ts";
import { SAE_DEFAULTS, type SAEOptions } from "./options.ts";

export type { FoldResult };

export interface CrossValidateOptions extends SAEOptions {
  /** Stops at the next training step once aborted; the call then throws the signal's reason. */
  signal?: AbortSignal;
  /** Number of stratified folds. */
  folds?: number;
  /** Seeds: a count (seeds 0..n−1) or a list; each seed reshuffles the folds and re-initialises. */
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

/**
 * What crossValidate gives: each fold × seed run, and the scores summarised over the runs (mean, sample standard
 * deviation, and the values in run order).
 */
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

/**
 * The samples as an array of rows, or as row-major values split into one row per label.
 * @inline
 */
type Rows = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** The feature names given (checked against the data) or made up. */
function namesOf(given: string[] | undefined, data: Dataset, what: string): string[] {
  const featureNames = given ?? Array.from({ length: data.d }, (_, j) => `feature ${j + 1}`);
  if (featureNames.length !== data.d)
    throw new RangeError(`${what}: ${featureNames.length} feature names for ${data.d} features`);
  return featureNames;
}

/** What every way of running the folds shares: checked inputs, the seeds, the folds of each seed. */
function plan(X: Rows, y: Labels, options: CrossValidateOptions, what: string) {
  const data = toDataset(X, y, what, Boolean(options.preprocess?.impute));
  const { folds: k = SAE_DEFAULTS.folds, seeds = SAE_DEFAULTS.seeds, ...rest } = options;
  const { onFold, onFoldResult, onProgress, signal, ...sae } = rest;
  const problem = foldsProblem(data.y, data.classes, k);
  if (problem) throw new RangeError(`${what}: ${problem}`);
  const seedList = typeof seeds === "number" ? Array.from({ length: seeds }, (_, i) => i) : seeds;
  if (!seedList.length || !seedList.every(Number.isInteger))
    throw new RangeError(`${what}: seeds must be a positive count or a list of integers`);
  const featureNames = namesOf(sae.featureNames, data, what);
  const tasks = seedList.flatMap((seed) =>
    stratifiedFolds(data.y, data.classes.length, k, seed).map((test, f) => ({ seed, fold: f + 1, test })),
  );
  return {
    data,
    sae: { ...sae, featureNames },
    featureNames,
    tasks,
    k,
    seedList,
    onFold,
    onFoldResult,
    hooks: { onProgress, signal },
  };
}

function aggregate(
  data: Pick<Dataset, "n" | "classes">,
  featureNames: string[],
  runs: FoldResult[],
): CrossValidationResult {
  const counts = new Map<number, { times: number; score: number }>();
  for (const run of runs) {
    for (const { index, score } of run.selected) {
      const entry = counts.get(index) ?? { times: 0, score: 0 };
      entry.times += 1;
      entry.score += score;
      counts.set(index, entry);
    }
  }
  const selection = [...counts].map(([index, c]) => ({
    index,
    name: featureNames[index],
    frequency: c.times / runs.length,
    meanScore: c.score / c.times,
  }));
  selection.sort((a, b) => b.frequency - a.frequency || b.meanScore - a.meanScore || a.index - b.index);
  const pick = (f: (r: FoldResult) => number) => summarize(runs.map(f));
  return {
    classes: data.classes,
    featureNames,
    samples: data.n,
    runs,
    accuracy: pick((r) => r.accuracy),
    auc: pick((r) => r.auc),
    f1: pick((r) => r.f1),
    silhouette: pick((r) => r.silhouette ?? NaN),
    featureSparsity: pick((r) => r.featureSparsity),
    secondsPerEpoch: pick((r) => r.secondsPerEpoch),
    selection,
    ...(runs[0]?.attribution
      ? {
          attribution: runs[0].attribution.map((row, c) =>
            row.map((_, j) => runs.reduce((s, r) => s + r.attribution![c][j], 0) / runs.length),
          ),
        }
      : {}),
  };
}

type Plan = ReturnType<typeof plan>;

/** The folds one after another on the calling thread. */
function onThisThread(p: Plan): CrossValidationResult {
  const runs = p.tasks.map(({ seed, fold, test }, i) => {
    p.hooks.signal?.throwIfAborted();
    p.onFold?.({ seed, fold, folds: p.k, run: i + 1, runs: p.tasks.length });
    const run = evaluateFold(p.data, p.sae, seed, fold, test, p.featureNames, p.hooks);
    // A fold cut short by the signal was not trained as asked: its scores are not results.
    p.hooks.signal?.throwIfAborted();
    p.onFoldResult?.(run);
    return run;
  });
  return mergeResults(planOf(p), runs);
}

/** One task of a cross-validation grid: the seed's fold (1-based) whose rows (`test`, increasing) are scored. */
export interface CrossValidationTask {
  seed: number;
  fold: number;
  test: Int32Array;
}

/**
 * Everything the tasks of one setting and their merge share, as plain data (JSON once `test` is an array): the
 * folds drawn for each seed, in the order crossValidate runs them (seed by seed, fold by fold).
 */
export interface CrossValidationPlan {
  samples: number;
  classes: Array<number | string>;
  featureNames: string[];
  folds: number;
  seeds: number[];
  tasks: CrossValidationTask[];
}

/**
 * The folds × seeds runs of crossValidate(X, y, options) as separate tasks, for running them elsewhere (another
 * process, a cluster's job array): each is `runTask`'s, and `mergeResults` turns their results into the
 * CrossValidationResult that crossValidate returns.
 */
export function planCrossValidation(X: Rows, y: Labels, options: CrossValidateOptions = {}): CrossValidationPlan {
  return planOf(plan(X, y, options, "planCrossValidation"));
}

/** The tasks and what their merge needs, as data. */
function planOf(p: Plan): CrossValidationPlan {
  return {
    samples: p.data.n,
    classes: p.data.classes,
    featureNames: p.featureNames,
    folds: p.k,
    seeds: p.seedList,
    tasks: p.tasks,
  };
}

/** `test` checked as a task's test rows for n samples: integers, increasing, in range, leaving rows to train on. */
function checkTest(test: unknown, n: number, what: string): Int32Array {
  if (!(test instanceof Int32Array) && !Array.isArray(test))
    throw new TypeError(`${what}: task.test must be an Int32Array or an array of row indices`);
  const rows = Int32Array.from(test as ArrayLike<number>);
  if (!rows.length || rows.length >= n)
    throw new RangeError(`${what}: task.test must hold between 1 and ${n - 1} of the ${n} rows; got ${rows.length}`);
  for (let i = 0; i < rows.length; i++) {
    const v = (test as ArrayLike<number>)[i];
    if (v !== rows[i] || v < 0 || v >= n || (i > 0 && v <= rows[i - 1]))
      throw new RangeError(`${what}: task.test[${i}] must be a row index in 0..${n - 1}, above the one before`);
  }
  return rows;
}

/**
 * Runs one task of planCrossValidation(X, y, options) (the same X, y and options): trains on the rows outside
 * `task.test` and scores them, exactly as crossValidate does for that seed and fold.
 */
export function runTask(X: Rows, y: Labels, options: CrossValidateOptions, task: CrossValidationTask): FoldResult {
  const what = "runTask";
  const data = toDataset(X, y, what, Boolean(options.preprocess?.impute));
  if (task === null || typeof task !== "object") throw new TypeError(`${what}: task must be an object`);
  const { seed, fold } = task;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${what}: task.seed must be an integer; got ${seed}`);
  if (!Number.isSafeInteger(fold) || fold < 1) throw new RangeError(`${what}: task.fold must be ≥ 1; got ${fold}`);
  const test = checkTest(task.test, data.n, what);
  const { folds, seeds, onFold, onFoldResult, onProgress, signal, ...sae } = options;
  const featureNames = namesOf(sae.featureNames, data, what);
  return evaluateFold(data, { ...sae, featureNames }, seed, fold, test, featureNames, { onProgress, signal });
}

/**
 * The CrossValidationResult of a plan's tasks from their results (`results[i]` is task i's): what crossValidate
 * returns. Throws a RangeError naming the tasks without a result, or whose result is another task's.
 */
export function mergeResults(
  plan: CrossValidationPlan,
  results: ArrayLike<FoldResult | null | undefined>,
): CrossValidationResult {
  const what = "mergeResults";
  if (plan === null || typeof plan !== "object" || !Array.isArray(plan.tasks))
    throw new TypeError(`${what}: plan must be what planCrossValidation returns`);
  const missing: number[] = [];
  const runs = plan.tasks.map((task, i) => {
    const run = results[i];
    if (run === null || run === undefined) missing.push(i);
    else if (run.seed !== task.seed || run.fold !== task.fold)
      throw new RangeError(`${what}: results[${i}] is seed ${run.seed} fold ${run.fold}, not task ${i}'s`);
    return run!;
  });
  if (missing.length) {
    const shown = missing.slice(0, 20).join(", ") + (missing.length > 20 ? ", …" : "");
    throw new RangeError(`${what}: ${missing.length} of ${plan.tasks.length} tasks have no result (${shown})`);
  }
  return aggregate({ n: plan.samples, classes: plan.classes }, plan.featureNames, runs);
}

export interface ParallelOptions extends CrossValidateOptions {
  /**
   * Worker threads running folds at once (Node, Deno, Bun, browsers); 1 runs them on the calling thread. The
   * results are the same for any number, since each fold's training depends only on its seed and rows.
   */
  workers?: number;
}

/** The folds in `workers` threads, or on this one (workers = 1); progress callbacks receive the workers' events. */
async function inWorkers(X: Rows, y: Labels, options: ParallelOptions & { workers: number }, what: string) {
  const { workers, ...rest } = options;
  const p = plan(X, y, rest, what);
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new RangeError(`${what}: workers must be a positive integer; got ${String(workers)}`);
  }
  if (workers === 1) return onThisThread(p);
  const runs = await runFoldsInWorkers(
    p.data,
    p.sae,
    p.tasks,
    workers,
    (i) => {
      const t = p.tasks[i];
      p.onFold?.({ seed: t.seed, fold: t.fold, folds: p.k, run: i + 1, runs: p.tasks.length });
    },
    { ...p.hooks, onFoldResult: p.onFoldResult },
  );
  return mergeResults(planOf(p), runs);
}

/**
 * Trains and scores the supervised autoencoder on stratified folds; see CrossValidationResult. Options are
 * trainSAE's, plus folds and seeds; SAE_DEFAULTS holds the defaults. Without `workers` the folds run on the calling
 * thread and the result is returned; with `workers` (1: still this thread) it comes as a promise.
 */
export function crossValidate(
  X: Rows,
  y: Labels,
  options: ParallelOptions & { workers: number },
): Promise<CrossValidationResult>;
export function crossValidate(
  X: Rows,
  y: Labels,
  options?: CrossValidateOptions & { workers?: undefined },
): CrossValidationResult;
export function crossValidate(
  X: Rows,
  y: Labels,
  options: ParallelOptions = {},
): CrossValidationResult | Promise<CrossValidationResult> {
  const { workers } = options;
  if (workers === undefined) return onThisThread(plan(X, y, options, "crossValidate"));
  return inWorkers(X, y, { ...options, workers }, "crossValidate");
}

/**
 * crossValidate with `workers` defaulting to the cores less one (at least 1).
 * @deprecated Use crossValidate with the `workers` option.
 */
export async function crossValidateInWorkers(
  X: Rows,
  y: Labels,
  options: ParallelOptions = {},
): Promise<CrossValidationResult> {
  const workers = options.workers ?? Math.max(1, (await availableCores()) - 1);
  return inWorkers(X, y, { ...options, workers }, "crossValidateInWorkers");
}
