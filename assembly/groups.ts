// The two stages of the bilevel projections (Barlaud, Perez, Marmorat, Algorithms 1–3) around the ℓ1 step
// u = P_ℓ1,η(‖y_1‖, …, ‖y_m‖), on the grouped view [outer, groups, inner] of layout.ts (group g = Y[:, g, :]):
//   partials: each group y_g reduced to max |y|, Σ |y| or Σ y² (mergeable across blocks of the outer dimension);
//   apply:    each group clipped to [−u_g, u_g] (ℓ1,∞), projected on the ℓ1 ball of radius u_g (ℓ1,1),
//             or scaled by u_g/‖y_g‖₂ (ℓ1,2).
// Every shape is swept one of two ways (sweepsColumns), so the matrix cases are this code, not a copy of it:
//   columns — Y read as the [outer, groups·inner] matrix, whose columns are reduced with a row of per-column
//             accumulators (or clipped with a row of thresholds): SIMD across the row, no transpose. Each run of
//             `inner` columns is then folded into its group. Matrix columns (inner = 1), and short spans such as
//             a 3×3 kernel's 9 taps, which alone would not fill the vectors.
//   spans   — each span Y[o, g, :] reduced or applied by the span helpers (spans.ts): matrix rows (outer = 1)
//             and long spans.
import { KIND_INF, KIND_L1, KIND_L2, OK, NON_FINITE, addressOf, isFiniteF64 } from "./layout";
import { lanes, maxMagnitude, roundDown, roundUp, widenLow, widenHigh } from "./simd";
import { reduceSpan, foldPair, foldScalar, applyLanes, applyScalar, applySpan, tauBoundFromSum } from "./spans";
import { condatTau } from "./l1ball";
import { stableNorm2 } from "./stable";

// The columns sweep costs the same per element whatever `inner` is; a span costs a horizontal reduction and a
// loop setup more (measured: 2× per element for 16 f32, 1.4× for 64). But its row of accumulators is
// groups·inner long and swept once per outer index, so it pays only while that row stays in cache. Hence:
// spans shorter than SHORT_SPAN (4 f32 vectors) always, up to LONG_SPAN while the row is at most CACHED_ROW f64.
const SHORT_SPAN: i32 = 16;
const LONG_SPAN: i32 = 64;
const CACHED_ROW: i32 = 16384; // 128 KB

// Columns for inner = 1 (matrix columns). With outer = 1 (matrix rows) the row of accumulators would be the whole
// data, with nothing to sweep down: spans.
@inline function sweepsColumns(outer: i32, groups: i32, inner: i32): bool {
  if (inner == 1) return true;
  return outer > 1 && (inner < SHORT_SPAN || (inner < LONG_SPAN && groups * inner <= CACHED_ROW));
}

// The f64 entries `partial` must hold for groupPartials: one accumulator per column swept (folded into the
// first `groups` at the end), else one per group.
export function partialElements(outer: i32, groups: i32, inner: i32): i32 {
  return sweepsColumns(outer, groups, inner) ? groups * inner : groups;
}

// The T entries of applyBilevel's aux: the per-group thresholds, then one group's ℓ1 candidates or, for the
// columns sweep, the thresholds repeated along a row (applyThresholds' scratch).
export function applyScratchElements(outer: i32, groups: i32, inner: i32): i32 {
  return groups + max(outer * inner, sweepsColumns(outer, groups, inner) && inner > 1 ? groups * inner : 0);
}

// partial[g] = max / Σ |y| / Σ y² over group g; NON_FINITE when a partial is NaN or infinite.
// partial holds partialElements(outer, groups, inner) f64.
export function groupPartials<T>(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, partial: usize): i32 {
  if (sweepsColumns(outer, groups, inner)) {
    const width = groups * inner;
    if (kind == KIND_INF) columnMaxAbs<T>(y, outer, width, partial);
    else if (kind == KIND_L1) reduceColumns<T>(KIND_L1, y, outer, width, partial);
    else reduceColumns<T>(KIND_L2, y, outer, width, partial);
    foldColumns<T>(kind, groups, inner, partial);
  } else {
    if (kind == KIND_INF) reduceSpans<T>(KIND_INF, y, outer, groups, inner, partial);
    else if (kind == KIND_L1) reduceSpans<T>(KIND_L1, y, outer, groups, inner, partial);
    else reduceSpans<T>(KIND_L2, y, outer, groups, inner, partial);
  }
  for (let g = 0; g < groups; g++) {
    if (!isFiniteF64(load<f64>(addressOf<f64>(partial, g)))) return NON_FINITE;
  }
  return OK;
}

// Σ_i |Y_ij| or Σ_i Y_ij² per column, in f64 accumulators (two f64x2 per f32x4 of data).
@inline function reduceColumns<T>(kind: i32, y: usize, rows: i32, cols: i32, partial: usize): void {
  memory.fill(partial, 0, <usize>cols << 3);
  for (let i = 0; i < rows; i++) {
    const row = addressOf<T>(y, i * cols);
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const v = v128.abs<T>(v128.load(addressOf<T>(row, j)));
      const acc = addressOf<f64>(partial, j);
      v128.store(acc, foldPair(kind, v128.load(acc), widenLow<T>(v)));
      if (sizeof<T>() == 4) v128.store(acc, foldPair(kind, v128.load(acc, 16), widenHigh<T>(v)), 16);
    }
    for (; j < cols; j++) {
      const acc = addressOf<f64>(partial, j);
      store<f64>(acc, foldScalar(kind, load<f64>(acc), <f64>load<T>(addressOf<T>(row, j))));
    }
  }
}

// max_i |Y_ij| per column, four rows per sweep so each accumulator is loaded and stored once per four rows.
// The maxima are exact in T, so they accumulate as T in the front of `partial`; foldColumns widens them.
@inline function columnMaxAbs<T>(y: usize, rows: i32, cols: i32, partial: usize): void {
  memory.fill(partial, 0, <usize>cols << alignof<T>());
  const stride = <usize>cols << alignof<T>();
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const row = addressOf<T>(y, i * cols);
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const p = addressOf<T>(row, j);
      const a = maxMagnitude<T>(v128.abs<T>(v128.load(p)), v128.abs<T>(v128.load(p + stride)));
      const b = maxMagnitude<T>(v128.abs<T>(v128.load(p + 2 * stride)), v128.abs<T>(v128.load(p + 3 * stride)));
      const acc = addressOf<T>(partial, j);
      v128.store(acc, maxMagnitude<T>(v128.load(acc), maxMagnitude<T>(a, b)));
    }
    for (; j < cols; j++) {
      const p = addressOf<T>(row, j);
      const top = max(max(abs(load<T>(p)), abs(load<T>(p + stride))), max(abs(load<T>(p + 2 * stride)), abs(load<T>(p + 3 * stride))));
      store<T>(addressOf<T>(partial, j), max(load<T>(addressOf<T>(partial, j)), top));
    }
  }
  for (; i < rows; i++) {
    const row = addressOf<T>(y, i * cols);
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const acc = addressOf<T>(partial, j);
      v128.store(acc, maxMagnitude<T>(v128.load(acc), v128.abs<T>(v128.load(addressOf<T>(row, j)))));
    }
    for (; j < cols; j++) store<T>(addressOf<T>(partial, j), max(load<T>(addressOf<T>(partial, j)), abs(load<T>(addressOf<T>(row, j)))));
  }
}

// The column accumulators folded into their groups, group g's run being columns g·inner … g·inner + inner − 1.
// The ℓ∞ maxima are T values, widened here: with inner = 1 in place from the last column down, so that no T value
// is overwritten before it is read; with inner ≥ 2 front to back, since group g reads from byte
// g·inner·sizeof<T> ≥ 8g on and writes only the 8 bytes at 8g, after reading its own run.
@inline function foldColumns<T>(kind: i32, groups: i32, inner: i32, partial: usize): void {
  if (kind == KIND_INF) {
    if (inner == 1) {
      if (sizeof<T>() == 4) for (let g = groups - 1; g >= 0; g--) store<f64>(addressOf<f64>(partial, g), <f64>load<T>(addressOf<T>(partial, g)));
      return;
    }
    for (let g = 0; g < groups; g++) {
      let top: f64 = 0;
      for (let k = 0; k < inner; k++) top = max(top, <f64>load<T>(addressOf<T>(partial, g * inner + k)));
      store<f64>(addressOf<f64>(partial, g), top);
    }
  } else if (inner > 1) {
    for (let g = 0; g < groups; g++) {
      let total: f64 = 0;
      for (let k = 0; k < inner; k++) total += load<f64>(addressOf<f64>(partial, g * inner + k));
      store<f64>(addressOf<f64>(partial, g), total);
    }
  }
}

// Each span Y[o, g, :] reduced by the span helpers and folded into its group. A matrix's rows (outer = 1) get a loop
// of their own that stores each span's value: the same numbers, but V8 compiles the folding loop around the span
// reduction less well (bilevel ℓ1,2 by rows at 1000 × 1000 f32: 870 µs folded, 640 µs stored).
@inline function reduceSpans<T>(kind: i32, y: usize, outer: i32, groups: i32, inner: i32, partial: usize): void {
  if (outer == 1) {
    for (let g = 0; g < groups; g++) store<f64>(addressOf<f64>(partial, g), reduceSpan<T>(kind, addressOf<T>(y, g * inner), inner));
    return;
  }
  memory.fill(partial, 0, <usize>groups << 3);
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < groups; g++) {
      const acc = addressOf<f64>(partial, g);
      const span = reduceSpan<T>(kind, addressOf<T>(y, (o * groups + g) * inner), inner);
      store<f64>(acc, kind == KIND_INF ? max(load<f64>(acc), span) : load<f64>(acc) + span);
    }
  }
}

// Norms ‖y_g‖₂ by the scaled slow path, for f64 data whose sums of squares overflow.
export function stableGroupNorms2<T>(y: usize, outer: i32, groups: i32, inner: i32, norms: usize): void {
  for (let g = 0; g < groups; g++) store<f64>(addressOf<f64>(norms, g), stableNorm2<T>(addressOf<T>(y, g * inner), outer, groups * inner, inner));
}

// Second stage: given u = P_ℓ1,η(norms) and the norms themselves, write X.
// aux holds applyScratchElements(outer, groups, inner) T values.
export function applyBilevel<T>(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, u: usize, norms: usize, out: usize, aux: usize): void {
  groupThresholds<T>(y, outer, groups, inner, kind, u, norms, 0, groups, aux, addressOf<T>(aux, groups));
  applyThresholds<T>(y, outer, groups, inner, kind, aux, out, addressOf<T>(aux, groups));
}

// The per-group thresholds in T of groups [first, last), into thresholds[first .. last): the clip level u_g (ℓ∞),
// the soft threshold λ_g of P_ℓ1,u_g(y_g) (ℓ1; `candidates` holds one group's outer·inner T values), the scale
// u_g/‖y_g‖₂ (ℓ2). y is the whole tensor: λ_g needs the whole group.
export function groupThresholds<T>(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, u: usize, norms: usize, first: i32, last: i32, thresholds: usize, candidates: usize): void {
  for (let g = first; g < last; g++) {
    const ug = load<f64>(addressOf<f64>(u, g));
    const norm = load<f64>(addressOf<f64>(norms, g));
    let t: T;
    if (kind == KIND_INF) t = roundDown<T>(ug);
    else if (kind == KIND_L2) t = norm > 0 ? roundDown<T>(min(ug / norm, 1)) : <T>0;
    else t = ug >= norm ? <T>0 : roundUp<T>(softThreshold<T>(addressOf<T>(y, g * inner), outer, groups * inner, inner, ug, norm, candidates));
    store<T>(addressOf<T>(thresholds, g), t);
  }
}

// X from Y and the per-group T thresholds, over the given outer rows: a block of the outer dimension (y and out
// start at its first row) or, with outer = 1, a block of groups (thresholds start at its first group too).
// scratch: groups·inner T values when short spans are swept as columns (the thresholds repeated along a row).
export function applyThresholds<T>(y: usize, outer: i32, groups: i32, inner: i32, kind: i32, thresholds: usize, out: usize, scratch: usize): void {
  if (sweepsColumns(outer, groups, inner)) {
    let row = thresholds;
    if (inner > 1) {
      row = scratch;
      for (let g = 0; g < groups; g++) {
        const t = load<T>(addressOf<T>(thresholds, g));
        for (let k = 0; k < inner; k++) store<T>(addressOf<T>(row, g * inner + k), t);
      }
    }
    const width = groups * inner;
    if (kind == KIND_INF) applyColumns<T>(KIND_INF, y, outer, width, row, out);
    else if (kind == KIND_L1) applyColumns<T>(KIND_L1, y, outer, width, row, out);
    else applyColumns<T>(KIND_L2, y, outer, width, row, out);
  } else {
    if (kind == KIND_INF) applySpans<T>(KIND_INF, y, outer, groups, inner, thresholds, out);
    else if (kind == KIND_L1) applySpans<T>(KIND_L1, y, outer, groups, inner, thresholds, out);
    else applySpans<T>(KIND_L2, y, outer, groups, inner, thresholds, out);
  }
}

@inline function applySpans<T>(kind: i32, y: usize, outer: i32, groups: i32, inner: i32, thresholds: usize, out: usize): void {
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < groups; g++) {
      const offset = (o * groups + g) * inner;
      applySpan<T>(kind, addressOf<T>(y, offset), inner, load<T>(addressOf<T>(thresholds, g)), addressOf<T>(out, offset));
    }
  }
}

// λ_g of P_ℓ1,u_g(y_g) = sign(y_g)·max(|y_g| − λ_g, 0), for 0 ≤ u_g < ‖y_g‖₁ (u_g = 0 zeroes the group).
// The group is the values y[o·stride + k], o < outer, k < inner; those that may exceed λ_g become Condat's input.
@inline function softThreshold<T>(y: usize, outer: i32, stride: i32, inner: i32, ug: f64, norm: f64, candidates: usize): f64 {
  if (ug <= 0) return Infinity;
  const bound = tauBoundFromSum(norm, outer * inner, ug);
  let count = 0;
  if (inner == 1) {
    // A matrix column: one strided pass, without an inner loop per element.
    for (let o = 0; o < outer; o++) count = keepCandidate<T>(load<T>(addressOf<T>(y, o * stride)), bound, candidates, count);
  } else {
    for (let o = 0; o < outer; o++) {
      const span = addressOf<T>(y, o * stride);
      for (let k = 0; k < inner; k++) count = keepCandidate<T>(load<T>(addressOf<T>(span, k)), bound, candidates, count);
    }
  }
  return condatTau<T>(candidates, count, ug);
}

// Stores |value| as the next candidate, kept (counted) only when it may exceed λ.
@inline function keepCandidate<T>(value: T, bound: f64, candidates: usize, count: i32): i32 {
  const magnitude = abs<T>(value);
  store<T>(addressOf<T>(candidates, count), magnitude);
  return count + i32(<f64>magnitude > bound);
}

// Four rows per sweep, so each threshold vector (and its negation) is loaded once per four rows.
@inline function applyColumns<T>(kind: i32, y: usize, rows: i32, cols: i32, thresholds: usize, out: usize): void {
  const stride = <usize>cols << alignof<T>();
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const offset = i * cols;
    let j = 0;
    for (; j + lanes<T>() <= cols; j += lanes<T>()) {
      const t = v128.load(addressOf<T>(thresholds, j));
      const negT = v128.neg<T>(t);
      const src = addressOf<T>(y, offset + j);
      const dst = addressOf<T>(out, offset + j);
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
      const t = v128.load(addressOf<T>(thresholds, j));
      v128.store(addressOf<T>(out, offset + j), applyLanes<T>(kind, v128.load(addressOf<T>(y, offset + j)), t, v128.neg<T>(t)));
    }
    applyColumnsTail<T>(kind, y, offset, j, cols, thresholds, out);
  }
}

// The columns from `from` on that do not fill a vector.
@inline function applyColumnsTail<T>(kind: i32, y: usize, offset: i32, from: i32, cols: i32, thresholds: usize, out: usize): void {
  for (let j = from; j < cols; j++) {
    store<T>(addressOf<T>(out, offset + j), applyScalar<T>(kind, load<T>(addressOf<T>(y, offset + j)), load<T>(addressOf<T>(thresholds, j))));
  }
}
