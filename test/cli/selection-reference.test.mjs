// compareSelectors against scikit-learn on the same folds (bench/reference/selection_sklearn.py, Debian's
// /usr/bin/python3 with python3-sklearn; skipped with a message when it cannot import sklearn): the ANOVA rankings
// must be identical, the ℓ1 paths' first entries the same, and the same downstream logistic regression on the same
// panels must score the same test accuracy.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadStratifiedFolds } from "../../bench/reference/folds.mjs";
import { scratchDir } from "./helpers.mjs";

const root = new URL("../../", import.meta.url).pathname;
const python = "/usr/bin/python3";
const hasSklearn = spawnSync(python, ["-c", "import sklearn"], { encoding: "utf8" }).status === 0;

test("anova, l1-logistic and the downstream logistic regression = scikit-learn's on the same folds", async () => {
  if (!hasSklearn) {
    console.log("  skipped: /usr/bin/python3 cannot import sklearn (apt-get install python3-sklearn)");
    return;
  }
  const pkg = await import(`${root}dist/index.js`);
  const t = pkg.parseOmicsCsv(readFileSync(`${root}data/GC_Breast_D_MB.csv`, "utf8"));
  const k = [5, 10, 20];
  const options = { methods: ["anova", "l1-logistic"], k, folds: 3, seeds: 1, classifiers: ["logistic"] };
  const ours = pkg.compareSelectors(t.data, t.labels, options);
  const stratifiedFolds = await loadStratifiedFolds();
  const folds = [stratifiedFolds(Int32Array.from(t.y), t.classes.length, 3, 0).map((f) => Array.from(f))];
  const d = t.features;
  const rows = Array.from({ length: t.samples }, (_, i) => Array.from(t.data.subarray(i * d, (i + 1) * d)));
  const input = join(scratchDir("selection-reference"), "in.json");
  writeFileSync(input, JSON.stringify({ x: rows, y: Array.from(t.y), folds, seeds: [0], k }));
  const r = spawnSync(python, [`${root}bench/reference/selection_sklearn.py`, input], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
  });
  assert.is(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout).methods;
  for (const method of ["anova", "l1-logistic"]) {
    const mine = ours.runs.filter((x) => x.method === method);
    theirs[method].forEach((run, f) => {
      const what = `${method} fold ${f + 1}`;
      // ANOVA is exact on both sides; the ℓ1 path agrees where features enter well apart (the first five).
      const n = method === "anova" ? 20 : 5;
      assert.equal(Array.from(mine[f].ranking.slice(0, n)), run.ranking.slice(0, n), `${what}: ranking`);
      for (const size of method === "anova" ? k : [5]) {
        const a = mine[f].scores.find((s) => s.k === size).accuracy;
        assert.is(a, run.scores[String(size)].accuracy, `${what}, k = ${size}: accuracy`);
      }
    });
  }
});

test.run();
