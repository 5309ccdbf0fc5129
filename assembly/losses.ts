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

// Σ_i ℓ(a_i − b_i) for ℓ of the given kind; b = 0 reads as zeros (‖a‖₁ is ABSOLUTE with no b).
export function pointwiseLoss(kind: i32, a: usize, b: usize, n: i32, beta: f64): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <f64>difference(a, b, i);
    const size = abs(d);
    if (kind == SQUARED) total += d * d;
    else if (kind == ABSOLUTE || size >= beta) total += kind == ABSOLUTE ? size : size - 0.5 * beta;
    else total += 0.5 * d * d / beta;
  }
  return total;
}

// ∂/∂a of scale·Σ ℓ(a − b) into da (and its negative into db); a null da or db is skipped.
export function pointwiseLossGrad(kind: i32, a: usize, b: usize, n: i32, beta: f64, scale: f64, da: usize, accumulateA: i32, db: usize, accumulateB: i32): void {
  for (let i = 0; i < n; i++) {
    const d = <f64>difference(a, b, i);
    let g: f64;
    if (kind == SQUARED) g = 2 * d;
    else if (kind == ABSOLUTE || abs(d) >= beta) g = d > 0 ? 1 : d < 0 ? -1 : 0;
    else g = d / beta;
    const step = <f32>(scale * g);
    if (da) store<f32>(f32At(da, i), accumulateA ? load<f32>(f32At(da, i)) + step : step);
    if (db) store<f32>(f32At(db, i), accumulateB ? load<f32>(f32At(db, i)) - step : -step);
  }
}
