// Typed columns read by parseTable's rules (tableFromColumns, what the Parquet, Arrow and AnnData readers build on):
// on random tables, the same LabelledTable as parseTable on the same table as CSV, and the same errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { tableFromColumns } from "../src/io/columns.ts";
import { DataError, parseTable } from "../src/io/table.ts";
import { rng } from "./helpers.ts";

const test = suite("tableFromColumns");

type Cell = number | string | null;

function randomTable(random: () => number) {
  const rows = 2 + Math.floor(random() * 30);
  const features = 1 + Math.floor(random() * 6);
  const columns: Record<string, Cell[]> = {
    id: Array.from({ length: rows }, (_, r) => `s${r}`),
    label: Array.from({ length: rows }, (_, r) => (r < 2 ? ["a", "b"][r] : random() < 0.1 ? null : `c${r % 3}`)),
    note: Array.from({ length: rows }, () => (random() < 0.5 ? "x" : "y")),
  };
  for (let f = 0; f < features; f++)
    columns[`f${f}`] = Array.from({ length: rows }, () =>
      // + 0: no -0, which String() writes as "0" (the CSV here could not say -0; a CSV "-0" reads as -0).
      random() < 0.15 ? null : Math.round((random() - 0.5) * 10 ** (1 + Math.floor(random() * 6))) / 100 + 0,
    );
  const names = Object.keys(columns);
  const csv = [
    names.join(","),
    ...Array.from({ length: rows }, (_, r) => names.map((n) => columns[n][r] ?? "").join(",")),
  ];
  return { columns, csv: csv.join("\n") };
}

function same(actual: ReturnType<typeof parseTable>, expected: ReturnType<typeof parseTable>, what: string) {
  for (const key of [
    "sampleIds",
    "labels",
    "classes",
    "featureNames",
    "samples",
    "features",
    "droppedUnlabelled",
  ] as const)
    assert.equal(actual[key], expected[key], `${what}: ${key}`);
  assert.equal(Array.from(actual.y), Array.from(expected.y), `${what}: y`);
  for (let i = 0; i < expected.data.length; i++)
    assert.ok(Object.is(actual.data[i], expected.data[i]), `${what}: value ${i}`);
  assert.equal(actual.missing?.cells, expected.missing?.cells, `${what}: missing`);
}

test("random tables: the same table as parseTable on their CSV", () => {
  const random = rng(1919);
  for (let trial = 0; trial < 60; trial++) {
    const { columns, csv } = randomTable(random);
    const options = { idColumn: "id", ignoreColumns: ["note"], allowMissing: true, dropUnlabelled: true };
    same(tableFromColumns(columns, options), parseTable(csv, options), `trial ${trial}`);
    const regex = { ...options, featureColumns: /^f[02]$/ };
    same(tableFromColumns(columns, regex), parseTable(csv, regex), `trial ${trial} (featureColumns)`);
  }
});

test("the same errors: annotation columns listed, missing cells counted, unknown columns named", () => {
  const columns = { label: ["a", "b", "a"], site: ["x", "y", "x"], g: [1, null, 3] };
  const csv = "label,site,g\na,x,1\nb,y,\na,x,3";
  const fail = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      assert.instance(error, DataError);
      return (error as Error).message;
    }
    assert.unreachable("no error");
    return "";
  };
  assert.match(
    fail(() => tableFromColumns(columns)),
    /the column "site" \('x' at row 1\) is not numeric/,
  );
  assert.match(
    fail(() => tableFromColumns(columns, { ignoreColumns: ["site"] })),
    /^1 missing cell in 1 row/,
  );
  assert.match(
    fail(() => parseTable(csv, { ignoreColumns: ["site"] })),
    /^1 missing cell in 1 row/,
  );
  assert.match(
    fail(() => tableFromColumns(columns, { ignoreColumns: ["nope"] })),
    /no column "nope" to ignore/,
  );
  assert.throws(() => tableFromColumns({ a: [1, 2], b: [1] }), RangeError);
  assert.throws(() => tableFromColumns({ a: [true, false] as unknown as number[] }), TypeError);
});

test.run();
