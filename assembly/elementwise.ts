// The autograd's elementwise and reduction kernels, f32 only (training runs in f32, as PyTorch's default).
// Layout: a tensor is a dense row-major rows × cols block of f32; an operand of a broadcasting op is either
// FULL (rows × cols), a ROW vector (cols values, the same for every row: a bias), a COLUMN vector (rows values,
// the same across a row) or a SCALAR (one value).
// exp, log, tanh are AssemblyScript's own (musl ports compiled to wasm), never the host's Math: a seeded run
// must give the same bits in V8 and JavaScriptCore.

// The codes of the modes, operations and functions are written from the TypeScript tables by scripts/build.mjs.
import { FULL, ROW, SCALAR, COLUMN, ADD, SUB, MUL, DIV, EXP, LOG, RELU, SILU, TANH } from "./op-codes.generated";

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// σ(x) without overflow for either sign: e^x only ever of a non-positive argument.
@inline function sigmoid(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

// The f32 forms of the elementwise functions of src/autograd/ops.ts, whose entries hold the float64 ones. Sigmoid
// is the last branch here and in derivative(), so a new function's branch goes before it.
@inline function forward(op: i32, x: f32): f32 {
  if (op == EXP) return Mathf.exp(x);
  if (op == LOG) return Mathf.log(x);
  if (op == RELU) return x > 0 ? x : 0;
  if (op == SILU) return x * sigmoid(x);
  if (op == TANH) return Mathf.tanh(x);
  return sigmoid(x);
}

// f'(x) from the input x or the saved output y, whichever is cheaper: exp, tanh and σ reuse y.
@inline function derivative(op: i32, x: f32, y: f32): f32 {
  if (op == EXP) return y;
  if (op == LOG) return 1 / x;
  if (op == RELU) return x > 0 ? 1 : 0;
  if (op == SILU) {
    const s = sigmoid(x);
    return s * (1 + x * (1 - s));
  }
  if (op == TANH) return 1 - y * y;
  return y * (1 - y);
}

// Values below the smallest normal f32 become 0, as a CPU's flush-to-zero mode would make them (WebAssembly cannot set
// it): a saturated sigmoid otherwise feeds subnormal gradients into every product behind it, and x86 computes on
// subnormals 10-100× slower (an autoencoder stuck predicting black ran 3× slower per epoch). The change is < 1.2e-38.
@inline function flush(v: f32): f32 {
  return Mathf.abs(v) < 1.1754943508222875e-38 ? 0 : v;
}

// ReLU four lanes at a time (the per-pixel networks' activation, over millions of values a step), with the same
// bits as the scalar loop: x kept where x ≥ the smallest normal (so x > 0 and not flushed), +0 elsewhere and for NaN;
// the gradient is f'(x)·dy as a product (0·NaN stays NaN), flushed unless the lane is NaN.
const MIN_NORMAL: f32 = 1.1754943508222875e-38;

// y = f(x), n values.
export function unary(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (op == RELU) {
    const least = f32x4.splat(MIN_NORMAL);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(f32At(x, i));
      v128.store(f32At(y, i), v128.and(v, f32x4.ge(v, least)));
    }
  }
  for (; i < n; i++) store<f32>(f32At(y, i), flush(forward(op, load<f32>(f32At(x, i)))));
}

// dx (+)= f'(x)·dy, n values; y is f(x) as unary wrote it.
export function unaryGrad(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, accumulate: i32): void {
  let i = 0;
  if (op == RELU) {
    const zero = f32x4.splat(0), one = f32x4.splat(1), least = f32x4.splat(MIN_NORMAL);
    for (; i + 4 <= n; i += 4) {
      const slope = v128.bitselect(one, zero, f32x4.gt(v128.load(f32At(x, i)), zero));
      let g = f32x4.mul(slope, v128.load(f32At(dy, i)));
      if (accumulate) g = f32x4.add(g, v128.load(f32At(dx, i)));
      v128.store(f32At(dx, i), v128.andnot(g, f32x4.lt(f32x4.abs(g), least)));
    }
  }
  for (; i < n; i++) {
    let g = derivative(op, load<f32>(f32At(x, i)), load<f32>(f32At(y, i))) * load<f32>(f32At(dy, i));
    if (accumulate) g += load<f32>(f32At(dx, i));
    store<f32>(f32At(dx, i), flush(g));
  }
}

@inline function combine(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline function combineScalar(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

// Row i of an operand: FULL steps a row, COLUMN a value, ROW and SCALAR stay put.
@inline function rowOf(base: usize, mode: i32, i: i32, cols: i32): usize {
  if (mode == FULL) return f32At(base, i * cols);
  return mode == COLUMN ? f32At(base, i) : base;
}

// SCALAR and COLUMN operands hold one value per row.
@inline function isSplat(mode: i32): bool {
  return mode == SCALAR || mode == COLUMN;
}

@inline function lanesOf(row: usize, mode: i32, j: i32): v128 {
  return isSplat(mode) ? v128.load32_splat(row) : v128.load(f32At(row, j));
}

@inline function valueOf(row: usize, mode: i32, j: i32): f32 {
  return load<f32>(isSplat(mode) ? row : f32At(row, j));
}

// c = a ∘ b over rows × cols with each operand FULL, ROW, COLUMN or SCALAR; c may be a or b (in place).
@inline function broadcastLoop(op: i32, a: usize, aMode: i32, b: usize, bMode: i32, c: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const ra = rowOf(a, aMode, i, cols), rb = rowOf(b, bMode, i, cols), rc = f32At(c, i * cols);
    let j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(f32At(rc, j), combine(op, lanesOf(ra, aMode, j), lanesOf(rb, bMode, j)));
    for (; j < cols; j++) store<f32>(f32At(rc, j), combineScalar(op, valueOf(ra, aMode, j), valueOf(rb, bMode, j)));
  }
}

export function binary(op: i32, a: usize, aMode: i32, b: usize, bMode: i32, c: usize, rows: i32, cols: i32): void {
  // Each op a separate instantiation of the loop, so the op test folds away inside it.
  if (op == ADD) broadcastLoop(ADD, a, aMode, b, bMode, c, rows, cols);
  else if (op == SUB) broadcastLoop(SUB, a, aMode, b, bMode, c, rows, cols);
  else if (op == MUL) broadcastLoop(MUL, a, aMode, b, bMode, c, rows, cols);
  else broadcastLoop(DIV, a, aMode, b, bMode, c, rows, cols);
}

// y (+)= α·x, n values: gradient accumulation and scaling.
export function scaleAdd(x: usize, alpha: f32, y: usize, n: i32, accumulate: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let v = f32x4.mul(v128.load(f32At(x, i)), va);
    if (accumulate) v = f32x4.add(v, v128.load(f32At(y, i)));
    v128.store(f32At(y, i), v);
  }
  for (; i < n; i++) store<f32>(f32At(y, i), load<f32>(f32At(x, i)) * alpha + (accumulate ? load<f32>(f32At(y, i)) : 0));
}

// out[j] (+)= Σ_i x[i, j]: the column sums, the gradient of a broadcast row vector (a bias).
export function sumRows(x: usize, rows: i32, cols: i32, out: usize, accumulate: i32): void {
  if (!accumulate) memory.fill(out, 0, <usize>cols << 2);
  for (let i = 0; i < rows; i++) {
    const row = f32At(x, i * cols);
    let j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(f32At(out, j), f32x4.add(v128.load(f32At(out, j)), v128.load(f32At(row, j))));
    for (; j < cols; j++) store<f32>(f32At(out, j), load<f32>(f32At(out, j)) + load<f32>(f32At(row, j)));
  }
}

// out[i] (+)= Σ_j x[i, j]: the row sums, accumulated in f64 pairs and rounded once.
export function sumCols(x: usize, rows: i32, cols: i32, out: usize, accumulate: i32): void {
  for (let i = 0; i < rows; i++) {
    const s = sumSpan(f32At(x, i * cols), cols);
    store<f32>(f32At(out, i), <f32>(accumulate ? s + <f64>load<f32>(f32At(out, i)) : s));
  }
}

// Σ x over n values in f64.
export function sumAll(x: usize, n: i32): f64 {
  return sumSpan(x, n);
}

@inline function sumSpan(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(f32At(x, i));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  }
  const both = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < n; i++) s += <f64>load<f32>(f32At(x, i));
  return s;
}

// dst[r, :] = src[index[r], :] for r < count: a batch gathered from a dataset (index is i32).
export function gatherRows(src: usize, cols: i32, index: usize, count: i32, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < count; r++) memory.copy(dst + <usize>r * bytes, src + <usize>load<i32>(index + (<usize>r << 2)) * bytes, bytes);
}

// x[i] = value, n values.
export function fill(x: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(f32At(x, i), v);
  for (; i < n; i++) store<f32>(f32At(x, i), value);
}
