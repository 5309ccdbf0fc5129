// The autograd's elementwise and reduction kernels, f32 only (training runs in f32, as PyTorch's default).
// Layout: a tensor is a dense row-major rows × cols block of f32; an operand of a broadcasting op is either
// FULL (rows × cols), a ROW vector (cols values, the same for every row: a bias), a COLUMN vector (rows values,
// the same across a row) or a SCALAR (one value).
// exp, log, tanh are AssemblyScript's own (musl ports compiled to wasm), never the host's Math: a seeded run
// must give the same bits in V8 and JavaScriptCore.

// The codes of the modes, operations and functions are written from the TypeScript tables by scripts/build.mjs.
import { FULL, ROW, SCALAR, COLUMN, ADD, SUB, MUL, DIV, EXP, LOG, RELU, SILU, TANH, SIGMOID } from "./op-codes.generated";

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

// ---- four lanes at a time, bit for bit the scalar forms above ----
// Every lane runs the scalar form's operations in its order (IEEE-exact in WebAssembly: no contraction), so a value
// does not depend on whether it fell in a vector or in the tail, and the cross-runtime fingerprints hold.

// Musl's expf (ARM's optimized-routines expf, which AssemblyScript's Mathf.exp compiles from at shrinkLevel 0:
// std/assembly/util/math.ts, expf_lut), two lanes at a time in f64 as it computes: x·N/ln 2 = k + r, and
// e^x = 2^(k/N)·2^(r/N) with 2^(k/N) from a table of N = 32 entries and 2^(r/N) a cubic. Its table, copied
// (the library does not export it): T[i] = bits(2^(i/N)) − (i << 47).
const EXP2F_TABLE: usize = memory.data<u64>([
  0x3FF0000000000000, 0x3FEFD9B0D3158574, 0x3FEFB5586CF9890F, 0x3FEF9301D0125B51,
  0x3FEF72B83C7D517B, 0x3FEF54873168B9AA, 0x3FEF387A6E756238, 0x3FEF1E9DF51FDEE1,
  0x3FEF06FE0A31B715, 0x3FEEF1A7373AA9CB, 0x3FEEDEA64C123422, 0x3FEECE086061892D,
  0x3FEEBFDAD5362A27, 0x3FEEB42B569D4F82, 0x3FEEAB07DD485429, 0x3FEEA47EB03A5585,
  0x3FEEA09E667F3BCD, 0x3FEE9F75E8EC5F74, 0x3FEEA11473EB0187, 0x3FEEA589994CCE13,
  0x3FEEACE5422AA0DB, 0x3FEEB737B0CDC5E5, 0x3FEEC49182A3F090, 0x3FEED503B23E255D,
  0x3FEEE89F995AD3AD, 0x3FEEFF76F2FB5E47, 0x3FEF199BDD85529C, 0x3FEF3720DCEF9069,
  0x3FEF5818DCFBA487, 0x3FEF7C97337B9B5F, 0x3FEFA4AFA2A490DA, 0x3FEFD0765B6E4540
]);

@inline function expHalf(xd: v128): v128 {
  const N: f64 = 32, SHIFT = reinterpret<f64>(0x4338000000000000);
  const z = f64x2.mul(f64x2.splat(reinterpret<f64>(0x3FF71547652B82FE) * N), xd);
  const kd = f64x2.add(z, f64x2.splat(SHIFT));
  const r = f64x2.sub(z, f64x2.sub(kd, f64x2.splat(SHIFT)));
  let t = i64x2.splat(load<u64>(EXP2F_TABLE + ((<usize>i64x2.extract_lane(kd, 0) & 31) << 3)));
  t = i64x2.replace_lane(t, 1, load<u64>(EXP2F_TABLE + ((<usize>i64x2.extract_lane(kd, 1) & 31) << 3)));
  t = i64x2.add(t, i64x2.shl(kd, 47));
  const c = f64x2.add(f64x2.mul(f64x2.splat(reinterpret<f64>(0x3FAC6AF84B912394) / N / N / N), r), f64x2.splat(reinterpret<f64>(0x3FCEBFCE50FAC4F3) / N / N));
  let y = f64x2.add(f64x2.mul(f64x2.splat(reinterpret<f64>(0x3FE62E42FF0C52D6) / N), r), f64x2.splat(1));
  y = f64x2.add(y, f64x2.mul(c, f64x2.mul(r, r)));
  return f64x2.mul(y, t);
}

// Lanes where expf leaves its main path (|x| ≥ 88, ±∞, NaN): the caller takes such a vector through the scalar form.
@inline function expOffPath(x: v128): bool {
  return v128.any_true(i32x4.ge_u(v128.and(x, i32x4.splat(0x7FFFFFFF)), i32x4.splat(0x42B00000)));
}

@inline function expLanes(x: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(expHalf(f64x2.promote_low_f32x4(x)));
  const hi = f32x4.demote_f64x2_zero(expHalf(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1))));
  return v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
}

// σ's exponent: −x where x ≥ 0, else x (NaN: x).
@inline function sigmoidArgument(x: v128): v128 {
  return v128.bitselect(f32x4.neg(x), x, f32x4.ge(x, f32x4.splat(0)));
}

@inline function sigmoidLanes(x: v128, e: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0))), f32x4.add(one, e));
}

// The functions with a vector form; the others (log, tanh) run the scalar one.
@inline function vectorized(op: i32): bool {
  return op == RELU || op == SIGMOID || op == SILU || op == EXP;
}

// The argument of the e^· that σ, SiLU and exp take.
@inline function exponentOf(op: i32, x: v128): v128 {
  return op == EXP ? x : sigmoidArgument(x);
}

@inline function forwardLanes(op: i32, x: v128, e: v128): v128 {
  if (op == RELU) return v128.and(x, f32x4.gt(x, f32x4.splat(0)));
  if (op == EXP) return e;
  if (op == SILU) return f32x4.mul(x, sigmoidLanes(x, e));
  return sigmoidLanes(x, e);
}

@inline function derivativeLanes(op: i32, x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  if (op == EXP) return y;
  if (op == LOG) return f32x4.div(one, x);
  if (op == RELU) return v128.and(one, f32x4.gt(x, f32x4.splat(0)));
  if (op == TANH) return f32x4.sub(one, f32x4.mul(y, y));
  if (op == SILU) {
    const s = sigmoidLanes(x, expLanes(sigmoidArgument(x)));
    return f32x4.mul(s, f32x4.add(one, f32x4.mul(x, f32x4.sub(one, s))));
  }
  return f32x4.mul(y, f32x4.sub(one, y));
}

@inline function flushLanes(v: v128): v128 {
  return v128.andnot(v, f32x4.lt(f32x4.abs(v), f32x4.splat(1.1754943508222875e-38)));
}

@inline function unaryLoop(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (vectorized(op)) {
    for (; i + 4 <= n; i += 4) {
      const xi = v128.load(f32At(x, i));
      const power = exponentOf(op, xi);
      if (op != RELU && expOffPath(power)) {
        for (let l = 0; l < 4; l++) store<f32>(f32At(y, i + l), flush(forward(op, load<f32>(f32At(x, i + l)))));
        continue;
      }
      v128.store(f32At(y, i), flushLanes(forwardLanes(op, xi, op == RELU ? xi : expLanes(power))));
    }
  }
  for (; i < n; i++) store<f32>(f32At(y, i), flush(forward(op, load<f32>(f32At(x, i)))));
}

@inline function unaryGradLoop(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, accumulate: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const xi = v128.load(f32At(x, i));
    if (op == SILU && expOffPath(sigmoidArgument(xi))) {
      for (let l = 0; l < 4; l++) unaryGradAt(op, x, y, dy, dx, i + l, accumulate);
      continue;
    }
    let g = f32x4.mul(derivativeLanes(op, xi, v128.load(f32At(y, i))), v128.load(f32At(dy, i)));
    if (accumulate) g = f32x4.add(g, v128.load(f32At(dx, i)));
    v128.store(f32At(dx, i), flushLanes(g));
  }
  for (; i < n; i++) unaryGradAt(op, x, y, dy, dx, i, accumulate);
}

@inline function unaryGradAt(op: i32, x: usize, y: usize, dy: usize, dx: usize, i: i32, accumulate: i32): void {
  let g = derivative(op, load<f32>(f32At(x, i)), load<f32>(f32At(y, i))) * load<f32>(f32At(dy, i));
  if (accumulate) g += load<f32>(f32At(dx, i));
  store<f32>(f32At(dx, i), flush(g));
}

// y = f(x), n values. Each function a separate instantiation of the loop, so the op tests fold away inside it.
export function unary(op: i32, x: usize, y: usize, n: i32): void {
  if (op == RELU) unaryLoop(RELU, x, y, n);
  else if (op == SIGMOID) unaryLoop(SIGMOID, x, y, n);
  else if (op == SILU) unaryLoop(SILU, x, y, n);
  else if (op == EXP) unaryLoop(EXP, x, y, n);
  else for (let i = 0; i < n; i++) store<f32>(f32At(y, i), flush(forward(op, load<f32>(f32At(x, i)))));
}

// dx (+)= f'(x)·dy, n values; y is f(x) as unary wrote it.
export function unaryGrad(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, accumulate: i32): void {
  if (op == RELU) unaryGradLoop(RELU, x, y, dy, dx, n, accumulate);
  else if (op == SILU) unaryGradLoop(SILU, x, y, dy, dx, n, accumulate);
  else if (op == EXP) unaryGradLoop(EXP, x, y, dy, dx, n, accumulate);
  else if (op == TANH) unaryGradLoop(TANH, x, y, dy, dx, n, accumulate);
  else if (op == LOG) unaryGradLoop(LOG, x, y, dy, dx, n, accumulate);
  else unaryGradLoop(SIGMOID, x, y, dy, dx, n, accumulate);
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
