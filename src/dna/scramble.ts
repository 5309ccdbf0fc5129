// The constrained mode, DNA Fountain's screening (Erlich & Zielinski 2017): an oligo's payload digits are XORed
// with a seeded keystream, and seeds are tried in turn until the whole oligo (header included) has no run longer
// than 3 and 40–60% GC. The seed goes into a 4-nucleotide header in front of the payload. Scrambled digits are
// uniform whatever the payload, so one seed passes with probability ≈ 0.1 for 200 nt and 256 seeds all fail with
// probability ≈ 10⁻¹²; the cost is the header alone, 4/200 = 2% at 200 nt.
import { Generator } from "../random.ts";
import { meetsConstraints } from "./nucleotides.ts";

/** Header nucleotides per oligo: the seed, 0–255, in base 4. */
export const SEED_DIGITS = 4;
const SEEDS = 4 ** SEED_DIGITS;
/** The shortest oligo the mode accepts: shorter ones leave too few seeds passing the GC bounds. */
export const MIN_OLIGO = 20;

/** payload XOR the keystream of `seed`, written into `out` at `offset`. */
function xorKeystream(payload: Uint8Array, seed: number, out: Uint8Array, offset: number): void {
  // The project's seeded generator: integer arithmetic only, the same stream in every engine, so files decode anywhere.
  const random = new Generator(seed);
  let word = 0;
  for (let i = 0; i < payload.length; i++) {
    if (i % 16 === 0) word = random.nextUint32();
    out[offset + i] = payload[i] ^ ((word >>> (2 * (i % 16))) & 3);
  }
}

/**
 * One oligo of `payload.length + SEED_DIGITS` digits meeting both constraints, from the first seed that gives one.
 * Throws a RangeError if none does (payloads shorter than MIN_OLIGO − SEED_DIGITS may).
 */
export function screenOligo(payload: Uint8Array): Uint8Array {
  const oligo = new Uint8Array(SEED_DIGITS + payload.length);
  for (let seed = 0; seed < SEEDS; seed++) {
    for (let d = 0; d < SEED_DIGITS; d++) oligo[d] = (seed >>> (2 * (SEED_DIGITS - 1 - d))) & 3;
    xorKeystream(payload, seed, oligo, SEED_DIGITS);
    if (meetsConstraints(oligo)) return oligo;
  }
  throw new RangeError(`no seed of ${SEEDS} gives a ${oligo.length}-nt oligo without runs over 3 and with 40–60% GC`);
}

/** The payload digits of a screened oligo (XOR is its own inverse). */
export function unscrambleOligo(oligo: Uint8Array): Uint8Array {
  let seed = 0;
  for (let d = 0; d < SEED_DIGITS; d++) seed = 4 * seed + oligo[d];
  const payload = oligo.subarray(SEED_DIGITS);
  const out = new Uint8Array(payload.length);
  xorKeystream(payload, seed, out, 0);
  return out;
}
