// Memory layout, stated once for every kernel:
// a matrix Y is row-major, rows × cols, element (i, j) at Y + (i·cols + j)·sizeof<T>.
// The bilevel kernels see every input as a grouped view [outer, groups, inner], row-major: element (o, g, k) at
// Y + ((o·groups + g)·inner + k)·sizeof<T>, and group g (the papers' y_j) is the slice Y[:, g, :]. A matrix's
// columns are [rows, cols, 1], its rows [1, rows, cols]; a Conv2d weight [O, I, kh, kw] grouped by input channel
// is [O, I, kh·kw]. (The exact ℓ1,∞ kernel still takes a matrix and an axis: a group is a column or a row.)
// Per-group quantities (partials, norms ‖y_g‖, thresholds u_g) are f64 arrays of one entry per group.

export const AXIS_COLUMNS: i32 = 0;
export const AXIS_ROWS: i32 = 1;

// The group norm a bilevel projection aggregates with.
export const KIND_INF: i32 = 0; // max |y| over the group
export const KIND_L1: i32 = 1; // Σ |y|
export const KIND_L2: i32 = 2; // Σ y² as a partial, √ of it as a norm

// Kernel status codes, turned into RangeErrors by the TypeScript wrappers.
export const OK: i32 = 0;
export const NON_FINITE: i32 = 1; // NaN or ±Infinity met in the data, or a sum overflowed
export const BAD_WEIGHT: i32 = 2; // a weight of the weighted ℓ1 ball not positive and finite

// The address of element `index` of the T values starting at `base`.
@inline export function addressOf<T>(base: usize, index: i32): usize {
  return base + (<usize>index << alignof<T>());
}

@inline export function isFiniteF64(value: f64): bool {
  return value - value == 0;
}
