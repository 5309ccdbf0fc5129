// What a JavaScript user writes by hand for the same operators: scalar loops over typed arrays, and the ℓ1
// step by sorting (Held, Wolfe, Crowder 1974) rather than Condat's linear-time algorithm. Each call returns
// a new array of the input's type, as a user's function would.

/** τ with Σ max(v_i − τ, 0) = a, for v ≥ 0 with Σ v > a; sorts v (a scratch copy) in place. */
function sortThreshold(v, a) {
  v.sort();
  let cumulative = 0;
  let tau = v[v.length - 1] - a;
  for (let k = 0; k < v.length; k++) {
    const value = v[v.length - 1 - k];
    cumulative += value;
    const candidate = (cumulative - a) / (k + 1);
    if (value <= candidate) break;
    tau = candidate;
  }
  return tau;
}

/** P_ℓ1,a(y) = sign(y)·max(|y| − τ, 0), y itself when ‖y‖₁ ≤ a. */
export function l1BallSort(y, a) {
  const n = y.length;
  const magnitudes = new y.constructor(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    magnitudes[i] = Math.abs(y[i]);
    norm += magnitudes[i];
  }
  if (norm <= a) return y.slice();
  const tau = sortThreshold(magnitudes, a);
  const x = new y.constructor(n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    x[i] = v > tau ? v - tau : v < -tau ? v + tau : 0;
  }
  return x;
}

/** v_j = max_i |Y_ij| ('inf'), Σ_i |Y_ij| ('1') or ‖y_j‖₂ ('2') for every column of a row-major matrix. */
export function columnNorms(y, rows, cols, kind) {
  const v = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const m = Math.abs(y[row + j]);
      if (kind === "inf") v[j] = m > v[j] ? m : v[j];
      else v[j] += kind === "1" ? m : m * m;
    }
  }
  if (kind === "2") for (let j = 0; j < cols; j++) v[j] = Math.sqrt(v[j]);
  return v;
}

/**
 * Bilevel projection, groups = columns: v = column norms (one loop over the matrix), u = P_ℓ1,η(v) by sorting,
 * then each column clipped to [−u_j, u_j] ('inf'), projected onto the ℓ1 ball of radius u_j ('1') or scaled
 * by u_j/v_j ('2') (a second loop).
 */
export function bilevelPlain(y, rows, cols, eta, kind) {
  const v = columnNorms(y, rows, cols, kind);
  const u = l1BallSort(v, eta);
  const x = new y.constructor(y.length);
  if (kind === "1") {
    const column = new y.constructor(rows);
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < rows; i++) column[i] = y[i * cols + j];
      const projected = l1BallSort(column, u[j]);
      for (let i = 0; i < rows; i++) x[i * cols + j] = projected[i];
    }
    return x;
  }
  const t = kind === "inf" ? u : u.map((uj, j) => (v[j] > 0 ? uj / v[j] : 0));
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const value = y[row + j];
      x[row + j] = kind === "2" ? value * t[j] : value > t[j] ? t[j] : value < -t[j] ? -t[j] : value;
    }
  }
  return x;
}
