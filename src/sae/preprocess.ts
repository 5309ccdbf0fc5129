// The papers' preprocessing, fitted on training rows only: log(|x + 1|) for non-negative intensities, then a
// z-score per feature with the training rows' mean and population standard deviation (sklearn's scale).

/**
 * What fitPreprocessing does when its options leave a step out (SAE_DEFAULTS.preprocess): no imputation (a NaN is
 * refused); with imputation, k = 5 neighbours and maxMissing = 1 (no feature dropped for missingness).
 */
export const PREPROCESS_DEFAULTS: Readonly<{ log: "auto"; zscore: true; impute: null; k: 5; maxMissing: 1 }> =
  Object.freeze({
    log: "auto",
    zscore: true,
    impute: null,
    k: 5,
    maxMissing: 1,
  } as const);

/** The ways a missing value (NaN) is filled in, from the training rows' observed values of the feature. */
export const IMPUTE_METHODS: readonly ImputeMethod[] = Object.freeze(["mean", "median", "half-min", "knn"]);

/**
 * mean, median, half-min (half the smallest observed positive value: below the detection limit), or knn (the mean
 * of the k nearest training rows that observe the feature).
 */
export type ImputeMethod = "mean" | "median" | "half-min" | "knn";

/** Which preprocessing steps are fitted on the training rows; missing ones come from PREPROCESS_DEFAULTS. */
export interface PreprocessOptions {
  /** log(|x + 1|) first: true, false, or 'auto' = when every training value is ≥ 0 (intensities). */
  log?: boolean | "auto";
  /** Centre and scale each feature. */
  zscore?: boolean;
  /**
   * Fill in missing values (NaN), fitted on the training rows, before the log and the z-score. Without it a NaN is
   * an error.
   */
  impute?: ImputeMethod | null;
  /** With impute 'knn': the neighbours averaged. */
  k?: number;
  /**
   * With impute: a feature missing in more than this share of the training rows (or never observed there) is
   * dropped: its input is held at 0 for every row. 1 keeps every feature that is observed at least once.
   */
  maxMissing?: number;
}

/**
 * The fitted imputation, saved with a model. `values` is the fill value per feature (for knn: the feature's training
 * mean, used when no training row shares an observed feature with the row); dropped features have value 0.
 * @inline
 */
export interface Imputation {
  method: ImputeMethod;
  /** Features (0-based) dropped for missingness, ascending: their input is 0 for every row. */
  dropped: number[];
  values: number[];
  /** knn: the neighbours averaged. */
  k?: number;
  /** knn: each feature's population standard deviation over its observed training values (1 where it is 0). */
  scale?: number[];
  /** knn: the training rows' raw values, null where missing: training rows × features numbers in the model. */
  rows?: Array<Array<number | null>>;
}

/** The options' imputation settings checked; the error names the option. @internal */
export function checkImputeOptions(p: PreprocessOptions, what = "trainSAE: options.preprocess"): void {
  if (p.impute !== undefined && p.impute !== null && !IMPUTE_METHODS.includes(p.impute)) {
    const names = IMPUTE_METHODS.map((m) => `'${m}'`).join(", ");
    throw new TypeError(`${what}.impute must be one of ${names}; got ${String(p.impute)}`);
  }
  if (p.k !== undefined && (!Number.isSafeInteger(p.k) || p.k < 1))
    throw new RangeError(`${what}.k must be a positive integer; got ${String(p.k)}`);
  const m = p.maxMissing;
  if (m !== undefined && (typeof m !== "number" || !(m >= 0 && m <= 1)))
    throw new RangeError(`${what}.maxMissing must be a share in [0, 1]; got ${String(m)}`);
}

/**
 * What was fitted, enough to transform new rows the same way (saved with a model).
 * @inline
 */
export interface Preprocessing {
  log: boolean;
  mean: number[] | null;
  std: number[] | null;
  /** Present only when the model imputes missing values. */
  imputation?: Imputation;
}

/** Fits on rows `rows` of X (n × d, row-major). */
export function fitPreprocessing(
  x: ArrayLike<number>,
  d: number,
  rows: ArrayLike<number>,
  options: PreprocessOptions = {},
): Preprocessing {
  if (options.impute) {
    checkImputeOptions(options);
    const imputation = fitImputation(x, d, rows, options);
    const filled = impute(imputation, x, d, rows);
    return { ...fitPreprocessing(filled, d, rows, { log: options.log, zscore: options.zscore }), imputation };
  }
  const { log = PREPROCESS_DEFAULTS.log, zscore = PREPROCESS_DEFAULTS.zscore } = options;
  let useLog = log === true;
  if (log === "auto") {
    useLog = true;
    for (let r = 0; r < rows.length && useLog; r++)
      for (let j = 0; j < d; j++) if (x[rows[r] * d + j] < 0) useLog = false;
  }
  if (!zscore) {
    // Without the z-score's passes (which take every log), the log is checked here, so fitting refuses x = −1 alike.
    if (useLog) for (let r = 0; r < rows.length; r++) for (let j = 0; j < d; j++) logOf(x[rows[r] * d + j], rows[r], j);
    return { log: useLog, mean: null, std: null };
  }
  const mean = new Array<number>(d).fill(0),
    std = new Array<number>(d).fill(0);
  const value = (i: number, j: number) => (useLog ? logOf(x[i * d + j], i, j) : x[i * d + j]);
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < d; j++) mean[j] += value(rows[r], j);
  for (let j = 0; j < d; j++) mean[j] /= rows.length;
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < d; j++) std[j] += (value(rows[r], j) - mean[j]) ** 2;
  for (let j = 0; j < d; j++) {
    std[j] = Math.sqrt(std[j] / rows.length);
    // Squares overflow near |x| = 1e154 (a feature near 1e200 got std = Infinity and became all 0) and underflow
    // near 1e-154 (a feature near 1e-170 got std = 0 and was left unscaled): those features are redone in units
    // of their largest magnitude.
    if (std[j] > 1e-150 && std[j] < 1e150) continue;
    const f = (r: number) => value(rows[r], j);
    let constant = true;
    for (let r = 1; r < rows.length && constant; r++) constant = f(r) === f(0);
    // A constant feature carries no information; scaling it by 1 keeps it at 0 instead of dividing by 0.
    if (constant) std[j] = 1;
    else [mean[j], std[j]] = scaledMoments(f, rows.length);
  }
  return { log: useLog, mean, std };
}

/** Mean and population standard deviation of f(0..n−1), not all equal, in units of max |f|. */
function scaledMoments(f: (r: number) => number, n: number): [number, number] {
  let m = 0,
    sum = 0,
    squares = 0;
  for (let r = 0; r < n; r++) m = Math.max(m, Math.abs(f(r)));
  for (let r = 0; r < n; r++) sum += f(r) / m;
  const centre = sum / n;
  for (let r = 0; r < n; r++) squares += (f(r) / m - centre) ** 2;
  // |f / m| ≤ 1, so the spread is at most 1 and spread · m cannot overflow.
  const spread = Math.sqrt(squares / n);
  return [centre * m, spread === 0 ? 1 : spread * m];
}

/**
 * A row that cannot be carried: its `column` (an input feature, 0-based like `row`) not finite once preprocessed, or
 * (column null) a network output beyond float32. Training and prediction throw it; the CLI names sample and feature.
 */
export class NotFiniteError extends RangeError {
  constructor(
    readonly row: number,
    readonly column: number | null,
    readonly reason: string,
  ) {
    super(`${column === null ? `row ${row}` : `X[${row}][${column}]`}: ${reason}`);
  }
}

/** log(|x + 1|), refused where it is not finite (x = −1) rather than passed on as −Infinity. */
function logOf(v: number, row: number, j: number): number {
  const y = Math.log(Math.abs(v + 1));
  if (!Number.isFinite(y))
    throw new NotFiniteError(row, j, `the value ${v} is not finite once preprocessed (log |x + 1| is −∞ at −1)`);
  return y;
}

/** Rows `rows` of X transformed, as a new row-major Float32Array (rows.length × d). */
export function transformRows(
  p: Preprocessing,
  x: ArrayLike<number>,
  d: number,
  rows: ArrayLike<number>,
): Float32Array {
  if (p.imputation) {
    const { imputation, ...rest } = p;
    return transformRows(rest, impute(imputation, x, d, rows), d, rows);
  }
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < d; j++) {
      let v = x[rows[r] * d + j];
      if (p.log) v = logOf(v, rows[r], j);
      if (p.mean && p.std) v = (v - p.mean[j]) / p.std[j];
      out[r * d + j] = v;
    }
  }
  return out;
}

/** The inverse of transformRows on n rows of d values, in place: the z-score undone, then exp(v) − 1 for the log. */
export function untransform(p: Preprocessing, values: Float64Array, d: number): Float64Array {
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (p.mean && p.std) v = v * p.std[i % d] + p.mean[i % d];
    // The log was fitted only on non-negative data, where log(|x + 1|) = log(x + 1).
    if (p.log) v = Math.exp(v) - 1;
    values[i] = v;
  }
  return values;
}

/** The missing cells (NaN) of rows `rows` of X among the features an imputation keeps. */
export function countMissing(imputation: Imputation, x: ArrayLike<number>, d: number, rows: ArrayLike<number>): number {
  const kept = keptFeatures(imputation, d);
  let count = 0;
  for (let r = 0; r < rows.length; r++) for (const j of kept) if (Number.isNaN(x[rows[r] * d + j])) count++;
  return count;
}

function keptFeatures(imputation: Imputation, d: number): number[] {
  const dropped = new Set(imputation.dropped);
  return Array.from({ length: d }, (_, j) => j).filter((j) => !dropped.has(j));
}

/** Each feature's observed (not NaN) values over rows `rows`. */
function observed(x: ArrayLike<number>, d: number, rows: ArrayLike<number>): number[][] {
  const values = Array.from({ length: d }, () => [] as number[]);
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < d; j++) {
      const v = x[rows[r] * d + j];
      if (!Number.isNaN(v)) values[j].push(v);
    }
  }
  return values;
}

function meanOf(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function medianOf(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const h = sorted.length >> 1;
  return sorted.length % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Half the smallest positive value; with no positive value, the smallest value (below every observation). */
function halfMinOf(values: number[]): number {
  let positive = Infinity,
    least = Infinity;
  for (const v of values) {
    if (v > 0 && v < positive) positive = v;
    if (v < least) least = v;
  }
  return positive < Infinity ? positive / 2 : least;
}

function fitImputation(x: ArrayLike<number>, d: number, rows: ArrayLike<number>, o: PreprocessOptions): Imputation {
  const method = o.impute as ImputeMethod;
  const maxMissing = o.maxMissing ?? PREPROCESS_DEFAULTS.maxMissing;
  const seen = observed(x, d, rows);
  const dropped: number[] = [];
  for (let j = 0; j < d; j++) {
    if (!seen[j].length || (rows.length - seen[j].length) / rows.length > maxMissing) dropped.push(j);
  }
  const isDropped = new Set(dropped);
  const stat = method === "median" ? medianOf : method === "half-min" ? halfMinOf : meanOf;
  const values = seen.map((v, j) => (isDropped.has(j) ? 0 : stat(v)));
  if (method !== "knn") return { method, dropped, values };
  const scale = seen.map((v, j) => {
    if (isDropped.has(j)) return 1;
    const m = values[j];
    let s = 0;
    for (const value of v) s += (value - m) ** 2;
    s = Math.sqrt(s / v.length);
    return s > 0 && Number.isFinite(s) ? s : 1;
  });
  const kept: Array<Array<number | null>> = [];
  for (let r = 0; r < rows.length; r++) {
    const row: Array<number | null> = [];
    for (let j = 0; j < d; j++) {
      const v = x[rows[r] * d + j];
      row.push(Number.isNaN(v) ? null : v);
    }
    kept.push(row);
  }
  return { method, dropped, values, k: o.k ?? PREPROCESS_DEFAULTS.k, scale, rows: kept };
}

/**
 * A copy of X with rows `rows` filled in: missing cells imputed, dropped features set to 0 (0 stays 0 under the log
 * and the z-score of a constant feature). A row with no observed value among the kept features is refused.
 */
function impute(imputation: Imputation, x: ArrayLike<number>, d: number, rows: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x);
  const kept = keptFeatures(imputation, d);
  const { rows: neighbours, scale, k = PREPROCESS_DEFAULTS.k } = imputation;
  const distance = new Float64Array(neighbours?.length ?? 0);
  const order = Int32Array.from(distance, (_, i) => i);
  for (let r = 0; r < rows.length; r++) {
    const at = rows[r] * d;
    let seen = 0;
    for (const j of kept) if (!Number.isNaN(x[at + j])) seen++;
    if (!seen) {
      throw new NotFiniteError(
        rows[r],
        null,
        `every value is missing (${kept.length} features used); nothing to impute from`,
      );
    }
    for (const j of imputation.dropped) out[at + j] = 0;
    if (seen === kept.length) continue;
    if (!neighbours || !scale) {
      for (const j of kept) if (Number.isNaN(x[at + j])) out[at + j] = imputation.values[j];
      continue;
    }
    // Mean squared difference, in units of each feature's training spread, over the features both rows observe.
    for (let i = 0; i < neighbours.length; i++) {
      let sum = 0,
        shared = 0;
      for (const j of kept) {
        const a = x[at + j],
          b = neighbours[i][j];
        if (b === null || Number.isNaN(a)) continue;
        sum += ((a - b) / scale[j]) ** 2;
        shared++;
      }
      distance[i] = shared ? sum / shared : Infinity;
    }
    order.sort((a, b) => distance[a] - distance[b] || a - b);
    for (const j of kept) {
      if (!Number.isNaN(x[at + j])) continue;
      let sum = 0,
        count = 0;
      for (let o = 0; o < order.length && count < k; o++) {
        const i = order[o];
        const b = neighbours[i][j];
        if (distance[i] === Infinity) break;
        if (b === null) continue;
        sum += b;
        count++;
      }
      out[at + j] = count ? sum / count : imputation.values[j];
    }
  }
  return out;
}
