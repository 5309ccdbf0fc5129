// `npm run bench:train`: seconds per epoch of the supervised autoencoder (d=1000 → 100 SiLU → 2, decoder
// 2 → 100 SiLU → 1000; cross-entropy + SmoothL1; Adam; batch 8; 750 rows; problem.mjs) trained by sparseproj's
// autograd, beside PyTorch (one thread), TensorFlow.js (wasm SIMD, and cpu) and sparseproj's own TypeScript
// fallback, all on the same data, shuffles and initial weights; and matmul GFLOP/s at the layer's shapes beside
// plain JavaScript loops, native C with 128-bit SSE (the kernels' twin) and the baselines' own products.
// Writes bench/train-results.md and bench/train-results.json. Flags: --epochs N (default 5), --no-tfjs-cpu.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as sp from "../dist/index.js";
import { environment } from "./environment.mjs";
import { buildNativeMatmul } from "./matmul-native.mjs";
import { PLAIN } from "./matmul-speed.mjs";
import { medianMs } from "./measure.mjs";
import {
  BATCH,
  BETA1,
  BETA2,
  D,
  EPS,
  HIDDEN,
  initialWeights,
  K,
  LAMBDA_RECON,
  LAYERS,
  LR,
  makeData,
  median,
  mulberry32,
  N_ROWS,
  permutation,
} from "./train/problem.mjs";

const { F, nn, optim } = sp;
const args = process.argv.slice(2);
const EPOCHS = Number(args[args.indexOf("--epochs") + 1]) || 5;
const SEED = 42;
const here = (name) => new URL(name, import.meta.url).pathname;
const log = (...parts) => console.error(...parts);

class SupervisedAutoencoder extends nn.Module {
  constructor(dtype) {
    super();
    this.encoder = new nn.Sequential(
      new nn.Linear(D, HIDDEN, { dtype }),
      new nn.SiLU(),
      new nn.Linear(HIDDEN, K, { dtype }),
    );
    this.decoder = new nn.Sequential(
      new nn.Linear(K, HIDDEN, { dtype }),
      new nn.SiLU(),
      new nn.Linear(HIDDEN, D, { dtype }),
    );
  }
  forward(x) {
    return this.encoder.forward(x);
  }
}

/** Trains as the baselines do (same init, same shuffles); epoch 0 is the warm-up. */
function trainOurs(dtype, epochs) {
  const data = makeData(SEED);
  const x = sp.tensor(data.x, [N_ROWS, D], { dtype });
  const model = new SupervisedAutoencoder(dtype);
  const names = ["encoder.0", "encoder.2", "decoder.0", "decoder.2"];
  const state = {};
  initialWeights(SEED + 1).forEach(({ w, b }, i) => {
    state[`${names[i]}.weight`] = { shape: LAYERS[i], data: Array.from(w) };
    state[`${names[i]}.bias`] = { shape: [LAYERS[i][0]], data: Array.from(b) };
  });
  model.loadStateDict(state);
  const opt = new optim.Adam(model.parameters(), { lr: LR, betas: [BETA1, BETA2], eps: EPS });
  const shuffle = mulberry32(SEED + 2);
  const losses = [],
    times = [];
  for (let epoch = 0; epoch <= epochs; epoch++) {
    const order = permutation(shuffle, N_ROWS);
    const t0 = performance.now();
    let total = 0;
    for (let start = 0; start < N_ROWS; start += BATCH) {
      const rows = order.subarray(start, Math.min(start + BATCH, N_ROWS));
      total += sp.scope(() => {
        opt.zeroGrad();
        const batch = F.indexRows(x, rows);
        const z = model.encoder.forward(batch);
        const loss = F.add(
          F.crossEntropy(
            z,
            Array.from(rows, (r) => data.labels[r]),
          ),
          F.mul(F.smoothL1Loss(model.decoder.forward(z), batch), LAMBDA_RECON),
        );
        loss.backward();
        opt.step();
        return loss.item() * rows.length;
      });
    }
    losses.push(total / N_ROWS);
    if (epoch > 0) times.push((performance.now() - t0) / 1000);
    log(
      `sparseproj ${dtype} epoch ${epoch}: ` +
        `${((performance.now() - t0) / 1000).toFixed(3)} s, loss ${losses.at(-1).toFixed(6)}`,
    );
  }
  model.dispose();
  opt.dispose();
  return { secondsPerEpoch: { median: median(times), all: times }, lossPerEpoch: losses, finalLoss: losses.at(-1) };
}

/** Runs a baseline script that prints one JSON object; a missing runtime gives { skipped }. */
function baseline(command, commandArgs, env = {}) {
  const run = spawnSync(command, commandArgs, {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 24,
  });
  if (run.error || run.status !== 0)
    return {
      skipped:
        `${command} ${commandArgs.join(" ")} failed: ` +
        `${run.error?.message ?? run.stderr.trim().split("\n").slice(-3).join(" / ")}`,
    };
  return JSON.parse(run.stdout);
}

function torchAvailable() {
  return spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
}

// ───── matmul GFLOP/s at the layer's shapes ─────

/** [label, m, n, k, transA, transB] with the names the baselines print. */
const PRODUCTS = [8, 256].flatMap((rows) => [
  [`${rows}x${D}x${HIDDEN} forward (x·Wt)`, rows, HIDDEN, D, false, true],
  [`${HIDDEN}x${rows}x${D} backward dW (dyt·x)`, HIDDEN, D, rows, true, false],
  [`${rows}x${HIDDEN}x${D} backward dx (dy·W)`, rows, D, HIDDEN, false, false],
]);

function randomArray(n, rng) {
  return Float32Array.from({ length: n }, () => rng.random() * 2 - 1);
}

async function matmulSuite() {
  const rng = mulberry32(0);
  const rows = [];
  for (const [label, m, n, k, transA, transB] of PRODUCTS) {
    const a = randomArray(m * k, rng),
      b = randomArray(k * n, rng);
    const flops = 2 * m * n * k;
    const A = sp.tensor(a, transA ? [k, m] : [m, k]),
      B = sp.tensor(b, transB ? [n, k] : [k, n]);
    const ours = await medianMs(() => sp.scope(() => void F.matmul(A, B, { transA, transB })), m * n);
    const c = new Float32Array(m * n);
    const form = transA ? "TN" : transB ? "NT" : "NN";
    const plain = await medianMs(() => PLAIN[form](a, b, c, m, n, k), m * n * 100);
    rows.push({ label, m, n, k, form, sparseproj: flops / ours.ms / 1e6, plainJs: flops / plain.ms / 1e6 });
    log(
      `matmul ${label}: sparseproj ${(flops / ours.ms / 1e6).toFixed(2)} GFLOP/s, ` +
        `plain JS ${(flops / plain.ms / 1e6).toFixed(2)}`,
    );
  }
  return rows;
}

// ───── run everything ─────

const nativeBuild = buildNativeMatmul();
const native = nativeBuild.skipped
  ? nativeBuild
  : nativeBuild.run(PRODUCTS.map(([, m, n, k, transA, transB]) => [transA ? "TN" : transB ? "NT" : "NN", m, n, k]));
native.compiler = nativeBuild.compiler;
const { exactL1Inf: _, ...machine } = environment(native, false);
const results = { environment: machine, epochs: EPOCHS, training: {}, matmul: [] };
log("sparseproj (WebAssembly kernels, float32)…");
results.training.sparseproj = trainOurs("float32", EPOCHS);
log("sparseproj TypeScript fallback (float64), one timed epoch…");
results.training.typescript = trainOurs("float64", 1);
log("PyTorch…");
results.training.pytorch = torchAvailable()
  ? baseline("/usr/bin/python3", [here("train/torch_sae.py"), "--epochs", String(EPOCHS)], {
      OPENBLAS_NUM_THREADS: "1",
      OMP_NUM_THREADS: "1",
      MKL_NUM_THREADS: "1",
    })
  : { skipped: "Debian's python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)" };
log("TensorFlow.js wasm…");
results.training.tfjsWasm = baseline("node", [
  here("train/tfjs_sae.mjs"),
  "--backend",
  "wasm",
  "--epochs",
  String(EPOCHS),
]);
if (!args.includes("--no-tfjs-cpu")) {
  log("TensorFlow.js cpu, one timed epoch…");
  results.training.tfjsCpu = baseline("node", [
    here("train/tfjs_sae.mjs"),
    "--backend",
    "cpu",
    "--epochs",
    "1",
    "--no-matmul",
  ]);
}
log("matmul…");
results.matmul = await matmulSuite();
results.matmul.forEach((row, i) => {
  row.nativeSse = native.sse?.[i]?.gflops;
  row.nativeAuto = native.plain?.[i]?.gflops;
  row.pytorch = results.training.pytorch.matmul?.[row.label];
  row.tfjsWasm = results.training.tfjsWasm.matmulFreshRightOperand?.[row.label];
});
results.environment.pytorchBlas = results.training.pytorch.config?.blasLibrariesLoaded?.join(", ");

writeFileSync(here("train-results.json"), `${JSON.stringify(results, null, 1)}\n`);
const { trainingMarkdown } = await import("./train-report.mjs");
// bench/speed.mjs writes a section of its own into the same file: kept as it is.
const previous = existsSync(here("train-results.md")) ? readFileSync(here("train-results.md"), "utf8") : "";
const speed = /<!-- speed:start[\s\S]*<!-- speed:end -->/.exec(previous)?.[0];
writeFileSync(
  here("train-results.md"),
  speed ? `${trainingMarkdown(results).trimEnd()}\n\n${speed}\n` : trainingMarkdown(results),
);
log("wrote bench/train-results.md and bench/train-results.json");
