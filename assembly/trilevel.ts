// Trilevel projections of a tensor Y [a, b, c], row-major: Y_ijk at (i·b + j)·c + k, so the fibre
// y_ij = Y[i, j, :] is a contiguous span of c values and group i (Y[i, :, :]) is b consecutive fibres.
//   fibre norms  n_ij = max_k |Y_ijk| (KIND_INF) or Σ_k |Y_ijk| (KIND_L1);
//   group norms  N_i  = max_j n_ij    (KIND_INF) or Σ_j n_ij    (KIND_L1);
//   u   = P_ℓ1,η(N)             each group its radius u_i;
//   v_ij = min(n_ij, u_i) (KIND_INF: the authors' middle clip, memo-p/projection's trilevel1inftyinfty, which
//          puts X on the ball: Σ_i max_j v_ij = Σ_i u_i = η) or v_i = P_ℓ1,u_i(n_i1 … n_ib) (KIND_L1);
//   X_ij = clip(y_ij, −v_ij, v_ij) (KIND_INF) or P_ℓ1,v_ij(y_ij) (KIND_L1).
// Every ℓ1 step is projectL1Ball; the passes over the data are the span helpers' SIMD loops.
import { KIND_INF, KIND_L1, OK, NON_FINITE, addressOf, isFiniteF64 } from "./layout";
import { roundDown } from "./simd";
import { reduceSpan, applySpan } from "./spans";
import { projectL1Ball } from "./l1ball";

// n (a·b f64) and N (a f64) of Y; NON_FINITE when a norm is NaN or infinite (NaN/±Infinity in the data, or
// an overflowing sum), before anything else is written.
export function trilevelNorms<T>(y: usize, a: i32, b: i32, c: i32, kind: i32, fibreNorms: usize, groupNorms: usize): i32 {
  if (kind == KIND_INF) return reduceFibres<T>(KIND_INF, y, a, b, c, fibreNorms, groupNorms);
  return reduceFibres<T>(KIND_L1, y, a, b, c, fibreNorms, groupNorms);
}

@inline function reduceFibres<T>(kind: i32, y: usize, a: i32, b: i32, c: i32, fibreNorms: usize, groupNorms: usize): i32 {
  for (let i = 0; i < a; i++) {
    let group: f64 = 0;
    for (let j = 0; j < b; j++) {
      const f = i * b + j;
      const norm = reduceSpan<T>(kind, addressOf<T>(y, f * c), c);
      store<f64>(addressOf<f64>(fibreNorms, f), norm);
      group = kind == KIND_INF ? max(group, norm) : group + norm;
    }
    if (!isFiniteF64(group)) return NON_FINITE;
    store<f64>(addressOf<f64>(groupNorms, i), group);
  }
  return OK;
}

// X into out (which may be y). norms: a·b + 2a + max(a, b) f64 (n, N, u, the ℓ1 steps' scratch);
// aux: c T values (one fibre's ℓ1 candidates).
export function trilevel<T>(y: usize, a: i32, b: i32, c: i32, kind: i32, eta: f64, out: usize, norms: usize, aux: usize): i32 {
  const fibreNorms = norms;
  const groupNorms = addressOf<f64>(fibreNorms, a * b);
  const u = addressOf<f64>(groupNorms, a);
  const scratch = addressOf<f64>(u, a);
  if (trilevelNorms<T>(y, a, b, c, kind, fibreNorms, groupNorms) != OK) return NON_FINITE;
  let total: f64 = 0;
  for (let i = 0; i < a; i++) total += load<f64>(addressOf<f64>(groupNorms, i));
  if (!isFiniteF64(total)) return NON_FINITE;
  // Inside the ball (‖Y‖ = Σ_i N_i ≤ η) Y is its own projection.
  if (total <= eta) {
    if (out != y) memory.copy(out, y, <usize>a * b * c << alignof<T>());
    return OK;
  }
  projectL1Ball<f64>(groupNorms, a, eta, u, scratch);
  for (let i = 0; i < a; i++) {
    // v_i over the group's fibre norms in place: clipped at u_i (ℓ1,∞,∞) or projected onto ℓ1 ball u_i (ℓ1,1,1).
    const v = addressOf<f64>(fibreNorms, i * b);
    const ui = load<f64>(addressOf<f64>(u, i));
    if (kind != KIND_INF) projectL1Ball<f64>(v, b, ui, v, scratch);
    for (let j = 0; j < b; j++) {
      const offset = (i * b + j) * c;
      const vij = kind == KIND_INF ? min(load<f64>(addressOf<f64>(v, j)), ui) : load<f64>(addressOf<f64>(v, j));
      // Most fibres get no radius when η is small: their projection is 0, written without reading them.
      if (vij <= 0) memory.fill(addressOf<T>(out, offset), 0, <usize>c << alignof<T>());
      else if (kind == KIND_INF) applySpan<T>(KIND_INF, addressOf<T>(y, offset), c, roundDown<T>(vij), addressOf<T>(out, offset));
      else projectL1Ball<T>(addressOf<T>(y, offset), c, vij, addressOf<T>(out, offset), aux);
    }
  }
  return OK;
}
