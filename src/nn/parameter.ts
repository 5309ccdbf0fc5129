// A trainable tensor whose storage lives as long as its module: weights, their gradient and an optional fixed
// mask (PyTorch's nn.utils.prune idea, carried by the parameter itself) and projection constraint, both enforced
// by the optimizers' step().
import type { Buf } from "../autograd/backend.ts";
import { backendFor, formatShape, Tensor, type TensorOptions } from "../autograd/tensor.ts";
import type { Constraint } from "./constraints.ts";

const DISPOSED = "the module that owns this parameter was disposed";

/**
 * A trainable tensor owned by a module (requiresGrad, storage kept until dispose()), with an optional fixed mask and
 * projection constraint that the optimizers' step() enforces.
 */
export class Parameter extends Tensor {
  #grad: Buf | undefined;
  #mask: Buf | null = null;
  #constraint: Constraint | null = null;

  /** A zero-filled parameter of `shape` (float32 on the WebAssembly kernels unless options.dtype says float64). */
  constructor(shape: readonly number[], options: Pick<TensorOptions, "dtype"> = {}) {
    const backend = backendFor(options.dtype);
    super(
      backend.allocPersistent(
        shape.reduce((a, b) => a * b, 1),
        DISPOSED,
      ),
      [...shape],
      backend,
      true,
      "parameter",
    );
  }

  /** @internal Gradients accumulate in storage of the parameter's own lifetime, reused every step. */
  override newGradBuf(): Buf {
    this.#grad ??= this.backend.allocPersistent(this.size, DISPOSED);
    return this.#grad;
  }

  /** @internal The mask's storage, for the optimizers' kernels. */
  get maskBuf(): Buf | null {
    return this.#mask;
  }

  /** A copy of the mask (1 = trainable, 0 = held at zero), or null. */
  get mask(): Float32Array | null {
    return this.#mask ? Float32Array.from(this.#mask.array) : null;
  }

  /**
   * Fixes entries at zero: where mask is 0 the parameter is set to 0 now, its gradient is ignored and it stays 0
   * after every optimizer step. `null` removes the mask (the entries keep their values and train again).
   */
  setMask(mask: ArrayLike<number> | null): this {
    if (mask === null) {
      if (this.#mask) this.backend.releasePersistent(this.#mask);
      this.#mask = null;
      return this;
    }
    if (mask?.length !== this.size)
      throw new RangeError(
        `setMask: mask has ${mask?.length} entries for a parameter of shape ${formatShape(this.shape)} (${this.size})`,
      );
    for (let i = 0; i < mask.length; i++)
      if (mask[i] !== 0 && mask[i] !== 1) throw new RangeError(`setMask: mask[${i}] = ${mask[i]}; a mask holds 0 or 1`);
    this.#mask ??= this.backend.allocPersistent(this.size, DISPOSED);
    this.#mask.array.set(mask);
    const data = this.data;
    for (let i = 0; i < mask.length; i++) if (mask[i] === 0) data[i] = 0;
    return this;
  }

  /** The projection constraint that optimizer.step() (or applyConstraints at each epoch's end) enforces. */
  get constraint(): Constraint | null {
    return this.#constraint;
  }

  /** Attaches (or with null removes) a projection constraint; its shape requirements are checked now. */
  setConstraint(constraint: Constraint | null): this {
    constraint?.check(this);
    this.#constraint = constraint;
    return this;
  }

  /** Returns the parameter's memory; using it afterwards throws, disposing it again does nothing. */
  dispose(): void {
    for (const buf of [this.buf, this.#grad, this.#mask]) if (buf) this.backend.releasePersistent(buf);
    this.#grad = undefined;
    this.#mask = null;
    this.grad = null;
  }
}
