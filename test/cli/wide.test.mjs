// Omics widths through the command line: a 20 × 300,000 table (a methylation array's order) is read, cross-
// validated, written (--out, --save) and predicted. Past ~125k features any spread of a per-feature array into a
// call overflowed the stack, after the whole training run; the header check was quadratic (80 s).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("wide");
const cli = cliIn(dir, { maxBuffer: 1 << 26 });

const SAMPLES = 20,
  FEATURES = 300_000;

test.before(() => {
  // Two classes that differ in the first three features; the rest is a deterministic pattern.
  const lines = [`id,${Array.from({ length: FEATURES }, (_, j) => `f${j}`).join(",")},label`];
  for (let i = 0; i < SAMPLES; i++) {
    const values = new Array(FEATURES);
    for (let j = 0; j < FEATURES; j++)
      values[j] = (((i * 7919 + j * 104729) % 1000) / 250 + (j < 3 ? (i % 2) * 4 : 0)).toFixed(2);
    lines.push(`s${i},${values.join(",")},${i % 2 ? "b" : "a"}`);
  }
  writeFileSync(join(dir, "wide.csv"), `${lines.join("\n")}\n`);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("sae on 20 × 300,000: cross-validates, writes every file, saves a model that predict reads", () => {
  const fast = ["--folds", "2", "--seeds", "1", "--epochs", "1", "--hidden", "2", "--id-column", "id", "--no-baseline"];
  const r = cli("sae", "wide.csv", ...fast, "--out", "out", "--save", "model.json");
  assert.is(r.status, 0, r.stderr);
  const features = readFileSync(join(dir, "out", "features.csv"), "utf8")
    .trim()
    .split("\n");
  // The features some fold selected, ranked: thousands here (tiny network, one epoch), never more than all.
  assert.ok(features.length > 2 && features.length <= FEATURES + 1, `${features.length - 1} features listed`);
  assert.ok(
    features.slice(1).every((line) => /^bilevel-l1inf,1,\d+,f\d+,/.test(line)),
    "each row names a feature",
  );
  // The saved model is compact: its features are the panel the projection kept, each a column of the table.
  const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  assert.is(model.compact.sourceFeatures, FEATURES);
  assert.ok(model.featureNames.length >= 1 && model.featureNames.length <= FEATURES, `${model.featureNames.length}`);
  const p = cli("predict", "model.json", "wide.csv", "--id-column", "id", "--json");
  assert.is(p.status, 0, p.stderr);
  assert.is(JSON.parse(p.stdout).predictions.length, SAMPLES);
});

test.run();
