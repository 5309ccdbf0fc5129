// Cool-chic-lite's fitting model on the autograd: the latent pyramid (one parameter, all grids back to back,
// times a gain before quantization), bilinear upsampling, the synthesis (1 × 1 layers, then two 3 × 3 residual
// layers) and the ARM with its Laplace rate. Fitting minimises MSE + λ·bits per pixel by Adam, with uniform noise
// in place of rounding, then a short phase of hard rounding with a straight-through gradient (Cool-chic's
// schedule, shortened). Double descent projects the synthesis' first layer by latent grid and the ARM's first layer
// by context position, so that a removed group is a grid not coded and a context value not read.
import { conv2d } from "../autograd/conv.ts";
import { mseLoss } from "../autograd/losses.ts";
import { add, linear, matmul, mul, relu, reshape } from "../autograd/ops.ts";
import { scope } from "../autograd/arena.ts";
import { noGrad, tensor, type Tensor } from "../autograd/tensor.ts";
import { bilevelNorm, projectionConstraint } from "../nn/constraints.ts";
import { Module } from "../nn/module.ts";
import { Parameter } from "../nn/parameter.ts";
import { projectAndMask } from "../nn/prune.ts";
import { Adam } from "../optim/adam.ts";
import { projectionOf, type ProjectionKind } from "../projections/registry.ts";
import { Generator } from "../random.ts";
import { laplaceRate } from "./laplace.ts";
import { PARAMETER_NAMES, type NetworkShape, type Weights } from "./network.ts";
import { causalOffsets, contextIndex, gatherPadded, pyramid, upsamplePyramid, type Pyramid } from "./pyramid.ts";

/** One fitting step's report to onProgress. */
export interface FitProgress {
  /** 'dense' (the whole fit without sparsity, or double descent's first phase) or 'sparse' (its second). */
  phase: "dense" | "sparse";
  iteration: number;
  iterations: number;
  /** The step's loss: MSE + λ·bits per pixel (noisy or rounded latent). */
  loss: number;
  /** The step's estimated rate of the latent, bits per pixel. */
  bitsPerPixel: number;
  /** The step's PSNR in dB. */
  psnr: number;
}

/** A training image: planes [channels, H·W] of values in [0, 1]. */
export interface FitTarget {
  width: number;
  height: number;
  channels: number;
  planes: Float32Array;
}

type Sizes = Pick<NetworkShape, "levels" | "contextRows" | "synthesisHidden" | "armHidden">;

/** The fitting model: every grid and context position present; masks hold the removed ones at zero. */
export class CoolChicModel extends Module {
  readonly pyramid: Pyramid;
  readonly latent: Parameter;
  readonly armW1: Parameter;
  readonly armB1: Parameter;
  readonly armW2: Parameter;
  readonly armB2: Parameter;
  readonly armMuW: Parameter;
  readonly armMuB: Parameter;
  readonly armScaleW: Parameter;
  readonly armScaleB: Parameter;
  readonly synW1: Parameter;
  readonly synB1: Parameter;
  readonly synW2: Parameter;
  readonly synB2: Parameter;
  readonly resW1: Parameter;
  readonly resB1: Parameter;
  readonly resW2: Parameter;
  readonly resB2: Parameter;
  keptGrids: number[];
  keptContext: number[];
  #index: { context: Int32Array; targets: Int32Array } | null = null;

  constructor(
    readonly target: FitTarget,
    readonly sizes: Sizes,
    readonly gain: number,
    generator: Generator,
  ) {
    super();
    const { width, height, channels: c } = target;
    const { levels, contextRows, synthesisHidden: f, armHidden: a } = sizes;
    this.pyramid = pyramid(height, width, levels);
    const k = causalOffsets(contextRows).length;
    const uniform = (shape: number[], fanIn: number) => {
      const p = new Parameter(shape);
      const bound = 1 / Math.sqrt(Math.max(fanIn, 1)),
        data = p.data;
      for (let i = 0; i < data.length; i++) data[i] = generator.uniform(-bound, bound);
      return p;
    };
    this.latent = new Parameter([this.pyramid.size]);
    this.armW1 = uniform([a, k], k);
    this.armB1 = uniform([a], k);
    this.armW2 = uniform([a, a], a);
    this.armB2 = uniform([a], a);
    this.armMuW = uniform([1, a], a);
    this.armMuB = new Parameter([1]);
    this.armScaleW = uniform([1, a], a);
    this.armScaleB = new Parameter([1]);
    this.synW1 = uniform([f, levels], levels);
    this.synB1 = uniform([f, 1], levels);
    this.synW2 = uniform([c, f], f);
    this.synB2 = new Parameter([c, 1]);
    // The residual layers start as the identity (zero weights), as in Cool-chic.
    this.resW1 = new Parameter([c, c, 3, 3]);
    this.resB1 = new Parameter([c]);
    this.resW2 = new Parameter([c, c, 3, 3]);
    this.resB2 = new Parameter([c]);
    const plane = width * height,
      mean = this.synB2.data;
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let i = 0; i < plane; i++) s += target.planes[ch * plane + i];
      mean[ch] = s / plane;
    }
    this.keptGrids = Array.from({ length: levels }, (_, l) => l);
    this.keptContext = Array.from({ length: k }, (_, i) => i);
  }

  /** The ARM's gather tables for the kept grids and context positions. */
  private index(): { context: Int32Array; targets: Int32Array } {
    const offsets = causalOffsets(this.sizes.contextRows);
    return (this.#index ??= contextIndex(this.pyramid, this.keptGrids, offsets));
  }

  /** The scaled latent with noise (training) or hard rounding and a straight-through gradient. */
  quantized(noise: Generator | null): Tensor {
    const y = mul(this.latent, this.gain);
    const values = y.data,
      delta = new Float32Array(y.size);
    for (let i = 0; i < delta.length; i++)
      delta[i] = noise ? noise.uniform(-0.5, 0.5) : Math.round(values[i]) - values[i];
    return add(y, tensor(delta, y.shape));
  }

  /** The image [1, C, H, W] synthesised from the quantized latent. */
  forward(yq: Tensor): Tensor {
    const { width, height, channels: c } = this.target;
    const z = upsamplePyramid(
      yq,
      this.pyramid,
      Array.from({ length: this.sizes.levels }, (_, l) => l),
    );
    const h = relu(add(matmul(this.synW1, z), this.synB1));
    const x = reshape(add(matmul(this.synW2, h), this.synB2), [1, c, height, width]);
    const r = relu(add(x, conv2d(x, this.resW1, this.resB1, { padding: 1 })));
    return add(r, conv2d(r, this.resW2, this.resB2, { padding: 1 }));
  }

  /** The latent's rate in bits under the ARM's Laplace model. */
  rate(yq: Tensor): Tensor {
    const { context, targets } = this.index();
    const n = targets.length,
      k = causalOffsets(this.sizes.contextRows).length;
    const ctx = gatherPadded(yq, context, [n, k]);
    const h1 = relu(linear(ctx, this.armW1, this.armB1));
    const h2 = add(relu(linear(h1, this.armW2, this.armB2)), h1);
    const mu = linear(h2, this.armMuW, this.armMuB);
    const s = linear(h2, this.armScaleW, this.armScaleB);
    return laplaceRate(gatherPadded(yq, targets, [n]), mu, s);
  }

  /** Holds the grids and context positions outside `grids` and `context` at zero from now on. */
  restrict(grids: number[], context: number[]): void {
    this.keptGrids = grids;
    this.keptContext = context;
    this.#index = null;
    const latentMask = new Float32Array(this.pyramid.size);
    for (const l of grids) {
      const g = this.pyramid.grids[l];
      latentMask.fill(1, g.offset, g.offset + g.h * g.w);
    }
    this.latent.setMask(latentMask);
  }

  /** The decoder's shape and its parameters (kept grids and context positions only) as float64. */
  export(): { shape: NetworkShape; weights: Weights } {
    const { width, height, channels } = this.target;
    const shape: NetworkShape = {
      width,
      height,
      channels,
      ...this.sizes,
      keptGrids: [...this.keptGrids],
      keptContext: [...this.keptContext],
    };
    const columns = (p: Parameter, keep: number[]) => {
      const [rows, cols] = p.shape,
        data = p.data;
      const out = new Float64Array(rows * keep.length);
      for (let r = 0; r < rows; r++) keep.forEach((c, j) => (out[r * keep.length + j] = data[r * cols + c]));
      return out;
    };
    const weights = {} as Weights;
    for (const name of PARAMETER_NAMES) weights[name] = Float64Array.from(this[name].data);
    weights.armW1 = columns(this.armW1, this.keptContext);
    weights.synW1 = columns(this.synW1, this.keptGrids);
    return { shape, weights };
  }

  /** The rounded latent (integers, the removed grids zero). */
  symbols(): Float64Array {
    const y = this.latent.data,
      out = new Float64Array(y.length);
    for (const l of this.keptGrids) {
      const g = this.pyramid.grids[l];
      for (let i = g.offset; i < g.offset + g.h * g.w; i++) out[i] = Math.round(y[i] * this.gain);
    }
    return out;
  }
}

/** How fitting runs (the defaults are in COOLCHIC_DEFAULTS). */
export interface FitSchedule {
  lambda: number;
  iterations: number;
  /** The fraction of the iterations, at the end, with hard rounding instead of noise. */
  roundingFraction: number;
  lr: number;
  seed: number;
  sparse: SparseOptions | null;
  onProgress?: (event: FitProgress) => void;
}

/** Double descent on the decoder: the projection, its relative radius and the second phase's length. */
export interface SparseOptions {
  /** A bilevel projection of the registry (default 'bilevelL1Inf'; 'bilevelL11' is the ℓ1,1 one). */
  kind?: ProjectionKind;
  /** η = rho·‖W‖ for each projected weight, its own norm at the end of the first phase (0 < rho ≤ 1). */
  rho: number;
  /** Iterations of the second phase, masks held (default: the first phase's). */
  iterations?: number;
}

export const psnrOf = (mse: number): number => 10 * Math.log10(1 / mse);

/** Sets step t's learning rate and returns whether the step uses noise (false: hard rounding). */
export function scheduleStep(optimizer: Adam, schedule: FitSchedule, t: number, iterations: number): boolean {
  const rounding = Math.round(iterations * schedule.roundingFraction);
  const noisy = t < iterations - rounding;
  // Cosine decay within each part of the schedule; the rounding part restarts at a tenth of the rate.
  const [start, length, base] = noisy ? [0, iterations - rounding, 1] : [iterations - rounding, rounding, 0.1];
  const lr = schedule.lr * base * (0.5 + 0.5 * Math.cos((Math.PI * (t - start)) / length));
  for (const entry of optimizer.entries) entry.options.lr = Math.max(lr, schedule.lr * 1e-3);
  return noisy;
}

function runPhase(
  model: CoolChicModel,
  target: Tensor,
  schedule: FitSchedule,
  phase: "dense" | "sparse",
  iterations: number,
  noise: Generator,
): void {
  const optimizer = new Adam(model.parameters(), { lr: schedule.lr });
  const pixels = model.target.width * model.target.height;
  try {
    for (let t = 0; t < iterations; t++) {
      const noisy = scheduleStep(optimizer, schedule, t, iterations);
      const stats = scope(() => {
        const yq = model.quantized(noisy ? noise : null);
        const image = reshape(model.forward(yq), [model.target.channels, pixels]);
        const distortion = mseLoss(image, target);
        const bits = model.rate(yq);
        const loss = add(distortion, mul(bits, schedule.lambda / pixels));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return { loss: loss.item(), mse: distortion.item(), bits: bits.item() };
      });
      if (!Number.isFinite(stats.loss))
        throw new RangeError(`encodeImage: fitting diverged at iteration ${t + 1} (loss ${stats.loss}); lower lr`);
      schedule.onProgress?.({
        phase,
        iteration: t + 1,
        iterations,
        loss: stats.loss,
        bitsPerPixel: stats.bits / pixels,
        psnr: psnrOf(stats.mse),
      });
    }
  } finally {
    optimizer.dispose();
  }
}

/** The nonzero columns of a 2-D parameter. */
function nonzeroColumns(p: Parameter): number[] {
  const [rows, cols] = p.shape,
    data = p.data;
  const kept: number[] = [];
  for (let c = 0; c < cols; c++) {
    let used = false;
    for (let r = 0; r < rows && !used; r++) used = data[r * cols + c] !== 0;
    if (used) kept.push(c);
  }
  return kept;
}

/** Fits a model to the target: dense, or dense then projected, masked and refitted (double descent). */
export function fitModel(target: FitTarget, sizes: Sizes, gain: number, schedule: FitSchedule): CoolChicModel {
  // In a scope, so the target tensor is freed on return even where there is no FinalizationRegistry (workerd);
  // the model's parameters are persistent and outlive it.
  return scope(() => fit(target, sizes, gain, schedule));
}

function fit(target: FitTarget, sizes: Sizes, gain: number, schedule: FitSchedule): CoolChicModel {
  const model = new CoolChicModel(target, sizes, gain, new Generator(schedule.seed));
  try {
    fitPhases(model, target, schedule);
  } catch (error) {
    for (const p of model.parameters()) p.dispose();
    throw error;
  }
  return model;
}

function fitPhases(model: CoolChicModel, target: FitTarget, schedule: FitSchedule): void {
  const noise = new Generator(schedule.seed + 1);
  const planes = tensor(target.planes, [target.channels, target.width * target.height]);
  runPhase(model, planes, schedule, "dense", schedule.iterations, noise);
  const sparse = schedule.sparse;
  if (sparse) {
    sparsifyDecoder(model, sparse);
    runPhase(model, planes, schedule, "sparse", sparse.iterations ?? schedule.iterations, noise);
  }
}

/** Double descent's middle step: project the decoder, then hold what it removed at zero (masks, kept groups). */
export function sparsifyDecoder(model: CoolChicModel, sparse: SparseOptions): void {
  const kind = sparse.kind ?? "bilevelL1Inf";
  noGrad(() => {
    for (const w of [model.synW1, model.armW1]) {
      const radius = sparse.rho * bilevelNorm(kind, w);
      projectAndMask(w, (p) => projectionConstraint(kind, { radius }).apply(p));
    }
  });
  model.restrict(nonzeroColumns(model.synW1), nonzeroColumns(model.armW1));
}

/** Checks a projection kind for double descent: a bilevel entry of the registry. */
export function checkSparseKind(kind: unknown, caller = "encodeImage"): ProjectionKind {
  const entry = typeof kind === "string" ? projectionOf(kind as ProjectionKind) : undefined;
  if (!entry?.grouped) throw new TypeError(`${caller}: sparse.kind must be a bilevel projection; got ${String(kind)}`);
  return kind as ProjectionKind;
}
