// Focused timing of the bilevel projections on matrices and grouped views [outer, groups, inner] (f32 and f64,
// zero-copy, tinybench medians): `node bench/grouped.mjs [label] [--json file]`. The grouped rows run only when
// the package exports bilevelGrouped, so the same script times a build before and after a kernel change.
import { writeFileSync } from "node:fs";
import * as sp from "../dist/index.js";
import { gaussianPool, take } from "./data.mjs";
import { medianMs } from "./measure.mjs";

const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const types = args.includes("--f64") ? ["f32", "f64"] : ["f32"];
const KINDS = { inf: "normL1Inf", 1: "normL11", 2: "normL12" };

// Matrices: [rows, cols, axis]. Grouped views: [outer, groups, inner].
const MATRICES = [
  [576, 128, "columns"],
  [128, 576, "rows"],
  [100, 100, "columns"],
  [100, 100, "rows"],
  [1000, 1000, "columns"],
  [1000, 1000, "rows"],
];
const GROUPED = [
  [576, 128, 1],
  [1, 128, 576],
  [64, 128, 9],
  [64, 128, 15],
  [64, 128, 16],
  [32, 256, 9],
  [111, 1000, 9],
  [8, 64, 1152],
];
const pool = gaussianPool(1 << 20);
const grouped = typeof sp.bilevelGrouped === "function";

const results = [];
async function time(label, elements, type, project) {
  const x = sp.allocate(elements, type);
  const out = sp.allocate(elements, type);
  x.array.set(take(pool, elements, type));
  try {
    const { ms } = await medianMs(() => project(x, out), elements, true);
    results.push({ label, type, ms });
    console.log(`${label.padEnd(34)} ${type} ${(ms * 1000).toFixed(1).padStart(8)} µs`);
  } finally {
    sp.free(x);
    sp.free(out);
  }
}

for (const type of types) {
  for (const [kind, norm] of Object.entries(KINDS)) {
    const project = { inf: sp.bilevelL1Inf, 1: sp.bilevelL11, 2: sp.bilevelL12 }[kind];
    for (const [rows, cols, axis] of MATRICES) {
      const y = take(pool, rows * cols, type);
      const radius = sp[norm](y, rows, cols, { axis }) * 0.1;
      await time(`ℓ1,${kind} ${rows}×${cols} ${axis}`, rows * cols, type, (x, out) =>
        project(x, rows, cols, radius, { out, axis }),
      );
    }
    if (!grouped) continue;
    for (const shape of GROUPED) {
      const n = shape[0] * shape[1] * shape[2];
      const y = take(pool, n, type);
      const radius = sp.groupedNorm(kind, y, shape) * 0.1;
      await time(`ℓ1,${kind} [${shape.join(", ")}]`, n, type, (x, out) =>
        sp.bilevelGrouped(kind, x, shape, radius, { out }),
      );
    }
  }
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 1));
