// Passes over one contiguous span of T values: the building blocks of vector projections and of row groups.
import { KIND_INF, KIND_L1, KIND_L2, addressOf } from "./layout";
import { lanes, maxMagnitude, roundDown, roundUp, widenLow, widenHigh, horizontalMax, horizontalSum } from "./simd";

// Σ and max of the values scanned by sumAndCandidates (more results, so module globals, not an allocation).
export let scannedSum: f64 = 0;
export let scannedMax: f64 = 0;

// One SIMD sweep for the ℓ1 ball (absolute: v = |y|) and the simplex (v = y): Σ v, and into aux the candidates
// v_i > m − a, with m the largest v seen so far. Since τ ≥ max v − a ≥ m − a, every v_i > τ is kept, and the
// running maximum soon leaves few others: Condat's algorithm then runs on a short list.
// Any NaN or ±Infinity makes the sum non-finite, which callers check, so maxima may ignore NaN (pmax, one
// instruction). Vectors are skipped on `v + a ≥ m` per lane, in T: with a ≥ the exact a, rounding is monotone, so
// no lane with v > m − a fails it. Four sum accumulators keep the f64 adds independent.
// When a is large against the spread of v, this keeps too much: past `cap` candidates it stops keeping any and
// returns −1, and the caller gathers again with the final bounds (gatherAbove).
@inline export function sumAndCandidates<T>(y: usize, n: i32, a: f64, absolute: bool, aux: usize, cap: i32): i32 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let top = v128.splat<T>(<T>-Infinity);
  const reach = v128.splat<T>(roundUp<T>(a));
  let count = 0;
  let i = 0;
  for (; i + 2 * lanes<T>() <= n; i += 2 * lanes<T>()) {
    let p = v128.load(addressOf<T>(y, i));
    let q = v128.load(addressOf<T>(y, i + lanes<T>()));
    if (absolute) {
      p = v128.abs<T>(p);
      q = v128.abs<T>(q);
    }
    top = v128.pmax<T>(top, v128.pmax<T>(p, q));
    s0 = f64x2.add(s0, widenLow<T>(p));
    s1 = f64x2.add(s1, widenLow<T>(q));
    if (sizeof<T>() == 4) {
      s2 = f64x2.add(s2, widenHigh<T>(p));
      s3 = f64x2.add(s3, widenHigh<T>(q));
    }
    if (count <= cap && v128.any_true(v128.or(v128.ge<T>(v128.add<T>(p, reach), top), v128.ge<T>(v128.add<T>(q, reach), top)))) {
      const bound = tauBoundFromMax(horizontalMax<T>(top), a);
      for (let k = 0; k < 2 * lanes<T>(); k++) count = keepIfAbove<T>(load<T>(addressOf<T>(y, i + k)), absolute, bound, aux, count);
    }
  }
  let total = horizontalSum(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)));
  let best = horizontalMax<T>(top);
  for (; i < n; i++) {
    const value = absolute ? abs<T>(load<T>(addressOf<T>(y, i))) : load<T>(addressOf<T>(y, i));
    total += <f64>value;
    best = max(best, <f64>value);
    if (count <= cap) count = keepIfAbove<T>(value, false, tauBoundFromMax(best, a), aux, count);
  }
  scannedSum = total;
  scannedMax = best;
  return count <= cap ? count : -1;
}

// Lower bounds on τ, where Σ_i max(v_i − τ, 0) = a, less a margin for their own f64 rounding:
// from any m ≤ max v, τ ≥ m − a;
@inline export function tauBoundFromMax(m: f64, a: f64): f64 {
  const bound = m - a;
  return bound - abs(bound) * 4.5e-16;
}

// and, for n non-negative v (|y|) of sum Σ, τ ≥ (Σ − a)/n since a ≥ Σ_i (v_i − τ); the margin also covers the
// rounding of the f64 sum.
@inline export function tauBoundFromSum(sum: f64, n: i32, a: f64): f64 {
  const bound = (sum * (1 - <f64>n * 2.3e-16) - a) / <f64>n;
  return bound - abs(bound) * 4.5e-16;
}

// Group reduction of a span: max |y| (in T: the max is exact), or Σ |y| / Σ y² accumulated in f64 so that f32
// sums keep their precision.
@inline export function reduceSpan<T>(kind: i32, y: usize, n: i32): f64 {
  if (kind == KIND_INF) return maxAbsSpan<T>(y, n);
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const v = v128.abs<T>(v128.load(addressOf<T>(y, i)));
    acc = foldPair(kind, acc, widenLow<T>(v));
    if (sizeof<T>() == 4) acc = foldPair(kind, acc, widenHigh<T>(v));
  }
  let total = horizontalSum(acc);
  for (; i < n; i++) total = foldScalar(kind, total, <f64>load<T>(addressOf<T>(y, i)));
  return total;
}

@inline function maxAbsSpan<T>(y: usize, n: i32): f64 {
  let top = v128.splat<T>(<T>0);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) top = maxMagnitude<T>(top, v128.abs<T>(v128.load(addressOf<T>(y, i))));
  let best = horizontalMax<T>(top);
  for (; i < n; i++) best = max(best, abs(<f64>load<T>(addressOf<T>(y, i))));
  return best;
}

// acc + |v| (KIND_L1) or acc + v² (KIND_L2), v already |y|, in f64 lanes.
@inline export function foldPair(kind: i32, acc: v128, v: v128): v128 {
  return f64x2.add(acc, kind == KIND_L2 ? f64x2.mul(v, v) : v);
}

@inline export function foldScalar(kind: i32, acc: f64, value: f64): f64 {
  const magnitude = abs(value);
  return acc + (kind == KIND_L2 ? magnitude * magnitude : magnitude);
}

// The second stage of every projection, per element y with the group's threshold t:
// KIND_INF clips y to [−t, t]; KIND_L1 soft-thresholds, y − clip(y) = sign(y)·max(|y| − t, 0); KIND_L2 scales by t.
// negT = −t, hoisted by callers that reuse t.
@inline export function applyLanes<T>(kind: i32, y: v128, t: v128, negT: v128): v128 {
  if (kind == KIND_L2) return v128.mul<T>(y, t);
  // pmin/pmax (one instruction each, unlike min/max): the data was checked finite before any apply pass.
  const clipped = v128.pmin<T>(v128.pmax<T>(y, negT), t);
  return kind == KIND_INF ? clipped : v128.sub<T>(y, clipped);
}

@inline export function applyScalar<T>(kind: i32, y: T, t: T): T {
  if (kind == KIND_L2) return y * t;
  const clipped = min<T>(max<T>(y, -t), t);
  return kind == KIND_INF ? clipped : y - clipped;
}

@inline export function applySpan<T>(kind: i32, y: usize, n: i32, threshold: T, out: usize): void {
  const t = v128.splat<T>(threshold);
  const negT = v128.neg<T>(t);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    v128.store(addressOf<T>(out, i), applyLanes<T>(kind, v128.load(addressOf<T>(y, i)), t, negT));
  }
  for (; i < n; i++) store<T>(addressOf<T>(out, i), applyScalar<T>(kind, load<T>(addressOf<T>(y, i)), threshold));
}

// Stores the values (or |values|) strictly above `bound` into aux; returns how many.
// Most vectors hold no candidate, so one SIMD compare skips them.
@inline export function gatherAbove<T>(y: usize, n: i32, bound: f64, absolute: bool, aux: usize): i32 {
  const b = v128.splat<T>(roundDown<T>(bound));
  let count = 0;
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    let v = v128.load(addressOf<T>(y, i));
    if (absolute) v = v128.abs<T>(v);
    if (v128.any_true(v128.gt<T>(v, b))) {
      for (let lane = 0; lane < lanes<T>(); lane++) count = keepIfAbove<T>(load<T>(addressOf<T>(y, i + lane)), absolute, bound, aux, count);
    }
  }
  for (; i < n; i++) count = keepIfAbove<T>(load<T>(addressOf<T>(y, i)), absolute, bound, aux, count);
  return count;
}

@inline function keepIfAbove<T>(value: T, absolute: bool, bound: f64, aux: usize, count: i32): i32 {
  const candidate = absolute ? abs<T>(value) : value;
  store<T>(addressOf<T>(aux, count), candidate);
  return count + i32(<f64>candidate > bound);
}

// Index of the first NaN or ±Infinity, or −1: run to name the culprit after a pass saw a non-finite result, and on
// every batch copied into a tensor. x − x is 0 for a finite x and NaN otherwise; whole vectors are tested until one
// holds a culprit, then its lanes and the tail one value at a time.
export function firstNonFinite<T>(y: usize, n: i32): i32 {
  const zero = v128.splat<T>(0);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const v = v128.load(addressOf<T>(y, i));
    if (v128.any_true(v128.ne<T>(v128.sub<T>(v, v), zero))) break;
  }
  for (; i < n; i++) {
    const value = load<T>(addressOf<T>(y, i));
    if (value - value != 0) return i;
  }
  return -1;
}
