// The storage format (src/dna/storage.ts) and the channel simulator: every oligo meets the constraints, data comes
// back from shuffled, duplicated, erroneous reads with lost oligos, too many losses are an error with the counts,
// and no channel, however bad, yields wrong bytes (fast-check).
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  crc32,
  decodeOligos,
  DnaMissingOligosError,
  DnaReadsError,
  encodeOligos,
  fromNucleotides,
  longestRun,
  META_COPIES,
  meetsConstraints,
  parseReads,
  rsEncode,
  screenOligo,
  simulateReads,
  toNucleotides,
  toFastq,
} from "../src/dna/index.ts";
import { Generator } from "../src/random.ts";

const test = suite("dna: storage format, reads and channel");

function randomBytes(n: number, seed: number): Uint8Array {
  const g = new Generator(seed);
  return Uint8Array.from({ length: n }, () => g.int(256));
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

test("every oligo has one length, runs ≤ 3 and 40–60% GC, primers included, and they decode in any order", () => {
  const data = randomBytes(3000, 1);
  for (const primers of [
    ["", ""],
    ["ACGTACGTAC", "GTCAGTCAGT"],
  ] as Array<[string, string]>) {
    const { oligos, stats } = encodeOligos(data, { primers, payload: 24, innerParity: 6, redundancy: 0.2 });
    assert.is(oligos.length, stats.dataOligos + stats.parityOligos + META_COPIES);
    for (const oligo of oligos) {
      assert.is(oligo.length, stats.oligoLength);
      const digits = fromNucleotides(oligo);
      assert.ok(meetsConstraints(digits) && longestRun(digits) <= 3, oligo);
      assert.ok(oligo.startsWith(primers[0]) && oligo.endsWith(primers[1]));
    }
    const shuffled = Array.from(new Generator(2).permutation(oligos.length), (i) => oligos[i]);
    const doubled = [...shuffled, ...shuffled.slice(0, 50)];
    const decoded = decodeOligos(doubled, { primers });
    assert.ok(same(decoded.data, data));
    assert.is(decoded.report.oligosFound, decoded.report.oligosTotal);
  }
});

test("a one-byte file, an empty one and a latent (integers) give oligos and come back", () => {
  for (const data of [Uint8Array.of(7), new Uint8Array(0), Int32Array.of(-3, 0, 0, 2, 1_000_000, -(2 ** 31))]) {
    const { oligos, stats } = encodeOligos(data);
    assert.ok(oligos.length > META_COPIES && stats.nucleotides > 0);
    const decoded = decodeOligos(oligos);
    assert.is(decoded.data.constructor, data.constructor);
    assert.ok(same(decoded.data, data));
  }
});

test("lost oligos: up to each block's parity recovered; one more is an error saying how many are missing", () => {
  const data = randomBytes(20_000, 3);
  const { oligos, stats } = encodeOligos(data, { redundancy: 0.1 });
  assert.ok(stats.blocks >= 2);
  // The first block's oligos follow the metadata: drop exactly its parity's worth, then one more.
  const rows = Math.ceil(stats.dataOligos / stats.blocks);
  const parity = Math.ceil((rows * 24) / 231);
  const drop = (count: number) => oligos.filter((_, i) => i < META_COPIES || i >= META_COPIES + count);
  const decoded = decodeOligos(drop(parity));
  assert.ok(same(decoded.data, data));
  assert.is(decoded.report.recovered, parity);
  try {
    decodeOligos(drop(parity + 3));
    assert.unreachable("three oligos too many are missing");
  } catch (error) {
    assert.instance(error, DnaMissingOligosError);
    const e = error as DnaMissingOligosError;
    assert.is(e.missing, parity + 3);
    assert.is(e.beyondCapacity, 3);
    assert.match(e.message, `${parity + 3} of ${e.total} oligos have no decodable read, 3 more than`);
  }
  // No metadata at all.
  assert.throws(() => decodeOligos(oligos.slice(META_COPIES)), /no metadata oligo decodes/);
  assert.throws(
    () => decodeOligos(["ACGT", "hello"]),
    (e: unknown) => e instanceof DnaReadsError,
  );
});

test("through the simulated channel at moderate error rates (1% substitutions, 0.1% indels, 2% dropout)", () => {
  const data = randomBytes(5000, 4);
  const { oligos } = encodeOligos(data, { innerParity: 6, redundancy: 0.2 });
  for (let seed = 1; seed <= 3; seed++) {
    const options = { coverage: 10, sub: 0.01, ins: 0.001, del: 0.001, dropout: 0.02, seed };
    const reads = simulateReads(oligos, options);
    const decoded = decodeOligos(reads);
    assert.ok(same(decoded.data, data), `seed ${seed}`);
    assert.ok(decoded.report.readsOfOligoLength < reads.length, "reads with indels are set aside");
  }
  // Over-dispersed coverage.
  const reads = simulateReads(oligos, { coverage: 15, sub: 0.005, distribution: "negative-binomial", seed: 9 });
  assert.ok(same(decodeOligos(reads).data, data));
});

test("the simulator: seeded, shuffled, counts around the coverage, errors at their rates", () => {
  const oligos = encodeOligos(randomBytes(4000, 5)).oligos;
  const a = simulateReads(oligos, { coverage: 5, sub: 0.01, seed: 1 });
  assert.equal(simulateReads(oligos, { coverage: 5, sub: 0.01, seed: 1 }), a);
  assert.not.equal(simulateReads(oligos, { coverage: 5, sub: 0.01, seed: 2 }), a);
  const mean = a.length / oligos.length;
  assert.ok(mean > 4.5 && mean < 5.5, `mean reads per oligo ${mean}`);
  const clean = simulateReads(oligos, { coverage: 3, seed: 3 });
  const pool = new Set(oligos);
  assert.ok(clean.every((read) => pool.has(read)));
  assert.ok(
    clean.slice(0, 20).some((read, i) => read !== oligos[i]),
    "shuffled",
  );
  assert.is(simulateReads(oligos, { dropout: 1 }).length, 0);
  // Negative binomial counts are over-dispersed: variance mean + mean²/k (60 at mean 10, k = 2) against Poisson's 10.
  const variance = (reads: string[]) => {
    const counts = new Map(oligos.map((o) => [o, 0]));
    for (const read of reads) counts.set(read, counts.get(read)! + 1);
    const values = [...counts.values()];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  };
  const poisson = variance(simulateReads(oligos, { coverage: 10, seed: 6 }));
  const overdispersed = variance(
    simulateReads(oligos, { coverage: 10, distribution: "negative-binomial", dispersion: 2, seed: 6 }),
  );
  assert.ok(poisson > 7 && poisson < 13 && overdispersed > 40 && overdispersed < 85, `${poisson}, ${overdispersed}`);
  // Substitutions: mismatches against the nearest oligo at about the rate.
  const byPrefix = new Map(oligos.map((o) => [o.slice(0, 24), o]));
  let compared = 0,
    wrong = 0;
  for (const read of simulateReads(oligos, { coverage: 2, sub: 0.02, seed: 4 })) {
    const original = byPrefix.get(read.slice(0, 24));
    if (!original) continue;
    for (let i = 0; i < read.length; i++) wrong += read[i] !== original[i] ? 1 : 0;
    compared += read.length;
  }
  assert.ok(wrong / compared > 0.015 && wrong / compared < 0.025, `substitution rate ${wrong / compared}`);
  assert.throws(() => simulateReads(oligos, { sub: 2 }), /options\.sub must be a number in 0\.\.1/);
  assert.throws(() => simulateReads(oligos, { coverage: 1e4, maxReads: 1e5 }), /over options\.maxReads/);
  assert.throws(() => simulateReads(["ACGU"]), /oligos\[0\]/);
});

test("reads from FASTQ, FASTA and text; a malformed FASTQ record names its line", () => {
  const reads = ["ACGT", "GGCA", "TTAC"];
  assert.equal(parseReads(toFastq(reads)), { reads, format: "fastq" });
  assert.equal(parseReads(">a\nAC\ngt\n>b\nGGCA\n>c\nTTAC\n"), { reads, format: "fasta" });
  assert.equal(parseReads("#sparseproj-dna 2 {}\nacgt\n\nGGCA\nTTAC"), { reads, format: "text" });
  assert.throws(
    () => parseReads("@r1\nACGT\n+\nIII\n"),
    (e: unknown) => (e as { line?: number }).line === 4,
  );
  assert.throws(() => parseReads("@r1\nACGT\n-\nIIII\n"), /third line must start with \+/);
  assert.throws(
    () => parseReads("ACGT\nhello\n"),
    (e: unknown) => (e as { line?: number }).line === 2,
  );
});

test("options are checked and named", () => {
  const data = Uint8Array.of(1);
  assert.throws(() => encodeOligos(data, { payload: 0 }), /options\.payload must be an integer in 1\.\./);
  assert.throws(() => encodeOligos(data, { payload: 10, innerParity: 2 }), /at least 25/);
  assert.throws(() => encodeOligos(data, { payload: 40, innerParity: 8 }), /options\.innerParity/);
  assert.throws(() => encodeOligos(data, { redundancy: 5 }), /options\.redundancy must be a number in 0\.\.4/);
  assert.throws(() => encodeOligos(data, { primers: ["AAAAACGT", ""] }), /options\.primers\[0\] must have runs ≤ 3/);
  assert.throws(() => encodeOligos(data, { primers: ["ACGU", ""] }), /options\.primers\[0\]: column 4/);
  assert.throws(() => decodeOligos("ACGT" as unknown as string[]), /reads must be an array of strings/);
});

/** A metadata oligo (160 nt, default geometry) announcing a stream of `length` bytes in blocks of k + r. */
function forgedMeta(length: number, k: number, r: number): string {
  const message = new Uint8Array(39 - 8);
  message.set([0xff, 0xff, 0, 1, 32, 4, k, r]);
  const view = new DataView(message.buffer, 3);
  view.setUint32(5, length);
  view.setUint32(13, crc32(message.subarray(3, 16)));
  const codeword = rsEncode(message, 8);
  const digits = Uint8Array.from(
    { length: 4 * codeword.length },
    (_, i) => (codeword[i >> 2] >> (6 - 2 * (i & 3))) & 3,
  );
  return toNucleotides(screenOligo(digits));
}

test("a forged metadata oligo claiming gigabytes is refused, or reported missing, before anything is allocated", () => {
  const { oligos } = encodeOligos(randomBytes(100, 6));
  const data = oligos.slice(META_COPIES);
  assert.throws(() => decodeOligos([forgedMeta(2 ** 32 - 1, 1, 254), ...data]), /over 65,534 blocks/);
  try {
    decodeOligos([forgedMeta(3e8, 255, 0), forgedMeta(3e8, 255, 0), ...data]);
    assert.unreachable("no such stream is in the reads");
  } catch (error) {
    assert.instance(error, DnaMissingOligosError);
    assert.ok((error as DnaMissingOligosError).missing > 9e6);
  }
});

// Whatever the channel does, decoding gives exactly the data or a DnaReadsError.
test("property: any data, options and channel: the data exactly, or a DnaReadsError (never wrong bytes)", () => {
  const cases = fc.record({
    data: fc.oneof(
      fc.uint8Array({ maxLength: 800 }),
      fc.int32Array({ maxLength: 100 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 1000 }).map((a) => Uint8Array.from(a)),
    ),
    payload: fc.integer({ min: 8, max: 36 }),
    innerParity: fc.integer({ min: 0, max: 10 }),
    redundancy: fc.constantFrom(0, 0.05, 0.2, 0.5),
    // Mostly channels the codes are meant for, some far beyond them.
    coverage: fc.constantFrom(1, 4, 8, 8),
    sub: fc.constantFrom(0, 0.003, 0.01, 0.1),
    indel: fc.constantFrom(0, 0.001, 0.001, 0.05),
    dropout: fc.constantFrom(0, 0.02, 0.02, 0.3),
    seed: fc.nat(),
    // A channel well within what the codes are for: 10× coverage, 0.3% substitutions, 0.05% indels, 2% dropout.
    mild: fc.boolean(),
  });
  let exact = 0,
    mild = 0;
  fc.assert(
    fc.property(cases, (c) => {
      const innerParity = Math.max(c.innerParity, 25 - c.payload, c.mild ? 4 : 0);
      const redundancy = c.mild ? Math.max(c.redundancy, 0.2) : c.redundancy;
      const { oligos } = encodeOligos(c.data, { payload: c.payload, innerParity, redundancy });
      const channel = c.mild
        ? { coverage: 10, sub: 0.003, ins: 0.0005, del: 0.0005, dropout: 0.02, seed: c.seed }
        : { coverage: c.coverage, sub: c.sub, ins: c.indel, del: c.indel, dropout: c.dropout, seed: c.seed };
      const reads = simulateReads(oligos, channel);
      mild += c.mild ? 1 : 0;
      try {
        const decoded = decodeOligos(reads);
        assert.ok(same(decoded.data, c.data), "decoded data differ");
        exact++;
      } catch (error) {
        if (!(error instanceof DnaReadsError) || c.mild) throw error;
      }
    }),
    { numRuns: 40, seed: 27 },
  );
  assert.ok(mild >= 10 && exact >= mild, `${mild} mild channels of 40, ${exact} exact decodes`);
});

test.run();
