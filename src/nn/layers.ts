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

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  dtype?: DType;
  /** The generator for initialisation (default: the global one, seeded by manualSeed). */
  generator?: Generator;
  weightConstraint?: Constraint;
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

  forward(x: Tensor): Tensor {
    for (let i = 0; i < this.length; i++) x = this.at(i).forward(x);
    return x;
  }
}

export class ReLU extends Module {
  forward = relu;
}
export class SiLU extends Module {
  forward = silu;
}
export class Tanh extends Module {
  forward = tanh;
}
export class Sigmoid extends Module {
  forward = sigmoid;
}
