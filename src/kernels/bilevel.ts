// Bilevel projections BP^{1,∞}, BP^{1,1}, BP^{1,2} (Barlaud, Perez, Marmorat, Algorithms 1–3) and the group norms.
import { checkAxis, checkOptions, checkRadius, checkShape } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { type Call, run, stageInput, stageOutput } from "../runtime/staging.ts";
import type { FloatArray, GroupNormKind, Input, MatrixOptions, NormOptions, ResultOf } from "../types.ts";
import {
  applyInto,
  applyScratchElements,
  copyInput,
  groupCount,
  type MatrixOperand,
  normsInto,
  sum,
  thresholdsInto,
} from "./stages.ts";

export function stageMatrix(call: Call, x: Input, rows: unknown, cols: unknown, axis: unknown): MatrixOperand {
  const checkedAxis = checkAxis(axis);
  const input = stageInput(call, x);
  checkShape(input.length, rows, cols);
  const { type, length, ptr, scratch } = input;
  return { type, length, ptr, scratch, rows: rows as number, cols: cols as number, axis: checkedAxis };
}

/** The one-shot bilevel projection of m into `out` (which may be m.ptr). */
export function bilevelInto(call: Call, m: MatrixOperand, kind: GroupNormKind, radius: number, out: number): void {
  const heap = call.heap;
  const groups = groupCount(m);
  // One block: norms, u, the ℓ1 step's scratch (f64 each), then stage 4's T scratch.
  const f64Bytes = groups * 8;
  const block = call.alloc(3 * f64Bytes + applyScratchElements(m) * BYTES[m.type], "workspace for x");
  const norms = block;
  const u = block + f64Bytes;
  const normsView = normsInto(heap, m, kind, norms);
  if (sum(normsView) <= radius) return copyInput(heap, m, out);
  thresholdsInto(heap, norms, groups, radius, u, block + 2 * f64Bytes);
  applyInto(heap, m, kind, u, norms, out, block + 3 * f64Bytes);
}

export function bilevel(heap: Heap, kind: GroupNormKind, x: Input, rows: unknown, cols: unknown, radius: unknown, options: unknown): FloatArray {
  const eta = checkRadius(radius);
  const { out, axis } = checkOptions<MatrixOptions>(options);
  return run(heap, (call) => {
    const m = stageMatrix(call, x, rows, cols, axis);
    const dest = stageOutput(call, m, out);
    bilevelInto(call, m, kind, eta, dest.ptr);
    return dest.finish();
  });
}

export function groupNorm(heap: Heap, kind: GroupNormKind, x: Input, rows: unknown, cols: unknown, options: unknown): number {
  const { axis } = checkOptions<NormOptions>(options);
  return run(heap, (call) => {
    const m = stageMatrix(call, x, rows, cols, axis);
    return sum(normsInto(heap, m, kind, call.alloc(groupCount(m) * 8, "norms of x")));
  });
}

/** Bilevel ℓ1,∞ projection: u = P_ℓ1,η(max_i |Y_ij|), then each group clipped to [−u_j, u_j]. */
export function bilevelL1Inf<X extends Input>(x: X, rows: number, cols: number, radius: number, options?: MatrixOptions<ResultOf<X>>): ResultOf<X> {
  return bilevel(defaultHeap(), "inf", x, rows, cols, radius, options) as ResultOf<X>;
}

/** Bilevel ℓ1,1 projection: u = P_ℓ1,η(‖y_j‖₁), then each group projected onto the ℓ1 ball of radius u_j. */
export function bilevelL11<X extends Input>(x: X, rows: number, cols: number, radius: number, options?: MatrixOptions<ResultOf<X>>): ResultOf<X> {
  return bilevel(defaultHeap(), "1", x, rows, cols, radius, options) as ResultOf<X>;
}

/** Bilevel ℓ1,2 projection: u = P_ℓ1,η(‖y_j‖₂), then each group scaled by u_j/‖y_j‖₂. */
export function bilevelL12<X extends Input>(x: X, rows: number, cols: number, radius: number, options?: MatrixOptions<ResultOf<X>>): ResultOf<X> {
  return bilevel(defaultHeap(), "2", x, rows, cols, radius, options) as ResultOf<X>;
}

/** ‖X‖₁,∞ = Σ_j max_i |X_ij| (groups = columns unless axis: 'rows'). */
export function normL1Inf(x: Input, rows: number, cols: number, options?: NormOptions): number {
  return groupNorm(defaultHeap(), "inf", x, rows, cols, options);
}

/** ‖X‖₁,₁ = Σ_j Σ_i |X_ij|. */
export function normL11(x: Input, rows: number, cols: number, options?: NormOptions): number {
  return groupNorm(defaultHeap(), "1", x, rows, cols, options);
}

/** ‖X‖₁,₂ = Σ_j ‖x_j‖₂. */
export function normL12(x: Input, rows: number, cols: number, options?: NormOptions): number {
  return groupNorm(defaultHeap(), "2", x, rows, cols, options);
}
