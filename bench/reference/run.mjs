// The PyTorch reference comparison: our crossValidate and a PyTorch copy of the same supervised autoencoder
// (bench/reference/sae_torch.py), trained on the same rows of the same stratified folds; writes
// bench/reference/results.md and results.json.
//
//   npm run build && node bench/reference/run.mjs [--only gc|synthetic] [--synthetic-radii none,0.5,1]
//        [--repeats 3] [--synthetic-repeats 2] [--keep]
//
// Every configuration runs on the folds of seed 0 with init seed 0 (the main table) and then with init seeds
// 1..R−1 on the same folds (--repeats for GC_Breast_D_MB, --synthetic-repeats for the synthetic set), pooled in a
// second table so the accuracy comparison is not one draw of each side's initialisation.
//
// Skipped (exit 0, with a message) when `/usr/bin/python3 -c "import torch"` fails; the synthetic set is skipped
// when scikit-learn is missing (apt-get install -y python3-sklearn). Configurations run one after the other,
// never two at once. dist/ is copied to a temporary directory first, so a rebuild during the run cannot pull the
// package out from under it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { snapshotDist } from "./dist-snapshot.mjs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const PY = "/usr/bin/python3";
const log = (m) => process.stderr.write(m + "\n");

const args = { only: null, syntheticRadii: ["none", "0.5", "1"], keep: false, repeats: 3, syntheticRepeats: 2 };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  if (k === "--only") args.only = process.argv[++i];
  else if (k === "--synthetic-radii") args.syntheticRadii = process.argv[++i].split(",").filter(Boolean);
  else if (k === "--keep") args.keep = true;
  else if (k === "--repeats") args.repeats = Number(process.argv[++i]);
  else if (k === "--synthetic-repeats") args.syntheticRepeats = Number(process.argv[++i]);
  else throw new Error(`unknown argument ${k}`);
}

function sh(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.status, error: r.error };
}

const torchCheck = sh(PY, ["-c", "import torch"]);
if (!torchCheck.ok) {
  const reason =
    (torchCheck.error?.message ?? torchCheck.stderr.trim().split("\n").pop()) || `exit ${torchCheck.status}`;
  log(
    `bench/reference: skipped: \`${PY} -c "import torch"\` failed (${reason}). ` +
      "Install Debian's python3-torch to run the PyTorch reference.",
  );
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "sparseproj-reference-"));
const dist = snapshotDist(work);
log(`dist snapshot ${dist.sha256} (built ${dist.built}) in ${work}`);

const configs = [];
if (args.only !== "synthetic") {
  for (const [projection, radius] of [
    ["none", null],
    ["bilevel-l1inf", 0.5],
    ["bilevel-l1inf", 1],
  ])
    configs.push({ dataset: "gc", label: "GC_Breast_D_MB (271 × 162, 2 classes)", projection, radius });
}
let synthetic = null;
if (args.only !== "gc") {
  const file = join(work, "synthetic.json");
  const made = sh(PY, [join(here, "make_synthetic.py"), file]);
  if (!made.ok)
    log(`synthetic set skipped: make_synthetic.py failed (is python3-sklearn installed?)\n${made.stderr.trim()}`);
  else {
    synthetic = JSON.parse(readFileSync(file, "utf8")).generator;
    for (const r of args.syntheticRadii)
      configs.push({
        dataset: file,
        label: "make_classification (1000 × 1000, 64 informative, 2 classes)",
        projection: r === "none" ? "none" : "bilevel-l1inf",
        radius: r === "none" ? null : Number(r),
      });
  }
}

const started = Date.now();
const results = [];
/** One configuration with one init seed: ours (folds.mjs), then PyTorch on the same folds. */
function runOnce(c, name, initSeed) {
  const file = join(work, `${name}-init${initSeed}.json`);
  const load = { before: loadavg()[0] };
  log(`${name}, init seed ${initSeed}: ours (crossValidate)`);
  const t0 = Date.now();
  const ours = sh(
    process.execPath,
    [
      join(here, "folds.mjs"),
      "--dataset",
      c.dataset,
      "--projection",
      c.projection,
      "--radius",
      String(c.radius ?? 1),
      "--folds",
      "4",
      "--seed",
      "0",
      "--init-seed",
      String(initSeed),
      "--out",
      file,
    ],
    { env: { ...process.env, SPARSEPROJ_DIST: dist.entry }, stdio: ["ignore", "pipe", "inherit"] },
  );
  if (!ours.ok) throw new Error(`folds.mjs failed for ${name}`);
  log(`${name}, init seed ${initSeed}: PyTorch`);
  const t1 = Date.now();
  const torch = sh(PY, [join(here, "sae_torch.py"), file, "--seed", String(initSeed)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  });
  if (!torch.ok) throw new Error(`sae_torch.py failed for ${name}`);
  load.after = loadavg()[0];
  const doc = JSON.parse(readFileSync(file, "utf8"));
  if (!args.keep) rmSync(file);
  return {
    initSeed,
    folds: doc.folds.map((f) => f.length),
    options: doc.options,
    ours: doc.ours,
    torch: JSON.parse(torch.stdout),
    wallSeconds: { ours: (t1 - t0) / 1000, torch: (Date.now() - t1) / 1000 },
    loadAverage1min: load,
  };
}
const summary = (values) => {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return {
    mean: m,
    std: values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1)) : 0,
    values,
  };
};
for (const c of configs) {
  const name = `${c.dataset === "gc" ? "gc" : "synthetic"}-${c.projection}${c.radius === null ? "" : `-${c.radius}`}`;
  const seeds = Array.from({ length: c.dataset === "gc" ? args.repeats : args.syntheticRepeats }, (_, i) => i);
  const runs = seeds.map((s) => runOnce(c, name, s));
  const pooled = (side, key) => summary(runs.flatMap((r) => r[side][key].values));
  results.push({
    name,
    dataset: c.label,
    projection: c.projection,
    radius: c.radius,
    ...runs[0],
    pooled: {
      initSeeds: seeds,
      ours: {
        accuracy: pooled("ours", "accuracy"),
        featureSparsity: pooled("ours", "featureSparsity"),
        secondsPerEpoch: pooled("ours", "secondsPerEpoch"),
        cpuSecondsPerEpoch: summary(runs.map((r) => r.ours.secondsPerEpoch.mean * r.ours.cpuOverWall)),
      },
      torch: {
        accuracy: pooled("torch", "accuracy"),
        featureSparsity: pooled("torch", "featureSparsity"),
        secondsPerEpoch: pooled("torch", "secondsPerEpoch"),
        cpuSecondsPerEpoch: summary(
          runs.flatMap((r) => r.torch.secondsPerEpoch.values.map((v, i) => v * r.torch.cpuOverWall[i])),
        ),
      },
    },
    repeats: runs.slice(1),
  });
}
const totalSeconds = (Date.now() - started) / 1000;

// ---- report ----
const first = results[0]?.torch;
const sklearn = sh(PY, ["-c", "import sklearn, numpy; print(sklearn.__version__, numpy.__version__)"])
  .stdout.trim()
  .split(" ");
const git = sh("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).stdout.trim();
const dirty = sh("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root }).stdout.trim() !== "";
const environment = {
  date: new Date().toISOString(),
  cpu: `${cpus()[0]?.model} × ${cpus().length}`,
  node: `${process.version} (V8 ${process.versions.v8})`,
  torch: first?.runtime ?? null,
  torchThreads: first?.threads ?? null,
  blas: first ? `${first.blas}; loaded: ${first.blasLibrariesLoaded.join(", ")}` : null,
  sklearn: sklearn[0] ?? null,
  revision: `${git}${dirty ? " + uncommitted changes" : ""}`,
  dist,
  loadAverageAtEnd: loadavg(),
  totalSeconds,
  command:
    "npm run build && node bench/reference/run.mjs" +
    process.argv
      .slice(2)
      .map((a) => ` ${a}`)
      .join(""),
  resolvedArguments: args,
};
writeFileSync(join(here, "results.json"), JSON.stringify({ environment, synthetic, results }, null, 2) + "\n");

const pct = (s) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}`;
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const rows = results.map((r) => {
  const delta = 100 * (r.ours.accuracy.mean - r.torch.accuracy.mean);
  const informative = r.ours.informativeSelected
    ? ` (${mean(r.ours.informativeSelected).toFixed(1)} / ` +
      `${mean(r.torch.informativeSelected).toFixed(1)} of 64 informative kept)`
    : "";
  return (
    `| ${r.dataset} | ${r.projection} | ${r.radius ?? "—"} | ${pct(r.ours.accuracy)} | ${pct(r.torch.accuracy)} ` +
    `| ${delta >= 0 ? "+" : ""}${delta.toFixed(1)} | ${(100 * r.ours.featureSparsity.mean).toFixed(1)} / ` +
    `${(100 * r.torch.featureSparsity.mean).toFixed(1)}${informative} | ${r.ours.secondsPerEpoch.mean.toFixed(4)} ` +
    `| ${r.torch.secondsPerEpoch.mean.toFixed(4)} | ` +
    `${(r.torch.secondsPerEpoch.mean / r.ours.secondsPerEpoch.mean).toFixed(2)}× | ` +
    `${r.ours.cpuOverWall.toFixed(2)} / ${mean(r.torch.cpuOverWall).toFixed(2)} | ` +
    `${(r.ours.secondsPerEpoch.mean * r.ours.cpuOverWall).toFixed(4)} / ` +
    `${mean(r.torch.secondsPerEpoch.values.map((v, i) => v * r.torch.cpuOverWall[i])).toFixed(4)} | ` +
    `${r.loadAverage1min.before.toFixed(2)} → ${r.loadAverage1min.after.toFixed(2)} |`
  );
});
const pooledRows = results.map((r) => {
  const p = r.pooled,
    delta = 100 * (p.ours.accuracy.mean - p.torch.accuracy.mean);
  return (
    `| ${r.dataset} | ${r.projection} | ${r.radius ?? "—"} | ${p.initSeeds.join(", ")} | ` +
    `${p.ours.accuracy.values.length} | ${pct(p.ours.accuracy)} | ${pct(p.torch.accuracy)} | ` +
    `${delta >= 0 ? "+" : ""}${delta.toFixed(1)} | ${(100 * p.ours.featureSparsity.mean).toFixed(1)} / ` +
    `${(100 * p.torch.featureSparsity.mean).toFixed(1)} | ${p.ours.secondsPerEpoch.mean.toFixed(4)} / ` +
    `${p.torch.secondsPerEpoch.mean.toFixed(4)} | ${p.ours.cpuSecondsPerEpoch.mean.toFixed(4)} / ` +
    `${p.torch.cpuSecondsPerEpoch.mean.toFixed(4)} |`
  );
});
const perFold = results.map(
  (r) =>
    `| ${r.name} | ${r.ours.accuracy.values.map((v) => (100 * v).toFixed(1)).join(", ")} | ` +
    `${r.torch.accuracy.values.map((v) => (100 * v).toFixed(1)).join(", ")} | ` +
    `${r.ours.selectedFeatures.join(", ")} | ${r.torch.selectedFeatures.join(", ")} |`,
);
const syntheticText = synthetic
  ? `: make_classification(n_samples=${synthetic.n_samples}, n_features=${synthetic.n_features}, ` +
    `n_informative=${synthetic.n_informative}, n_redundant=${synthetic.n_redundant}, ` +
    `class_sep=${synthetic.class_sep}, random_state=${synthetic.random_state}; ` +
    `other arguments default: ${synthetic.defaults})`
  : " not run";
const md = `# PyTorch reference: the same supervised autoencoder on the same folds

Made by \`${environment.command}\` (bench/reference/run.mjs; ${totalSeconds.toFixed(0)} s in all; init seeds: \
${args.repeats} for GC_Breast_D_MB, ${args.syntheticRepeats} for the synthetic set).
Each row: our \`crossValidate\` (4 stratified folds, seed 0) and bench/reference/sae_torch.py — the same model and
training written in PyTorch (encoder d → 100 SiLU → k, decoder k → 100 SiLU → d, \
cross-entropy + 1·SmoothL1, Adam 1e-3,
batch 8, 30 epochs, projection of the first layer once, mask, 30 more epochs with a fresh Adam, no rewind) — trained
on the same training rows and scored on the same test rows; preprocessing fitted on the training rows of each fold.
The two initialise and shuffle with different random generators, so their accuracies are compared as mean ± sample
std over the 4 folds, not fold by fold.

- Date: ${environment.date}; CPU: ${environment.cpu}; revision ${environment.revision}; dist snapshot \
${dist.sha256} (built ${dist.built})
- Ours: Node ${environment.node}, WebAssembly SIMD kernels, float32, one thread (crossValidate \
runs folds one after another)
- PyTorch: ${environment.torch}, ${environment.torchThreads} thread (torch.set_num_threads(1), \
OMP/OPENBLAS/MKL_NUM_THREADS=1); ${environment.blas}
- scikit-learn ${environment.sklearn ?? "—"} (synthetic set${syntheticText})
- Load average (1 min) at the end: ${environment.loadAverageAtEnd.map((v) => v.toFixed(2)).join(", ")} on \
${cpus().length} cores; per row below, before → after.

## Init seed 0

| dataset | projection | radius η | accuracy % ours | accuracy % PyTorch | Δ points | feature sparsity % ours / \
PyTorch | s / epoch ours | s / epoch PyTorch | PyTorch ÷ ours | CPU/wall ours / PyTorch | CPU s / epoch \
ours / PyTorch | load avg |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Seconds per epoch: wall time of both phases (projection included, preprocessing and scoring excluded) over the 60
epochs, mean over the folds. CPU/wall below 1 means the process waited for a core (other work on the machine): the
wall-clock times of that row are inflated by the contention and the speed comparison is noisy. CPU s / epoch is
less sensitive to that: PyTorch's is its process time over the two phases of each fold; ours is s / epoch × the
CPU/wall ratio of the whole crossValidate call (preprocessing and scoring included, V8's helper threads counted),
an approximation.

## Pooled over initialisations

The same folds (seed 0) trained again with other init seeds (ours: trainSAE seed s; PyTorch:
torch.manual_seed(1000·s + fold)); mean ± sample std over folds × init seeds.

| dataset | projection | radius η | init seeds | runs | accuracy % ours | accuracy % PyTorch | Δ points | feature \
sparsity % ours / PyTorch | s / epoch ours / PyTorch | CPU s / epoch ours / PyTorch |
|---|---|---|---|---|---|---|---|---|---|---|
${pooledRows.join("\n")}

Per fold, init seed 0 (accuracy %, and the number of input features kept):

| configuration | ours | PyTorch | kept, ours | kept, PyTorch |
|---|---|---|---|---|
${perFold.join("\n")}
`;
writeFileSync(join(here, "results.md"), md);
log(md);
if (!args.keep) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}`);
