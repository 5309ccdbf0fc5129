// A compact convolutional autoencoder for square grey images (28 × 28 digits), the PyTorch anchor's design: 3 × 3
// convolutions throughout; each hidden width halves the side (stride 2) and a stride-1 convolution makes the C-channel
// latent; the decoder mirrors it with nearest upsampling + convolution (no transposed convolution: the autograd has
// conv2d and upsampleNearest, and PyTorch ran upsample + conv 4× faster than ConvTranspose2d on CPU here).
// With hidden = [16, 32] and C = 8 it has 14 217 parameters and 1.50 M multiply-accumulates per image.
import { mul, sigmoid } from "../autograd/ops.ts";
import type { Tensor } from "../autograd/tensor.ts";
import { Conv2d, UpsampleNearest } from "../nn/conv.ts";
import { ReLU, Sequential } from "../nn/layers.ts";
import { Module } from "../nn/module.ts";
import { Generator } from "../random.ts";

/** The compressor network's shape: image side, latent channels, hidden widths and latent gain. */
export interface ConvAutoencoderShape {
  /** Image side in pixels, a multiple of 2^hidden.length (28). */
  side: number;
  /** Latent channels C. */
  channels: number;
  /** Widths of the stride-2 encoder convolutions, first to last; the decoder mirrors them ([16, 32]). */
  hidden: readonly number[];
  /**
   * The latent is gain · (encoder output), so that rounding to integers is a fine enough quantizer from the start
   * (Cool-chic multiplies by 16; 10 here, as in the PyTorch anchor).
   */
  gain: number;
}

/** A convolution of the network, named by its PyTorch state-dict prefix, with the size of the map it outputs. */
export interface NamedConv {
  name: string;
  conv: Conv2d;
  outputSize: [number, number];
}

/** The compressor's network: a strided conv encoder to a C × s × s latent and an upsampling conv decoder. */
export class ConvAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  /**
   * A new network initialised from `generator`, or (`layers`) one made of given encoder and decoder layers, as
   * Compressor.compact() makes: its widths are no longer the mirror of `shape.hidden`.
   */
  constructor(
    readonly shape: Readonly<ConvAutoencoderShape>,
    source: Generator | { encoder: Sequential; decoder: Sequential },
  ) {
    super();
    const { side, channels, hidden } = shape;
    if (!Array.isArray(hidden) || hidden.length < 1 || !hidden.every((h) => Number.isSafeInteger(h) && h > 0))
      throw new RangeError(
        `ConvAutoencoder: hidden must be a non-empty list of positive integers; got ${JSON.stringify(hidden)}`,
      );
    const scale = 2 ** hidden.length;
    if (!Number.isSafeInteger(side) || side < scale || side % scale)
      throw new RangeError(
        `ConvAutoencoder: side must be a positive multiple of ${scale} (2^hidden.length); got ${side}`,
      );
    if (!(source instanceof Generator)) {
      this.encoder = source.encoder;
      this.decoder = source.decoder;
      return;
    }
    const generator = source;
    const conv = (i: number, o: number, stride: number) => new Conv2d(i, o, 3, { stride, padding: 1, generator });
    const widths = [1, ...hidden];
    const down = hidden.flatMap((h, k) => [conv(widths[k], h, 2), new ReLU()]);
    this.encoder = new Sequential(...down, conv(hidden[hidden.length - 1], channels, 1));
    const mirrored = [...hidden].reverse(),
      inputs = [channels, ...mirrored];
    const up = mirrored.flatMap((h, k) => [conv(inputs[k], h, 1), new ReLU(), new UpsampleNearest(2)]);
    this.decoder = new Sequential(...up, conv(hidden[0], 1, 1));
  }

  /**
   * The real-valued latent y = gain · E(x) of images x [N, 1, side, side]: [N, C, s, s], s = side / 2^hidden.length.
   */
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

  /** The latent's side s: it holds C · s² symbols per image. */
  get latentSide(): number {
    return this.shape.side / 2 ** this.shape.hidden.length;
  }

  /**
   * The convolutions in data order. Each one's input channels are the output filters of the one before it
   * (ReLU and upsampling act channel by channel); the first decoder convolution's input channels are the latent ones.
   */
  get convs(): NamedConv[] {
    const named: NamedConv[] = [];
    let side = this.shape.side;
    for (const [part, net] of [
      ["encoder", this.encoder],
      ["decoder", this.decoder],
    ] as const) {
      for (let i = 0; i < net.length; i++) {
        const m = net.at(i);
        if (m instanceof UpsampleNearest) side *= m.scale;
        if (!(m instanceof Conv2d)) continue;
        side /= m.stride;
        named.push({ name: `${part}.${i}`, conv: m, outputSize: [side, side] });
      }
    }
    return named;
  }
}
