// The two stages of the bilevel projections (Barlaud, Perez, Marmorat, Algorithms 1–3) around the ℓ1 step:
//   partials: each group y_j reduced to max |y_ij|, Σ |y_ij| or Σ y_ij² (mergeable across row blocks);
//   apply:    each group clipped to [−u_j, u_j] (ℓ1,∞), projected on the ℓ1 ball of radius u_j (ℓ1,1),
//             or scaled by u_j/‖y_j‖₂ (ℓ1,2).
// Column groups sweep rows with a vector of per-column accumulators, so a row-major matrix needs no transpose.
import { AXIS_COLUMNS, KIND_INF, KIND_L1, KIND_L2, OK, NON_FINITE, at, isFiniteF64 } from "./layout";
import { lanes, maxMagnitude, roundDown, roundUp, widenLow, widenHigh } from "./simd";
import { reduceSpan, foldPair, foldScalar, applyLanes, applyScalar, applySpan, tauBoundFromSum } from "./spans";
import { condatTau } from "./l1ball";
import { stableNorm2 } from "./stable";

// partial[g] = max / Σ |y| / Σ y² over group g; NON_FINITE when a partial is NaN or infinite.
export function groupPartials<T>(y: usize, rows: i32, cols: i32, axis: i32, kind: i32, partial: usize): i32 {
  const groups = axis == AXIS_COLUMNS ? cols : rows;
  if (axis == AXIS_COLUMNS) {
    if (kind == KIND_INF) columnMaxAbs<T>(y, rows, cols, partial);
    else if (kind == KIND_L1) reduceColumns<T>(KIND_L1, y, rows, cols, partial);
    else reduceColumns<T>(KIND_L2, y, rows, cols, partial);
  } else {
    if (kind == KIND_INF) reduceRows<T>(KIND_INF, y, rows, cols, partial);
    else if (kind == KIND_L1) reduceRows<T>(KIND_L1, y, rows, cols, partial);
    else reduceRows<T>(KIND_L2, y, rows, cols, partial);
  }
  for (let g = 0; g < groups; g++) {
    if (!isFiniteF64(load<f64>(at<f64>(partial, g)))) return NON_FINITE;
  }
  return OK;
}

// Σ_i |Y_ij| or Σ_i Y_ij² per column, in f64 accumulators (two f64x2 per f32x4 of data).
@inline function reduceColumns<T>(kind: i32, y: usize, rows: i32, cols: i32, partial: usize): void {
  memory.fill(partial, 0, <usize>cols << 3);
  for (let i = 0; i < rows; i++) {
    const row = at<T>(y, i * cols);
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const v = v128.abs<T>(v128.load(at<T>(row, j)));
      const acc = at<f64>(partial, j);
      v128.store(acc, foldPair(kind, v128.load(acc), widenLow<T>(v)));
      if (sizeof<T>() == 4) v128.store(acc, foldPair(kind, v128.load(acc, 16), widenHigh<T>(v)), 16);
    }
    for (; j < cols; j++) {
      const acc = at<f64>(partial, j);
      store<f64>(acc, foldScalar(kind, load<f64>(acc), <f64>load<T>(at<T>(row, j))));
    }
  }
}

// max_i |Y_ij| per column, four rows per sweep so each accumulator is loaded and stored once per four rows.
// The maxima are exact in T, so they accumulate as T in the front half of `partial` and are widened to f64 at
// the end, from the last column down so that no T value is overwritten before it is read.
@inline function columnMaxAbs<T>(y: usize, rows: i32, cols: i32, partial: usize): void {
  memory.fill(partial, 0, <usize>cols << alignof<T>());
  const stride = <usize>cols << alignof<T>();
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const row = at<T>(y, i * cols);
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const p = at<T>(row, j);
      const a = maxMagnitude<T>(v128.abs<T>(v128.load(p)), v128.abs<T>(v128.load(p + stride)));
      const b = maxMagnitude<T>(v128.abs<T>(v128.load(p + 2 * stride)), v128.abs<T>(v128.load(p + 3 * stride)));
      const acc = at<T>(partial, j);
      v128.store(acc, maxMagnitude<T>(v128.load(acc), maxMagnitude<T>(a, b)));
    }
    for (; j < cols; j++) {
      const p = at<T>(row, j);
      const top = max(max(abs(load<T>(p)), abs(load<T>(p + stride))), max(abs(load<T>(p + 2 * stride)), abs(load<T>(p + 3 * stride))));
      store<T>(at<T>(partial, j), max(load<T>(at<T>(partial, j)), top));
    }
  }
  for (; i < rows; i++) {
    const row = at<T>(y, i * cols);
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const acc = at<T>(partial, j);
      v128.store(acc, maxMagnitude<T>(v128.load(acc), v128.abs<T>(v128.load(at<T>(row, j)))));
    }
    for (; j < cols; j++) store<T>(at<T>(partial, j), max(load<T>(at<T>(partial, j)), abs(load<T>(at<T>(row, j)))));
  }
  if (sizeof<T>() == 4) {
    for (let j = cols - 1; j >= 0; j--) store<f64>(at<f64>(partial, j), <f64>load<T>(at<T>(partial, j)));
  }
}

@inline function reduceRows<T>(kind: i32, y: usize, rows: i32, cols: i32, partial: usize): void {
  for (let i = 0; i < rows; i++) store<f64>(at<f64>(partial, i), reduceSpan<T>(kind, at<T>(y, i * cols), cols));
}

// Norms ‖y_g‖₂ by the scaled slow path, for f64 data whose sums of squares overflow.
export function stableGroupNorms2<T>(y: usize, rows: i32, cols: i32, axis: i32, norms: usize): void {
  if (axis == AXIS_COLUMNS) {
    for (let j = 0; j < cols; j++) store<f64>(at<f64>(norms, j), stableNorm2<T>(at<T>(y, j), rows, cols));
  } else {
    for (let i = 0; i < rows; i++) store<f64>(at<f64>(norms, i), stableNorm2<T>(at<T>(y, i * cols), cols, 1));
  }
}

// Second stage: given u = P_ℓ1,η(norms) and the norms themselves, write X.
// aux holds groups + max(rows, cols) T values: per-group thresholds in T, then one group's ℓ1 candidates.
export function applyBilevel<T>(y: usize, rows: i32, cols: i32, axis: i32, kind: i32, u: usize, norms: usize, out: usize, aux: usize): void {
  const groups = axis == AXIS_COLUMNS ? cols : rows;
  groupThresholds<T>(y, rows, cols, axis, kind, u, norms, 0, groups, aux, at<T>(aux, groups));
  applyThresholds<T>(y, rows, cols, axis, kind, aux, out);
}

// The per-group thresholds in T of groups [first, last), into thresholds[first .. last): the clip level u_j (ℓ∞),
// the soft threshold λ_j of P_ℓ1,u_j(y_j) (ℓ1; `candidates` holds one group's T values), the scale u_j/‖y_j‖₂ (ℓ2).
// y is the whole matrix: λ_j needs the whole group.
export function groupThresholds<T>(y: usize, rows: i32, cols: i32, axis: i32, kind: i32, u: usize, norms: usize, first: i32, last: i32, thresholds: usize, candidates: usize): void {
  const columns = axis == AXIS_COLUMNS;
  const length = columns ? rows : cols;
  const stride = columns ? cols : 1;
  for (let g = first; g < last; g++) {
    const uj = load<f64>(at<f64>(u, g));
    const norm = load<f64>(at<f64>(norms, g));
    let t: T;
    if (kind == KIND_INF) t = roundDown<T>(uj);
    else if (kind == KIND_L2) t = norm > 0 ? roundDown<T>(min(uj / norm, 1)) : <T>0;
    else t = uj >= norm ? <T>0 : roundUp<T>(softThreshold<T>(at<T>(y, columns ? g : g * cols), length, stride, uj, norm, candidates));
    store<T>(at<T>(thresholds, g), t);
  }
}

// X from Y and the per-group T thresholds, over the given rows (a row block: y, out and, for row groups,
// thresholds start at its first row).
export function applyThresholds<T>(y: usize, rows: i32, cols: i32, axis: i32, kind: i32, thresholds: usize, out: usize): void {
  if (axis == AXIS_COLUMNS) {
    if (kind == KIND_INF) applyColumns<T>(KIND_INF, y, rows, cols, thresholds, out);
    else if (kind == KIND_L1) applyColumns<T>(KIND_L1, y, rows, cols, thresholds, out);
    else applyColumns<T>(KIND_L2, y, rows, cols, thresholds, out);
  } else {
    for (let i = 0; i < rows; i++) {
      const t = load<T>(at<T>(thresholds, i));
      const offset = i * cols;
      if (kind == KIND_INF) applySpan<T>(KIND_INF, at<T>(y, offset), cols, t, at<T>(out, offset));
      else if (kind == KIND_L1) applySpan<T>(KIND_L1, at<T>(y, offset), cols, t, at<T>(out, offset));
      else applySpan<T>(KIND_L2, at<T>(y, offset), cols, t, at<T>(out, offset));
    }
  }
}

// λ_j of P_ℓ1,u_j(y_j) = sign(y_j)·max(|y_j| − λ_j, 0), for 0 ≤ u_j < ‖y_j‖₁ (u_j = 0 zeroes the group).
@inline function softThreshold<T>(y: usize, length: i32, stride: i32, uj: f64, norm: f64, candidates: usize): f64 {
  if (uj <= 0) return Infinity;
  const bound = tauBoundFromSum(norm, length, uj);
  let count = 0;
  for (let i = 0; i < length; i++) {
    const magnitude = abs<T>(load<T>(at<T>(y, i * stride)));
    store<T>(at<T>(candidates, count), magnitude);
    count += i32(<f64>magnitude > bound);
  }
  return condatTau<T>(candidates, count, uj);
}

// Four rows per sweep, so each threshold vector (and its negation) is loaded once per four rows.
@inline function applyColumns<T>(kind: i32, y: usize, rows: i32, cols: i32, thresholds: usize, out: usize): void {
  const stride = <usize>cols << alignof<T>();
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const offset = i * cols;
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const t = v128.load(at<T>(thresholds, j));
      const negT = v128.neg<T>(t);
      const src = at<T>(y, offset + j);
      const dst = at<T>(out, offset + j);
      v128.store(dst, applyLanes<T>(kind, v128.load(src), t, negT));
      v128.store(dst + stride, applyLanes<T>(kind, v128.load(src + stride), t, negT));
      v128.store(dst + 2 * stride, applyLanes<T>(kind, v128.load(src + 2 * stride), t, negT));
      v128.store(dst + 3 * stride, applyLanes<T>(kind, v128.load(src + 3 * stride), t, negT));
    }
    for (let row = i; row < i + 4; row++) applyColumnsTail<T>(kind, y, row * cols, j, cols, thresholds, out);
  }
  for (; i < rows; i++) {
    const offset = i * cols;
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const t = v128.load(at<T>(thresholds, j));
      v128.store(at<T>(out, offset + j), applyLanes<T>(kind, v128.load(at<T>(y, offset + j)), t, v128.neg<T>(t)));
    }
    applyColumnsTail<T>(kind, y, offset, j, cols, thresholds, out);
  }
}

// The columns from `from` on that do not fill a vector.
@inline function applyColumnsTail<T>(kind: i32, y: usize, offset: i32, from: i32, cols: i32, thresholds: usize, out: usize): void {
  for (let j = from; j < cols; j++) {
    store<T>(at<T>(out, offset + j), applyScalar<T>(kind, load<T>(at<T>(y, offset + j)), load<T>(at<T>(thresholds, j))));
  }
}
