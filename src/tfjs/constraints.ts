// sparseproj's projections as TensorFlow.js layer constraints: serializable (saved and loaded with the model)
// and usable as `kernelConstraint`. tfjs itself calls a constraint only in LayerVariable.write() (setWeights,
// loading), never during fit; ModelConstraints (model-constraints.ts) is what applies them while training.
import { mul, serialization, tensor, type Tensor } from "@tensorflow/tfjs-core";
import { constraints } from "@tensorflow/tfjs-layers";
import type { Constraint } from "@tensorflow/tfjs-layers/dist/constraints";
import {
  bilevelGrouped,
  projectL1Ball,
  projectL1Inf,
  type Axis,
  type GroupedShape,
  type GroupNormKind,
} from "../index.ts";

// tfjs-layers exports its constraint factories but not their base class, and accepts a constraint object only if
// it is an instance of that class (getConstraint's instanceof): take the class its own factories instantiate.
const ConstraintBase = Object.getPrototypeOf(constraints.nonNeg().constructor) as typeof Constraint;

/** The arguments of every projection constraint. */
export interface RadiusArgs {
  /** The ball's radius η: a finite number ≥ 0. */
  radius: number;
}

/** The arguments of the grouped constraints (bilevel and exact ℓ1,∞): the radius and the grouping. */
export interface MatrixConstraintArgs extends RadiusArgs {
  /**
   * Which slices of the weight form the groups. A Dense kernel is [inputs, units] and a Conv2D kernel
   * [kh, kw, inputs, filters], so the default 'rows' groups by input feature or input channel: a group driven to
   * zero is an input the layer no longer reads (feature selection, or a channel the previous layer need not
   * compute). 'columns' groups by unit or filter.
   */
  axis?: Axis;
}

// tfjs's write path hands a constraint the layer's variable, whose name ("dense_Dense1/kernel") makes errors useful.
const weightName = (w: Tensor): string => ("name" in w && typeof w.name === "string" ? w.name : "the weight");

/** A sparseproj projection as a tfjs constraint; ModelConstraints projects it in place during training. */
export abstract class ProjectionConstraint extends ConstraintBase {
  readonly radius: number;

  constructor(args: RadiusArgs) {
    super();
    const radius = args?.radius;
    if (typeof radius !== "number" || !Number.isFinite(radius) || radius < 0) {
      throw new RangeError(`${this.label}: radius must be a finite number ≥ 0; got ${String(radius)}`);
    }
    this.radius = radius;
  }

  /** The class's registered name without the package prefix, for messages. */
  protected get label(): string {
    return (this.constructor as unknown as { className: string }).className.replace(/^sparseproj>/, "");
  }

  /** Throws a RangeError naming `weight` if this constraint cannot act on a weight of that shape and dtype. */
  abstract check(shape: readonly number[], dtype: string, weight: string): void;

  /** Writes the projection of `x` (float32 data of `shape`) into `out`, which may be `x` itself. */
  abstract project(x: Float32Array, shape: readonly number[], out: Float32Array): void;

  /** tfjs's path (LayerVariable.write, e.g. setWeights and loading): a new, projected tensor. */
  apply(w: Tensor): Tensor {
    this.check(w.shape, w.dtype, weightName(w));
    const out = new Float32Array(w.size);
    this.project(w.dataSync() as Float32Array, w.shape, out);
    return tensor(out, w.shape, "float32");
  }

  /** The constructor's arguments, which tfjs saves with the model to make the constraint again on loading. */
  getConfig(): serialization.ConfigDict {
    return { radius: this.radius };
  }
}

abstract class GroupedConstraint extends ProjectionConstraint {
  readonly axis: Axis;
  /** The weight ranks the constraint accepts, and how to say so. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly accepted: string;

  constructor(args: MatrixConstraintArgs) {
    super(args);
    const axis = args.axis ?? "rows";
    if (axis !== "rows" && axis !== "columns")
      throw new RangeError(`${this.label}: axis must be 'rows' or 'columns'; got ${String(axis)}`);
    this.axis = axis;
  }

  check(shape: readonly number[], dtype: string, weight: string): void {
    if (!this.ranks.includes(shape.length))
      throw new RangeError(
        `${this.label} constraint on ${weight}: needs ${this.accepted}; got shape [${shape.join(", ")}]`,
      );
    if (dtype !== "float32")
      throw new RangeError(`${this.label} constraint on ${weight}: needs float32 data; got ${dtype}`);
  }

  /** The constructor's arguments ({ radius, axis }), which tfjs saves with the model. */
  getConfig(): serialization.ConfigDict {
    return { radius: this.radius, axis: this.axis };
  }
}

/**
 * tfjs kernels keep inputs in the second-last dimension and outputs in the last, so the groups are the slices of
 * one of those two: by input, [everything before, inputs, outputs]; by output, [everything before, outputs, 1].
 */
function inOutGroupedShape(shape: readonly number[], axis: Axis): GroupedShape {
  const r = shape.length;
  const before = shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
  return axis === "rows" ? [before, shape[r - 2], shape[r - 1]] : [before * shape[r - 2], shape[r - 1], 1];
}

abstract class BilevelConstraint extends GroupedConstraint {
  protected abstract readonly kind: GroupNormKind;
  protected readonly ranks = [2, 4];
  protected readonly accepted = "a Dense kernel [inputs, units] or a Conv2D kernel [kh, kw, inputs, filters]";

  project(x: Float32Array, shape: readonly number[], out: Float32Array): void {
    bilevelGrouped(this.kind, x, inOutGroupedShape(shape, this.axis), this.radius, { out });
  }
}

/** Bilevel ℓ1,∞ ball: group maxima projected onto the ℓ1 ball, each group clipped to its level. */
export class BilevelL1Inf extends BilevelConstraint {
  static className = "sparseproj>BilevelL1Inf";
  protected readonly kind = "inf";
}

/** Bilevel ℓ1,1 ball: group ℓ1 norms projected onto the ℓ1 ball, each group onto the ℓ1 ball of its level. */
export class BilevelL11 extends BilevelConstraint {
  static className = "sparseproj>BilevelL11";
  protected readonly kind = "1";
}

/** Bilevel ℓ1,2 ball: group ℓ2 norms projected onto the ℓ1 ball, each group scaled to its level. */
export class BilevelL12 extends BilevelConstraint {
  static className = "sparseproj>BilevelL12";
  protected readonly kind = "2";
}

/**
 * The exact (Euclidean) projection onto the ℓ1,∞ ball, of a Dense kernel (the pool-free exact kernel is
 * matrix-only).
 */
export class L1Inf extends GroupedConstraint {
  static className = "sparseproj>L1Inf";
  protected readonly ranks = [2];
  protected readonly accepted = "a 2-D weight (a Dense kernel, [inputs, units])";

  project(x: Float32Array, shape: readonly number[], out: Float32Array): void {
    projectL1Inf(x, shape[0], shape[1], this.radius, { out, axis: this.axis });
  }
}

/** The ℓ1 ball over all entries, of a weight of any rank. */
export class L1Ball extends ProjectionConstraint {
  static className = "sparseproj>L1Ball";

  check(_shape: readonly number[], dtype: string, weight: string): void {
    if (dtype !== "float32")
      throw new RangeError(`${this.label} constraint on ${weight}: needs float32 data; got ${dtype}`);
  }

  project(x: Float32Array, _shape: readonly number[], out: Float32Array): void {
    projectL1Ball(x, this.radius, { out });
  }
}

/** Mask's arguments. */
export interface MaskArgs {
  /** Flat (row-major) indices of the entries held at zero. */
  zeros: number[];
}

/**
 * The entries a projection zeroed, held at exactly zero (double descent's second phase). ModelConstraints
 * .projectAndMask puts it in place of the projection, so a saved model keeps its mask and loads unchanged
 * (tfjs writes loaded weights through their constraints).
 */
export class Mask extends ConstraintBase {
  static className = "sparseproj>Mask";
  readonly zeros: Uint32Array;
  #gradientMask: Tensor | null = null;

  constructor(args: MaskArgs) {
    super();
    const zeros = args?.zeros;
    if (!Array.isArray(zeros) || !zeros.every((i) => Number.isInteger(i) && i >= 0))
      throw new RangeError("Mask: zeros must be an array of entry indices (integers ≥ 0)");
    this.zeros = Uint32Array.from(zeros);
  }

  /** Throws a RangeError naming `weight` if an index is beyond its `size` entries. */
  check(size: number, weight: string): void {
    const last = this.zeros.reduce((max, i) => Math.max(max, i), -1);
    if (last >= size) throw new RangeError(`Mask constraint on ${weight}: index ${last} is beyond its ${size} entries`);
  }

  /** Copies `x` into `out` (which may be `x`) with the masked entries set to zero. */
  project(x: Float32Array, out: Float32Array): void {
    if (out !== x) out.set(x);
    for (const i of this.zeros) out[i] = 0;
  }

  /** 1 where the weight trains, 0 where it is held at zero. */
  keep(size: number): Uint8Array {
    const keep = new Uint8Array(size).fill(1);
    for (const i of this.zeros) keep[i] = 0;
    return keep;
  }

  /** `grad` with the masked entries zeroed. */
  maskGradient(grad: Tensor): Tensor {
    this.#gradientMask ??= tensor(Float32Array.from(this.keep(grad.size)), grad.shape, "float32");
    return mul(grad, this.#gradientMask);
  }

  /** tfjs's path (LayerVariable.write, e.g. setWeights and loading): a new tensor with the masked entries zero. */
  apply(w: Tensor): Tensor {
    this.check(w.size, weightName(w));
    const out = new Float32Array(w.size);
    this.project(w.dataSync() as Float32Array, out);
    return tensor(out, w.shape, "float32");
  }

  /** The constructor's arguments ({ zeros }), which tfjs saves with the model. */
  getConfig(): serialization.ConfigDict {
    return { zeros: Array.from(this.zeros) };
  }
}

// Registered under "sparseproj>Name" (Keras's package>name convention) so a saved model names its constraints
// unambiguously and tf.loadLayersModel finds them once this module is loaded.
for (const cls of [BilevelL1Inf, BilevelL11, BilevelL12, L1Inf, L1Ball, Mask]) serialization.registerClass(cls);
