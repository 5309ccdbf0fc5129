// Feature selection at equal panel size, ours beside scikit-learn's on the same folds (docs/selection.md).
//
//   node bench/reference/selection-run.mjs --dataset gc|synthetic-64|synthetic-16|PATH.csv [--name NAME]
//        [--methods anova,kruskal,l1-logistic,forest,top-k,sae-bilevel-l1inf,sae-l1inf] [--k 5,10,20,50,100]
//        [--folds 4] [--seeds 1] [--classifiers logistic[,sae]] [--no-sklearn]
//
// Ours: compareSelectors from ../../dist/index.js (npm run build first). Then bench/reference/selection_sklearn.py
// (Debian's /usr/bin/python3 with python3-sklearn) ranks on the same training folds with f_classif, the ℓ1-logistic
// path (saga) and RandomForestClassifier, and scores the same downstream LogisticRegression() on the top k.
// Stability (Kuncheva, Jaccard) and recall are computed here for both sides with the package's own functions.
// Writes bench/reference/selection-NAME.json (everything) and prints the markdown table docs/selection.md holds.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { distEntry, loadDataset, loadStratifiedFolds } from "./folds.mjs";

const here = new URL(".", import.meta.url).pathname;
const { values: a } = parseArgs({
  options: {
    dataset: { type: "string" },
    name: { type: "string" },
    methods: { type: "string", default: "anova,kruskal,l1-logistic,forest,top-k,sae-bilevel-l1inf,sae-l1inf" },
    k: { type: "string", default: "5,10,20,50,100" },
    folds: { type: "string", default: "4" },
    seeds: { type: "string", default: "1" },
    classifiers: { type: "string", default: "logistic" },
    "no-sklearn": { type: "boolean" },
  },
});
const pkg = await import(distEntry());

/** makeClassification as docs/results.md draws it, with the informative and redundant columns recovered. */
function synthetic(informative) {
  const options = { nSamples: 1000, nFeatures: 1000, nInformative: informative, randomState: 0 };
  const { X, y } = pkg.makeClassification(options);
  const plain = pkg.makeClassification({ ...options, shuffle: false });
  const d = 1000;
  const key = (m, j) =>
    Array.from({ length: 1000 }, (_, i) => m[i * d + j])
      .sort((p, q) => p - q)
      .join(",");
  const source = new Map(Array.from({ length: d }, (_, j) => [key(plain.X, j), j]));
  // Informative columns first, then the 2 redundant ones (linear combinations of them): both carry the signal.
  const relevant = [];
  for (let j = 0; j < d; j++) if (source.get(key(X, j)) < informative + 2) relevant.push(j);
  if (relevant.length !== informative + 2) throw new Error("could not recover the informative columns");
  return {
    name: `synthetic-${informative}`,
    source: `makeClassification({ nSamples: 1000, nFeatures: 1000, nInformative: ${informative}, randomState: 0 })`,
    x: X,
    n: 1000,
    d,
    y,
    classes: [0, 1],
    featureNames: Array.from({ length: d }, (_, j) => `feature ${j + 1}`),
    informative: relevant,
  };
}

async function dataset(spec) {
  if (spec === "gc") return loadDataset("gc", pkg);
  const m = /^synthetic-(\d+)$/.exec(spec);
  if (m) return synthetic(Number(m[1]));
  const t = pkg.parseTable(readFileSync(spec, "utf8"), { file: spec, idColumn: "sample" });
  return {
    name: a.name ?? spec,
    source: spec,
    x: t.data,
    n: t.samples,
    d: t.features,
    y: t.y,
    classes: t.classes,
    featureNames: t.featureNames,
  };
}

const data = await dataset(a.dataset);
const name = a.name ?? data.name;
const methods = a.methods.split(",");
const ks = a.k.split(",").map(Number);
const folds = Number(a.folds);
const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i);
const classifiers = a.classifiers.split(",");
const log = (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${name}: ${s}\n`);

const started = performance.now();
const ours = pkg.compareSelectors(data.x, Array.from(data.y), {
  methods,
  k: ks,
  folds,
  seeds,
  classifiers,
  informative: data.informative ?? undefined,
  featureNames: data.featureNames,
  onTask: (t) => log(`${t.method} seed ${t.seed} fold ${t.fold} (${t.done}/${t.total})`),
});
const oursSeconds = (performance.now() - started) / 1000;

// The same folds, recomputed from the source and checked against the runs' panels' folds.
const stratifiedFolds = await loadStratifiedFolds();
const foldRows = seeds.map((seed) =>
  stratifiedFolds(Int32Array.from(data.y), data.classes.length, folds, seed).map((f) => Array.from(f)),
);

let sklearn = null;
if (!a["no-sklearn"]) {
  const tmp = mkdtempSync(join(tmpdir(), "selection-"));
  try {
    const input = join(tmp, "in.json");
    const rows = Array.from({ length: data.n }, (_, i) => Array.from(data.x.subarray(i * data.d, (i + 1) * data.d)));
    writeFileSync(input, JSON.stringify({ x: rows, y: Array.from(data.y), folds: foldRows, seeds, k: ours.k }));
    log("scikit-learn on the same folds");
    const out = execFileSync("/usr/bin/python3", [`${here}selection_sklearn.py`, input], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    sklearn = JSON.parse(out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const summary = (values) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std, values };
};
const relevant = data.informative ? new Set(data.informative) : null;
const sklearnRows = [];
for (const method of sklearn ? Object.keys(sklearn.methods) : []) {
  const runs = sklearn.methods[method];
  for (const k of ours.k) {
    const panels = runs.map((r) => r.ranking.slice(0, k));
    sklearnRows.push({
      method: `sklearn ${method}`,
      k,
      accuracy: summary(runs.map((r) => r.scores[String(k)].accuracy)),
      auc: summary(runs.map((r) => r.scores[String(k)].auc)),
      kuncheva: panels.length > 1 ? pkg.kunchevaIndex(panels, data.d) : null,
      jaccard: panels.length > 1 ? pkg.meanJaccard(panels) : null,
      recall: relevant ? summary(panels.map((p) => p.filter((j) => relevant.has(j)).length / relevant.size)) : null,
      seconds: summary(runs.map((r) => r.seconds)),
    });
  }
}

const pct = (s) => (s ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : "—");
const f3 = (v) => (v === null || v === undefined ? "—" : v.toFixed(2));
const table = [];
const header = ["method", ...ours.k.map((k) => `k = ${k}`)];
table.push(`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`);
const line = (label, rows, cell) =>
  `| ${label} | ${ours.k.map((k) => cell(rows.find((r) => r.k === k))).join(" | ")} |`;
const section = (title, cell) => {
  table.push(`| **${title}** |${ours.k.map(() => "").join(" |")} |`);
  for (const m of methods)
    table.push(
      line(
        m,
        ours.rows.filter((r) => r.method === m),
        cell.ours,
      ),
    );
  if (!cell.sklearn) return;
  const sk = [...new Set(sklearnRows.map((r) => r.method))];
  for (const m of sk)
    table.push(
      line(
        m,
        sklearnRows.filter((r) => r.method === m),
        cell.sklearn,
      ),
    );
};
section("accuracy % (logistic on the top k)", {
  ours: (r) => pct(r?.accuracy.logistic),
  sklearn: (r) => pct(r?.accuracy),
});
if (classifiers.includes("sae"))
  section("accuracy % (SAE without projection on the top k)", { ours: (r) => pct(r?.accuracy.sae) });
section("AUC (logistic)", { ours: (r) => f3(r?.auc.logistic?.mean), sklearn: (r) => f3(r?.auc.mean) });
section("Kuncheva index", { ours: (r) => f3(r?.kuncheva), sklearn: (r) => f3(r?.kuncheva) });
section("Jaccard", { ours: (r) => f3(r?.jaccard), sklearn: (r) => f3(r?.jaccard) });
if (relevant)
  section("recall of the informative features", {
    ours: (r) => f3(r?.recall?.mean),
    sklearn: (r) => f3(r?.recall?.mean),
  });
const seconds = methods.map((m) => `${m} ${ours.rows.find((r) => r.method === m).seconds.mean.toFixed(2)}`);
const skSeconds = [...new Set(sklearnRows.map((r) => r.method))].map(
  (m) => `${m} ${sklearnRows.find((r) => r.method === m).seconds.mean.toFixed(2)}`,
);
const radii = ours.runs.filter((r) => r.radius !== undefined).map((r) => `${r.method} ${r.radius.toPrecision(3)}`);
const md = [
  `### ${name}`,
  "",
  `${data.source}: ${data.n} samples × ${data.d} features, classes ${data.classes.join(", ")}; ${folds} folds × ` +
    `${seeds.length} seed${seeds.length > 1 ? "s" : ""}; ± is the sample std over the ${folds * seeds.length} runs.`,
  "",
  ...table,
  "",
  `Seconds per ranking (per fold, ours): ${seconds.join(", ")}.` +
    (skSeconds.length ? ` scikit-learn: ${skSeconds.join(", ")}.` : ""),
  ...(radii.length ? ["", `Radius chosen inside each training fold: ${radii.join("; ")}.`] : []),
  "",
].join("\n");
const outFile = `${here}selection-${name}.json`;
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      dataset: { name, source: data.source, samples: data.n, features: data.d, informative: data.informative ?? null },
      folds,
      seeds,
      seconds: oursSeconds,
      ours: {
        ...ours,
        runs: ours.runs.map((r) => ({ ...r, ranking: Array.from(r.ranking) })),
        featureNames: undefined,
      },
      sklearn: sklearn && { versions: sklearn.versions, rows: sklearnRows },
      markdown: md,
    },
    null,
    1,
  )}\n`,
);
process.stdout.write(md);
log(`wrote ${outFile} (ours ${oursSeconds.toFixed(0)} s)`);
