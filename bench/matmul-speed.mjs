// GFLOP/s of assembly/matmul.ts (compiled alone, run in this Node) beside its native twin bench/native/matmul.c
// (hand-blocked SSE, cc -O3 -msse4.2 -mno-avx: 128-bit vectors like wasm SIMD), the same file's plain loops
// autovectorised by cc -O3 -march=native, and plain JavaScript triple loops on Float32Array (i-p-j order for NN
// and TN, i-j-p dot products for NT: the same loop orders as the C plain loops).
// Every figure is 2·m·n·k / (median time of one call), over 15 samples each ≥ 2 ms of repeated calls, after a
// 50 ms warm-up; accumulate = 0. Usage: node bench/matmul-speed.mjs [--quick]   (--quick skips the plain-JS column)
import { compileMatmul, instantiate } from "./matmul-check.mjs";
import { buildNativeMatmul } from "./matmul-native.mjs";

const SAMPLES = 15;
const SAMPLE_MS = 2;
const WARMUP_MS = 50;

export const SHAPES = [
  // forward, backward of the 1000 → 100 layer at batch 8, then 256
  ...[8, 256].flatMap((batch) => [
    ["NT", batch, 100, 1000],
    ["NT", batch, 1000, 100],
    ["TN", 100, 1000, batch],
    ["TN", 1000, 100, batch],
    ["NN", batch, 100, 1000],
    ["NN", batch, 1000, 100],
  ]),
  // the 100 → 2 latent layer (and a 2 → 100 decoder) at batch 8
  ["NT", 8, 2, 100],
  ["NT", 8, 100, 2],
  ["TN", 2, 100, 8],
  ["TN", 100, 2, 8],
  ["NN", 8, 100, 2],
  ["NN", 8, 2, 100],
  // small
  ["NT", 7, 7, 7],
  ["TN", 7, 7, 7],
  ["NN", 7, 7, 7],
  ["NT", 5, 3, 2],
  ["TN", 5, 3, 2],
  ["NN", 5, 3, 2],
];

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}

/** Median ns of one call of `run`, warm-up and calibration first. */
function time(run) {
  // Warm-up long enough for V8 to tier every function involved up from Liftoff to TurboFan (tiny calls
  // take tens of thousands of calls to spend the tier-up budget).
  const warm = performance.now();
  while (performance.now() - warm < WARMUP_MS) for (let w = 0; w < 100; w++) run();
  let repeats = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < repeats; r++) run();
    if (performance.now() - t0 >= SAMPLE_MS / 4) break;
    repeats *= 2;
  }
  repeats *= 4;
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let r = 0; r < repeats; r++) run();
    samples.push(((performance.now() - t0) * 1e6) / repeats);
  }
  return median(samples);
}

// Plain JavaScript, the same loop orders as the C plain loops.
function plainNN(A, B, C, m, n, k) {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) C[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const x = A[i * k + p],
        bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j] += x * B[bp + j];
    }
  }
}
function plainTN(A, B, C, m, n, k) {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) C[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const x = A[p * m + i],
        bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j] += x * B[bp + j];
    }
  }
}
function plainNT(A, B, C, m, n, k) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
      C[i * n + j] = s;
    }
  }
}
export const PLAIN = { NN: plainNN, TN: plainTN, NT: plainNT };

export function main({ quick = process.argv.includes("--quick") } = {}) {
  const native = buildNativeMatmul();
  if (native.skipped) throw new Error(native.skipped);
  const env = instantiate(compileMatmul());
  // The C runs go once before and once after the wasm/JS timings; each shape keeps its better C figure, so a
  // slow patch of this shared machine cannot flatter the wasm/C ratio.
  const cBefore = native.run(SHAPES);

  const rows = [];
  SHAPES.forEach(([form, m, n, k]) => {
    env.reset();
    const pa = env.alloc(m * k),
      pb = env.alloc(k * n),
      pc = env.alloc(m * n);
    const A = new Float32Array(m * k).map(() => Math.random() * 2 - 1),
      B = new Float32Array(k * n).map(() => Math.random() * 2 - 1);
    env.f32(pa, m * k).set(A);
    env.f32(pb, k * n).set(B);
    const kernel = env.kernels[`matmul${form}`];
    const flops = 2 * m * n * k;
    const wasm = flops / time(() => kernel(pa, pb, pc, m, n, k, 0));
    let js = NaN;
    if (!quick) {
      const C = new Float32Array(m * n),
        plain = PLAIN[form];
      js = flops / time(() => plain(A, B, C, m, n, k));
    }
    rows.push({ shape: `${form} m=${m} n=${n} k=${k}`, wasm, js });
  });
  const cAfter = native.run(SHAPES);
  rows.forEach((r, s) => {
    r.cSse = Math.max(cBefore.sse[s].gflops, cAfter.sse[s].gflops);
    r.cAuto = Math.max(cBefore.plain[s].gflops, cAfter.plain[s].gflops);
  });

  const pad = (x, w) => String(x).padStart(w);
  const f = (x) => (Number.isNaN(x) ? "-" : x.toFixed(2));
  console.log(
    `GFLOP/s (2·m·n·k per call, median of ${SAMPLES}; C: the better of a run before and after); ` +
      "ratio = C sse / wasm (target ≤ 1.5)",
  );
  console.log(
    `${"shape".padEnd(24)}${pad("wasm", 9)}${pad("C sse", 9)}${pad("ratio", 7)}${pad("C auto", 9)}${pad("JS", 8)}`,
  );
  for (const r of rows)
    console.log(
      `${r.shape.padEnd(24)}${pad(f(r.wasm), 9)}${pad(f(r.cSse), 9)}${pad((r.cSse / r.wasm).toFixed(2), 7)}` +
        `${pad(f(r.cAuto), 9)}${pad(f(r.js), 8)}`,
    );
  console.log("wasm: assembly/matmul.ts, asc -O3 --enable simd, Node " + process.version);
  console.log(
    "C sse: bench/native/matmul.c, cc -O3 -msse4.2 -mno-avx; " +
      "C auto: its plain loops, cc -O3 -march=native; JS: plain loops on Float32Array",
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
