// `sparseproj compare`: the table, --json, --out's files and figures, --permutations' p-values, the SAE rankers
// and classifier on a small table, and the errors a user can make.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const root = new URL("../../", import.meta.url).pathname;
const gc = `${root}data/GC_Breast_D_MB.csv`;
const dir = scratchDir("compare");
const run = cliIn(dir);
const cli = (...args) => run("compare", ...args);

// 40 samples, features f0 and f1 informative (shifted with the class), six of noise; deterministic values.
const small = join(dir, "small.csv");
{
  const rows = ["label,f0,f1,f2,f3,f4,f5,f6,f7"];
  for (let i = 0; i < 40; i++) {
    const c = i % 2;
    const noise = (j) => Math.sin(7.3 * i + 3.1 * j) * 1.5;
    rows.push([c ? "b" : "a", ...Array.from({ length: 8 }, (_, j) => (j < 2 ? 3 * c + noise(j) : noise(j)))].join(","));
  }
  writeFileSync(small, `${rows.join("\n")}\n`);
}

test("compare on the GC data: --out writes metrics, features with p-values, panels and two SVG plots", () => {
  const out = join(dir, "gc-out");
  const r = cli(gc, "--methods", "anova,kruskal,l1-logistic,forest", "--k", "5,10", "--folds", "3", "--seeds", "1");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /271 samples × 162 features; 3 folds × 1 seed/);
  for (const m of ["anova", "kruskal", "l1-logistic", "forest"]) assert.match(r.stdout, new RegExp(`\\n${m}\\s+5`));
  const w = cli(gc, "--methods", "anova,forest", "--k", "5,10", "--folds", "3", "--seeds", "2", "--trees", "20");
  assert.is(w.status, 0, w.stderr);
  const o = cli(
    gc,
    ...["--methods", "anova,forest", "--k", "5,10,500", "--folds", "3", "--seeds", "1"],
    ...["--classifiers", "logistic", "--trees", "20", "--permutations", "3", "--out", out],
  );
  assert.is(o.status, 0, o.stderr);
  assert.match(o.stdout, /k above the 162 features left out: 500/);
  const metrics = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n");
  assert.is(metrics.length, 1 + 2 * 2);
  assert.match(metrics[0], /^method,k,classifier,accuracy,/);
  const features = readFileSync(join(out, "features.csv"), "utf8").trim().split("\n");
  assert.is(features[0], "method,k,feature,frequency,p_value");
  for (const line of features.slice(1)) {
    const p = Number(line.split(",").at(-1));
    assert.ok(p >= 0.25 && p <= 1, line);
  }
  const panels = readFileSync(join(out, "panels.csv"), "utf8").trim().split("\n");
  assert.is(panels.length, 1 + 2 * 3 * 10);
  for (const svg of ["accuracy.svg", "stability.svg"]) assert.match(readFileSync(join(out, svg), "utf8"), /^<svg /);
  const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  assert.is(json.permutations, 3);
  assert.equal(json.k, [5, 10]);
});

test("compare --json with the SAE rankers and the SAE classifier; recall with --informative", () => {
  const r = cli(
    small,
    ...["--methods", "top-k,sae-bilevel-l1inf,anova", "--k", "2,4", "--folds", "2"],
    ...["--seeds", "1", "--epochs", "3,2", "--hidden", "6", "--informative", "f0,f1", "--json"],
  );
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.classifiers, ["logistic", "sae"]);
  assert.is(report.rows.length, 6);
  for (const row of report.rows) {
    assert.ok(row.accuracy.sae.mean >= 0 && row.accuracy.logistic.mean <= 1);
    assert.ok(row.recall.mean >= 0 && row.recall.mean <= 1);
  }
  const sae = report.runs.filter((x) => x.method === "sae-bilevel-l1inf");
  assert.ok(
    sae.every((x) => x.radius > 0),
    "the radius chosen in each training fold is reported",
  );
  assert.is(report.rows.find((x) => x.method === "anova" && x.k === 2).recall.mean, 1);
});

test("compare: usage errors exit 2, data errors are one line naming the file", () => {
  const bad = cli(small, "--methods", "anova,lasso");
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /unknown method "lasso"/);
  assert.is(cli(small, "--k", "0").status, 2);
  assert.is(cli(small, "--classifiers", "svm").status, 2);
  assertOneLineError(cli(small, "--methods", "anova", "--informative", "f9"), /small\.csv.*--informative names "f9"/);
  assertOneLineError(cli(small, "--methods", "anova", "--folds", "30"), /small\.csv.*lower --folds/);
  const foreign = join(dir, "foreign");
  cli(small, "--methods", "anova", "--k", "2", "--out", foreign);
  writeFileSync(join(foreign, "mine.txt"), "keep me");
  assertOneLineError(cli(small, "--methods", "anova", "--k", "2", "--out", foreign), /did not write/);
  assert.ok(existsSync(join(foreign, "mine.txt")));
});

test.run();
