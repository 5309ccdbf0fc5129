// A user's own table as it comes: an id column, a label column, annotation columns to leave out, missing cells.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("columns");
const cli = cliIn(dir);
test.after(() => rmSync(dir, { recursive: true, force: true }));

const TINY = ["--folds", "2", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--workers", "1"];
const rows = Array.from({ length: 12 }, (_, i) => {
  const group = i % 2 ? "case" : "control";
  const genes = [i % 2 ? 5 + i : 1 + i / 10, 2 + (i % 3), 3 - i / 7].map((x) => x.toFixed(3));
  return [`S${i + 1}`, group, i % 3 ? "F" : "M", `b${i % 2}`, ["Paris", "Lyon"][i % 2], ...genes];
});
const header = "SampleID,Group,Sex,Batch,Site,g1,g2,g3";
writeFileSync(join(dir, "t.csv"), [header, ...rows.map((r) => r.join(","))].join("\n") + "\n");
const COLUMNS = ["--label-column", "Group", "--id-column", "SampleID"];

test("--ignore-columns leaves the annotation columns out", () => {
  const r = cli("sae", "t.csv", ...COLUMNS, "--ignore-columns", "Sex,Batch,Site", ...TINY, "--json");
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.features, 3);
  assert.is(report.droppedUnlabelled, 0);
});

test("--feature-columns by list and by /regex/", () => {
  for (const features of ["g1,g2", "/^g[12]$/"]) {
    const r = cli("sae", "t.csv", ...COLUMNS, "--feature-columns", features, ...TINY, "--json");
    assert.is(r.status, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).features, 2);
  }
  const r = cli("sae", "t.csv", ...COLUMNS, "--feature-columns", "/[/", ...TINY);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--feature-columns/);
});

test("without --ignore-columns: one line listing Sex, Batch and Site", () => {
  assertOneLineError(
    cli("sae", "t.csv", ...COLUMNS, ...TINY),
    /t\.csv, row 1: 3 columns are not numeric: "Sex" .*"Batch" .*"Site" .*--ignore-columns Sex,Batch,Site/,
  );
  assertOneLineError(
    cli("sae", "t.csv", ...COLUMNS, "--ignore-columns", "Sex,Age", ...TINY),
    /no column "Age" to ignore; the columns are "SampleID"/,
  );
});

test("missing cells without --impute: one line counting them", () => {
  const holes = rows.map((r, i) =>
    i === 2 ? [...r.slice(0, 5), "NA", ...r.slice(6)] : i === 5 ? [...r.slice(0, 7), ""] : r,
  );
  writeFileSync(join(dir, "holes.csv"), [header, ...holes.map((r) => r.join(","))].join("\n") + "\n");
  const ignore = ["--ignore-columns", "Sex,Batch,Site"];
  assertOneLineError(
    cli("sae", "holes.csv", ...COLUMNS, ...ignore, ...TINY),
    /holes\.csv: 2 missing cells in 2 rows and 2 columns \(first at row 4, column 6 "g1"\); give --impute to fill them, or fill them first/,
  );
  // --na-values replaces the list: NA is then a text cell.
  assertOneLineError(
    cli("sae", "holes.csv", ...COLUMNS, ...ignore, "--na-values", "-999", ...TINY),
    /'NA' is not a number/,
  );
});

test("--drop-unlabelled drops rows without a label and says how many", () => {
  const unlabelled = rows.map((r, i) => (i === 0 ? [r[0], "NA", ...r.slice(2)] : r));
  writeFileSync(join(dir, "u.csv"), [header, ...unlabelled.map((r) => r.join(","))].join("\n") + "\n");
  const ignore = ["--ignore-columns", "Sex,Batch,Site"];
  assertOneLineError(
    cli("sae", "u.csv", ...COLUMNS, ...ignore, ...TINY),
    /row 2, column 2 \("Group"\): the label 'NA'/,
  );
  const json = cli("sae", "u.csv", ...COLUMNS, ...ignore, "--drop-unlabelled", ...TINY, "--json");
  assert.is(json.status, 0, json.stderr);
  assert.is(JSON.parse(json.stdout).droppedUnlabelled, 1);
  assert.is(JSON.parse(json.stdout).samples, 11);
  const text = cli("sae", "u.csv", ...COLUMNS, ...ignore, "--drop-unlabelled", ...TINY);
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /1 row without a label dropped/);
});

test("the issue's table: id, label, annotations and empty cells run with --impute median, and report as clean", () => {
  // Blank a few cells of the clean table (never a whole row): the same command with --impute median now runs.
  const holes = rows.map((r, i) => r.map((cell, c) => (c >= 5 && (i * 3 + c) % 7 === 0 ? "" : cell)));
  writeFileSync(join(dir, "holes.csv"), [header, ...holes.map((r) => r.join(","))].join("\n") + "\n");
  const flags = [...COLUMNS, "--ignore-columns", "Sex,Batch,Site", ...TINY, "--json"];
  assertOneLineError(cli("sae", "holes.csv", ...flags), /missing cells in .*give --impute to fill them/);
  const r = cli("sae", "holes.csv", ...flags, "--impute", "median");
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const clean = JSON.parse(cli("sae", "t.csv", ...flags).stdout);
  assert.is(report.features, clean.features);
  assert.equal(Object.keys(report).sort(), [...Object.keys(clean), "missing"].sort(), "the clean report, plus missing");
  assert.ok(report.missing.cells > 0, JSON.stringify(report.missing));
});

test.run();
