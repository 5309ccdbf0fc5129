import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseOmicsCsv } from "../src/index.ts";

const test = suite("omics CSV reader");

test("reads features × samples as samples × features", () => {
  const table = parseOmicsCsv("Name;s1;s2;s3\nLabel;1;2;1\nglucose;1.5;2;-3\nlactate;4;5e-1;6\n");
  assert.equal(table.sampleIds, ["s1", "s2", "s3"]);
  assert.equal(table.labels, ["1", "2", "1"]);
  assert.equal(table.featureNames, ["glucose", "lactate"]);
  assert.is(table.samples, 3);
  assert.is(table.features, 2);
  assert.equal(Array.from(table.data), [1.5, 4, 2, 0.5, -3, 6]);
});

test("malformed files are SyntaxErrors naming the line", () => {
  assert.throws(() => parseOmicsCsv("Sample;a\nLabel;1\nf;1"), /line 1 must start with 'Name'/);
  assert.throws(() => parseOmicsCsv("Name;a;b\nLabel;1;2\nf;1"), /line 3: 1 values for 2 samples/);
  assert.throws(() => parseOmicsCsv("Name;a;b\nLabel;1;2\nf;1;x"), /line 3, sample 2: 'x' is not a finite number/);
  assert.throws(() => parseOmicsCsv("Name;a\nLabel;1"), SyntaxError);
  assert.throws(() => parseOmicsCsv(42 as unknown as string), TypeError);
});

test.run();
