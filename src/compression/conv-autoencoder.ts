// A compact convolutional autoencoder for square grey images (28 × 28 digits): two stride-2 convolutions down to a
// C × (side/4)² latent, and nearest upsampling + convolution back up (no transposed convolution: the autograd has
// conv2d and upsampleNearest, and PyTorch ran upsample + conv 4× faster than ConvTranspose2d on CPU here).
import { mul, sigmoid } from "../autograd/ops.ts";
import type { Tensor } from "../autograd/tensor.ts";
import { Conv2d, UpsampleNearest } from "../nn/conv.ts";
import { ReLU, Sequential } from "../nn/layers.ts";
import { Module } from "../nn/module.ts";
import type { Generator } from "../random.ts";

export interface ConvAutoencoderShape {
  /** Image side in pixels, a multiple of 4 (28). */
  side: number;
  /** Latent channels C. */
  channels: number;
  /** Channels of the hidden layer on each side (16). */
  hidden: number;
  /**
   * The latent is gain · (encoder output), so that rounding to integers is a fine enough quantizer from the start
   * (Cool-chic multiplies by 16; 10 here, as in the PyTorch anchor).
   */
  gain: number;
}

/** A convolution of the network with the size of the map it outputs (for counting multiply-accumulates). */
export interface NamedConv {
  name: "encoder.0" | "encoder.2" | "decoder.1" | "decoder.4";
  conv: Conv2d;
  outputSize: [number, number];
}

export class ConvAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(readonly shape: Readonly<ConvAutoencoderShape>, generator: Generator) {
    super();
    const { side, channels, hidden } = shape;
    if (!Number.isSafeInteger(side) || side < 4 || side % 4) throw new RangeError(`ConvAutoencoder: side must be a positive multiple of 4; got ${side}`);
    const conv = (i: number, o: number, stride: number) => new Conv2d(i, o, 3, { stride, padding: 1, generator });
    this.encoder = new Sequential(conv(1, hidden, 2), new ReLU(), conv(hidden, channels, 2));
    this.decoder = new Sequential(new UpsampleNearest(2), conv(channels, hidden, 1), new ReLU(), new UpsampleNearest(2), conv(hidden, 1, 1));
  }

  /** The real-valued latent y = gain · E(x) of images x [N, 1, side, side]: [N, C, side/4, side/4]. */
  encode(x: Tensor): Tensor {
    return mul(this.encoder.forward(x), this.shape.gain);
  }

  /** Images in (0, 1) from a latent (rounded, noisy or real). */
  decode(y: Tensor): Tensor {
    return sigmoid(this.decoder.forward(y));
  }

  /** D(E(x)) without quantization. */
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /**
   * The four convolutions in data order. The input channels of decoder.1 are the latent channels; those of
   * encoder.2 and decoder.4 are the hidden channels made by encoder.0 and decoder.1.
   */
  get convs(): NamedConv[] {
    const s = this.shape.side;
    return [
      { name: "encoder.0", conv: this.encoder.at(0) as Conv2d, outputSize: [s / 2, s / 2] },
      { name: "encoder.2", conv: this.encoder.at(2) as Conv2d, outputSize: [s / 4, s / 4] },
      { name: "decoder.1", conv: this.decoder.at(1) as Conv2d, outputSize: [s / 2, s / 2] },
      { name: "decoder.4", conv: this.decoder.at(4) as Conv2d, outputSize: [s, s] },
    ];
  }
}
