// Cool-chic-lite's fitting model on the autograd: the latent pyramid (one parameter, all grids back to back,
// times a gain before quantization), bilinear upsampling, the synthesis (1 × 1 layers, then two 3 × 3 residual
// layers) and the ARM with its Laplace rate. Fitting minimises MSE + λ·bits per pixel by Adam, with uniform noise
// in place of rounding, then a short phase of hard rounding with a straight-through gradient (Cool-chic's
// schedule, shortened). Double descent projects four groupings, so that a removed group is work saved: the
// synthesis' first layer by latent grid (a grid not coded), its second layer by hidden unit, the ARM's first layer
// by context position (a context value not read) and the ARM's outgoing weights by hidden unit (see ARM_UNIT_PARTS).
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
import { softRound } from "./softround.ts";
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
  /** The synthesis' and the ARM's hidden units the decoder keeps (all until double descent removes some). */
  keptSynthesisUnits: number[];
  keptArmUnits: number[];
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
    this.keptSynthesisUnits = Array.from({ length: f }, (_, i) => i);
    this.keptArmUnits = Array.from({ length: a }, (_, i) => i);
  }

  /** The ARM's gather tables for the kept grids and context positions. */
  private index(): { context: Int32Array; targets: Int32Array } {
    const offsets = causalOffsets(this.sizes.contextRows);
    return (this.#index ??= contextIndex(this.pyramid, this.keptGrids, offsets));
  }

  /**
   * The scaled latent with noise (training) or hard rounding and a straight-through gradient. With a temperature,
   * the noise sits between two soft roundings, s_T(s_T(y) + u) (Agustsson & Theis's form, as Cool-chic fits).
   */
  quantized(noise: Generator | null, temperature = 0): Tensor {
    const y = mul(this.latent, this.gain);
    const values = y.data,
      delta = new Float32Array(y.size);
    for (let i = 0; i < delta.length; i++)
      delta[i] = noise ? noise.uniform(-0.5, 0.5) : Math.round(values[i]) - values[i];
    if (noise && temperature > 0) return softRound(add(softRound(y, temperature), tensor(delta, y.shape)), temperature);
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

  /**
   * Holds the grids, context positions and hidden units outside the kept ones at zero from now on: the latent of a
   * removed grid, and every weight and bias of a removed unit (its incoming row too, which its zero outgoing
   * weights already made dead), so that the masked model computes exactly what the compact decoder does.
   */
  restrict(
    grids: number[],
    context: number[],
    synthesisUnits: number[] = this.keptSynthesisUnits,
    armUnits: number[] = this.keptArmUnits,
  ): void {
    this.keptGrids = grids;
    this.keptContext = context;
    this.keptSynthesisUnits = synthesisUnits;
    this.keptArmUnits = armUnits;
    this.#index = null;
    const latentMask = new Float32Array(this.pyramid.size);
    for (const l of grids) {
      const g = this.pyramid.grids[l];
      latentMask.fill(1, g.offset, g.offset + g.h * g.w);
    }
    this.latent.setMask(latentMask);
    const syn = new Set(synthesisUnits),
      arm = new Set(armUnits),
      all = () => true;
    const rowIn = (kept: Set<number>) => (r: number) => kept.has(r);
    keepOnly(this.synW1, rowIn(syn), all);
    keepOnly(this.synB1, rowIn(syn), all);
    keepOnly(this.synW2, all, rowIn(syn));
    keepOnly(this.armW1, rowIn(arm), all);
    keepOnly(this.armB1, rowIn(arm), all);
    keepOnly(this.armW2, rowIn(arm), rowIn(arm));
    keepOnly(this.armB2, rowIn(arm), all);
    keepOnly(this.armMuW, all, rowIn(arm));
    keepOnly(this.armScaleW, all, rowIn(arm));
  }

  /**
   * The decoder's shape and its parameters as float64: the compact decoder (kept grids, context positions and hidden
   * units only, the widths reduced), or with compact false every unit at the full widths, removed ones zero.
   */
  export(compact = true): { shape: NetworkShape; weights: Weights } {
    const { width, height, channels } = this.target;
    const everyUnit = (n: number) => Array.from({ length: n }, (_, i) => i);
    const syn = compact ? this.keptSynthesisUnits : everyUnit(this.sizes.synthesisHidden),
      arm = compact ? this.keptArmUnits : everyUnit(this.sizes.armHidden);
    const shape: NetworkShape = {
      width,
      height,
      channels,
      ...this.sizes,
      synthesisHidden: syn.length,
      armHidden: arm.length,
      keptGrids: [...this.keptGrids],
      keptContext: [...this.keptContext],
    };
    const weights = {} as Weights;
    for (const name of PARAMETER_NAMES) weights[name] = Float64Array.from(this[name].data);
    const sub = (p: Parameter, rows: number[] | null, cols: number[] | null) =>
      submatrix(p.data, p.shape[0], p.shape.length > 1 ? p.shape[1] : 1, rows, cols);
    weights.armW1 = sub(this.armW1, arm, this.keptContext);
    weights.armB1 = sub(this.armB1, arm, null);
    weights.armW2 = sub(this.armW2, arm, arm);
    weights.armB2 = sub(this.armB2, arm, null);
    weights.armMuW = sub(this.armMuW, null, arm);
    weights.armScaleW = sub(this.armScaleW, null, arm);
    weights.synW1 = sub(this.synW1, syn, this.keptGrids);
    weights.synB1 = sub(this.synB1, syn, null);
    weights.synW2 = sub(this.synW2, null, syn);
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

/** The rows and columns `rows`, `cols` (null: all) of a row-major [rowCount, colCount] matrix, as float64. */
function submatrix(
  data: ArrayLike<number>,
  rowCount: number,
  colCount: number,
  rows: number[] | null,
  cols: number[] | null,
): Float64Array {
  const r = rows ?? Array.from({ length: rowCount }, (_, i) => i),
    c = cols ?? Array.from({ length: colCount }, (_, j) => j);
  const out = new Float64Array(r.length * c.length);
  r.forEach((i, a) => c.forEach((j, b) => (out[a * c.length + b] = data[i * colCount + j])));
  return out;
}

/** Adds to p's mask the entries outside the kept rows and columns (a vector is one column). */
function keepOnly(p: Parameter, row: (r: number) => boolean, col: (c: number) => boolean): void {
  const cols = p.shape.length > 1 ? p.shape[1] : 1;
  const mask = p.mask ?? new Float32Array(p.size).fill(1);
  let removed = false;
  for (let i = 0; i < mask.length; i++)
    if (!row(Math.floor(i / cols)) || !col(i % cols)) [mask[i], removed] = [0, true];
  if (removed || p.mask) p.setMask(mask);
}

/** How fitting runs (the defaults are in COOLCHIC_DEFAULTS). */
export interface FitSchedule {
  lambda: number;
  iterations: number;
  /** The fraction of the iterations, at the end, with hard rounding instead of noise. */
  roundingFraction: number;
  /** Soft rounding around the noise, its temperature annealed from SOFT_ROUNDING[0] to [1] (default false). */
  softRounding?: boolean;
  lr: number;
  seed: number;
  sparse: SparseOptions | null;
  onProgress?: (event: FitProgress) => void;
}

/** Double descent on the decoder: the projection, its relative radius and the second phase's length. */
export interface SparseOptions {
  /** A bilevel projection of the registry (default 'bilevelL1Inf'; 'bilevelL11' is the ℓ1,1 one). */
  kind?: ProjectionKind;
  /** One ρ for the four groupings: each is projected with η = rho·(its own norm after the first phase), 0 < rho ≤ 1. */
  rho: number;
  /** Iterations of the second phase, masks held (default: the first phase's). */
  iterations?: number;
}

export const psnrOf = (mse: number): number => 10 * Math.log10(1 / mse);

/** Soft rounding's temperature at the start and at the end of the noisy steps, annealed linearly between. */
export const SOFT_ROUNDING: readonly [number, number] = [0.3, 0.1];

/**
 * Sets step t's learning rate and says how the step quantizes: with noise (false: hard rounding) and soft rounding's
 * temperature (0: none).
 */
export function scheduleStep(
  optimizer: Adam,
  schedule: FitSchedule,
  t: number,
  iterations: number,
): { noisy: boolean; temperature: number } {
  const rounding = Math.round(iterations * schedule.roundingFraction);
  const noisy = t < iterations - rounding;
  // Cosine decay within each part of the schedule; the rounding part restarts at a tenth of the rate.
  const [start, length, base] = noisy ? [0, iterations - rounding, 1] : [iterations - rounding, rounding, 0.1];
  const lr = schedule.lr * base * (0.5 + 0.5 * Math.cos((Math.PI * (t - start)) / length));
  for (const entry of optimizer.entries) entry.options.lr = Math.max(lr, schedule.lr * 1e-3);
  const [t0, t1] = SOFT_ROUNDING;
  const temperature = schedule.softRounding ? t0 + ((t1 - t0) * t) / Math.max(1, iterations - rounding - 1) : 0;
  return { noisy, temperature };
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
      const { noisy, temperature } = scheduleStep(optimizer, schedule, t, iterations);
      const stats = scope(() => {
        const yq = model.quantized(noisy ? noise : null, temperature);
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

/** The columns of a 2-D parameter with a nonzero entry in one of the rows `rows` (null: any row). */
function nonzeroColumns(p: Parameter, rows: number[] | null = null): number[] {
  const [rowCount, cols] = p.shape,
    data = p.data;
  const r = rows ?? Array.from({ length: rowCount }, (_, i) => i);
  const kept: number[] = [];
  for (let c = 0; c < cols; c++) if (r.some((i) => data[i * cols + c] !== 0)) kept.push(c);
  return kept;
}

/**
 * The ARM's hidden unit j is read by column j of W2 and by the heads' weights j (μ and log b); the residual ties
 * the two hidden layers' unit j together, so when all of these are zero neither h1[j] nor h2[j] reaches the output,
 * and W1's row j, b1[j], W2's row j and b2[j] go too. Stacked, these outgoing weights are [W2; wμ; w_b], [a + 2, a],
 * whose column j is unit j's group: the matrix the projection works on.
 */
const ARM_UNIT_PARTS = ["armW2", "armMuW", "armScaleW"] as const;

/** Projects each grouping of the decoder onto its bilevel ball of radius rho·(its own norm) and masks the zeros. */
function projectDecoder(model: CoolChicModel, kind: ProjectionKind, rho: number): void {
  const project = (w: Parameter) => {
    const radius = rho * bilevelNorm(kind, w);
    projectAndMask(w, (p) => projectionConstraint(kind, { radius }).apply(p));
  };
  for (const w of [model.synW1, model.synW2, model.armW1]) project(w);
  const a = model.sizes.armHidden,
    parts = ARM_UNIT_PARTS.map((name) => model[name]);
  const stacked = new Parameter([a + 2, a]);
  try {
    let offset = 0;
    for (const p of parts) {
      stacked.data.set(p.data, offset);
      offset += p.size;
    }
    project(stacked);
    offset = 0;
    for (const p of parts) {
      const part = stacked.data.subarray(offset, (offset += p.size));
      p.data.set(part);
      p.setMask(Array.from(part, (v) => (v === 0 ? 0 : 1)));
    }
  } finally {
    stacked.dispose();
  }
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
  noGrad(() => projectDecoder(model, sparse.kind ?? "bilevelL1Inf", sparse.rho));
  // A unit is kept if its outgoing weights are not all zero; a grid or context position if a kept unit reads it.
  const synthesisUnits = nonzeroColumns(model.synW2);
  const armReaders = ARM_UNIT_PARTS.map((name) => nonzeroColumns(model[name]));
  const armUnits = model.keptArmUnits.filter((j) => armReaders.some((kept) => kept.includes(j)));
  model.restrict(
    nonzeroColumns(model.synW1, synthesisUnits),
    nonzeroColumns(model.armW1, armUnits),
    synthesisUnits,
    armUnits,
  );
}

/** Checks a projection kind for double descent: a bilevel entry of the registry. */
export function checkSparseKind(kind: unknown, caller = "encodeImage"): ProjectionKind {
  const entry = typeof kind === "string" ? projectionOf(kind as ProjectionKind) : undefined;
  if (!entry?.grouped) throw new TypeError(`${caller}: sparse.kind must be a bilevel projection; got ${String(kind)}`);
  return kind as ProjectionKind;
}
