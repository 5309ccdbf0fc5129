// The kernel vocabulary in plain TypeScript: obviously correct loops, computed in float64 and stored in the
// array's own type. It is the reference the WebAssembly kernels are tested against, and in float64 the backend
// of finite-difference gradient checks. Transcendentals use the host's Math, so its last bits may differ
// between engines: seeded, bit-for-bit training runs use the WebAssembly backend.
import {
  ABSOLUTE, ADD, COLUMN, EXP, FULL, LOG, MUL, RELU, ROW, SILU, SQUARED, SUB, TANH,
  type AdamScalars, type Backend, type BinaryOp, type Buf, type ConvGeometry, type DType, type Mode, type PointwiseLoss, type SgdScalars, type UnaryOp,
} from "./backend.ts";

type Floats = Float32Array | Float64Array;

class ArrayBuf implements Buf {
  constructor(readonly array: Floats) {}
  get length(): number {
    return this.array.length;
  }
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function forward(op: UnaryOp, x: number): number {
  switch (op) {
    case EXP: return Math.exp(x);
    case LOG: return Math.log(x);
    case RELU: return x > 0 ? x : 0;
    case SILU: return x * sigmoid(x);
    case TANH: return Math.tanh(x);
    default: return sigmoid(x);
  }
}

function derivative(op: UnaryOp, x: number, y: number): number {
  switch (op) {
    case EXP: return y;
    case LOG: return 1 / x;
    case RELU: return x > 0 ? 1 : 0;
    case SILU: {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    }
    case TANH: return 1 - y * y;
    default: return y * (1 - y);
  }
}

function combine(op: BinaryOp, a: number, b: number): number {
  return op === ADD ? a + b : op === SUB ? a - b : op === MUL ? a * b : a / b;
}

function offset(mode: Mode, i: number, j: number, cols: number): number {
  return mode === FULL ? i * cols + j : mode === ROW ? j : mode === COLUMN ? i : 0;
}

function pointwise(kind: PointwiseLoss, d: number, beta: number): number {
  if (kind === SQUARED) return d * d;
  if (kind === ABSOLUTE || Math.abs(d) >= beta) return kind === ABSOLUTE ? Math.abs(d) : Math.abs(d) - 0.5 * beta;
  return (0.5 * d * d) / beta;
}

function pointwiseSlope(kind: PointwiseLoss, d: number, beta: number): number {
  if (kind === SQUARED) return 2 * d;
  if (kind === ABSOLUTE || Math.abs(d) >= beta) return Math.sign(d);
  return d / beta;
}

/** ‖z_i − z_j‖² of rows of a k-column matrix; j = −1 is the origin. */
function squaredDistance(z: Floats, i: number, j: number, k: number): number {
  let s = 0;
  for (let c = 0; c < k; c++) {
    const d = z[i * k + c] - (j < 0 ? 0 : z[j * k + c]);
    s += d * d;
  }
  return s;
}

/** Visits every entry of one image's columns matrix: its row (c, i, j), column p = (oy, ox) and source pixel (−1 in the padding). */
function forEachField(g: ConvGeometry, visit: (row: number, p: number, pixel: number) => void): void {
  for (let c = 0; c < g.c; c++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
    const row = (c * g.kh + i) * g.kw + j;
    for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
      const y = oy * g.stride - g.pad + i, x = ox * g.stride - g.pad + j;
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
      const A = a.array, B = b.array, C = c.array;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += A[transA ? p * m + i : i * k + p] * B[transB ? j * k + p : p * n + j];
          C[i * n + j] = accumulate ? C[i * n + j] + s : s;
        }
      }
    },
    unary(op, x, y, n) {
      for (let i = 0; i < n; i++) y.array[i] = forward(op, x.array[i]);
    },
    unaryGrad(op, x, y, dy, dx, n, accumulate) {
      for (let i = 0; i < n; i++) {
        const g = derivative(op, x.array[i], y.array[i]) * dy.array[i];
        dx.array[i] = accumulate ? dx.array[i] + g : g;
      }
    },
    binary(op, a, aMode, b, bMode, c, rows, cols) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          c.array[i * cols + j] = combine(op, a.array[offset(aMode, i, j, cols)], b.array[offset(bMode, i, j, cols)]);
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
      for (let r = 0; r < index.length; r++) dst.array.set(src.array.subarray(index.array[r] * cols, (index.array[r] + 1) * cols), r * cols);
    },
    fill(x, n, value) {
      x.array.fill(value, 0, n);
    },

    crossEntropy(logits, labels, weights, rows, k, probs) {
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const row = logits.array.subarray(i * k, (i + 1) * k);
        let top = -Infinity;
        for (let c = 0; c < k; c++) top = Math.max(top, row[c]);
        let s = 0;
        for (let c = 0; c < k; c++) s += Math.exp(row[c] - top);
        const lse = Math.log(s) + top;
        for (let c = 0; c < k; c++) probs.array[i * k + c] = Math.exp(row[c] - lse);
        const label = labels.array[i];
        total += (weights ? weights.array[label] : 1) * (lse - row[label]);
      }
      return total;
    },
    crossEntropyGrad(probs, labels, weights, rows, k, scale, dx, accumulate) {
      for (let i = 0; i < rows; i++) {
        const label = labels.array[i];
        const factor = scale * (weights ? weights.array[label] : 1);
        for (let c = 0; c < k; c++) {
          const g = factor * (probs.array[i * k + c] - (c === label ? 1 : 0));
          dx.array[i * k + c] = accumulate ? dx.array[i * k + c] + g : g;
        }
      }
    },
    pointwiseLoss(kind, a, b, n, beta) {
      let total = 0;
      for (let i = 0; i < n; i++) total += pointwise(kind, a.array[i] - at(b, i), beta);
      return total;
    },
    pointwiseLossGrad(kind, a, b, n, beta, scale, da, accumulateA, db, accumulateB) {
      for (let i = 0; i < n; i++) {
        const step = scale * pointwiseSlope(kind, a.array[i] - at(b, i), beta);
        if (da) da.array[i] = accumulateA ? da.array[i] + step : step;
        if (db) db.array[i] = accumulateB ? db.array[i] - step : -step;
      }
    },

    // The same sums as assembly/energy.ts (each unordered pair once), in float64 throughout.
    huberEnergy(z, n, k, c0, c1) {
      if (n === 0) return c0;
      let radial = 0, pairwise = 0;
      for (let i = 0; i < n; i++) {
        radial += Math.sqrt(squaredDistance(z.array, i, -1, k) + c1);
        for (let j = i + 1; j < n; j++) pairwise += Math.sqrt(squaredDistance(z.array, i, j, k));
      }
      return c0 + radial / n - pairwise / (n * n);
    },
    huberEnergyGrad(z, n, k, c1, scale, dz, accumulate) {
      const Z = z.array, G = dz.array;
      if (!accumulate) G.fill(0, 0, n * k); // the pairs add into both of their rows
      for (let i = 0; i < n; i++) {
        const u = scale / (n * Math.sqrt(squaredDistance(Z, i, -1, k) + c1));
        for (let c = 0; c < k; c++) G[i * k + c] += u * Z[i * k + c];
        for (let j = i + 1; j < n; j++) {
          const distance = Math.sqrt(squaredDistance(Z, i, j, k));
          if (!(distance > 0)) continue; // coincident points: the subgradient 0, not 0/0
          const v = scale / (n * n * distance);
          for (let c = 0; c < k; c++) {
            const d = v * (Z[i * k + c] - Z[j * k + c]);
            G[i * k + c] -= d;
            G[j * k + c] += d;
          }
        }
      }
    },

    im2col(x, g, cols) {
      forEachField(g, (row, p, pixel) => (cols.array[row * g.oh * g.ow + p] = pixel < 0 ? 0 : x.array[pixel]));
    },
    col2im(cols, g, dx) {
      forEachField(g, (row, p, pixel) => pixel >= 0 && (dx.array[pixel] += cols.array[row * g.oh * g.ow + p]));
    },
    upsampleNearest(x, planes, h, w, s, y) {
      for (let p = 0; p < planes; p++) for (let i = 0; i < h * s; i++) for (let j = 0; j < w * s; j++) y.array[(p * h * s + i) * w * s + j] = x.array[(p * h + Math.floor(i / s)) * w + Math.floor(j / s)];
    },
    upsampleNearestGrad(dy, planes, h, w, s, dx, accumulate) {
      if (!accumulate) dx.array.fill(0, 0, planes * h * w);
      for (let p = 0; p < planes; p++) for (let i = 0; i < h * s; i++) for (let j = 0; j < w * s; j++) dx.array[(p * h + Math.floor(i / s)) * w + Math.floor(j / s)] += dy.array[(p * h * s + i) * w * s + j];
    },

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
