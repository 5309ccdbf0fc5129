// Parquet, Arrow IPC and AnnData tables against the same table as CSV, value by value: each file is written here by
// a reference writer (hyparquet-writer, apache-arrow's own writer, Debian's anndata and h5py), read back by
// sparseproj/formats and by the command line's reader, and compared with parseTable on the CSV. Then damaged files,
// which must give one line naming the file, and magic bytes against a wrong extension.
// pyarrow is not packaged in Debian 12, so no pyarrow-written file is among the references.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readTable as readTableFile } from "../../dist/cli.js";
import { readTable } from "../../dist/formats.js";
import { DataError, parseTable } from "../../dist/index.js";
import { rng } from "../rng.mjs";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("formats");
const cli = cliIn(dir);
const at = (name) => join(dir, name);
test.after(() => rmSync(dir, { recursive: true, force: true }));

// A user's table: sample ids, a label with two missing, an annotation column, an integer column, six measured
// features with a tenth of the cells missing. Doubles are written with String(), which reads back exactly.
const random = rng(19);
const ROWS = 23;
const FEATURES = ["g1", "g2", "g3", "g4", "g5", "g6"];
const rows = Array.from({ length: ROWS }, (_, r) => ({
  sample: `S${r + 1}`,
  group: r === 4 || r === 17 ? null : ["case", "control", "other"][r % 3],
  site: ["Paris", "Lyon"][Math.floor(random() * 2)],
  age: 20 + Math.floor(random() * 60),
  values: FEATURES.map(() => (random() < 0.1 ? null : (random() - 0.3) * 10 ** Math.floor(random() * 6 - 3))),
}));
const csvText = [
  ["sample", "group", "site", "age", ...FEATURES].join(","),
  ...rows.map((row) => [row.sample, row.group ?? "", row.site, row.age, ...row.values.map((v) => v ?? "NA")].join(",")),
].join("\n");
writeFileSync(at("table.csv"), `${csvText}\n`);
const OPTIONS = {
  labelColumn: "group",
  idColumn: "sample",
  ignoreColumns: ["site"],
  allowMissing: true,
  dropUnlabelled: true,
};
const reference = parseTable(csvText, OPTIONS);

/** Every field of two tables equal, values compared with Object.is (NaN is NaN, -0 is not 0). */
function assertSameTable(actual, expected, what) {
  for (const key of ["sampleIds", "labels", "classes", "featureNames", "samples", "features", "droppedUnlabelled"])
    assert.equal(actual[key], expected[key], `${what}: ${key}`);
  assert.equal(Array.from(actual.y), Array.from(expected.y), `${what}: y`);
  assert.ok(actual.data instanceof Float64Array, `${what}: data is a Float64Array`);
  assert.is(actual.data.length, expected.data.length, `${what}: values`);
  for (let i = 0; i < expected.data.length; i++)
    if (!Object.is(actual.data[i], expected.data[i]))
      assert.unreachable(`${what}: value ${i} is ${actual.data[i]}, not ${expected.data[i]}`);
  assert.equal(actual.missing?.cells, expected.missing?.cells, `${what}: missing cells`);
  assert.equal(Array.from(actual.missing?.perFeature ?? []), Array.from(expected.missing?.perFeature ?? []));
}

// Parquet by hyparquet-writer: row groups of 5 rows, so every column arrives in chunks.
const parquetBytes = new Uint8Array(
  parquetWriteBuffer({
    columnData: [
      { name: "sample", data: rows.map((row) => row.sample), type: "STRING" },
      { name: "group", data: rows.map((row) => row.group), type: "STRING" },
      { name: "site", data: rows.map((row) => row.site), type: "STRING" },
      { name: "age", data: Int32Array.from(rows, (row) => row.age), type: "INT32" },
      ...FEATURES.map((name, f) => ({ name, data: rows.map((row) => row.values[f]), type: "DOUBLE" })),
    ],
    rowGroupSize: 5,
  }),
);
writeFileSync(at("table.parquet"), parquetBytes);

test("Parquet (hyparquet-writer) reads as the same table as its CSV, value by value", async () => {
  assert.is(reference.droppedUnlabelled, 2);
  assert.ok(reference.missing.cells > 5);
  assertSameTable(await readTable(parquetBytes, OPTIONS), reference, "API");
  assertSameTable(await readTableFile(at("table.parquet"), OPTIONS), reference, "CLI reader");
  // Column selection by expression, and without the id column (ids are then row numbers).
  const some = { ...OPTIONS, idColumn: undefined, featureColumns: /^g[135]$/ };
  const fromCsv = parseTable(csvText, some);
  const fromParquet = await readTable(parquetBytes, some);
  assert.equal(fromParquet.featureNames, ["g1", "g3", "g5"]);
  assertSameTable(fromParquet, { ...fromCsv, sampleIds: fromParquet.sampleIds }, "featureColumns");
  assert.equal(fromParquet.sampleIds.slice(0, 3), ["1", "2", "3"]);
});

// Arrow by apache-arrow's writer: two record batches; the annotation column dictionary-encoded; int64 age.
const arrowTable = (() => {
  const whole = arrow.tableFromArrays({
    sample: rows.map((row) => row.sample),
    group: rows.map((row) => row.group),
    site: rows.map((row) => row.site),
    age: BigInt64Array.from(rows, (row) => BigInt(row.age)),
    ...Object.fromEntries(FEATURES.map((name, f) => [name, rows.map((row) => row.values[f] ?? null)])),
  });
  return new arrow.Table([...whole.slice(0, 11).batches, ...whole.slice(11).batches]);
})();

test("Arrow IPC file and stream (apache-arrow's writer) read as the same table as its CSV", async () => {
  assert.is(arrowTable.batches.length, 2);
  for (const kind of ["file", "stream"]) {
    const bytes = arrow.tableToIPC(arrowTable, kind);
    writeFileSync(at(`table.${kind}.arrow`), bytes);
    assertSameTable(await readTable(bytes, OPTIONS), reference, `${kind} API`);
    assertSameTable(await readTableFile(at(`table.${kind}.arrow`), OPTIONS), reference, `${kind} CLI reader`);
  }
});

// AnnData by Debian's anndata (and h5py for the 0.7 layout of categorical columns).
const PYTHON = "/usr/bin/python3";
const anndata = spawnSync(PYTHON, ["-c", "import anndata, h5py, scipy"], { encoding: "utf8" });
const noAnndata =
  anndata.error || anndata.status !== 0
    ? `Debian's anndata is not installed (${PYTHON} -c 'import anndata': ${
        anndata.error?.message ?? anndata.stderr.trim().split("\n").pop()
      })`
    : null;
const WRITE_H5AD = `
import json, sys, anndata, h5py, numpy as np, pandas as pd, scipy.sparse as sp
rows = json.load(open(sys.argv[1]))
features = sys.argv[2].split(",")
X = np.array([[np.nan if v is None else v for v in r["values"]] for r in rows], dtype=np.float64)
obs = pd.DataFrame({
    "group": pd.Categorical([r["group"] for r in rows]),
    "site": pd.Categorical([r["site"] for r in rows]),
    "age": np.array([r["age"] for r in rows], dtype=np.int64),
}, index=[r["sample"] for r in rows])
var = pd.DataFrame(index=features)
out = sys.argv[3]
anndata.AnnData(X=X, obs=obs, var=var, dtype=np.float64).write_h5ad(out + "dense.h5ad")
# Sparse: the missing cells stored explicitly as NaN, the zeros implicit.
S = sp.csr_matrix(np.where(np.isnan(X), 0, X)); S[np.isnan(X)] = np.nan
anndata.AnnData(X=sp.csr_matrix(S), obs=obs, var=var, dtype=np.float64).write_h5ad(out + "csr.h5ad")
anndata.AnnData(X=sp.csc_matrix(S), obs=obs, var=var, dtype=np.float64).write_h5ad(out + "csc.h5ad")
# anndata 0.7's layout: obs/group holds the codes, obs/__categories/group the categories.
anndata.AnnData(X=X, obs=obs, var=var, dtype=np.float64).write_h5ad(out + "legacy.h5ad")
with h5py.File(out + "legacy.h5ad", "r+") as f:
    codes = f["obs/group/codes"][()]; categories = f["obs/group/categories"][()]
    del f["obs/group"]
    f["obs"].create_dataset("group", data=codes)
    f["obs"].create_group("__categories").create_dataset("group", data=categories)
# Declares 20,000 x 20,000 values and stores none (unwritten chunks): refused before anything is allocated.
with h5py.File(out + "huge.h5ad", "w") as f:
    f.attrs["encoding-type"] = "anndata"
    for name in ("obs", "var"):
        g = f.create_group(name); g.attrs["_index"] = "_index"
        g.create_dataset("_index", data=np.array([f"{name}{i}" for i in range(20000)], dtype=object), dtype=h5py.string_dtype())
    f["obs"].create_dataset("group", data=np.arange(20000) % 2)
    f.create_dataset("X", shape=(20000, 20000), chunks=(100, 100), dtype="f8")
`;
const H5AD = ["dense", "csr", "csc", "legacy"];
let h5adWritten = null;
const writeH5ad = () => {
  if (h5adWritten) return h5adWritten;
  writeFileSync(at("rows.json"), JSON.stringify(rows));
  const r = spawnSync(PYTHON, ["-c", WRITE_H5AD, at("rows.json"), FEATURES.join(","), `${dir}/`], {
    encoding: "utf8",
  });
  h5adWritten = r;
  return r;
};

if (noAnndata) {
  console.log(`  skipped: the AnnData tests: ${noAnndata}`);
  test.skip(`AnnData (.h5ad) tests: ${noAnndata}`, () => {});
} else {
  test("AnnData dense, CSR, CSC and the 0.7 layout (Debian's anndata) read as the same table as its CSV", async () => {
    const r = writeH5ad();
    assert.is(r.status, 0, r.stderr);
    // The label is obs's categorical "group" (a missing category drops the row), ids are obs's index; age is an
    // obs column, not a feature, so the CSV reading leaves it out.
    const options = { ...OPTIONS, idColumn: undefined };
    const expected = parseTable(csvText, { ...OPTIONS, ignoreColumns: ["site", "age"] });
    for (const name of H5AD) {
      const bytes = readFileSync(at(`${name}.h5ad`));
      assertSameTable(await readTable(bytes, options), expected, `${name} API`);
      assertSameTable(await readTableFile(at(`${name}.h5ad`), options), expected, `${name} CLI reader`);
    }
    // A categorical obs column is text: left out by name like any annotation (here "site" is not a feature anyway).
    const table = await readTable(readFileSync(at("dense.h5ad")), { ...options, featureColumns: ["g2", "g4"] });
    assert.equal(table.featureNames, ["g2", "g4"]);
  });

  test("previewBytes of an .h5ad (every layout): obs's columns, then X's named by var, the first rows", async () => {
    const r = writeH5ad();
    assert.is(r.status, 0, r.stderr);
    const { previewBytes } = await import("../../dist/formats.js");
    for (const name of H5AD)
      for (const count of [0, 1, 3, rows.length, rows.length + 5]) {
        const preview = await previewBytes(readFileSync(at(`${name}.h5ad`)), { rows: count });
        assert.is(preview.format, "hdf5");
        assert.equal(preview.header, ["group", "site", "age", ...FEATURES]);
        assert.is(preview.rows.length, Math.min(count, rows.length), `${name}, ${count} rows`);
        rows.slice(0, count).forEach((row, i) => {
          assert.equal(preview.rows[i].slice(0, 3), [row.group ?? "", row.site, String(row.age)]);
          assert.equal(
            preview.rows[i].slice(3).map((cell) => (cell === "" ? null : Number(cell))),
            row.values,
            `${name}, row ${i + 1} of ${count}`,
          );
        });
      }
  });

  test("an .h5ad declaring 20,000 × 20,000 values it does not hold is refused before allocating", async () => {
    assert.is(writeH5ad().status, 0);
    const r = cli("sae", "huge.h5ad", "--label-column", "group");
    assertOneLineError(r, /huge\.h5ad: .*declares 20000 rows × 20000 features .* more than the file can hold/);
  });

  test("the command line trains on an .h5ad with its obs label", () => {
    assert.is(writeH5ad().status, 0);
    const r = cli(
      "sae",
      "csr.h5ad",
      "--label-column",
      "group",
      "--drop-unlabelled",
      "--impute",
      "median",
      ...["--folds", "2", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--workers", "1", "--json"],
    );
    assert.is(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.is(report.features, FEATURES.length);
    assert.is(report.droppedUnlabelled, 2);
  });
}

test("magic bytes decide, not the extension", async () => {
  copyFileSync(at("table.parquet"), at("really-parquet.csv"));
  copyFileSync(at("table.csv"), at("really-csv.parquet"));
  for (const file of ["really-parquet.csv", "really-csv.parquet"])
    assertSameTable(await readTableFile(at(file), OPTIONS), reference, file);
  const r = cli("sae", "really-parquet.csv", "--label-column", "group", "--id-column", "sample", "--drop-unlabelled");
  assertOneLineError(r, /really-parquet\.csv: .*"site".*--ignore-columns site/);
});

test("Parquet pages: many per column chunk, nulls, dictionaries, uncompressed or not, as hyparquet's own reader", async () => {
  // A column chunk's pages are decoded one by one (readParquet's own page loop, not hyparquet's parquetRead): here
  // pages of a few values, row groups of 7, repeated values (dictionary pages), nulls, both codecs; the reference is
  // hyparquet's parquetReadObjects on the same bytes, read by tableFromColumns.
  const { parquetReadObjects } = await import("hyparquet");
  const { tableFromColumns } = await import("../../dist/index.js");
  const random = rng(7);
  const n = 53;
  const columns = {
    label: Array.from({ length: n }, (_, r) => ["a", "b"][r % 2]),
    few: Array.from({ length: n }, () => [1.5, -2, 3][Math.floor(random() * 3)]),
    holes: Array.from({ length: n }, () => (random() < 0.3 ? null : random() * 100 - 50)),
    ints: Array.from({ length: n }, () => Math.floor(random() * 1000) - 500),
    text: Array.from({ length: n }, () => (random() < 0.2 ? null : String(Math.floor(random() * 9)))),
  };
  for (const codec of ["UNCOMPRESSED", "SNAPPY"]) {
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: "label", data: columns.label, type: "STRING" },
          { name: "few", data: columns.few, type: "DOUBLE" },
          { name: "holes", data: columns.holes, type: "DOUBLE" },
          { name: "ints", data: Int32Array.from(columns.ints), type: "INT32" },
          { name: "text", data: columns.text, type: "STRING" },
        ],
        rowGroupSize: 7,
        pageSize: 24,
        codec,
      }),
    );
    const objects = await parquetReadObjects({ file: bytes.buffer });
    const names = Object.keys(columns);
    const reference = tableFromColumns(
      Object.fromEntries(names.map((name) => [name, objects.map((o) => o[name] ?? null)])),
      { allowMissing: true },
    );
    assertSameTable(await readTable(bytes, { allowMissing: true }), reference, `${codec} pages`);
    assert.equal(reference.missing.columns, 2);
  }
});

test("previewBytes: the header and first rows as text, whatever the format, as the CSV's preview", async () => {
  const { previewBytes } = await import("../../dist/formats.js");
  const fromCsv = await previewBytes(new TextEncoder().encode(csvText), { rows: 4 });
  assert.is(fromCsv.format, "text");
  assert.equal(fromCsv.header, ["sample", "group", "site", "age", ...FEATURES]);
  const arrowFile = arrow.tableToIPC(arrowTable, "file");
  const sameCell = (a, b) => a === b || (b === "NA" && a === "") || Number(a) === Number(b);
  for (const [format, bytes] of [
    ["parquet", parquetBytes],
    ["arrow-file", arrowFile],
  ]) {
    const preview = await previewBytes(bytes, { rows: 4 });
    assert.is(preview.format, format);
    assert.equal(preview.header, fromCsv.header, format);
    assert.is(preview.rows.length, 4);
    // A missing value is an empty cell; numbers are the same numbers (the CSV writes NA).
    preview.rows.forEach((row, r) =>
      row.forEach((cell, c) => assert.ok(sameCell(cell, fromCsv.rows[r][c]), `${format} ${r},${c}: ${cell}`)),
    );
  }
  const none = await previewBytes(parquetBytes, { rows: 0 });
  assert.equal(none.rows, []);
  const bad = await previewBytes(parquetBytes, { rows: -1 }).catch((error) => error);
  assert.instance(bad, RangeError);
  let refused = null;
  try {
    await previewBytes(parquetBytes.subarray(0, 40), { rows: 2, file: "cut.parquet" });
  } catch (error) {
    refused = error;
  }
  assert.instance(refused, DataError);
  assert.match(refused.message, /^cut\.parquet: /);
});

test("typed columns that are not numbers are listed together, with the flag that leaves them out", () => {
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: "label", data: ["a", "b", "a", "b"], type: "STRING" },
      { name: "site", data: ["x", "y", "x", "y"], type: "STRING" },
      { name: "smoker", data: [true, false, true, false], type: "BOOLEAN" },
      { name: "g1", data: [1, 2, 3, 4], type: "DOUBLE" },
    ],
  });
  writeFileSync(at("annotated.parquet"), new Uint8Array(bytes));
  const r = cli("sae", "annotated.parquet");
  assertOneLineError(
    r,
    /2 columns are not numeric: "site" \('x' at row 1\), "smoker" \(boolean values\).*--ignore-columns site,smoker/,
  );
});

test("damaged files: truncated or corrupted, one line naming the file, never an engine error", async () => {
  const arrowFile = arrow.tableToIPC(arrowTable, "file");
  const arrowStream = arrow.tableToIPC(arrowTable, "stream");
  const originals = { parquet: parquetBytes, "arrow-file": arrowFile, "arrow-stream": arrowStream };
  if (!noAnndata) originals.h5ad = readFileSync(at("dense.h5ad"));
  for (const [name, bytes] of Object.entries(originals)) {
    for (const keep of [0.3, 0.7, 0.98]) {
      const file = `cut-${name}-${keep}`;
      writeFileSync(at(file), bytes.subarray(0, Math.floor(bytes.length * keep)));
      const r = cli("sae", file, "--label-column", "group", "--id-column", "sample", "--ignore-columns", "site");
      assertOneLineError(r, new RegExp(`: ${file}: `));
    }
  }
  // Random bytes overwritten in a Parquet footer (seeded): each read is a table or a DataError, nothing else. Only
  // the footer (schema, row groups, column chunks: what this reader checks before decoding): hyparquet 1.33 loops
  // without end on some damaged page data (a bit-packed run whose length decodes negative), and apache-arrow 21 on
  // some damaged IPC metadata, which no reader on top of them can stop (see docs/data.md).
  const flip = rng(7);
  let errors = 0;
  for (const [name, bytes] of Object.entries({ parquet: parquetBytes })) {
    const footer = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
    const [from, to] = [bytes.length - 8 - footer, bytes.length - 8];
    for (let k = 0; k < 40; k++) {
      const damaged = Uint8Array.from(bytes);
      for (let j = 0; j < 4; j++) damaged[from + Math.floor(flip() * (to - from))] = Math.floor(flip() * 256);
      try {
        await readTable(damaged, { ...OPTIONS, file: `${name}-${k}` });
      } catch (error) {
        if (!(error instanceof DataError)) assert.unreachable(`${name} #${k}: ${error?.stack ?? error}`);
        assert.ok(error.message.startsWith(`${name}-${k}`), error.message);
        errors++;
      }
    }
  }
  assert.ok(errors > 0);
});

test("the core import loads none of the format libraries", () => {
  const core = readFileSync(new URL("../../dist/index.js", import.meta.url), "utf8");
  for (const library of ["hyparquet", "apache-arrow", "h5wasm"]) assert.not.ok(core.includes(library), library);
  const formats = readFileSync(new URL("../../dist/formats.js", import.meta.url), "utf8");
  assert.ok(formats.includes('import("hyparquet")'));
});

test.run();
