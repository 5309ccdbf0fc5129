// The Tensor and the one backward(): a topological sort of the graph that made a scalar, then one reverse sweep
// in which each op's backward closure adds its inputs' gradients (micrograd's shape, on arrays).
import { heap } from "../runtime/engine.ts";
import type { Heap } from "../runtime/heap.ts";
import type { Backend, Buf, DType } from "./backend.ts";
import { typescriptBackend } from "./ts-backend.ts";
import { wasmBackend } from "./wasm-backend.ts";

let wasm: { heap: Heap; backend: Backend } | undefined;
// Made on first use, not on import: the TypeScript backend's fused kernels live beside their ops, which import
// this module, so ts-backend.ts may not have run yet when this module does.
let float64: Backend | undefined;

/** float32 runs on the WebAssembly kernels; float64 on TypeScript loops (for gradient checks and references). */
export function backendFor(dtype: DType = "float32"): Backend {
  if (dtype === "float64") return (float64 ??= typescriptBackend("float64"));
  if (dtype !== "float32") throw new TypeError(`dtype must be 'float32' or 'float64'; got ${String(dtype)}`);
  const h = heap();
  if (wasm?.heap !== h) wasm = { heap: h, backend: wasmBackend(h) };
  return wasm.backend;
}

let gradEnabled = true;

/** Runs fn without recording the graph (PyTorch's torch.no_grad()): for evaluation and in-place updates. */
export function noGrad<R>(fn: () => R): R {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

export const formatShape = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/**
 * An n-dimensional array of f32 (module memory, the WebAssembly kernels) or f64 (TypeScript loops) values, row-major,
 * that records the ops made from it so that backward() can give gradients (a small PyTorch torch.Tensor).
 */
export class Tensor {
  /** The number of values: the product of the shape ([] holds one). */
  readonly size: number;
  /** The gradient accumulated by backward(); null until one reaches this tensor. */
  grad: Tensor | null = null;
  /** @internal The inputs that need a gradient and the closure that gives it to them. */
  parents: readonly Tensor[] = [];
  /** @internal */
  backwardFn: (() => void) | null = null;

  /** @internal Use `tensor()`, `zeros()` or an op. */
  constructor(
    /** @internal */ readonly buf: Buf,
    readonly shape: readonly number[],
    /** @internal The kernels its storage belongs to (WebAssembly f32 or TypeScript f64). */ readonly backend: Backend,
    public requiresGrad = false,
    /** The op that made it, for error messages and debugging. */
    readonly op = "",
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  get dtype(): DType {
    return this.backend.dtype;
  }

  /** @internal Where the memory's lifetime is tracked (module memory only). */
  get lifetime(): unknown {
    return (this.buf as { lifetime?: unknown }).lifetime;
  }

  /**
   * A view of the values, valid until the next allocation in module memory (the memory may grow and detach
   * it): read it at once, or copy with toArray().
   */
  get data(): Float32Array | Float64Array {
    return this.buf.array;
  }

  /** A copy of the values, safe to keep. */
  toArray(): Float32Array | Float64Array {
    return this.buf.array.slice();
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new RangeError(`item(): the tensor has shape ${formatShape(this.shape)}, not one element`);
    return this.buf.array[0];
  }

  /** @internal Records how this tensor was made, if any input needs a gradient and grad mode is on. */
  record(inputs: readonly Tensor[], backwardFn: () => void): this {
    const parents = inputs.filter((t) => t.requiresGrad);
    if (gradEnabled && parents.length) {
      this.requiresGrad = true;
      this.parents = parents;
      this.backwardFn = backwardFn;
    }
    return this;
  }

  /** @internal The gradient buffer to add into, and whether it already holds a value (else overwrite it). */
  gradTarget(): { buf: Buf; accumulate: boolean } {
    if (this.grad) return { buf: this.grad.buf, accumulate: true };
    this.grad = new Tensor(this.newGradBuf(), this.shape, this.backend);
    return { buf: this.grad.buf, accumulate: false };
  }

  /** @internal */
  newGradBuf(): Buf {
    return this.backend.alloc(this.size);
  }

  /**
   * Gradients of this tensor with respect to every tensor that led to it and requires a gradient, added into
   * their `.grad`. A scalar is seeded with 1; any other shape needs `gradient` (dL/dthis, same shape). The
   * graph is released as the sweep passes, so a second backward() through it has nothing to follow.
   */
  backward(gradient?: Tensor): void {
    if (!this.requiresGrad)
      throw new TypeError(
        "backward(): this tensor does not require a gradient (no parameter or requiresGrad input led to it)",
      );
    const { buf, accumulate } = this.seed(gradient);
    if (gradient) this.backend.scaleAdd(gradient.buf, 1, buf, this.size, accumulate);
    else this.backend.fill(buf, 1, accumulate ? buf.array[0] + 1 : 1);
    const order = topologicalOrder(this);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      if (t.backwardFn && t.grad) t.backwardFn();
      t.backwardFn = null;
      t.parents = [];
    }
  }

  private seed(gradient: Tensor | undefined): { buf: Buf; accumulate: boolean } {
    if (gradient === undefined) {
      if (this.size !== 1) {
        throw new TypeError(
          `backward(): the tensor has shape ${formatShape(this.shape)}; pass its gradient for anything but a scalar`,
        );
      }
      const value = this.item();
      if (!Number.isFinite(value))
        throw new RangeError(`backward(): the loss is ${value}; no gradient was computed and nothing was updated`);
    } else {
      if (!(gradient instanceof Tensor)) throw new TypeError("backward(gradient): gradient must be a Tensor");
      if (gradient.shape.join() !== this.shape.join()) {
        throw new RangeError(
          `backward(gradient): gradient has shape ${formatShape(gradient.shape)} ` +
            `but the tensor has shape ${formatShape(this.shape)}`,
        );
      }
      if (gradient.backend !== this.backend)
        throw new TypeError(`backward(gradient): gradient is ${gradient.dtype} but the tensor is ${this.dtype}`);
    }
    return this.gradTarget();
  }

  /** E.g. `Tensor([2, 3], float32, matmul)`: shape, dtype and the op that made it. */
  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}${this.op ? `, ${this.op}` : ""})`;
  }
}

/** Every tensor the graph of `root` reaches, each after all its inputs; iterative, since graphs can be deep. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: Array<{ t: Tensor; next: number }> = [{ t: root, next: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.t.parents.length) {
      const parent = top.t.parents[top.next++];
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push({ t: parent, next: 0 });
      }
    } else {
      stack.pop();
      order.push(top.t);
    }
  }
  return order;
}

/** tensor's and zeros' options. */
export interface TensorOptions {
  /** 'float32' (default: the WebAssembly kernels) or 'float64' (TypeScript loops, for gradient checks). */
  dtype?: DType;
  requiresGrad?: boolean;
}

function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TypeError(`${what}: shape must be an array of non-negative integers; got ${JSON.stringify(shape)}`);
  }
  return shape;
}

/**
 * A tensor holding a copy of `values` (a flat array-like, or nested number arrays whose nesting gives the
 * shape), with `shape` when given. Values must be finite.
 */
export function tensor(
  values: ArrayLike<number> | number[][],
  shape?: readonly number[],
  options: TensorOptions = {},
): Tensor {
  const nested = Array.isArray(values) && Array.isArray(values[0]);
  const flat: ArrayLike<number> = nested ? (values as number[][]).flat() : (values as ArrayLike<number>);
  const inferred = nested ? [(values as number[][]).length, (values as number[][])[0].length] : [flat.length];
  const dims = checkShape(shape ?? inferred, "tensor()");
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== flat.length)
    throw new RangeError(`tensor(): ${flat.length} values do not fill shape ${formatShape(dims)} (${size})`);
  if (nested && (values as number[][]).some((row) => row.length !== inferred[1]))
    throw new RangeError("tensor(): nested rows differ in length");
  const backend = backendFor(options.dtype);
  // f32 values are checked after the copy, by a kernel: a batch a step (100 352 values for the VAE) took 0.1–0.7 ms
  // in this loop, the more the kinds of arrays it had seen. Other arrays are checked as given, before any rounding.
  const copiedFirst = flat instanceof Float32Array;
  for (let i = 0; !copiedFirst && i < flat.length; i++) {
    if (typeof flat[i] !== "number" || !Number.isFinite(flat[i])) throw nonFinite(flat, i);
  }
  const buf = backend.alloc(size);
  buf.array.set(flat);
  const bad = copiedFirst ? backend.firstNonFinite(buf, size) : -1;
  if (bad >= 0) throw nonFinite(flat, bad);
  return new Tensor(buf, dims, backend, options.requiresGrad ?? false);
}

const nonFinite = (values: ArrayLike<number>, i: number) =>
  new RangeError(`tensor(): values[${i}] is ${values[i]}; values must be finite numbers`);

/** A tensor of `shape` filled with zeros. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  const dims = checkShape(shape, "zeros()");
  const backend = backendFor(options.dtype);
  const size = dims.reduce((a, b) => a * b, 1);
  const buf = backend.alloc(size);
  backend.fill(buf, size, 0);
  return new Tensor(buf, dims, backend, options.requiresGrad ?? false);
}

/** A new tensor of the given shape on like's backend, with uninitialised storage: an op's output. */
export function empty(like: Tensor, shape: readonly number[], op: string): Tensor {
  return new Tensor(like.backend.alloc(shape.reduce((a, b) => a * b, 1)), shape, like.backend, false, op);
}
