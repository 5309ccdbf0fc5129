// trainCompressor: the convolutional autoencoder as a lossy image coder, with the supervised autoencoder's double
// descent (src/nn/prune.ts): phase 1 trains with the noisy latent, the chosen convolutions are projected once on the
// bilevel ℓ1,∞ ball with groups = input channels ([O, I, kh·kw]), the zeros become masks, and phase 2 trains again
// (optionally from the initial values). An input channel no weight reads is a channel its producer need not compute,
// so the producer's filter and bias are masked too: for decoder.1 that is a latent channel, neither computed by the
// encoder nor stored. loss = MSE(x, D(y + u)) + λ · mean|y|, the mean-|y| term a Laplace-prior rate proxy.
import { scope } from "../autograd/arena.ts";
import { l1Norm, mseLoss } from "../autograd/losses.ts";
import { add, mul, reshape } from "../autograd/ops.ts";
import { noGrad, tensor, type Tensor } from "../autograd/tensor.ts";
import { bilevelL1InfGrouped, groupedNorm } from "../kernels/bilevel.ts";
import type { Conv2d } from "../nn/conv.ts";
import { fit } from "../nn/fit.ts";
import { projectAndMask, rewind } from "../nn/prune.ts";
import { layerSparsity, type LayerSparsity } from "../nn/sparsity.ts";
import { Adam } from "../optim/adam.ts";
import { Generator } from "../random.ts";
import { ConvAutoencoder, type ConvAutoencoderShape, type NamedConv } from "./conv-autoencoder.ts";
import { addUniformNoise, roundLatent, roundSymbols } from "./quantize.ts";
import { latentRate, type LatentRate } from "./rate.ts";

/** Which convolution's input channels the projection groups: the latent ones, or a side's hidden ones. */
export type ProjectedLayer = "latent" | "encoder" | "decoder";

/** Consumer (the projected convolution) and producer (the one whose filters make its input channels). */
const PROJECTED: Record<ProjectedLayer, { consumer: NamedConv["name"]; producer: NamedConv["name"] }> = {
  latent: { consumer: "decoder.1", producer: "encoder.2" },
  encoder: { consumer: "encoder.2", producer: "encoder.0" },
  decoder: { consumer: "decoder.4", producer: "decoder.1" },
};

export interface CompressorOptions {
  /** Image side (default 28). */
  side?: number;
  /** Latent channels C (default 4). */
  channels?: number;
  /** Hidden channels (default 16). */
  hidden?: number;
  /** The encoder gain (default 10). */
  gain?: number;
  /** Weight of the rate proxy mean|y| (default 1e-4; 0 trains on distortion alone). */
  lambda?: number;
  /** Epochs of phase 1 and phase 2 (default [5, 5]); without projection phase 2 simply trains on (equal budgets). */
  epochs?: [number, number];
  batchSize?: number;
  /** Adam's learning rate (default 2e-3), restarted for each phase. */
  lr?: number;
  /** Seeds the initialisation, the shuffling and the noise (default 0). */
  seed?: number;
  /**
   * Double descent: radius η = rho · ‖W‖₁,∞ (input-channel groups) of each projected weight after phase 1;
   * layers default ['latent']; rewind restarts phase 2 from the initial values, masks held.
   */
  projection?: { rho: number; layers?: ProjectedLayer[]; rewind?: boolean } | null;
  onEpoch?: (phase: 1 | 2, epoch: number, loss: number) => void;
}

export interface CompressionEvaluation {
  /** PSNR (dB, images in [0, 1], MSE pooled over every pixel) of the rounded latent, and of the real-valued one. */
  psnr: number;
  psnrFloat: number;
  /** The rounded latent, [n, C, side/4, side/4] row-major. */
  symbols: Int32Array;
  /** Rate of the kept latent channels. */
  rate: LatentRate;
  /** The decoded images from the rounded latent, n × side² in [0, 1]. */
  reconstructions: Float32Array;
}

export interface CompressorHistory {
  /** Mean training loss of each epoch of each phase. */
  losses: [number[], number[]];
  /** The radius of each projected layer (empty without projection). */
  radii: Array<{ layer: ProjectedLayer; norm: number; radius: number }>;
  seconds: number;
}

const psnr = (mse: number) => 10 * Math.log10(1 / mse);

export class Compressor {
  /** @internal */
  constructor(readonly net: ConvAutoencoder, readonly history: CompressorHistory) {}

  get shape(): Readonly<ConvAutoencoderShape> {
    return this.net.shape;
  }

  /** The latent channels the decoder reads (those not removed by the projection). */
  keptChannels(): number[] {
    const zero = new Set(layerSparsity(this.net.convs[2].conv.weight).zeroInputs);
    return Array.from({ length: this.shape.channels }, (_, c) => c).filter((c) => !zero.has(c));
  }

  /** Per convolution, the input channels and filters that are all zero and the weights and MACs deleting them saves. */
  sparsity(): Array<{ name: NamedConv["name"] } & LayerSparsity> {
    return this.net.convs.map(({ name, conv, outputSize }) => ({ name, ...layerSparsity(conv.weight, { bias: true, outputSize }) }));
  }

  /** Codes images (n × side², values in [0, 1]) and decodes them: distortion, rate and the rounded latent. */
  evaluate(images: ArrayLike<number>, batchSize = 250): CompressionEvaluation {
    const { side, channels } = this.shape, pixels = side * side, n = checkImages(images, pixels, "evaluate");
    const spatial = (side / 4) ** 2;
    const symbols = new Int32Array(n * channels * spatial);
    const reconstructions = new Float32Array(n * pixels);
    let squared = 0, squaredFloat = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      scope(() => noGrad(() => {
        const original = Float32Array.from({ length: (end - start) * pixels }, (_, i) => images[start * pixels + i]);
        const y = this.net.encode(tensor(original, [end - start, 1, side, side]));
        // Copies: a view of WebAssembly memory is detached when the next operation grows that memory.
        const latent = Float32Array.from(y.data);
        const quantized = Float32Array.from(this.net.decode(roundLatent(y)).data), real = this.net.decode(y).data;
        for (let i = 0; i < quantized.length; i++) {
          squared += (quantized[i] - original[i]) ** 2;
          squaredFloat += (real[i] - original[i]) ** 2;
        }
        symbols.set(roundSymbols(latent), start * channels * spatial);
        reconstructions.set(quantized, start * pixels);
      }));
    }
    return {
      psnr: psnr(squared / (n * pixels)), psnrFloat: psnr(squaredFloat / (n * pixels)), symbols,
      rate: latentRate(symbols, [n, channels, spatial], pixels, this.keptChannels()), reconstructions,
    };
  }

  /** Returns the network's memory. */
  dispose(): void {
    this.net.dispose();
  }
}

function checkImages(images: ArrayLike<number>, pixels: number, what: string): number {
  const n = images?.length / pixels;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what}: ${images?.length} values are not a whole number of ${pixels}-pixel images`);
  return n;
}

function epochCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`trainCompressor: ${what} must be an integer ≥ 0; got ${value}`);
  return value;
}

/** Projects `consumer` once on the ℓ1,∞ ball of radius rho·‖W‖₁,∞ by input channel; masks it and the dead filters of `producer`. */
function projectChannels(consumer: Conv2d, producer: Conv2d, rho: number): { norm: number; radius: number } {
  const [o, i, kh, kw] = consumer.weight.shape;
  const groups = [o, i, kh * kw] as const;
  const norm = groupedNorm("inf", consumer.weight.data, groups);
  const radius = rho * norm;
  projectAndMask(consumer.weight, (p) => bilevelL1InfGrouped(p.data, groups, radius, { out: p.data }));
  const dead = new Set(layerSparsity(consumer.weight).zeroInputs);
  const window = producer.weight.size / producer.outChannels;
  const keep = (c: number) => (dead.has(c) ? 0 : 1);
  const merge = (mask: Float32Array | null, values: number[]) => values.map((v, k) => v * (mask ? mask[k] : 1));
  producer.weight.setMask(merge(producer.weight.mask, Array.from({ length: producer.weight.size }, (_, k) => keep(Math.floor(k / window)))));
  producer.bias?.setMask(merge(producer.bias.mask, Array.from({ length: producer.outChannels }, (_, c) => keep(c))));
  return { norm, radius };
}

/** Trains the compressor on images (n × side², values in [0, 1]); see CompressorOptions for the defaults. */
export function trainCompressor(images: ArrayLike<number>, options: CompressorOptions = {}): Compressor {
  const shape: ConvAutoencoderShape = { side: options.side ?? 28, channels: options.channels ?? 4, hidden: options.hidden ?? 16, gain: options.gain ?? 10 };
  const pixels = shape.side * shape.side, n = checkImages(images, pixels, "trainCompressor");
  const [epochs1, epochs2] = (options.epochs ?? [5, 5]).map((e, k) => epochCount(e, `epochs[${k}]`));
  const lambda = options.lambda ?? 1e-4;
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new RangeError(`trainCompressor: lambda must be finite and ≥ 0; got ${lambda}`);
  const projection = options.projection ?? null;
  if (projection && !(projection.rho >= 0 && Number.isFinite(projection.rho))) throw new RangeError(`trainCompressor: projection.rho must be finite and ≥ 0; got ${projection.rho}`);
  const seed = options.seed ?? 0;
  const net = new ConvAutoencoder(shape, new Generator(seed));
  const initial = projection?.rewind ? net.stateDict() : null;
  const shuffling = new Generator(seed + 1), noise = new Generator(seed + 2);
  const data = tensor(Float32Array.from(images), [n, pixels]);
  const loss = (batch: Tensor) => {
    const x = reshape(batch, [batch.shape[0], 1, shape.side, shape.side]);
    const y = net.encode(x);
    const distortion = mseLoss(net.decode(addUniformNoise(y, noise)), x);
    return lambda ? add(distortion, mul(l1Norm(y), lambda / y.size)) : distortion;
  };
  const started = performance.now();
  const phase = (p: 1 | 2, epochs: number) => {
    if (!epochs) return [];
    const optimizer = new Adam(net.parameters(), { lr: options.lr ?? 2e-3 });
    try {
      return fit(data, { optimizer, loss, epochs, batchSize: options.batchSize ?? 64, generator: shuffling, onEpoch: (e, mean) => options.onEpoch?.(p, e, mean) }).epochLosses;
    } finally {
      optimizer.dispose();
    }
  };
  const losses1 = phase(1, epochs1);
  const radii: CompressorHistory["radii"] = [];
  if (projection) {
    const convs = new Map(net.convs.map((c) => [c.name, c.conv]));
    for (const layer of projection.layers ?? ["latent"]) {
      const { consumer, producer } = PROJECTED[layer] ?? {};
      if (!consumer) throw new RangeError(`trainCompressor: projection layer must be one of ${Object.keys(PROJECTED).join(", ")}; got ${String(layer)}`);
      radii.push({ layer, ...projectChannels(convs.get(consumer) as Conv2d, convs.get(producer) as Conv2d, projection.rho) });
    }
    if (initial) rewind(net, initial);
  }
  const losses2 = phase(2, epochs2);
  return new Compressor(net, { losses: [losses1, losses2], radii, seconds: (performance.now() - started) / 1000 });
}
