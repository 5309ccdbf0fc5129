// The stages of a bilevel projection at the level of module pointers. The one-shot functions, the staged
// public API and the thread pool all run these, so each stage has one implementation:
//   1. partials  — each group reduced to max |y|, Σ |y| or Σ y² (mergeable across row blocks);
//   2. norms     — partials merged and finished (√ for ℓ2);
//   3. thresholds u = P_ℓ1,η(norms);
//   4. apply     — each group clipped (ℓ∞), ℓ1-projected onto radius u_j (ℓ1),
//                   or scaled by u_j/‖y_j‖₂ (ℓ2).
// Every operand is a grouped view [outer, groups, inner] (assembly/layout.ts): a matrix is its special case.
import { KIND_CODES } from "../args.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import type { ArrayRef } from "../runtime/marshal.ts";
import type { Axis, GroupedShape, GroupNormKind } from "../types.ts";
import { kernel, throwNonFinite } from "./exports.ts";

/** An input seen as [outer, groups, inner]: element (o, g, k) at (o·groups + g)·inner + k, group g = x[:, g, :]. */
export interface GroupedRef extends ArrayRef {
  readonly outer: number;
  readonly groups: number;
  readonly inner: number;
}

/** A matrix operand also keeps its rows, cols and axis, for the exact ℓ1,∞ kernel, which takes a matrix. */
export interface MatrixRef extends GroupedRef {
  readonly rows: number;
  readonly cols: number;
  readonly axis: Axis;
}

export const AXIS_CODES: Record<Axis, number> = { columns: 0, rows: 1 };

/** The grouped view of a row-major matrix: its columns are [rows, cols, 1], its rows [1, rows, cols]. */
export function matrixView(rows: number, cols: number, axis: Axis): GroupedShape {
  return axis === "columns" ? [rows, cols, 1] : [1, rows, cols];
}

/** f64 entries groupPartials writes (accumulators per column swept, folded into the first `groups`). */
export function partialElements(heap: Heap, m: GroupedRef): number {
  return kernel(heap, "partialElements")(m.outer, m.groups, m.inner);
}

/** T entries of stage 4's scratch: per-group thresholds, then one group's ℓ1 candidates or a row of thresholds. */
export function applyScratchElements(heap: Heap, m: GroupedRef): number {
  return kernel(heap, "applyScratchElements")(m.outer, m.groups, m.inner);
}

/**
 * Stage 1 into `partials` (partialElements(m) f64; the first `groups` are the partials). Returns false when finite data
 * overflowed a sum of squares (f64 beyond ~1e154): the caller then takes stableNormsInto. Throws on NaN/±Infinity in
 * the data.
 */
export function partialsInto(heap: Heap, m: GroupedRef, kind: GroupNormKind, partials: number): boolean {
  const status = kernel(heap, "groupPartials", m.type)(m.ptr, m.outer, m.groups, m.inner, KIND_CODES[kind], partials);
  if (status === 0) return true;
  throwUnlessSquaresOverflowed(heap, m, kind);
  return false;
}

/**
 * After partials came out non-finite: NaN/±Infinity in the data, or a finite sum of |y| that overflowed, throws;
 * finite data whose sums of squares overflowed returns, for the scaled slow path.
 */
export function throwUnlessSquaresOverflowed(heap: Heap, m: GroupedRef, kind: GroupNormKind): void {
  if (kind !== "2" || kernel(heap, "firstNonFinite", m.type)(m.ptr, m.length) >= 0) throwNonFinite(heap, m);
}

/** ‖y_j‖₂ into `norms` by scaling each group by its max |y| first: slow, but no overflow. */
export function stableNormsInto(heap: Heap, m: GroupedRef, norms: number): void {
  kernel(heap, "stableGroupNorms2", m.type)(m.ptr, m.outer, m.groups, m.inner, norms);
}

/** Stage 2 for one block: partials → norms in place. */
export function finishNorms(kind: GroupNormKind, values: Float64Array): void {
  if (kind === "2") for (let g = 0; g < values.length; g++) values[g] = Math.sqrt(values[g]);
}

/**
 * Stages 1 and 2 for a whole input, with the scaled slow path for ℓ2 norms of huge f64 data.
 * `norms` holds partialElements(m) f64; the first `groups` are the norms.
 */
export function normsInto(heap: Heap, m: GroupedRef, kind: GroupNormKind, norms: number): Float64Array {
  const view = new Float64Array(heap.buffer, norms, m.groups);
  if (partialsInto(heap, m, kind, norms)) finishNorms(kind, view);
  else stableNormsInto(heap, m, norms);
  return view;
}

/** Inside the ball the projection is the input itself: X = Y exactly, copied unless in place. */
export function copyInput(heap: Heap, m: GroupedRef, out: number): void {
  if (out !== m.ptr) heap.exports.copyBytes(out, m.ptr, m.length * BYTES[m.type]);
}

/** Σ_j ‖y_j‖: the mixed norm. Finite group norms may still sum past the float64 range. */
export function sum(values: Float64Array): number {
  let total = 0;
  for (let g = 0; g < values.length; g++) total += values[g];
  if (total === Infinity) throw new RangeError(VALUES_TOO_LARGE);
  return total;
}

const VALUES_TOO_LARGE = "x: values too large, the sum of the group norms overflows float64";

/** Stage 3: u = P_ℓ1,η(norms) into `u`, with `scratch` holding one f64 per group. */
export function thresholdsInto(
  heap: Heap,
  norms: number,
  groups: number,
  radius: number,
  u: number,
  scratch: number,
): void {
  if (kernel(heap, "l1Ball", "f64")(norms, groups, radius, u, scratch) !== 0) throw new RangeError(VALUES_TOO_LARGE);
}

/** Stage 4: X from Y, u and the norms; `scratch` holds applyScratchElements(m) T values. */
export function applyInto(
  heap: Heap,
  m: GroupedRef,
  kind: GroupNormKind,
  u: number,
  norms: number,
  out: number,
  scratch: number,
): void {
  kernel(heap, "applyBilevel", m.type)(m.ptr, m.outer, m.groups, m.inner, KIND_CODES[kind], u, norms, out, scratch);
}
