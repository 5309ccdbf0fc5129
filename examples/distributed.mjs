// The shape a distributed engine runs: a matrix split by rows across N workers, each reducing its shard to
// per-column partials, one reduce on the driver, then each worker projecting its shard with the thresholds.
// Run: node examples/distributed.mjs [workers]
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { applyBilevel, bilevelL1Inf, bilevelThresholds, combineGroupNorms, groupNorms } from "sparseproj";

if (isMainThread) {
  const workers = Number(process.argv[2] ?? 4);
  const rows = 10_000,
    cols = 500;
  const matrix = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.7) * (1 + ((i % cols) % 17)));
  const eta = 50;

  // Map: each worker gets a block of rows and answers with its partials (max-abs per column: cols numbers).
  const bounds = Array.from({ length: workers + 1 }, (_, k) => Math.round((k * rows) / workers));
  const shards = bounds.slice(0, -1).map((start, k) => {
    const data = matrix.slice(start * cols, bounds[k + 1] * cols);
    const worker = new Worker(new URL(import.meta.url), { workerData: { data, rows: bounds[k + 1] - start, cols } });
    const next = () => new Promise((resolve, reject) => worker.once("message", resolve).once("error", reject));
    return { worker, next, partials: next() };
  });

  // Reduce: one element-wise max over the shards' partials, then u = P_ℓ1,η(norms) once, on the driver.
  const norms = combineGroupNorms("inf", await Promise.all(shards.map((s) => s.partials)));
  const u = bilevelThresholds("inf", norms, eta);

  // Map again: broadcast u and the norms (2·cols numbers); each worker projects its own rows.
  const projected = new Float32Array(rows * cols);
  await Promise.all(
    shards.map(async (shard, k) => {
      const result = shard.next();
      shard.worker.postMessage({ u, norms });
      projected.set(await result, bounds[k] * cols);
      await shard.worker.terminate();
    }),
  );

  const oneShot = bilevelL1Inf(matrix, rows, cols, eta);
  const identical = projected.every((v, i) => Object.is(v, oneShot[i]));
  const keptColumns = Array.from({ length: cols }, (_, j) => j).filter((j) => u[j] > 0).length;
  console.log(`${workers} workers, ${rows}×${cols} f32, η = ${eta}: ${keptColumns} of ${cols} columns kept`);
  console.log(`distributed result ${identical ? "is bit-identical to" : "DIFFERS from"} the one-shot bilevelL1Inf`);
  if (!identical) process.exitCode = 1;
} else {
  const { data, rows, cols } = workerData;
  parentPort.postMessage(groupNorms(data, rows, cols, "inf"));
  parentPort.once("message", ({ u, norms }) => {
    parentPort.postMessage(applyBilevel(data, rows, cols, "inf", u, norms));
  });
}
