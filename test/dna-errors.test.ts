// The DNA API's refusals: arguments of the wrong type or range are a TypeError or RangeError naming the argument,
// and a .dna text whose header claims more than its nucleotides hold is a DnaFormatError before anything is
// allocated for the claim.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  crc32, decodeDna, DEFAULT_MAX_BYTES, DnaFormatError, DnaScreeningError, encodeDna, MAX_OLIGO, MIN_OLIGO, screenOligo,
} from "../src/dna/index.ts";

const test = suite("dna: argument and header checks");

/** Asserts `f` throws an error of class `type` whose message matches `says`. */
function throwsNaming(f: () => unknown, type: new (...args: never[]) => Error, says: RegExp): void {
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

/** .dna text with header fields replaced (the header is JSON after the magic). */
function withHeader(text: string, fields: Record<string, unknown>): string {
  const [first, ...rest] = text.split("\n");
  const at = first.indexOf("{");
  return [first.slice(0, at) + JSON.stringify({ ...JSON.parse(first.slice(at)), ...fields }), ...rest].join("\n");
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

/** Asserts decoding is refused with a DnaFormatError on `line` matching `says`, in well under a second. */
function refusedFast(text: string, line: number, says: RegExp, options?: { maxBytes?: number }): void {
  const started = performance.now();
  throwsNaming(() => decodeDna(text, options), DnaFormatError, says);
  try {
    decodeDna(text, options);
  } catch (error) {
    assert.is((error as DnaFormatError).line, line, (error as Error).message);
  }
  const ms = (performance.now() - started) / 2;
  assert.ok(ms < 500, `${ms.toFixed(0)} ms to refuse: work proportional to the claim, not to the file`);
}

test("a one-symbol file (empty codeword) decodes up to maxBytes, default 1 GiB; more is refused at once", () => {
  assert.is(DEFAULT_MAX_BYTES, 2 ** 30);
  const one = encodeDna(new Uint8Array(3).fill(9)).text;
  assert.equal(JSON.parse(one.slice(one.indexOf("{"))).table, [[0, [9]]]);
  const n = 1 << 20;
  const claim = withHeader(one, { symbols: n, crc32: hex8(crc32(new Uint8Array(n).fill(9))) });
  assert.equal(decodeDna(claim, { maxBytes: n }).data, new Uint8Array(n).fill(9));
  refusedFast(claim, 1, /"symbols" .*1048576 bytes.*maxBytes = 1048575/, { maxBytes: n - 1 });
  // The hostile tester's files: 2^31 − 1 symbols (2 GiB) and a wrong CRC, or 500 MiB through a small maxBytes.
  refusedFast(withHeader(one, { symbols: 2 ** 31 - 1, crc32: "00000000" }), 1, /maxBytes = 1073741824/);
  refusedFast(withHeader(one, { symbols: 524_288_000 }), 1, /maxBytes = 1000/, { maxBytes: 1000 });
  // Integers take 4 bytes each.
  const ints = encodeDna(new Int32Array(3).fill(-5)).text;
  const m = 1 << 18;
  const bytes = new Uint8Array(new Int32Array(m).fill(-5).buffer);
  const intClaim = withHeader(ints, { symbols: m, crc32: hex8(crc32(bytes)) });
  assert.equal(decodeDna(intClaim, { maxBytes: 4 * m }).data, new Int32Array(m).fill(-5));
  refusedFast(intClaim, 1, /maxBytes/, { maxBytes: 4 * m - 1 });
});

test("a one-symbol file with a wrong CRC is refused before its data is made", () => {
  const one = encodeDna(new Uint8Array(3).fill(9)).text;
  // 2^22 symbols: the checksum is streamed (milliseconds); the data is never allocated.
  refusedFast(withHeader(one, { symbols: 1 << 22 }), 1, /CRC-32/);
});

test("header claims the nucleotides cannot support are refused before anything is allocated for them", () => {
  const data = new TextEncoder().encode("claims checked against the payload; ".repeat(20));
  const text = encodeDna(data, { oligo: 50 }).text;
  const header = JSON.parse(text.slice(text.indexOf("{"), text.indexOf("\n")));
  // Each symbol takes at least one digit here, so the symbol count is bounded by the digits present.
  refusedFast(withHeader(text, { symbols: 2 ** 31 - 1 }), 1, /"symbols"/);
  // One symbol more is not refuted by counting: the decoder runs out of digits on the last line.
  const lines = text.trimEnd().split("\n").length;
  refusedFast(withHeader(text, { symbols: header.symbols + 1 }), lines, /the digits end inside a codeword/);
  // One line announced as 2^40 digits long.
  refusedFast(withHeader(encodeDna(data, { oligo: 2000 }).text, { digits: 2 ** 40, oligo: 2 ** 40 }), 2, /expected/);
  refusedFast(withHeader(text, { digits: 2 ** 52 }), lines + 1, /the file ends after \d+ lines of nucleotides/);
  // A codeword of 10^9 digits (or of 2^53 − 1): no codeword is longer than the digits of the file.
  refusedFast(withHeader(text, { table: [[1, [1, 2, 3]], [1e9, [4]]] }), 1, /table/);
  refusedFast(withHeader(text, { table: [[Number.MAX_SAFE_INTEGER, [4]]] }), 1, /table/);
  // More table symbols than symbols in the data.
  const table = Array.from({ length: 256 }, (_, s) => s);
  refusedFast(withHeader(text, { table: [[4, table]], symbols: 100 }), 1, /the table has 256 symbols but "symbols"/);
  // Nested 10^5 deep where a string is expected: the message must not recurse into it.
  const deep = "[".repeat(1e5) + "]".repeat(1e5);
  const nested = text.replace('"alphabet":"bytes"', `"alphabet":${deep}`);
  refusedFast(nested, 1, /"alphabet" must be .*; got (an array|\[\[\[)/);
  refusedFast(text.replace('"table":[', `"table":[${deep},`), 1, /"table" entries must be/);
});

test.run();
