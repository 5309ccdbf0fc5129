// Convolution and nearest-neighbour upsampling on NCHW batches, with PyTorch's weight layout [O, C, kh, kw].
// conv2d is im2col + one product per image on the matmul kernels, each of its three products a batch in one kernel
// call (convForward, convInputGrad: split by images over threads when there are threads; convWeightGrad: by input
// channels, so that each weight's gradient is summed over the images by one thread).
import { ADD, type Backend, COLUMN, FULL, type ConvGeometry, type FusedKernels } from "./backend.ts";
import { empty, formatShape, Tensor } from "./tensor.ts";

/** conv2d's options: the same stride along H and W (default 1), and zeros padded on every side (default 0). */
export interface Conv2dOptions {
  stride?: number;
  padding?: number;
}

function checkInteger(op: string, name: string, value: unknown, least: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < least)
    throw new RangeError(`${op}: ${name} must be an integer ≥ ${least}; got ${String(value)}`);
  return value as number;
}

/** y = x ⋆ W + b: x [N, C, H, W], weight [O, C, kh, kw], bias [O] (PyTorch's F.conv2d, no dilation or groups). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  if (!(x instanceof Tensor) || !(weight instanceof Tensor))
    throw new TypeError("conv2d: x and weight must be Tensors");
  const stride = checkInteger("conv2d", "stride", options.stride ?? 1, 1);
  const pad = checkInteger("conv2d", "padding", options.padding ?? 0, 0);
  if (x.shape.length !== 4 || weight.shape.length !== 4 || x.shape[1] !== weight.shape[1]) {
    throw new RangeError(
      `conv2d: x ${formatShape(x.shape)} needs [N, C, H, W] and weight ${formatShape(weight.shape)} ` +
        "needs [O, C, kh, kw] with the same C",
    );
  }
  if (x.backend !== weight.backend || (bias && bias.backend !== x.backend))
    throw new TypeError("conv2d: x, weight and bias must have one dtype");
  const [n, c, h, w] = x.shape,
    [o, , kh, kw] = weight.shape;
  if (bias && (bias.shape.length !== 1 || bias.size !== o))
    throw new RangeError(`conv2d: bias ${formatShape(bias.shape)} must be [${o}]`);
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1,
    ow = Math.floor((w + 2 * pad - kw) / stride) + 1;
  if (oh < 1 || ow < 1)
    throw new RangeError(`conv2d: a ${kh} × ${kw} kernel does not fit a ${h} × ${w} image with padding ${pad}`);
  const g: ConvGeometry = { c, h, w, kh, kw, stride, pad, oh, ow };
  const be = x.backend;
  const positions = oh * ow;
  const out = empty(x, [n, o, oh, ow], "conv2d");
  be.convForward(x.buf, weight.buf, out.buf, g, o, n);
  let tiled: Tensor["buf"] | null = null;
  if (bias) {
    tiled = be.alloc(n * o);
    for (let i = 0; i < n; i++) be.scaleAdd(bias.buf, 1, be.view(tiled, i * o, o), o, false);
    be.binary(ADD, out.buf, FULL, tiled, COLUMN, out.buf, n * o, positions);
  }
  return out.record(bias ? [x, weight, bias] : [x, weight], () => {
    const dy = out.grad!.buf;
    const dx = x.requiresGrad ? x.gradTarget() : null;
    if (dx) {
      if (!dx.accumulate) be.fill(dx.buf, x.size, 0);
      be.convInputGrad(weight.buf, dy, dx.buf, g, o, n);
    }
    const dw = weight.requiresGrad ? weight.gradTarget() : null;
    if (dw) be.convWeightGrad(x.buf, dy, dw.buf, g, o, n, dw.accumulate);
    if (bias?.requiresGrad) {
      const perImage = be.alloc(n * o);
      be.sumCols(dy, n * o, positions, perImage, false);
      const { buf, accumulate } = bias.gradTarget();
      be.sumRows(perImage, n, o, buf, accumulate); // db = Σ over images and positions
    }
  });
}

/** Nearest-neighbour upsampling of x [N, C, H, W] by the integer factor `scale` (PyTorch's mode 'nearest'). */
export function upsampleNearest(x: Tensor, scale: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError("upsampleNearest: x must be a Tensor");
  checkInteger("upsampleNearest", "scale", scale, 1);
  if (x.shape.length !== 4) throw new RangeError(`upsampleNearest: x ${formatShape(x.shape)} needs [N, C, H, W]`);
  const [n, c, h, w] = x.shape;
  const out = empty(x, [n, c, h * scale, w * scale], "upsampleNearest");
  x.backend.upsampleNearest(x.buf, n * c, h, w, scale, out.buf);
  return out.record([x], () => {
    const { buf, accumulate } = x.gradTarget();
    x.backend.upsampleNearestGrad(out.grad!.buf, n * c, h, w, scale, buf, accumulate);
  });
}

/**
 * conv2d's batch kernels from the primitives, image by image (the TypeScript backend; the WebAssembly one runs the
 * same steps in one call, split over threads by images when there are threads).
 */
export const convKernels: Pick<FusedKernels, "convForward" | "convInputGrad" | "convWeightGrad"> = {
  convForward(this: Backend, x, weight, y, g, o, images) {
    const [size, fields, positions] = [g.c * g.h * g.w, g.c * g.kh * g.kw, g.oh * g.ow];
    const cols = this.alloc(fields * positions);
    for (let i = 0; i < images; i++) {
      this.im2col(this.view(x, i * size, size), g, cols, 1);
      this.matmul(
        weight,
        cols,
        this.view(y, i * o * positions, o * positions),
        o,
        positions,
        fields,
        false,
        false,
        false,
      );
    }
  },
  convInputGrad(this: Backend, weight, dy, dx, g, o, images) {
    const [size, fields, positions] = [g.c * g.h * g.w, g.c * g.kh * g.kw, g.oh * g.ow];
    const dcols = this.alloc(fields * positions);
    for (let i = 0; i < images; i++) {
      this.matmul(
        weight,
        this.view(dy, i * o * positions, o * positions),
        dcols,
        fields,
        positions,
        o,
        true,
        false,
        false,
      );
      this.col2im(dcols, g, this.view(dx, i * size, size));
    }
  },
  convWeightGrad(this: Backend, x, dy, dw, g, o, images, accumulate) {
    const [size, fields, positions] = [g.c * g.h * g.w, g.c * g.kh * g.kw, g.oh * g.ow];
    const cols = this.alloc(fields * positions);
    for (let i = 0; i < images; i++) {
      this.im2col(this.view(x, i * size, size), g, cols, 1);
      const dyi = this.view(dy, i * o * positions, o * positions);
      this.matmul(dyi, cols, dw, o, fields, positions, false, true, accumulate || i > 0);
    }
  },
};

/** Upsampling's fused kernels in float64: each output pixel copies, and its gradient adds into, its source. */
export const upsampleKernels: Pick<FusedKernels, "upsampleNearest" | "upsampleNearestGrad"> = {
  upsampleNearest(x, planes, h, w, s, y) {
    for (let p = 0; p < planes; p++)
      for (let i = 0; i < h * s; i++)
        for (let j = 0; j < w * s; j++) {
          y.array[(p * h * s + i) * w * s + j] = x.array[(p * h + Math.floor(i / s)) * w + Math.floor(j / s)];
        }
  },
  upsampleNearestGrad(dy, planes, h, w, s, dx, accumulate) {
    if (!accumulate) dx.array.fill(0, 0, planes * h * w);
    for (let p = 0; p < planes; p++)
      for (let i = 0; i < h * s; i++)
        for (let j = 0; j < w * s; j++) {
          dx.array[(p * h + Math.floor(i / s)) * w + Math.floor(j / s)] += dy.array[(p * h * s + i) * w * s + j];
        }
  },
};
