import type { WasmArray } from "./runtime/wasm-array.ts";

/** A dense float vector or row-major matrix. */
export type FloatArray = Float32Array | Float64Array;

/** What the projections accept: float arrays, `number[]` (read as Float64), or arrays allocated in module memory. */
export type Input = FloatArray | number[] | WasmArray;

/** The float array type returned for an input of type X: Float32 stays Float32, everything else is Float64. */
export type ResultOf<X> = X extends Float32Array | WasmArray<Float32Array> ? Float32Array : Float64Array;

/** Which lines of a row-major `rows × cols` matrix form the groups: columns (the papers' y_j) or rows. */
export type Axis = "columns" | "rows";

/**
 * A tensor seen as [outer, groups, inner], row-major: element (o, g, k) at (o·groups + g)·inner + k, and group g
 * is the slice x[:, g, :]. A matrix's columns are [rows, cols, 1], its rows [1, rows, cols]; a Conv2d weight
 * [O, I, kh, kw] grouped by input channel is [O, I, kh·kw], grouped by output filter [1, O, I·kh·kw].
 */
export type GroupedShape = readonly [outer: number, groups: number, inner: number];

/** The group norm of a bilevel projection: ℓ∞ (max-abs), ℓ1 (abs-sum) or ℓ2. */
export type GroupNormKind = "inf" | "1" | "2";

/** The float type of an array in module memory: 32- or 64-bit. */
export type ElementType = "f32" | "f64";

/** Options of every projection: where to write the result. */
export interface ProjectionOptions<R extends FloatArray = FloatArray> {
  /**
   * Where to write the result: an array of the input's float type and length, or a WasmArray of it.
   * It may be the input itself for an in-place projection. Without it the result is a new array.
   */
  out?: R | WasmArray<R>;
}

/** Options of the matrix projections: an output array and which axis forms the groups. */
export interface MatrixOptions<R extends FloatArray = FloatArray> extends ProjectionOptions<R> {
  /** Groups are columns (default) or rows. */
  axis?: Axis;
}

/** Options of the matrix norms: which axis forms the groups. */
export interface NormOptions {
  /** Groups are columns (default) or rows. */
  axis?: Axis;
}
