// `node bench/speed.mjs [--rounds N] [--baseline path/to/index.js] [--quick] [--only conv,vae]`: training speed on this
// machine, each
// lever of issue #24 measured in one run. Configurations — a baseline build (--baseline: a dist/index.js from before
// the levers, optional), ours with plain SIMD and with relaxed SIMD (fused multiply-add), each on 1 and 2 threads
// (initThreads), and PyTorch on one thread (bench/speed/torch_speed.py) — run one process at a time, in turn, round
// after round, so that the machine's load falls on all of them alike; every figure is a median over rounds, and the
// ratios compare figures from the same run. Workloads and shapes: bench/speed/workloads.mjs. Matrix products are also
// timed in native C (bench/native/matmul.c: 128-bit SSE, and the same with FMA) and PyTorch's OpenBLAS.
// Writes bench/speed-results.json and the "Training speed" section of bench/train-results.md. `--only` times just the
// workloads named (no products, no crossover) and prints their table, leaving both files alone: a quick look while
// working, never the record.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildNativeMatmul } from "./matmul-native.mjs";
import { CROSSOVER_SHAPES, MATMUL_SHAPES, WORKLOADS } from "./speed/workloads.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const ROUNDS = Number(flag("--rounds", args.includes("--quick") ? 1 : 3));
const BASELINE = flag("--baseline", null);
const here = (name) => new URL(name, import.meta.url).pathname;
const log = (...parts) => console.error(...parts);
const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];
const ONLY = flag("--only", null)?.split(",");
for (const name of ONLY ?? []) {
  if (!(name in WORKLOADS)) throw new Error(`--only: no workload ${name}; choose from ${Object.keys(WORKLOADS)}`);
}
const NAMES = ONLY ?? Object.keys(WORKLOADS);
// The bundle under test, copied first (it is self-contained): a rebuild during the run cannot change it.
const OURS = join(mkdtempSync(join(tmpdir(), "sparseproj-speed-")), "index.js");
copyFileSync(here("../dist/index.js"), OURS);

// Node 20 runs relaxed SIMD behind a flag; later Nodes have it on (and may not know the flag).
const relaxedFlag = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "-e", "0"]).status === 0;
const nodeArgs = relaxedFlag ? ["--experimental-wasm-relaxed-simd"] : [];

const CONFIGS = [
  // A baseline with initThreads runs as labelled too (one thread, plain SIMD), not at its defaults.
  ...(BASELINE
    ? [{ key: "baseline", label: "before #24 (baseline build), 1 thread", dist: BASELINE, kernels: "simd", threads: 1 }]
    : []),
  { key: "simd1", label: "SIMD, 1 thread", kernels: "simd", threads: 1 },
  { key: "relaxed1", label: "relaxed SIMD (FMA), 1 thread", kernels: "relaxed-simd", threads: 1 },
  { key: "simd2", label: "SIMD, 2 threads", kernels: "simd", threads: 2 },
  { key: "relaxed2", label: "relaxed SIMD (FMA), 2 threads", kernels: "relaxed-simd", threads: 2 },
];

function runOurs(config, matmul, workloads = NAMES) {
  const options = { ...config, rounds: 3, workloads, matmul };
  options.dist = new URL(config.dist ?? OURS, `file://${process.cwd()}/`).href;
  const r = spawnSync(process.execPath, [...nodeArgs, here("speed/ours.mjs"), JSON.stringify(options)], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${config.label}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function runTorch(matmul) {
  const names = NAMES.filter((n) => n !== "wide");
  if (!names.length && !matmul) return null;
  const spec = {
    workloads: WORKLOADS,
    names,
    rounds: 3,
    matmul: matmul ? MATMUL_SHAPES : [],
  };
  const r = spawnSync("/usr/bin/python3", [here("speed/torch_speed.py"), JSON.stringify(spec)], { encoding: "utf8" });
  if (r.status !== 0) {
    log(`PyTorch skipped: ${r.stderr.trim().split("\n").at(-1)}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

const loadBefore = loadavg()[0];
const rounds = Object.fromEntries([...CONFIGS.map((c) => c.key), "torch"].map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const config of CONFIGS) {
    log(`round ${round + 1}/${ROUNDS}: ${config.label} (load ${loadavg()[0].toFixed(1)})`);
    rounds[config.key].push(runOurs(config, !ONLY));
  }
  log(`round ${round + 1}/${ROUNDS}: PyTorch`);
  const torch = runTorch(!ONLY);
  if (torch) rounds.torch.push(torch);
}
// The crossover: products forced onto 2 threads (minSplitFlops 0) against 1 thread, in turn.
const sweep = { one: [], two: [] };
for (let round = 0; round < (ONLY ? 0 : ROUNDS); round++) {
  log(`crossover sweep, round ${round + 1}/${ROUNDS}`);
  sweep.one.push(runOurs({ kernels: "simd", threads: 1 }, "sweep", []).matmul);
  sweep.two.push(runOurs({ kernels: "simd", threads: 2, minSplitFlops: 0 }, "sweep", []).matmul);
}
const native = ONLY ? { skipped: "--only" } : buildNativeMatmul();
const nativeRuns = native.skipped ? [] : [0, 1, 2].map(() => native.run(MATMUL_SHAPES, ["sse", "fma"]));
const loadAfter = loadavg()[0];

// Medians over rounds: ms per step → s per epoch; GFLOP/s per shape.
const summary = {};
for (const [key, runs] of Object.entries(rounds)) {
  if (!runs.length) continue;
  const steps = {};
  for (const name of NAMES) {
    if (!runs[0].steps[name]) continue;
    const ms = median(runs.map((r) => r.steps[name].msPerStep));
    steps[name] = {
      msPerStep: ms,
      secondsPerEpoch: (ms * Math.ceil(WORKLOADS[name].rows / WORKLOADS[name].batch)) / 1000,
    };
  }
  const matmul = Object.fromEntries(
    Object.keys(runs[0].matmul).map((shape) => [shape, median(runs.map((r) => r.matmul[shape]))]),
  );
  summary[key] = { steps, matmul, kernels: runs[0].kernels, threads: runs[0].threads };
}
const shapeKey = ([form, m, n, k]) => `${form} ${m}x${n}x${k}`;
for (const build of ["sse", "fma"]) {
  if (!nativeRuns.length) break;
  summary[`c_${build}`] = {
    matmul: Object.fromEntries(
      MATMUL_SHAPES.map((s, i) => [shapeKey(s), median(nativeRuns.map((r) => r[build][i].gflops))]),
    ),
  };
}

const fmt = (x, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? "—" : x.toFixed(digits));
const cell = (key, name) => summary[key]?.steps[name]?.secondsPerEpoch;
const epochRows = () =>
  NAMES.map((name) => {
    const best = Math.min(...CONFIGS.map((c) => cell(c.key, name) ?? Infinity));
    const torch = cell("torch", name);
    return (
      `| ${name} | ${CONFIGS.map((c) => fmt(cell(c.key, name), 3)).join(" | ")} | ${fmt(torch, 3)} | ` +
      `${torch ? `${fmt(best / torch)}×` : "—"} |`
    );
  });
const epochHeader = [
  `| workload | ${CONFIGS.map((c) => c.label).join(" | ")} | PyTorch, 1 thread | best / PyTorch |`,
  `|---|${CONFIGS.map(() => "---:").join("|")}|---:|---:|`,
];
if (ONLY) {
  console.log(
    [
      `Seconds per epoch, median of ${ROUNDS} round(s); load average ${loadBefore.toFixed(1)} → ` +
        `${loadavg()[0].toFixed(1)} on ${cpus().length} logical cores:`,
      "",
      ...epochHeader,
      ...epochRows(),
    ].join("\n"),
  );
  process.exit(0);
}

const v8 = process.versions.v8;
const environment = {
  date: new Date().toISOString(),
  node: process.version,
  v8,
  relaxedFlag,
  cpu: `${cpus()[0].model}, ${cpus().length} logical cores`,
  load: { before: loadBefore, after: loadAfter },
  rounds: ROUNDS,
  torch: rounds.torch[0] ? { version: rounds.torch[0].torch, blas: rounds.torch[0].blas } : null,
  compiler: native.compiler ?? native.skipped,
  baseline: BASELINE,
};
writeFileSync(here("speed-results.json"), `${JSON.stringify({ environment, summary, rounds, sweep }, null, 1)}\n`);

// ---- the report ----
const lines = [];
lines.push(
  "<!-- speed:start (written by bench/speed.mjs; bench/train.mjs keeps this section) -->",
  "## Training speed: conv compressor, Huber-energy VAE, SAE (issue #24)",
  "",
  `Made by \`node bench/speed.mjs --rounds ${ROUNDS}${BASELINE ? " --baseline …" : ""}\`. ` +
    `${environment.node} (V8 ${v8}` +
    `${relaxedFlag ? ", relaxed SIMD via --experimental-wasm-relaxed-simd" : ""}); ${environment.cpu}; ` +
    `${environment.date.slice(0, 10)}; PyTorch ${environment.torch?.version ?? "—"} (one thread, ` +
    `${(environment.torch?.blas ?? []).map((p) => p.split("/").at(-1)).join(", ")}); ${environment.compiler}.`,
  `Load average ${loadBefore.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end ` +
    `(${cpus().length} logical cores). Each figure is the median over rounds run in turn, and ratios are taken ` +
    "within this run only.",
  // The one-minute averages lag: the start still counts what ran just before, the end counts this run's own threads.
  // Only both above the core count mean that other work shared the run.
  ...(Math.min(loadBefore, loadAfter) > cpus().length
    ? [
        "",
        `**The machine was oversubscribed (load ${loadBefore.toFixed(0)} on ${cpus().length} cores): these figures are ` +
          "not the hardware's.** The matrix-product and crossover tables swing by 10× from one shape to the next " +
          "and cannot be read; the epoch times average more steps, but one round is one draw. Rerun on a quiet machine.",
      ]
    : []),
  "",
  "Seconds per epoch (ms per step × steps per epoch; workloads in bench/speed/workloads.mjs):",
  "",
  ...epochHeader,
  ...epochRows(),
);
// Each lever's share of the gain: the log of its ratio over the log of the whole ratio (baseline → best).
const levers = [
  ["less overhead per op (baseline → SIMD, 1 thread)", "baseline", "simd1"],
  ["fused multiply-add (SIMD → relaxed SIMD, 1 thread)", "simd1", "relaxed1"],
  ["second core (relaxed SIMD, 1 → 2 threads)", "relaxed1", "relaxed2"],
];
lines.push("", "Each lever's speed-up (ratio of seconds per epoch) and its share of the whole gain (log ratio):", "");
lines.push(`| lever | ${NAMES.join(" | ")} |`, `|---|${NAMES.map(() => "---:").join("|")}|`);
for (const [label, from, to] of levers) {
  lines.push(
    `| ${label} | ${NAMES.map((name) => {
      const [a, b] = [cell(from, name), cell(to, name)];
      const start = cell(BASELINE ? "baseline" : "simd1", name),
        end = cell("relaxed2", name);
      if (!a || !b) return "—";
      const share = start && end && start !== end ? Math.log(a / b) / Math.log(start / end) : NaN;
      return `${fmt(a / b)}× (${Number.isFinite(share) ? `${Math.round(share * 100)}%` : "—"})`;
    }).join(" | ")} |`,
  );
}
lines.push("", "Matrix products, GFLOP/s (median; ours through F.matmul inside scope(), arena included):", "");
const cols = [
  ...CONFIGS.map((c) => [c.key, c.label]),
  ["c_sse", "C SSE 128-bit"],
  ["c_fma", "C SSE + FMA"],
  ["torch", "PyTorch (OpenBLAS), 1 thread"],
];
lines.push(`| product | ${cols.map(([, l]) => l).join(" | ")} |`, `|---|${cols.map(() => "---:").join("|")}|`);
for (const s of MATMUL_SHAPES) {
  const key = shapeKey(s);
  lines.push(`| ${key} | ${cols.map(([k]) => fmt(summary[k]?.matmul[key], 1)).join(" | ")} |`);
}
lines.push(
  "",
  "Crossover: 64 × s × s products (NN) split over 2 threads at every size (minSplitFlops 0) against 1 thread, GFLOP/s:",
  "",
  "| s | flops (2·64·s²) | 1 thread | 2 threads | speed-up |",
  "|---:|---:|---:|---:|---:|",
);
for (const s of CROSSOVER_SHAPES) {
  const key = shapeKey(s);
  const [one, two] = [median(sweep.one.map((r) => r[key])), median(sweep.two.map((r) => r[key]))];
  lines.push(`| ${s[2]} | ${2 * s[1] * s[2] * s[3]} | ${fmt(one, 1)} | ${fmt(two, 1)} | ${fmt(two / one)}× |`);
}
lines.push("<!-- speed:end -->");
const section = lines.join("\n");
const file = here("train-results.md");
const text = readFileSync(file, "utf8");
const start = text.indexOf("<!-- speed:start"),
  end = text.indexOf("<!-- speed:end -->");
writeFileSync(
  file,
  start >= 0
    ? `${text.slice(0, start)}${section}${text.slice(end + "<!-- speed:end -->".length)}`
    : `${text.trimEnd()}\n\n${section}\n`,
);
log("wrote bench/speed-results.json and the speed section of bench/train-results.md");
