// A mirrored autoencoder: an encoder features → hidden… → latent and a decoder latent → …hidden → features,
// Linear layers with an activation between them and none at either output. The supervised autoencoder
// (Barlaud et al.) uses its latent as the class logits (latent = classes); the VAE as its code. Parameters are
// keyed "encoder.0.weight", …, "decoder.N.bias" as in PyTorch, which saved models rely on.
import type { Tensor } from "../autograd/tensor.ts";
import type { Generator } from "../random.ts";
import { Linear, ReLU, Sequential, SiLU, Tanh } from "./layers.ts";
import { Module } from "./module.ts";

/** The activation between hidden layers. */
export type Activation = "silu" | "relu" | "tanh";
export const ACTIVATIONS = { silu: SiLU, relu: ReLU, tanh: Tanh };

/** Linear layers through `sizes`, the activation between consecutive ones. */
function perceptron(sizes: number[], activation: Activation, generator: Generator): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { generator }));
    if (i + 2 < sizes.length) layers.push(new ACTIVATIONS[activation]());
  }
  return new Sequential(...layers);
}

/**
 * An encoder features → hidden… → latent and a decoder mirroring it, Linear layers with `activation` between them
 * and none at either output; parameters keyed "encoder.0.weight" … "decoder.N.bias" as in PyTorch.
 */
export class MirroredAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  /** `decoderHidden` (default: `hidden` reversed) sizes a decoder that is not a mirror, as a compacted one. */
  constructor(
    features: number,
    hidden: number[],
    latent: number,
    activation: Activation,
    generator: Generator,
    decoderHidden: number[] = [...hidden].reverse(),
  ) {
    super();
    this.encoder = perceptron([features, ...hidden, latent], activation, generator);
    this.decoder = perceptron([latent, ...decoderHidden, features], activation, generator);
  }

  /** The latent code (the supervised autoencoder's class logits). */
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
