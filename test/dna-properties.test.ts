// decodeDna on damaged and hostile .dna text (fast-check): real encodings of small inputs, every code, constrained
// or not, various oligo lengths, then characters flipped, inserted or deleted, lines cut, duplicated or dropped,
// header numbers made huge, negative or not numbers, junk added. Every case decodes to exactly the original data or
// is a DnaFormatError with a line; never an engine error, never a wrong answer, and never time (or memory: the
// maxBytes given is proportional to the text) beyond a bound.
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assertWithinUnits } from "./timing.ts";
import { CODE_KINDS, decodeDna, DnaFormatError, encodeDna } from "../src/dna/index.ts";

const test = suite("dna: decoding mutated .dna text (fast-check)");

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 300 }).map((a) => Uint8Array.from(a)),
  // One symbol: the empty codeword, no nucleotides at all.
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 60 }))
    .map(([b, n]) => new Uint8Array(n).fill(b)),
);
const integers = fc.oneof(
  fc.int32Array({ maxLength: 80 }),
  fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 200 }).map((a) => Int32Array.from(a)),
);
const encodings = fc
  .record({
    data: fc.oneof(bytes, integers),
    code: fc.constantFrom(...CODE_KINDS),
    constrained: fc.boolean(),
    oligo: fc.nat(),
  })
  .map(({ data, code, constrained, oligo }) => {
    const options = { code, constrained, oligo: constrained ? 20 + (oligo % 181) : 1 + (oligo % 120) };
    return { data, text: encodeDna(data, options).text };
  });

const HEADER_FIELDS = ["alphabet", "code", "symbols", "digits", "crc32", "constrained", "oligo", "table"];
const hostileValues = fc.oneof(
  fc.constantFrom(
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 40,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    1e308,
    -1,
    -(2 ** 31),
    0,
    0.5,
  ),
  fc.constantFrom("x", "", "00000000", "ffffffff", null, true, false, [], {}, [[0, [0]]], [[1e9, [1]]], [[0, [1, 2]]]),
  fc.integer({ min: -5, max: 5000 }),
  fc.string({ maxLength: 12 }),
);
// Counts a header may claim: what a size bomb or an allocation of the claim would need.
const hugeCounts = fc.option(fc.constantFrom(2 ** 31 - 1, 524_288_000, 2 ** 40, Number.MAX_SAFE_INTEGER, 1e6), {
  nil: undefined,
});
const characters = fc.constantFrom(...'ACGTN\n\r {}[],:"0123456789-.e#');
const mutation = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("flip"), at: fc.nat(), char: characters }), weight: 2 },
  // A substitution inside the nucleotides (the header is most of a small file's characters).
  {
    arbitrary: fc.record({ kind: fc.constant("substitute"), at: fc.nat(), char: fc.constantFrom(..."ACGT") }),
    weight: 2,
  },
  fc.record({ kind: fc.constant("insert"), at: fc.nat(), text: fc.oneof(characters, fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant("delete"), at: fc.nat(), count: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom("duplicate line", "drop line"), at: fc.nat() }),
  fc.record({ kind: fc.constant("junk"), text: fc.string({ maxLength: 40 }) }),
  {
    arbitrary: fc.record({
      kind: fc.constant("header"),
      field: fc.constantFrom(...HEADER_FIELDS),
      value: hostileValues,
    }),
    weight: 2,
  },
  fc.record({
    kind: fc.constant("nudge"),
    field: fc.constantFrom("symbols", "digits", "oligo"),
    by: fc.integer({ min: -3, max: 3 }),
  }),
  {
    arbitrary: fc.record({ kind: fc.constant("claims"), symbols: hugeCounts, digits: hugeCounts, oligo: hugeCounts }),
    weight: 2,
  },
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = "at" in m ? m.at % (text.length + 1) : 0;
  const lines = text.split("\n");
  const line = "at" in m ? m.at % lines.length : 0;
  switch (m.kind) {
    case "flip":
      return text.slice(0, at) + m.char + text.slice(at + 1);
    case "insert":
      return text.slice(0, at) + m.text + text.slice(at);
    case "delete":
      return text.slice(0, at) + text.slice(at + m.count);
    case "truncate":
      return text.slice(0, at);
    case "duplicate line":
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join("\n");
    case "drop line":
      return [...lines.slice(0, line), ...lines.slice(line + 1)].join("\n");
    case "junk":
      return text + m.text;
    case "substitute": {
      if (lines.length < 3) return text; // no nucleotides: the last "line" is the empty one after the final break
      const row = 1 + (m.at % (lines.length - 2)),
        column = m.at % (lines[row].length || 1);
      lines[row] = lines[row].slice(0, column) + m.char + lines[row].slice(column + 1);
      return lines.join("\n");
    }
    case "nudge":
    case "claims":
    case "header": {
      const start = lines[0].indexOf("{");
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(lines[0].slice(start));
      } catch {
        return text; // an earlier mutation broke the header's JSON already
      }
      if (typeof header !== "object" || header === null) return text;
      if (m.kind === "claims")
        for (const field of ["symbols", "digits", "oligo"] as const) header[field] = m[field] ?? header[field];
      else header[m.field] = m.kind === "nudge" ? (header[m.field] as number) + m.by : m.value;
      return [lines[0].slice(0, start) + JSON.stringify(header), ...lines.slice(1)].join("\n");
    }
  }
}

// What a decoder leaking its engine would say; none may get through, even wrapped in a DnaFormatError.
const ENGINE = new RegExp(
  "call stack|out of bounds|is not a (function|constructor)|is not iterable|" +
    "Invalid (typed )?array length|of undefined|of null",
);

test("each mutation decodes to exactly the original or is a DnaFormatError with a line, within a time bound", () => {
  fc.assert(
    fc.property(encodings, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ data, text }, mutations) => {
      const damaged = mutations.reduce(mutate, text);
      const decodes = () => {
        try {
          const decoded = decodeDna(damaged, { maxBytes: 16 * damaged.length });
          assert.is(decoded.data.constructor, data.constructor);
          assert.equal(decoded.data, data);
        } catch (error) {
          if (!(error instanceof DnaFormatError)) throw error;
          assert.ok(Number.isInteger(error.line) && error.line! >= 1, `no line: ${error.message}`);
          assert.not.match(error.message, ENGINE);
        }
      };
      // A case is ~0.1-2 units of test/timing.ts (~0.12 ms each, unloaded); the bound, ~120 ms unloaded, is as far
      // below the seconds of work proportional to a claim (digits, oligo up to 2^52) as the old 1000 ms.
      assertWithinUnits(decodes, 1000, `decoding ${damaged.length} characters`);
    }),
    { seed: 20240607, numRuns: 500 },
  );
});

test.run();
