// The Huber-energy (Radon–Sobolev) distance between a batch of latent points and N(0, I_k), the latent loss of
// the Huber-energy VAE (Turinici, "Radon–Sobolev variational auto-encoders", 2021). docs/huber-energy.md derives
// it; in short, with Y, Y′ ~ N(0, I_k) independent and ξ_k(z) = E‖z − Y‖, the Radon–Sobolev d² up to a
// factor κ_k is
//   E(μ, N) = E_{μ⊗N}‖Z − Y‖ − ½ E_{μ⊗μ}‖Z − Z′‖ − ½ E‖Y − Y′‖
// and ξ_k is replaced by its second-order fit at 0, ξ_k(z) ≈ α_k + √(‖z‖² + c₁), which leaves
//   L(z) = c₀ + (1/n) Σ_i √(‖z_i‖² + c₁) − (1/(2n²)) Σ_i Σ_j ‖z_i − z_j‖.
// Here are the constants, the op (F.huberEnergyLoss) and its fused kernels' TypeScript form; the f32 kernels are
// assembly/energy.ts.
import type { FusedKernels } from "../autograd/backend.ts";
import { empty, formatShape, Tensor } from "../autograd/tensor.ts";

/** The constants of the closed-form Huber-energy latent loss in dimension k (huberEnergyConstants). */
export interface HuberEnergyConstants {
  /** k, the dimension. */
  k: number;
  /** m_k = E‖Y‖ = √2·Γ((k+1)/2)/Γ(k/2), the mean norm of a standard normal vector. */
  meanNorm: number;
  /** α_k = m_k − k/m_k: ξ_k(z) ≈ α_k + √(‖z‖² + c₁). */
  alpha: number;
  /** c₀ = α_k − m_k/√2 (the −½E‖Y − Y′‖ term folded in). */
  c0: number;
  /** c₁ = k²/m_k². */
  c1: number;
}

/** Γ((k+1)/2)/Γ(k/2) by its two-step recurrence from k = 1, 2: exact arithmetic but for rounding, no log-gamma. */
function gammaRatio(k: number): number {
  let r = k % 2 === 1 ? 1 / Math.sqrt(Math.PI) : Math.sqrt(Math.PI) / 2;
  for (let j = 2 - (k % 2); j < k; j += 2) r *= (j + 1) / j;
  return r;
}

/**
 * The constants of the closed-form latent loss in dimension k (docs/huber-energy.md): c₁ and α_k make
 * α_k + √(r² + c₁) agree with ξ_k(r) = E‖z − Y‖ (‖z‖ = r) in value and curvature at r = 0, so the
 * error is O(r⁴).
 */
export function huberEnergyConstants(k: number): HuberEnergyConstants {
  if (!Number.isSafeInteger(k) || k < 1)
    throw new RangeError(`huberEnergyConstants: k must be a positive integer; got ${k}`);
  const meanNorm = Math.SQRT2 * gammaRatio(k);
  const alpha = meanNorm - k / meanNorm;
  return { k, meanNorm, alpha, c0: alpha - meanNorm / Math.SQRT2, c1: (k * k) / (meanNorm * meanNorm) };
}

/**
 * ξ_k(r) = E‖z − Y‖ for ‖z‖ = r and Y ~ N(0, I_k), exactly: ‖z − Y‖ is non-central χ_k, whose mean is
 * the Poisson mixture √2 Σ_j P(j; r²/2)·Γ((k+1)/2 + j)/Γ(k/2 + j). The reference the closed form is measured
 * against.
 */
export function meanDistanceToNormal(r: number, k: number): number {
  const lambda = (r * r) / 2;
  if (!(lambda < 700)) throw new RangeError(`meanDistanceToNormal: r = ${r} is too large for the series (r² < 1400)`);
  let weight = Math.exp(-lambda),
    ratio = gammaRatio(k),
    sum = 0;
  for (let j = 0; j < 10_000; j++) {
    sum += weight * ratio;
    if (j > lambda && weight * ratio < 1e-17 * sum) break;
    weight *= lambda / (j + 1);
    ratio *= (k / 2 + 0.5 + j) / (k / 2 + j);
  }
  return Math.SQRT2 * sum;
}

/**
 * The Huber-energy latent loss of the rows of z [n, k] against N(0, I_k):
 * c₀ + (1/n) Σ_i √(‖z_i‖² + c₁) − (1/(2n²)) Σ_i Σ_j ‖z_i − z_j‖, with c₀, c₁ of
 * huberEnergyConstants(k). One fused kernel each way (assembly/energy.ts); coincident rows get the subgradient 0.
 */
export function huberEnergyLoss(z: Tensor): Tensor {
  if (!(z instanceof Tensor)) throw new TypeError("huberEnergyLoss: z must be a Tensor");
  if (z.shape.length !== 2 || z.shape[1] < 1)
    throw new RangeError(`huberEnergyLoss: z must be [n, k] with k ≥ 1; got ${formatShape(z.shape)}`);
  const [n, k] = z.shape;
  const { c0, c1 } = huberEnergyConstants(k);
  const be = z.backend;
  const out = empty(z, [], "huberEnergyLoss");
  be.fill(out.buf, 1, be.huberEnergy(z.buf, n, k, c0, c1));
  return out.record([z], () => {
    const { buf, accumulate } = z.gradTarget();
    be.huberEnergyGrad(z.buf, n, k, c1, out.grad!.buf.array[0], buf, accumulate);
  });
}

type Floats = Float32Array | Float64Array;

/** ‖z_i − z_j‖² of rows of a k-column matrix; j = −1 is the origin. */
function squaredDistance(z: Floats, i: number, j: number, k: number): number {
  let s = 0;
  for (let c = 0; c < k; c++) {
    const d = z[i * k + c] - (j < 0 ? 0 : z[j * k + c]);
    s += d * d;
  }
  return s;
}

/** The fused kernels in float64: the same sums as assembly/energy.ts (each unordered pair once). */
export const huberEnergyKernels: Pick<FusedKernels, "huberEnergy" | "huberEnergyGrad"> = {
  huberEnergy(z, n, k, c0, c1) {
    if (n === 0) return c0;
    let radial = 0,
      pairwise = 0;
    for (let i = 0; i < n; i++) {
      radial += Math.sqrt(squaredDistance(z.array, i, -1, k) + c1);
      for (let j = i + 1; j < n; j++) pairwise += Math.sqrt(squaredDistance(z.array, i, j, k));
    }
    return c0 + radial / n - pairwise / (n * n);
  },
  huberEnergyGrad(z, n, k, c1, scale, dz, accumulate) {
    const Z = z.array,
      G = dz.array;
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
};
