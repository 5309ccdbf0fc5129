// The constrained mode, DNA Fountain's screening (Erlich & Zielinski 2017): an oligo's payload digits are XORed
// with a seeded keystream, and seeds are tried in turn until the whole oligo (header included) has no run longer
// than 3 and 40–60% GC. The seed goes into a 4-nucleotide header in front of the payload. Scrambled digits are
// uniform whatever the payload, so the chance p that one seed passes depends on the length alone, and all 256 fail
// with probability (1 − p)^256. Measured (20,000 random oligos per length):
//   length   20     100    150    200      210     250      300      400
//   p        0.61   0.30   0.17   0.089    0.078   0.048    0.028    0.008
//   failure  1e−106 3e−40  7e−21  5e−11    1e−9    3e−6     8e−4     0.13
// so oligos are limited to MAX_OLIGO = 200, where a 1 GiB file (≈ 2·10⁷ oligos) fails about once in 1,000.
// The cost is the header alone, 4/200 = 2% at 200 nt.
import { Generator } from "../random.ts";
import { checkDigits } from "./checks.ts";
import { DnaScreeningError } from "./errors.ts";
import { meetsConstraints } from "./nucleotides.ts";

/** Header nucleotides per oligo: the seed, 0–255, in base 4. */
export const SEED_DIGITS = 4;
const SEEDS = 4 ** SEED_DIGITS;
/** The shortest oligo the mode accepts: the header would be over a fifth of shorter ones. */
export const MIN_OLIGO = 20;
/** The longest oligo the encoder writes: longer ones may find no passing seed (table above). */
export const MAX_OLIGO = 200;

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
 * With flanks (primers, as digits), the oligo is left + seed + scrambled payload + right and the constraints hold
 * on the whole of it, junctions included. Throws a DnaScreeningError (a RangeError) if no seed gives one, which
 * oligos over MAX_OLIGO nt may well do.
 */
export function screenOligo(payload: Uint8Array, left: Uint8Array = NONE, right: Uint8Array = NONE): Uint8Array {
  checkDigits(payload, "payload");
  checkDigits(left, "left");
  checkDigits(right, "right");
  const start = left.length;
  const oligo = new Uint8Array(start + SEED_DIGITS + payload.length + right.length);
  oligo.set(left);
  oligo.set(right, start + SEED_DIGITS + payload.length);
  for (let seed = 0; seed < SEEDS; seed++) {
    for (let d = 0; d < SEED_DIGITS; d++) oligo[start + d] = (seed >>> (2 * (SEED_DIGITS - 1 - d))) & 3;
    xorKeystream(payload, seed, oligo, start + SEED_DIGITS);
    if (meetsConstraints(oligo)) return oligo;
  }
  const problem = `no seed of ${SEEDS} gives a ${oligo.length}-nt oligo without runs over 3 and with 40–60% GC`;
  throw new DnaScreeningError(problem);
}

const NONE = new Uint8Array(0);

/** The payload digits of a screened oligo (XOR is its own inverse). */
export function unscrambleOligo(oligo: Uint8Array): Uint8Array {
  checkDigits(oligo, "oligo");
  if (oligo.length < SEED_DIGITS) {
    throw new RangeError(`oligo must hold at least ${SEED_DIGITS} digits (the seed); got ${oligo.length}`);
  }
  let seed = 0;
  for (let d = 0; d < SEED_DIGITS; d++) seed = 4 * seed + oligo[d];
  const payload = oligo.subarray(SEED_DIGITS);
  const out = new Uint8Array(payload.length);
  xorKeystream(payload, seed, out, 0);
  return out;
}
