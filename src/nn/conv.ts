// Convolutional layers with PyTorch's layout and initialisation.
import { conv2d, upsampleNearest } from "../autograd/conv.ts";
import type { DType } from "../autograd/backend.ts";
import type { Tensor } from "../autograd/tensor.ts";
import { globalGenerator, type Generator } from "../random.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";

/**
 * Conv2d's options: stride (default 1), zero padding on every side (default 0), a bias (default true), the dtype,
 * and the generator for initialisation (default: the global one, seeded by manualSeed).
 */
export interface Conv2dLayerOptions {
  stride?: number;
  padding?: number;
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * PyTorch's nn.Conv2d (no dilation or groups): weight [out, in, k, k] and bias [out], both U(±1/√(in·k·k)) —
 * what kaiming_uniform(a = √5) gives.
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: number;
  readonly padding: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    for (const [name, v] of Object.entries({ inChannels, outChannels, kernelSize })) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new RangeError(`Conv2d: ${name} must be a positive integer; got ${v}`);
    }
    const { stride = 1, padding = 0, bias = true, dtype, generator = globalGenerator() } = options;
    this.stride = stride;
    this.padding = padding;
    const bound = 1 / Math.sqrt(inChannels * kernelSize * kernelSize);
    const uniform = (shape: number[]) => {
      const p = new Parameter(shape, { dtype });
      const data = p.data;
      for (let i = 0; i < data.length; i++) data[i] = generator.uniform(-bound, bound);
      return p;
    };
    this.weight = uniform([outChannels, inChannels, kernelSize, kernelSize]);
    this.bias = bias ? uniform([outChannels]) : null;
  }

  /** x [N, in, H, W] → [N, out, H', W']. */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }
}

/** Nearest-neighbour upsampling by an integer factor (PyTorch's nn.Upsample(scale_factor, mode='nearest')). */
export class UpsampleNearest extends Module {
  constructor(readonly scale: number) {
    super();
  }

  /** x [N, C, H, W] → [N, C, H·scale, W·scale]. */
  forward(x: Tensor): Tensor {
    return upsampleNearest(x, this.scale);
  }
}
