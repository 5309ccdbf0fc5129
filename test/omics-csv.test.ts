import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseOmicsCsv } from "../src/index.ts";
import { DataError } from "../src/io/table.ts";

const test = suite("omics CSV reader");

test("reads features × samples as samples × features", () => {
  const table = parseOmicsCsv("Name;s1;s2;s3\nLabel;1;2;1\nglucose;1.5;2;-3\nlactate;4;5e-1;6\n");
  assert.equal(table.sampleIds, ["s1", "s2", "s3"]);
  assert.equal(table.labels, ["1", "2", "1"]);
  assert.equal(table.classes, ["1", "2"]);
  assert.equal(Array.from(table.y), [0, 1, 0]);
  assert.equal(table.featureNames, ["glucose", "lactate"]);
  assert.is(table.samples, 3);
  assert.is(table.features, 2);
  assert.equal(Array.from(table.data), [1.5, 4, 2, 0.5, -3, 6]);
});

test("another separator can be named", () => {
  assert.equal(Array.from(parseOmicsCsv("Name,s1,s2\nLabel,a,b\nf,1,2\n", ",").data), [1, 2]);
});

test("malformed files are DataErrors naming the row and column", () => {
  assert.throws(
    () => parseOmicsCsv("Sample;a;b\nLabel;1;2\nf;1;2"),
    (e: unknown) =>
      e instanceof DataError &&
      e.row === 1 &&
      /^row 1, column 1: an omics table starts with a Name row/.test(e.message),
  );
  assert.throws(() => parseOmicsCsv("Name;a;b\nLabel;1;2\nf;1"), /^row 3: 2 cells where the Name row \(row 1\) has 3$/);
  assert.throws(() => parseOmicsCsv("Name;a;b\nLabel;1;2\nf;1;x"), /^row 3, column 3 \("b"\): 'x' is not a number$/);
  assert.throws(
    () => parseOmicsCsv("Name;a\nLabel;1"),
    (e: unknown) => e instanceof DataError,
  );
  assert.throws(
    () => parseOmicsCsv(42 as unknown as string),
    (e: unknown) => e instanceof TypeError,
  );
});

test.run();
