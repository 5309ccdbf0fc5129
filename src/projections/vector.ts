// Projections of a vector onto the ℓ1, ℓ2 and ℓ∞ balls and the simplex.
import { checkOptions, checkRadius } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { withCall, marshalInput, marshalOutput } from "../runtime/marshal.ts";
import type { FloatArray, Input, ProjectionOptions, ResultOf } from "../types.ts";
import { kernel, throwNonFinite } from "./exports.ts";
import type { VectorKernel } from "./registry.ts";

// ℓ1 and simplex kernels need n scratch values for Condat's candidate lists.
const NEEDS_SCRATCH: Record<VectorKernel, boolean> = { l1Ball: true, simplex: true, l2Ball: false, lInfBall: false };

export function projectVector(heap: Heap, name: VectorKernel, x: Input, radius: unknown, options: unknown): FloatArray {
  const a = checkRadius(radius);
  const { out } = checkOptions<ProjectionOptions>(options);
  return withCall(heap, (call) => {
    const input = marshalInput(call, x);
    if (name === "simplex" && input.length === 0 && a > 0) {
      throw new RangeError("x is empty: the simplex of a positive radius has no point in zero dimensions");
    }
    const dest = marshalOutput(call, input, out);
    let scratch = 0;
    if (NEEDS_SCRATCH[name]) {
      scratch = dest.ptr !== input.ptr ? dest.ptr : call.alloc(input.length * BYTES[input.type], "scratch for x");
    }
    if (kernel(heap, name, input.type)(input.ptr, input.length, a, dest.ptr, scratch) !== 0)
      throwNonFinite(heap, input);
    return dest.finish();
  });
}

/**
 * Euclidean projection onto the ℓ1 ball {‖x‖₁ ≤ radius}: sign(y)·max(|y| − τ, 0); y itself when inside.
 */
export function projectL1Ball<X extends Input>(
  x: X,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return projectVector(defaultHeap(), "l1Ball", x, radius, options) as ResultOf<X>;
}

/** Euclidean projection onto the simplex {x ≥ 0, Σx = radius}: max(y − τ, 0). */
export function projectSimplex<X extends Input>(
  x: X,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return projectVector(defaultHeap(), "simplex", x, radius, options) as ResultOf<X>;
}

/** Euclidean projection onto the ℓ2 ball: y·radius/‖y‖₂ when ‖y‖₂ > radius, else y. */
export function projectL2Ball<X extends Input>(
  x: X,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return projectVector(defaultHeap(), "l2Ball", x, radius, options) as ResultOf<X>;
}

/** Euclidean projection onto the ℓ∞ ball: each entry clipped to [−radius, radius]. */
export function projectLInfBall<X extends Input>(
  x: X,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return projectVector(defaultHeap(), "lInfBall", x, radius, options) as ResultOf<X>;
}
