// Projections onto the ℓ2 and ℓ∞ balls: the per-group steps of the bilevel ℓ1,2 and ℓ1,∞ projections.
import { KIND_INF, KIND_L2, OK, NON_FINITE, isFiniteF64 } from "./layout";
import { roundDown } from "./simd";
import { reduceSpan, applySpan, firstNonFinite } from "./spans";
import { stableNorm2 } from "./stable";

// P_ℓ2,a(y) = y·a/‖y‖₂ when ‖y‖₂ > a, else y.
export function projectL2Ball<T>(y: usize, n: i32, a: f64, out: usize): i32 {
  const squares = reduceSpan<T>(KIND_L2, y, n);
  let norm = Math.sqrt(squares);
  // Σ y² overflows (f64 data beyond 1e154) or underflows (denormals): recompute with scaling.
  if (!isFiniteF64(squares) || squares < 1e-290) {
    if (firstNonFinite<T>(y, n) >= 0) return NON_FINITE;
    norm = stableNorm2<T>(y, 1, n, n);
  }
  if (norm <= a) {
    if (out != y) memory.copy(out, y, <usize>n << alignof<T>());
    return OK;
  }
  applySpan<T>(KIND_L2, y, n, roundDown<T>(a / norm), out);
  return OK;
}

// P_ℓ∞,a(y) = clip(y, −a, a).
export function projectLInfBall<T>(y: usize, n: i32, a: f64, out: usize): i32 {
  const top = reduceSpan<T>(KIND_INF, y, n);
  if (!isFiniteF64(top)) return NON_FINITE;
  if (top <= a) {
    if (out != y) memory.copy(out, y, <usize>n << alignof<T>());
    return OK;
  }
  applySpan<T>(KIND_INF, y, n, roundDown<T>(a), out);
  return OK;
}
