// previewTable: the web page's column mapping shows a table's first rows as parseTable would read them.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseTable, previewTable } from "../src/io/table.ts";

const test = suite("previewTable");

test("the header and rows are the cells parseTable reads (quotes, trimming, blank lines, BOM)", () => {
  const text = '\uFEFFid,"Group, main",a,b\n\ns1, x ,1,2\n"s 2",y,3,4\n,,,\ns3,"x",5,6\n';
  const preview = previewTable(text);
  assert.equal(preview.header, ["id", "Group, main", "a", "b"]);
  assert.equal(preview.rows, [
    ["s1", "x", "1", "2"],
    ["s 2", "y", "3", "4"],
    ["s3", "x", "5", "6"],
  ]);
  assert.is(preview.delimiter, ",");
  assert.is(preview.omics, false);
  const table = parseTable(text, { labelColumn: "Group, main", idColumn: "id" });
  assert.equal(
    table.sampleIds,
    preview.rows.map((row) => row[0]),
  );
  assert.equal(
    table.labels,
    preview.rows.map((row) => row[1]),
  );
  assert.equal(table.featureNames, preview.header.slice(2));
});

test("only the first rows are returned, and a row cut inside a quoted cell is not", () => {
  const rows = Array.from({ length: 50 }, (_, i) => `${i};"line\none";${i},5`);
  const preview = previewTable(`x;note;v\n${rows.join("\n")}\n`, { rows: 4 });
  assert.is(preview.delimiter, ";");
  assert.is(preview.rows.length, 4);
  assert.equal(preview.rows[0], ["0", "line\none", "0,5"]);
  for (const row of preview.rows) assert.is(row.length, 3);
  assert.equal(previewTable("a,b\n1,2\n", { rows: 10 }).rows, [["1", "2"]]);
  assert.equal(previewTable("", {}), { delimiter: ",", omics: false, header: [], rows: [] });
});

test("the omics layout is recognised as parseTable recognises it", () => {
  const preview = previewTable("Name;s1;s2\nLabel;a;b\nf1;1;2\n");
  assert.is(preview.omics, true);
  assert.equal(preview.header, ["Name", "s1", "s2"]);
  assert.throws(() => previewTable("a", { rows: -1 }), RangeError);
  assert.throws(() => previewTable(3 as unknown as string), TypeError);
});

test.run();
