// The user's own omics table, as it comes: missing cells, annotation columns, unlabelled rows.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DataError, parseTable } from "../src/io/table.ts";

const test = suite("table columns and missing cells");

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.instance(error, DataError);
    return (error as Error).message;
  }
  return assert.unreachable("no DataError") as never;
}

test("every NA spelling reads as NaN with allowMissing", () => {
  const spellings = ["", "NA", "NaN", "nan", "N/A", "null", "#N/A", ".", "na", "NULL", "#n/a"];
  const text = `a,b,label\n${spellings.map((cell, i) => `${cell},${i},${i % 2 ? "x" : "y"}`).join("\n")}\n`;
  const t = parseTable(text, { allowMissing: true });
  assert.is(t.samples, spellings.length);
  for (let s = 0; s < t.samples; s++) {
    assert.ok(Number.isNaN(t.data[s * 2]), spellings[s]);
    assert.is(t.data[s * 2 + 1], s);
  }
  assert.equal(t.missing?.cells, spellings.length);
  assert.equal(t.missing?.rows, spellings.length);
  assert.equal(t.missing?.columns, 1);
  assert.equal(Array.from(t.missing?.perFeature ?? []), [1, 0]);
});

test("without allowMissing: one message counting the missing cells", () => {
  const text = "id,a,b,c,label\ns1,1,,3,x\ns2,NA,2,3,y\ns3,1,2,3,x\ns4,1,2,NaN,y\n";
  assert.is(
    message(() => parseTable(text, { file: "t.csv", idColumn: "id" })),
    't.csv: 3 missing cells in 3 rows and 3 columns (first at row 2, column 3 "b"); ' +
      "set options.allowMissing to read them as NaN, or fill them first",
  );
  // Infinity is not a missing value.
  assert.match(
    message(() => parseTable("a,label\n1,x\ninf,y\n")),
    /'inf' is not a finite number/,
  );
});

test("missing.perFeature is the share of samples missing each feature", () => {
  const t = parseTable("a,b,c,label\n1,,3,x\n,,3,y\n1,2,3,x\n,2,3,y\n", { allowMissing: true });
  assert.equal(Array.from(t.missing!.perFeature), [0.5, 0.5, 0]);
  assert.equal([t.missing!.cells, t.missing!.rows, t.missing!.columns], [4, 3, 2]);
  const omics = parseTable("Name;s1;s2;s3;s4\nLabel;1;1;2;2\nf;1;;3;4\ng;1;2;3;4\n", { allowMissing: true });
  assert.equal(Array.from(omics.missing!.perFeature), [0.25, 0]);
  assert.ok(Number.isNaN(omics.data[2]));
  assert.is(parseTable("a,label\n1,x\n2,y\n").missing, undefined);
});

test("naValues replaces the default list (an empty cell is always missing)", () => {
  const t = parseTable("a,b,label\n-999,1,x\n2,,y\n", { allowMissing: true, naValues: ["-999"] });
  assert.ok(Number.isNaN(t.data[0]) && Number.isNaN(t.data[3]));
  assert.match(
    message(() => parseTable("a,label\nNA,x\n2,y\n", { allowMissing: true, naValues: ["-999"] })),
    /row 2, column 1 \("a"\): 'NA' is not a number/,
  );
});

test("ignoreColumns drops columns; unknown names list the columns", () => {
  const text = "SampleID,Group,Sex,Batch,g1,g2\ns1,A,F,b1,1,2\ns2,B,M,b2,3,4\n";
  const options = { labelColumn: "Group", idColumn: "SampleID" };
  const t = parseTable(text, { ...options, ignoreColumns: ["Sex", "Batch"] });
  assert.equal(t.featureNames, ["g1", "g2"]);
  assert.equal(Array.from(t.data), [1, 2, 3, 4]);
  assert.match(
    message(() => parseTable(text, { ...options, ignoreColumns: ["Sex", "Age"] })),
    /no column "Age" to ignore; the columns are "SampleID", "Group", "Sex", "Batch", "g1", "g2"/,
  );
});

test("featureColumns by name or regex; the label and id columns are never features", () => {
  const text = "SampleID,Group,Sex,g1,g2,h1\ns1,A,F,1,2,5\ns2,B,M,3,4,6\n";
  const options = { labelColumn: "Group", idColumn: "SampleID" };
  assert.equal(parseTable(text, { ...options, featureColumns: ["g2", "h1", "Group"] }).featureNames, ["g2", "h1"]);
  const t = parseTable(text, { ...options, featureColumns: /^g\d$/ });
  assert.equal(t.featureNames, ["g1", "g2"]);
  assert.equal(Array.from(t.data), [1, 2, 3, 4]);
  // A global regex is not stateful here: every name is tested from its start.
  assert.equal(parseTable(text, { ...options, featureColumns: /^G\d$/gi }).featureNames, ["g1", "g2"]);
  assert.match(
    message(() => parseTable(text, { ...options, featureColumns: /^zz/ })),
    /no column matches \/\^zz\//,
  );
  // The omics layout applies them to feature names.
  const omics = "Name;s1;s2\nLabel;1;2\nf;1;2\ng;3;4\nh;5;6\n";
  assert.equal(parseTable(omics, { ignoreColumns: ["g"] }).featureNames, ["f", "h"]);
  assert.equal(parseTable(omics, { featureColumns: /^[gh]$/ }).featureNames, ["g", "h"]);
});

test("every non-numeric column at once, in one message", () => {
  const text = "SampleID,Group,Sex,Batch,Site,g1\ns1,A,F,b1,Paris,1\ns2,B,M,b2,Lyon,2\n";
  assert.is(
    message(() => parseTable(text, { file: "t.csv", labelColumn: "Group", idColumn: "SampleID" })),
    "t.csv, row 1: 3 columns are not numeric: \"Sex\" ('F' at row 2), \"Batch\" ('b1' at row 2), " +
      '"Site" (\'Paris\' at row 2); leave them out with options.ignoreColumns ["Sex","Batch","Site"]',
  );
});

test("dropUnlabelled drops and counts rows without a label", () => {
  const text = "a,label\n1,x\n2,\n3,y\n4,NA\n5,x\n";
  assert.match(
    message(() => parseTable(text)),
    /row 3, column 2 \("label"\): the label is empty/,
  );
  const t = parseTable(text, { dropUnlabelled: true });
  assert.is(t.droppedUnlabelled, 2);
  assert.equal(Array.from(t.data), [1, 3, 5]);
  assert.equal(t.sampleIds, ["2", "4", "6"]);
  assert.equal(t.labels, ["x", "y", "x"]);
  assert.is(parseTable("a,label\n1,x\n2,y\n").droppedUnlabelled, 0);
  const omics = parseTable("Name;s1;s2;s3\nLabel;1;NA;2\nf;1;2;3\n", { dropUnlabelled: true });
  assert.equal([omics.sampleIds, Array.from(omics.data), omics.droppedUnlabelled], [["s1", "s3"], [1, 3], 1]);
});

test.run();
