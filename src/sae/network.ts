// The supervised autoencoder's network (Barlaud et al.): an encoder d → hidden… → k whose output is both the
// latent space and the class logits, and a mirrored decoder k → …hidden → d with no output activation.
import { Module } from "../nn/module.ts";
import { Linear, ReLU, Sequential, SiLU, Tanh } from "../nn/layers.ts";
import type { Tensor } from "../autograd/tensor.ts";
import type { Generator } from "../random.ts";

export type Activation = "silu" | "relu" | "tanh";
export const ACTIVATIONS = { silu: SiLU, relu: ReLU, tanh: Tanh };

function mlp(sizes: number[], activation: Activation, generator: Generator): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { generator }));
    if (i + 2 < sizes.length) layers.push(new ACTIVATIONS[activation]());
  }
  return new Sequential(...layers);
}

export class SupervisedAutoencoderNet extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(features: number, hidden: number[], classes: number, activation: Activation, generator: Generator) {
    super();
    this.encoder = mlp([features, ...hidden, classes], activation, generator);
    this.decoder = mlp([classes, ...[...hidden].reverse(), features], activation, generator);
  }

  /** The latent, which is also the class logits. */
  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }

  /** The first encoder layer: its weight's columns are the input features. */
  get firstLayer(): Linear {
    return this.encoder.at(0) as Linear;
  }

  /** The decoder's last layer: its weight's rows are the reconstructed features. */
  get lastLayer(): Linear {
    return this.decoder.at(this.decoder.length - 1) as Linear;
  }
}
