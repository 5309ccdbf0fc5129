// `node bench/compact.mjs [--quick] [--only sae|conv]`: what compact models save, measured (docs/compact.md).
// 1. The supervised autoencoder: features, parameters and predict time per 1,000 samples, full against compact, on
//    the built-in breast-cancer table and on a 1000 × 10,000 make_classification table at 50 / 90 / 99 % feature
//    sparsity (top-k keeps exactly 5,000 / 1,000 / 100 features); and phase-2 seconds per epoch, the masked dense
//    first layer (as before compaction) against the compact one.
// 2. The compressor (MNIST, 2000 training and 1000 test images, a short 4 + 2 epoch schedule) at docs/conv.md's
//    radii: MACs, parameters and encode / decode time per image, dense against compact.
// Timings are medians of repeated runs, full and compact alternating, on a shared machine (its load is printed).
// The library is bundled from src/ so that the benchmark reaches trainOnRows' dense phase 2 (internal).
import { rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { convSplit, mnistImages } from "./conv-data.mjs";

const quick = process.argv.includes("--quick");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
const outfile = join(tmpdir(), `sparseproj-compact-bench-${process.pid}.mjs`);
await build({
  stdin: {
    contents: `export * from "./src/index.ts";
export { trainOnRows } from "./src/sae/train.ts";
export { toDataset } from "./src/sae/dataset.ts";`,
    resolveDir: new URL("..", import.meta.url).pathname,
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  outfile,
  logLevel: "warning",
});
const sp = await import(outfile);
rmSync(outfile);

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/**
 * Median wall times (ms) of each function, over `repeats` rounds after one warm-up round, the functions
 * alternating within each round so that a change of the machine's load falls on all of them alike.
 */
function timeMs(fns, repeats) {
  for (const fn of fns) fn();
  const times = fns.map(() => []);
  for (let r = 0; r < repeats; r++) {
    fns.forEach((fn, i) => {
      const t = performance.now();
      fn();
      times[i].push(performance.now() - t);
    });
  }
  return times.map(median);
}
const parameters = (m) => m.net.parameters().reduce((sum, p) => sum + p.size, 0);
const columns = (rows, names, wanted) => {
  const index = new Map(names.map((n, j) => [n, j]));
  const picks = wanted.map((n) => index.get(n));
  return rows.map((r) => picks.map((j) => r[j]));
};
const fixed = (x, digits = 2) => x.toFixed(digits);
const lines = [];
const print = (line = "") => {
  lines.push(line);
  console.log(line);
};

print(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")} (2 cores, shared with other jobs)`,
);

/** predict time per 1,000 samples, full and compact, on `rows`; and features and parameters. */
function saeRow(label, model, rows, names) {
  const small = model.compact();
  const panelRows = columns(rows, names, small.info.featureNames);
  const repeats = quick ? 3 : 7;
  const [full, compact] = timeMs([() => model.predictProba(rows), () => small.predictProba(panelRows)], repeats).map(
    (ms) => (ms * 1000) / rows.length,
  );
  const macs = (m) => m.net.encoder.parameters().reduce((s, p) => s + (p.shape.length === 2 ? p.size : 0), 0);
  const [pf, pc] = [parameters(model), parameters(small)];
  const [mf, mc] = [macs(model), macs(small)];
  const saved = (1 - compact / full) / (1 - mc / mf);
  print(
    `| ${label} | ${model.features} → ${small.features} | ${pf} → ${pc} | ${mf} → ${mc} | ` +
      `${fixed(full)} → ${fixed(compact)} ms (${fixed(full / compact, 1)}×) | ${fixed(saved)} |`,
  );
  small.dispose();
}

if (only !== "conv") {
  print("\n## SAE: predict (predictProba) per 1,000 samples\n");
  print("| model | features | parameters | encoder MACs / sample | ms per 1,000 samples | time saved / MACs saved |");
  print("|---|---|---|---|---|---|");
  {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../data/GC_Breast_D_MB.csv", import.meta.url), "utf8");
    const table = sp.parseTable(text, { file: "GC_Breast_D_MB.csv" });
    const rows = Array.from({ length: table.samples }, (_, i) =>
      Array.from(table.data.subarray(i * table.features, (i + 1) * table.features)),
    );
    for (const radius of [1, 0.5, 0.25]) {
      const model = sp.trainSAE(rows, table.labels, { featureNames: table.featureNames, radius });
      // 271 samples: repeated to 1,000 rows so that the time is per 1,000 as for the synthetic table.
      const many = Array.from({ length: 1000 }, (_, i) => rows[i % rows.length]);
      saeRow(`breast cancer, η = ${radius}`, model, many, table.featureNames);
      model.dispose();
    }
  }

  const D = 10_000,
    N = 1000;
  const synthetic = sp.makeClassification({
    nSamples: N,
    nFeatures: D,
    nInformative: 64,
    nRedundant: 0,
    randomState: 0,
  });
  const synthRows = Array.from({ length: N }, (_, i) => Array.from(synthetic.X.subarray(i * D, (i + 1) * D)));
  const synthNames = Array.from({ length: D }, (_, j) => `f${j}`);
  const data = sp.toDataset(synthRows, Array.from(synthetic.y), "bench");
  const all = Int32Array.from({ length: N }, (_, i) => i);

  const phase2 = [];
  for (const sparsity of [0.5, 0.9, 0.99]) {
    const keep = Math.round(D * (1 - sparsity));
    const options = {
      projection: "top-k",
      keep,
      epochs: [1, quick ? 2 : 3],
      hidden: [100],
      featureNames: synthNames,
    };
    const seconds = {};
    let model = null;
    for (const dense of [true, false]) {
      const stamps = [];
      const trained = sp.trainOnRows(
        data,
        { ...options, onProgress: (e) => stamps.push({ ...e, t: performance.now() }) },
        all,
        synthNames,
        dense,
      );
      const times = stamps
        .filter((e) => e.phase === 2)
        .map((e, i, two) => e.t - (i ? two[i - 1].t : stamps.findLast((s) => s.phase === 1).t));
      seconds[dense ? "dense" : "compact"] = median(times) / 1000;
      if (dense) trained.dispose();
      else model = trained;
    }
    phase2.push({ sparsity, keep, ...seconds });
    saeRow(`1000 × 10,000, ${100 * sparsity} % removed`, model, synthRows, synthNames);
    model.dispose();
  }

  print("\n## SAE: phase 2 of the double descent, seconds per epoch (1000 × 10,000, hidden 100, batch 8)\n");
  print("| features removed | kept | masked dense first layer | compact first layer | speed-up |");
  print("|---|---|---|---|---|");
  for (const r of phase2) {
    print(
      `| ${100 * r.sparsity} % | ${r.keep} | ${fixed(r.dense)} s | ${fixed(r.compact)} s | ${fixed(r.dense / r.compact)}× |`,
    );
  }
}
print("\n## Compressor: encode and decode per image (MNIST, 1000 test images, batch 250)\n");
print(
  "| run | latent channels | parameters | MACs / image | encode µs / image | decode µs / image | " +
    "PSNR dense → compact (dB) | time saved / MACs saved |",
);
print("|---|---|---|---|---|---|---|---|");
if (only !== "sae") {
  const { train, test } = convSplit(mnistImages(), 2000, 1000);
  const runs = [
    { name: "dense C = 8", projection: null },
    ...[0.5, 0.3, 0.15].map((rho) => ({ name: `ℓ1,∞ ρ = ${rho}`, projection: { rho, projectedEpochs: 2 } })),
    ...[0.5, 0.3, 0.15].map((rho) => ({
      name: `ℓ1,1 ρ = ${rho}`,
      projection: { rho, kind: "bilevel-l11", projectedEpochs: 2 },
    })),
  ];
  const n = test.length / 784;
  /** Median µs per image of encoding, and of decoding the rounded latent, the test images (batch 250). */
  const pass = (compressor, decode) => () => {
    for (let start = 0; start < n; start += 250) {
      sp.scope(() =>
        sp.noGrad(() => {
          const x = sp.tensor(test.subarray(start * 784, (start + 250) * 784), [250, 1, 28, 28]);
          const y = compressor.net.encode(x);
          if (decode) compressor.net.decode(sp.roundLatent(y));
        }),
      );
    }
  };
  const codec = (a, b) => {
    const fns = [pass(a, false), pass(b, false), pass(a, true), pass(b, true)];
    const [ea, eb, both, bothb] = timeMs(fns, quick ? 3 : 7).map((ms) => (ms * 1000) / n);
    return [
      { encode: ea, decode: both - ea },
      { encode: eb, decode: bothb - eb },
    ];
  };
  const macsOf = (c) => c.sparsity().reduce((s, l) => s + l.macs.before, 0);
  for (const run of runs) {
    const full = sp.trainCompressor(train, { epochs: quick ? [2, 1] : [4, 2], projection: run.projection });
    const small = full.compact();
    const [a, b] = codec(full, small);
    const [ma, mb] = [macsOf(full), macsOf(small)];
    const [pa, pb] = [full.evaluate(test).psnr, small.evaluate(test).psnr];
    const saved = mb < ma ? (1 - (b.encode + b.decode) / (a.encode + a.decode)) / (1 - mb / ma) : Number.NaN;
    print(
      `| ${run.name} | ${full.shape.channels} → ${small.shape.channels} | ${small.compaction.parameters.before} → ` +
        `${small.compaction.parameters.after} | ${ma} → ${mb} (−${fixed(100 * (1 - mb / ma), 0)} %) | ` +
        `${fixed(a.encode, 1)} → ${fixed(b.encode, 1)} | ${fixed(a.decode, 1)} → ${fixed(b.decode, 1)} ` +
        `(${fixed(a.decode / b.decode, 1)}×) | ${fixed(pa, 3)} → ${fixed(pb, 3)} | ${Number.isNaN(saved) ? "–" : fixed(saved)} |`,
    );
    full.dispose();
    small.dispose();
  }
}
print(
  `\nload average at end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")}`,
);
