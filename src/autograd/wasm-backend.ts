// The kernels on WebAssembly (assembly/elementwise.ts, losses.ts, energy.ts, conv.ts, optimizers.ts, matmul.ts):
// f32 data in the module memory, passed to the kernels as byte offsets, never copied; a table entry (an
// elementwise function, binary operation, broadcast mode, pointwise loss) as its code.
import type { Heap } from "../runtime/heap.ts";
import { allocPersistent, allocTemporary, type Lifetime } from "./arena.ts";
import type { Backend, Buf, ConvGeometry, Indices } from "./backend.ts";
import { LOG_SCALE_MAX, LOG_SCALE_MIN, MIN_PROBABILITY } from "../coolchic/laplace.ts";

type Kernel = (...args: number[]) => number;

/** f32 or i32 values in the module memory; the view is re-made when the memory has grown. */
class WasmBuf<A extends Float32Array | Int32Array = Float32Array> {
  #view: A | undefined;
  heap!: Heap;
  ptr!: number;
  lifetime!: Lifetime;

  /** Memory of its own (temporary, or persistent with what a use after release means), or a window on another's. */
  constructor(
    readonly length: number,
    private readonly View: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A },
    memory?: string | { heap: Heap; ptr: number; lifetime: Lifetime },
  ) {
    Object.assign(
      this,
      memory === undefined
        ? allocTemporary(length * 4, this)
        : typeof memory === "string"
          ? allocPersistent(length * 4, memory)
          : memory,
    );
  }

  /** The byte offset, checked: memory whose lifetime ended is never handed to a kernel. */
  get address(): number {
    if (!this.lifetime.alive) throw new TypeError(`this tensor's memory was released: ${this.lifetime.ended}`);
    return this.ptr;
  }

  get array(): A {
    const ptr = this.address;
    const buffer = this.heap.buffer;
    if (this.#view?.buffer !== buffer) this.#view = new this.View(buffer, ptr, this.length);
    return this.#view;
  }

  /** Frees the memory once; later calls do nothing, later reads throw (`address`). */
  release(): void {
    if (!this.lifetime.alive) return;
    this.lifetime.alive = false;
    this.heap.free(this.ptr);
  }
}

/**
 * What one element of an Adam step weighs against the split's crossover in product flops: 0.84 ns on one thread (two
 * divisions and a square root a vector, two vectors a turn; 1.2 ns one a turn), the time of ~32 flops of the
 * products at ~38 GFLOP/s. So a parameter is split from ~65 000 elements.
 */
const ADAM_FLOPS = 32;

/**
 * What one value of an elementwise function and of its gradient weighs against the crossover, in product flops (~38 a
 * nanosecond): one thread, relaxed SIMD, 100 352 values, best of 200 calls (load ~5). σ on the VAE's batch (2.7 ns a
 * value: e^x) is split; ReLU's 0.2 ns a value never pays a wake-up at these sizes. Unlisted functions weigh as σ.
 */
const UNARY_FLOPS: Readonly<Record<string, readonly [number, number]>> = {
  exp: [58, 10],
  log: [120, 11],
  relu: [8, 13],
  silu: [105, 112],
  tanh: [580, 11],
  sigmoid: [103, 11],
};

const at = (b: Buf | Indices | null) => (b ? (b as unknown as WasmBuf<Float32Array | Int32Array>).address : 0);
const flag = (value: boolean) => (value ? 1 : 0);
/** The address of element `first` of an f32 buffer; 0 (no buffer) stays 0. */
const from = (b: Buf | null, first: number) => (b ? at(b) + 4 * first : 0);

export function wasmBackend(heap: Heap): Backend {
  const k = (name: string) => heap.exports[name] as Kernel;
  const [matmulNN, matmulTN, matmulNT, unary, unaryGrad, binary, scaleAdd, sumRows, sumCols, sumAll, gatherRows, fill] =
    [
      "matmulNN",
      "matmulTN",
      "matmulNT",
      "unary",
      "unaryGrad",
      "binary",
      "scaleAdd",
      "sumRows",
      "sumCols",
      "sumAll",
      "gatherRows",
      "fill",
    ].map(k);
  const [im2col, col2im, upsampleNearest, upsampleNearestGrad, convForward, convInputGrad] = [
    "im2col",
    "col2im",
    "upsampleNearest",
    "upsampleNearestGrad",
    "convForward",
    "convInputGrad",
  ].map(k);
  const [convForwardDirect, convWeightGrad, convWeightGradDirect] = [
    "convForwardDirect",
    "convWeightGrad",
    "convWeightGradDirect",
  ].map(k);
  const geometry = (g: ConvGeometry) => [g.c, g.h, g.w, g.kh, g.kw, g.stride, g.pad, g.oh, g.ow];
  // A batch's convolution kernel (assembly/conv.ts) over ranges of images, each part with one image's scratch: on
  // the calling thread, or split over the threads when there are threads and the batch is worth it.
  const convBatch = (
    name: "convForward" | "convInputGrad",
    operands: [number, number, number],
    g: ConvGeometry,
    o: number,
    images: number,
  ) => {
    const perImage = g.c * g.kh * g.kw * g.oh * g.ow;
    if (name === "convForward" && g.stride === 1 && (g.oh * g.ow) % 4 === 0) {
      // Without the columns (assembly/conv.ts, convForwardDirect): each part's scratch is the zero-padded image, 8
      // values of slack and the fields' offsets.
      const [x, weight, y] = operands;
      const share = g.c * (g.h + 2 * g.pad) * (g.w + 2 * g.pad) + 8 + g.c * g.kh * g.kw;
      const parts = Math.min(heap.splitter?.threads ?? 1, images);
      const scratch = new WasmBuf(Math.max(1, parts) * share, Float32Array);
      const argsOf = (first: number, last: number, part: number) => {
        const shape = [g.c, g.h, g.w, g.kh, g.kw, g.pad];
        return [x, weight, at(scratch) + part * share * 4, y, ...shape, o, first, last];
      };
      if (heap.splitter?.ranges("convForwardDirect", images, 2 * o * perImage * images, argsOf)) return;
      convForwardDirect(...argsOf(0, images, 0));
      return;
    }
    const parts = Math.min(heap.splitter?.threads ?? 1, images);
    const scratch = new WasmBuf(Math.max(1, parts) * perImage, Float32Array);
    const argsOf = (first: number, last: number, part: number) => {
      const [a, b, c] = operands;
      return [a, b, at(scratch) + part * perImage * 4, c, ...geometry(g), o, first, last];
    };
    if (heap.splitter?.ranges(name, images, 2 * o * perImage * images, argsOf)) return;
    (name === "convForward" ? convForward : convInputGrad)(...argsOf(0, images, 0));
  };
  // The weight gradient over ranges of input channels, each part with one image's columns of its channels.
  const convWeightGradOf = (x: Buf, dy: Buf, dw: Buf, g: ConvGeometry, o: number, images: number, acc: boolean) => {
    const perChannel = g.kh * g.kw * g.oh * g.ow;
    const parts = Math.min(heap.splitter?.threads ?? 1, g.c);
    if (g.stride === 1 && g.ow % 4 === 0 && g.oh * g.ow >= 8) {
      // The columns read from the zero-padded channels (convWeightGradDirect): a part's scratch is its channels
      // padded, 8 values of slack and its fields' offsets.
      const channels = Math.ceil(g.c / parts);
      const share = channels * ((g.h + 2 * g.pad) * (g.w + 2 * g.pad) + g.kh * g.kw) + 8;
      const scratch = new WasmBuf(parts * share, Float32Array);
      const argsOf = (first: number, last: number, part: number) => {
        const shape = [g.c, g.h, g.w, g.kh, g.kw, g.pad];
        return [at(x), at(dy), at(scratch) + part * share * 4, at(dw), ...shape, o, images, first, last, flag(acc)];
      };
      const flops = 2 * o * g.c * perChannel * images;
      if (heap.splitter?.ranges("convWeightGradDirect", g.c, flops, argsOf)) return;
      convWeightGradDirect(...argsOf(0, g.c, 0));
      return;
    }
    const share = Math.ceil(g.c / parts) * perChannel;
    const scratch = new WasmBuf(parts * share, Float32Array);
    const argsOf = (first: number, last: number, part: number) => [
      at(x),
      at(dy),
      at(scratch) + part * share * 4,
      at(dw),
      ...geometry(g).slice(0, 7),
      o,
      images,
      first,
      last,
      flag(acc),
    ];
    if (heap.splitter?.ranges("convWeightGrad", g.c, 2 * o * g.c * perChannel * images, argsOf)) return;
    convWeightGrad(...argsOf(0, g.c, 0));
  };
  const [crossEntropy, crossEntropyGrad, pointwiseLoss, pointwiseLossGrad, adamStep, sgdStep] = [
    "crossEntropy",
    "crossEntropyGrad",
    "pointwiseLoss",
    "pointwiseLossGrad",
    "adamStep",
    "sgdStep",
  ].map(k);
  const [huberEnergy, huberEnergyGrad, firstNonFinite] = ["huberEnergy", "huberEnergyGrad", "firstNonFinite_f32"].map(
    k,
  );
  const [upsampleBilinear, upsampleBilinearGrad, gatherPadded, gatherPaddedGrad, laplaceRate] = [
    "upsampleBilinear",
    "upsampleBilinearGrad",
    "gatherPadded",
    "gatherPaddedGrad",
    "laplaceRate",
  ].map(k);
  return {
    name: "wasm",
    dtype: "float32",
    alloc: (length) => new WasmBuf(length, Float32Array),
    allocPersistent: (length, ended) => new WasmBuf(length, Float32Array, ended),
    releasePersistent: (buf) => (buf as WasmBuf).release(),
    indices(values) {
      const buf = new WasmBuf(values.length, Int32Array);
      buf.array.set(values);
      return buf;
    },
    view(buf, offset, length) {
      const { heap: h, lifetime } = buf as unknown as WasmBuf;
      return new WasmBuf(length, Float32Array, { heap: h, ptr: at(buf) + offset * 4, lifetime });
    },

    matmul(a, b, c, m, n, kk, transA, transB, accumulate) {
      if (transA && transB) throw new RangeError("matmul: A and B cannot both be transposed");
      const form = transA ? 1 : transB ? 2 : 0;
      if (heap.splitter?.matmul(form, at(a), at(b), at(c), m, n, kk, flag(accumulate))) return;
      const kernel = transA ? matmulTN : transB ? matmulNT : matmulNN;
      kernel(at(a), at(b), at(c), m, n, kk, flag(accumulate));
    },
    // Values [first, last), each computed on its own: split over threads, the same bits. Parts start on whole vectors.
    unary(op, x, y, n) {
      const argsOf = (first: number, last: number) => [op.code, ...[x, y].map((b) => from(b, first)), last - first];
      const flops = (UNARY_FLOPS[op.name] ?? UNARY_FLOPS.sigmoid)[0] * n;
      if (!heap.splitter?.ranges("unary", n, flops, argsOf, 4)) unary(op.code, at(x), at(y), n);
    },
    unaryGrad(op, x, y, dy, dx, n, accumulate) {
      const argsOf = (first: number, last: number) => [
        op.code,
        ...[x, y, dy, dx].map((b) => from(b, first)),
        last - first,
        flag(accumulate),
      ];
      const flops = (UNARY_FLOPS[op.name] ?? UNARY_FLOPS.sigmoid)[1] * n;
      if (!heap.splitter?.ranges("unaryGrad", n, flops, argsOf, 4))
        unaryGrad(op.code, at(x), at(y), at(dy), at(dx), n, flag(accumulate));
    },
    binary: (op, a, aMode, b, bMode, c, rows, cols) =>
      void binary(op.code, at(a), aMode.code, at(b), bMode.code, at(c), rows, cols),
    scaleAdd: (x, alpha, y, n, accumulate) => void scaleAdd(at(x), alpha, at(y), n, flag(accumulate)),
    sumRows: (x, rows, cols, out, accumulate) => void sumRows(at(x), rows, cols, at(out), flag(accumulate)),
    sumCols: (x, rows, cols, out, accumulate) => void sumCols(at(x), rows, cols, at(out), flag(accumulate)),
    sumAll: (x, n) => sumAll(at(x), n),
    gatherRows: (src, cols, index, dst) => void gatherRows(at(src), cols, at(index), index.length, at(dst)),
    fill: (x, n, value) => void fill(at(x), n, value),
    firstNonFinite: (x, n) => firstNonFinite(at(x), n),

    crossEntropy: (logits, labels, weights, rows, kk, probs) =>
      crossEntropy(at(logits), at(labels), at(weights), rows, kk, at(probs)),
    crossEntropyGrad: (probs, labels, weights, rows, kk, scale, dx, accumulate) =>
      void crossEntropyGrad(at(probs), at(labels), at(weights), rows, kk, scale, at(dx), flag(accumulate)),
    pointwiseLoss: (kind, a, b, n, beta) => pointwiseLoss(kind.code, at(a), at(b), n, beta),
    pointwiseLossGrad: (kind, a, b, n, beta, scale, da, accumulateA, db, accumulateB) =>
      void pointwiseLossGrad(
        kind.code,
        at(a),
        at(b),
        n,
        beta,
        scale,
        at(da),
        flag(accumulateA),
        at(db),
        flag(accumulateB),
      ),
    huberEnergy: (z, n, kk, c0, c1) => huberEnergy(at(z), n, kk, c0, c1),
    huberEnergyGrad: (z, n, kk, c1, scale, dz, accumulate) =>
      void huberEnergyGrad(at(z), n, kk, c1, scale, at(dz), flag(accumulate)),

    im2col: (x, g, cols, images) =>
      void im2col(at(x), g.c, g.h, g.w, g.kh, g.kw, g.stride, g.pad, g.oh, g.ow, at(cols), images),
    col2im: (cols, g, dx) => void col2im(at(cols), g.c, g.h, g.w, g.kh, g.kw, g.stride, g.pad, g.oh, g.ow, at(dx)),
    convForward: (x, weight, y, g, o, images) => convBatch("convForward", [at(x), at(weight), at(y)], g, o, images),
    convInputGrad: (weight, dy, dx, g, o, images) =>
      convBatch("convInputGrad", [at(weight), at(dy), at(dx)], g, o, images),
    convWeightGrad: convWeightGradOf,
    upsampleNearest: (x, planes, h, w, s, y) => void upsampleNearest(at(x), planes, h, w, s, at(y)),
    upsampleNearestGrad: (dy, planes, h, w, s, dx, accumulate) =>
      void upsampleNearestGrad(at(dy), planes, h, w, s, at(dx), flag(accumulate)),
    upsampleBilinear: (x, gh, gw, s, height, width, y) => void upsampleBilinear(at(x), gh, gw, s, height, width, at(y)),
    upsampleBilinearGrad: (dy, gh, gw, s, height, width, dx) =>
      void upsampleBilinearGrad(at(dy), gh, gw, s, height, width, at(dx)),
    gatherPadded: (x, size, index, y) => gatherPadded(at(x), size, at(index), index.length, at(y)),
    gatherPaddedGrad: (dy, index, dx) => void gatherPaddedGrad(at(dy), at(index), index.length, at(dx)),
    laplaceRate: (y, mu, logScale, n, dy, ds) =>
      laplaceRate(at(y), at(mu), at(logScale), n, LOG_SCALE_MIN, LOG_SCALE_MAX, MIN_PROBABILITY, at(dy), at(ds)),

    adamStep(w, g, m, v, mask, n, s) {
      // Elements [first, last), each updated on its own: split over threads, the same bits.
      const scalars = [s.lr, s.beta1, s.beta2, s.eps, s.weightDecay, s.biasCorrection1, s.biasCorrection2Sqrt];
      const argsOf = (first: number, last: number) => [
        ...[w, g, m, v, mask].map((b) => from(b, first)),
        last - first,
        ...scalars,
      ];
      // Parts start on whole vectors (16-byte aligned loads), a speed matter only: the lanes and the scalar tail
      // compute alike.
      if (heap.splitter?.ranges("adamStep", n, ADAM_FLOPS * n, argsOf, 4)) return;
      adamStep(at(w), at(g), at(m), at(v), at(mask), n, ...scalars);
    },
    sgdStep: (w, g, buf, mask, n, s) =>
      void sgdStep(
        at(w),
        at(g),
        at(buf),
        at(mask),
        n,
        s.lr,
        s.momentum,
        s.dampening,
        s.weightDecay,
        flag(s.nesterov),
        flag(s.first),
      ),
  };
}
