// The entropy model's Laplace distribution, twice: the rate that fitting minimises (an autograd op, float64 math
// on either backend) and the integer frequency tables that the range coder uses, built identically by encoder and
// decoder from the ARM's (μ, log b). Both clamp a symbol's probability at 2⁻¹⁶ as Cool-chic does, so that no
// latent costs more than 16 bits and the coder's tables give every symbol of the alphabet a non-zero frequency.
import type { FusedKernels } from "../autograd/backend.ts";
import { empty, formatShape, Tensor } from "../autograd/tensor.ts";
import { detExp, detLog2 } from "./detmath.ts";
import { PROB_BITS, PROB_SCALE, type RansDecoder, type RansEncoder } from "./rans.ts";

/** The clamp on log b: b from e^−4.6 ≈ 0.01 (a near-certain symbol) to e^8 (a near-flat table). */
export const LOG_SCALE_MIN = -4.6;
export const LOG_SCALE_MAX = 8;
/** A symbol's least probability, 2⁻¹⁶ (Cool-chic's clamp). */
export const MIN_PROBABILITY: number = 1 / PROB_SCALE;
/** The largest alphabet (hi − lo + 1) one latent grid may use. */
export const MAX_ALPHABET = 4096;

const clampLogScale = (s: number) => (s < LOG_SCALE_MIN ? LOG_SCALE_MIN : s > LOG_SCALE_MAX ? LOG_SCALE_MAX : s);

/** The Laplace scale b = e^clamp(s) the ARM's second output stands for. */
export const laplaceScale = (logScale: number): number => detExp(clampLogScale(logScale));

/**
 * P(ŷ) = F(ŷ + ½) − F(ŷ − ½) of Laplace(μ, b), written for x = ŷ − μ without cancellation, with the density f at
 * both ends (the derivatives need them): the bin [x − ½, x + ½] lies on one side of μ or straddles it.
 */
function binProbability(x: number, b: number): { p: number; fLo: number; fHi: number } {
  const lo = x - 0.5,
    hi = x + 0.5;
  const eLo = detExp(-Math.abs(lo) / b),
    eHi = detExp(-Math.abs(hi) / b);
  let p: number;
  if (lo >= 0) p = 0.5 * (eLo - eHi);
  else if (hi <= 0) p = 0.5 * (eHi - eLo);
  else p = 1 - 0.5 * eLo - 0.5 * eHi;
  return { p, fLo: eLo / (2 * b), fHi: eHi / (2 * b) };
}

/**
 * The rate Σ −log₂ max(P(ŷᵢ), 2⁻¹⁶) in bits of symbols ŷ under Laplace(μᵢ, e^clamp(sᵢ)), a scalar, and its
 * gradients with respect to all three (zero where the clamp holds: the symbol's cost no longer depends on them).
 */
export function laplaceRate(y: Tensor, mu: Tensor, logScale: Tensor): Tensor {
  for (const [name, t] of [
    ["y", y],
    ["mu", mu],
    ["logScale", logScale],
  ] as const)
    if (!(t instanceof Tensor)) throw new TypeError(`laplaceRate: ${name} must be a Tensor`);
  if (y.size !== mu.size || y.size !== logScale.size)
    throw new RangeError(
      `laplaceRate: y ${formatShape(y.shape)}, mu ${formatShape(mu.shape)} and logScale ` +
        `${formatShape(logScale.shape)} must have the same size`,
    );
  if (y.backend !== mu.backend || y.backend !== logScale.backend)
    throw new TypeError("laplaceRate: y, mu and logScale must have one dtype");
  const n = y.size,
    be = y.backend;
  // Each term's derivatives, made in the forward pass and scaled by the output's gradient in the backward one.
  const dx = be.alloc(n),
    ds = be.alloc(n);
  const out = empty(y, [], "laplaceRate");
  be.fill(out.buf, 1, be.laplaceRate(y.buf, mu.buf, logScale.buf, n, dx, ds));
  return out.record([y, mu, logScale], () => {
    const g = out.grad!.buf.array[0];
    const into = (t: Tensor, values: typeof dx, sign: number) => {
      if (!t.requiresGrad) return;
      const { buf, accumulate } = t.gradTarget();
      be.scaleAdd(values, sign * g, buf, n, accumulate);
    };
    into(y, dx, 1);
    into(mu, dx, -1);
    into(logScale, ds, 1);
  });
}

/** The rate's fused kernel in float64 with the deterministic exp and log₂ (assembly/coolchic.ts has the f32 one). */
export const laplaceKernels: Pick<FusedKernels, "laplaceRate"> = {
  laplaceRate(y, mu, logScale, n, dy, ds) {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      const s = logScale.array[i];
      const x = y.array[i] - mu.array[i];
      const b = laplaceScale(s);
      const { p, fLo, fHi } = binProbability(x, b);
      dy.array[i] = ds.array[i] = 0;
      if (p < MIN_PROBABILITY) {
        bits += PROB_BITS; // −log₂ 2⁻¹⁶
        continue;
      }
      bits -= detLog2(p);
      const dBits = -1 / (p * Math.LN2); // ∂(−log₂ P)/∂P
      dy.array[i] = dBits * (fHi - fLo);
      // ∂F(t)/∂b = −(t/b)·f(t), and ∂b/∂s = b inside the clamp
      if (s > LOG_SCALE_MIN && s < LOG_SCALE_MAX) ds.array[i] = dBits * -((x + 0.5) * fHi - (x - 0.5) * fLo);
    }
    return bits;
  },
};

/** The alphabet lo..hi of one latent grid and the frequency-table arithmetic on it. */
export interface Alphabet {
  lo: number;
  hi: number;
}

/**
 * The cumulative frequency below symbol s in a table of total 2^16 over lo..hi: ⌊F(s − ½)·(2^16 − n)⌋ + (s − lo),
 * the tails folded into the end symbols. Every symbol gets at least 1 (the 2⁻¹⁶ clamp) and the table is the same
 * bits wherever it is built, since F uses detExp.
 */
export function cumulative(s: number, mu: number, b: number, { lo, hi }: Alphabet): number {
  if (s <= lo) return 0;
  if (s > hi) return PROB_SCALE;
  const t = s - 0.5 - mu;
  const F = t < 0 ? 0.5 * detExp(t / b) : 1 - 0.5 * detExp(-t / b);
  return Math.floor(F * (PROB_SCALE - (hi - lo + 1))) + (s - lo);
}

/** Codes symbol s (in lo..hi) under Laplace(μ, b). */
export function encodeSymbol(coder: RansEncoder, s: number, mu: number, b: number, alphabet: Alphabet): void {
  if (!(Number.isInteger(s) && s >= alphabet.lo && s <= alphabet.hi))
    throw new RangeError(`encodeSymbol: symbol ${s} is outside the alphabet ${alphabet.lo}..${alphabet.hi}`);
  const start = cumulative(s, mu, b, alphabet);
  coder.put(start, cumulative(s + 1, mu, b, alphabet) - start);
}

/**
 * Decodes one symbol under Laplace(μ, b): the s whose interval holds the coder's slot. The search gallops out from
 * the symbol nearest μ (where the mass is) and then bisects, so a well-predicted symbol costs a few table values;
 * the symbol found is the only one whose interval holds the slot, however it is searched for.
 */
export function decodeSymbol(coder: RansDecoder, mu: number, b: number, alphabet: Alphabet): number {
  const slot = coder.peek();
  const { lo: first, hi: last } = alphabet;
  const at = (s: number) => cumulative(s, mu, b, alphabet);
  // Invariant: at(a) ≤ slot < at(z), first ≤ a < z ≤ last + 1 (at(first) = 0 and at(last + 1) = 2^16 hold it).
  const guess = Math.min(Math.max(Math.round(mu), first), last);
  let a = guess,
    ca = at(guess),
    z: number,
    cz: number;
  if (ca <= slot) {
    [z, cz] = [last + 1, PROB_SCALE];
    for (let step = 1; a + step <= last; step *= 2) {
      const c = at(a + step);
      if (c > slot) {
        [z, cz] = [a + step, c];
        break;
      }
      [a, ca] = [a + step, c];
    }
  } else {
    [z, cz] = [a, ca];
    [a, ca] = [first, 0];
    for (let step = 1; z - step > first; step *= 2) {
      const c = at(z - step);
      if (c <= slot) {
        [a, ca] = [z - step, c];
        break;
      }
      [z, cz] = [z - step, c];
    }
  }
  while (z - a > 1) {
    const mid = a + Math.floor((z - a) / 2),
      c = at(mid);
    if (c <= slot) [a, ca] = [mid, c];
    else [z, cz] = [mid, c];
  }
  coder.advance(ca, cz - ca);
  return a;
}
