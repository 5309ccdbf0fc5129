// The DNA API's refusals: arguments of the wrong type or range are a TypeError or RangeError naming the argument,
// and a .dna text whose header claims more than its nucleotides hold is a DnaFormatError before anything is
// allocated for the claim.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { decodeDna, DnaScreeningError, encodeDna, MAX_OLIGO, MIN_OLIGO, screenOligo } from "../src/dna/index.ts";

const test = suite("dna: argument and header checks");

/** Asserts `f` throws an error of class `type` whose message matches `says`. */
function throwsNaming(f: () => unknown, type: ErrorConstructor, says: RegExp): void {
  try {
    f();
  } catch (error) {
    assert.instance(error, type, String(error));
    assert.match((error as Error).message, says);
    return;
  }
  assert.unreachable(`no ${type.name} (${says})`);
}

const bytes = new TextEncoder().encode("a short file for the oligo range");

test("encodeDna: constrained oligos outside MIN_OLIGO..MAX_OLIGO are a RangeError naming options.oligo", () => {
  assert.is(MIN_OLIGO, 20);
  assert.is(MAX_OLIGO, 200);
  for (const oligo of [MIN_OLIGO - 1, MAX_OLIGO + 1, 300, 1000]) {
    throwsNaming(() => encodeDna(bytes, { constrained: true, oligo }), RangeError, /^options\.oligo .*\b20\b.*\b200\b/);
  }
  for (const oligo of [MIN_OLIGO, MAX_OLIGO]) {
    const data = decodeDna(encodeDna(bytes, { constrained: true, oligo }).text).data;
    assert.equal(data, bytes);
  }
  // Unconstrained lines have no upper bound: one line holds everything.
  assert.equal(decodeDna(encodeDna(bytes, { oligo: 1000 }).text).data, bytes);
  throwsNaming(() => encodeDna(bytes, { oligo: 0 }), RangeError, /^options\.oligo /);
  // What the range keeps encodeDna from: at 1000 nt, 97% of payloads find no seed.
  throwsNaming(() => screenOligo(new Uint8Array(996)), DnaScreeningError, /no seed of 256 gives a 1000-nt oligo/);
});

test.run();
