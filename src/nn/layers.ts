// Layers with PyTorch's layouts and initialisation, and activations as modules.
import type { DType } from "../autograd/backend.ts";
import { linear, relu, sigmoid, silu, tanh } from "../autograd/ops.ts";
import type { Tensor } from "../autograd/tensor.ts";
import { globalGenerator, type Generator } from "../random.ts";
import type { Constraint } from "./constraints.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";

function uniformParameter(shape: number[], bound: number, dtype: DType | undefined, generator: Generator): Parameter {
  const p = new Parameter(shape, { dtype });
  const data = p.data;
  for (let i = 0; i < data.length; i++) data[i] = generator.uniform(-bound, bound);
  return p;
}

/** Linear's options. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  dtype?: DType;
  /** The generator for initialisation (default: the global one, seeded by manualSeed). */
  generator?: Generator;
  /** A projection constraint attached to the weight (see Parameter.setConstraint). */
  weightConstraint?: Constraint;
  /** A projection constraint attached to the bias. */
  biasConstraint?: Constraint;
}

function checkFeatures(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`Linear: ${name} must be a positive integer; got ${value}`);
  return value;
}

/**
 * y = x·Wᵀ + b with W of shape [out, in] (PyTorch's nn.Linear), initialised as PyTorch does: W by
 * kaiming_uniform(a = √5), which is U(±1/√in), and b by U(±1/√in).
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkFeatures("inFeatures", inFeatures);
    checkFeatures("outFeatures", outFeatures);
    const { bias = true, dtype, generator = globalGenerator(), weightConstraint, biasConstraint } = options;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = uniformParameter([outFeatures, inFeatures], bound, dtype, generator);
    this.bias = bias ? uniformParameter([outFeatures], bound, dtype, generator) : null;
    if (weightConstraint) this.weight.setConstraint(weightConstraint);
    if (biasConstraint) this.bias?.setConstraint(biasConstraint);
  }

  /** x [batch, in] → [batch, out]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Modules applied in order; their parameters are keyed "0.weight", "1.bias", … as in PyTorch. */
export class Sequential extends Module {
  readonly length: number;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} is not a Module`);
      (this as unknown as Record<number, Module>)[i] = m;
    });
    this.length = modules.length;
  }

  /** The i-th module. */
  at(i: number): Module {
    return (this as unknown as Record<number, Module>)[i];
  }

  /** x through every module in turn. */
  forward(x: Tensor): Tensor {
    for (let i = 0; i < this.length; i++) x = this.at(i).forward(x);
    return x;
  }
}

/** max(x, 0) elementwise, as a module (F.relu). */
export class ReLU extends Module {
  /** F.relu. */
  forward = relu;
}
/** x·σ(x) elementwise, as a module (F.silu). */
export class SiLU extends Module {
  /** F.silu. */
  forward = silu;
}
/** tanh(x) elementwise, as a module (F.tanh). */
export class Tanh extends Module {
  /** F.tanh. */
  forward = tanh;
}
/** σ(x) elementwise, as a module (F.sigmoid). */
export class Sigmoid extends Module {
  /** F.sigmoid. */
  forward = sigmoid;
}
