// Cool-chic-lite's decoder as plain numbers: its shape (what the bitstream's header says) and the deterministic
// float64 forward passes of the ARM and the synthesis that both the encoder's final measure and the decoder run.
// Only +, −, ×, ÷ and exact roundings are used (with detExp inside laplaceScale), in a fixed order, so the same
// stream gives the same probabilities and pixels in every engine.
import { laplaceScale } from "./laplace.ts";
import { bilinear, causalOffsets, pyramid, type Pyramid } from "./pyramid.ts";

/** A decoder's shape: the image, the latent grids and context positions it keeps, and the layer widths. */
export interface NetworkShape {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  /** Latent grids in the pyramid, 1:1 down to 1:2^(levels−1). */
  levels: number;
  /** The grids the synthesis reads (the others are neither coded nor upsampled). */
  keptGrids: number[];
  /** The ARM's causal window: `contextRows` rows above and as many pixels to the left. */
  contextRows: number;
  /** The context positions (indices into causalOffsets(contextRows)) the ARM reads. */
  keptContext: number[];
  /** Width of the synthesis' hidden 1 × 1 layer. */
  synthesisHidden: number;
  /** Width of the ARM's two hidden layers. */
  armHidden: number;
}

/** The decoder's parameters by name, in the order the bitstream stores them. */
export const PARAMETER_NAMES = [
  "armW1",
  "armB1",
  "armW2",
  "armB2",
  "armMuW",
  "armMuB",
  "armScaleW",
  "armScaleB",
  "synW1",
  "synB1",
  "synW2",
  "synB2",
  "resW1",
  "resB1",
  "resW2",
  "resB2",
] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];
export type Weights = Record<ParameterName, Float64Array>;

/** Every parameter's shape for a decoder of this shape (the kept grids and context positions only). */
export function parameterShapes(s: NetworkShape): Record<ParameterName, number[]> {
  const a = s.armHidden,
    k = s.keptContext.length,
    f = s.synthesisHidden,
    c = s.channels,
    l = s.keptGrids.length;
  return {
    armW1: [a, k],
    armB1: [a],
    armW2: [a, a],
    armB2: [a],
    armMuW: [1, a],
    armMuB: [1],
    armScaleW: [1, a],
    armScaleB: [1],
    synW1: [f, l],
    synB1: [f],
    synW2: [c, f],
    synB2: [c],
    resW1: [c, c, 3, 3],
    resB1: [c],
    resW2: [c, c, 3, 3],
    resB2: [c],
  };
}

/** Multiplications per decoded pixel: the ARM's per latent times latents per pixel, upsampling, synthesis. */
export function macsPerPixel(s: NetworkShape): { arm: number; upsampling: number; synthesis: number; total: number } {
  const p = pyramid(s.height, s.width, s.levels);
  let latents = 0;
  for (const l of s.keptGrids) latents += p.grids[l].h * p.grids[l].w;
  const a = s.armHidden;
  const arm = ((a * s.keptContext.length + a * a + 2 * a) * latents) / (s.width * s.height);
  const upsampling = 4 * s.keptGrids.length;
  const synthesis = s.synthesisHidden * (s.keptGrids.length + s.channels) + 2 * 9 * s.channels * s.channels;
  return { arm, upsampling, synthesis, total: arm + upsampling + synthesis };
}

/** The ARM on one latent whose context values are ctx (kept positions): its Laplace (μ, b). */
export class Arm {
  readonly #h1: Float64Array;
  readonly #h2: Float64Array;
  /** The last prediction's μ and b (fields rather than a returned pair: no allocation per latent). */
  mu = 0;
  scale = 1;
  constructor(
    readonly shape: NetworkShape,
    readonly w: Weights,
  ) {
    this.#h1 = new Float64Array(shape.armHidden);
    this.#h2 = new Float64Array(shape.armHidden);
  }

  /** Sets mu and scale for the context ctx. */
  predict(ctx: Float64Array): void {
    const { armW1, armB1, armW2, armB2, armMuW, armMuB, armScaleW, armScaleB } = this.w;
    const a = this.shape.armHidden,
      k = ctx.length,
      h1 = this.#h1,
      h2 = this.#h2;
    for (let i = 0; i < a; i++) {
      let v = armB1[i];
      for (let j = 0; j < k; j++) v += armW1[i * k + j] * ctx[j];
      h1[i] = v > 0 ? v : 0;
    }
    for (let i = 0; i < a; i++) {
      let v = armB2[i];
      for (let j = 0; j < a; j++) v += armW2[i * a + j] * h1[j];
      h2[i] = (v > 0 ? v : 0) + h1[i];
    }
    let mu = armMuB[0],
      s = armScaleB[0];
    for (let j = 0; j < a; j++) {
      mu += armMuW[j] * h2[j];
      s += armScaleW[j] * h2[j];
    }
    this.mu = mu;
    this.scale = laplaceScale(s);
  }
}

/**
 * Visits every latent of the kept grids in decoding order with its context read from `latent` (0 outside); `kept`
 * is the grid's position in shape.keptGrids.
 */
export function forEachLatent(
  shape: NetworkShape,
  p: Pyramid,
  latent: Float64Array,
  visit: (index: number, kept: number, ctx: Float64Array) => void,
): void {
  const offsets = causalOffsets(shape.contextRows);
  const k = shape.keptContext.length;
  const dy = Int32Array.from(shape.keptContext, (c) => offsets[c][0]),
    dx = Int32Array.from(shape.keptContext, (c) => offsets[c][1]);
  const ctx = new Float64Array(k);
  shape.keptGrids.forEach((l, kept) => {
    const g = p.grids[l];
    for (let i = 0; i < g.h; i++)
      for (let j = 0; j < g.w; j++) {
        for (let c = 0; c < k; c++) {
          const y = i + dy[c],
            x = j + dx[c];
          ctx[c] = y >= 0 && x >= 0 && x < g.w ? latent[g.offset + y * g.w + x] : 0;
        }
        visit(g.offset + i * g.w + j, kept, ctx);
      }
  });
}

/** A 3 × 3 convolution with zero padding of planes x [c, H·W], plus bias: y [c, H·W]. */
function conv3(x: Float64Array, w: Float64Array, b: Float64Array, c: number, h: number, wd: number): Float64Array {
  const y = new Float64Array(c * h * wd);
  for (let o = 0; o < c; o++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++) {
        let v = b[o];
        for (let ci = 0; ci < c; ci++)
          for (let di = 0; di < 3; di++) {
            const yy = i + di - 1;
            if (yy < 0 || yy >= h) continue;
            for (let dj = 0; dj < 3; dj++) {
              const xx = j + dj - 1;
              if (xx < 0 || xx >= wd) continue;
              v += w[((o * c + ci) * 3 + di) * 3 + dj] * x[(ci * h + yy) * wd + xx];
            }
          }
        y[(o * h + i) * wd + j] = v;
      }
  return y;
}

/** The synthesis of the image from the decoded latent: planes [channels, H·W] in about [0, 1]. */
export function synthesize(shape: NetworkShape, w: Weights, latent: Float64Array): Float64Array {
  const { height: h, width: wd, channels: c, synthesisHidden: f } = shape;
  const p = pyramid(h, wd, shape.levels);
  const plane = h * wd,
    l = shape.keptGrids.length;
  const z = new Float64Array(l * plane);
  shape.keptGrids.forEach((g, k) => bilinear(latent, p.grids[g], h, wd, z, k * plane));
  const out = new Float64Array(c * plane);
  const hidden = new Float64Array(f);
  for (let px = 0; px < plane; px++) {
    for (let i = 0; i < f; i++) {
      let v = w.synB1[i];
      for (let k = 0; k < l; k++) v += w.synW1[i * l + k] * z[k * plane + px];
      hidden[i] = v > 0 ? v : 0;
    }
    for (let o = 0; o < c; o++) {
      let v = w.synB2[o];
      for (let i = 0; i < f; i++) v += w.synW2[o * f + i] * hidden[i];
      out[o * plane + px] = v;
    }
  }
  // Two residual 3 × 3 layers, the first followed by a ReLU (Cool-chic's 3-3-residual-relu, 3-3-residual-none).
  const r1 = conv3(out, w.resW1, w.resB1, c, h, wd);
  for (let i = 0; i < r1.length; i++) {
    const v = out[i] + r1[i];
    r1[i] = v > 0 ? v : 0;
  }
  const r2 = conv3(r1, w.resW2, w.resB2, c, h, wd);
  for (let i = 0; i < r2.length; i++) r2[i] += r1[i];
  return r2;
}

/** Planes [channels, H·W] in [0, 1] to interleaved 8-bit pixels (round half up, clamped). */
export function toPixels(planes: Float64Array, channels: number, plane: number): Uint8Array {
  const out = new Uint8Array(channels * plane);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < plane; i++) {
      const v = Math.floor(planes[c * plane + i] * 255 + 0.5);
      out[i * channels + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  return out;
}
