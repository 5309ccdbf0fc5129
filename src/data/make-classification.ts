// scikit-learn's make_classification, ported draw for draw onto numpy's legacy RandomState so that a seed
// gives scikit-learn's dataset.
import { RandomState } from "./mt19937.ts";

/** scikit-learn's `make_classification` parameters, camelCased, with its defaults. */
export interface MakeClassificationOptions {
  /** Number of samples (rows). Default 100. */
  nSamples?: number;
  /** Total number of features: informative, redundant, repeated, and the rest pure noise. Default 20. */
  nFeatures?: number;
  /**
   * Features that carry the class structure: clusters sit on the vertices of a hypercube in this subspace. Default 2.
   */
  nInformative?: number;
  /** Random linear combinations of the informative features. Default 2. */
  nRedundant?: number;
  /** Copies of informative or redundant features, drawn with replacement. Default 0. */
  nRepeated?: number;
  /** Number of classes. Default 2. */
  nClasses?: number;
  /** Gaussian clusters per class. Default 2. */
  nClustersPerClass?: number;
  /**
   * Share of samples in each class, of length nClasses, or nClasses − 1 with the last share 1 − Σ weights.
   * Default null: balanced. Shares that sum past 1 give later clusters fewer samples than asked, as in scikit-learn.
   */
  weights?: ArrayLike<number> | null;
  /** Fraction of samples whose label is redrawn at random (possibly to the same class). Default 0.01. */
  flipY?: number;
  /** Half the side of the hypercube: larger separates the classes more. Default 1. */
  classSep?: number;
  /** true: clusters on hypercube vertices; false: on the vertices of a random polytope. Default true. */
  hypercube?: boolean;
  /**
   * Added to every feature: one number, one per feature, or null for random shifts in [−classSep, classSep].
   * Default 0.
   */
  shift?: number | ArrayLike<number> | null;
  /**
   * Multiplies every feature after the shift: one number, one per feature, or null for random scales in
   * [1, 101]. Default 1.
   */
  scale?: number | ArrayLike<number> | null;
  /** Shuffle the samples and the features. Default true. */
  shuffle?: boolean;
  /**
   * Seed of numpy's RandomState, an integer in [0, 2³² − 1]. Default: drawn from Math.random, so not reproducible.
   */
  randomState?: number;
}

/** A synthetic classification set: row-major X and labels y, with its size. */
export interface Classification {
  /** nSamples × nFeatures, row-major. */
  X: Float64Array;
  /** Class labels in [0, nClasses). */
  y: Int32Array;
  nSamples: number;
  nFeatures: number;
}

/**
 * A random n-class classification problem: Gaussian clusters (std 1, randomly correlated) about the vertices of
 * a hypercube in the informative subspace, an equal number of clusters per class, plus redundant, repeated and
 * noise features, label noise, shift, scale and shuffling.
 *
 * A port of scikit-learn's `sklearn.datasets.make_classification` (BSD-3-Clause; scikit-learn 1.2,
 * https://scikit-learn.org/stable/modules/generated/sklearn.datasets.make_classification.html; the algorithm is
 * I. Guyon's, from "Design of experiments for the NIPS 2003 variable selection benchmark"). It draws from numpy's
 * legacy RandomState in scikit-learn's order, so for the same `randomState` y equals scikit-learn's exactly and X
 * agrees to 1e-12 relative (about 1e-13 seen; most entries bit for bit): numpy multiplies the informative block by
 * the clusters' and the redundant features' random matrices with BLAS, whose summation order is its own; every
 * other step is the same IEEE arithmetic. Without `randomState` the seed is drawn from Math.random, so the
 * dataset differs from call to call.
 *
 * Before shuffling the columns are: informative, redundant, repeated, noise.
 */
export function makeClassification(options: MakeClassificationOptions = {}): Classification {
  const {
    nSamples = 100,
    nFeatures = 20,
    nInformative = 2,
    nRedundant = 2,
    nRepeated = 0,
    nClasses = 2,
    nClustersPerClass = 2,
    weights = null,
    flipY = 0.01,
    classSep = 1.0,
    hypercube = true,
    shift = 0.0,
    scale = 1.0,
    shuffle = true,
    randomState = Math.floor(Math.random() * 2 ** 32),
  } = options;
  integer("nSamples", nSamples, 1);
  integer("nFeatures", nFeatures, 1);
  integer("nInformative", nInformative, 1);
  integer("nRedundant", nRedundant, 0);
  integer("nRepeated", nRepeated, 0);
  integer("nClasses", nClasses, 1);
  integer("nClustersPerClass", nClustersPerClass, 1);
  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw new RangeError(
      "nInformative + nRedundant + nRepeated must be ≤ nFeatures; " +
        `got ${nInformative} + ${nRedundant} + ${nRepeated} > ${nFeatures}`,
    );
  }
  const nClusters = nClasses * nClustersPerClass;
  if (nClusters > 2 ** nInformative) {
    throw new RangeError(
      "nClasses × nClustersPerClass must be ≤ 2^nInformative; " +
        `got ${nClasses} × ${nClustersPerClass} > 2^${nInformative}`,
    );
  }
  const classWeights = resolveWeights(weights, nClasses);
  real("flipY", flipY);
  if (!(flipY >= 0 && flipY <= 1)) throw new RangeError(`flipY must be in [0, 1]; got ${flipY}`);
  real("classSep", classSep);
  if (!(classSep > 0)) throw new RangeError(`classSep must be > 0; got ${classSep}`);
  boolean("hypercube", hypercube);
  boolean("shuffle", shuffle);
  const shifts = perFeature("shift", shift, nFeatures);
  const scales = perFeature("scale", scale, nFeatures);
  if (typeof scale === "number" && !(scale > 0)) throw new RangeError(`scale must be > 0; got ${scale}`);
  integer("randomState", randomState, 0);
  if (randomState > 0xffffffff) throw new RangeError(`randomState must be ≤ 2^32 − 1; got ${randomState}`);
  const rng = new RandomState(randomState);

  const nUseless = nFeatures - nInformative - nRedundant - nRepeated;
  // Python's int() truncation of float products, then the remainder dealt out one per cluster.
  const perCluster = Array.from({ length: nClusters }, (_, k) =>
    Math.trunc((nSamples * classWeights[k % nClasses]) / nClustersPerClass),
  );
  const assigned = perCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < nSamples - assigned; i++) perCluster[i % nClusters]++;

  const X = new Float64Array(nSamples * nFeatures);
  const y = new Int32Array(nSamples);

  const vertices = hypercubeVertices(nClusters, nInformative, rng);
  const centroids = new Float64Array(nClusters * nInformative);
  for (let i = 0; i < centroids.length; i++) centroids[i] = vertices[i] * (2 * classSep) - classSep;
  if (!hypercube) {
    for (let k = 0; k < nClusters; k++) {
      const u = rng.uniform();
      for (let j = 0; j < nInformative; j++) centroids[k * nInformative + j] *= u;
    }
    for (let j = 0; j < nInformative; j++) {
      const u = rng.uniform();
      for (let k = 0; k < nClusters; k++) centroids[k * nInformative + j] *= u;
    }
  }

  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nInformative; j++) X[i * nFeatures + j] = rng.standardNormal();
  }

  // Each cluster: correlate its informative block by a random matrix, then move it onto its vertex.
  // Clusters past nSamples (weights summing above 1) still draw their matrix, as numpy slices them empty.
  const row = new Float64Array(nInformative);
  let stop = 0;
  for (let k = 0; k < nClusters; k++) {
    const start = Math.min(stop, nSamples);
    stop += perCluster[k];
    const end = Math.min(stop, nSamples);
    const A = uniformMatrix(rng, nInformative, nInformative);
    for (let i = start; i < end; i++) {
      y[i] = k % nClasses;
      multiplyRow(X, i * nFeatures, A, nInformative, nInformative, row);
      for (let c = 0; c < nInformative; c++) X[i * nFeatures + c] = row[c] + centroids[k * nInformative + c];
    }
  }

  if (nRedundant > 0) {
    const Bm = uniformMatrix(rng, nInformative, nRedundant);
    const out = new Float64Array(nRedundant);
    for (let i = 0; i < nSamples; i++) {
      multiplyRow(X, i * nFeatures, Bm, nInformative, nRedundant, out);
      X.set(out, i * nFeatures + nInformative);
    }
  }

  if (nRepeated > 0) {
    const n = nInformative + nRedundant;
    const sources = Array.from({ length: nRepeated }, () => Math.trunc((n - 1) * rng.uniform() + 0.5));
    for (let i = 0; i < nSamples; i++) {
      for (let r = 0; r < nRepeated; r++) X[i * nFeatures + n + r] = X[i * nFeatures + sources[r]];
    }
  }

  if (nUseless > 0) {
    for (let i = 0; i < nSamples; i++) {
      for (let j = nFeatures - nUseless; j < nFeatures; j++) X[i * nFeatures + j] = rng.standardNormal();
    }
  }

  // scikit-learn draws the whole mask first, then the new labels in sample order.
  const flipped: number[] = [];
  for (let i = 0; i < nSamples; i++) if (rng.uniform() < flipY) flipped.push(i);
  for (const i of flipped) y[i] = rng.randint(nClasses);

  const shiftBy = shifts ?? Float64Array.from({ length: nFeatures }, () => (2 * rng.uniform() - 1) * classSep);
  for (let i = 0; i < X.length; i++) X[i] += shiftBy[i % nFeatures];
  const scaleBy = scales ?? Float64Array.from({ length: nFeatures }, () => 1 + 100 * rng.uniform());
  for (let i = 0; i < X.length; i++) X[i] *= scaleBy[i % nFeatures];

  if (!shuffle) return { X, y, nSamples, nFeatures };
  const rows = rng.permutation(nSamples);
  const columns = rng.permutation(nFeatures);
  const shuffledX = new Float64Array(X.length);
  const shuffledY = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const from = rows[i];
    shuffledY[i] = y[from];
    for (let j = 0; j < nFeatures; j++) shuffledX[i * nFeatures + j] = X[from * nFeatures + columns[j]];
  }
  return { X: shuffledX, y: shuffledY, nSamples, nFeatures };
}

/**
 * `_generate_hypercube`: `samples` distinct vertices of the unit cube in `dimensions` dimensions, row-major 0/1.
 * Vertices are the bits of integers sampled without replacement from [0, 2^dimensions); past 30 dimensions the
 * leading ones are independent random bits (and the vertices may then repeat).
 */
function hypercubeVertices(samples: number, dimensions: number, rng: RandomState): Uint8Array {
  const out = new Uint8Array(samples * dimensions);
  const extra = Math.max(0, dimensions - 30);
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < extra; j++) out[i * dimensions + j] = rng.randint(2);
  }
  const bits = dimensions - extra;
  const codes = sampleWithoutReplacement(2 ** bits, samples, rng);
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < bits; j++) out[i * dimensions + extra + j] = (codes[i] >>> (bits - 1 - j)) & 1;
  }
  return out;
}

/** scikit-learn's `sample_without_replacement` with method "auto": which method depends on the ratio drawn. */
function sampleWithoutReplacement(population: number, count: number, rng: RandomState): ArrayLike<number> {
  const ratio = count / population;
  if (ratio > 0.01 && ratio < 0.99) return rng.permutation(population).subarray(0, count);
  const out = new Float64Array(count);
  if (ratio < 0.2) {
    // Tracking selection: redraw on collision.
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) {
      let j = rng.randint(population);
      while (seen.has(j)) j = rng.randint(population);
      seen.add(j);
      out[i] = j;
    }
  } else {
    // Reservoir sampling.
    for (let i = 0; i < count; i++) out[i] = i;
    for (let i = count; i < population; i++) {
      const j = rng.randint(0, i + 1);
      if (j < count) out[j] = i;
    }
  }
  return out;
}

/** `2 * uniform(size=(rows, columns)) - 1`, row-major. */
function uniformMatrix(rng: RandomState, rows: number, columns: number): Float64Array {
  return Float64Array.from({ length: rows * columns }, () => 2 * rng.uniform() - 1);
}

/** out = X[row, :inner] · M for the inner × columns matrix M. */
function multiplyRow(
  X: Float64Array,
  offset: number,
  M: Float64Array,
  inner: number,
  columns: number,
  out: Float64Array,
): void {
  for (let c = 0; c < columns; c++) {
    let sum = 0;
    for (let j = 0; j < inner; j++) sum += X[offset + j] * M[j * columns + c];
    out[c] = sum;
  }
}

function resolveWeights(weights: ArrayLike<number> | null, nClasses: number): number[] {
  if (weights === null) return new Array<number>(nClasses).fill(1.0 / nClasses);
  if (typeof weights !== "object" || typeof weights.length !== "number") {
    throw new TypeError(`weights must be an array of numbers or null; got ${String(weights)}`);
  }
  const given = Array.from(weights);
  if (given.length !== nClasses && given.length !== nClasses - 1) {
    throw new RangeError(`weights must have nClasses (${nClasses}) or nClasses − 1 entries; got ${given.length}`);
  }
  if (!given.every((w) => typeof w === "number" && Number.isFinite(w) && w >= 0)) {
    throw new RangeError(`weights must be finite and ≥ 0; got [${given.join(", ")}]`);
  }
  // Python's sum(): left to right from 0.
  if (given.length === nClasses - 1) given.push(1.0 - given.reduce((a, b) => a + b, 0));
  if (!(given[nClasses - 1] >= 0))
    throw new RangeError(`weights must sum to at most 1 when the last class's is implied; got [${given.join(", ")}]`);
  return given;
}

function perFeature(name: string, value: number | ArrayLike<number> | null, nFeatures: number): Float64Array | null {
  if (value === null) return null;
  if (typeof value === "number") {
    real(name, value);
    return new Float64Array(nFeatures).fill(value);
  }
  if (typeof value !== "object" || typeof value.length !== "number") {
    throw new TypeError(`${name} must be a number, an array of nFeatures numbers, or null; got ${String(value)}`);
  }
  if (value.length !== nFeatures)
    throw new RangeError(`${name} must have nFeatures (${nFeatures}) entries; got ${value.length}`);
  const values = Float64Array.from(value);
  if (!values.every(Number.isFinite)) throw new RangeError(`${name} must be finite; got [${values.join(", ")}]`);
  return values;
}

function integer(name: string, value: unknown, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new TypeError(`${name} must be an integer; got ${String(value)}`);
  if (value < min) throw new RangeError(`${name} must be ≥ ${min}; got ${value}`);
}

function real(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new TypeError(`${name} must be a finite number; got ${String(value)}`);
}

function boolean(name: string, value: unknown): void {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean; got ${String(value)}`);
}
