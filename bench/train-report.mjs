// bench/train-results.md from the results bench/train.mjs measured.
const fmt = (v, digits = 3) => (typeof v === "number" ? v.toFixed(digits) : "—");

export function trainingMarkdown(r) {
  const t = r.training;
  const ours = t.sparseproj.secondsPerEpoch.median;
  const row = (name, result, note = "") => {
    if (!result || result.skipped) return `| ${name} | — | — | — | ${result?.skipped ?? "not run"} |`;
    const s = result.secondsPerEpoch.median;
    return `| ${name} | ${fmt(s)} | ${fmt(s / ours, 2)}× | ${fmt(result.finalLoss, 6)} | ${note} |`;
  };
  const lines = [
    "# Training benchmark: the supervised autoencoder",
    "",
    "Made by `npm run bench:train` (bench/train.mjs). Every run " +
      "trains the same network on the same data, shuffles and initial",
    "weights (bench/train/problem.mjs): encoder 1000 → 100 (SiLU) → 2, " +
      "decoder 2 → 100 (SiLU) → 1000, loss = cross-entropy",
    "(mean) + 1.0·SmoothL1 (β = 1, mean), " +
      "Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), batch 8, 750 rows × 1000 features,",
    "reshuffled every epoch. Seconds per epoch are the median " +
      `of ${r.epochs} epochs after one warm-up epoch (one for the`,
    "slow backends), on one thread each.",
    "",
    `- Runtime: ${r.environment.runtime}; CPU: ${r.environment.cpu}; ` +
      `date ${r.environment.date}; revision ${r.environment.revision}`,
    `- Load average at start: ${fmt(r.environment.loadAverageAtStart, 2)}; C compiler: ${r.environment.compiler}`,
    `- PyTorch: ${t.pytorch.runtime ?? t.pytorch.skipped}` +
      `${r.environment.pytorchBlas ? `, BLAS: ${r.environment.pytorchBlas}` : ""}`,
    "",
    "| trainer | s / epoch | × sparseproj | loss after the last epoch | note |",
    "|---|---|---|---|---|",
    row("sparseproj (WebAssembly SIMD kernels, float32)", t.sparseproj),
    row("PyTorch CPU, 1 thread", t.pytorch, "OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1)"),
    row("TensorFlow.js wasm (SIMD, 1 thread)", t.tfjsWasm, "custom loop, optimizer.minimize in tf.tidy"),
    row("TensorFlow.js cpu", t.tfjsCpu, "one timed epoch"),
    row("sparseproj TypeScript fallback (float64 loops)", t.typescript, "one timed epoch"),
    "",
    "The losses agree because the runs are the same computation: the per-epoch losses are in train-results.json",
    "(`lossPerEpoch`, warm-up epoch first).",
    "",
    "## Matrix products at the layer's shapes (GFLOP/s, median)",
    "",
    "`sparseproj` is `F.matmul` (arena allocation and call overhead included); " +
      "native C runs the same blocking with SSE",
    "intrinsics (128-bit vectors, no FMA, like WebAssembly SIMD) and, " +
      "separately, plain loops autovectorised for this CPU;",
    "PyTorch's and TensorFlow.js's products are timed by their " +
      "scripts (tfjs: a new right operand each call, as in training).",
    "",
    "| product | form | sparseproj | native C SSE (128-bit) | sparseproj / C " +
      "| plain JS | native plain loops (-march=native) | PyTorch | tfjs wasm |",
    "|---|---|---|---|---|---|---|---|---|",
    ...r.matmul.map(
      (m) =>
        `| ${m.label} | ${m.form} | ${fmt(m.sparseproj, 2)} | ${fmt(m.nativeSse, 2)} | ` +
        `${fmt(m.sparseproj / m.nativeSse, 2)} | ${fmt(m.plainJs, 2)} | ${fmt(m.nativeAuto, 2)} | ` +
        `${fmt(m.pytorch, 2)} | ${fmt(m.tfjsWasm, 2)} |`,
    ),
    "",
  ];
  return lines.join("\n");
}
