// Digits 0–3 as the nucleotides A, C, G, T, and the two constraints synthesis and sequencing put on an oligo:
// no homopolymer run longer than 3 (long runs cause insertion and deletion errors) and a GC content of 40–60%
// (extremes synthesise and amplify poorly).
import { describeValue } from "../args.ts";
import { checkDigits, checkNumber } from "./checks.ts";
import { DnaFormatError } from "./errors.ts";

export const NUCLEOTIDES = "ACGT";
export const MAX_RUN = 3;
export const GC_MIN = 0.4;
export const GC_MAX = 0.6;

// Character codes both ways: building and reading megabytes of text a character string at a time is slow.
const LETTER = Uint8Array.from(NUCLEOTIDES, (c) => c.charCodeAt(0));
const DIGIT = new Int8Array(128).fill(-1);
LETTER.forEach((code, digit) => (DIGIT[code] = digit));
const ascii = new TextDecoder();

/** The A/C/G/T string of digits 0–3 (0 = A, 1 = C, 2 = G, 3 = T). */
export function toNucleotides(digits: Uint8Array): string {
  checkDigits(digits, "digits");
  const codes = new Uint8Array(digits.length);
  for (let i = 0; i < digits.length; i++) codes[i] = LETTER[digits[i]];
  return ascii.decode(codes);
}

/** The digits of an A/C/G/T string; any other character is a DnaFormatError naming its 1-based column. */
export function fromNucleotides(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError(`text must be a string; got ${describeValue(text)}`);
  const digits = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const d = code < 128 ? DIGIT[code] : -1;
    if (d < 0) {
      throw new DnaFormatError(`column ${i + 1}: ${JSON.stringify(text[i])} is not a nucleotide (A, C, G or T)`);
    }
    digits[i] = d;
  }
  return digits;
}

/** The length of the longest run of one nucleotide (0 for an empty oligo). */
export function longestRun(digits: Uint8Array): number {
  checkDigits(digits, "digits");
  let longest = 0;
  for (let i = 0, run = 0; i < digits.length; i++) {
    run = i > 0 && digits[i] === digits[i - 1] ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return longest;
}

function gcCount(digits: Uint8Array): number {
  let gc = 0;
  for (let i = 0; i < digits.length; i++) gc += digits[i] === 1 || digits[i] === 2 ? 1 : 0;
  return gc;
}

/** The fraction of C and G (digits 1 and 2); 0 for an empty oligo. */
export function gcContent(digits: Uint8Array): number {
  checkDigits(digits, "digits");
  return digits.length ? gcCount(digits) / digits.length : 0;
}

/** Whether an oligo meets both constraints: runs ≤ MAX_RUN and GC_MIN ≤ GC ≤ GC_MAX. */
export function meetsConstraints(digits: Uint8Array): boolean {
  checkDigits(digits, "digits");
  // Compared on counts, so 40% of 200 nt is exactly 80 and not a rounding of 0.4.
  const count = gcCount(digits);
  return longestRun(digits) <= MAX_RUN && 5 * count >= 2 * digits.length && 5 * count <= 3 * digits.length;
}

/**
 * Bits per nucleotide available under runs of at most `maxRun`: log₂ λ, λ the largest root of
 * λ^k = 3(λ^(k−1) + … + 1) (each run of j ≤ k equal nucleotides follows a change to one of three others).
 * 1.9824 for k = 3, against 2 unconstrained.
 */
export function runLengthCapacity(maxRun: number = MAX_RUN): number {
  if (!Number.isInteger(checkNumber(maxRun, "maxRun")) || maxRun < 1) {
    throw new RangeError(`maxRun must be an integer ≥ 1; got ${maxRun}`);
  }
  const excess = (x: number) => {
    let sum = 0;
    for (let j = 0; j < maxRun; j++) sum += x ** j;
    return x ** maxRun - 3 * sum;
  };
  let lo = 3,
    hi = 4;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.log2((lo + hi) / 2);
}
