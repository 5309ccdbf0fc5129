// One configuration of the PyTorch reference comparison, our side: the data, the exact stratified folds our
// crossValidate uses, and our own cross-validated results, written as one JSON file that
// bench/reference/sae_torch.py reads to train PyTorch's copy of the model on the same rows.
//
//   node bench/reference/folds.mjs --dataset gc|PATH.json --projection none|bilevel-l1inf [--radius 1]
//        [--folds 4] [--seed 0] [--init-seed 0] [--epochs 30] --out OUT.json [--no-ours]
//
// --seed fixes the folds (crossValidate's seeds: [seed]); --init-seed is trainSAE's seed (initialisation and
// shuffles; crossValidate adds the fold seed to it), so several init seeds can run on the same folds.
// --dataset gc reads data/GC_Breast_D_MB.csv with parseOmicsCsv; PATH.json is a file from make_synthetic.py
// ({x: rows, y, featureNames, informative?}). Needs a built package (npm run build): imports ../../dist/index.js.
// The folds are computed twice and must agree: with src/sae/cv/folds.ts's stratifiedFolds (internal; bundled here
// from the source with esbuild) and as crossValidate(...).runs[i].test.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The package entry: $SPARSEPROJ_DIST (run.mjs points it at a snapshot of dist/) or ../../dist/index.js. */
export function distEntry() {
  return process.env.SPARSEPROJ_DIST
    ? pathToFileURL(process.env.SPARSEPROJ_DIST).href
    : new URL("../../dist/index.js", import.meta.url).href;
}

/** src/sae/cv/folds.ts, bundled from the source (it is not exported by the package). */
export async function loadStratifiedFolds() {
  const out = await build({
    entryPoints: [`${root}src/sae/cv/folds.ts`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "warning",
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
  return mod.stratifiedFolds;
}

/**
 * { name, x: Float64Array (n × d row-major), n, d, y: Int32Array of class indices, classes,
 * featureNames, informative? }
 */
export async function loadDataset(dataset, pkg) {
  if (dataset === "gc") {
    const path = `${root}data/GC_Breast_D_MB.csv`;
    const t = pkg.parseOmicsCsv(readFileSync(path, "utf8"));
    return {
      name: "GC_Breast_D_MB",
      source: "data/GC_Breast_D_MB.csv",
      x: t.data,
      n: t.samples,
      d: t.features,
      y: t.y,
      classes: t.classes,
      featureNames: t.featureNames,
    };
  }
  const doc = JSON.parse(readFileSync(dataset, "utf8"));
  const n = doc.x.length,
    d = doc.x[0].length;
  const x = new Float64Array(n * d);
  doc.x.forEach((row, i) => x.set(row, i * d));
  const classes = [...new Set(doc.y)].sort((a, b) => a - b);
  const index = new Map(classes.map((c, i) => [c, i]));
  return {
    name: doc.name ?? `make_classification ${n}x${d}`,
    source: dataset,
    x,
    n,
    d,
    y: Int32Array.from(doc.y, (v) => index.get(v)),
    classes,
    featureNames: doc.featureNames ?? Array.from({ length: d }, (_, j) => `f${j}`),
    informative: doc.informative ?? null,
    generator: doc.generator ?? null,
  };
}

/** Our cross-validation of one configuration, and everything PyTorch needs to repeat it on the same folds. */
export async function prepare({
  dataset,
  projection,
  radius = 1,
  folds = 4,
  seed = 0,
  initSeed = 0,
  epochs = 30,
  ours = true,
  log = () => {},
}) {
  const pkg = await import(distEntry());
  const data = await loadDataset(dataset, pkg);
  const stratifiedFolds = await loadStratifiedFolds();
  const foldRows = stratifiedFolds(data.y, data.classes.length, folds, seed).map((f) => Array.from(f));
  const options = {
    projection,
    radius,
    epochs,
    folds,
    seeds: [seed],
    seed: initSeed,
    hidden: [100],
    activation: "silu",
    lambda: 1,
    lr: 1e-3,
    batchSize: 8,
    rewind: false,
    validationFraction: 0,
    projectLayers: ["encoder"],
  };
  let result = null;
  if (ours) {
    const started = performance.now(),
      cpu = process.cpuUsage();
    const cv = pkg.crossValidate(data.x, data.y, {
      ...options,
      featureNames: data.featureNames,
      onFold: ({ fold, folds: k }) => log(`  ours: fold ${fold}/${k}`),
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    cv.runs.forEach((run, i) => {
      const a = Array.from(run.test),
        b = foldRows[i];
      if (a.length !== b.length || a.some((v, j) => v !== b[j]))
        throw new Error(`fold ${i + 1}: crossValidate's test rows differ from stratifiedFolds'`);
    });
    const informative = data.informative ? new Set(data.informative) : null;
    result = {
      accuracy: { values: cv.accuracy.values, mean: cv.accuracy.mean, std: cv.accuracy.std },
      featureSparsity: {
        values: cv.featureSparsity.values,
        mean: cv.featureSparsity.mean,
        std: cv.featureSparsity.std,
      },
      secondsPerEpoch: { values: cv.secondsPerEpoch.values, mean: cv.secondsPerEpoch.mean },
      selectedFeatures: cv.runs.map((r) => r.selected.length),
      informativeSelected: informative
        ? cv.runs.map((r) => r.selected.filter((s) => informative.has(s.index)).length)
        : null,
      totalSeconds: seconds,
      // Process CPU time over wall time while crossValidate ran: ~1 = one core to itself;
      // below 1 = it waited for a core.
      cpuOverWall: (used.user + used.system) / 1e6 / seconds,
      runtime: `Node ${process.version} (V8 ${process.versions.v8})`,
    };
  }
  return { data, foldRows, options, ours: result };
}

export function toJSON({ data, foldRows, options, ours }) {
  const rows = Array.from({ length: data.n }, (_, i) => Array.from(data.x.subarray(i * data.d, (i + 1) * data.d)));
  return {
    dataset: {
      name: data.name,
      source: data.source,
      samples: data.n,
      features: data.d,
      classes: data.classes.map(String),
      generator: data.generator ?? null,
    },
    x: rows,
    y: Array.from(data.y),
    featureNames: data.featureNames,
    informative: data.informative ?? null,
    folds: foldRows,
    options,
    ours,
  };
}

function parseArgs(argv) {
  const a = {
    dataset: "gc",
    projection: "bilevel-l1inf",
    radius: 1,
    folds: 4,
    seed: 0,
    initSeed: 0,
    epochs: 30,
    out: null,
    ours: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === "--dataset") a.dataset = v();
    else if (k === "--projection") a.projection = v();
    else if (k === "--radius") a.radius = Number(v());
    else if (k === "--folds") a.folds = Number(v());
    else if (k === "--seed") a.seed = Number(v());
    else if (k === "--init-seed") a.initSeed = Number(v());
    else if (k === "--epochs") a.epochs = Number(v());
    else if (k === "--out") a.out = v();
    else if (k === "--no-ours") a.ours = false;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.out) throw new Error("--out OUT.json is required");
  return a;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  const prepared = await prepare({ ...args, log: (m) => process.stderr.write(m + "\n") });
  writeFileSync(args.out, JSON.stringify(toJSON(prepared)));
  const o = prepared.ours;
  process.stderr.write(
    `wrote ${args.out}` +
      (o
        ? `: ours accuracy ${o.accuracy.mean.toFixed(4)} ± ${o.accuracy.std.toFixed(4)}, ` +
          `sparsity ${o.featureSparsity.mean.toFixed(3)}, ${o.secondsPerEpoch.mean.toFixed(4)} s/epoch`
        : "") +
      "\n",
  );
}
