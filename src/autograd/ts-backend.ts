// The kernel vocabulary in plain TypeScript: obviously correct loops, computed in float64 and stored in the
// array's own type. It is the reference the WebAssembly kernels are tested against, and in float64 the backend
// of finite-difference gradient checks. Transcendentals use the host's Math, so its last bits may differ
// between engines: seeded, bit-for-bit training runs use the WebAssembly backend.
// The fused kernels' loops are beside their ops (losses.ts, conv.ts, generative/huber-energy.ts, coolchic/), but for
// the optimizer steps, whose ops are in src/optim.
import type { AdamScalars, Backend, Buf, ConvGeometry, DType, SgdScalars } from "./backend.ts";
import { huberEnergyKernels } from "../generative/huber-energy.ts";
import { convKernels, upsampleKernels } from "./conv.ts";
import { crossEntropyKernels } from "./losses.ts";
import { laplaceKernels } from "../coolchic/laplace.ts";
import { pyramidKernels } from "../coolchic/pyramid.ts";

class ArrayBuf implements Buf {
  constructor(readonly array: Float32Array | Float64Array) {}
  get length(): number {
    return this.array.length;
  }
}

/**
 * Visits every entry of one image's columns matrix: its row (c, i, j), column p = (oy, ox) and source pixel (−1 in
 * the padding).
 */
function forEachField(g: ConvGeometry, visit: (row: number, p: number, pixel: number) => void): void {
  for (let c = 0; c < g.c; c++)
    for (let i = 0; i < g.kh; i++)
      for (let j = 0; j < g.kw; j++) {
        const row = (c * g.kh + i) * g.kw + j;
        for (let oy = 0; oy < g.oh; oy++)
          for (let ox = 0; ox < g.ow; ox++) {
            const y = oy * g.stride - g.pad + i,
              x = ox * g.stride - g.pad + j;
            visit(row, oy * g.ow + ox, y >= 0 && y < g.h && x >= 0 && x < g.w ? (c * g.h + y) * g.w + x : -1);
          }
      }
}

export function typescriptBackend(dtype: DType): Backend {
  const Ctor = dtype === "float32" ? Float32Array : Float64Array;
  const at = (b: Buf | null, i: number) => (b ? b.array[i] : 0);
  return {
    name: `typescript-${dtype}`,
    dtype,
    alloc: (length) => new ArrayBuf(new Ctor(length)),
    allocPersistent: (length) => new ArrayBuf(new Ctor(length)),
    releasePersistent: () => {},
    indices: (values) => ({ length: values.length, array: Int32Array.from(values) }),
    view: (buf, offset, length) => new ArrayBuf(buf.array.subarray(offset, offset + length)),

    matmul(a, b, c, m, n, k, transA, transB, accumulate) {
      const A = a.array,
        B = b.array,
        C = c.array;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += A[transA ? p * m + i : i * k + p] * B[transB ? j * k + p : p * n + j];
          C[i * n + j] = accumulate ? C[i * n + j] + s : s;
        }
      }
    },
    unary(op, x, y, n) {
      for (let i = 0; i < n; i++) y.array[i] = op.forward(x.array[i]);
    },
    unaryGrad(op, x, y, dy, dx, n, accumulate) {
      for (let i = 0; i < n; i++) {
        const g = op.derivative(x.array[i], y.array[i]) * dy.array[i];
        dx.array[i] = accumulate ? dx.array[i] + g : g;
      }
    },
    binary(op, a, aMode, b, bMode, c, rows, cols) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          c.array[i * cols + j] = op.apply(a.array[aMode.index(i, j, cols)], b.array[bMode.index(i, j, cols)]);
        }
      }
    },
    scaleAdd(x, alpha, y, n, accumulate) {
      for (let i = 0; i < n; i++) y.array[i] = x.array[i] * alpha + (accumulate ? y.array[i] : 0);
    },
    sumRows(x, rows, cols, out, accumulate) {
      for (let j = 0; j < cols; j++) {
        let s = accumulate ? out.array[j] : 0;
        for (let i = 0; i < rows; i++) s += x.array[i * cols + j];
        out.array[j] = s;
      }
    },
    sumCols(x, rows, cols, out, accumulate) {
      for (let i = 0; i < rows; i++) {
        let s = accumulate ? out.array[i] : 0;
        for (let j = 0; j < cols; j++) s += x.array[i * cols + j];
        out.array[i] = s;
      }
    },
    sumAll(x, n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x.array[i];
      return s;
    },
    gatherRows(src, cols, index, dst) {
      for (let r = 0; r < index.length; r++)
        dst.array.set(src.array.subarray(index.array[r] * cols, (index.array[r] + 1) * cols), r * cols);
    },
    fill(x, n, value) {
      x.array.fill(value, 0, n);
    },
    firstNonFinite(x, n) {
      const a = x.array;
      for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) return i;
      return -1;
    },

    ...crossEntropyKernels,
    pointwiseLoss(kind, a, b, n, beta) {
      let total = 0;
      for (let i = 0; i < n; i++) total += kind.value(a.array[i] - at(b, i), beta);
      return total;
    },
    pointwiseLossGrad(kind, a, b, n, beta, scale, da, accumulateA, db, accumulateB) {
      for (let i = 0; i < n; i++) {
        const step = scale * kind.slope(a.array[i] - at(b, i), beta);
        if (da) da.array[i] = accumulateA ? da.array[i] + step : step;
        if (db) db.array[i] = accumulateB ? db.array[i] - step : -step;
      }
    },

    ...huberEnergyKernels,
    ...pyramidKernels,
    ...laplaceKernels,

    im2col(x, g, cols, images) {
      const [size, fields] = [g.c * g.h * g.w, g.c * g.kh * g.kw * g.oh * g.ow];
      for (let i = 0; i < images; i++)
        forEachField(g, (row, p, pixel) => {
          cols.array[i * fields + row * g.oh * g.ow + p] = pixel < 0 ? 0 : x.array[i * size + pixel];
        });
    },
    col2im(cols, g, dx) {
      forEachField(g, (row, p, pixel) => pixel >= 0 && (dx.array[pixel] += cols.array[row * g.oh * g.ow + p]));
    },
    ...convKernels,
    ...upsampleKernels,

    adamStep(w, g, m, v, mask, n, s: AdamScalars) {
      for (let i = 0; i < n; i++) {
        const keep = mask ? mask.array[i] : 1;
        const gi = g.array[i] * keep + w.array[i] * s.weightDecay;
        m.array[i] = m.array[i] * s.beta1 + gi * (1 - s.beta1);
        v.array[i] = v.array[i] * s.beta2 + gi * gi * (1 - s.beta2);
        const denom = Math.sqrt(v.array[i]) / s.biasCorrection2Sqrt + s.eps;
        w.array[i] = (w.array[i] - (s.lr / s.biasCorrection1) * (m.array[i] / denom)) * keep;
      }
    },
    sgdStep(w, g, buf, mask, n, s: SgdScalars) {
      for (let i = 0; i < n; i++) {
        const keep = mask ? mask.array[i] : 1;
        let d = g.array[i] * keep + w.array[i] * s.weightDecay;
        if (buf) {
          buf.array[i] = s.first ? d : buf.array[i] * s.momentum + d * (1 - s.dampening);
          d = s.nesterov ? d + buf.array[i] * s.momentum : buf.array[i];
        }
        w.array[i] = (w.array[i] - d * s.lr) * keep;
      }
    },
  };
}
