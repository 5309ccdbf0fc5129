// Memory layout, stated once for every kernel:
// a matrix Y is row-major, rows × cols, element (i, j) at Y + (i·cols + j)·sizeof<T>.
// A group is a column (axis = AXIS_COLUMNS, the papers' y_j) or a row (axis = AXIS_ROWS).
// Per-group quantities (partials, norms ‖y_j‖, thresholds u_j) are f64 arrays of one entry per group.

export const AXIS_COLUMNS: i32 = 0;
export const AXIS_ROWS: i32 = 1;

// The group norm a bilevel projection aggregates with.
export const KIND_INF: i32 = 0; // max_i |Y_ij|
export const KIND_L1: i32 = 1; // Σ_i |Y_ij|
export const KIND_L2: i32 = 2; // Σ_i Y_ij² as a partial, √ of it as a norm

// Kernel status codes, turned into RangeErrors by the TypeScript wrappers.
export const OK: i32 = 0;
export const NON_FINITE: i32 = 1; // NaN or ±Infinity met in the data, or a sum overflowed
export const BAD_WEIGHT: i32 = 2; // a weight of the weighted ℓ1 ball not positive and finite

@inline export function at<T>(base: usize, index: i32): usize {
  return base + (<usize>index << alignof<T>());
}

@inline export function isFiniteF64(value: f64): bool {
  return value - value == 0;
}
