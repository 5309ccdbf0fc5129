// The weighted ℓ1 ball and the trilevel projections beside plain JavaScript, their native C twins
// (bench/native/project.c: weighted-l1, trilevel-inf, trilevel-1; -march=native and 128-bit builds) and the
// one-copy floor, in a table of their own (bench/tensor-results.md): run by `npm run bench` after
// bench/run.mjs, or alone with `node bench/tensor.mjs [--quick]`.
import { writeFileSync } from "node:fs";
import * as sp from "../dist/index.js";
import { l1BallSort } from "./baselines.mjs";
import { gaussianPool, take } from "./data.mjs";
import { environment } from "./environment.mjs";
import { medianMs, nativeBudgetMs } from "./measure.mjs";
import { loadModule } from "./module.mjs";
import { buildNative } from "./native.mjs";
import { ratio, time } from "./report.mjs";
import { rng } from "../test/rng.mjs";

const quick = process.argv.includes("--quick");
const module = loadModule();
const native = buildNative();
if (native.skipped) console.log(native.skipped);

/** Weighted ℓ1 ball by sorting the breakpoints |y_i|/w_i, as a JavaScript user would write it. */
export function weightedL1BallSort(y, w, eta) {
  const n = y.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i] * Math.abs(y[i]);
  if (total <= eta) return y.slice();
  const order = new Uint32Array(n).map((_, i) => i);
  const t = Float64Array.from(y, (v, i) => Math.abs(v) / w[i]);
  order.sort((p, q) => t[q] - t[p]);
  let sum = 0,
    squares = 0,
    tau = 0;
  for (const i of order) {
    sum += w[i] * Math.abs(y[i]);
    squares += w[i] * w[i];
    if (t[i] <= (sum - eta) / squares) break;
    tau = (sum - eta) / squares;
  }
  const x = new y.constructor(n);
  for (let i = 0; i < n; i++) {
    const level = tau * w[i],
      v = y[i];
    x[i] = v > level ? v - level : v < -level ? v + level : 0;
  }
  return x;
}

/** Trilevel projection with loops and sort-based ℓ1 steps: kind 'inf' (max, clip) or '1' (sums, ℓ1 balls). */
export function trilevelPlain(y, a, b, c, eta, kind) {
  const fibre = new Float64Array(a * b);
  const group = new Float64Array(a);
  for (let f = 0; f < a * b; f++) {
    let norm = 0;
    for (let k = 0; k < c; k++)
      norm = kind === "inf" ? Math.max(norm, Math.abs(y[f * c + k])) : norm + Math.abs(y[f * c + k]);
    fibre[f] = norm;
    const i = Math.floor(f / b);
    group[i] = kind === "inf" ? Math.max(group[i], norm) : group[i] + norm;
  }
  if (group.reduce((s, v) => s + v, 0) <= eta) return y.slice();
  const u = l1BallSort(group, eta);
  const x = new y.constructor(y.length);
  for (let i = 0; i < a; i++) {
    const norms = fibre.subarray(i * b, (i + 1) * b);
    const v = kind === "inf" ? norms.map((n) => Math.min(n, u[i])) : l1BallSort(norms, u[i]);
    for (let j = 0; j < b; j++) {
      const span = y.subarray((i * b + j) * c, (i * b + j + 1) * c);
      const projected =
        kind === "inf" ? span.map((value) => Math.min(Math.max(value, -v[j]), v[j])) : l1BallSort(span, v[j]);
      x.set(projected, (i * b + j) * c);
    }
  }
  return x;
}

function maxAbsDiff(p, q) {
  let d = 0;
  for (let i = 0; i < p.length; i++) d = Math.max(d, Math.abs(p[i] - q[i]));
  return d;
}

/** Zero-copy (WasmArrays, `out`), copying (typed arrays in, new array out), plain JS, and one memory.copy. */
async function measure({ label, type, y, project, plain, extra = [], c }) {
  const x = sp.allocate(y.length, type),
    out = sp.allocate(y.length, type);
  const staged = extra.map((values) => {
    const array = sp.allocate(values.length, type);
    array.array.set(values);
    return array;
  });
  const ms = {};
  let result;
  try {
    x.array.set(y);
    ms.zeroCopy = (await medianMs(() => project(x, staged, { out }), y.length, quick)).ms;
    result = out.array.slice();
  } finally {
    [x, out, ...staged].forEach((array) => array.free());
  }
  ms.copying = (await medianMs(() => project(y, extra), y.length, quick)).ms;
  ms.js = (await medianMs(() => plain(y), y.length, quick)).ms;
  const floor = module.floor(y.byteLength);
  try {
    ms.copy1 = (await medianMs(floor.copy, y.length, quick)).ms;
  } finally {
    floor.release();
  }
  const record = { label, type, elements: y.length, ms, jsVsWasm: maxAbsDiff(plain(y), result) };
  if (native.run) {
    // The same input bytes to the C twin (timed in C); its output against sparseproj's.
    const budget = nativeBudgetMs(y.length, quick);
    const run = native.run(c.op, y, c.rows, c.cols, c.radius, budget, { depth: c.depth, weights: c.weights });
    const run128 = native.run(c.op, y, c.rows, c.cols, c.radius, budget, {
      depth: c.depth,
      weights: c.weights,
      vectors128: true,
    });
    ms.c = run.medianNs / 1e6;
    ms.c128 = run128.medianNs / 1e6;
    record.cPasses = Object.fromEntries(Object.entries(run.passes).map(([k, ns]) => [k, ns / 1e6]));
    record.cVsWasm = Math.max(maxAbsDiff(run.output, result), maxAbsDiff(run128.output, result));
    // The tests' tolerance (test/helpers.ts): 1e-6 (f32) or 1e-10 (f64) times max |y| + η.
    const tolerance = (type === "f32" ? 1e-6 : 1e-10) * (maxAbsDiff(y, new y.constructor(y.length)) + c.radius);
    if (!(record.cVsWasm <= tolerance)) {
      console.error(`${label} ${type}: max |C − wasm| ${record.cVsWasm} exceeds ${tolerance}`);
      process.exitCode = 1;
    }
  }
  console.log(
    label,
    type,
    JSON.stringify(ms),
    `max |JS − wasm| ${record.jsVsWasm.toExponential(1)}`,
    record.cVsWasm === undefined
      ? ""
      : `max |C − wasm| ${record.cVsWasm.toExponential(1)} C passes ${JSON.stringify(record.cPasses)}`,
  );
  return record;
}

const N = 1e6;
const SHAPES = [
  [64, 128, 9],
  [100, 100, 100],
];
const pool = gaussianPool(N);
const random = rng(13);
const weightPool = Float64Array.from({ length: N }, () => 0.5 + random());
const records = [];

for (const type of ["f32", "f64"]) {
  const y = take(pool, N, type);
  const w = take(weightPool, N, type);
  let total = 0;
  for (let i = 0; i < N; i++) total += w[i] * Math.abs(y[i]);
  for (const [eta, what] of [
    [1, "η = 1"],
    [total / 2, "η = half the weighted norm"],
  ]) {
    records.push(
      await measure({
        label: `weighted ℓ1 ball, 10⁶ values, ${what}`,
        type,
        y,
        extra: [w],
        project: (x, [weights], options) => sp.projectWeightedL1Ball(x, weights, eta, options),
        plain: (v) => weightedL1BallSort(v, w, eta),
        c: { op: "weighted-l1", rows: 1, cols: N, radius: eta, weights: w },
      }),
    );
  }
  for (const [a, b, c] of SHAPES) {
    const t = take(pool, a * b * c, type);
    for (const [kind, fn, name] of [
      ["inf", sp.trilevelL1InfInf, "ℓ1,∞,∞"],
      ["1", sp.trilevelL111, "ℓ1,1,1"],
    ]) {
      records.push(
        await measure({
          label: `trilevel ${name}, [${a}, ${b}, ${c}], η = 1`,
          type,
          y: t,
          project: (x, _, options) => fn(x, a, b, c, 1, options),
          plain: (v) => trilevelPlain(v, a, b, c, 1, kind),
          c: { op: `trilevel-${kind}`, rows: a, cols: b, depth: c, radius: 1 },
        }),
      );
    }
  }
}

native.cleanup?.();
const env = environment(native, false);
const cell = (ms) => (ms === undefined ? "–" : time(ms));
const cellRatio = (p, q) => (q === undefined ? "–" : ratio(p, q));
const rows = records.map(
  (r) =>
    `| ${r.label} | ${r.type} | ${time(r.ms.zeroCopy)} | ${time(r.ms.copying)} | ${time(r.ms.js)} | ` +
    `${cell(r.ms.c)} | ${cell(r.ms.c128)} | ${time(r.ms.copy1)} | ${cellRatio(r.ms.zeroCopy, r.ms.c)} | ` +
    `${cellRatio(r.ms.zeroCopy, r.ms.c128)} | ${ratio(r.ms.js, r.ms.zeroCopy)} | ` +
    `${ratio(r.ms.zeroCopy, r.ms.copy1)} | ${r.cVsWasm === undefined ? "–" : r.cVsWasm.toExponential(1)} | ` +
    `${r.jsVsWasm.toExponential(1)} |`,
);
writeFileSync(
  new URL("tensor-results.md", import.meta.url),
  [
    "# Weighted ℓ1 ball and trilevel projections",
    "",
    `_${env.runtime} · ${env.cpu} · ${env.compiler} · load average ${env.loadAverageAtStart.toFixed(2)} at ` +
      `start · ${env.date} · ${env.revision}${quick ? " · --quick" : ""}_ (made by \`node bench/tensor.mjs\`; ` +
      "tinybench medians, C timed in C, median of its calls)",
    "",
    "| operation | type | zero-copy | copying | plain JS | C | C 128-bit | 1 copy | zero-copy ÷ C | zero-copy " +
      "÷ C 128-bit | JS ÷ zero-copy | zero-copy ÷ 1 copy | max \\|C − wasm\\| | max \\|JS − wasm\\| |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
console.log("wrote bench/tensor-results.md");
