// The benchmark inputs: one seeded pool of signed Gaussian values, cut into vectors and row-major matrices,
// and the radii the projections are run at.
import { rng } from "../test/rng.mjs";

/** n standard normal values (Box–Muller), the same for a given seed on every run and machine. */
export function gaussianPool(n, seed = 2016) {
  const next = rng(seed);
  const pool = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    pool[i] = radius * Math.cos(angle);
    if (i + 1 < n) pool[i + 1] = radius * Math.sin(angle);
  }
  return pool;
}

/** The first n values of the pool as the benchmark's element type. */
export function take(pool, n, type) {
  return type === "f32" ? Float32Array.from(pool.subarray(0, n)) : pool.slice(0, n);
}

/**
 * The radius η at which the ℓ1 step keeps exactly ⌈fraction·m⌉ of the m group norms: with the norms sorted in
 * decreasing order v_(1) ≥ v_(2) ≥ …, τ = v_(k+1) and η = Σ_{i≤k} (v_(i) − τ).
 */
export function radiusKeeping(norms, fraction) {
  const sorted = Float64Array.from(norms).sort().reverse();
  const k = Math.min(Math.ceil(fraction * sorted.length), sorted.length - 1);
  let eta = 0;
  for (let i = 0; i < k; i++) eta += sorted[i] - sorted[k];
  return eta;
}
