// trainCompressor: the convolutional autoencoder as a lossy image coder, with the supervised autoencoder's double
// descent (src/nn/prune.ts), grouped by input channel. Phase 1 trains with the noisy latent; in its last
// `projectedEpochs` epochs (0 by default) every optimizer step is followed by the projection onto the bilevel ball of
// radius ρ·‖W‖ (the norm of the weight when those epochs begin), which is the PyTorch anchor's schedule; at its
// end the chosen convolutions are projected (again) and their zeros become masks; phase 2 trains the survivors
// (optionally from the initial values). An input channel no weight reads is a channel its producer need not compute, so
// the producer's filter and bias are masked too: for the first decoder convolution that is a latent channel, neither
// computed by the encoder nor stored. loss = MSE(x, D(y + u)) + λ · mean|y|, the mean-|y| term a Laplace-prior rate
// proxy.
import { scope } from "../autograd/arena.ts";
import { l1Norm, mseLoss } from "../autograd/losses.ts";
import { add, mul, reshape } from "../autograd/ops.ts";
import { noGrad, tensor, type Tensor } from "../autograd/tensor.ts";
import { BILEVEL_ENTRIES, type BilevelEntry, kindNamed } from "../projections/registry.ts";
import { bilevelNorm, projectionConstraint } from "../nn/constraints.ts";
import { compact } from "../nn/compact.ts";
import { fit } from "../nn/fit.ts";
import { projectAndMask, rewind } from "../nn/prune.ts";
import { layerSparsity, type LayerSparsity } from "../nn/sparsity.ts";
import { Adam } from "../optim/adam.ts";
import { Generator } from "../random.ts";
import { ConvAutoencoder, type ConvAutoencoderShape, type NamedConv } from "./conv-autoencoder.ts";
import { addUniformNoise, roundLatent, roundSymbols } from "./quantize.ts";
import { latentRate, type LatentRate } from "./rate.ts";

/**
 * The bilevel projections by input channel: ℓ1,∞ (group maxima), ℓ1,1 (group ℓ1 norms), ℓ1,2
 * (group ℓ2 norms).
 * @useDeclaredType
 */
export type CompressorProjection = BilevelEntry["name"];
const BILEVEL_NAMES: readonly string[] = BILEVEL_ENTRIES.map((entry) => entry.name);

/** The double descent's projection: kind, relative radius ρ, which layers, and for how many epochs. */
export interface CompressorProjectionOptions {
  /** The radius: η = rho · ‖W‖ of each projected weight (its own norm, input-channel groups). */
  rho: number;
  /** Default 'bilevel-l1inf'. */
  kind?: CompressorProjection;
  /**
   * The convolutions projected by input channel: 'latent' (the first decoder convolution: its groups are the latent
   * channels), 'all' (every convolution whose input channels another one makes; the default), or their names.
   */
  layers?: "latent" | "all" | readonly string[];
  /**
   * The last epochs of phase 1 trained with the projection after every step (default 0: projected once, at the end).
   */
  projectedEpochs?: number;
  /** Phase 2 restarts from the initial values, masks held (the lottery-ticket rewind; default false). */
  rewind?: boolean;
}

/** Options of `trainCompressor`: the network's shape, training schedule and projection. */
export interface CompressorOptions {
  /** Image side (default 28). */
  side?: number;
  /** Latent channels C (default 8). */
  channels?: number;
  /** Widths of the stride-2 encoder convolutions (default [16, 32]). */
  hidden?: readonly number[];
  /** The encoder gain (default 10). */
  gain?: number;
  /** Weight of the rate proxy mean|y| (default 1e-4; 0 trains on distortion alone). */
  lambda?: number;
  /** Epochs of phase 1 and phase 2 (default [12, 6]); without projection phase 2 simply trains on (equal budgets). */
  epochs?: readonly [number, number];
  /** Default 64. */
  batchSize?: number;
  /** Adam's learning rate (default 2e-3), restarted for each phase. */
  lr?: number;
  /** Seeds the initialisation (Generator(seed)), the shuffling (seed + 1) and the noise (seed + 2); default 0. */
  seed?: number;
  /** Double descent by input channel; null or absent: none. */
  projection?: CompressorProjectionOptions | null;
  /** Called after each epoch with its phase, number and mean loss. */
  onEpoch?: (phase: 1 | 2, epoch: number, loss: number) => void;
}

/** What `Compressor.evaluate` measures on a set of images. */
export interface CompressionEvaluation {
  /** PSNR (dB, images in [0, 1], MSE pooled over every pixel) of the rounded latent, and of the real-valued one. */
  psnr: number;
  psnrFloat: number;
  /** The rounded latent, [n, C, s, s] row-major (s = side / 2^hidden.length). */
  symbols: Int32Array;
  /** Rate of the kept latent channels. */
  rate: LatentRate;
  /** The decoded images from the rounded latent, n × side² in [0, 1]. */
  reconstructions: Float32Array;
}

/** The per-epoch losses of both training phases, the radii the projection used, and the training time. */
export interface CompressorHistory {
  /** Mean training loss of each epoch of each phase. */
  losses: [number[], number[]];
  /** The norm and radius of each projected convolution (empty without projection). */
  radii: Array<{ layer: string; norm: number; radius: number }>;
  seconds: number;
}

const psnr = (mse: number) => 10 * Math.log10(1 / mse);

/** How a compact compressor (Compressor.compact()) was made from its full one. */
export interface CompressorCompaction {
  /** False when nothing could be removed: the compact compressor computes what the full one does. */
  changed: boolean;
  /** The full compressor's latent channels that the compact one keeps (its channel c is latentChannels[c]). */
  latentChannels: number[];
  /** Weights and biases before and after. */
  parameters: { before: number; after: number };
}

/** A trained convolutional compressor: evaluate images, its kept latent channels, its sparsity. */
export class Compressor {
  /** @internal */
  constructor(
    readonly net: ConvAutoencoder,
    readonly history: CompressorHistory,
    /** Present on a compact compressor (compact()): what it was made from. */
    readonly compaction: CompressorCompaction | null = null,
  ) {}

  /**
   * The compressor without the channels its weights no longer use: every convolution's dead input channels and the
   * previous convolution's filters that made them, and the latent channels the decoder does not read (so its latent
   * has only `compaction.latentChannels`). Encoding, decoding and PSNR equal the full compressor's to float32
   * rounding; its sparsity() then counts the MACs it really runs. This compressor is not modified.
   */
  compact(): Compressor {
    const decoder = compact(this.net.decoder, { inputs: "used" });
    const latentChannels = decoder.inputs;
    const encoder = compact(this.net.encoder, { inputs: "all", outputs: latentChannels });
    const shape = { ...this.shape, channels: latentChannels.length };
    const net = new ConvAutoencoder(shape, { encoder: encoder.module, decoder: decoder.module });
    const before = this.compaction?.parameters.before ?? encoder.parameters.before + decoder.parameters.before;
    const original = this.compaction?.latentChannels;
    return new Compressor(net, this.history, {
      changed: encoder.changed || decoder.changed,
      latentChannels: original ? latentChannels.map((c) => original[c]) : latentChannels,
      parameters: { before, after: encoder.parameters.after + decoder.parameters.after },
    });
  }

  get shape(): Readonly<ConvAutoencoderShape> {
    return this.net.shape;
  }

  /** The first decoder convolution: its input channels are the latent channels. */
  private get latentReader(): NamedConv["conv"] {
    return this.net.decoder.at(0) as NamedConv["conv"];
  }

  /** The latent channels the decoder reads (those not removed by the projection). */
  keptChannels(): number[] {
    const zero = new Set(layerSparsity(this.latentReader.weight).zeroInputs);
    return Array.from({ length: this.shape.channels }, (_, c) => c).filter((c) => !zero.has(c));
  }

  /** Per convolution, the input channels and filters that are all zero and the weights and MACs deleting them saves. */
  sparsity(): Array<{ name: string } & LayerSparsity> {
    return this.net.convs.map(({ name, conv, outputSize }) => ({
      name,
      ...layerSparsity(conv.weight, { bias: true, outputSize }),
    }));
  }

  /** Codes images (n × side², values in [0, 1]) and decodes them: distortion, rate and the rounded latent. */
  evaluate(images: ArrayLike<number>, batchSize = 250): CompressionEvaluation {
    const { side, channels } = this.shape,
      pixels = side * side,
      n = checkImages(images, pixels, "evaluate");
    const spatial = this.net.latentSide ** 2;
    const symbols = new Int32Array(n * channels * spatial);
    const reconstructions = new Float32Array(n * pixels);
    let squared = 0,
      squaredFloat = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      scope(() =>
        noGrad(() => {
          const original = Float32Array.from({ length: (end - start) * pixels }, (_, i) => images[start * pixels + i]);
          const y = this.net.encode(tensor(original, [end - start, 1, side, side]));
          // Copies: a view of WebAssembly memory is detached when the next operation grows that memory.
          const latent = Float32Array.from(y.data);
          const quantized = Float32Array.from(this.net.decode(roundLatent(y)).data),
            real = this.net.decode(y).data;
          for (let i = 0; i < quantized.length; i++) {
            squared += (quantized[i] - original[i]) ** 2;
            squaredFloat += (real[i] - original[i]) ** 2;
          }
          symbols.set(roundSymbols(latent), start * channels * spatial);
          reconstructions.set(quantized, start * pixels);
        }),
      );
    }
    return {
      psnr: psnr(squared / (n * pixels)),
      psnrFloat: psnr(squaredFloat / (n * pixels)),
      symbols,
      rate: latentRate(symbols, [n, channels, spatial], pixels, this.keptChannels()),
      reconstructions,
    };
  }

  /** Returns the network's memory. */
  dispose(): void {
    this.net.dispose();
  }
}

function checkImages(images: ArrayLike<number>, pixels: number, what: string): number {
  const n = images?.length / pixels;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`${what}: ${images?.length} values are not a whole number of ${pixels}-pixel images`);
  return n;
}

function epochCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`trainCompressor: ${what} must be an integer ≥ 0; got ${value}`);
  return value;
}

/** Masks the filters (and biases) of `producer` that make an input channel no weight of `consumer` reads. */
function maskDeadFilters(consumer: NamedConv["conv"], producer: NamedConv["conv"]): void {
  const dead = new Set(layerSparsity(consumer.weight).zeroInputs);
  const window = producer.weight.size / producer.outChannels;
  const keep = (c: number) => (dead.has(c) ? 0 : 1);
  const merge = (mask: Float32Array | null, values: number[]) => values.map((v, k) => v * (mask ? mask[k] : 1));
  producer.weight.setMask(
    merge(
      producer.weight.mask,
      Array.from({ length: producer.weight.size }, (_, k) => keep(Math.floor(k / window))),
    ),
  );
  producer.bias?.setMask(
    merge(
      producer.bias.mask,
      Array.from({ length: producer.outChannels }, (_, c) => keep(c)),
    ),
  );
}

/** The projected convolutions, each with the one that makes its input channels. */
function projectedPairs(
  net: ConvAutoencoder,
  layers: CompressorProjectionOptions["layers"],
): Array<{ consumer: NamedConv; producer: NamedConv }> {
  const convs = net.convs;
  const pairs = convs.slice(1).map((consumer, k) => ({ consumer, producer: convs[k] }));
  if (layers === undefined || layers === "all") return pairs;
  if (layers === "latent") return pairs.filter((p) => p.consumer.name === "decoder.0");
  if (!Array.isArray(layers) || !layers.length)
    throw new TypeError(
      "trainCompressor: projection.layers must be 'latent', 'all' or a non-empty list of convolution names; " +
        `got ${JSON.stringify(layers)}`,
    );
  return layers.map((name) => {
    const pair = pairs.find((p) => p.consumer.name === name);
    if (!pair)
      throw new RangeError(
        `trainCompressor: projection.layers: ${JSON.stringify(name)} is not a convolution whose input channels ` +
          `another makes (${pairs.map((p) => p.consumer.name).join(", ")})`,
      );
    return pair;
  });
}

function checkProjection(
  projection: CompressorProjectionOptions,
  phase1: number,
): Required<Omit<CompressorProjectionOptions, "layers">> & Pick<CompressorProjectionOptions, "layers"> {
  const { rho, kind = "bilevel-l1inf", projectedEpochs = 0, rewind: restart = false, layers } = projection;
  if (typeof rho !== "number" || !(rho >= 0) || !Number.isFinite(rho))
    throw new RangeError(`trainCompressor: projection.rho must be a finite number ≥ 0; got ${rho}`);
  if (!BILEVEL_NAMES.includes(kind)) {
    throw new TypeError(
      `trainCompressor: projection.kind must be one of ${BILEVEL_NAMES.join(", ")}; got ${String(kind)}`,
    );
  }
  if (!Number.isSafeInteger(projectedEpochs) || projectedEpochs < 0 || projectedEpochs > phase1)
    throw new RangeError(
      `trainCompressor: projection.projectedEpochs must be an integer in 0..epochs[0] (${phase1}); ` +
        `got ${projectedEpochs}`,
    );
  return { rho, kind, projectedEpochs, rewind: restart, layers };
}

/** Trains the compressor on images (n × side², values in [0, 1]); see CompressorOptions for the defaults. */
export function trainCompressor(images: ArrayLike<number>, options: CompressorOptions = {}): Compressor {
  const shape: ConvAutoencoderShape = {
    side: options.side ?? 28,
    channels: options.channels ?? 8,
    hidden: options.hidden ?? [16, 32],
    gain: options.gain ?? 10,
  };
  const pixels = shape.side * shape.side,
    n = checkImages(images, pixels, "trainCompressor");
  const [epochs1, epochs2] = (options.epochs ?? [12, 6]).map((e, k) => epochCount(e, `epochs[${k}]`));
  const lambda = options.lambda ?? 1e-4;
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new RangeError(`trainCompressor: lambda must be finite and ≥ 0; got ${lambda}`);
  const projection = options.projection ? checkProjection(options.projection, epochs1) : null;
  const seed = options.seed ?? 0;
  const net = new ConvAutoencoder(shape, new Generator(seed));
  const pairs = projection ? projectedPairs(net, projection.layers) : [];
  const initial = projection?.rewind ? net.stateDict() : null;
  const shuffling = new Generator(seed + 1),
    noise = new Generator(seed + 2);
  const data = tensor(Float32Array.from(images), [n, pixels]);
  const loss = (batch: Tensor) => {
    const x = reshape(batch, [batch.shape[0], 1, shape.side, shape.side]);
    const y = net.encode(x);
    const distortion = mseLoss(net.decode(addUniformNoise(y, noise)), x);
    return lambda ? add(distortion, mul(l1Norm(y), lambda / y.size)) : distortion;
  };
  const started = performance.now();
  const radii: CompressorHistory["radii"] = [];
  /** The projection of each weight, its radius fixed from the weight's norm the first time it is asked for. */
  const constraintOf = (
    { name, conv }: NamedConv,
    { kind, rho }: CompressorProjectionOptions & { kind: CompressorProjection },
  ) => {
    let found = radii.find((r) => r.layer === name);
    if (!found) {
      const norm = bilevelNorm(kindNamed(kind), conv.weight);
      radii.push((found = { layer: name, norm, radius: rho * norm }));
    }
    return projectionConstraint(kindNamed(kind), { radius: found.radius });
  };
  const phase = (p: 1 | 2, epochs: number, projectedEpochs = 0) => {
    const optimizer = new Adam(net.parameters(), { lr: options.lr ?? 2e-3 });
    const run = (count: number, offset: number) =>
      count
        ? fit(data, {
            optimizer,
            loss,
            epochs: count,
            batchSize: options.batchSize ?? 64,
            generator: shuffling,
            onEpoch: (e, mean) => options.onEpoch?.(p, offset + e, mean),
          }).epochLosses
        : [];
    try {
      const losses = run(epochs - projectedEpochs, 0);
      if (!projectedEpochs || !projection) return losses;
      for (const { consumer } of pairs) consumer.conv.weight.setConstraint(constraintOf(consumer, projection));
      try {
        return [...losses, ...run(projectedEpochs, epochs - projectedEpochs)];
      } finally {
        for (const { consumer } of pairs) consumer.conv.weight.setConstraint(null);
      }
    } finally {
      optimizer.dispose();
    }
  };
  const losses1 = phase(1, epochs1, projection?.projectedEpochs);
  if (projection) {
    for (const { consumer, producer } of pairs) {
      projectAndMask(consumer.conv.weight, (p) => constraintOf(consumer, projection).apply(p));
      maskDeadFilters(consumer.conv, producer.conv);
    }
    if (initial) rewind(net, initial);
  }
  const losses2 = phase(2, epochs2);
  return new Compressor(net, { losses: [losses1, losses2], radii, seconds: (performance.now() - started) / 1000 });
}
