// Trilevel ℓ1,∞,∞ and ℓ1,1,1 projections of a 3-D tensor [a, b, c] and their norms (assembly/trilevel.ts).
import { checkOptions, checkRadius, checkTensorShape, KIND_CODES } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { type Call, type ArrayRef, withCall, marshalInput, marshalOutput } from "../runtime/marshal.ts";
import type { FloatArray, Input, ProjectionOptions, ResultOf } from "../types.ts";
import { kernel, throwNonFinite } from "./exports.ts";
import { sum } from "./stages.ts";

type TrilevelKind = "inf" | "1";

function marshalTensor(call: Call, x: Input, a: unknown, b: unknown, c: unknown): ArrayRef {
  const input = marshalInput(call, x);
  checkTensorShape(input.length, a, b, c);
  return input;
}

export function trilevel(
  heap: Heap,
  kind: TrilevelKind,
  x: Input,
  a: unknown,
  b: unknown,
  c: unknown,
  radius: unknown,
  options: unknown,
): FloatArray {
  const eta = checkRadius(radius);
  const { out } = checkOptions<ProjectionOptions>(options);
  return withCall(heap, (call) => {
    const t = marshalTensor(call, x, a, b, c);
    const [p, q, r] = [a, b, c] as number[];
    const dest = marshalOutput(call, t, out);
    // f64: fibre norms n, group norms N, radii u, the ℓ1 steps' scratch; T: one fibre's ℓ1 candidates.
    const norms = call.alloc((p * q + 2 * p + Math.max(p, q)) * 8, "workspace for x");
    const aux = call.alloc(r * BYTES[t.type], "workspace for x");
    if (kernel(heap, "trilevel", t.type)(t.ptr, p, q, r, KIND_CODES[kind], eta, dest.ptr, norms, aux) !== 0)
      throwNonFinite(heap, t);
    return dest.finish();
  });
}

export function trilevelNorm(heap: Heap, kind: TrilevelKind, x: Input, a: unknown, b: unknown, c: unknown): number {
  return withCall(heap, (call) => {
    const t = marshalTensor(call, x, a, b, c);
    const [p, q] = [a, b] as number[];
    const fibreNorms = call.alloc(p * q * 8, "norms of x");
    const groupNorms = call.alloc(p * 8, "norms of x");
    if (kernel(heap, "trilevelNorms", t.type)(t.ptr, p, q, c as number, KIND_CODES[kind], fibreNorms, groupNorms) !== 0)
      throwNonFinite(heap, t);
    return sum(new Float64Array(heap.buffer, groupNorms, p));
  });
}

/**
 * Trilevel ℓ1,∞,∞ projection of x [a, b, c], as its authors define it: u = P_ℓ1,η(max_jk |Y_ijk|),
 * v_ij = min(max_k |Y_ijk|, u_i), then each fibre Y[i, j, :] clipped to [−v_ij, v_ij]. x itself when
 * normL1InfInf(x) ≤ radius; otherwise ‖X‖ = radius. It equals bilevelL1Inf(x, a, b·c, η, { axis: 'rows' }).
 */
export function trilevelL1InfInf<X extends Input>(
  x: X,
  a: number,
  b: number,
  c: number,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return trilevel(defaultHeap(), "inf", x, a, b, c, radius, options) as ResultOf<X>;
}

/**
 * Trilevel ℓ1,1,1 projection of x [a, b, c]: u = P_ℓ1,η(Σ_jk |Y_ijk|), v_i = P_ℓ1,u_i(Σ_k |Y_ijk|),
 * then each fibre Y[i, j, :] projected onto the ℓ1 ball of radius v_ij. x itself when normL111(x) ≤ radius.
 */
export function trilevelL111<X extends Input>(
  x: X,
  a: number,
  b: number,
  c: number,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return trilevel(defaultHeap(), "1", x, a, b, c, radius, options) as ResultOf<X>;
}

/** ‖X‖₁,∞,∞ = Σ_i max_j max_k |X_ijk|. */
export function normL1InfInf(x: Input, a: number, b: number, c: number): number {
  return trilevelNorm(defaultHeap(), "inf", x, a, b, c);
}

/** ‖X‖₁,₁,₁ = Σ_i Σ_j Σ_k |X_ijk|. */
export function normL111(x: Input, a: number, b: number, c: number): number {
  return trilevelNorm(defaultHeap(), "1", x, a, b, c);
}
