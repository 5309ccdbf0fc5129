// The DNA API's refusals: arguments of the wrong type or range are a TypeError or RangeError naming the argument,
// and a .dna text whose header claims more than its nucleotides hold is a DnaFormatError before anything is
// allocated for the claim.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assertWithinUnits } from "./timing.ts";
import {
  codeLengths,
  crc32,
  dataBytes,
  decodeDna,
  DEFAULT_MAX_BYTES,
  DnaFormatError,
  DnaScreeningError,
  encodeDna,
  entropy4,
  fromNucleotides,
  gcContent,
  histogram,
  huffmanLengths,
  kraftSum,
  longestRun,
  MAX_OLIGO,
  meanLength,
  meetsConstraints,
  MIN_OLIGO,
  PrefixCode,
  runLengthCapacity,
  screenOligo,
  shannonFanoLengths,
  shannonLengths,
  toNucleotides,
  unscrambleOligo,
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
  const refuse = () => {
    throwsNaming(() => decodeDna(text, options), DnaFormatError, says);
    try {
      decodeDna(text, options);
    } catch (error) {
      assert.is((error as DnaFormatError).line, line, (error as Error).message);
    }
  };
  // In units of test/timing.ts (measured at load 12-14, and with two more busy loops): reading a header is ~1
  // unit; the dearest refusal here, a 2^22-symbol claim's streamed CRC, 12-355. Work proportional to a 2^31 claim:
  // streaming its CRC ≈ 330 × 128 ≈ 42 000 units; only allocating and filling 2 GiB ≈ 50 × 128 ≈ 6 400.
  assertWithinUnits(refuse, 2000, "refusing (work proportional to the claim, not to the file?)");
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
  refusedFast(
    withHeader(text, {
      table: [
        [1, [1, 2, 3]],
        [1e9, [4]],
      ],
    }),
    1,
    /table/,
  );
  refusedFast(withHeader(text, { table: [[Number.MAX_SAFE_INTEGER, [4]]] }), 1, /table/);
  // More table symbols than symbols in the data.
  const table = Array.from({ length: 256 }, (_, s) => s);
  refusedFast(withHeader(text, { table: [[4, table]], symbols: 100 }), 1, /the table has 256 symbols but "symbols"/);
  // Nested 10^5 deep where a string is expected: the message must not recurse into it.
  const deep = "[".repeat(1e5) + "]".repeat(1e5);
  const nested = text.replace('"alphabet":"bytes"', `"alphabet":${deep}`);
  refusedFast(nested, 1, /"alphabet" must be .*; got \[\[\[/);
  refusedFast(text.replace('"table":[', `"table":[${deep},`), 1, /"table" entries must be/);
});

test("every exported function refuses arguments of the wrong type or range, naming the argument", () => {
  const h = new Map([
    [1, 3],
    [2, 1],
  ]);
  const code = new PrefixCode(
    new Map([
      [1, 1],
      [2, 1],
    ]),
  );
  const cases: Array<[() => unknown, new (...args: never[]) => Error, RegExp]> = [
    [() => decodeDna(42 as never), TypeError, /^text must be a string; got number 42$/],
    [() => decodeDna("", "x" as never), TypeError, /^options must be an object/],
    [() => decodeDna("", { maxBytes: "1" as never }), TypeError, /^options\.maxBytes must be a number; got the string/],
    [() => decodeDna("", { maxBytes: -1 }), RangeError, /^options\.maxBytes must be an integer ≥ 0; got -1/],
    [() => encodeDna("hello" as never), TypeError, /^data must be a Uint8Array, .*; got the string "hello"$/],
    [() => encodeDna(new Float64Array(2) as never), TypeError, /^data must be .*; got Float64Array/],
    [() => encodeDna([1, "2"] as never), TypeError, /^data\[1\] must be a number; got the string "2"/],
    [() => encodeDna([1, 2.5]), RangeError, /^data\[1\] is not an integer: 2\.5/],
    [() => encodeDna([1, 2 ** 31]), RangeError, /^data\[1\] is not a 32-bit integer: 2147483648/],
    [() => encodeDna(bytes, 7 as never), TypeError, /^options must be an object/],
    [() => encodeDna(bytes, { code: 5 as never }), TypeError, /^options\.code must be one of .*; got number 5/],
    [() => encodeDna(bytes, { code: "arithmetic" as never }), RangeError, /^options\.code must be one of/],
    [() => encodeDna(bytes, { constrained: "yes" as never }), TypeError, /^options\.constrained must be a boolean/],
    [() => encodeDna(bytes, { oligo: "200" as never }), TypeError, /^options\.oligo must be a number; got the string/],
    [() => encodeDna(bytes, { oligo: 2.5 }), RangeError, /^options\.oligo must be an integer/],
    [() => histogram("abc" as never), TypeError, /^symbols must be an array or typed array of integers; got the/],
    [() => histogram([1, 1.5]), RangeError, /^symbols\[1\] is not an integer: 1\.5/],
    [() => histogram([1, null] as never), TypeError, /^symbols\[1\] must be a number; got null/],
    [() => entropy4(5 as never), TypeError, /^h must be a Map of symbol → count; got number 5/],
    [() => entropy4(new Map([[1, -1]])), RangeError, /^h: the count of symbol 1 must be a number > 0; got -1/],
    [() => entropy4(new Map([[0.5, 1]])), RangeError, /^h: symbol 0\.5 is not an integer/],
    [() => meanLength(h, "x" as never), TypeError, /^lengths must be a Map of symbol → codeword length/],
    [() => meanLength(h, new Map([[1, 1]])), RangeError, /^lengths has no codeword for symbol 2 of h/],
    [() => codeLengths(h, "arithmetic" as never), RangeError, /^kind must be one of huffman, shannon-fano, shannon/],
    [() => codeLengths(null as never, "huffman"), TypeError, /^h must be a Map/],
    [() => huffmanLengths([] as never), TypeError, /^h must be a Map/],
    [() => shannonFanoLengths({} as never), TypeError, /^h must be a Map/],
    [() => shannonLengths(undefined as never), TypeError, /^h must be a Map/],
    [() => kraftSum(null as never), TypeError, /^lengths must be a Map/],
    [() => kraftSum(new Map([[1, -2]])), RangeError, /^lengths: the codeword length of symbol 1 must be an integer/],
    [() => new PrefixCode([[1, 1]] as never), TypeError, /^lengths must be a Map/],
    [() => code.encode("ab" as never), TypeError, /^symbols must be an array/],
    [() => code.encode([1, 3]), RangeError, /^symbols\[1\] = 3 is not in the code/],
    [() => code.decode([0, 1] as never, new Uint8Array(2)), TypeError, /^digits must be a Uint8Array of digits/],
    [() => code.decode(Uint8Array.of(0, 7), new Uint8Array(2)), RangeError, /^digits\[1\] is 7; digits are 0–3/],
    [() => code.decode(Uint8Array.of(0, 1), "ab" as never), TypeError, /^into must be an array or typed array/],
    [() => code.codeword("1" as never), TypeError, /^symbol must be a number; got the string "1"/],
    [() => toNucleotides("ACGT" as never), TypeError, /^digits must be a Uint8Array/],
    [() => toNucleotides(Uint8Array.of(4)), RangeError, /^digits\[0\] is 4; digits are 0–3/],
    [() => fromNucleotides(5 as never), TypeError, /^text must be a string; got number 5/],
    [() => longestRun([0, 0] as never), TypeError, /^digits must be a Uint8Array/],
    [() => gcContent(Uint8Array.of(1, 9)), RangeError, /^digits\[1\] is 9/],
    [() => meetsConstraints(null as never), TypeError, /^digits must be a Uint8Array/],
    [() => runLengthCapacity("3" as never), TypeError, /^maxRun must be a number; got the string "3"/],
    [() => runLengthCapacity(0), RangeError, /^maxRun must be an integer ≥ 1; got 0/],
    [() => screenOligo("ACGT" as never), TypeError, /^payload must be a Uint8Array/],
    [() => screenOligo(Uint8Array.of(5)), RangeError, /^payload\[0\] is 5/],
    [() => unscrambleOligo(Uint8Array.of(1, 2)), RangeError, /^oligo must hold at least 4 digits \(the seed\); got 2/],
    [() => unscrambleOligo({} as never), TypeError, /^oligo must be a Uint8Array/],
    [() => crc32("abc" as never), TypeError, /^bytes must be a Uint8Array; got the string "abc"/],
    [() => dataBytes([1, 2] as never), TypeError, /^data must be a Uint8Array or an Int32Array; got an array/],
  ];
  for (const [f, type, says] of cases) throwsNaming(f, type, says);
  // And what is valid still works after the refusals.
  assert.equal(decodeDna(encodeDna([1, -2, 3]).text).data, Int32Array.of(1, -2, 3));
  assert.is(runLengthCapacity(), runLengthCapacity(3));
});

test.run();
