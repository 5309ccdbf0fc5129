// parseTableStream against parseTable (fast-check): random tables, messy on purpose (quotes across lines, CRLF and
// lone CR, blank lines, a byte-order mark, missing values, text columns, rows of the wrong width), read with random
// options and cut into chunks at random places (1-byte chunks included, characters cut in two): the same
// LabelledTable, or the same error, as parseTable on the whole text.
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  DataError,
  decodeText,
  type LabelledTable,
  type ParseTableOptions,
  parseTable,
  parseTableStream,
  TableTextReader,
} from "../src/index.ts";

const test = suite("parseTableStream: parseTable's table, a chunk at a time");

const FILE = "stream.csv";

/** A table's every field, NaN and -0 kept apart, so that two reads compare exactly. */
function fields(table: LabelledTable): string {
  return JSON.stringify(table, (_, value) =>
    value instanceof Float64Array || value instanceof Int32Array
      ? Array.from(value, (v) => (Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v))
      : value,
  );
}

type Outcome = { table: string } | { error: string };

function outcome(read: () => LabelledTable): Outcome {
  try {
    return { table: fields(read()) };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error: `${error.constructor.name}: ${error.message}` };
  }
}

async function outcomeOf(read: () => Promise<LabelledTable>): Promise<Outcome> {
  try {
    return { table: fields(await read()) };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error: `${error.constructor.name}: ${error.message}` };
  }
}

/** `whole` cut before each of `cuts` (positions taken modulo its length). */
function cut<T extends string | Uint8Array>(whole: T, cuts: number[]): T[] {
  const at = [...new Set(cuts.map((c) => (whole.length ? c % whole.length : 0)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let start = 0;
  for (const end of [...at, whole.length]) {
    pieces.push(whole.slice(start, end) as T);
    start = end;
  }
  return pieces;
}

/** Resolves to the error `run` rejects with, which must match `expected`. */
async function rejects(run: () => Promise<unknown>, expected: RegExp | (new (...args: never[]) => Error)) {
  try {
    await run();
  } catch (error) {
    if (expected instanceof RegExp) assert.match((error as Error).message, expected);
    else assert.instance(error, expected);
    return;
  }
  assert.unreachable("no error");
}

const bytesOf = (length: number, at: (i: number) => Uint8Array) => () => Array.from({ length }, (_, i) => at(i));

// Cells that mean something to a CSV reader: mostly numbers, so that most tables are read and compared whole.
const cell = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom("1", "-2.5", "3e2", "0", ".5", " 7 ", "1,5", "-0", "12345.678") },
  { weight: 3, arbitrary: fc.constantFrom("", "NA", "nan", ".", "null", "#N/A", "-") },
  { weight: 3, arbitrary: fc.constantFrom('"1"', '"2,5"', '"3\n"', '" 4\r\n"', '"1""', '"4"x', ' "5"', '""') },
  { weight: 1, arbitrary: fc.constantFrom("Control", "a b", "café", "Ω", "1e999", '"line\nbreak"', '"q""uote"') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const label = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("a", "b", "1", "1.0", "ctl", '"b"', "é") },
  { weight: 1, arbitrary: fc.constantFrom("", "NA", '"a"x') },
);

/** A table and options that mostly fit it (its columns), sometimes not. */
const messyTable = fc
  .record({
    omics: fc.boolean(),
    delimiter: fc.constantFrom(",", ";", "\t"),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    bom: fc.boolean(),
    trailing: fc.constantFrom("", "\n", "\r\n", "\n\n"),
    // Blank lines before the header: the separator is detected on the first line holding something.
    lead: fc.constantFrom("", "", "\n", " \r\n\t\n", "\r\r\n  \n"),
    names: fc.shuffledSubarray(["id", "f1", "f2", "f3", "F3", "g", "Sex"], { minLength: 1 }),
    badName: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, fc.constantFrom("", "f1", "label")),
    rows: fc.array(
      fc.record({
        cells: fc.array(cell, { minLength: 7, maxLength: 7 }),
        label,
        id: fc.constantFrom("s1", "s2", '"s,3"', "NA"),
        sex: fc.constantFrom("M", "F", ""),
        shape: fc.nat(60),
      }),
      { maxLength: 8 },
    ),
    options: fc.oneof(
      { weight: 2, arbitrary: fc.record({ allowMissing: fc.boolean(), dropUnlabelled: fc.boolean() }) },
      fc.record(
        {
          format: fc.constantFrom("auto", "csv", "tsv", "omics"),
          delimiter: fc.constantFrom(",", ";", "\t"),
          labelColumn: fc.constantFrom("label", "LABEL", "g", null),
          labelsOptional: fc.boolean(),
          allowMissing: fc.boolean(),
          naValues: fc.constantFrom(["-"], ["NA", "x"], []),
          featureColumns: fc.constantFrom(["f1", "f2"], /^f/, /3$/i, ["nope"]),
          dropUnlabelled: fc.boolean(),
          minClasses: fc.constantFrom(1, 3),
        },
        { requiredKeys: [] },
      ),
    ),
    useId: fc.boolean(),
    clean: fc.boolean(),
    ignoreSex: fc.nat(12),
    formatGiven: fc.nat(5),
  })
  .map(
    ({
      omics,
      delimiter,
      eol,
      bom,
      trailing,
      names,
      badName,
      rows,
      options,
      useId,
      ignoreSex,
      formatGiven,
      clean,
      lead,
    }) => {
      // Half the tables hold only numbers and missing values (quoted or not), to be read whole and compared.
      if (clean) for (const r of rows) r.cells = r.cells.map((c) => (/^ ?"?[\d.e-]*[\r\n]*"?$/.test(c) ? c : "2"));
      const header = [...names, "label"];
      if (badName !== null) header.splice(1, 0, badName);
      const cellOf = (name: string, r: (typeof rows)[number], c: number) =>
        name === "id" ? r.id : name === "Sex" ? r.sex : name === "label" ? r.label : r.cells[c % 7];
      const lines = omics
        ? [
            ["Name", ...rows.map((r, s) => (r.shape === 0 ? "" : `s${s}`))],
            ["Label", ...rows.map((r) => r.label)],
            ...header
              .filter((name) => name !== "label")
              .map((name, f) => [name, ...rows.map((r, s) => (r.shape === 1 && s === f ? "" : r.cells[(f + s) % 7]))]),
          ]
        : [
            header,
            // A row now and then a cell short or long.
            ...rows.map((r) => {
              const cells = header.map((name, c) => cellOf(name, r, c));
              return r.shape === 1 ? cells.slice(1) : r.shape === 2 ? [...cells, "9"] : cells;
            }),
          ];
      const text = lines
        .flatMap((cells, i) => (rows[i]?.shape === 3 ? [cells.join(delimiter), ""] : [cells.join(delimiter)]))
        .join(eol);
      const o: ParseTableOptions = {
        ...(formatGiven === 0 ? {} : { format: undefined, delimiter: undefined }),
        ...options,
        ...(formatGiven > 0 ? { format: "auto", delimiter: undefined } : {}),
        ...(useId && names.includes("id") ? { idColumn: "id" } : {}),
        ...(ignoreSex > 0 && names.includes("Sex") ? { ignoreColumns: ["Sex"] } : {}),
        ...(ignoreSex === 1 ? { ignoreColumns: ["sex", "nope"] } : {}),
        ...(formatGiven > 1 ? { labelColumn: "label", featureColumns: undefined } : {}),
        file: FILE,
      };
      return { text: (bom ? "\uFEFF" : "") + lead + text + trailing, options: o };
    },
  );

test("the same table or the same error, wherever the text is cut (strings)", () => {
  fc.assert(
    fc.property(messyTable, fc.array(fc.nat(), { maxLength: 12 }), ({ text, options: o }, cuts) => {
      const expected = outcome(() => parseTable(text, o));
      for (const pieces of [cut(text, cuts), Array.from(text), [text]]) {
        const got = outcome(() => {
          const reader = new TableTextReader(o);
          for (const piece of pieces) reader.push(piece);
          return reader.finish();
        });
        assert.equal(got, expected, JSON.stringify({ text, o, pieces }));
      }
    }),
    { seed: 19, numRuns: 600 },
  );
});

test("the same table or the same error from bytes: UTF-8 or Windows-1252, characters cut in two", async () => {
  await fc.assert(
    fc.asyncProperty(
      messyTable,
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.constantFrom("utf-8", "latin1", "latin1-late"),
      async ({ text, options: o }, cuts, encoding) => {
        // Windows-1252 bytes, where the table's text allows; "latin1-late": UTF-8 until one Latin-1 byte at the end,
        // so that the reader finds out only after reading non-ASCII text as UTF-8.
        const utf8 = new TextEncoder().encode(text);
        const latin1 = Uint8Array.from(text, (c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 63));
        const bytes =
          encoding === "utf-8" ? utf8 : encoding === "latin1" ? latin1 : Uint8Array.from([...utf8, 0x0a, 0xe9]);
        const expected = outcome(() => parseTable(decodeText(bytes), o));
        const pieces = cut(bytes, cuts);
        for (const source of [
          () => pieces,
          bytesOf(bytes.length, (i) => bytes.subarray(i, i + 1)),
          new Blob([bytes as Uint8Array<ArrayBuffer>]),
        ]) {
          const got = await outcomeOf(() => parseTableStream(source, o));
          assert.equal(got, expected, JSON.stringify({ text, o, encoding, cuts }));
        }
      },
    ),
    { seed: 22, numRuns: 300 },
  );
});

test("a quoted cell, a CRLF and a byte-order mark cut across chunks", async () => {
  const text = '\uFEFFid;"f""1";label\r\n"s\r\n1";"1,5";a\r\ns2;2;b\r\n';
  const bytes = new TextEncoder().encode(text);
  for (let size = 1; size <= bytes.length; size++) {
    const pieces = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size),
    );
    const table = await parseTableStream(() => pieces, { idColumn: "id" });
    assert.equal(table.featureNames, ['f"1']);
    assert.equal(table.sampleIds, ["s\r\n1", "s2"]);
    assert.equal(Array.from(table.data), [1.5, 2]);
  }
});

test("an error names the row and column as parseTable does; a row of the wrong width after it comes first", async () => {
  const bad = "a,label\n1,x\nNaN?,y\n";
  await rejects(
    () => parseTableStream(new Blob([bad]), { file: FILE }),
    /stream\.csv, row 3, column 1 \("a"\): 'NaN\?' is not a number/,
  );
  // The missing label (row 2) is reported only once no row has the wrong width, as parseTable does.
  const both = "a,label\n1,\n2,x\n3,y,4\n";
  assert.throws(() => parseTable(both, { file: FILE }), /row 4: 3 cells where the header \(row 1\) has 2/);
  await rejects(() => parseTableStream(() => [both.slice(0, 9), both.slice(9)], { file: FILE }), /row 4: 3 cells/);
});

test("a stream of a million cells is read with the same numbers", async () => {
  // 2,000 rows × 500 columns, in chunks of 64 kB: the blocks of rows are copied into one array in order.
  const features = 500;
  const rows = 2000;
  const header = `${Array.from({ length: features }, (_, f) => `f${f}`).join(",")},label\n`;
  const line = (r: number) =>
    `${Array.from({ length: features }, (_, f) => ((r * 31 + f * 7) % 97) / 8).join(",")},${r % 3}\n`;
  const text = header + Array.from({ length: rows }, (_, r) => line(r)).join("");
  const bytes = new TextEncoder().encode(text);
  const table = await parseTableStream(() =>
    cut(
      bytes,
      Array.from({ length: 200 }, (_, i) => i * 65536),
    ),
  );
  assert.is(table.samples, rows);
  assert.is(table.features, features);
  for (const [r, f] of [
    [0, 0],
    [1999, 499],
    [777, 123],
    [1024, 0],
  ])
    assert.is(table.data[r * features + f], ((r * 31 + f * 7) % 97) / 8);
  assert.is(fields(table), fields(parseTable(text)));
});

test("bad arguments are TypeErrors and RangeErrors", async () => {
  await rejects(() => parseTableStream("a,b" as unknown as Blob), TypeError);
  await rejects(() => parseTableStream(() => [42 as unknown as Uint8Array]), TypeError);
  assert.throws(() => new TableTextReader({ format: "xlsx" as "csv" }), RangeError);
  assert.throws(() => new TableTextReader().push(1 as unknown as string), TypeError);
  assert.throws(
    () => new TableTextReader({ file: FILE }).finish(),
    (e: unknown) => e instanceof DataError,
  );
});

test.run();
