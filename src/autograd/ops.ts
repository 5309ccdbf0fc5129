// The differentiable primitives, each forward beside its backward. A backward closure reads its output's
// gradient and adds its inputs' gradients through gradTarget(), which says whether to overwrite or accumulate,
// so the kernels' accumulate forms do the adding and no gradient is zero-filled first.
// Everything this module exports is a differentiable function of the F namespace (functional.ts exports them all).
import {
  ADD,
  COLUMN,
  DIV,
  FULL,
  MUL,
  ROW,
  SCALAR,
  SUB,
  UNARY_OPS,
  type Backend,
  type BinaryOp,
  type Buf,
  type Mode,
  type UnaryOp,
} from "./backend.ts";
import { empty, formatShape, Tensor } from "./tensor.ts";

/** An arithmetic operand: a tensor, or a number taken as a scalar on the other operand's backend. */
export type Operand = Tensor | number;

function constant(backend: Backend, value: number): Buf {
  const buf = backend.alloc(1);
  backend.fill(buf, 1, value);
  return buf;
}

function checkTensor(x: unknown, op: string, name = "x"): Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: ${name} must be a Tensor; got ${x === null ? "null" : typeof x}`);
  return x;
}

function sameBackend(op: string, a: Tensor, b: Tensor): void {
  if (a.backend !== b.backend) throw new TypeError(`${op}: operands are ${a.dtype} and ${b.dtype}; convert one first`);
}

// ───── broadcasting arithmetic ─────
// The operands: equal shapes, a scalar, a row vector [C] / [1, C] or a column [R, 1].

interface Broadcast {
  shape: readonly number[];
  rows: number;
  cols: number;
  aMode: Mode;
  bMode: Mode;
}

function asMatrix(shape: readonly number[]): [number, number] {
  return shape.length === 2 ? [shape[0], shape[1]] : [1, shape[0]];
}

function broadcast(op: string, a: Tensor, b: Tensor): Broadcast {
  const full = (shape: readonly number[]) => {
    const cols = shape.length ? shape[shape.length - 1] : 1;
    return { shape, cols, rows: cols ? shape.reduce((x, y) => x * y, 1) / cols : 0 };
  };
  if (a.shape.join() === b.shape.join()) return { ...full(a.shape), aMode: FULL, bMode: FULL };
  if (b.size === 1) return { ...full(a.shape), aMode: FULL, bMode: SCALAR };
  if (a.size === 1) return { ...full(b.shape), aMode: SCALAR, bMode: FULL };
  const fail = () =>
    new RangeError(
      `${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast ` +
        "(equal shapes, a scalar, a row [C] or [1, C], or a column [R, 1])",
    );
  if (a.shape.length > 2 || b.shape.length > 2 || a.shape.length === 0 || b.shape.length === 0) throw fail();
  const [ra, ca] = asMatrix(a.shape),
    [rb, cb] = asMatrix(b.shape);
  const rows = Math.max(ra, rb),
    cols = Math.max(ca, cb);
  const mode = (r: number, c: number): Mode => {
    if (r === rows && c === cols) return FULL;
    if (r === 1 && c === cols) return ROW;
    if (c === 1 && r === rows) return COLUMN;
    throw fail();
  };
  const shape = a.shape.length === 2 || b.shape.length === 2 ? [rows, cols] : [cols];
  return { shape, rows, cols, aMode: mode(ra, ca), bMode: mode(rb, cb) };
}

/** t.grad (+)= src (rows × cols) summed down to t's broadcast mode. */
function reduceInto(t: Tensor, mode: Mode, src: Buf, rows: number, cols: number): void {
  const be = t.backend;
  const { buf, accumulate } = t.gradTarget();
  if (mode === FULL) be.scaleAdd(src, 1, buf, rows * cols, accumulate);
  else if (mode === ROW) be.sumRows(src, rows, cols, buf, accumulate);
  else if (mode === COLUMN) be.sumCols(src, rows, cols, buf, accumulate);
  else {
    const s = be.sumAll(src, rows * cols);
    be.fill(buf, 1, accumulate ? buf.array[0] + s : s);
  }
}

/** t.grad (+)= scale · src broadcast to rows × cols from its mode. */
function broadcastInto(t: Tensor, src: Buf, mode: Mode, rows: number, cols: number, scale: number): void {
  const be = t.backend;
  const { buf, accumulate } = t.gradTarget();
  const target = accumulate ? be.alloc(rows * cols) : buf;
  be.binary(MUL, src, mode, constant(be, scale), SCALAR, target, rows, cols);
  if (accumulate) be.binary(ADD, buf, FULL, target, FULL, buf, rows, cols);
}

function arithmetic(op: BinaryOp, name: string, left: Operand, right: Operand): Tensor {
  const like = left instanceof Tensor ? left : checkTensor(right, name, "b");
  const toTensor = (v: Operand, side: string) => {
    if (typeof v === "number") return new Tensor(constant(like.backend, v), [], like.backend);
    return checkTensor(v, name, side);
  };
  const a = toTensor(left, "a"),
    b = toTensor(right, "b");
  sameBackend(name, a, b);
  const g = broadcast(name, a, b);
  const be = a.backend;
  const out = empty(a, g.shape, name);
  const n = g.rows * g.cols;
  be.binary(op, a.buf, g.aMode, b.buf, g.bMode, out.buf, g.rows, g.cols);
  return out.record([a, b], () => {
    const dy = out.grad!.buf;
    const scratch = () => be.alloc(n);
    if (a.requiresGrad) {
      let da = dy;
      // dy·b, dy/b
      if (op === MUL || op === DIV) be.binary(op, dy, FULL, b.buf, g.bMode, (da = scratch()), g.rows, g.cols);
      reduceInto(a, g.aMode, da, g.rows, g.cols);
    }
    if (b.requiresGrad) {
      let db = dy;
      if (op === SUB)
        be.scaleAdd(dy, -1, (db = scratch()), n, false); // −dy
      else if (op === MUL)
        be.binary(MUL, dy, FULL, a.buf, g.aMode, (db = scratch()), g.rows, g.cols); // dy·a
      else if (op === DIV) {
        // ∂(a/b)/∂b = −(a/b)/b: −dy·out/b
        be.binary(MUL, dy, FULL, out.buf, FULL, (db = scratch()), g.rows, g.cols);
        be.binary(DIV, db, FULL, b.buf, g.bMode, db, g.rows, g.cols);
        be.scaleAdd(db, -1, db, n, false);
      }
      reduceInto(b, g.bMode, db, g.rows, g.cols);
    }
  });
}

/**
 * a + b elementwise. Shapes broadcast when equal, when one is a scalar, or (1-D and 2-D only) when one is a row [C]
 * or [1, C] or a column [R, 1] of the other; gradients are summed back down to each operand's shape.
 */
export const add = (a: Operand, b: Operand): Tensor => arithmetic(ADD, "add", a, b);
/** a − b elementwise, broadcasting as add does. */
export const sub = (a: Operand, b: Operand): Tensor => arithmetic(SUB, "sub", a, b);
/** a · b elementwise (not the matrix product: see matmul), broadcasting as add does. */
export const mul = (a: Operand, b: Operand): Tensor => arithmetic(MUL, "mul", a, b);
/** a / b elementwise, broadcasting as add does. */
export const div = (a: Operand, b: Operand): Tensor => arithmetic(DIV, "div", a, b);
/** −x elementwise. */
export const neg = (x: Tensor): Tensor => arithmetic(MUL, "neg", checkTensor(x, "neg"), -1);

// ───── elementwise functions: the one table of them ─────
// An entry is the whole definition: the kernel code, f beside f′ (from the input x or the saved output y,
// whichever is cheaper) in float64 for the TypeScript backend, and the F function it makes. The f32 forms are
// assembly/elementwise.ts's, which reads the codes from assembly/op-codes.generated.ts, written from UNARY_OPS.

function elementwise(
  code: number,
  name: string,
  forward: UnaryOp["forward"],
  derivative: UnaryOp["derivative"],
): (x: Tensor) => Tensor {
  const op: UnaryOp = { code, name, forward, derivative };
  UNARY_OPS.push(op);
  return (input) => {
    const x = checkTensor(input, name);
    const out = empty(x, x.shape, name);
    x.backend.unary(op, x.buf, out.buf, x.size);
    return out.record([x], () => {
      const { buf, accumulate } = x.gradTarget();
      x.backend.unaryGrad(op, x.buf, out.buf, out.grad!.buf, buf, x.size, accumulate);
    });
  };
}

/** σ(x) without overflow for either sign: e^x only ever of a non-positive argument. */
const logistic = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** e^x elementwise. */
export const exp: (x: Tensor) => Tensor = elementwise(0, "exp", Math.exp, (_x, y) => y);
/** The natural logarithm elementwise (no guard: x ≤ 0 gives −∞ or NaN). */
export const log: (x: Tensor) => Tensor = elementwise(1, "log", Math.log, (x) => 1 / x);
/** max(x, 0) elementwise; its derivative at 0 is taken as 0. */
export const relu: (x: Tensor) => Tensor = elementwise(
  2,
  "relu",
  (x) => (x > 0 ? x : 0),
  (x) => (x > 0 ? 1 : 0),
);
/** x·σ(x) elementwise (SiLU, also called swish). */
export const silu: (x: Tensor) => Tensor = elementwise(
  3,
  "silu",
  (x) => x * logistic(x),
  (x) => {
    const s = logistic(x);
    return s * (1 + x * (1 - s));
  },
);
/** tanh(x) elementwise. */
export const tanh: (x: Tensor) => Tensor = elementwise(4, "tanh", Math.tanh, (_x, y) => 1 - y * y);
/** σ(x) = 1 / (1 + e^−x) elementwise, without overflow for large |x|. */
export const sigmoid: (x: Tensor) => Tensor = elementwise(5, "sigmoid", logistic, (_x, y) => y * (1 - y));

// ───── products ─────

/** matmul's options: which operands are read transposed (at most one). */
export interface MatmulOptions {
  /** Use Aᵀ (A stored k × m). */
  transA?: boolean;
  /** Use Bᵀ (B stored n × k). */
  transB?: boolean;
}

/** op(A)·op(B) of 2-D tensors; the transposes are read in place, never materialised. */
export function matmul(left: Tensor, right: Tensor, options: MatmulOptions = {}): Tensor {
  const a = checkTensor(left, "matmul", "a"),
    b = checkTensor(right, "matmul", "b");
  sameBackend("matmul", a, b);
  const { transA = false, transB = false } = options;
  if (transA && transB)
    throw new RangeError("matmul: transA and transB cannot both be set; swap the operands of the transposed product");
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new RangeError(`matmul: needs 2-D tensors; got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== kb) {
    const describe = (t: Tensor, trans: boolean) => `${formatShape(t.shape)}${trans ? "ᵀ" : ""}`;
    throw new RangeError(`matmul: inner dimensions differ: ${describe(a, transA)} · ${describe(b, transB)}`);
  }
  const be = a.backend;
  const out = empty(a, [m, n], "matmul");
  be.matmul(a.buf, b.buf, out.buf, m, n, k, transA, transB, false);
  return out.record([a, b], () => {
    const dy = out.grad!.buf;
    if (a.requiresGrad) {
      const { buf, accumulate } = a.gradTarget();
      if (transA)
        be.matmul(b.buf, dy, buf, k, m, n, transB, true, accumulate); // dA (k×m) = op(B)·dYᵀ
      else be.matmul(dy, b.buf, buf, m, k, n, false, !transB, accumulate); // dA (m×k) = dY·op(B)ᵀ
    }
    if (b.requiresGrad) {
      const { buf, accumulate } = b.gradTarget();
      if (transB)
        be.matmul(dy, a.buf, buf, n, k, m, true, transA, accumulate); // dB (n×k) = dYᵀ·op(A)
      else be.matmul(a.buf, dy, buf, k, n, m, !transA, false, accumulate); // dB (k×n) = op(A)ᵀ·dY
    }
  });
}

/** x·Wᵀ + b with W stored out × in (PyTorch's nn.Linear): one product with the bias added in place. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const x = checkTensor(input, "linear", "x"),
    w = checkTensor(weight, "linear", "weight");
  sameBackend("linear", x, w);
  if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[1]) {
    throw new RangeError(
      `linear: x ${formatShape(x.shape)} needs [batch, in] and weight ${formatShape(w.shape)} ` +
        "needs [out, in] with the same in",
    );
  }
  const [batch, inputs] = x.shape,
    outputs = w.shape[0];
  if (bias != null) {
    checkTensor(bias, "linear", "bias");
    sameBackend("linear", x, bias);
    if (bias.size !== outputs || bias.shape.length !== 1)
      throw new RangeError(
        `linear: bias ${formatShape(bias.shape)} must be [${outputs}] for weight ${formatShape(w.shape)}`,
      );
  }
  const be = x.backend;
  const out = empty(x, [batch, outputs], "linear");
  be.matmul(x.buf, w.buf, out.buf, batch, outputs, inputs, false, true, false);
  if (bias) be.binary(ADD, out.buf, FULL, bias.buf, ROW, out.buf, batch, outputs);
  return out.record(bias ? [x, w, bias] : [x, w], () => {
    const dy = out.grad!.buf;
    if (x.requiresGrad) {
      const { buf, accumulate } = x.gradTarget();
      be.matmul(dy, w.buf, buf, batch, inputs, outputs, false, false, accumulate); // dx = dy·W
    }
    if (w.requiresGrad) {
      const { buf, accumulate } = w.gradTarget();
      be.matmul(dy, x.buf, buf, outputs, inputs, batch, true, false, accumulate); // dW = dyᵀ·x
    }
    if (bias?.requiresGrad) {
      const { buf, accumulate } = bias.gradTarget();
      be.sumRows(dy, batch, outputs, buf, accumulate); // db = Σ_rows dy
    }
  });
}

// ───── reductions and shape ─────

function reduction(name: string, input: Tensor, axis: number | undefined, mean: boolean): Tensor {
  const x = checkTensor(input, name);
  const be = x.backend;
  if (axis === undefined) {
    const out = empty(x, [], name);
    const scale = mean ? 1 / x.size : 1;
    be.fill(out.buf, 1, be.sumAll(x.buf, x.size) * scale);
    return out.record([x], () => broadcastInto(x, out.grad!.buf, SCALAR, 1, x.size, scale));
  }
  if (x.shape.length !== 2 || (axis !== 0 && axis !== 1 && axis !== -1)) {
    throw new RangeError(
      `${name}: axis ${axis} needs a 2-D tensor and axis 0, 1 or -1; got shape ${formatShape(x.shape)}`,
    );
  }
  const [rows, cols] = x.shape;
  const overRows = axis === 0;
  const scale = mean ? 1 / (overRows ? rows : cols) : 1;
  const out = empty(x, [overRows ? cols : rows], name);
  if (overRows) be.sumRows(x.buf, rows, cols, out.buf, false);
  else be.sumCols(x.buf, rows, cols, out.buf, false);
  if (mean) be.scaleAdd(out.buf, scale, out.buf, out.size, false);
  return out.record([x], () => broadcastInto(x, out.grad!.buf, overRows ? ROW : COLUMN, rows, cols, scale));
}

/** Σ of all values (shape []), or along an axis of a 2-D tensor (0: over rows, giving [cols]; 1 or -1: [rows]). */
export const sum = (x: Tensor, axis?: number): Tensor => reduction("sum", x, axis, false);
/** The mean of all values (shape []), or along an axis of a 2-D tensor, as sum. */
export const mean = (x: Tensor, axis?: number): Tensor => reduction("mean", x, axis, true);

/** The same values with another shape (one dimension may be -1); shares x's storage. */
export function reshape(input: Tensor, shape: readonly number[]): Tensor {
  const x = checkTensor(input, "reshape");
  const free = shape.filter((d) => d === -1).length;
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const dims = shape.map((d) => (d === -1 ? x.size / known : d));
  if (free > 1 || !dims.every((d) => Number.isSafeInteger(d) && d >= 0) || dims.reduce((a, b) => a * b, 1) !== x.size) {
    throw new RangeError(`reshape: cannot view ${formatShape(x.shape)} (${x.size} values) as ${formatShape(shape)}`);
  }
  const out = new Tensor(x.buf, dims, x.backend, false, "reshape");
  return out.record([x], () => reduceInto(x, FULL, out.grad!.buf, 1, x.size));
}

/** Rows `indices` of a 2-D tensor, copied (a batch from a dataset); no gradient flows back through it. */
export function indexRows(input: Tensor, indices: ArrayLike<number>): Tensor {
  const x = checkTensor(input, "indexRows");
  if (x.shape.length !== 2) throw new RangeError(`indexRows: needs a 2-D tensor; got ${formatShape(x.shape)}`);
  if (x.requiresGrad)
    throw new TypeError("indexRows: x requires a gradient, which indexRows does not propagate; use it on data");
  const [rows, cols] = x.shape;
  for (let i = 0; i < indices.length; i++) {
    if (!Number.isInteger(indices[i]) || indices[i] < 0 || indices[i] >= rows)
      throw new RangeError(`indexRows: indices[${i}] = ${indices[i]} is not a row of ${formatShape(x.shape)}`);
  }
  const out = empty(x, [indices.length, cols], "indexRows");
  x.backend.gatherRows(x.buf, cols, x.backend.indices(indices), out.buf);
  return out;
}
