// Projections onto the ℓ1 ball and the simplex, in expected linear time.
import { KIND_L1, OK, NON_FINITE, addressOf, isFiniteF64 } from "./layout";
import { lanes, roundUp } from "./simd";
import { sumAndCandidates, scannedSum, scannedMax, tauBoundFromMax, tauBoundFromSum, gatherAbove, applySpan } from "./spans";

// Condat (2016), "Fast projection onto the simplex and the ℓ1 ball", Algorithm 2.
// Returns τ with Σ_i max(v_i − τ, 0) = a over the k candidates in aux (rewritten in place: his lists
// ṽ = aux[0 .. vStart) and v = aux[vStart .. length)). τ is kept in f64 whatever T is.
export function condatTau<T>(aux: usize, k: i32, a: f64): f64 {
  let length = 1;
  let vStart = 0;
  let tau = <f64>load<T>(aux) - a;
  // Step 2: one pass keeps in v the values that may stay above τ.
  for (let i = 1; i < k; i++) {
    const value = <f64>load<T>(addressOf<T>(aux, i));
    if (value > tau) {
      store<T>(addressOf<T>(aux, length), <T>value);
      length++;
      tau += (value - tau) / <f64>(length - vStart);
      if (tau <= value - a) {
        tau = value - a;
        vStart = length - 1;
      }
    }
  }
  // Step 3: values of ṽ still above τ rejoin v.
  for (let i = vStart - 1; i >= 0; i--) {
    const value = <f64>load<T>(addressOf<T>(aux, i));
    if (value > tau) {
      vStart--;
      store<T>(addressOf<T>(aux, vStart), <T>value);
      tau += (value - tau) / <f64>(length - vStart);
    }
  }
  // Step 4: drop values at or below τ until v is stable.
  const base = addressOf<T>(aux, vStart);
  let count = length - vStart;
  let previous = 0;
  do {
    previous = count;
    count = 0;
    for (let i = 0; i < previous; i++) {
      const value = <f64>load<T>(addressOf<T>(base, i));
      if (value > tau) {
        store<T>(addressOf<T>(base, count), <T>value);
        count++;
      } else {
        const remaining = previous - i - 1 + count;
        if (remaining > 0) tau += (tau - value) / <f64>remaining;
      }
    }
  } while (count < previous);
  return tau;
}

// P_ℓ1,a(y) = sign(y)·max(|y| − τ, 0), with y returned unchanged when ‖y‖₁ ≤ a.
// aux holds n T values; it may be `out` when out ≠ y.
export function projectL1Ball<T>(y: usize, n: i32, a: f64, out: usize, aux: usize): i32 {
  let k = sumAndCandidates<T>(y, n, a, true, aux, n >> CANDIDATE_CAP_SHIFT);
  const norm = scannedSum;
  if (!isFiniteF64(norm)) return NON_FINITE;
  if (norm <= a) {
    if (out != y) memory.copy(out, y, <usize>n << alignof<T>());
    return OK;
  }
  if (a == 0) {
    memory.fill(out, 0, <usize>n << alignof<T>());
    return OK;
  }
  if (k < 0) k = gatherAbove<T>(y, n, max(tauBoundFromMax(scannedMax, a), tauBoundFromSum(norm, n, a)), true, aux);
  applySpan<T>(KIND_L1, y, n, roundUp<T>(condatTau<T>(aux, k, a)), out);
  return OK;
}

// P_Δ,a(y) = max(y − τ, 0) with Σ = a: the simplex {x ≥ 0, Σ x = a}, for signed y.
export function projectSimplex<T>(y: usize, n: i32, a: f64, out: usize, aux: usize): i32 {
  if (n == 0) return OK;
  let k = sumAndCandidates<T>(y, n, a, false, aux, n >> CANDIDATE_CAP_SHIFT);
  if (!isFiniteF64(scannedSum)) return NON_FINITE;
  if (a == 0) {
    memory.fill(out, 0, <usize>n << alignof<T>());
    return OK;
  }
  if (k < 0) k = gatherAbove<T>(y, n, tauBoundFromMax(scannedMax, a), false, aux);
  positivePartShifted<T>(y, n, <T>condatTau<T>(aux, k, a), out);
  return OK;
}

// Beyond n/16 candidates from the running maximum, a second gather with the final bounds is cheaper.
const CANDIDATE_CAP_SHIFT: i32 = 4;

// out = max(y − τ, 0).
@inline function positivePartShifted<T>(y: usize, n: i32, tau: T, out: usize): void {
  const t = v128.splat<T>(tau);
  const zero = v128.splat<T>(<T>0);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    v128.store(addressOf<T>(out, i), v128.pmax<T>(v128.sub<T>(v128.load(addressOf<T>(y, i)), t), zero));
  }
  for (; i < n; i++) store<T>(addressOf<T>(out, i), max<T>(load<T>(addressOf<T>(y, i)) - tau, <T>0));
}
