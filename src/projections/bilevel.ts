// Bilevel projections BP^{1,∞}, BP^{1,1}, BP^{1,2} (Barlaud, Perez, Marmorat, Algorithms 1–3) and the group norms,
// of a tensor seen as [outer, groups, inner] (group g = x[:, g, :]). The matrix functions are its special cases:
// columns are [rows, cols, 1], rows [1, rows, cols]; both run the one grouped implementation below.
import { checkAxis, checkGroupedShape, checkKind, checkOptions, checkRadius, checkMatrixShape } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { type Call, withCall, marshalInput, marshalOutput } from "../runtime/marshal.ts";
import type {
  FloatArray,
  GroupedShape,
  GroupNormKind,
  Input,
  MatrixOptions,
  NormOptions,
  ProjectionOptions,
  ResultOf,
} from "../types.ts";
import {
  applyInto,
  applyScratchElements,
  copyInput,
  type GroupedRef,
  type MatrixRef,
  matrixView,
  normsInto,
  partialElements,
  sum,
  thresholdsInto,
} from "./stages.ts";

export function marshalMatrix(call: Call, x: Input, rows: unknown, cols: unknown, axis: unknown): MatrixRef {
  const checkedAxis = checkAxis(axis);
  const input = marshalInput(call, x);
  checkMatrixShape(input.length, rows, cols);
  const { type, length, ptr, scratch } = input;
  const [outer, groups, inner] = matrixView(rows as number, cols as number, checkedAxis);
  return {
    type,
    length,
    ptr,
    scratch,
    outer,
    groups,
    inner,
    rows: rows as number,
    cols: cols as number,
    axis: checkedAxis,
  };
}

export function marshalGrouped(call: Call, x: Input, shape: unknown): GroupedRef {
  const input = marshalInput(call, x);
  const [outer, groups, inner] = checkGroupedShape(input.length, shape);
  const { type, length, ptr, scratch } = input;
  return { type, length, ptr, scratch, outer, groups, inner };
}

/**
 * How x is laid out, as a matrix (rows, cols and options.axis) or a grouped view (shape): run inside a call, it
 * marshals x into module memory and returns the grouped view of it. Its checks wait for the call, so that every
 * entry checks the radius and options.out first.
 */
export type Layout = (call: Call) => GroupedRef;

export function matrixLayout(x: Input, rows: unknown, cols: unknown, options: unknown): Layout {
  return (call) => marshalMatrix(call, x, rows, cols, checkOptions<MatrixOptions>(options).axis);
}

export function groupedLayout(x: Input, shape: unknown): Layout {
  return (call) => marshalGrouped(call, x, shape);
}

/** The one-shot bilevel projection of m into `out` (which may be m.ptr). */
export function bilevelInto(call: Call, m: GroupedRef, kind: GroupNormKind, radius: number, out: number): void {
  const heap = call.heap;
  const groups = m.groups;
  // One block: the norms (with room for the partials' accumulators), u, the ℓ1 step's scratch (f64 each), then
  // stage 4's T scratch.
  const normsBytes = partialElements(heap, m) * 8;
  const f64Bytes = groups * 8;
  const block = call.alloc(
    normsBytes + 2 * f64Bytes + applyScratchElements(heap, m) * BYTES[m.type],
    "workspace for x",
  );
  const norms = block;
  const u = block + normsBytes;
  const normsView = normsInto(heap, m, kind, norms);
  if (sum(normsView) <= radius) {
    copyInput(heap, m, out);
    return;
  }
  thresholdsInto(heap, norms, groups, radius, u, u + f64Bytes);
  applyInto(heap, m, kind, u, norms, out, u + 2 * f64Bytes);
}

/** The bilevel projection of x as `layout` lays it out, with radius and options.out checked as every entry does. */
export function bilevel(
  heap: Heap,
  kind: GroupNormKind,
  layout: Layout,
  radius: unknown,
  options: unknown,
): FloatArray {
  const eta = checkRadius(radius);
  const { out } = checkOptions<ProjectionOptions>(options);
  return withCall(heap, (call) => {
    const m = layout(call);
    const dest = marshalOutput(call, m, out);
    bilevelInto(call, m, kind, eta, dest.ptr);
    return dest.finish();
  });
}

export function groupNorm(heap: Heap, kind: GroupNormKind, layout: Layout): number {
  return withCall(heap, (call) => {
    const m = layout(call);
    return sum(normsInto(heap, m, kind, call.alloc(partialElements(heap, m) * 8, "norms of x")));
  });
}

/** Bilevel ℓ1,∞ projection: u = P_ℓ1,η(max_i |Y_ij|), then each group clipped to [−u_j, u_j]. */
export function bilevelL1Inf<X extends Input>(
  x: X,
  rows: number,
  cols: number,
  radius: number,
  options?: MatrixOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), "inf", matrixLayout(x, rows, cols, options), radius, options) as ResultOf<X>;
}

/**
 * Bilevel ℓ1,1 projection: u = P_ℓ1,η(‖y_j‖₁), then each group projected onto the ℓ1 ball of radius u_j.
 */
export function bilevelL11<X extends Input>(
  x: X,
  rows: number,
  cols: number,
  radius: number,
  options?: MatrixOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), "1", matrixLayout(x, rows, cols, options), radius, options) as ResultOf<X>;
}

/** Bilevel ℓ1,2 projection: u = P_ℓ1,η(‖y_j‖₂), then each group scaled by u_j/‖y_j‖₂. */
export function bilevelL12<X extends Input>(
  x: X,
  rows: number,
  cols: number,
  radius: number,
  options?: MatrixOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), "2", matrixLayout(x, rows, cols, options), radius, options) as ResultOf<X>;
}

/** ‖X‖₁,∞ = Σ_j max_i |X_ij| (groups = columns unless axis: 'rows'). */
export function normL1Inf(x: Input, rows: number, cols: number, options?: NormOptions): number {
  return groupNorm(defaultHeap(), "inf", matrixLayout(x, rows, cols, options));
}

/** ‖X‖₁,₁ = Σ_j Σ_i |X_ij|. */
export function normL11(x: Input, rows: number, cols: number, options?: NormOptions): number {
  return groupNorm(defaultHeap(), "1", matrixLayout(x, rows, cols, options));
}

/** ‖X‖₁,₂ = Σ_j ‖x_j‖₂. */
export function normL12(x: Input, rows: number, cols: number, options?: NormOptions): number {
  return groupNorm(defaultHeap(), "2", matrixLayout(x, rows, cols, options));
}

/**
 * The bilevel projection of x seen as `shape` = [outer, groups, inner] (row-major), whose groups are the slices
 * x[:, g, :]: u = P_ℓ1,η(‖y_1‖, …, ‖y_m‖) with the group norm of `kind` (max-abs 'inf', abs-sum '1', '2'),
 * then each group clipped to [−u_g, u_g], projected onto the ℓ1 ball of radius u_g, or scaled by u_g/‖y_g‖₂.
 * A matrix's columns are [rows, cols, 1] and its rows [1, rows, cols] (bit for bit bilevelL1Inf & co.); a Conv2d
 * weight [O, I, kh, kw] grouped by input channel is [O, I, kh·kw], by output filter [1, O, I·kh·kw].
 */
export function bilevelGrouped<X extends Input>(
  kind: GroupNormKind,
  x: X,
  shape: GroupedShape,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), checkKind(kind), groupedLayout(x, shape), radius, options) as ResultOf<X>;
}

/** bilevelGrouped('inf', …): each slice x[:, g, :] clipped to [−u_g, u_g], u = P_ℓ1,η(max-abs of the slices). */
export function bilevelL1InfGrouped<X extends Input>(
  x: X,
  shape: GroupedShape,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), "inf", groupedLayout(x, shape), radius, options) as ResultOf<X>;
}

/** bilevelGrouped('1', …): each slice projected onto the ℓ1 ball of radius u_g, u = P_ℓ1,η(‖slices‖₁). */
export function bilevelL11Grouped<X extends Input>(
  x: X,
  shape: GroupedShape,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), "1", groupedLayout(x, shape), radius, options) as ResultOf<X>;
}

/** bilevelGrouped('2', …): each slice scaled by u_g/‖y_g‖₂, u = P_ℓ1,η(‖slices‖₂). */
export function bilevelL12Grouped<X extends Input>(
  x: X,
  shape: GroupedShape,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return bilevel(defaultHeap(), "2", groupedLayout(x, shape), radius, options) as ResultOf<X>;
}

/** The mixed norm Σ_g ‖x[:, g, :]‖ of x seen as [outer, groups, inner], with the group norm of `kind`. */
export function groupedNorm(kind: GroupNormKind, x: Input, shape: GroupedShape): number {
  return groupNorm(defaultHeap(), checkKind(kind), groupedLayout(x, shape));
}
