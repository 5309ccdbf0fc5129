import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DataError, type DataErrorLocation, decodeText, parseTable, type ParseTableOptions } from "../src/io/table.ts";

const test = suite("labelled table reader");

/** Asserts parseTable throws a DataError with exactly this message and these location fields. */
function rejects(text: string, options: ParseTableOptions, message: string, where: DataErrorLocation) {
  try {
    parseTable(text, options);
  } catch (error) {
    assert.instance(error, DataError);
    const e = error as DataError;
    assert.is(e.name, "DataError");
    assert.is(e.message, message);
    assert.equal(
      { file: e.file, row: e.row, column: e.column, columnName: e.columnName },
      { file: undefined, row: undefined, column: undefined, columnName: undefined, ...where },
    );
    return;
  }
  assert.unreachable(`no DataError for ${JSON.stringify(text)}`);
}

// The head of data/GC_Breast_D_MB.csv, cut to 4 samples and 3 metabolites.
const OMICS = [
  "Name;ERn_train_1;ERn_train_2;ERp_train_1;ERp_train_2",
  "Label;1;1;2;2",
  "1-hexadecanol;11.11209894;9.907074711;11.09342302;10.5",
  "1,2,4-benzenetriol;7.25;8;-1.5e-2;0",
  "adenine;3;4;5;6",
].join("\n");

test("the SAE omics layout is detected and transposed to samples × features", () => {
  const t = parseTable(OMICS);
  assert.equal(t.sampleIds, ["ERn_train_1", "ERn_train_2", "ERp_train_1", "ERp_train_2"]);
  assert.equal(t.labels, ["1", "1", "2", "2"]);
  assert.equal(t.classes, ["1", "2"]);
  assert.equal(Array.from(t.y), [0, 0, 1, 1]);
  assert.equal(t.featureNames, ["1-hexadecanol", "1,2,4-benzenetriol", "adenine"]);
  assert.is(t.samples, 4);
  assert.is(t.features, 3);
  assert.equal(Array.from(t.data), [11.11209894, 7.25, 3, 9.907074711, 8, 4, 11.09342302, -0.015, 5, 10.5, 0, 6]);
  assert.equal(parseTable(OMICS, { format: "omics" }), t);
});

test("omics files tolerate decimal commas, CRLF and padding rows of empty cells", () => {
  const t = parseTable("Name;a;b\r\nLabel;0;1\r\nf;1,5;-2,25e1\r\n;;\r\ng;,5;3\r\n");
  assert.equal(Array.from(t.data), [1.5, 0.5, -22.5, 3]);
  assert.equal(t.featureNames, ["f", "g"]);
});

test("plain CSV: header row, label column by name, every other column a feature", () => {
  const t = parseTable("glucose,label,lactate\n1.5,ERp,4\n2,ERn,5e-1\n-3,ERp,6\n");
  assert.equal(t.featureNames, ["glucose", "lactate"]);
  assert.equal(t.labels, ["ERp", "ERn", "ERp"]);
  assert.equal(t.classes, ["ERn", "ERp"]);
  assert.equal(Array.from(t.y), [1, 0, 1]);
  assert.equal(Array.from(t.data), [1.5, 4, 2, 0.5, -3, 6]);
  // Without an id column a sample is named by its line in the file.
  assert.equal(t.sampleIds, ["2", "3", "4"]);
});

test("numeric labels sort as numbers, others by code unit", () => {
  assert.equal(parseTable("x,label\n1,10\n2,2\n3,1\n").classes, ["1", "2", "10"]);
  assert.equal(Array.from(parseTable("x,label\n1,10\n2,2\n3,1\n").y), [2, 1, 0]);
  assert.equal(parseTable("x,label\n1,b\n2,B\n3,a\n").classes, ["B", "a", "b"]);
});

test("TSV, detected or named", () => {
  const text = "id\tlabel\tf1\tf2\ns1\tA\t1\t2\ns2\tB\t3\t4\n";
  const t = parseTable(text, { idColumn: "id" });
  assert.equal(t.sampleIds, ["s1", "s2"]);
  assert.equal(t.featureNames, ["f1", "f2"]);
  assert.equal(Array.from(t.data), [1, 2, 3, 4]);
  assert.equal(parseTable(text, { format: "tsv", idColumn: "id" }), t);
});

test("semicolons are detected, and then a decimal comma is a decimal point", () => {
  const t = parseTable("label;glucose;lactate\nA;1,5;2\nB;-0,25;1e3\n");
  assert.equal(t.featureNames, ["glucose", "lactate"]);
  assert.equal(Array.from(t.data), [1.5, 2, -0.25, 1000]);
});

test("quoted cells may hold the separator, quotes and line breaks", () => {
  const t = parseTable('"glucose, mmol/L",label,"say ""hi"""\n"1.5","ER, positive",2\n3,"ER\nnegative",4\n');
  assert.equal(t.featureNames, ["glucose, mmol/L", 'say "hi"']);
  assert.equal(t.labels, ["ER, positive", "ER\nnegative"]);
  assert.equal(Array.from(t.data), [1.5, 2, 3, 4]);
  // A comma inside the header's quotes does not outvote its semicolons.
  assert.equal(parseTable('"a,b,c";label\n1;x\n2;y\n').featureNames, ["a,b,c"]);
});

test("CRLF line endings, blank lines and surrounding spaces", () => {
  const t = parseTable("label, a , b\r\n\r\nx, 1 ,2\r\n  \r\ny,3, 4 \r\n\r\n");
  assert.equal(t.featureNames, ["a", "b"]);
  assert.equal(Array.from(t.data), [1, 2, 3, 4]);
  assert.equal(t.sampleIds, ["3", "5"]);
});

test("a byte-order mark is dropped, from text or from bytes", () => {
  const text = "\uFEFFlabel,a\nx,1\ny,2\n";
  assert.equal(parseTable(text).classes, ["x", "y"]);
  const bytes = new TextEncoder().encode(text);
  assert.is(bytes[0], 0xef);
  assert.is(decodeText(bytes), "label,a\nx,1\ny,2\n");
});

test("decodeText: UTF-8 when valid, else Windows-1252 (Latin-1), the same in every runtime", () => {
  assert.is(decodeText(new TextEncoder().encode("café;β")), "café;β");
  // "Label;café;naïve ’93" as an old Excel writes it: é = E9, ï = EF, ’ = 92; 81 is undefined and kept.
  const latin1 = Uint8Array.from([
    0x63, 0x61, 0x66, 0xe9, 0x3b, 0x6e, 0x61, 0xef, 0x76, 0x65, 0x20, 0x92, 0x39, 0x33, 0x80, 0x81,
  ]);
  assert.is(decodeText(latin1), "café;naïve ’93€\u0081");
  const file = Uint8Array.from([
    ...new TextEncoder().encode("label;glucos"),
    0xe9,
    ...new TextEncoder().encode(";lactate\nA;1,5;2\nB;3;4\n"),
  ]);
  assert.equal(parseTable(decodeText(file)).featureNames, ["glucosé", "lactate"]);
  assert.throws(
    () => decodeText("text" as unknown as Uint8Array),
    (e: unknown) => e instanceof TypeError,
  );
});

test("the label column: default 'label' in any case, or named; an exact match wins", () => {
  assert.equal(parseTable("a,LABEL\n1,x\n2,y\n").labels, ["x", "y"]);
  const text = "Class,label,f\nA,0,1\nB,1,2\n";
  const byClass = parseTable(text, { labelColumn: "class" });
  assert.equal(byClass.labels, ["A", "B"]);
  assert.equal(byClass.featureNames, ["label", "f"]);
  const exact = parseTable("Label,label,f\n5,0,1\n6,1,2\n");
  assert.equal(exact.labels, ["0", "1"]);
  assert.equal(exact.featureNames, ["Label", "f"]);
});

test("the id column is matched like the label column and kept out of the features", () => {
  const t = parseTable("Sample,label,f\ns1,A,1\ns2,B,2\n", { idColumn: "sample" });
  assert.equal(t.sampleIds, ["s1", "s2"]);
  assert.equal(t.featureNames, ["f"]);
});

test("the format can be forced", () => {
  // Forced CSV: the semicolon file is one column, so there is no label column.
  rejects(
    "label;a\nx;1\ny;2\n",
    { format: "csv", file: "f.csv" },
    'f.csv, row 1: no label column "label"; the columns are "label;a"',
    { file: "f.csv", row: 1 },
  );
  rejects(
    "Sample;a;b\nLabel;1;2\nf;1;2",
    { format: "omics" },
    'row 1, column 1: an omics table starts with a Name row of sample ids, not "Sample"',
    {
      row: 1,
      column: 1,
    },
  );
  assert.equal(parseTable("a|label\n1|x\n2|y\n".replaceAll("|", ","), { delimiter: "," }).featureNames, ["a"]);
});

test("errors: empty file, no samples, no features", () => {
  rejects("", { file: "e.csv" }, "e.csv: the file is empty", { file: "e.csv" });
  rejects("\n  \r\n;;\n", { file: "e.csv" }, "e.csv: the file is empty", { file: "e.csv" });
  rejects("\uFEFF", {}, "the file is empty", {});
  rejects("label,a,b\n", { file: "d.csv" }, "d.csv, row 1: no samples: the header is the only row", {
    file: "d.csv",
    row: 1,
  });
  rejects(
    "id,label\ns1,a\ns2,b\n",
    { file: "d.csv", idColumn: "id" },
    'd.csv, row 1: no feature columns: the only columns are "id", "label"',
    { file: "d.csv", row: 1 },
  );
  rejects("Name;a;b\nLabel;1;2\n", { file: "o.csv" }, "o.csv, row 2: no feature rows after the Label row", {
    file: "o.csv",
    row: 2,
  });
  rejects("Name\nLabel\nf\n", { file: "o.csv" }, "o.csv, row 1: no samples: the Name row holds no sample ids", {
    file: "o.csv",
    row: 1,
  });
});

test("errors: a missing label or id column lists the columns found", () => {
  rejects(
    "\nid,glucose,class\ns,1,a\n",
    { file: "d.csv" },
    'd.csv, row 2: no label column "label"; the columns are "id", "glucose", "class"',
    { file: "d.csv", row: 2 },
  );
  rejects(
    "id,label,f\ns,a,1\n",
    { file: "d.csv", idColumn: "name" },
    'd.csv, row 1: no id column "name"; the columns are "id", "label", "f"',
    { file: "d.csv", row: 1 },
  );
  rejects(
    "Label,LABEL,f\na,b,1\n",
    { file: "d.csv" },
    'd.csv, row 1: 2 columns match the label column "label" but for case: "Label", "LABEL"',
    { file: "d.csv", row: 1 },
  );
});

test("errors: ragged rows say how many cells against how many expected", () => {
  rejects("label,a,b\nx,1,2\n\ny,3\n", { file: "d.csv" }, "d.csv, row 4: 2 cells where the header (row 1) has 3", {
    file: "d.csv",
    row: 4,
  });
  rejects("label,a,b\nx,1,2,\n", { file: "d.csv" }, "d.csv, row 2: 4 cells where the header (row 1) has 3", {
    file: "d.csv",
    row: 2,
  });
  rejects(
    "Name;a;b\nLabel;1;2\nf;1;2\ng;1\n",
    { file: "o.csv" },
    "o.csv, row 4: 2 cells where the Name row (row 1) has 3",
    { file: "o.csv", row: 4 },
  );
  rejects("Name;a;b\nLabel;1\nf;1;2\n", { file: "o.csv" }, "o.csv, row 2: 2 cells where the Name row (row 1) has 3", {
    file: "o.csv",
    row: 2,
  });
});

test("errors: a non-numeric or infinite cell names its row and column", () => {
  const csv = (cell: string) => `id,label,glucose,lactate\ns1,a,1,2\ns2,b,3,${cell}\n`;
  const at = { file: "data.csv", row: 3, column: 4, columnName: "lactate" };
  const prefix = 'data.csv, row 3, column 4 ("lactate"): ';
  rejects(csv("abc"), { file: "data.csv", idColumn: "id" }, `${prefix}'abc' is not a number`, at);
  // Missing values are counted in one message (test/table-columns.test.ts); infinities are not missing.
  for (const cell of ["Infinity", "-Infinity", "inf"])
    rejects(csv(cell), { file: "data.csv", idColumn: "id" }, `${prefix}'${cell}' is not a finite number`, at);
  rejects(csv("1e999"), { file: "data.csv", idColumn: "id" }, `${prefix}'1e999' is beyond the range of a double`, at);
  // What Number() would have let through.
  for (const cell of ["0x1F", "1.2.3", "1 000", "+"])
    rejects(csv(cell), { file: "data.csv", idColumn: "id" }, `${prefix}'${cell}' is not a number`, at);
  // A comma is no decimal point in a comma-separated file.
  rejects(csv('"1,5"'), { file: "data.csv", idColumn: "id" }, `${prefix}'1,5' is not a number`, at);
  // Omics: the column is a sample, named by its id.
  rejects(
    "Name;s1;s2\nLabel;1;2\nf;1;2\ng;x;2\n",
    { file: "o.csv" },
    `o.csv, row 4, column 2 ("s1"): 'x' is not a number`,
    { file: "o.csv", row: 4, column: 2, columnName: "s1" },
  );
});

test("errors: an empty label", () => {
  rejects("label,a\nx,1\n,2\n", { file: "d.csv" }, 'd.csv, row 3, column 1 ("label"): the label is empty', {
    file: "d.csv",
    row: 3,
    column: 1,
    columnName: "label",
  });
  rejects("Name;s1;s2\nLabel;1;\nf;1;2\n", {}, 'row 2, column 3 ("s2"): the label is empty', {
    row: 2,
    column: 3,
    columnName: "s2",
  });
});

test("errors: a single class says which", () => {
  rejects(
    "id,label,f\ns1,ERp,1\ns2,ERp,2\n",
    { file: "d.csv", idColumn: "id" },
    'd.csv, column 2 ("label"): every sample has the label "ERp": a classifier needs two classes or more',
    {
      file: "d.csv",
      column: 2,
      columnName: "label",
    },
  );
  rejects(
    "Name;s1;s2\nLabel;1;1\nf;1;2\n",
    { file: "o.csv" },
    'o.csv, row 2: every sample has the label "1": a classifier needs two classes or more',
    { file: "o.csv", row: 2 },
  );
});

test("errors: duplicate or empty column and feature names", () => {
  rejects(
    "label,a,b,a\nx,1,2,3\ny,1,2,3\n",
    { file: "d.csv" },
    'd.csv, row 1, column 4 ("a"): column 2 has the same name',
    { file: "d.csv", row: 1, column: 4, columnName: "a" },
  );
  rejects(",label,a\n0,x,1\n1,y,2\n", { file: "d.csv" }, 'd.csv, row 1, column 1 (""): the column has no name', {
    file: "d.csv",
    row: 1,
    column: 1,
    columnName: "",
  });
  rejects(
    "Name;s1;s2\nLabel;1;2\nf;1;2\n\ng;1;2\nf;3;4\n",
    { file: "o.csv" },
    'o.csv, row 6, column 1: feature "f" is also on row 3',
    { file: "o.csv", row: 6, column: 1 },
  );
  rejects("Name;s1;s2\nLabel;1;2\n;1;2\n", { file: "o.csv" }, "o.csv, row 3, column 1: the feature has no name", {
    file: "o.csv",
    row: 3,
    column: 1,
  });
});

test("errors: broken quoting points at the row where the cell starts", () => {
  rejects(
    'label,a\nx,1\n\ny,"2\nz,3\n',
    { file: "q.csv" },
    'q.csv, row 4, column 2 ("a"): a quoted cell spanning 2 lines is not a number (is a closing quote missing?)',
    {
      file: "q.csv",
      row: 4,
      column: 2,
      columnName: "a",
    },
  );
  // Text after a closing quote starts a cell of its own (RFC 4180 has no such text), so the row is too long.
  rejects('label,a,b\nx,1,2\ny,"3"4,5\n', { file: "q.csv" }, "q.csv, row 3: 4 cells where the header (row 1) has 3", {
    file: "q.csv",
    row: 3,
  });
  // A quote inside an unquoted cell is text.
  assert.equal(parseTable('label,a\n5" screen,1\nx,2\n').labels, ['5" screen', "x"]);
});

test("a long cell is cut short in the message", () => {
  const long = "x".repeat(100);
  rejects(`label,a\ny,1\nz,${long}\n`, {}, `row 3, column 2 ("a"): '${"x".repeat(40)}…' is not a number`, {
    row: 3,
    column: 2,
    columnName: "a",
  });
});

test("row numbers count the lines of multi-line quoted cells", () => {
  rejects(
    'label,a\n"multi\nline",1\n"x",oops\n',
    { file: "m.csv" },
    `m.csv, row 4, column 2 ("a"): 'oops' is not a number`,
    { file: "m.csv", row: 4, column: 2, columnName: "a" },
  );
});

test("misuse is a TypeError or RangeError, not a DataError", () => {
  assert.throws(
    () => parseTable(42 as unknown as string),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => parseTable("label,a\nx,1\ny,2", { format: "xlsx" as "csv" }),
    (e: unknown) => e instanceof RangeError,
  );
});

test("samples to classify: no label column (labelColumn null, or labelsOptional), or one class (minClasses 1)", () => {
  const none = parseTable("id,a,b\ns1,1,2\ns2,3,4", { idColumn: "id", labelColumn: null });
  assert.equal(
    { labels: none.labels, classes: none.classes, y: Array.from(none.y), features: none.featureNames },
    { labels: [], classes: [], y: [], features: ["a", "b"] },
  );
  assert.equal(parseTable("id,a,b\ns1,1,2\ns2,3,4", { idColumn: "id", labelsOptional: true }).labels, []);
  assert.equal(
    parseTable("a,Label\n1,x\n2,y", { labelsOptional: true }).labels,
    ["x", "y"],
    "a label column present is still read",
  );
  assert.equal(parseTable("a,label\n1,x\n2,x", { minClasses: 1 }).classes, ["x"]);
  assert.throws(() => parseTable("a,label\n1,x\n2,x"), /every sample has the label "x"/);
});

test.run();
