// A synthesis-and-sequencing channel for tests and benchmarks: each oligo is lost with probability `dropout`,
// otherwise read a random number of times (Poisson with mean `coverage`, or negative binomial: Poisson with a
// Gamma-distributed mean, the over-dispersed counts of PCR amplification), each read with independent
// substitutions, insertions and deletions per base; the reads come out shuffled. Seeded: the same seed gives the
// same reads in every engine (the project's Generator, integer arithmetic).
import { checkOptions, describeValue } from "../args.ts";
import { Generator } from "../random.ts";
import { checkChoice, checkNumber } from "./checks.ts";

/** simulateReads's options; every rate is per base, in [0, 1]. */
export interface SimulateOptions {
  /** Mean reads per surviving oligo (default 10). */
  readonly coverage?: number;
  /** Substitution rate (default 0). */
  readonly sub?: number;
  /** Insertion rate: a random base before the current one (default 0). */
  readonly ins?: number;
  /** Deletion rate (default 0). */
  readonly del?: number;
  /** Probability that an oligo is lost altogether (default 0). */
  readonly dropout?: number;
  readonly seed?: number;
  /** How reads per oligo vary (default "poisson"). */
  readonly distribution?: "poisson" | "negative-binomial";
  /** The negative binomial's shape k: variance = mean + mean²/k (default 4). */
  readonly dispersion?: number;
  /** The most reads to make; more expected is a RangeError before any work (default 10⁷). */
  readonly maxReads?: number;
}

/** The simulator's defaults. */
export const SIMULATE_DEFAULTS: Readonly<Required<SimulateOptions>> = Object.freeze({
  coverage: 10,
  sub: 0,
  ins: 0,
  del: 0,
  dropout: 0,
  seed: 0,
  distribution: "poisson",
  dispersion: 4,
  maxReads: 1e7,
});

const DISTRIBUTIONS = ["poisson", "negative-binomial"] as const;
const LETTERS = "ACGT";

/** Poisson(λ) by multiplying uniforms (Knuth), λ split into pieces of ≤ 500 so e^−λ does not underflow. */
function poisson(random: Generator, lambda: number): number {
  let count = 0;
  for (let rest = lambda; rest > 0; rest -= 500) {
    const limit = Math.exp(-Math.min(rest, 500));
    let product = random.random();
    while (product > limit) {
      count++;
      product *= random.random();
    }
  }
  return count;
}

/** Gamma(shape, 1) (Marsaglia & Tsang 2000), shape ≥ 1 directly, below 1 by the U^(1/shape) boost. */
function gamma(random: Generator, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * (1 - random.random()) ** (1 / shape);
  const d = shape - 1 / 3,
    c = 1 / Math.sqrt(9 * d);
  for (;;) {
    // A standard normal by Box–Muller.
    const z = Math.sqrt(-2 * Math.log(1 - random.random())) * Math.cos(2 * Math.PI * random.random());
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = 1 - random.random();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

function rate(value: unknown, name: string): number {
  const x = checkNumber(value, name);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${name} must be a number in 0..1; got ${x}`);
  return x;
}

/**
 * Reads of `oligos` (A/C/G/T strings) through the channel, shuffled. Throws a TypeError or RangeError naming a
 * bad argument or option.
 */
export function simulateReads(oligos: readonly string[], options: SimulateOptions = {}): string[] {
  if (!Array.isArray(oligos)) throw new TypeError(`oligos must be an array of strings; got ${describeValue(oligos)}`);
  const o = { ...SIMULATE_DEFAULTS, ...checkOptions<SimulateOptions>(options) };
  const coverage = checkNumber(o.coverage, "options.coverage");
  if (!(coverage >= 0 && coverage <= 1e4))
    throw new RangeError(`options.coverage must be in 0..10000; got ${coverage}`);
  const sub = rate(o.sub, "options.sub"),
    ins = rate(o.ins, "options.ins"),
    del = rate(o.del, "options.del");
  const lost = rate(o.dropout, "options.dropout");
  if (sub + ins + del > 1) throw new RangeError(`options.sub + options.ins + options.del must be at most 1`);
  if (!Number.isInteger(checkNumber(o.seed, "options.seed"))) {
    throw new RangeError(`options.seed must be an integer; got ${o.seed}`);
  }
  checkChoice(o.distribution, "options.distribution", DISTRIBUTIONS);
  const k = checkNumber(o.dispersion, "options.dispersion");
  if (!(k > 0 && k < Infinity)) throw new RangeError(`options.dispersion must be a number > 0; got ${k}`);
  const maxReads = checkNumber(o.maxReads, "options.maxReads");
  oligos.forEach((oligo, i) => {
    if (typeof oligo !== "string" || !/^[ACGT]*$/.test(oligo)) {
      throw new TypeError(`oligos[${i}] must be a string of A/C/G/T; got ${describeValue(oligo)}`);
    }
  });
  const expected = oligos.length * coverage * (1 - lost);
  if (expected > maxReads) {
    throw new RangeError(
      `${oligos.length} oligos at coverage ${coverage} make ≈ ${Math.round(expected)} reads, ` +
        `over options.maxReads = ${maxReads}`,
    );
  }

  const random = new Generator(o.seed);
  const reads: string[] = [];
  const chars: string[] = [];
  for (const oligo of oligos) {
    if (random.random() < lost) continue;
    const mean = o.distribution === "poisson" ? coverage : (gamma(random, k) * coverage) / k;
    const copies = poisson(random, mean);
    // A negative binomial's tail may exceed what was expected: the bound holds for every draw.
    if (reads.length + copies > 2 * maxReads) throw new RangeError(`over 2 × options.maxReads reads drawn`);
    for (let c = 0; c < copies; c++) {
      chars.length = 0;
      for (let i = 0; i < oligo.length; i++) {
        const u = random.random();
        if (u < del) continue;
        if (u < del + ins) chars.push(LETTERS[random.int(4)], oligo[i]);
        else if (u < del + ins + sub) chars.push(LETTERS[(LETTERS.indexOf(oligo[i]) + 1 + random.int(3)) % 4]);
        else chars.push(oligo[i]);
      }
      reads.push(chars.join(""));
    }
  }
  for (let i = reads.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [reads[i], reads[j]] = [reads[j], reads[i]];
  }
  return reads;
}

/** Reads as FASTQ, every base of quality 40 ("I"). */
export function toFastq(reads: readonly string[]): string {
  return reads.map((read, i) => `@read${i + 1}\n${read}\n+\n${"I".repeat(read.length)}\n`).join("");
}
