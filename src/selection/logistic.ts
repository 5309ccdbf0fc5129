// Regularised logistic regression in float64, as scikit-learn's LogisticRegression fits it: two classes one weight
// vector (the sigmoid), more classes one per class (the multinomial softmax); the intercepts are not penalised.
// Minimises  C · Σᵢ loss(xᵢ, yᵢ) + R(W)  with R = ‖W‖₁ (penalty 'l1') or ½‖W‖²_F ('l2'), by FISTA (Beck &
// Teboulle 2009) with backtracking on the Lipschitz constant and O'Donoghue & Candès' adaptive restart.
import { classCounts, type LabelledMatrix } from "./univariate.ts";

/** A fitted logistic regression: `weights` is rows × d row-major (rows = 1 for two classes, else the classes). */
export interface LogisticModel {
  weights: Float64Array;
  intercept: Float64Array;
  d: number;
  classes: number;
  /** FISTA iterations run, and whether the tolerance was met before maxIter. */
  iterations: number;
  converged: boolean;
}

/** fitLogistic's options: the strength, the penalty, the stopping rule and a warm start. */
export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn's C (default 1). */
  C?: number;
  /** 'l2' (default, scikit-learn's) or 'l1' (sparse). */
  penalty?: "l1" | "l2";
  /** Stop when no coefficient moves more than tol × max(1, largest |coefficient|) in an iteration (1e-8). */
  tol?: number;
  /** Iteration cap (10000). */
  maxIter?: number;
  /** A previous solution to start from (warm start along a path); same shape. */
  start?: LogisticModel;
}

/** The smooth part: mean loss and its gradient (into gw, gb) at (w, b). */
function lossAndGradient(
  m: LabelledMatrix,
  rows: number,
  w: Float64Array,
  b: Float64Array,
  z: Float64Array,
  gw: Float64Array | null,
  gb: Float64Array | null,
): number {
  const { x, n, d, y } = m;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      let s = b[r];
      for (let j = 0; j < d; j++) s += x[i * d + j] * w[r * d + j];
      z[i * rows + r] = s;
    }
    if (rows === 1) {
      // log(1 + e^s) − y s, and σ(s) − y, computed without overflow for large |s|.
      const s = z[i];
      loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - (y[i] === 1 ? s : 0);
      z[i] = (s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s))) - (y[i] === 1 ? 1 : 0);
    } else {
      let top = -Infinity;
      for (let r = 0; r < rows; r++) top = Math.max(top, z[i * rows + r]);
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += Math.exp(z[i * rows + r] - top);
      loss += top + Math.log(sum) - z[i * rows + y[i]];
      for (let r = 0; r < rows; r++) z[i * rows + r] = Math.exp(z[i * rows + r] - top) / sum - (r === y[i] ? 1 : 0);
    }
  }
  if (gw && gb) {
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < rows; r++) {
        const e = z[i * rows + r] / n;
        gb[r] += e;
        for (let j = 0; j < d; j++) gw[r * d + j] += e * x[i * d + j];
      }
    }
  }
  return loss / n;
}

function checkOptions(options: LogisticOptions, what: string) {
  const { C = 1, penalty = "l2", tol = 1e-8, maxIter = 10000 } = options;
  if (typeof C !== "number" || !(C > 0 && C < Infinity))
    throw new RangeError(`${what}: options.C must be a finite number > 0; got ${String(C)}`);
  if (penalty !== "l1" && penalty !== "l2")
    throw new TypeError(`${what}: options.penalty must be 'l1' or 'l2'; got ${String(penalty)}`);
  if (typeof tol !== "number" || !(tol > 0)) throw new RangeError(`${what}: options.tol must be > 0; got ${tol}`);
  if (!Number.isSafeInteger(maxIter) || maxIter < 1)
    throw new RangeError(`${what}: options.maxIter must be a positive integer; got ${maxIter}`);
  return { C, penalty, tol, maxIter };
}

/**
 * Fits a logistic regression on a labelled matrix (see LogisticModel); scikit-learn's
 * `LogisticRegression(penalty, C)` minimises the same objective, so at convergence both give the same model.
 */
export function fitLogistic(m: LabelledMatrix, options: LogisticOptions = {}): LogisticModel {
  classCounts(m, "fitLogistic");
  const { C, penalty, tol, maxIter } = checkOptions(options, "fitLogistic");
  const { n, d, classes } = m;
  const rows = classes === 2 ? 1 : classes;
  // The objective divided by C·n: mean loss + alpha · R(W).
  const alpha = 1 / (C * n);
  const size = rows * d;
  const w = new Float64Array(size),
    b = new Float64Array(rows);
  if (options.start) {
    if (options.start.weights.length !== size || options.start.intercept.length !== rows)
      throw new RangeError("fitLogistic: options.start has another shape");
    w.set(options.start.weights);
    b.set(options.start.intercept);
  }
  const wPrev = Float64Array.from(w),
    bPrev = Float64Array.from(b);
  const yw = Float64Array.from(w),
    yb = Float64Array.from(b);
  const gw = new Float64Array(size),
    gb = new Float64Array(rows);
  const z = new Float64Array(n * rows);
  // Start from a step no longer than 1 / L for L = ‖[X 1]‖²_F / n (≥ the smooth part's Lipschitz constant);
  // backtracking may lengthen it by halving L when a step is accepted at once.
  let sq = n;
  for (let i = 0; i < m.x.length; i++) sq += m.x[i] * m.x[i];
  let L = sq / n;
  const prox = (v: number, t: number) =>
    penalty === "l1" ? Math.sign(v) * Math.max(0, Math.abs(v) - t * alpha) : v / (1 + t * alpha);
  let t = 1;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIter && !converged; iterations++) {
    const f = lossAndGradient(m, rows, yw, yb, z, gw, gb);
    wPrev.set(w);
    bPrev.set(b);
    // Backtracking: the smooth part at the prox step must lie under its quadratic model at y.
    for (;;) {
      const step = 1 / L;
      let model = f;
      for (let k = 0; k < size; k++) {
        w[k] = prox(yw[k] - step * gw[k], step);
        const dk = w[k] - yw[k];
        model += gw[k] * dk + (L / 2) * dk * dk;
      }
      for (let r = 0; r < rows; r++) {
        b[r] = yb[r] - step * gb[r];
        const dr = b[r] - yb[r];
        model += gb[r] * dr + (L / 2) * dr * dr;
      }
      const fNew = lossAndGradient(m, rows, w, b, z, null, null);
      if (fNew <= model + 1e-12 * Math.abs(f)) break;
      L *= 2;
    }
    let change = 0,
      largest = 0,
      restart = 0;
    for (let k = 0; k < size; k++) {
      change = Math.max(change, Math.abs(w[k] - wPrev[k]));
      largest = Math.max(largest, Math.abs(w[k]));
      restart += (yw[k] - w[k]) * (w[k] - wPrev[k]);
    }
    for (let r = 0; r < rows; r++) {
      change = Math.max(change, Math.abs(b[r] - bPrev[r]));
      largest = Math.max(largest, Math.abs(b[r]));
      restart += (yb[r] - b[r]) * (b[r] - bPrev[r]);
    }
    converged = change <= tol * Math.max(1, largest);
    // Momentum that points uphill is dropped (adaptive restart); otherwise the usual FISTA extrapolation.
    if (restart > 0) t = 1;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    t = tNext;
    for (let k = 0; k < size; k++) yw[k] = w[k] + beta * (w[k] - wPrev[k]);
    for (let r = 0; r < rows; r++) yb[r] = b[r] + beta * (b[r] - bPrev[r]);
    L *= 0.9;
  }
  return { weights: w, intercept: b, d, classes, iterations, converged };
}

/** Class probabilities (rows × classes, row-major) of the n rows of `x` (n × d, row-major). */
export function logisticProba(model: LogisticModel, x: ArrayLike<number>, n: number): Float64Array {
  const { weights: w, intercept: b, d, classes } = model;
  if (x.length !== n * d) throw new RangeError(`logisticProba: x has ${x.length} values, not ${n} × ${d}`);
  const out = new Float64Array(n * classes);
  const rows = classes === 2 ? 1 : classes;
  const z = new Float64Array(rows);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      let s = b[r];
      for (let j = 0; j < d; j++) s += x[i * d + j] * w[r * d + j];
      z[r] = s;
    }
    if (rows === 1) {
      const p = z[0] >= 0 ? 1 / (1 + Math.exp(-z[0])) : Math.exp(z[0]) / (1 + Math.exp(z[0]));
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    } else {
      let top = -Infinity;
      for (let r = 0; r < rows; r++) top = Math.max(top, z[r]);
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += Math.exp(z[r] - top);
      for (let r = 0; r < rows; r++) out[i * classes + r] = Math.exp(z[r] - top) / sum;
    }
  }
  return out;
}

/** The features with a non-zero coefficient for some class (ascending indices). */
export function logisticSupport(model: LogisticModel): number[] {
  const rows = model.weights.length / model.d;
  const out: number[] = [];
  for (let j = 0; j < model.d; j++) {
    let nonzero = false;
    for (let r = 0; r < rows; r++) if (model.weights[r * model.d + j] !== 0) nonzero = true;
    if (nonzero) out.push(j);
  }
  return out;
}

/** The ℓ1 path's options: how many values of C, over how many decades above the smallest useful one. */
export interface L1PathOptions {
  /** Values of C on the path, log-spaced (default 30). */
  steps?: number;
  /** Decades the path spans above C_min, the C below which no feature enters (default 4). */
  decades?: number;
  /** Stop the path once this many features have entered (default: every step is fitted). */
  maxFeatures?: number;
  /** Passed to each fit (default tol 1e-4, scikit-learn's, and maxIter 1000: a ranking needs the order of entry). */
  tol?: number;
  maxIter?: number;
}

/** The ℓ1-logistic path: the C values fitted, and the features in order of entry. */
export interface L1Path {
  cs: number[];
  /** Every feature: those that entered, by the step they entered at (then by |coefficient| there), then the rest. */
  ranking: Int32Array;
  /** The step (index into cs) each feature entered at, or −1. */
  entered: Int32Array;
  /** Features with a non-zero coefficient at each step. */
  supportSizes: number[];
}

/**
 * The ℓ1-regularised logistic regression along an increasing C, warm-started, from C_min = 1 / (n · max|∇|) at
 * W = 0 (with the intercepts fitted: below it the solution has no feature) over `decades` decades. A feature's rank
 * is the step it first enters at, ties broken by the ℓ1 norm of its coefficients there; features that never enter
 * follow by the largest |gradient| of the last solution, the next to enter (the KKT violation to come).
 */
export function l1LogisticPath(m: LabelledMatrix, options: L1PathOptions = {}): L1Path {
  const counts = classCounts(m, "l1LogisticPath");
  const { steps = 30, decades = 4, maxFeatures = m.d, tol = 1e-4, maxIter = 1000 } = options;
  if (!Number.isSafeInteger(steps) || steps < 1)
    throw new RangeError(`l1LogisticPath: options.steps must be a positive integer; got ${steps}`);
  if (!(decades > 0 && decades < 300))
    throw new RangeError(`l1LogisticPath: options.decades must be in (0, 300); got ${decades}`);
  const { n, d, classes } = m;
  const rows = classes === 2 ? 1 : classes;
  // At W = 0 the best intercepts give every row the class frequencies: the gradient there.
  const prior = counts.map((c) => Math.max(c, 0.5) / n);
  const b0 = new Float64Array(rows);
  if (rows === 1) b0[0] = Math.log(prior[1] / prior[0]);
  else for (let r = 0; r < rows; r++) b0[r] = Math.log(prior[r]);
  const gradientAt = (w: Float64Array, b: Float64Array) => {
    const gw = new Float64Array(rows * d);
    lossAndGradient(m, rows, w, b, new Float64Array(n * rows), gw, new Float64Array(rows));
    return gw;
  };
  const columnMax = (g: Float64Array) =>
    Float64Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let r = 0; r < rows; r++) s = Math.max(s, Math.abs(g[r * d + j]));
      return s;
    });
  const g0 = columnMax(gradientAt(new Float64Array(rows * d), b0));
  const top = g0.reduce((a, v) => Math.max(a, v), 0);
  const entered = new Int32Array(d).fill(-1);
  const strength = new Float64Array(d);
  const cs: number[] = [];
  const supportSizes: number[] = [];
  let last: LogisticModel = {
    weights: new Float64Array(rows * d),
    intercept: b0,
    d,
    classes,
    iterations: 0,
    converged: true,
  };
  if (top > 0) {
    const cMin = 1 / (n * top);
    let count = 0;
    for (let s = 0; s < steps && count < maxFeatures; s++) {
      const C = cMin * 10 ** ((decades * (s + 1)) / steps);
      last = fitLogistic(m, { C, penalty: "l1", tol, maxIter, start: last });
      cs.push(C);
      const support = logisticSupport(last);
      supportSizes.push(support.length);
      for (const j of support) {
        if (entered[j] >= 0) continue;
        entered[j] = s;
        count++;
        for (let r = 0; r < rows; r++) strength[j] += Math.abs(last.weights[r * d + j]);
      }
    }
  }
  const next = columnMax(gradientAt(last.weights, last.intercept));
  const order = Int32Array.from({ length: d }, (_, j) => j).sort((a, b) => {
    const ea = entered[a] < 0 ? Infinity : entered[a],
      eb = entered[b] < 0 ? Infinity : entered[b];
    if (ea !== eb) return ea - eb;
    if (ea !== Infinity) return strength[b] - strength[a] || a - b;
    return next[b] - next[a] || a - b;
  });
  return { cs, ranking: order, entered, supportSizes };
}
