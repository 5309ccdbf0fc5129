#!/usr/bin/env node
// TensorFlow.js baseline for the supervised-autoencoder training benchmark.
//
//   node bench/train/tfjs_sae.mjs [--backend wasm|cpu] [--epochs N] [--seed S] [--no-matmul]
//
// Prints one JSON object on stdout; progress goes to stderr.
// Same network, data, shuffles and initial weights as bench/train/torch_sae.py (shared mulberry32
// generator), so the losses of the two scripts can be compared step for step.
//
// By default weights use PyTorch's nn.Linear layout: W is [out, in] and a layer computes x·Wᵀ + b with
// tf.matMul(x, W, false, true); tfjs's autodiff then computes dx = dy·W and dW = dyᵀ·x.
// --layout tfjs stores W as [in, out] (tfjs/Keras kernels): x·W + b, dx = dy·Wᵀ, dW = xᵀ·dy.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import {
  BATCH,
  BETA1,
  BETA2,
  D,
  EPS,
  HIDDEN,
  initialWeights,
  K,
  LAYERS,
  LAMBDA_RECON,
  LR,
  makeData,
  median,
  mulberry32,
  N_ROWS,
  permutation,
} from "./problem.mjs";

const log = (...args) => console.error(...args);

const { values: opts } = parseArgs({
  options: {
    backend: { type: "string", default: "wasm" },
    layout: { type: "string", default: "torch" },
    epochs: { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
    "no-matmul": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  log(
    "usage: node bench/train/tfjs_sae.mjs [--backend wasm|cpu] " +
      "[--epochs N] [--layout torch|tfjs] [--seed S] [--no-matmul]",
  );
  process.exit(0);
}
const backendName = opts.backend;
const epochs = Number.parseInt(opts.epochs, 10);
const seed = Number.parseInt(opts.seed, 10);
const layout = opts.layout;
if (!["wasm", "cpu"].includes(backendName)) throw new Error(`--backend must be wasm or cpu, got ${backendName}`);
if (!["torch", "tfjs"].includes(layout)) throw new Error(`--layout must be torch or tfjs, got ${layout}`);
if (!(epochs >= 1)) throw new Error(`--epochs must be a positive integer, got ${opts.epochs}`);

// Record which .wasm binary Emscripten actually reads: under Node it loads it with fs.readFileSync
// (or fs.readFile). Patch before the backend module is loaded.
const wasmFilesRead = [];
for (const name of ["readFileSync", "readFile"]) {
  const original = fs[name];
  fs[name] = function (file, ...rest) {
    const p = file instanceof URL ? file.pathname : String(file);
    if (p.endsWith(".wasm")) wasmFilesRead.push(p);
    return original.call(this, file, ...rest);
  };
}

const require = createRequire(import.meta.url);
const tf = await import("@tensorflow/tfjs-core");

// tfjs-core's Node entry (dist/tf-core.node.js) registers no gradients: the union package @tensorflow/tfjs
// does that by importing "@tensorflow/tfjs-core/dist/register_all_gradients", which only exists as
// extensionless ESM that Node cannot load directly. Bundle it with esbuild (a devDependency of this repo)
// and evaluate it as CommonJS. The bundle carries its own copy of the core ops the gradient functions use;
// tfjs keeps the engine and the kernel/gradient registries on globalThis (_tfengine, _tfGlobals), so the
// copy registers into, and runs its ops through, the same engine and backend.
async function registerAllGradients() {
  const { build } = await import("esbuild");
  const coreDir = path.dirname(require.resolve("@tensorflow/tfjs-core/package.json"));
  const out = await build({
    entryPoints: [path.join(coreDir, "dist", "register_all_gradients.js")],
    bundle: true,
    format: "cjs",
    platform: "node",
    write: false,
    logLevel: "error",
  });
  const mod = { exports: {} };
  new Function("module", "exports", "require", out.outputFiles[0].text)(mod, mod.exports, require);
  for (const kernel of ["Add", "BatchMatMul", "Sigmoid", "Multiply", "Abs", "Minimum", "Sum"]) {
    if (tf.getGradient(kernel) == null) throw new Error(`no gradient registered for ${kernel}`);
  }
}
await registerAllGradients();
let wasmDir = null;
if (backendName === "wasm") {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // The package's Node entry is dist/tf-backend-wasm.node.js; the binaries sit beside it.
  wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep;
  wasm.setWasmPaths(wasmDir); // a plain directory path (with trailing separator) works in Node 20
  tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
} else {
  await import("@tensorflow/tfjs-backend-cpu");
}
if (!(await tf.setBackend(backendName))) throw new Error(`tf.setBackend(${backendName}) failed`);
await tf.ready();
if (tf.getBackend() !== backendName) throw new Error(`backend is ${tf.getBackend()}, wanted ${backendName}`);

const pkgVersion = (name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
const versions = {
  "@tensorflow/tfjs-core": pkgVersion("@tensorflow/tfjs-core"),
  [`@tensorflow/tfjs-backend-${backendName}`]: pkgVersion(`@tensorflow/tfjs-backend-${backendName}`),
  node: process.version,
  v8: process.versions.v8,
};
const wasmBinary = wasmFilesRead.length ? path.basename(wasmFilesRead[0]) : null;
if (backendName === "wasm") {
  log(`wasm binaries read: ${wasmFilesRead.join(", ") || "(none seen)"}`);
  if (wasmBinary !== "tfjs-backend-wasm-simd.wasm")
    throw new Error(`expected tfjs-backend-wasm-simd.wasm, loaded ${wasmBinary}`);
}
log(`TensorFlow.js ${versions["@tensorflow/tfjs-core"]} backend ${tf.getBackend()}, Node ${process.version}`);

/** The shared initial weights (problem.mjs) as tfjs variables, in the chosen layout. */
function initLikeTorch(s) {
  return initialWeights(s).map(({ w, b }, i) => {
    const [outF, inF] = LAYERS[i];
    // tf.tidy disposes the temporaries but keeps variables.
    return tf.tidy(() => ({
      W: tf.variable(layout === "torch" ? tf.tensor2d(w, [outF, inF]) : tf.transpose(tf.tensor2d(w, [outF, inF]))),
      b: tf.variable(tf.tensor1d(b)),
    }));
  });
}

// --layout torch (default): W is [out, in], x·Wᵀ + b. --layout tfjs: W is [in, out] (tfjs/Keras kernel), x·W + b.
const linear =
  layout === "torch"
    ? (x, { W, b }) => tf.add(tf.matMul(x, W, false, true), b)
    : (x, { W, b }) => tf.add(tf.matMul(x, W), b);
const silu = (x) => tf.mul(x, tf.sigmoid(x));

function forward(layers, x) {
  const z = linear(silu(linear(x, layers[0])), layers[1]);
  const xhat = linear(silu(linear(z, layers[2])), layers[3]);
  return { z, xhat };
}

function lossFn(layers, xb, yb1h) {
  const { z, xhat } = forward(layers, xb);
  // softmaxCrossEntropy gives one loss per row; MEAN averages over the batch, like F.cross_entropy.
  const ce = tf.losses.softmaxCrossEntropy(yb1h, z, undefined, 0, tf.Reduction.MEAN);
  // huberLoss(δ=1) = 0.5·e² if |e|<1 else |e|-0.5 = SmoothL1(β=1); MEAN (no weights) = mean over all B·D elements.
  const rec = tf.losses.huberLoss(xb, xhat, undefined, 1.0, tf.Reduction.MEAN);
  return tf.add(ce, tf.mul(rec, LAMBDA_RECON));
}

// ---- training ----
let t0 = performance.now();
const data = makeData(seed);
const X = tf.tensor2d(data.x, [N_ROWS, D]);
const Y1h = tf.tensor2d(data.onehot, [N_ROWS, K]);
const layers = initLikeTorch(seed + 1);
const varList = layers.flatMap(({ W, b }) => [W, b]);
const optimizer = tf.train.adam(LR, BETA1, BETA2, EPS);
if (optimizer.epsilon !== EPS) throw new Error(`Adam epsilon is ${optimizer.epsilon}`);
const shuffleRng = mulberry32(seed + 2);
log(`data + init: ${((performance.now() - t0) / 1000).toFixed(2)} s`);

function trainEpoch(order) {
  let total = 0,
    count = 0;
  for (let start = 0; start < N_ROWS; start += BATCH) {
    const idx = order.subarray(start, Math.min(start + BATCH, N_ROWS));
    tf.tidy(() => {
      const ids = tf.tensor1d(idx, "int32");
      const xb = tf.gather(X, ids);
      const yb = tf.gather(Y1h, ids);
      // minimize = variableGrads (fresh gradients every step, nothing to zero) + Adam applyGradients.
      const cost = optimizer.minimize(() => lossFn(layers, xb, yb), true, varList);
      total += cost.dataSync()[0] * idx.length;
      count += idx.length;
    });
  }
  return total / count; // mean training loss over the epoch (per-sample weighted)
}

const losses = [],
  times = [],
  cpuTimes = [];
for (let epoch = 0; epoch <= epochs; epoch++) {
  // epoch 0 = warm-up
  const order = permutation(shuffleRng, N_ROWS);
  const c0 = process.cpuUsage();
  t0 = performance.now();
  const loss = trainEpoch(order);
  const dt = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  losses.push(loss);
  if (epoch > 0) {
    times.push(dt);
    cpuTimes.push((c.user + c.system) / 1e6);
  }
  log(
    `epoch ${epoch}${epoch === 0 ? " (warm-up)" : ""}: ${dt.toFixed(3)} s, ` +
      `mean loss ${loss.toFixed(5)}, tensors ${tf.memory().numTensors}`,
  );
}

const trainAccuracy = tf.tidy(() => {
  const { z } = forward(layers, X);
  const pred = tf.argMax(z, 1).dataSync();
  let hit = 0;
  for (let i = 0; i < N_ROWS; i++) hit += pred[i] === data.labels[i] ? 1 : 0;
  return hit / N_ROWS;
});

// ---- matmul GFLOP/s ----
/**
 * Median GFLOP/s of an (m×k)(k×n) product, 2·m·n·k flops; each call runs tf.matMul, dataSync()s and disposes
 * the result. With freshB, b is copied to a new tensor before every call (copy not timed): the wasm backend
 * caches XNNPACK's packed copy of b per tensor for the no-transpose product, and in training b (a weight)
 * is a new tensor after every Adam step, so the cached figure overstates what training gets.
 */
function gflops(
  a,
  b,
  transposeA,
  transposeB,
  m,
  n,
  k,
  { freshB = false, minSampleMs = 5, samples = 31, warmupMs = 50 } = {},
) {
  const call = () => {
    const bb = freshB ? tf.add(b, 0) : b;
    const start = performance.now();
    const c = tf.matMul(a, bb, transposeA, transposeB);
    c.dataSync();
    const elapsed = performance.now() - start;
    c.dispose();
    if (freshB) bb.dispose();
    return elapsed;
  };
  let calls = 0,
    spent = 0;
  while (spent < warmupMs) {
    spent += call();
    calls++;
  }
  const reps = Math.max(1, Math.ceil(minSampleMs / (spent / calls)));
  const perCall = [];
  for (let s = 0; s < samples; s++) {
    let t = 0;
    for (let r = 0; r < reps; r++) t += call();
    perCall.push(t / 1000 / reps);
  }
  return (2 * m * n * k) / median(perCall) / 1e9;
}

function matmulSuite(freshB) {
  const out = {};
  const rng = mulberry32(0);
  const randn = (shape) => tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, rng.normal), shape);
  for (const rows of [8, 256]) {
    const x = randn([rows, D]),
      W = randn([HIDDEN, D]),
      dy = randn([rows, HIDDEN]);
    out[`${rows}x${D}x${HIDDEN} forward (x·Wt)`] = gflops(x, W, false, true, rows, HIDDEN, D, { freshB });
    out[`${HIDDEN}x${rows}x${D} backward dW (dyt·x)`] = gflops(dy, x, true, false, HIDDEN, D, rows, { freshB });
    out[`${rows}x${HIDDEN}x${D} backward dx (dy·W)`] = gflops(dy, W, false, false, rows, D, HIDDEN, { freshB });
    tf.dispose([x, W, dy]);
  }
  return out;
}

let matmul = {},
  matmulFreshB = null;
if (!opts["no-matmul"]) {
  matmul = matmulSuite(false);
  for (const [k, v] of Object.entries(matmul)) log(`matmul ${k}: ${v.toFixed(2)} GFLOP/s`);
  if (backendName === "wasm") {
    matmulFreshB = matmulSuite(true);
    for (const [k, v] of Object.entries(matmulFreshB))
      log(`matmul, new right operand each call, ${k}: ${v.toFixed(2)} GFLOP/s`);
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const runtime =
  backendName === "wasm"
    ? `TensorFlow.js ${versions["@tensorflow/tfjs-core"]} wasm (SIMD, 1 thread)`
    : `TensorFlow.js ${versions["@tensorflow/tfjs-core"]} cpu (plain JS)`;
console.log(
  JSON.stringify({
    runtime,
    threads: 1,
    secondsPerEpoch: { median: median(times), all: times },
    finalLoss: losses.at(-1),
    cpuTimeOverWallTime: sum(cpuTimes) / sum(times), // ~1.0 means one core busy
    lossPerEpoch: losses,
    trainAccuracy,
    matmul,
    ...(matmulFreshB && { matmulFreshRightOperand: matmulFreshB }),
    config: {
      backend: tf.getBackend(),
      versions,
      ...(backendName === "wasm" && {
        wasmBinary,
        wasmPaths: wasmDir,
        WASM_HAS_SIMD_SUPPORT: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
        WASM_HAS_MULTITHREAD_SUPPORT: tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT"),
      }),
      weightLayout:
        layout === "torch"
          ? "PyTorch [out, in]; layer = tf.matMul(x, W, false, true) + b"
          : "tfjs [in, out]; layer = tf.matMul(x, W) + b",
      matmulTiming:
        "each call: tf.matMul with transpose flags + dataSync(), timed individually; median over 31 samples" +
        (backendName === "wasm"
          ? "; matmulFreshRightOperand: right operand copied to a new tensor before each call (copy untimed), " +
            "defeating the wasm backend's per-tensor cache of XNNPACK packed weights, as happens in training"
          : ""),
    },
    setup: {
      rows: N_ROWS,
      features: D,
      hidden: HIDDEN,
      latent: K,
      batch: BATCH,
      warmupEpochs: 1,
      timedEpochs: epochs,
      seed,
      loss: "softmaxCrossEntropy(onehot, z, MEAN) + 1.0 * huberLoss(x, xhat, delta=1, MEAN)",
      optimizer: `tf.train.adam(${LR}, ${BETA1}, ${BETA2}, ${EPS}) via optimizer.minimize inside tf.tidy`,
      finalLoss: "mean training loss over the last epoch (per-sample weighted over batches)",
    },
  }),
);
