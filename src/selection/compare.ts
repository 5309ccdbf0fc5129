// compareSelectors: feature-selection methods at equal panel size. Inside each training fold every method ranks
// the features; for each panel size k the same downstream classifiers are trained on the training fold's top k
// and scored once on the test fold. Every ranking, radius and preprocessing step sees the training rows only.
import { rocAuc } from "../metrics/classification.ts";
import { PROJECTION_NAMES, type ProjectionName } from "../projections/registry.ts";
import { Generator } from "../random.ts";
import { summarize, type Summary } from "../sae/cross-validate.ts";
import { foldsProblem, stratifiedFolds } from "../sae/cv/folds.ts";
import { toDataset, type Dataset, type Labels } from "../sae/dataset.ts";
import { SAE_DEFAULTS, type SAEOptions } from "../sae/options.ts";
import { fitPreprocessing, transformRows } from "../sae/preprocess.ts";
import { trainOnRows } from "../sae/train.ts";
import { forestImportance } from "./forest.ts";
import { fitLogistic, l1LogisticPath, logisticProba } from "./logistic.ts";
import { kunchevaIndex, meanJaccard } from "./stability.ts";
import { anovaF, kruskalH, rankByScore, type LabelledMatrix } from "./univariate.ts";

/**
 * A way of ranking features: a univariate filter, the ℓ1-logistic path, a random forest, magnitude pruning of the
 * SAE's first layer ('top-k'), or the SAE with a projection of the registry ('sae-' + its name).
 */
export type SelectorName = "anova" | "kruskal" | "l1-logistic" | "forest" | "top-k" | `sae-${ProjectionName}`;

/** Every SelectorName, baselines first. */
export const SELECTOR_NAMES: readonly SelectorName[] = [
  "anova",
  "kruskal",
  "l1-logistic",
  "forest",
  "top-k",
  ...PROJECTION_NAMES.map((p) => `sae-${p}` as const),
];

/** The classifiers trained on each panel: a plain (ℓ2, C = 1) logistic regression, and the SAE without projection. */
export type DownstreamName = "logistic" | "sae";

/** compareSelectors' defaults, here only (the command line's --help reads them). */
export const COMPARE_DEFAULTS: Readonly<{
  methods: readonly SelectorName[];
  k: readonly number[];
  classifiers: readonly DownstreamName[];
  trees: 100;
  permutations: 0;
}> = Object.freeze({
  methods: Object.freeze([
    "sae-bilevel-l1inf",
    "sae-l1inf",
    "l1-logistic",
    "anova",
    "kruskal",
    "forest",
    "top-k",
  ] as SelectorName[]),
  k: Object.freeze([5, 10, 20, 50, 100]),
  classifiers: Object.freeze(["logistic", "sae"] as DownstreamName[]),
  trees: 100,
  permutations: 0,
});

/** compareSelectors' options; COMPARE_DEFAULTS and SAE_DEFAULTS hold the defaults. */
export interface CompareOptions {
  methods?: SelectorName[];
  /** Panel sizes; sizes above the feature count are left out (and listed in the result's skippedK). */
  k?: number[];
  /** Stratified folds (default SAE_DEFAULTS.folds). */
  folds?: number;
  /** A count (seeds 0..n−1) or a list; each seed reshuffles the folds and reseeds every method. */
  seeds?: number | number[];
  classifiers?: DownstreamName[];
  /**
   * The SAE's training options, for the SAE rankers (their radius is always 'auto', chosen inside the training
   * fold), top-k's phase 1, and the SAE classifier; also the preprocessing every method's input gets.
   */
  sae?: Omit<SAEOptions, "projection" | "radius" | "keep" | "onProgress" | "signal" | "featureNames">;
  /** Trees of the random forest. */
  trees?: number;
  /** With P > 0: the selection rerun P times on permuted labels, for the frequencies' p-values. */
  permutations?: number;
  /** Indices of features known to be informative (synthetic data): recall at k is reported. */
  informative?: number[];
  featureNames?: string[];
  /** Called before each step (a ranking, a panel's classifiers, a permuted ranking), with its place in the job. */
  onTask?: (event: CompareTask) => void;
  signal?: AbortSignal;
}

/** A step of compareSelectors, for progress reports. */
export interface CompareTask {
  kind: "rank" | "classify" | "permutation";
  method: SelectorName;
  seed: number;
  fold: number;
  /** 1-based permutation with kind 'permutation'. */
  permutation?: number;
  done: number;
  total: number;
}

/** One method's ranking on one training fold. */
export interface SelectionRun {
  method: SelectorName;
  seed: number;
  fold: number;
  /** The first max(k) features of the ranking, best first (0-based). */
  ranking: Int32Array;
  /** Seconds the ranking took (the SAE: its radius search and training). */
  seconds: number;
  /** SAE rankers: the radius chosen inside the training fold. */
  radius?: number | null;
  /** Per k, per classifier: the test fold's accuracy and AUC. */
  scores: Array<{ k: number; classifier: DownstreamName; accuracy: number; auc: number }>;
}

/** One method at one panel size: the scores of each classifier, stability, recall, and selection frequencies. */
export interface CompareRow {
  method: SelectorName;
  k: number;
  accuracy: Record<DownstreamName, Summary | null>;
  auc: Record<DownstreamName, Summary | null>;
  /** Kuncheva's index and the mean pairwise Jaccard over the folds × seeds panels (null with one run). */
  kuncheva: number | null;
  jaccard: number | null;
  /** With `informative`: |panel ∩ informative| / |informative| over the runs. */
  recall: Summary | null;
  /** Seconds per ranking (the same for every k of a method). */
  seconds: Summary;
  /**
   * Every feature in at least one panel: the share of runs it was in, and with permutations its p-value: the share
   * of permutations (counting the observed labels as one) whose largest frequency of any feature reached it.
   */
  features: Array<{ index: number; name: string; frequency: number; pValue?: number }>;
}

/** What compareSelectors gives: the settings run, every ranking with its test scores, and one row per method × k. */
export interface CompareResult {
  samples: number;
  features: number;
  classes: Array<number | string>;
  featureNames: string[];
  folds: number;
  seeds: number[];
  k: number[];
  skippedK: number[];
  methods: SelectorName[];
  classifiers: DownstreamName[];
  permutations: number;
  runs: SelectionRun[];
  rows: CompareRow[];
}

type SaeTraining = NonNullable<CompareOptions["sae"]>;

/** The column norms of a first-layer weight (hidden × d, row-major). */
function columnNorms(w: Float32Array, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let k = 0; k < w.length; k++) out[k % d] += w[k] * w[k];
  return out.map(Math.sqrt);
}

/** The preprocessing of `sae.preprocess` fitted on `rows`, applied to them, in float64. */
function preprocessedRows(data: Dataset, rows: Int32Array, sae: SaeTraining): Float64Array {
  const prep = fitPreprocessing(data.x, data.d, rows, sae.preprocess);
  return Float64Array.from(transformRows(prep, data.x, data.d, rows));
}

/**
 * One method's ranking of every feature, from the training rows `train` only. @internal (exported for the test
 * that scrambles the other rows).
 */
export function rankFeatures(
  method: SelectorName,
  data: Dataset,
  train: Int32Array,
  options: { sae: SaeTraining; trees: number; seed: number; maxK: number; signal?: AbortSignal },
): { ranking: Int32Array; radius?: number | null } {
  const { sae, seed } = options;
  if (method.startsWith("sae-") || method === "top-k") {
    const base = { ...sae, seed: (sae.seed ?? SAE_DEFAULTS.seed) + seed, signal: options.signal };
    const settings: SAEOptions =
      method === "top-k"
        ? // Magnitude pruning ranks by the phase-1 column norms: the order keepLargestGroups keeps them in.
          { ...base, projection: "none", epochs: [phase1(sae), 0] }
        : { ...base, projection: method.slice(4) as ProjectionName, radius: "auto" };
    const model = trainOnRows(data, settings, train);
    try {
      const before = columnNorms(model.firstLayerBeforeProjection ?? model.firstLayerWeight, data.d);
      if (method === "top-k") return { ranking: rankByScore(before) };
      // The kept features by their projected column norm, then the removed ones by their norm before projection.
      const kept = model.selectedFeatures().map((f) => f.index);
      const isKept = new Set(kept);
      const rest = Array.from(rankByScore(before)).filter((j) => !isKept.has(j));
      return { ranking: Int32Array.from([...kept, ...rest]), radius: model.info.history.radius };
    } finally {
      model.dispose();
    }
  }
  const m: LabelledMatrix = {
    x: preprocessedRows(data, train, sae),
    n: train.length,
    d: data.d,
    y: Int32Array.from(train, (r) => data.y[r]),
    classes: data.classes.length,
  };
  if (method === "anova") return { ranking: rankByScore(anovaF(m)) };
  if (method === "kruskal") return { ranking: rankByScore(kruskalH(m)) };
  if (method === "forest") return { ranking: rankByScore(forestImportance(m, { trees: options.trees, seed })) };
  if (method === "l1-logistic") return { ranking: l1LogisticPath(m, { maxFeatures: options.maxK }).ranking };
  throw new TypeError(`compareSelectors: unknown method ${JSON.stringify(method)}`);
}

function phase1(sae: SaeTraining): number {
  const e = sae.epochs ?? SAE_DEFAULTS.epochs;
  return Array.isArray(e) ? e[0] : e;
}

/** The columns `panel` of the data, as a dataset of its own. */
function columnsOf(data: Dataset, panel: ArrayLike<number>): Dataset {
  const k = panel.length;
  const x = new Float64Array(data.n * k);
  for (let i = 0; i < data.n; i++) for (let c = 0; c < k; c++) x[i * k + c] = data.x[i * data.d + panel[c]];
  return { ...data, x, d: k };
}

/** A classifier trained on the training rows of `panel`, scored on the test rows. */
function scorePanel(
  classifier: DownstreamName,
  data: Dataset,
  panel: Int32Array,
  train: Int32Array,
  test: Int32Array,
  sae: SaeTraining,
  seed: number,
): { accuracy: number; auc: number } {
  const sub = columnsOf(data, panel);
  const classes = data.classes.length;
  const truth = Int32Array.from(test, (r) => data.y[r]);
  let probabilities: Float64Array;
  if (classifier === "logistic") {
    const prep = fitPreprocessing(sub.x, sub.d, train, sae.preprocess);
    const model = fitLogistic({
      x: Float64Array.from(transformRows(prep, sub.x, sub.d, train)),
      n: train.length,
      d: sub.d,
      y: Int32Array.from(train, (r) => data.y[r]),
      classes,
    });
    probabilities = logisticProba(model, Float64Array.from(transformRows(prep, sub.x, sub.d, test)), test.length);
  } else {
    const model = trainOnRows(sub, { ...sae, projection: "none", seed: (sae.seed ?? SAE_DEFAULTS.seed) + seed }, train);
    try {
      const xTest = new Float64Array(test.length * sub.d);
      test.forEach((r, i) => xTest.set(sub.x.subarray(r * sub.d, (r + 1) * sub.d), i * sub.d));
      probabilities = model.predictProba(xTest);
    } finally {
      model.dispose();
    }
  }
  let right = 0;
  for (let i = 0; i < test.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    if (best === truth[i]) right++;
  }
  return { accuracy: right / test.length, auc: rocAuc(truth, probabilities, classes) };
}

function checkList<T>(values: readonly T[], allowed: readonly T[], what: string): void {
  if (!Array.isArray(values) || !values.length)
    throw new TypeError(`compareSelectors: ${what} must be a non-empty list`);
  for (const v of values) {
    if (!allowed.includes(v))
      throw new TypeError(`compareSelectors: unknown ${what} ${JSON.stringify(v)}; known: ${allowed.join(", ")}`);
  }
}

/** Per method and k: how often (share of runs) each feature is in the top k. */
function frequencies(runs: SelectionRun[], method: SelectorName, k: number, d: number): Float64Array {
  const mine = runs.filter((r) => r.method === method);
  const count = new Float64Array(d);
  for (const run of mine) for (let i = 0; i < k; i++) count[run.ranking[i]]++;
  return count.map((c) => c / mine.length);
}

/**
 * Compares feature-selection methods at equal panel size on stratified folds × seeds; see CompareResult. Each
 * method ranks the features from the training fold alone (the SAE at a radius chosen inside it); each classifier
 * is trained on the training fold's top k and scored once on the test fold.
 */
export function compareSelectors(
  X: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  y: Labels,
  options: CompareOptions = {},
): CompareResult {
  const what = "compareSelectors";
  const data = toDataset(X, y, what, Boolean(options.sae?.preprocess?.impute));
  const {
    methods = [...COMPARE_DEFAULTS.methods],
    k: ks = [...COMPARE_DEFAULTS.k],
    folds = SAE_DEFAULTS.folds,
    seeds = 1,
    classifiers = [...COMPARE_DEFAULTS.classifiers],
    sae = {},
    trees = COMPARE_DEFAULTS.trees,
    permutations = COMPARE_DEFAULTS.permutations,
    informative,
    signal,
    onTask,
  } = options;
  checkList(methods, SELECTOR_NAMES, "method");
  checkList(classifiers, ["logistic", "sae"] as DownstreamName[], "classifier");
  if (!Array.isArray(ks) || !ks.length || !ks.every((k) => Number.isSafeInteger(k) && k >= 1))
    throw new RangeError(`${what}: k must be a non-empty list of positive integers`);
  if (!Number.isSafeInteger(permutations) || permutations < 0)
    throw new RangeError(`${what}: permutations must be an integer ≥ 0; got ${String(permutations)}`);
  if (!Number.isSafeInteger(trees) || trees < 1)
    throw new RangeError(`${what}: trees must be a positive integer; got ${String(trees)}`);
  const featureNames = options.featureNames ?? Array.from({ length: data.d }, (_, j) => `feature ${j + 1}`);
  if (featureNames.length !== data.d)
    throw new RangeError(`${what}: ${featureNames.length} feature names for ${data.d} features`);
  if (informative && !informative.every((j) => Number.isSafeInteger(j) && j >= 0 && j < data.d))
    throw new RangeError(`${what}: informative must hold feature indices in 0..${data.d - 1}`);
  const problem = foldsProblem(data.y, data.classes, folds);
  if (problem) throw new RangeError(`${what}: ${problem}`);
  const seedList = typeof seeds === "number" ? Array.from({ length: seeds }, (_, i) => i) : seeds;
  if (!seedList.length || !seedList.every(Number.isInteger))
    throw new RangeError(`${what}: seeds must be a positive count or a list of integers`);
  const sizes = [...new Set(ks)].sort((a, b) => a - b);
  const kept = sizes.filter((k) => k <= data.d);
  if (!kept.length) throw new RangeError(`${what}: every k is above the ${data.d} features`);
  const maxK = kept[kept.length - 1];
  const all = Int32Array.from({ length: data.n }, (_, i) => i);
  const tasks = methods.length * seedList.length * folds * (1 + permutations);
  let done = 0;

  /** Every method's ranking on every training fold of every seed, for labels `labels`. */
  const rankAll = (labels: Int32Array, kind: "rank" | "permutation", permutation?: number) => {
    const d = { ...data, y: labels };
    const runs: SelectionRun[] = [];
    for (const seed of seedList) {
      stratifiedFolds(labels, data.classes.length, folds, seed).forEach((test, f) => {
        const inTest = new Set(test);
        const train = all.filter((i) => !inTest.has(i));
        for (const method of methods) {
          signal?.throwIfAborted();
          onTask?.({
            kind,
            method,
            seed,
            fold: f + 1,
            done: done++,
            total: tasks,
            ...(permutation ? { permutation } : {}),
          });
          const started = performance.now();
          const r = rankFeatures(method, d, train, { sae, trees, seed, maxK, signal });
          const seconds = (performance.now() - started) / 1000;
          signal?.throwIfAborted();
          const run: SelectionRun = {
            method,
            seed,
            fold: f + 1,
            ranking: r.ranking.slice(0, maxK),
            seconds,
            scores: [],
          };
          if (r.radius !== undefined) run.radius = r.radius;
          if (kind === "rank") {
            for (const k of kept) {
              for (const classifier of classifiers) {
                const score = scorePanel(classifier, d, run.ranking.slice(0, k), train, test, sae, seed);
                run.scores.push({ k, classifier, ...score });
              }
            }
          }
          runs.push(run);
        }
      });
    }
    return runs;
  };

  const runs = rankAll(data.y, "rank");
  // The permutation distribution of the largest selection frequency of any feature, per method and k.
  const maxima = new Map<string, number[]>();
  const generator = new Generator(0x5eed);
  for (let p = 1; p <= permutations; p++) {
    // Permuting the labels keeps each class's size, so the folds stay stratified on the permuted labels.
    const order = generator.permutation(data.n);
    const permuted = Int32Array.from(order, (i) => data.y[i]);
    const shuffled = rankAll(permuted, "permutation", p);
    for (const method of methods) {
      for (const k of kept) {
        const f = frequencies(shuffled, method, k, data.d);
        const key = `${method}\u0000${k}`;
        maxima.set(key, [...(maxima.get(key) ?? []), f.reduce((a, v) => Math.max(a, v), 0)]);
      }
    }
  }

  const rows: CompareRow[] = [];
  for (const method of methods) {
    const mine = runs.filter((r) => r.method === method);
    for (const k of kept) {
      const pick = (classifier: DownstreamName, field: "accuracy" | "auc") =>
        classifiers.includes(classifier)
          ? summarize(mine.map((r) => r.scores.find((s) => s.k === k && s.classifier === classifier)![field]))
          : null;
      const panels = mine.map((r) => r.ranking.subarray(0, k));
      const f = frequencies(runs, method, k, data.d);
      const max = maxima.get(`${method}\u0000${k}`);
      const features = Array.from(f, (frequency, index) => ({ index, name: featureNames[index], frequency }))
        .filter((e) => e.frequency > 0)
        .map((e) =>
          max ? { ...e, pValue: (1 + max.filter((m) => m >= e.frequency - 1e-12).length) / (1 + max.length) } : e,
        )
        .sort((a, b) => b.frequency - a.frequency || a.index - b.index);
      const relevant = informative ? new Set(informative) : null;
      rows.push({
        method,
        k,
        accuracy: { logistic: pick("logistic", "accuracy"), sae: pick("sae", "accuracy") },
        auc: { logistic: pick("logistic", "auc"), sae: pick("sae", "auc") },
        kuncheva: panels.length > 1 && k < data.d ? kunchevaIndex(panels, data.d) : null,
        jaccard: panels.length > 1 ? meanJaccard(panels) : null,
        recall: relevant?.size
          ? summarize(panels.map((p) => Array.from(p).filter((j) => relevant.has(j)).length / relevant.size))
          : null,
        seconds: summarize(mine.map((r) => r.seconds)),
        features,
      });
    }
  }
  return {
    samples: data.n,
    features: data.d,
    classes: data.classes,
    featureNames,
    folds,
    seeds: seedList,
    k: kept,
    skippedK: sizes.filter((k) => k > data.d),
    methods: [...methods],
    classifiers: [...classifiers],
    permutations,
    runs,
    rows,
  };
}
