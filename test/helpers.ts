// Shared test utilities: a seeded generator of messy signed data, and tolerant comparison.
import * as assert from "uvu/assert";
export { rng } from "./rng.mjs";

export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Signed values with ties, zeros and a spread of magnitudes, as real data has. */
export function messyValues(random: () => number, n: number): number[] {
  const scale = 10 ** randomInt(random, -3, 3);
  const pool = Array.from({ length: 4 }, () => (random() * 2 - 1) * scale);
  return Array.from({ length: n }, () => {
    const r = random();
    if (r < 0.1) return 0;
    if (r < 0.25) return pool[Math.floor(random() * pool.length)];
    return (random() * 2 - 1) * scale * (random() < 0.1 ? 20 : 1);
  });
}

export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
export const FLOAT_TYPES: Array<[string, FloatCtor]> = [
  ["f32", Float32Array],
  ["f64", Float64Array],
];

/**
 * Tolerance of a result against the f64 reference on the same (already rounded) inputs: thresholds are exact to
 * f64 rounding, so the error is the final rounding of a few operations on values of magnitude ≤ scale:
 * f32 carries ~4 ulps of 2^-24 (clip/scale/subtract plus the threshold's own rounding), f64 a Condat-vs-sort
 * difference of ~n·2^-53 relative. Hence 1e-6 and 1e-10 relative to the data's scale.
 */
export function tolerance(type: string, scale: number): number {
  return (type === "f32" ? 1e-6 : 1e-10) * Math.max(scale, 1e-300);
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.unreachable(`${what}: [${i}] = ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

export function assertNear(actual: number, expected: number, tol: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tol))
    assert.unreachable(`${what}: ${actual}, expected ${expected} (tolerance ${tol})`);
}

/** Random matrix shapes: every 10th one row, the next one column, every 25th up to big × big, else up to 25 × 25. */
export function randomShape(random: () => number, trial: number, big = 300): [number, number] {
  if (trial % 10 === 0) return [1, randomInt(random, 1, 40)];
  if (trial % 10 === 1) return [randomInt(random, 1, 40), 1];
  const limit = trial % 25 === 2 ? big : 25;
  return [randomInt(random, 1, limit), randomInt(random, 1, limit)];
}

/** Asserts that call throws an error of `type` whose message matches `pattern`. */
export function throwsNamed(call: () => unknown, type: ErrorConstructor, pattern: RegExp, what: string): void {
  try {
    call();
  } catch (error) {
    assert.instance(error, type, `${what}: ${(error as Error).name}: ${(error as Error).message}`);
    assert.match((error as Error).message, pattern, what);
    return;
  }
  assert.unreachable(`${what}: no error thrown`);
}

/**
 * The training fingerprints a kernel build may reach: the plain SIMD build's one value; with relaxed SIMD the fused
 * one (a CPU with FMA) or the plain one (without: the engine then multiplies and adds).
 */
export function fingerprintsOf(variant: string, plain: string, fused: string): string[] {
  return variant === "relaxed-simd" ? [fused, plain] : [plain];
}

/** A convolution's output rows and columns: ⌊(size + 2·pad − k) / stride⌋ + 1 each. */
export function convOutput(h: number, w: number, k: number, stride: number, pad: number): [number, number] {
  return [Math.floor((h + 2 * pad - k) / stride) + 1, Math.floor((w + 2 * pad - k) / stride) + 1];
}
