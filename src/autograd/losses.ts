// Loss functions with PyTorch's definitions and reductions: cross-entropy from logits, SmoothL1 / Huber, MSE,
// and the ℓ1 norm. Each is one primitive with a fused kernel, since the composites would lose precision
// (log of a softmax) or make four passes where one does. The kernels' TypeScript forms are here, beside the
// ops (ts-backend.ts runs them); the f32 forms are assembly/losses.ts.
import type { Buf, FusedKernels, Indices, PointwiseLoss } from "./backend.ts";
import { empty, formatShape, Tensor } from "./tensor.ts";

/** How a loss reduces its per-element (or per-row) values to a scalar: their mean, or their sum. */
export type Reduction = "mean" | "sum";

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== "mean" && reduction !== "sum")
    throw new TypeError(`${op}: reduction must be 'mean' or 'sum'; got ${String(reduction)}`);
  return reduction;
}

function checkTensors(op: string, pairs: Array<[string, unknown]>): void {
  for (const [name, value] of pairs)
    if (!(value instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor`);
}

/** crossEntropy's options; reduction defaults to 'mean'. */
export interface CrossEntropyOptions {
  /** A weight per class (PyTorch's `weight`); with 'mean' the sum is divided by Σ weight[label]. */
  weight?: ArrayLike<number>;
  reduction?: Reduction;
}

/**
 * Cross-entropy of logits [N, K] against integer labels in 0..K−1 (PyTorch's F.cross_entropy): the mean over
 * rows by default, computed as a log-sum-exp with the row maximum subtracted.
 */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number>, options: CrossEntropyOptions = {}): Tensor {
  checkTensors("crossEntropy", [["logits", logits]]);
  const reduction = checkReduction("crossEntropy", options.reduction ?? "mean");
  if (logits.shape.length !== 2)
    throw new RangeError(`crossEntropy: logits must be [N, K]; got ${formatShape(logits.shape)}`);
  const [rows, k] = logits.shape;
  if (labels?.length !== rows)
    throw new RangeError(`crossEntropy: ${labels?.length} labels for ${rows} rows of logits`);
  for (let i = 0; i < rows; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= k)
      throw new RangeError(`crossEntropy: labels[${i}] = ${labels[i]} is not a class in 0..${k - 1}`);
  }
  const be = logits.backend;
  let weights: Buf | null = null;
  let denominator = reduction === "mean" ? rows : 1;
  if (options.weight !== undefined) {
    const w = options.weight;
    if (w.length !== k) throw new RangeError(`crossEntropy: weight has ${w.length} entries for ${k} classes`);
    for (let c = 0; c < k; c++)
      if (!(w[c] >= 0 && Number.isFinite(w[c])))
        throw new RangeError(`crossEntropy: weight[${c}] = ${w[c]} must be finite and ≥ 0`);
    weights = be.alloc(k);
    weights.array.set(w);
    if (reduction === "mean") {
      denominator = 0;
      for (let i = 0; i < rows; i++) denominator += w[labels[i]];
    }
  }
  const staged = be.indices(labels);
  const probs = be.alloc(rows * k);
  const out = empty(logits, [], "crossEntropy");
  be.fill(out.buf, 1, be.crossEntropy(logits.buf, staged, weights, rows, k, probs) / denominator);
  return out.record([logits], () => {
    const { buf, accumulate } = logits.gradTarget();
    be.crossEntropyGrad(probs, staged, weights, rows, k, out.grad!.buf.array[0] / denominator, buf, accumulate);
  });
}

const classWeight = (weights: Buf | null, label: number) => (weights ? weights.array[label] : 1);

/** Cross-entropy's fused kernels in float64: the log-sum-exp with the row maximum subtracted, then the softmax. */
export const crossEntropyKernels: Pick<FusedKernels, "crossEntropy" | "crossEntropyGrad"> = {
  crossEntropy(logits: Buf, labels: Indices, weights: Buf | null, rows: number, k: number, probs: Buf): number {
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
      total += classWeight(weights, label) * (lse - row[label]);
    }
    return total;
  },
  // dx_ic (+)= scale·w[y_i]·(p_ic − [c = y_i]).
  crossEntropyGrad(probs, labels, weights, rows, k, scale, dx, accumulate) {
    for (let i = 0; i < rows; i++) {
      const label = labels.array[i];
      const factor = scale * classWeight(weights, label);
      for (let c = 0; c < k; c++) {
        const g = factor * (probs.array[i * k + c] - (c === label ? 1 : 0));
        dx.array[i * k + c] = accumulate ? dx.array[i * k + c] + g : g;
      }
    }
  },
};

// ───── the pointwise losses: one table of them ─────
// ℓ and ℓ′ in float64 for the TypeScript backend; the code is what assembly/losses.ts is told (its f32 forms
// read the codes from assembly/op-codes.generated.ts, written from POINTWISE_LOSSES).

/** ½d²/β where |d| < β, else |d| − ½β (β = 0: |d|). */
export const SMOOTH_L1: PointwiseLoss = {
  code: 0,
  name: "smoothL1",
  value: (d, beta) => (Math.abs(d) >= beta ? Math.abs(d) - 0.5 * beta : (0.5 * d * d) / beta),
  slope: (d, beta) => (Math.abs(d) >= beta ? Math.sign(d) : d / beta),
};
export const SQUARED: PointwiseLoss = { code: 1, name: "squared", value: (d) => d * d, slope: (d) => 2 * d };
export const ABSOLUTE: PointwiseLoss = {
  code: 2,
  name: "absolute",
  value: (d) => Math.abs(d),
  slope: (d) => Math.sign(d),
};
export const POINTWISE_LOSSES: readonly PointwiseLoss[] = [SMOOTH_L1, SQUARED, ABSOLUTE];

function pointwiseLoss(
  op: string,
  kind: PointwiseLoss,
  input: Tensor,
  target: Tensor | null,
  beta: number,
  factor: number,
  reduction: Reduction,
): Tensor {
  if (target) {
    if (input.shape.join() !== target.shape.join())
      throw new RangeError(
        `${op}: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in shape`,
      );
    if (input.backend !== target.backend)
      throw new TypeError(`${op}: input is ${input.dtype} but target is ${target.dtype}`);
  }
  const be = input.backend;
  const n = input.size;
  const scale = factor / (reduction === "mean" ? n : 1);
  const out = empty(input, [], op);
  be.fill(out.buf, 1, be.pointwiseLoss(kind, input.buf, target?.buf ?? null, n, beta) * scale);
  return out.record(target ? [input, target] : [input], () => {
    const step = out.grad!.buf.array[0] * scale;
    const da = input.requiresGrad ? input.gradTarget() : null;
    const db = target?.requiresGrad ? target.gradTarget() : null;
    be.pointwiseLossGrad(
      kind,
      input.buf,
      target?.buf ?? null,
      n,
      beta,
      step,
      da?.buf ?? null,
      da?.accumulate ?? false,
      db?.buf ?? null,
      db?.accumulate ?? false,
    );
  });
}

function checkNonNegative(op: string, name: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`${op}: ${name} must be a finite number ≥ 0; got ${value}`);
  return value;
}

/** smoothL1Loss's options; reduction defaults to 'mean'. */
export interface SmoothL1Options {
  /** Where the loss turns from quadratic to linear (PyTorch's default 1; 0 gives the ℓ1 loss). */
  beta?: number;
  reduction?: Reduction;
}

/** PyTorch's SmoothL1Loss: ½d²/β where |d| < β, else |d| − ½β, with d = input − target. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  checkTensors("smoothL1Loss", [
    ["input", input],
    ["target", target],
  ]);
  const beta = checkNonNegative("smoothL1Loss", "beta", options.beta ?? 1);
  return pointwiseLoss(
    "smoothL1Loss",
    SMOOTH_L1,
    input,
    target,
    beta,
    1,
    checkReduction("smoothL1Loss", options.reduction ?? "mean"),
  );
}

/** huberLoss's options; reduction defaults to 'mean'. */
export interface HuberOptions {
  /** PyTorch's `delta` (default 1). */
  delta?: number;
  reduction?: Reduction;
}

/** PyTorch's HuberLoss: ½d² where |d| < δ, else δ(|d| − ½δ); equal to δ · SmoothL1 with β = δ. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  checkTensors("huberLoss", [
    ["input", input],
    ["target", target],
  ]);
  const delta = checkNonNegative("huberLoss", "delta", options.delta ?? 1);
  return pointwiseLoss(
    "huberLoss",
    SMOOTH_L1,
    input,
    target,
    delta,
    delta,
    checkReduction("huberLoss", options.reduction ?? "mean"),
  );
}

/** PyTorch's MSELoss: the mean (or sum) of (input − target)². */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkTensors("mseLoss", [
    ["input", input],
    ["target", target],
  ]);
  return pointwiseLoss("mseLoss", SQUARED, input, target, 0, 1, checkReduction("mseLoss", options.reduction ?? "mean"));
}

/** ‖x‖₁ = Σ|x_i| (the gradient at 0 is 0, as PyTorch's sign). */
export function l1Norm(x: Tensor): Tensor {
  checkTensors("l1Norm", [["x", x]]);
  return pointwiseLoss("l1Norm", ABSOLUTE, x, null, 0, 1, "sum");
}
