// The projections alone: project a real metabolomics matrix (271 samples × 162 metabolites) onto the bilevel
// ℓ1,∞ / ℓ1,1 / ℓ1,2 balls, and print norms, the paper's identities, sparsity and timings.
// Run: npm run demo:projections
import { readFileSync } from "node:fs";
import * as sp from "sparseproj";

const csv = readFileSync(new URL("../data/GC_Breast_D_MB.csv", import.meta.url), "utf8");
const table = sp.parseOmicsCsv(csv);
const { samples: rows, features: cols } = table;

// The SAE papers' preprocessing: log(|x + 1|), then a z-score per feature (column).
const Y = table.data.map((v) => Math.log(Math.abs(v + 1)));
for (let j = 0; j < cols; j++) {
  let mean = 0,
    sq = 0;
  for (let i = 0; i < rows; i++) mean += Y[i * cols + j] / rows;
  for (let i = 0; i < rows; i++) sq += (Y[i * cols + j] - mean) ** 2;
  const sd = Math.sqrt(sq / rows) || 1;
  for (let i = 0; i < rows; i++) Y[i * cols + j] = (Y[i * cols + j] - mean) / sd;
}
console.log(
  `GC_Breast_D_MB: ${rows} samples × ${cols} metabolites, ` +
    `labels ${[...new Set(table.labels)].join("/")}; groups = metabolites (columns)\n`,
);

const keptColumns = (X) => {
  let kept = 0;
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++)
      if (X[i * cols + j] !== 0) {
        kept++;
        break;
      }
  }
  return kept;
};

const medianMs = (fn, repeats) => {
  for (let warm = 0; warm < 200; warm++) fn();
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
};

const operators = [
  ["bilevel ℓ1,∞", sp.bilevelL1Inf, sp.normL1Inf, "(18)"],
  ["bilevel ℓ1,1", sp.bilevelL11, sp.normL11, "(24)"],
  ["bilevel ℓ1,2", sp.bilevelL12, sp.normL12, "(27)"],
  ["exact ℓ1,∞", sp.projectL1Inf, sp.normL1Inf, "(19)"],
];

console.log("operator        η/‖Y‖   ‖Y‖          ‖X‖          ‖Y−X‖+‖X‖−‖Y‖   metabolites kept   sparsity");
for (const [name, project, norm, identity] of operators) {
  const normY = norm(Y, rows, cols);
  for (const fraction of [0.5, 0.1, 0.02]) {
    const eta = fraction * normY;
    const X = project(Y, rows, cols, eta);
    const residual = Y.map((v, i) => v - X[i]);
    const gap = norm(residual, rows, cols) + norm(X, rows, cols) - normY;
    const kept = keptColumns(X);
    console.log(
      `${name.padEnd(15)} ${fraction.toFixed(2).padStart(5)}   ${normY.toExponential(4)}   ` +
        `${norm(X, rows, cols).toExponential(4)}   ${gap.toExponential(1).padStart(8)} ${identity}   ` +
        `${String(kept).padStart(5)} / ${cols}      ${(100 * (1 - kept / cols)).toFixed(1)}%`,
    );
  }
}

console.log(
  "(z-scored metabolites all have ℓ2 norm √271, " +
    "so the bilevel ℓ1,2 ball shrinks them equally and keeps every one.)",
);

// Timings: median of repeated calls, copying path (plain arrays) and zero-copy path (arrays in module memory).
const f32 = Float32Array.from(Y);
const eta = 0.1 * sp.normL1Inf(f32, rows, cols);
const x = sp.allocate(rows * cols, "f32");
const out = sp.allocate(rows * cols, "f32");
x.array.set(f32);
console.log(`\ntimings (median of 500 calls, ${rows}×${cols} f32):`);
for (const [name, project] of operators) {
  const copying = medianMs(() => project(f32, rows, cols, eta), 500);
  const zeroCopy = medianMs(() => project(x, rows, cols, eta, { out }), 500);
  console.log(
    `  ${name.padEnd(15)} copying ${(copying * 1000).toFixed(1).padStart(7)} ` +
      `µs   zero-copy ${(zeroCopy * 1000).toFixed(1).padStart(7)} µs`,
  );
}
sp.free(x);
sp.free(out);

// A larger matrix, projected into a second array (in place, a second call would find it inside the ball).
const big = sp.allocate(1000 * 1000, "f32");
const bigOut = sp.allocate(1000 * 1000, "f32");
const bigArray = big.array;
for (let i = 0; i < bigArray.length; i++) bigArray[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1;
const bigMs = medianMs(() => sp.bilevelL1Inf(big, 1000, 1000, 1, { out: bigOut }), 50);
console.log(
  "  bilevel ℓ1,∞ on 1000×1000 f32, zero-copy: " +
    `${bigMs.toFixed(3)} ms (${((1e6 / bigMs / 1e9) * 1e3).toFixed(2)} G elements/s)`,
);
sp.free(big);
sp.free(bigOut);
