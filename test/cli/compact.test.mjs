// Compact models on the built-in breast-cancer table, the panel that predicts alone, and the ONNX export checked
// by ONNX Runtime (onnxruntime-web, WebAssembly, in Node): same probabilities as the model's predictProba.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  Generator,
  loadSAE,
  noGrad,
  parseTable,
  roundLatent,
  scope,
  tensor,
  trainCompressor,
  trainSAE,
} from "../../dist/index.js";
import { compressorToOnnx, OnnxExportError, toOnnx } from "../../dist/onnx.js";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

ort.env.wasm.numThreads = 1;
const root = new URL("../../", import.meta.url).pathname;
const dir = scratchDir("compact");
const cli = cliIn(dir);
const breast = parseTable(readFileSync(join(root, "data/GC_Breast_D_MB.csv"), "utf8"), { file: "GC_Breast_D_MB.csv" });
const rowsOf = (table) =>
  Array.from({ length: table.samples }, (_, i) => table.data.subarray(i * table.features, (i + 1) * table.features));
const columnsOf = (rows, names, wanted) => rows.map((r) => wanted.map((n) => r[names.indexOf(n)]));

function close(a, b, tol, what) {
  assert.is(a.length, b.length, what);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst <= tol, `${what}: largest difference ${worst}`);
}

const model = trainSAE(rowsOf(breast), breast.labels, {
  featureNames: breast.featureNames,
  epochs: [20, 10],
  radius: 0.5,
});
const small = model.compact();
const X = rowsOf(breast);

test("breast cancer: the compact model (its panel alone) predicts as the full model", () => {
  assert.ok(small.compaction.changed);
  assert.ok(small.features < breast.features / 2, `${small.features} of ${breast.features} metabolites kept`);
  const panelRows = columnsOf(X, breast.featureNames, small.info.featureNames);
  close(small.predictProba(panelRows), model.predictProba(X), 1e-5, "probabilities");
  close(small.encode(panelRows), model.encode(X), 1e-4, "latent");
  assert.equal(Array.from(small.predict(panelRows)), Array.from(model.predict(X)));
});

/** A CSV of the table's samples with `columns` (feature names, in that order), an id column and a decoy. */
function writeTable(name, columns, { label = true } = {}) {
  const header = ["sample", "decoy", ...columns, ...(label ? ["label"] : [])];
  const lines = X.map((row, i) => [
    breast.sampleIds[i],
    i,
    ...columns.map((c) => row[breast.featureNames.indexOf(c)]),
    ...(label ? [breast.labels[i]] : []),
  ]);
  const cell = (v) => `"${String(v).replaceAll('"', '""')}"`; // metabolite names hold commas
  writeFileSync(join(dir, name), `${[header, ...lines].map((l) => l.map(cell).join(",")).join("\n")}\n`);
}

test("predict takes a table of the panel's columns only, in any order; a missing one is named", () => {
  writeFileSync(join(dir, "full.json"), JSON.stringify(model));
  writeFileSync(join(dir, "panel.json"), JSON.stringify(small));
  writeTable("all.csv", breast.featureNames);
  const shuffled = [...small.info.featureNames].reverse();
  writeTable("panel.csv", shuffled, { label: false });
  const full = cli("predict", "full.json", "all.csv", "--id-column", "sample", "--ignore-columns", "decoy", "--json");
  assert.is(full.status, 0, full.stderr);
  const panel = cli("predict", "panel.json", "panel.csv", "--id-column", "sample", "--json");
  assert.is(panel.status, 0, panel.stderr);
  const [a, b] = [JSON.parse(full.stdout), JSON.parse(panel.stdout)];
  assert.equal(
    b.predictions.map((p) => p.predicted),
    a.predictions.map((p) => p.predicted),
  );
  const probabilities = (r) => r.predictions.flatMap((p) => Object.values(p.probabilities));
  close(probabilities(b), probabilities(a), 1e-5, "probabilities");
  writeTable("short.csv", shuffled.slice(2));
  const r = cli("predict", "panel.json", "short.csv", "--id-column", "sample");
  const gone = small.info.featureNames.filter((n) => shuffled.slice(0, 2).includes(n)); // listed in the model's order
  const missing = gone.map((n) => JSON.stringify(n).replace(/[()[\]+.]/g, "\\$&"));
  assertOneLineError(r, new RegExp(`short\\.csv: the panel's features ${missing.join(", ")} are not`));
});

test("sae --out writes panel.csv and a compact model.json; --full-model keeps every feature", () => {
  const common = [
    "--radius",
    "0.5",
    "--folds",
    "2",
    "--seeds",
    "1",
    "--epochs",
    "4,2",
    "--no-baseline",
    "--workers",
    "1",
  ];
  const r = cli("sae", join(root, "data/GC_Breast_D_MB.csv"), ...common, "--out", "run");
  assert.is(r.status, 0, r.stderr);
  const saved = JSON.parse(readFileSync(join(dir, "run/model.json"), "utf8"));
  assert.is(saved.compact.sourceFeatures, breast.features);
  const panel = readFileSync(join(dir, "run/panel.csv"), "utf8").trim().split("\n");
  assert.is(panel[0], "feature,rank,score,selection_frequency,mean_score");
  // The name, quoted by RFC 4180 where it holds a comma, then four numbers.
  const name = (line) =>
    line
      .split(",")
      .slice(0, -4)
      .join(",")
      .replace(/^"(.*)"$/, "$1")
      .replaceAll('""', '"');
  assert.equal(panel.slice(1).map(name).sort(), [...saved.featureNames].sort());
  assert.equal(
    panel.slice(1).map((line) => Number(line.split(",").at(-4))),
    Array.from({ length: panel.length - 1 }, (_, i) => i + 1),
  );
  const dense = cli("sae", join(root, "data/GC_Breast_D_MB.csv"), ...common, "--full-model", "--save", "dense.json");
  assert.is(dense.status, 0, dense.stderr);
  const full = JSON.parse(readFileSync(join(dir, "dense.json"), "utf8"));
  assert.is(full.compact, undefined);
  assert.is(full.featureNames.length, breast.features);
});

/** ONNX Runtime's probabilities for rows (numbers, panel order) of a model's ONNX bytes. */
async function runOnnx(bytes, rows) {
  const session = await ort.InferenceSession.create(bytes);
  const f = rows[0].length;
  const input = new ort.Tensor("float64", Float64Array.from(rows.flat()), [rows.length, f]);
  const out = await session.run({ input });
  return { probabilities: out.probabilities.data, logits: out.logits.data, session };
}

test("ONNX: the breast-cancer model in ONNX Runtime gives predictProba's probabilities to 1e-5", async () => {
  const bytes = toOnnx(model);
  const { probabilities, logits, session } = await runOnnx(
    bytes,
    columnsOf(X, breast.featureNames, small.info.featureNames),
  );
  close(probabilities, model.predictProba(X), 1e-5, "probabilities");
  close(logits, model.encode(X), 1e-4, "logits");
  assert.equal(session.inputNames, ["input"]);
  assert.equal(session.outputNames, ["logits", "probabilities"]);
});

test("ONNX: random models (imputation, log or not, ReLU / tanh / SiLU, 3 classes, two hidden layers) agree", async () => {
  const g = new Generator(21);
  const settings = [
    { activation: "relu", hidden: [16, 8], preprocess: { impute: "median" } },
    { activation: "tanh", hidden: [12], preprocess: { log: false } },
    { activation: "silu", hidden: [10, 6], projection: "none", preprocess: { impute: "half-min", zscore: false } },
  ];
  for (const options of settings) {
    const names = Array.from({ length: 25 }, (_, j) => `x${j}`);
    const rows = Array.from({ length: 45 }, (_, i) =>
      names.map((_, j) => Math.exp(g.uniform(-1, 2)) * (j < 3 && i % 3 === j ? 3 : 1)),
    );
    if (options.preprocess.impute) for (let i = 0; i < 45; i += 4) rows[i][(i * 7) % 25] = Number.NaN;
    const y = rows.map((_, i) => ["a", "b", "c"][i % 3]);
    const m = trainSAE(rows, y, { featureNames: names, epochs: [10, 5], radius: 1, ...options });
    const c = m.compact();
    const { probabilities } = await runOnnx(toOnnx(m), columnsOf(rows, names, c.info.featureNames));
    close(probabilities, m.predictProba(rows), 1e-5, options.activation);
    m.dispose();
    c.dispose();
  }
});

test("export: the command writes the file ONNX Runtime loads; knn imputation is refused, naming it", async () => {
  const r = cli("export", "panel.json", "--onnx", "panel.onnx");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /opset 17/);
  const bytes = readFileSync(join(dir, "panel.onnx"));
  const { probabilities } = await runOnnx(bytes, columnsOf(X, breast.featureNames, small.info.featureNames));
  close(probabilities, model.predictProba(X), 1e-5, "from the file");
  const picked = Array.from({ length: 40 }, (_, i) => i * 6); // both classes
  const rows = picked.map((i) => Array.from(X[i].subarray(0, 20)));
  rows[3][4] = Number.NaN;
  const labels = picked.map((i) => breast.labels[i]);
  const knn = trainSAE(rows, labels, { epochs: [2, 1], preprocess: { impute: "knn" } });
  assert.throws(
    () => toOnnx(knn),
    (e) => e instanceof OnnxExportError && /knn imputation/.test(e.message),
  );
  writeFileSync(join(dir, "knn.json"), JSON.stringify(knn));
  assertOneLineError(cli("export", "knn.json", "--onnx", "knn.onnx"), /knn\.json: the knn imputation/);
  knn.dispose();
  const usage = cli("export", "panel.json");
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /--onnx FILE is required/);
  const loaded = loadSAE(readFileSync(join(dir, "panel.json"), "utf8"));
  assert.ok(loaded.compaction.changed);
  loaded.dispose();
});

test("ONNX: the compact compressor's encoder and decoder in ONNX Runtime match encode, rounding and decode", async () => {
  const g = new Generator(12);
  const [side, n] = [8, 48];
  const images = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const [a, b] = [g.uniform(0, 1), g.uniform(0, 1)];
    for (let p = 0; p < side * side; p++) images[i * 64 + p] = (a * (p % side) + b * Math.floor(p / side)) / (2 * side);
  }
  const projection = { rho: 0.05, projectedEpochs: 2, layers: "latent" };
  const full = trainCompressor(images, {
    side,
    channels: 6,
    hidden: [6, 8],
    epochs: [4, 2],
    batchSize: 16,
    projection,
  });
  const small = full.compact();
  assert.ok(small.compaction.latentChannels.length < 6);
  const encoder = await ort.InferenceSession.create(compressorToOnnx(full, "encoder"));
  const decoder = await ort.InferenceSession.create(compressorToOnnx(full, "decoder"));
  const out = await encoder.run({ images: new ort.Tensor("float32", images, [n, 1, side, side]) });
  const [latent, symbols, decoded] = scope(() =>
    noGrad(() => {
      const y = small.net.encode(tensor(images, [n, 1, side, side]));
      const rounded = roundLatent(y);
      return [y.data, rounded.data, small.net.decode(rounded).data].map((a) => Float32Array.from(a));
    }),
  );
  assert.equal(out.latent.dims, [n, small.compaction.latentChannels.length, 2, 2]);
  close(out.latent.data, latent, 1e-5, "latent");
  assert.equal(Array.from(out.symbols.data), Array.from(symbols), "symbols (ties away from zero)");
  const images2 = await decoder.run({ symbols: new ort.Tensor("float32", symbols, out.symbols.dims) });
  close(images2.images.data, decoded, 1e-5, "decoded images");
  full.dispose();
  small.dispose();
});

test.after(() => {
  model.dispose();
  small.dispose();
});

test.run();
