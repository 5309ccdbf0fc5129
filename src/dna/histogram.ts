// Symbol histograms and the two numbers a code is judged by: the base-4 entropy H₄ (the least mean number of
// nucleotides per symbol any prefix code can reach) and a code's mean codeword length L.

import { checkHistogram, checkLengths, checkSymbols } from "./checks.ts";

/** Symbol → occurrence count (counts > 0). Symbols are integers: bytes, or an autoencoder's quantized latent. */
export type Histogram = Map<number, number>;

/** Counts the symbols of a stream. */
export function histogram(symbols: ArrayLike<number>): Histogram {
  checkSymbols(symbols, "symbols");
  const counts: Histogram = new Map();
  for (let i = 0; i < symbols.length; i++) counts.set(symbols[i], (counts.get(symbols[i]) ?? 0) + 1);
  return counts;
}

function total(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/** H₄ = −Σ p·log₄ p, in nucleotides per symbol (0 for an empty or one-symbol histogram). */
export function entropy4(h: Histogram): number {
  const n = total(checkHistogram(h));
  let H = 0;
  for (const c of h.values()) H -= (c / n) * Math.log2(c / n);
  return H > 0 ? H / 2 : 0;
}

/** L = Σ p·ℓ, in nucleotides per symbol (0 for an empty histogram). */
export function meanLength(h: Histogram, lengths: ReadonlyMap<number, number>): number {
  const n = total(checkHistogram(h));
  checkLengths(lengths);
  let L = 0;
  for (const [symbol, c] of h) {
    const length = lengths.get(symbol);
    if (length === undefined) throw new RangeError(`lengths has no codeword for symbol ${symbol} of h`);
    L += c * length;
  }
  return n ? L / n : 0;
}
