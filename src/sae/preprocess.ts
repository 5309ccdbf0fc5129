// The papers' preprocessing, fitted on training rows only: log(|x + 1|) for non-negative intensities, then a
// z-score per feature with the training rows' mean and population standard deviation (sklearn's scale).

/** What fitPreprocessing does when its options leave a step out (SAE_DEFAULTS.preprocess). */
export const PREPROCESS_DEFAULTS: Readonly<{ log: "auto"; zscore: true }> = Object.freeze({
  log: "auto",
  zscore: true,
} as const);

/** Which preprocessing steps are fitted on the training rows; missing ones come from PREPROCESS_DEFAULTS. */
export interface PreprocessOptions {
  /** log(|x + 1|) first: true, false, or 'auto' = when every training value is ≥ 0 (intensities). */
  log?: boolean | "auto";
  /** Centre and scale each feature. */
  zscore?: boolean;
}

/**
 * What was fitted, enough to transform new rows the same way (saved with a model).
 * @inline
 */
export interface Preprocessing {
  log: boolean;
  mean: number[] | null;
  std: number[] | null;
}

/** Fits on rows `rows` of X (n × d, row-major). */
export function fitPreprocessing(
  x: ArrayLike<number>,
  d: number,
  rows: ArrayLike<number>,
  options: PreprocessOptions = {},
): Preprocessing {
  const { log = PREPROCESS_DEFAULTS.log, zscore = PREPROCESS_DEFAULTS.zscore } = options;
  let useLog = log === true;
  if (log === "auto") {
    useLog = true;
    for (let r = 0; r < rows.length && useLog; r++)
      for (let j = 0; j < d; j++) if (x[rows[r] * d + j] < 0) useLog = false;
  }
  if (useLog) for (let r = 0; r < rows.length; r++) for (let j = 0; j < d; j++) logOf(x[rows[r] * d + j], rows[r], j);
  if (!zscore) return { log: useLog, mean: null, std: null };
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
