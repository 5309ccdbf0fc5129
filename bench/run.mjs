// `npm run bench`: sparseproj against plain JavaScript, native C and the memory-copy floor, same data, same run.
// Writes bench/results.md, bench/results.json and bench/scaling.svg. `--quick` measures a smaller subset;
// `--report` only rewrites results.md and scaling.svg from results.json (after editing findings.md).
import { readFileSync, writeFileSync } from "node:fs";
import * as sp from "../dist/index.js";
import { bilevelPlain, columnNorms, l1BallSort } from "./baselines.mjs";
import { gaussianPool, radiusKeeping, take } from "./data.mjs";
import { environment } from "./environment.mjs";
import { medianMs, nativeBudgetMs } from "./measure.mjs";
import { loadModule } from "./module.mjs";
import { buildNative } from "./native.mjs";
import { scalingSvg } from "./plot.mjs";
import { resultsMarkdown } from "./report.mjs";

const output = (name) => new URL(name, import.meta.url);

function writeReports(results) {
  writeFileSync(output("results.md"), resultsMarkdown(results));
  writeFileSync(output("scaling.svg"), scalingSvg(results));
}

if (process.argv.includes("--report")) {
  writeReports(JSON.parse(readFileSync(output("results.json"), "utf8")));
  process.exit(0);
}

const quick = process.argv.includes("--quick");
const TYPES = ["f32", "f64"];
const VECTOR_SIZES = quick ? [1e3, 1e4, 1e5, 1e6] : [1e3, 1e4, 1e5, 1e6, 1e7];
const L1INF_SHAPES = quick
  ? [
      [100, 100],
      [1000, 1000],
    ]
  : [
      [100, 100],
      [1000, 1000],
      [4000, 4000],
      [1000, 20000],
    ];
const OTHER_SHAPES = quick
  ? [[1000, 1000]]
  : [
      [1000, 1000],
      [4000, 4000],
    ];
// Fig. 1 of the paper: time against the number of rows with 1000 columns, and against columns with 1000 rows.
const SWEEP = quick ? [100, 1000, 5000] : [100, 200, 500, 1000, 2000, 5000, 10000, 20000];
const PROFILED = ["100×100", "1000×1000", "4000×4000"];
const KEPT_FRACTION = 0.1;
const KINDS = { bilevelL1Inf: "inf", bilevelL11: "1", bilevelL12: "2" };
const NATIVE_OPS = {
  projectL1Ball: "l1ball",
  bilevelL1Inf: "bilevel-inf",
  bilevelL11: "bilevel-1",
  bilevelL12: "bilevel-2",
};

const native = buildNative();
const module = loadModule();
const exact = typeof sp.projectL1Inf === "function" ? sp.projectL1Inf : undefined;
const env = environment(native, exact !== undefined);
const pool = gaussianPool(Math.max(...VECTOR_SIZES, ...L1INF_SHAPES.map(([r, c]) => r * c), 1000 * Math.max(...SWEEP)));
const log = (...parts) => console.log(...parts);

function maxAbsDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Fraction of columns of a row-major matrix with a nonzero entry. */
function keptColumns(x, rows, cols) {
  const alive = new Uint8Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (x[i * cols + j] !== 0) alive[j] = 1;
  return alive.reduce((s, v) => s + v, 0) / cols;
}

/** y copied into module memory, with a second module array for the result. */
function zeroCopyOperands(y, type) {
  const x = sp.allocate(y.length, type);
  x.array.set(y);
  const out = sp.allocate(y.length, type);
  return { x, out, release: () => [x, out].forEach((a) => sp.free(a)) };
}

async function floorMs(bytes, elements) {
  const floor = module.floor(bytes);
  try {
    return (await medianMs(floor.copy, elements, quick)).ms;
  } finally {
    floor.release();
  }
}

/**
 * One kernel on one input at one radius: the zero-copy and copying paths, the plain-JS and native baselines,
 * the one-copy floor, and (for ℓ1,∞) the exact projection when the package exports it.
 */
async function measureCase({ kernel, type, y, rows, cols, radius, radiusLabel, project, plain }) {
  const elements = y.length;
  const label = `${kernel} ${type} ${rows === 1 ? elements : `${rows}×${cols}`} ${radiusLabel}`;
  const ms = {};
  const diff = {};
  const operands = zeroCopyOperands(y, type);
  let result;
  try {
    const { x, out } = operands;
    ms.zeroCopy = (await medianMs(() => project(x, { out }), elements, quick)).ms;
    result = out.array.slice();
    if (exact && kernel === "bilevelL1Inf") {
      try {
        ms.exact = (await medianMs(() => exact(x, rows, cols, radius, { out }), elements, quick)).ms;
      } catch (error) {
        diff.exactError = String(error);
      }
    }
  } finally {
    operands.release();
  }
  ms.copying = (await medianMs(() => project(y), elements, quick)).ms;
  diff.copyingVsZeroCopy = maxAbsDiff(project(y), result);
  ms.js = (await medianMs(() => plain(y), elements, quick)).ms;
  diff.jsVsWasm = maxAbsDiff(plain(y), result);
  ms.copy1 = await floorMs(y.byteLength, elements);
  let passes;
  if (native.run) {
    const run = native.run(NATIVE_OPS[kernel], y, rows, cols, radius, nativeBudgetMs(elements, quick));
    ms.native = run.medianNs / 1e6;
    passes = Object.fromEntries(Object.entries(run.passes).map(([k, ns]) => [k, ns / 1e6]));
    diff.nativeVsWasm = maxAbsDiff(run.output, result);
  }
  const shape = rows === 1 ? String(elements) : `${rows}×${cols}`;
  const record = { kernel, type, shape, rows, cols, elements, radius, radiusLabel, ms, diff, nativePasses: passes };
  if (rows > 1) record.keptColumns = keptColumns(result, rows, cols);
  log(label, JSON.stringify(ms), JSON.stringify(diff));
  return record;
}

/** The C build held to 128-bit vectors on the same case: its median and passes, in ms. */
function native128(record, op, y) {
  if (!native.run) return;
  const run = native.run(op, y, record.rows, record.cols, record.radius, nativeBudgetMs(y.length, quick), {
    vectors128: true,
  });
  record.native128 = {
    ms: run.medianNs / 1e6,
    passes: Object.fromEntries(Object.entries(run.passes).map(([k, ns]) => [k, ns / 1e6])),
  };
}

/** The bilevel ℓ1,∞ stages timed one at a time through the module's exports, beside C's passes. */
async function profileL1Inf(record, y) {
  native128(record, "bilevel-inf", y);
  const staged = module.bilevelL1InfStages(y, record.rows, record.cols, record.radius);
  try {
    record.wasmStages = {};
    for (const [name, stage] of Object.entries(staged.stages))
      record.wasmStages[name] = (await medianMs(stage, y.length, quick)).ms;
  } finally {
    staged.release();
  }
}

async function profileL1Ball(record, y) {
  native128(record, "l1ball", y);
  const kernel = module.l1BallKernel(y, record.radius);
  try {
    record.wasmStages = { kernel: (await medianMs(kernel.call, y.length, quick)).ms };
  } finally {
    kernel.release();
  }
}

const results = { env, quick, cases: [], sweep: [] };

for (const type of TYPES) {
  for (const n of VECTOR_SIZES) {
    const y = take(pool, n, type);
    const radius = 1;
    const record = await measureCase({
      kernel: "projectL1Ball",
      type,
      y,
      rows: 1,
      cols: n,
      radius,
      radiusLabel: "a = 1",
      project: (x, options) => sp.projectL1Ball(x, radius, options),
      plain: (v) => l1BallSort(v, radius),
    });
    if (n === 1e6) await profileL1Ball(record, y);
    results.cases.push(record);
  }
}

async function matrixCases(kernel, types, shapes) {
  const kind = KINDS[kernel];
  for (const type of types) {
    for (const [rows, cols] of shapes) {
      const y = take(pool, rows * cols, type);
      const radii = [
        [1, "η = 1"],
        [radiusKeeping(columnNorms(y, rows, cols, kind), KEPT_FRACTION), `η keeps ${KEPT_FRACTION * 100}% of columns`],
      ];
      for (const [radius, radiusLabel] of radii) {
        const record = await measureCase({
          kernel,
          type,
          y,
          rows,
          cols,
          radius,
          radiusLabel,
          project: (x, options) => sp[kernel](x, rows, cols, radius, options),
          plain: (v) => bilevelPlain(v, rows, cols, radius, kind),
        });
        if (kernel === "bilevelL1Inf" && PROFILED.includes(record.shape)) await profileL1Inf(record, y);
        results.cases.push(record);
      }
    }
  }
}

await matrixCases("bilevelL1Inf", TYPES, L1INF_SHAPES);
await matrixCases("bilevelL11", ["f32"], OTHER_SHAPES);
await matrixCases("bilevelL12", ["f32"], OTHER_SHAPES);

// The scaling sweep (f32, zero-copy, η = 1): the points of the plot.
for (const [direction, shapeOf] of [
  ["rows", (k) => [k, 1000]],
  ["cols", (k) => [1000, k]],
]) {
  for (const k of SWEEP) {
    const [rows, cols] = shapeOf(k);
    const y = take(pool, rows * cols, "f32");
    const { x, out, release } = zeroCopyOperands(y, "f32");
    const point = { direction, rows, cols, elements: y.length, ms: {} };
    try {
      point.ms.zeroCopy = (await medianMs(() => sp.bilevelL1Inf(x, rows, cols, 1, { out }), y.length, quick)).ms;
    } finally {
      release();
    }
    point.ms.copy1 = await floorMs(y.byteLength, y.length);
    if (native.run)
      point.ms.native = native.run("bilevel-inf", y, rows, cols, 1, nativeBudgetMs(y.length, quick)).medianNs / 1e6;
    log(`sweep ${rows}×${cols}`, JSON.stringify(point.ms));
    results.sweep.push(point);
  }
}
native.cleanup?.();

writeFileSync(output("results.json"), `${JSON.stringify(results, null, 2)}\n`);
writeReports(results);
log("wrote bench/results.md, bench/results.json, bench/scaling.svg");
await import("./tensor.mjs"); // the weighted ℓ1 ball and the trilevel projections: bench/tensor-results.md
