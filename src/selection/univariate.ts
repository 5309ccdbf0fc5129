// Univariate filters: one score per feature from that feature and the labels alone, as scikit-learn's f_classif
// (the one-way ANOVA F) and scipy.stats.kruskal (the Kruskal–Wallis H, tie-corrected) compute them.

/**
 * Samples as a row-major n × d matrix with class indices 0..classes−1: what every ranker reads.
 * @inline
 */
export interface LabelledMatrix {
  /** n × d values, row-major. */
  x: ArrayLike<number>;
  n: number;
  d: number;
  /** Class index of each row, in 0..classes−1. */
  y: ArrayLike<number>;
  classes: number;
}

/** Checks the shape of a LabelledMatrix and returns the class sizes; errors name `what`. @internal */
export function classCounts(m: LabelledMatrix, what: string): number[] {
  const { x, n, d, y, classes } = m;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || n < 1 || d < 1 || x.length !== n * d)
    throw new RangeError(`${what}: x has ${x.length} values, not n × d = ${n} × ${d}`);
  if (y.length !== n) throw new RangeError(`${what}: y has ${y.length} labels for ${n} rows`);
  if (!Number.isSafeInteger(classes) || classes < 2)
    throw new RangeError(`${what}: classes must be an integer ≥ 2; got ${classes}`);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes)
      throw new RangeError(`${what}: y[${i}] is ${c}, not a class index in 0..${classes - 1}`);
    counts[c]++;
  }
  return counts;
}

/**
 * The one-way ANOVA F statistic of each feature across the classes (scikit-learn's `f_classif`): the between-class
 * mean square over the within-class mean square, with k − 1 and n − k degrees of freedom over the classes present.
 * A constant feature gives NaN (0/0), a feature constant within each class but not across them +Infinity, as
 * there.
 */
export function anovaF(m: LabelledMatrix): Float64Array {
  const counts = classCounts(m, "anovaF");
  const { x, n, d, y, classes } = m;
  const present = counts.filter((c) => c > 0).length;
  const out = new Float64Array(d);
  const sums = new Float64Array(classes);
  for (let j = 0; j < d; j++) {
    // Deviations from a first-pass mean are exact for nearby values (Sterbenz), so a large common offset does not
    // swamp the class differences; the sums are then taken over the deviations (scipy's f_oneway does the same).
    let offset = 0;
    for (let i = 0; i < n; i++) offset += x[i * d + j];
    offset /= n;
    sums.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j] - offset;
      sums[y[i]] += v;
      total += v;
    }
    const mean = total / n;
    let between = 0;
    for (let c = 0; c < classes; c++) if (counts[c]) between += counts[c] * (sums[c] / counts[c] - mean) ** 2;
    let within = 0,
      spread = 0;
    for (let i = 0; i < n; i++) {
      within += (x[i * d + j] - offset - sums[y[i]] / counts[y[i]]) ** 2;
      spread += (x[i * d + j] - offset) ** 2;
    }
    // A within-class sum of squares at rounding level is a feature constant within each class (F = +∞), as scipy
    // finds it when its rounding happens to cancel exactly.
    if (within <= 1e-26 * spread) within = 0;
    out[j] = between / (present - 1) / (within / (n - present));
  }
  return out;
}

/**
 * Ranks 1..n of `values` with ties given their average rank (scipy's rankdata 'average'), into `ranks`; returns
 * Σ (t³ − t) over the tie groups, the Kruskal–Wallis tie correction's numerator.
 */
function averageRanks(values: Float64Array, order: Int32Array, ranks: Float64Array): number {
  const n = values.length;
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  let ties = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const t = end - start;
    const rank = (start + 1 + end) / 2;
    for (let r = start; r < end; r++) ranks[order[r]] = rank;
    ties += t * t * t - t;
    start = end;
  }
  return ties;
}

/**
 * The Kruskal–Wallis H statistic of each feature across the classes (scipy.stats.kruskal): ranks over all rows,
 * ties averaged, H = 12 / (n(n + 1)) Σ R_c² / n_c − 3(n + 1), divided by the tie correction
 * 1 − Σ(t³ − t) / (n³ − n). A constant feature gives NaN (scipy refuses it).
 */
export function kruskalH(m: LabelledMatrix): Float64Array {
  const counts = classCounts(m, "kruskalH");
  const { x, n, d, y, classes } = m;
  const out = new Float64Array(d);
  const column = new Float64Array(n);
  const order = new Int32Array(n);
  const ranks = new Float64Array(n);
  const sums = new Float64Array(classes);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = x[i * d + j];
    const ties = averageRanks(column, order, ranks);
    sums.fill(0);
    for (let i = 0; i < n; i++) sums[y[i]] += ranks[i];
    let s = 0;
    for (let c = 0; c < classes; c++) if (counts[c]) s += (sums[c] * sums[c]) / counts[c];
    const h = (12 / (n * (n + 1))) * s - 3 * (n + 1);
    const correction = 1 - ties / (n * n * n - n);
    out[j] = correction > 0 ? h / correction : NaN;
  }
  return out;
}

/**
 * Feature indices ordered by decreasing score (NaN last; ties to the lower index): a ranking from any score.
 */
export function rankByScore(scores: ArrayLike<number>): Int32Array {
  const key = (j: number) => (Number.isNaN(scores[j]) ? -Infinity : scores[j]);
  const order = Int32Array.from({ length: scores.length }, (_, j) => j);
  return order.sort((a, b) => key(b) - key(a) || a - b);
}
