// Beyond one machine, as a cluster runs it: every piece is a separate process that shares only files.
//  1. A cross-validation grid as tasks: `sparseproj plan`, then `sparseproj run plan.json --task I` for each task
//     (here a few processes at a time; on a cluster, a SLURM array element, a GNU parallel job or a Snakemake job
//     each), then `sparseproj merge`, whose report equals crossValidate's in one process.
//  2. The bilevel ℓ1,∞ projection of a matrix stored as row-block shards (.npy): `sparseproj project --stage norms`
//     per shard, `--stage reduce` once, `--stage apply` per shard, equal bit for bit to the one-shot projection.
// Run: node examples/distributed.mjs [processes at once]   (docs/cluster.md has the SLURM, parallel and Snakemake
// recipes). In your own scripts, call the `sparseproj` on PATH (npx sparseproj) instead of dist/cli.js.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bilevelL1Inf, crossValidate, formatNpy, Generator, parseNpy } from "sparseproj";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "sparseproj-distributed-"));
const run = promisify(execFile);
const sparseproj = async (...args) => (await run(process.execPath, [cli, ...args], { cwd: dir })).stdout;
const parallel = Number(process.argv[2] ?? 2);

try {
  // A table of 40 samples × 10 features, two classes told apart by the first three features.
  const g = new Generator(11);
  const X = Array.from({ length: 40 }, (_, i) =>
    Array.from({ length: 10 }, (_, j) => g.uniform(-1, 1) + (j < 3 ? 2 * (i % 2) : 0)),
  );
  const labels = X.map((_, i) => ["ALL-B", "ALL-T"][i % 2]);
  const csv = [
    "label,".concat(X[0].map((_, j) => `g${j + 1}`).join(",")),
    ...X.map((row, i) => `${labels[i]},${row.join(",")}`),
  ];
  writeFileSync(join(dir, "table.csv"), `${csv.join("\n")}\n`);

  // 1. Plan, run the tasks (at most `parallel` processes at once), merge.
  const flags = ["--folds", "3", "--seeds", "1", "--epochs", "6", "--hidden", "8", "--radius", "0.5", "--no-baseline"];
  await sparseproj("plan", "table.csv", ...flags, "-o", "plan.json");
  const tasks = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")).tasks.length;
  let next = 0;
  const worker = async () => {
    for (let task; (task = next++) < tasks; ) await sparseproj("run", "plan.json", "--task", String(task));
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const merged = JSON.parse(await sparseproj("merge", "plan.json", "--json"));

  // The same grid in this process, through the library.
  const cv = crossValidate(X, labels, { folds: 3, seeds: 1, epochs: [6, 6], hidden: [8], radius: 0.5 });
  const sameGrid = JSON.stringify(merged.runs[0].accuracy.folds) === JSON.stringify(cv.accuracy.values);
  console.log(`${tasks} tasks in separate processes (${parallel} at once), merged:`);
  console.log(`  accuracy ${merged.runs[0].accuracy.mean.toFixed(3)} ± ${merged.runs[0].accuracy.std.toFixed(3)}`);
  console.log(`  ${sameGrid ? "equal to" : "DIFFERENT from"} crossValidate in one process, fold by fold`);

  // 2. A 3 000 × 200 float32 matrix in three row shards; each stage a process of its own.
  const rows = 3000,
    cols = 200,
    eta = 40;
  const matrix = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.7) * (1 + ((i % cols) % 17)));
  const bounds = [0, 700, 2100, rows];
  const shards = bounds.slice(0, -1).map((start, k) => {
    const data = matrix.slice(start * cols, bounds[k + 1] * cols);
    writeFileSync(join(dir, `shard-${k}.npy`), formatNpy({ data, shape: [bounds[k + 1] - start, cols] }));
    return `shard-${k}.npy`;
  });
  await Promise.all(shards.map((s, k) => sparseproj("project", "--stage", "norms", s, "-o", `partials-${k}.npy`)));
  const partials = shards.map((_, k) => `partials-${k}.npy`);
  await sparseproj("project", "--stage", "reduce", "--radius", String(eta), ...partials, "-o", "thresholds.npy");
  await Promise.all(
    shards.map((s, k) =>
      sparseproj("project", "--stage", "apply", s, "--thresholds", "thresholds.npy", "-o", `out-${k}.npy`),
    ),
  );
  const projected = new Float32Array(rows * cols);
  shards.forEach((_, k) => projected.set(parseNpy(readFileSync(join(dir, `out-${k}.npy`))).data, bounds[k] * cols));
  const oneShot = bilevelL1Inf(matrix, rows, cols, eta);
  const identical = projected.every((v, i) => Object.is(v, oneShot[i]));
  console.log(
    `${shards.length} row shards of a ${rows}×${cols} float32 matrix, η = ${eta}, staged in separate processes:`,
  );
  console.log(`  ${identical ? "bit-identical to" : "DIFFERENT from"} the one-shot bilevelL1Inf`);
  if (!sameGrid || !identical) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
