// `sparseproj sae --impute … --max-missing …`: the flags, their defaults from the library's table, the printed line,
// --json and results.json, missing.csv, and predict with the saved model, on complete tables: the plumbing. The
// imputation itself is tested through the API (test/impute.test.ts), empty cells end to end in columns.test.mjs.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";
import { parseCommandLine } from "../../dist/cli.js";
import { PREPROCESS_DEFAULTS } from "../../dist/index.js";

const dir = scratchDir("impute");
const FAST = ["--folds", "2", "--seeds", "1", "--epochs", "3", "--hidden", "4", "--id-column", "id", "--workers", "1"];

const cli = cliIn(dir);

function writeTable(name) {
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows = [["id", "f1", "f2", "f3", "f4", "label"]];
  for (let i = 0; i < 20; i++) {
    const c = i % 2;
    rows.push([`s${i}`, ...[0, 1, 2, 3].map((j) => (random() + (j < 2 ? 3 * c : 0)).toFixed(3)), "ab"[c]]);
  }
  writeFileSync(join(dir, name), `${rows.map((r) => r.join(",")).join("\n")}\n`);
}

test("--impute and --max-missing parse, default from PREPROCESS_DEFAULTS, and are checked", () => {
  const none = parseCommandLine(["sae", "t.csv"]).command;
  assert.is(none.impute, PREPROCESS_DEFAULTS.impute);
  assert.is(none.maxMissing, PREPROCESS_DEFAULTS.maxMissing);
  const knn = parseCommandLine(["sae", "t.csv", "--impute", "knn", "--max-missing", "0.3"]).command;
  assert.is(knn.impute, "knn");
  assert.is(knn.maxMissing, 0.3);
  assert.match(parseCommandLine(["sae", "--help"]).help, /--impute/);
  assert.match(parseCommandLine(["sae", "--help"]).help, /--max-missing/);
  writeTable("t.csv");
  const bad = cli("sae", "t.csv", "--impute", "mode");
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--impute must be one of mean, median, half-min, knn/);
  const share = cli("sae", "t.csv", "--impute", "mean", "--max-missing", "1.5");
  assert.is(share.status, 2, share.stderr);
  assert.match(share.stderr, /--max-missing/);
  const alone = cli("sae", "t.csv", "--max-missing", "0.5");
  assert.is(alone.status, 2, alone.stderr);
  assert.match(alone.stderr, /--max-missing goes with --impute/);
});

test("sae --impute: a printed line, imputed and dropped in --json and results.json, missing.csv, predict", () => {
  writeTable("t.csv");
  const json = cli("sae", "t.csv", ...FAST, "--impute", "median", "--max-missing", "0.5", "--no-baseline", "--json");
  assert.is(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.missing, { impute: "median", maxMissing: 0.5, cells: 0, features: 0 });
  assert.equal(report.runs[0].imputed, [0, 0]);
  assert.equal(report.runs[0].droppedFeatures, []);
  const out = cli("sae", "t.csv", ...FAST, "--impute", "knn", "--no-baseline", "--out", "out");
  assert.is(out.status, 0, out.stderr);
  assert.match(out.stdout, /missing values: 0 of 80 cells \(0\.0%\); knn imputation fitted on each training fold/);
  assert.match(out.stdout, /missing\.csv/);
  assert.is(readFileSync(join(dir, "out/missing.csv"), "utf8"), "feature,missing\nf1,0\nf2,0\nf3,0\nf4,0\n");
  const results = JSON.parse(readFileSync(join(dir, "out/results.json"), "utf8"));
  assert.equal(results.runs[0].imputed, [0, 0]);
  const model = JSON.parse(readFileSync(join(dir, "out/model.json"), "utf8"));
  assert.is(model.preprocessing.imputation.method, "knn");
  const predict = cli("predict", "out/model.json", "t.csv", "--id-column", "id", "--json");
  assert.is(predict.status, 0, predict.stderr);
  // Without --impute nothing changes: no line, no field, no missing.csv.
  const plain = cli("sae", "t.csv", ...FAST, "--no-baseline", "--json");
  assert.is(plain.status, 0, plain.stderr);
  assert.not.ok("missing" in JSON.parse(plain.stdout));
  assert.not.ok("imputed" in JSON.parse(plain.stdout).runs[0]);
});

test("a sample missing every feature is named by its id, before training, in every worker setting", () => {
  writeTable("t.csv");
  const lines = readFileSync(join(dir, "t.csv"), "utf8").split("\n");
  // The 7th sample (s6, line 8) loses every value; s3 loses some, which is imputed as usual.
  lines[7] = "s6,,NA,,.,a";
  lines[4] = "s3,,1.5,,2,b";
  writeFileSync(join(dir, "gaps.csv"), lines.join("\n"));
  for (const workers of ["1", "2"]) {
    const r = cli("sae", "gaps.csv", ...FAST.slice(0, -2), "--workers", workers, "--impute", "mean");
    assertOneLineError(r, /gaps\.csv: sample "s6" \(sample 7 of 20\): all 4 features are missing; nothing to impute/);
  }
  // Without an id column the sample is named by its place, its id being its line in the file.
  const noIds = cli("sae", "gaps.csv", "--ignore-columns", "id", "--folds", "2", "--epochs", "2", "--impute", "median");
  assertOneLineError(noIds, /gaps\.csv: sample 7 of 20 \(id "8"\): all 4 features are missing/);
  // One value observed is enough.
  lines[7] = "s6,,NA,0.5,.,a";
  writeFileSync(join(dir, "gaps.csv"), lines.join("\n"));
  const ok = cli("sae", "gaps.csv", ...FAST, "--impute", "mean", "--no-baseline");
  assert.is(ok.status, 0, ok.stderr);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
