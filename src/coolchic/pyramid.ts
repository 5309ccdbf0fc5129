// The latent pyramid's geometry and the two ops that read it: bilinear upsampling of every grid to the image's
// size (stacked as the synthesis' input channels), and the gather of each latent's causal neighbours for the ARM.
// Fitting runs them as fused kernels (assembly/coolchic.ts on f32; the loops here in float64, which are also the
// deterministic decoder's upsampling, so that the encoder's measure of the decoded image is the decoder's).
import type { FusedKernels } from "../autograd/backend.ts";
import { empty, formatShape, Tensor } from "../autograd/tensor.ts";

/** One grid of the pyramid: its size and where its values start in the flat latent. */
export interface Grid {
  h: number;
  w: number;
  offset: number;
  /** The upsampling factor 2^level to the image. */
  factor: number;
}

/** An image's latent pyramid: grid l is ⌈H/2^l⌉ × ⌈W/2^l⌉; `size` latents in all, grid after grid. */
export interface Pyramid {
  height: number;
  width: number;
  grids: Grid[];
  size: number;
}

export function pyramid(height: number, width: number, levels: number): Pyramid {
  const grids: Grid[] = [];
  let offset = 0;
  for (let l = 0; l < levels; l++) {
    const factor = 2 ** l;
    const g = { h: Math.ceil(height / factor), w: Math.ceil(width / factor), offset, factor };
    grids.push(g);
    offset += g.h * g.w;
  }
  return { height, width, grids, size: offset };
}

/** One axis of bilinear interpolation (align_corners = false, edges clamped): sources i0, i1 and weight of i1. */
function axisTaps(n: number, out: number, s: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const i0 = new Int32Array(out),
    i1 = new Int32Array(out),
    t = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    let src = (i + 0.5) / s - 0.5; // exact for s a power of two
    if (src < 0) src = 0;
    const f = Math.floor(src);
    i0[i] = f < n - 1 ? f : n - 1;
    i1[i] = f + 1 < n - 1 ? f + 1 : n - 1;
    t[i] = src - f;
  }
  return { i0, i1, t };
}

/**
 * Bilinear upsampling of grid g (values at `src[g.offset…]`) to the image size, written to dst[dstOffset…] (H·W
 * values), or with `adjoint` its transpose: dst's H·W gradients added into src's grid.
 */
export function bilinear(
  src: ArrayLike<number> & { [i: number]: number },
  g: Grid,
  height: number,
  width: number,
  dst: ArrayLike<number> & { [i: number]: number },
  dstOffset: number,
  adjoint = false,
): void {
  const ys = axisTaps(g.h, height, g.factor),
    xs = axisTaps(g.w, width, g.factor);
  for (let i = 0; i < height; i++) {
    const r0 = g.offset + ys.i0[i] * g.w,
      r1 = g.offset + ys.i1[i] * g.w,
      ty = ys.t[i];
    for (let j = 0; j < width; j++) {
      const c0 = xs.i0[j],
        c1 = xs.i1[j],
        tx = xs.t[j];
      const o = dstOffset + i * width + j;
      if (adjoint) {
        const d = dst[o];
        src[r0 + c0] += (1 - ty) * (1 - tx) * d;
        src[r0 + c1] += (1 - ty) * tx * d;
        src[r1 + c0] += ty * (1 - tx) * d;
        src[r1 + c1] += ty * tx * d;
      } else {
        const top = (1 - tx) * src[r0 + c0] + tx * src[r0 + c1];
        const bottom = (1 - tx) * src[r1 + c0] + tx * src[r1 + c1];
        dst[o] = (1 - ty) * top + ty * bottom;
      }
    }
  }
}

/** The grids `kept` of a flat latent [size], each upsampled to the image: [kept.length, H·W]. */
export function upsamplePyramid(latent: Tensor, p: Pyramid, kept: readonly number[]): Tensor {
  if (!(latent instanceof Tensor)) throw new TypeError("upsamplePyramid: latent must be a Tensor");
  if (latent.size !== p.size)
    throw new RangeError(`upsamplePyramid: latent ${formatShape(latent.shape)} is not the pyramid's ${p.size} values`);
  const { height, width } = p,
    plane = height * width,
    be = latent.backend;
  const out = empty(latent, [kept.length, plane], "upsamplePyramid");
  const grid = (buf: typeof out.buf, l: number) => be.view(buf, p.grids[l].offset, p.grids[l].h * p.grids[l].w);
  kept.forEach((l, k) => {
    const { h, w, factor } = p.grids[l];
    be.upsampleBilinear(grid(latent.buf, l), h, w, factor, height, width, be.view(out.buf, k * plane, plane));
  });
  return out.record([latent], () => {
    const { buf, accumulate } = latent.gradTarget();
    if (!accumulate) be.fill(buf, latent.size, 0);
    const dy = out.grad!.buf;
    kept.forEach((l, k) => {
      const { h, w, factor } = p.grids[l];
      be.upsampleBilinearGrad(be.view(dy, k * plane, plane), h, w, factor, height, width, grid(buf, l));
    });
  });
}

/**
 * The causal context of a (2R+1)-wide window: R rows above (2R+1 each) and R pixels to the left, as [dy, dx],
 * nearest first within each row. These are the ARM's inputs; the decoder has decoded all of them before the pixel.
 */
export function causalOffsets(rows: number): Array<[number, number]> {
  const offsets: Array<[number, number]> = [];
  for (let dy = -rows; dy <= 0; dy++) for (let dx = -rows; dx <= (dy < 0 ? rows : -1); dx++) offsets.push([dy, dx]);
  return offsets;
}

/**
 * For every latent of the kept grids, the flat indices of its context (−1 outside the grid, read as 0):
 * [latents, offsets.length] row-major, and the latents' own indices.
 */
export function contextIndex(
  p: Pyramid,
  kept: readonly number[],
  offsets: ReadonlyArray<readonly [number, number]>,
): { context: Int32Array; targets: Int32Array } {
  let n = 0;
  for (const l of kept) n += p.grids[l].h * p.grids[l].w;
  const k = offsets.length;
  const context = new Int32Array(n * k),
    targets = new Int32Array(n);
  let row = 0;
  for (const l of kept) {
    const g = p.grids[l];
    for (let i = 0; i < g.h; i++)
      for (let j = 0; j < g.w; j++, row++) {
        targets[row] = g.offset + i * g.w + j;
        offsets.forEach(([dy, dx], c) => {
          const y = i + dy,
            x = j + dx;
          context[row * k + c] = y >= 0 && x >= 0 && x < g.w ? g.offset + y * g.w + x : -1;
        });
      }
  }
  return { context, targets };
}

/** out[i] = x[index[i]], or 0 where index[i] is −1, with shape `shape`; the gradient adds back into x. */
export function gatherPadded(input: Tensor, index: Int32Array, shape: readonly number[]): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError("gatherPadded: x must be a Tensor");
  if (shape.reduce((a, b) => a * b, 1) !== index.length)
    throw new RangeError(`gatherPadded: shape ${formatShape(shape)} does not hold ${index.length} indices`);
  const be = input.backend;
  const out = empty(input, shape, "gatherPadded");
  const staged = be.indices(index);
  const bad = be.gatherPadded(input.buf, input.size, staged, out.buf);
  if (bad >= 0) throw new RangeError(`gatherPadded: index[${bad}] = ${index[bad]} is outside x (${input.size} values)`);
  return out.record([input], () => {
    const { buf, accumulate } = input.gradTarget();
    if (!accumulate) be.fill(buf, input.size, 0);
    be.gatherPaddedGrad(out.grad!.buf, staged, buf);
  });
}

/** The pyramid ops' fused kernels in float64 (assembly/coolchic.ts has the f32 ones). */
export const pyramidKernels: Pick<
  FusedKernels,
  "upsampleBilinear" | "upsampleBilinearGrad" | "gatherPadded" | "gatherPaddedGrad"
> = {
  upsampleBilinear(x, gh, gw, s, height, width, y) {
    bilinear(x.array, { h: gh, w: gw, offset: 0, factor: s }, height, width, y.array, 0);
  },
  upsampleBilinearGrad(dy, gh, gw, s, height, width, dx) {
    bilinear(dx.array, { h: gh, w: gw, offset: 0, factor: s }, height, width, dy.array, 0, true);
  },
  gatherPadded(x, size, index, y) {
    for (let i = 0; i < index.length; i++) {
      const k = index.array[i];
      if (!(k >= -1 && k < size)) return i;
      y.array[i] = k < 0 ? 0 : x.array[k];
    }
    return -1;
  },
  gatherPaddedGrad(dy, index, dx) {
    for (let i = 0; i < index.length; i++) if (index.array[i] >= 0) dx.array[index.array[i]] += dy.array[i];
  },
};
