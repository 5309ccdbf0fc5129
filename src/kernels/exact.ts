// The exact Euclidean projection onto the ℓ1,∞ ball: per-group clip levels μ_j from a Newton iteration on the
// dual variable θ (assembly/exact.ts), then the bilevel ℓ1,∞ clip with u = μ.
import { checkOptions, checkRadius } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { type Call, run, stageOutput } from "../runtime/staging.ts";
import type { FloatArray, Input, MatrixOptions, ResultOf } from "../types.ts";
import { stageMatrix } from "./bilevel.ts";
import { kernel, throwNonFinite } from "./exports.ts";
import { AXIS_CODES, applyInto, applyScratchElements, copyInput, type MatrixOperand, normsInto, sum } from "./stages.ts";

/**
 * Newton steps before the kernel falls back to bisection. Newton crosses at least one breakpoint of the
 * piecewise-linear Σ_j μ_j(θ) per step and settles within a dozen steps on 1000 × 1000 test data; the cap
 * bounds adversarial inputs.
 */
export const NEWTON_STEPS = 64;

// The kernel's bucket counters: 256 i32.
const COUNTS_BYTES = 256 * 4;

/** The exact projection of m into `out` (which may be m.ptr). */
export function l1InfInto(call: Call, m: MatrixOperand, radius: number, out: number, newtonSteps = NEWTON_STEPS): void {
  const heap = call.heap;
  const groups = m.groups;
  // One block: ‖y_j‖∞, μ, the kernel's state (6 f64 per group), its bucket counters and one group's spill
  // (16-byte rounded), then T scratch for the bucket-sorted |y_j| (reused by the clip for its thresholds).
  // (A matrix's grouped view has one partial per group: the norms need no room for column accumulators.)
  const f64Bytes = groups * 8;
  const spillBytes = Math.ceil((Math.max(m.rows, m.cols) * (BYTES[m.type] + 1)) / 16) * 16;
  const block = call.alloc(8 * f64Bytes + COUNTS_BYTES + spillBytes + Math.max(m.length, applyScratchElements(heap, m)) * BYTES[m.type], "workspace for x");
  const norms = block;
  const mu = block + f64Bytes;
  const state = block + 2 * f64Bytes;
  const counts = block + 8 * f64Bytes;
  const values = counts + COUNTS_BYTES + spillBytes;
  if (sum(normsInto(heap, m, "inf", norms)) <= radius) return copyInput(heap, m, out);
  const thresholds = kernel(heap, "l1InfThresholds", m.type);
  if (thresholds(m.ptr, m.rows, m.cols, AXIS_CODES[m.axis], radius, newtonSteps, norms, mu, state, values, counts) !== 0) throwNonFinite(heap, m);
  applyInto(heap, m, "inf", mu, norms, out, values);
}

/** projectL1Inf on a given module instance with a given Newton cap (tests force the fallback with small caps). */
export function projectL1InfWith(heap: Heap, x: Input, rows: unknown, cols: unknown, radius: unknown, options: unknown, newtonSteps = NEWTON_STEPS): FloatArray {
  const eta = checkRadius(radius);
  const { out, axis } = checkOptions<MatrixOptions>(options);
  return run(heap, (call) => {
    const m = stageMatrix(call, x, rows, cols, axis);
    const dest = stageOutput(call, m, out);
    l1InfInto(call, m, eta, dest.ptr, newtonSteps);
    return dest.finish();
  });
}

/**
 * Euclidean projection onto the ℓ1,∞ ball {Σ_j max_i |X_ij| ≤ radius} (groups = columns unless axis: 'rows'):
 * X_ij = sign(Y_ij)·min(|Y_ij|, μ_j) with Σ_j μ_j = radius and one common Σ_i (|Y_ij| − μ_j)₊ over the groups
 * kept. Y itself when inside the ball. Nearer to Y than bilevelL1Inf, at the cost of a per-group partial sort.
 */
export function projectL1Inf<X extends Input>(x: X, rows: number, cols: number, radius: number, options?: MatrixOptions<ResultOf<X>>): ResultOf<X> {
  return projectL1InfWith(defaultHeap(), x, rows, cols, radius, options) as ResultOf<X>;
}
