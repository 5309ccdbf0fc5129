// Euclidean projection onto the weighted ℓ1 ball {Σ_i w_i |x_i| ≤ η}, w_i > 0, in expected linear time:
//   x_i = sign(y_i)·max(|y_i| − τ·w_i, 0), y itself when Σ w_i|y_i| ≤ η, else τ > 0 the root of
//   f(τ) = Σ_i w_i·max(|y_i| − τ·w_i, 0) = η.
// f decreases, piecewise linear, with breakpoints t_i = |y_i|/w_i; on the active set A = {i : t_i > τ},
// f(τ) = Σ_A w_i|y_i| − τ·Σ_A w_i², so τ = (Σ_A w_i|y_i| − η) / Σ_A w_i². A is found by randomized pivoting
// on the breakpoints (quickselect-like, no sort), after a SIMD sweep and Michelot's steps have discarded most
// inactive entries.
import { KIND_L1, OK, NON_FINITE, BAD_WEIGHT, addressOf, isFiniteF64 } from "./layout";
import { lanes, roundDown, roundUp, widenLow, widenHigh, horizontalSum } from "./simd";
import { applyLanes, applyScalar } from "./spans";

// Results of the sweep besides the candidate count (module globals, as in spans.ts, not an allocation).
let weightedSum: f64 = 0; // S = Σ w_i|y_i|
let squaredWeights: f64 = 0; // W = Σ w_i²
let smallestWeight: f64 = 0;
let sweptBound: f64 = 0; // β at the end of the sweep
let keptSum: f64 = 0; // Σ w|y| and Σ w² over the pairs keepAbove kept
let keptSquares: f64 = 0;

// y, w: n T values each; aux: 2n T values, the candidate pairs (|y_i|, w_i). out may be y.
export function projectWeightedL1Ball<T>(y: usize, w: usize, n: i32, eta: f64, out: usize, aux: usize): i32 {
  let k = sweep<T>(y, w, n, eta, aux);
  // W catches NaN and infinite weights (pmin skips NaN); the smallest weight catches zero and negative ones.
  if (!(smallestWeight > 0) || !isFiniteF64(squaredWeights)) return BAD_WEIGHT;
  if (!isFiniteF64(weightedSum)) return NON_FINITE;
  if (weightedSum <= eta) {
    if (out != y) memory.copy(out, y, <usize>n << alignof<T>());
    return OK;
  }
  if (eta == 0) {
    memory.fill(out, 0, <usize>n << alignof<T>());
    return OK;
  }
  // Over any set C holding every active entry, f(τ) ≥ Σ_C w_i(|y_i| − τw_i) gives τ ≥ (Σ_C w|y| − η)/Σ_C w²
  // (Michelot's step); with C = all, τ ≥ (S − η)/W. Candidates at or below the bound go, and the step repeats
  // while it drops at least an eighth of them (its worst case is quadratic); the pivoting then takes the rest.
  // Pivoting needs every discarded breakpoint below every candidate, so that f at a pivot is a sum over
  // candidates and known-active entries alone: the compaction to the final bound gives that.
  let bound = max(sweptBound, boundFromSums(weightedSum, squaredWeights, n, eta));
  if (k < 0) k = gatherAbove<T>(y, w, n, bound, aux);
  let previous = 0;
  do {
    previous = k;
    k = keepAbove<T>(aux, k, bound);
    bound = max(bound, boundFromSums(keptSum, keptSquares, k, eta));
  } while (k < previous - (previous >> 3));
  shrink<T>(y, w, n, roundUp<T>(pivotTau<T>(aux, k, eta)), out);
  return OK;
}

// (sum − η)/squares with the rounding of two f64 sums of `count` terms, and of the division, taken off
// (as tauBoundFromSum does).
@inline function boundFromSums(sum: f64, squares: f64, count: i32, eta: f64): f64 {
  const slack = <f64>count * 2.3e-16;
  const bound = (sum * (1 - slack) - eta) / (squares * (1 + slack));
  return bound - abs(bound) * 4.5e-16;
}

// Beyond n/16 candidates the running bound is not pruning; one gather with the final bound is cheaper.
const CANDIDATE_CAP_SHIFT: i32 = 4;

// One SIMD sweep: S, W, the smallest weight, and into aux the pairs whose breakpoint exceeds β, the running
// lower bound on τ: every kept i gives f(τ) ≥ w_i(|y_i| − τw_i), so τ ≥ t_i − η/w_i², and β is the largest
// such value so far (and 0). Every active entry (t_i > τ ≥ β) is kept. The vector test compares |y| with β·w
// in T (vectorLevel), so no lane with t_i > β fails it; the scalar test is in f64.
// Past n/16 candidates it stops keeping any and returns −1.
@inline function sweep<T>(y: usize, w: usize, n: i32, eta: f64, aux: usize): i32 {
  const cap = n >> CANDIDATE_CAP_SHIFT;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), q0 = f64x2.splat(0), q1 = f64x2.splat(0);
  let smallest = v128.splat<T>(<T>Infinity);
  let beta: f64 = 0;
  let level = v128.splat<T>(<T>0);
  let count = 0;
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const v = v128.abs<T>(v128.load(addressOf<T>(y, i)));
    const weight = v128.load(addressOf<T>(w, i));
    smallest = v128.pmin<T>(smallest, weight);
    const lowV = widenLow<T>(v), lowW = widenLow<T>(weight);
    s0 = f64x2.add(s0, f64x2.mul(lowW, lowV));
    q0 = f64x2.add(q0, f64x2.mul(lowW, lowW));
    if (sizeof<T>() == 4) {
      const highV = widenHigh<T>(v), highW = widenHigh<T>(weight);
      s1 = f64x2.add(s1, f64x2.mul(highW, highV));
      q1 = f64x2.add(q1, f64x2.mul(highW, highW));
    }
    if (count <= cap && v128.any_true(v128.gt<T>(v, v128.mul<T>(level, weight)))) {
      for (let lane = 0; lane < lanes<T>(); lane++) {
        const magnitude = abs<T>(load<T>(addressOf<T>(y, i + lane))), weight = load<T>(addressOf<T>(w, i + lane));
        storePair<T>(aux, count, magnitude, weight);
        if (<f64>magnitude > beta * <f64>weight) {
          count++;
          beta = max(beta, singleBound(<f64>magnitude, <f64>weight, eta));
        }
      }
      level = vectorLevel<T>(beta);
    }
  }
  let sum = horizontalSum(f64x2.add(s0, s1));
  let squares = horizontalSum(f64x2.add(q0, q1));
  let least = <f64>min<T>(v128.extract_lane<T>(smallest, 0), v128.extract_lane<T>(smallest, 1));
  if (sizeof<T>() == 4) least = min(least, <f64>min<T>(v128.extract_lane<T>(smallest, 2), v128.extract_lane<T>(smallest, 3)));
  for (; i < n; i++) {
    const magnitude = abs<T>(load<T>(addressOf<T>(y, i)));
    const weight = load<T>(addressOf<T>(w, i));
    sum += <f64>weight * <f64>magnitude;
    squares += <f64>weight * <f64>weight;
    least = min(least, <f64>weight);
    if (count > cap) continue;
    storePair<T>(aux, count, magnitude, weight);
    if (<f64>magnitude > beta * <f64>weight) {
      count++;
      beta = max(beta, singleBound(<f64>magnitude, <f64>weight, eta));
    }
  }
  weightedSum = sum;
  squaredWeights = squares;
  smallestWeight = least;
  sweptBound = beta;
  return count <= cap ? count : -1;
}

// The bound of the vector tests: lowered by 4 units of T's rounding, so that |y| > fl(level·w) in T holds
// whenever |y| > bound·w.
@inline function vectorLevel<T>(bound: f64): v128 {
  return v128.splat<T>(roundDown<T>(bound * (1 - (sizeof<T>() == 4 ? 2.4e-7 : 4.5e-16))));
}

// The pairs with t > bound into aux; returns how many. One SIMD compare skips most vectors, as in sweep.
@inline function gatherAbove<T>(y: usize, w: usize, n: i32, bound: f64, aux: usize): i32 {
  const level = vectorLevel<T>(bound);
  let count = 0;
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    if (v128.any_true(v128.gt<T>(v128.abs<T>(v128.load(addressOf<T>(y, i))), v128.mul<T>(level, v128.load(addressOf<T>(w, i)))))) {
      for (let lane = 0; lane < lanes<T>(); lane++) count = keepIfAbove<T>(y, w, i + lane, bound, aux, count);
    }
  }
  for (; i < n; i++) count = keepIfAbove<T>(y, w, i, bound, aux, count);
  return count;
}

@inline function keepIfAbove<T>(y: usize, w: usize, i: i32, bound: f64, aux: usize, count: i32): i32 {
  const magnitude = abs<T>(load<T>(addressOf<T>(y, i))), weight = load<T>(addressOf<T>(w, i));
  storePair<T>(aux, count, magnitude, weight);
  return count + i32(<f64>magnitude > bound * <f64>weight);
}

// τ ≥ t − η/w² = (w|y| − η)/w², less a margin for its own rounding.
@inline function singleBound(magnitude: f64, weight: f64, eta: f64): f64 {
  const bound = (weight * magnitude - eta) / (weight * weight);
  return bound - abs(bound) * 4.5e-16;
}

@inline function storePair<T>(aux: usize, m: i32, magnitude: T, weight: T): void {
  store<T>(addressOf<T>(aux, 2 * m), magnitude);
  store<T>(addressOf<T>(aux, 2 * m + 1), weight);
}

// Compacts the k pairs of aux to those with t > bound, summing w|y| and w² over them; returns how many.
@inline function keepAbove<T>(aux: usize, k: i32, bound: f64): i32 {
  let count = 0;
  let sum: f64 = 0, squares: f64 = 0;
  for (let m = 0; m < k; m++) {
    const a = load<T>(addressOf<T>(aux, 2 * m)), v = load<T>(addressOf<T>(aux, 2 * m + 1));
    if (<f64>a > bound * <f64>v) {
      storePair<T>(aux, count, a, v);
      count++;
      sum += <f64>v * <f64>a;
      squares += <f64>v * <f64>v;
    }
  }
  keptSum = sum;
  keptSquares = squares;
  return count;
}

// τ by randomized pivoting over the candidate pairs aux[lo .. hi), with Σ_A w|y| and Σ_A w² of the entries
// already known active. A pivot t_p splits the candidates into those above it (G) and the rest; at t_p,
// f(t_p) = Σ_{A ∪ G} w_i|y_i| − t_p·Σ_{A ∪ G} w_i². If f(t_p) > η then τ > t_p: the rest is inactive and G
// remains. Otherwise τ ≤ t_p: G and p join A (p adds w_p(|y_p| − τw_p) ≥ 0, zero when t_p = τ) and the rest
// remains. Each round drops p, and a random pivot halves the range on average: expected linear time.
@inline function pivotTau<T>(aux: usize, k: i32, eta: f64): f64 {
  let activeSum: f64 = 0, activeSquares: f64 = 0;
  let lo = 0, hi = k;
  let state: u32 = 0x9e3779b9; // xorshift32: the same pivots, so the same τ, on every run
  while (lo < hi) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    swapPairs<T>(aux, lo + <i32>(state % <u32>(hi - lo)), hi - 1);
    hi--;
    const pa = <f64>load<T>(addressOf<T>(aux, 2 * hi)), pw = <f64>load<T>(addressOf<T>(aux, 2 * hi + 1));
    const pivot = pa / pw;
    let split = lo;
    let sum: f64 = 0, squares: f64 = 0;
    for (let m = lo; m < hi; m++) {
      const a = <f64>load<T>(addressOf<T>(aux, 2 * m)), v = <f64>load<T>(addressOf<T>(aux, 2 * m + 1));
      if (a > pivot * v) {
        swapPairs<T>(aux, m, split);
        split++;
        sum += v * a;
        squares += v * v;
      }
    }
    if (activeSum + sum - pivot * (activeSquares + squares) > eta) {
      hi = split;
    } else {
      activeSum += sum + pw * pa;
      activeSquares += squares + pw * pw;
      lo = split;
    }
  }
  // The top breakpoint is always active (τ < max t since S > η > 0), so Σ_A w² > 0 unless every active w²
  // underflowed (f64 weights below 1e-154): τ = 0 then leaves those entries as they are.
  return activeSquares > 0 ? (activeSum - eta) / activeSquares : 0;
}

@inline function swapPairs<T>(aux: usize, p: i32, q: i32): void {
  const a = load<T>(addressOf<T>(aux, 2 * p)), v = load<T>(addressOf<T>(aux, 2 * p + 1));
  storePair<T>(aux, p, load<T>(addressOf<T>(aux, 2 * q)), load<T>(addressOf<T>(aux, 2 * q + 1)));
  storePair<T>(aux, q, a, v);
}

// x = y − clip(y, −τw, τw) = sign(y)·max(|y| − τw, 0), per element with its own threshold τ·w_i.
@inline function shrink<T>(y: usize, w: usize, n: i32, tau: T, out: usize): void {
  const t = v128.splat<T>(tau);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const level = v128.mul<T>(t, v128.load(addressOf<T>(w, i)));
    v128.store(addressOf<T>(out, i), applyLanes<T>(KIND_L1, v128.load(addressOf<T>(y, i)), level, v128.neg<T>(level)));
  }
  for (; i < n; i++) store<T>(addressOf<T>(out, i), applyScalar<T>(KIND_L1, load<T>(addressOf<T>(y, i)), tau * load<T>(addressOf<T>(w, i))));
}
