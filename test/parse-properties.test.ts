// The table reader on untrusted bytes (fast-check): random bytes and mutations of valid CSV, TSV and omics
// tables. Each input either parses into a consistent table or throws a DataError that names the file; never
// an engine error, never a partial table, and never in more time than its size justifies.
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assertWithinUnits } from "./timing.ts";
import { DataError, decodeText, parseTable } from "../src/index.ts";

const test = suite("parseTable on random and mutated input (fast-check)");

const FILE = "input.csv";

/** A valid table in one of the three layouts, from seeded-by-fast-check numbers and labels. */
const validTable = fc
  .record({
    layout: fc.constantFrom("csv", "tsv", "omics"),
    samples: fc.integer({ min: 2, max: 8 }),
    features: fc.integer({ min: 1, max: 6 }),
    values: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 48, maxLength: 48 }),
    labels: fc.array(fc.constantFrom("a", "b", "1", "2.0", "ctl"), { minLength: 8, maxLength: 8 }),
  })
  .filter(({ samples, labels }) => new Set(labels.slice(0, samples).map((l) => (l === "2.0" ? "2" : l))).size >= 2)
  .map(({ layout, samples, features, values, labels }) => {
    const value = (s: number, f: number) => String(values[(s * features + f) % values.length]);
    const sep = layout === "csv" ? "," : layout === "tsv" ? "\t" : ";";
    const lines =
      layout === "omics"
        ? [
            ["Name", ...Array.from({ length: samples }, (_, s) => `s${s}`)],
            ["Label", ...Array.from({ length: samples }, (_, s) => labels[s])],
            ...Array.from({ length: features }, (_, f) => [
              `f${f}`,
              ...Array.from({ length: samples }, (_, s) => value(s, f)),
            ]),
          ]
        : [
            [...Array.from({ length: features }, (_, f) => `f${f}`), "label"],
            ...Array.from({ length: samples }, (_, s) => [
              ...Array.from({ length: features }, (_, f) => value(s, f)),
              labels[s],
            ]),
          ];
    return lines.map((cells) => cells.join(sep)).join("\n") + "\n";
  });

/** Edits a parser must survive: characters that mean something to CSV, junk, deletions, duplications. */
const mutation = fc.oneof(
  fc.record({
    at: fc.nat(),
    insert: fc.constantFrom(
      '"',
      ",",
      ";",
      "\t",
      "\n",
      "\r",
      "\r\n",
      '""',
      "NA",
      "1e999",
      "-",
      "\uFEFF",
      "\u0000",
      "\u00e9",
    ),
  }),
  fc.record({ at: fc.nat(), insert: fc.string({ maxLength: 6 }) }),
  fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ at: fc.nat(), repeat: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(text: string, edits: Array<{ at: number; insert?: string; remove?: number; repeat?: number }>): string {
  for (const edit of edits) {
    const at = text.length ? edit.at % (text.length + 1) : 0;
    if (edit.insert !== undefined) text = text.slice(0, at) + edit.insert + text.slice(at);
    else if (edit.remove !== undefined) text = text.slice(0, at) + text.slice(at + edit.remove);
    // A run of the text repeated: long rows, many rows, wide headers.
    else text = text.slice(0, at) + text.slice(at, at + 20).repeat(edit.repeat!) + text.slice(at);
  }
  return text;
}

/** Parses, and checks that what came back is whole and consistent, or that the error is the documented one. */
function parsesOrNamesTheFile(text: string): void {
  const parses = () => {
    try {
      const t = parseTable(text, { file: FILE });
      assert.is(t.data.length, t.samples * t.features, "data is samples × features");
      assert.is(t.sampleIds.length, t.samples);
      assert.is(t.featureNames.length, t.features);
      assert.is(t.y.length, t.samples);
      assert.ok(t.classes.length >= 2, "a labelled table has two classes");
      assert.ok(new Set(t.featureNames).size === t.features, "feature names distinct");
      for (let i = 0; i < t.data.length; i++)
        if (!Number.isFinite(t.data[i])) assert.unreachable(`data[${i}] = ${t.data[i]}`);
      for (let i = 0; i < t.y.length; i++)
        if (!(t.y[i] >= 0 && t.y[i] < t.classes.length)) assert.unreachable(`y[${i}] = ${t.y[i]}`);
    } catch (error) {
      if (error instanceof assert.Assertion) throw error;
      if (!(error instanceof DataError)) throw new Error(`not a DataError: ${(error as Error)?.stack ?? error}`);
      assert.ok(error.message.startsWith(`${FILE}`), `the message names the file: ${error.message}`);
      assert.ok(error.message.length < 600, "one readable line");
    }
  };
  // Linear in the text: ≤ 2 units of test/timing.ts (~0.12 ms each) for these texts, ~0.0002 per character (20 kB
  // in 1-4); a bound 100× the per-character cost that only a blow-up (quadratic, backtracking) crosses.
  assertWithinUnits(parses, 100 + text.length / 50, `parsing ${text.length} characters`);
}

test("valid tables parse, whatever the layout", () => {
  fc.assert(
    fc.property(validTable, (text) => {
      const t = parseTable(text, { file: FILE });
      assert.ok(t.samples >= 2 && t.features >= 1);
    }),
    { seed: 18, numRuns: 100 },
  );
});

test("mutated tables parse consistently or throw a DataError naming the file", () => {
  fc.assert(
    fc.property(validTable, fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, edits) =>
      parsesOrNamesTheFile(mutate(text, edits)),
    ),
    {
      seed: 1818,
      numRuns: 400,
    },
  );
});

test("random bytes, decoded as a file is: a DataError or a table, never an engine error", () => {
  const bytes = fc.uint8Array({ maxLength: 400 });
  const texty = fc.array(fc.constantFrom(...Array.from('0123456789.,;\t\n"-eE abNAlabel', (c) => c.charCodeAt(0))), {
    maxLength: 400,
  });
  fc.assert(
    fc.property(
      fc.oneof(
        bytes,
        texty.map((codes) => Uint8Array.from(codes)),
      ),
      (b) => parsesOrNamesTheFile(decodeText(b)),
    ),
    {
      seed: 181818,
      numRuns: 400,
    },
  );
});

test.run();
