// Random-walk Metropolis–Hastings with the paper's extra rule: a candidate whose density falls under a threshold
// is rejected outright, which keeps the chain inside the body of the class's latent cloud instead of letting it
// drift along the thin tails that a kernel estimate puts between and around the points.
import type { Generator } from "../random.ts";
import { fillStandardNormal } from "./normal.ts";

/** Options of `metropolisHastings`: start, Gaussian step, density threshold, and how many states to keep. */
export interface ChainOptions {
  /** Where the chain starts (d values). */
  start: ArrayLike<number>;
  /**
   * The Gaussian step: d standard deviations (independent dimensions), or a lower-triangular d × d factor L
   * (row-major), the step being L·z for z ~ N(0, I), of covariance L·Lᵀ.
   */
  step: ArrayLike<number>;
  /** Candidates with a log density below this are rejected (default −∞: plain Metropolis–Hastings). */
  logThreshold?: number;
  /** States kept. */
  samples: number;
  /** Steps run and discarded before the first kept state. */
  burnIn: number;
  /** Steps between kept states (1 keeps every state). */
  thin: number;
  generator: Generator;
}

/** A Metropolis–Hastings chain: its kept states and how many steps were taken, accepted and rejected. */
export interface Chain {
  /** Row-major samples × d. */
  samples: Float64Array;
  /** Steps taken, burn-in included. */
  steps: number;
  /** Steps whose candidate was accepted. */
  accepted: number;
  /** Steps whose candidate was rejected because its density fell under the threshold. */
  belowThreshold: number;
}

function count(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min)
    throw new RangeError(`metropolisHastings: ${name} must be an integer ≥ ${min}; got ${v}`);
  return v;
}

/**
 * Samples the density exp(logDensity) by a symmetric Gaussian random walk (so the acceptance probability is the
 * density ratio, min(1, p(x′)/p(x))), keeping every `thin`-th state after `burnIn` steps.
 */
export function metropolisHastings(logDensity: (x: Float64Array) => number, options: ChainOptions): Chain {
  const d = options.start.length;
  const samples = count("samples", options.samples, 0),
    burnIn = count("burnIn", options.burnIn, 0),
    thin = count("thin", options.thin, 1);
  const scale = options.step;
  if (scale.length !== d && scale.length !== d * d)
    throw new RangeError(
      `metropolisHastings: step has ${scale.length} values; ` +
        `expected ${d} (standard deviations) or ${d * d} (a ${d} × ${d} factor)`,
    );
  const diagonal = scale.length === d;
  const logThreshold = options.logThreshold ?? -Infinity;
  const g = options.generator;
  let x = Float64Array.from(options.start),
    candidate = new Float64Array(d);
  let logP = logDensity(x);
  if (!(logP > -Infinity) || logP < logThreshold)
    throw new RangeError("metropolisHastings: the start has zero density or lies under the threshold");
  const noise = new Float64Array(d);
  const out = new Float64Array(samples * d);
  const steps = burnIn + samples * thin;
  let accepted = 0,
    belowThreshold = 0;
  for (let step = 1; step <= steps; step++) {
    fillStandardNormal(g, noise);
    for (let j = 0; j < d; j++) {
      let move = 0;
      if (diagonal) move = scale[j] * noise[j];
      else for (let k = 0; k <= j; k++) move += scale[j * d + k] * noise[k];
      candidate[j] = x[j] + move;
    }
    // The uniform is drawn at every step, accepted or not, so one seed's stream does not depend on the decisions.
    const u = g.random();
    const logCandidate = logDensity(candidate);
    if (logCandidate < logThreshold) belowThreshold++;
    else if (logCandidate >= logP || u < Math.exp(logCandidate - logP)) {
      [x, candidate] = [candidate, x];
      logP = logCandidate;
      accepted++;
    }
    if (step > burnIn && (step - burnIn) % thin === 0) out.set(x, ((step - burnIn) / thin - 1) * d);
  }
  return { samples: out, steps, accepted, belowThreshold };
}
