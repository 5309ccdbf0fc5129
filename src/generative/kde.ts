// A Gaussian kernel density estimate, as scipy's gaussian_kde: the kernel's covariance is the points' covariance
// times a factor² (Scott's or Silverman's rule), so the kernels follow the cloud's correlations — a supervised
// latent space is strongly correlated (its coordinates are class logits; with two classes they nearly sum to a
// constant), and an axis-aligned kernel would spread mass off the cloud. The density is a direct sum over the
// points in whitened coordinates, evaluated in the log domain: far from the points every kernel underflows to 0
// in linear scale, and the sampler compares densities across many orders of magnitude.

/** Scott's rule n^(−1/(d+4)) or Silverman's (n(d+2)/4)^(−1/(d+4)) for the bandwidth factor. */
export type BandwidthRule = "scott" | "silverman";

/** What GaussianKDE does when its options leave the bandwidth out. */
export const KDE_DEFAULTS: Readonly<{ bandwidth: "scott" }> = Object.freeze({ bandwidth: "scott" } as const);

/** Options of `GaussianKDE`: the bandwidth rule or factor. */
export interface KdeOptions {
  /**
   * The kernel's covariance (KDE_DEFAULTS.bandwidth when left out):
   * - 'scott': f² · Σ with f = n^(−1/(d+4)); 'silverman': f = (n·(d+2)/4)^(−1/(d+4)) — scipy's factors,
   *   Σ the points' sample covariance (n − 1);
   * - a number: that factor f times Σ (scipy's scalar bw_method);
   * - an array of d numbers: independent kernels with these standard deviations (for points whose covariance is
   *   singular, such as a class with fewer points than dimensions).
   */
  bandwidth?: BandwidthRule | number | ArrayLike<number>;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** The rule's factor for n points in d dimensions, which multiplies the points' covariance's square root. */
export function bandwidthFactor(rule: BandwidthRule, n: number, d: number): number {
  return rule === "scott" ? n ** (-1 / (d + 4)) : ((n * (d + 2)) / 4) ** (-1 / (d + 4));
}

/** The lower-triangular L (row-major d × d) with L·Lᵀ = a, or the index of the first pivot that is not > 0. */
function cholesky(a: Float64Array, d: number): Float64Array | number {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        // A pivot lost to rounding against the diagonal's scale is a dependent dimension, not a tiny variance.
        if (!(s > 1e-12 * a[i * d + i])) return i;
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  }
  return l;
}

/** The kernel's covariance for the options. */
function kernelCovariance(
  points: Float64Array,
  n: number,
  d: number,
  bandwidth: KdeOptions["bandwidth"] = KDE_DEFAULTS.bandwidth,
): Float64Array {
  const cov = new Float64Array(d * d);
  if (typeof bandwidth === "string" || typeof bandwidth === "number") {
    if (
      bandwidth !== "scott" &&
      bandwidth !== "silverman" &&
      !(typeof bandwidth === "number" && bandwidth > 0 && Number.isFinite(bandwidth))
    ) {
      throw new RangeError(
        "GaussianKDE: options.bandwidth must be 'scott', 'silverman', a factor > 0 or d standard deviations; " +
          `got ${String(bandwidth)}`,
      );
    }
    if (n < 2)
      throw new RangeError(
        "GaussianKDE: a bandwidth from the points' covariance needs at least 2 points; " +
          `got ${n} (pass d standard deviations)`,
      );
    const factor = typeof bandwidth === "number" ? bandwidth : bandwidthFactor(bandwidth, n, d);
    const mean = new Float64Array(d);
    for (let i = 0; i < n * d; i++) mean[i % d] += points[i] / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++)
        for (let k = 0; k <= j; k++) cov[j * d + k] += (points[i * d + j] - mean[j]) * (points[i * d + k] - mean[k]);
    }
    for (let j = 0; j < d; j++)
      for (let k = 0; k <= j; k++) cov[j * d + k] = cov[k * d + j] = (cov[j * d + k] / (n - 1)) * factor * factor;
    return cov;
  }
  const h = Float64Array.from(bandwidth);
  if (h.length !== d) throw new RangeError(`GaussianKDE: options.bandwidth has ${h.length} values for ${d} dimensions`);
  h.forEach((v, j) => {
    if (!(v > 0 && Number.isFinite(v)))
      throw new RangeError(`GaussianKDE: options.bandwidth[${j}] must be a finite number > 0; got ${v}`);
    cov[j * d + j] = v * v;
  });
  return cov;
}

/** The density (1/n) Σ_i N(x; p_i, H) of n points p_i in d dimensions, H the kernel's covariance. */
export class GaussianKDE {
  readonly n: number;
  readonly d: number;
  /** The kernel's covariance H, row-major d × d. */
  readonly covariance: Float64Array;
  /**
   * Its lower-triangular Cholesky factor L (H = L·Lᵀ), row-major d × d: a unit Gaussian step times L has
   * covariance H.
   */
  readonly factor: Float64Array;
  readonly #points: Float64Array;
  /** The points in whitened coordinates L⁻¹·p, where each kernel is a unit Gaussian. */
  readonly #white: Float64Array;
  /** −log det L − (d/2) log 2π: the kernels' normalisation, without the 1/n. */
  readonly #logNorm: number;
  readonly #terms: Float64Array;
  readonly #x: Float64Array;

  /** `points`: row-major n × d. */
  constructor(points: ArrayLike<number>, d: number, options: KdeOptions = {}) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`GaussianKDE: d must be an integer ≥ 1; got ${d}`);
    const p = Float64Array.from(points);
    if (!p.length || p.length % d)
      throw new RangeError(`GaussianKDE: points must hold n ≥ 1 rows of d = ${d} values; got ${p.length} values`);
    if (!p.every(Number.isFinite)) throw new RangeError("GaussianKDE: points must be finite");
    this.n = p.length / d;
    this.d = d;
    this.covariance = kernelCovariance(p, this.n, d, options.bandwidth);
    const l = cholesky(this.covariance, d);
    if (typeof l === "number")
      throw new RangeError(
        `GaussianKDE: the points' covariance is singular (dimension ${l} is constant or a combination of the ` +
          "others); pass d standard deviations as options.bandwidth",
      );
    this.factor = l;
    this.#points = p;
    this.#white = new Float64Array(p.length);
    for (let i = 0; i < this.n; i++) this.#whiten(p, i * d, this.#white.subarray(i * d, (i + 1) * d));
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(l[j * d + j]);
    this.#logNorm = -logDet - (d / 2) * LOG_2PI;
    this.#terms = new Float64Array(this.n);
    this.#x = new Float64Array(d);
  }

  /** out = L⁻¹·x[offset..offset+d), by forward substitution. */
  #whiten(x: ArrayLike<number>, offset: number, out: Float64Array): void {
    const { d, factor: l } = this;
    for (let j = 0; j < d; j++) {
      let s = x[offset + j];
      for (let k = 0; k < j; k++) s -= l[j * d + k] * out[k];
      out[j] = s / l[j * d + j];
    }
  }

  /** log p(x) for the point at x[offset..offset+d); `skip` leaves one of the n points out of the sum. */
  logDensity(x: ArrayLike<number>, offset = 0, skip = -1): number {
    const { n, d } = this;
    const white = this.#white,
      terms = this.#terms,
      xs = this.#x;
    this.#whiten(x, offset, xs);
    let top = -Infinity;
    for (let i = 0; i < n; i++) {
      if (i === skip) continue;
      let q = 0;
      for (let j = 0; j < d; j++) q += (xs[j] - white[i * d + j]) ** 2;
      terms[i] = -0.5 * q;
      if (terms[i] > top) top = terms[i];
    }
    if (top === -Infinity) return -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) if (i !== skip) sum += Math.exp(terms[i] - top);
    return top + Math.log(sum / (skip >= 0 && skip < n ? n - 1 : n)) + this.#logNorm;
  }

  /** The estimated density at the point x[offset .. offset + d). */
  density(x: ArrayLike<number>, offset = 0): number {
    return Math.exp(this.logDensity(x, offset));
  }

  /** log p̂_{−i}(p_i): each point's log density under the other n − 1 points' kernels (needs n ≥ 2). */
  leaveOneOutLogDensities(): Float64Array {
    if (this.n < 2) throw new RangeError("GaussianKDE: leave-one-out densities need at least 2 points");
    return Float64Array.from({ length: this.n }, (_, i) => this.logDensity(this.#points, i * this.d, i));
  }
}
