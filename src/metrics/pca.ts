// Projection of a latent space on its first two principal components, for 2-D plots. The d × d scatter matrix
// is diagonalised by cyclic Jacobi rotations: latent spaces are small, and Jacobi gives eigenvectors accurate to
// rounding without the convergence worries of power iteration when two variances are close.
import { describeValue } from "../args.ts";

/** Row-major n × d coordinates. */
export type Points = Float64Array | Float32Array | number[];

/** A point set projected on its first two principal components, and the variance each explains. */
export interface Pca2 {
  /** Row-major n × 2: the centred points projected on the first and second principal components. */
  coordinates: Float64Array;
  /** Fraction of the total variance along each of the two components (as sklearn's explained_variance_ratio_). */
  explained: [number, number];
}

/** @internal Validates row-major n × d points and returns n. */
export function checkPoints(points: unknown, d: unknown): number {
  if (typeof d !== "number") throw new TypeError(`d must be a number; got ${describeValue(d)}`);
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`d must be an integer ≥ 1; got ${d}`);
  if (!(points instanceof Float64Array) && !(points instanceof Float32Array) && !Array.isArray(points)) {
    throw new TypeError(
      `points must be a Float64Array, Float32Array or array of numbers; got ${describeValue(points)}`,
    );
  }
  if (points.length % d !== 0)
    throw new RangeError(`points must hold n × d values (row-major) for d = ${d}; got ${points.length}`);
  for (let i = 0; i < points.length; i++) {
    const value: unknown = points[i];
    if (typeof value !== "number") throw new TypeError(`points[${i}] must be a number; got ${describeValue(value)}`);
    if (!Number.isFinite(value)) throw new RangeError(`points[${i}] must be finite; got ${value}`);
  }
  return points.length / d;
}

/** Eigenvectors (columns of the returned d × d matrix) of the symmetric matrix a, which is left diagonal. */
function jacobiEigenvectors(a: Float64Array, d: number): Float64Array {
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 64; sweep++) {
    let rotated = false;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        const app = a[p * d + p];
        const aqq = a[q * d + q];
        // An off-diagonal entry below both diagonals' rounding no longer moves the eigenvalues (Numerical Recipes'
        // test); skipping it is what makes the sweeps stop.
        if (
          Math.abs(app) + 100 * Math.abs(apq) === Math.abs(app) &&
          Math.abs(aqq) + 100 * Math.abs(apq) === Math.abs(aqq)
        ) {
          a[p * d + q] = a[q * d + p] = 0;
          continue;
        }
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        // The smaller root of t² + 2θt − 1 = 0 keeps the rotation angle ≤ π/4,
        // which is what makes Jacobi stable.
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        a[p * d + q] = a[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
    if (!rotated) break;
  }
  return v;
}

/**
 * The points' coordinates on their first two principal components and the share of variance each explains.
 * Signs are made deterministic: each component's largest-|value| loading (the first, on a tie) is positive.
 * For d = 1 the second coordinate is 0; points with no variance at all give explained = [0, 0] (sklearn: NaN).
 * Memory and time grow as d² and n·d² + d³: meant for latent spaces, not for thousands of raw features.
 */
export function pca2(points: Points, d: number): Pca2 {
  const n = checkPoints(points, d);
  if (n === 0) throw new RangeError("points must hold at least one point");
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += points[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) centred[i] = points[i] - mean[i % d];
  // The scatter matrix, not the covariance: dividing by n − 1 changes neither the components nor the ratios.
  const scatter = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = centred[i * d + j];
      for (let k = j; k < d; k++) scatter[j * d + k] += x * centred[i * d + k];
    }
  }
  let total = 0;
  for (let j = 0; j < d; j++) {
    total += scatter[j * d + j];
    for (let k = j + 1; k < d; k++) scatter[k * d + j] = scatter[j * d + k];
  }
  const vectors = jacobiEigenvectors(scatter, d);
  const order = Array.from({ length: d }, (_, j) => j).sort((x, y) => scatter[y * d + y] - scatter[x * d + x]);
  const coordinates = new Float64Array(n * 2);
  const explained: [number, number] = [0, 0];
  for (let component = 0; component < Math.min(2, d); component++) {
    const column = order[component];
    let largest = 0;
    for (let j = 1; j < d; j++)
      if (Math.abs(vectors[j * d + column]) > Math.abs(vectors[largest * d + column])) largest = j;
    const sign = vectors[largest * d + column] < 0 ? -1 : 1;
    let variance = 0;
    for (let i = 0; i < n; i++) {
      let y = 0;
      for (let j = 0; j < d; j++) y += centred[i * d + j] * vectors[j * d + column];
      coordinates[i * 2 + component] = sign * y;
      variance += y * y;
    }
    // From the coordinates rather than the eigenvalue: never negative, and consistent with what is plotted.
    explained[component] = total > 0 ? variance / total : 0;
  }
  return { coordinates, explained };
}
