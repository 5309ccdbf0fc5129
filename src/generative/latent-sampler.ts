// The non-parametric generative model of Barlaud & Guyard (ICASSP 2021): the supervised autoencoder's latent
// points of each class are given a kernel density estimate, Metropolis–Hastings walks that density (rejecting
// candidates under a threshold), and the decoder turns the walk's samples into data. No prior is imposed on the
// latent space: each class is generated from the shape its own training points actually have there.
import { Generator } from "../random.ts";
import { GaussianKDE, KDE_DEFAULTS, type KdeOptions } from "./kde.ts";
import { metropolisHastings } from "./metropolis.ts";

/** What the sampler needs of a model: a latent space with one dimension per class and a decoder (SAEModel fits). */
export interface LatentModel {
  readonly classes: ArrayLike<number | string>;
  /** Rows of X → row-major n × latent dimension. */
  encode(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Float64Array;
  /** Row-major latent points → row-major n × features, in the units of X. */
  decode(Z: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Float64Array;
}

/** The defaults of fitLatentSampler's options, written here only (the command line's generate starts from them). */
export const LATENT_SAMPLER_DEFAULTS: Readonly<{
  bandwidth: "scott";
  thresholdQuantile: 0.05;
  proposalScale: 1;
  burnIn: 500;
  thin: 10;
  seed: 0;
}> = Object.freeze({
  ...KDE_DEFAULTS,
  thresholdQuantile: 0.05,
  proposalScale: 1,
  burnIn: 500,
  thin: 10,
  seed: 0,
} as const);

/** The options of fitLatentSampler; those left out take their value from LATENT_SAMPLER_DEFAULTS. */
export interface LatentSamplerOptions extends KdeOptions {
  /**
   * The rejection threshold, as a quantile of the class's own training points' densities (0.05 by default): a
   * candidate less dense than the least dense 5% of the class's points is rejected. Each point's density is its
   * leave-one-out density (the other points' kernels), since its own kernel would inflate it.
   */
  thresholdQuantile?: number;
  /** The random walk's step in units of the kernel: the step's covariance is this² × the kernel's covariance. */
  proposalScale?: number;
  /** Steps discarded before the first sample. */
  burnIn?: number;
  /** Steps between two samples, which thins their autocorrelation. */
  thin?: number;
  /** Seeds every class's chain. */
  seed?: number;
}

/** Samples of one class: latent points, the decoded rows, and the chain's acceptance rate. */
export interface LatentSample {
  /** Row-major count × latent dimension. */
  latent: Float64Array;
  /** The decoder's output for the latent samples, row-major count × features, in the units of X. */
  data: Float64Array;
  /** The share of the chain's steps (burn-in included) whose candidate was accepted. */
  acceptanceRate: number;
  /** The share of steps whose candidate fell under the density threshold. */
  thresholdRejectionRate: number;
}

/** One class's kernel density in the latent space and the density threshold of its chain. */
export interface ClassDensity {
  /** The class's training points in the latent space. */
  points: number;
  /** The kernel's covariance, row-major latent dimension². */
  covariance: Float64Array;
  /** The log-density threshold under which candidates are rejected. */
  logThreshold: number;
}

/** Per-class densities in a model's latent space, ready to sample (from `fitLatentSampler`). */
export interface LatentSampler {
  readonly classes: Array<number | string>;
  readonly latentDimension: number;
  /** Per class (in `classes` order): its density estimate's size, kernel covariance and threshold. */
  readonly densities: ClassDensity[];
  /** The class's log density at latent points (row-major n × latent dimension). */
  logDensity(classIndex: number, latent: ArrayLike<number>): Float64Array;
  /**
   * `count` samples of class `classes[classIndex]`. The chain depends only on the seed and the class, so a call
   * repeats exactly, and a longer call extends a shorter one (the same first samples).
   */
  sample(classIndex: number, count: number): LatentSample;
}

/** Linear interpolation between order statistics (numpy's default quantile). */
function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  return below + 1 < sorted.length ? sorted[below] + (at - below) * (sorted[below + 1] - sorted[below]) : sorted[below];
}

/**
 * Fits one density per class to the latent points of X (the rows the model was trained on, normally) grouped by
 * their labels y (values of model.classes), ready to sample. See LatentSamplerOptions for the defaults.
 */
export function fitLatentSampler(
  model: LatentModel,
  X: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  y: ArrayLike<number | string>,
  options: LatentSamplerOptions = {},
): LatentSampler {
  const defaults = LATENT_SAMPLER_DEFAULTS;
  const {
    bandwidth,
    thresholdQuantile = defaults.thresholdQuantile,
    proposalScale = defaults.proposalScale,
    burnIn = defaults.burnIn,
    thin = defaults.thin,
    seed = defaults.seed,
  } = options;
  if (!(thresholdQuantile >= 0 && thresholdQuantile < 1))
    throw new RangeError(`fitLatentSampler: options.thresholdQuantile must be in [0, 1); got ${thresholdQuantile}`);
  if (!(proposalScale > 0 && Number.isFinite(proposalScale)))
    throw new RangeError(`fitLatentSampler: options.proposalScale must be a finite number > 0; got ${proposalScale}`);
  if (!Number.isInteger(seed)) throw new TypeError(`fitLatentSampler: options.seed must be an integer; got ${seed}`);
  const classes = Array.from(model.classes);
  const k = classes.length;
  const latent = model.encode(X);
  const n = latent.length / k;
  if (y.length !== n) throw new RangeError(`fitLatentSampler: X has ${n} rows but y has ${y.length} labels`);
  const index = new Map<number | string, number>(classes.map((c, i) => [c, i]));
  const rows: number[][] = classes.map(() => []);
  for (let i = 0; i < n; i++) {
    const c = index.get(y[i]);
    if (c === undefined)
      throw new RangeError(
        `fitLatentSampler: y[${i}] = ${String(y[i])} is not one of the model's classes (${classes.join(", ")})`,
      );
    rows[c].push(i);
  }
  const fitted = rows.map((members, c) => {
    if (members.length < 2)
      throw new RangeError(
        `fitLatentSampler: class ${String(classes[c])} has ${members.length} point(s); a density needs at least 2`,
      );
    const points = new Float64Array(members.length * k);
    members.forEach((row, r) => points.set(latent.subarray(row * k, (row + 1) * k), r * k));
    const kde = new GaussianKDE(points, k, { bandwidth });
    const own = kde.leaveOneOutLogDensities();
    const logThreshold = quantile(own, thresholdQuantile);
    // Chains start on a training point that is itself above the threshold (its full density is at least its
    // leave-one-out one), so the first state is a legal one.
    const starts = members.map((_, r) => r).filter((r) => own[r] >= logThreshold);
    return { kde, points, logThreshold, starts };
  });
  const checkClass = (classIndex: number) => {
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= k)
      throw new RangeError(`LatentSampler: classIndex must be an integer in 0..${k - 1}; got ${classIndex}`);
    return fitted[classIndex];
  };
  return {
    classes,
    latentDimension: k,
    densities: fitted.map(({ kde, logThreshold }) => ({
      points: kde.n,
      covariance: Float64Array.from(kde.covariance),
      logThreshold,
    })),
    logDensity(classIndex, points) {
      const { kde } = checkClass(classIndex);
      return Float64Array.from({ length: points.length / k }, (_, i) => kde.logDensity(points, i * k));
    },
    sample(classIndex, count) {
      const { kde, points, logThreshold, starts } = checkClass(classIndex);
      // One stream per (seed, class): a class's samples do not depend on which classes were drawn before.
      const generator = new Generator(Math.imul(seed, 0x01000193) ^ Math.imul(classIndex + 1, 0x9e3779b9));
      const first = starts[generator.int(starts.length)];
      const chain = metropolisHastings((x) => kde.logDensity(x), {
        start: points.subarray(first * k, (first + 1) * k),
        step: kde.factor.map((v) => proposalScale * v),
        logThreshold,
        samples: count,
        burnIn,
        thin,
        generator,
      });
      return {
        latent: chain.samples,
        data: count ? model.decode(chain.samples) : new Float64Array(0),
        acceptanceRate: chain.accepted / chain.steps,
        thresholdRejectionRate: chain.belowThreshold / chain.steps,
      };
    },
  };
}
