// Loss kernels of the autograd, f32 data with f64 sums. Layout: logits are rows × k row-major, labels one i32 per
// row, class weights (optional, pointer 0 for none) one f32 per class; pointwise losses compare two n-value spans.

// SMOOTH_L1: ½d²/β where |d| < β, else |d| − ½β (β = 0: |d|); SQUARED: d²; ABSOLUTE: |d| (POINTWISE_LOSSES in
// src/autograd/losses.ts, whose codes scripts/build.mjs writes out).
import { SMOOTH_L1, SQUARED, ABSOLUTE } from "./op-codes.generated";

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

@inline function classWeight(weights: usize, label: i32): f64 {
  return weights ? <f64>load<f32>(f32At(weights, label)) : 1;
}

// Σ_i w[y_i]·(log Σ_c e^{x_ic} − x_{i,y_i}), with the row maximum subtracted before exponentiating; the softmax
// p_ic = e^{x_ic − lse_i} goes to `probs`, which is all the backward needs.
export function crossEntropy(logits: usize, labels: usize, weights: usize, rows: i32, k: i32, probs: usize): f64 {
  let total: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const row = f32At(logits, i * k), p = f32At(probs, i * k);
    let top = -Infinity;
    for (let c = 0; c < k; c++) top = max(top, <f64>load<f32>(f32At(row, c)));
    let s: f64 = 0;
    for (let c = 0; c < k; c++) s += Math.exp(<f64>load<f32>(f32At(row, c)) - top);
    const lse = Math.log(s) + top;
    for (let c = 0; c < k; c++) store<f32>(f32At(p, c), <f32>Math.exp(<f64>load<f32>(f32At(row, c)) - lse));
    const label = load<i32>(labels + (<usize>i << 2));
    total += classWeight(weights, label) * (lse - <f64>load<f32>(f32At(row, label)));
  }
  return total;
}

// dx_ic (+)= scale·w[y_i]·(p_ic − [c = y_i]).
export function crossEntropyGrad(probs: usize, labels: usize, weights: usize, rows: i32, k: i32, scale: f64, dx: usize, accumulate: i32): void {
  for (let i = 0; i < rows; i++) {
    const label = load<i32>(labels + (<usize>i << 2));
    const factor = scale * classWeight(weights, label);
    for (let c = 0; c < k; c++) {
      const at = f32At(dx, i * k + c);
      let g = <f32>(factor * (<f64>load<f32>(f32At(probs, i * k + c)) - (c == label ? 1 : 0)));
      if (accumulate) g += load<f32>(at);
      store<f32>(at, g);
    }
  }
}

@inline function difference(a: usize, b: usize, i: i32): f32 {
  return load<f32>(f32At(a, i)) - (b ? load<f32>(f32At(b, i)) : 0);
}

// ℓ(d) of two lanes of d (f64x2), as the scalar form computes it, without a branch.
@inline function valueLanes(kind: i32, d: v128, beta: f64): v128 {
  if (kind == SQUARED) return f64x2.mul(d, d);
  const size = f64x2.abs(d);
  if (kind == ABSOLUTE) return size;
  const b = f64x2.splat(beta);
  const quadratic = f64x2.div(f64x2.mul(f64x2.mul(f64x2.splat(0.5), d), d), b);
  return v128.bitselect(f64x2.sub(size, f64x2.splat(0.5 * beta)), quadratic, f64x2.ge(size, b));
}

@inline function valueAt(kind: i32, a: usize, b: usize, beta: f64, i: i32): f64 {
  const d = <f64>difference(a, b, i);
  const size = abs(d);
  if (kind == SQUARED) return d * d;
  if (kind == ABSOLUTE || size >= beta) return kind == ABSOLUTE ? size : size - 0.5 * beta;
  return 0.5 * d * d / beta;
}

// The terms four at a time, each as the scalar form gives it, added to the total one by one in order: the same sum,
// without the branch per value (a smooth L1 loss mispredicted half of them: 9 ns a value).
@inline function lossLoop(kind: i32, a: usize, b: usize, n: i32, beta: f64): f64 {
  let total: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.sub(v128.load(f32At(a, i)), b ? v128.load(f32At(b, i)) : f32x4.splat(0));
    const lo = valueLanes(kind, f64x2.promote_low_f32x4(d), beta);
    const hi = valueLanes(kind, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1)), beta);
    total += f64x2.extract_lane(lo, 0);
    total += f64x2.extract_lane(lo, 1);
    total += f64x2.extract_lane(hi, 0);
    total += f64x2.extract_lane(hi, 1);
  }
  for (; i < n; i++) total += valueAt(kind, a, b, beta, i);
  return total;
}

// Σ_i ℓ(a_i − b_i) for ℓ of the given kind; b = 0 reads as zeros (‖a‖₁ is ABSOLUTE with no b).
export function pointwiseLoss(kind: i32, a: usize, b: usize, n: i32, beta: f64): f64 {
  if (kind == SQUARED) return lossLoop(SQUARED, a, b, n, beta);
  if (kind == ABSOLUTE) return lossLoop(ABSOLUTE, a, b, n, beta);
  return lossLoop(SMOOTH_L1, a, b, n, beta);
}

// ℓ'(d) of two lanes of d (f64x2), as the scalar loop below computes it: sign(d), 0 at 0 and for NaN.
@inline function slopeLanes(kind: i32, d: v128, beta: f64): v128 {
  if (kind == SQUARED) return f64x2.mul(f64x2.splat(2), d);
  const sign = v128.bitselect(f64x2.splat(1), v128.and(f64x2.splat(-1), f64x2.lt(d, f64x2.splat(0))), f64x2.gt(d, f64x2.splat(0)));
  if (kind == ABSOLUTE) return sign;
  return v128.bitselect(sign, f64x2.div(d, f64x2.splat(beta)), f64x2.ge(f64x2.abs(d), f64x2.splat(beta)));
}

@inline function gradAt(kind: i32, a: usize, b: usize, beta: f64, scale: f64, da: usize, accumulateA: i32, db: usize, accumulateB: i32, i: i32): void {
  const d = <f64>difference(a, b, i);
  let g: f64;
  if (kind == SQUARED) g = 2 * d;
  else if (kind == ABSOLUTE || abs(d) >= beta) g = d > 0 ? 1 : d < 0 ? -1 : 0;
  else g = d / beta;
  const step = <f32>(scale * g);
  if (da) store<f32>(f32At(da, i), accumulateA ? load<f32>(f32At(da, i)) + step : step);
  if (db) store<f32>(f32At(db, i), accumulateB ? load<f32>(f32At(db, i)) - step : -step);
}

// Four values a step, each lane the scalar form's operations (the slope in f64, rounded once): the same bits.
@inline function gradLoop(kind: i32, a: usize, b: usize, n: i32, beta: f64, scale: f64, da: usize, accumulateA: i32, db: usize, accumulateB: i32): void {
  const s = f64x2.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.sub(v128.load(f32At(a, i)), b ? v128.load(f32At(b, i)) : f32x4.splat(0));
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(s, slopeLanes(kind, f64x2.promote_low_f32x4(d), beta)));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(s, slopeLanes(kind, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1)), beta)));
    const step = v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
    if (da) v128.store(f32At(da, i), accumulateA ? f32x4.add(v128.load(f32At(da, i)), step) : step);
    if (db) v128.store(f32At(db, i), accumulateB ? f32x4.sub(v128.load(f32At(db, i)), step) : f32x4.neg(step));
  }
  for (; i < n; i++) gradAt(kind, a, b, beta, scale, da, accumulateA, db, accumulateB, i);
}

// ∂/∂a of scale·Σ ℓ(a − b) into da (and its negative into db); a null da or db is skipped.
export function pointwiseLossGrad(kind: i32, a: usize, b: usize, n: i32, beta: f64, scale: f64, da: usize, accumulateA: i32, db: usize, accumulateB: i32): void {
  if (kind == SQUARED) gradLoop(SQUARED, a, b, n, beta, scale, da, accumulateA, db, accumulateB);
  else if (kind == ABSOLUTE) gradLoop(ABSOLUTE, a, b, n, beta, scale, da, accumulateA, db, accumulateB);
  else gradLoop(SMOOTH_L1, a, b, n, beta, scale, da, accumulateA, db, accumulateB);
}
