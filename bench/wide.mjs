// How wide a table trainSAE takes: 1,000 samples × F features for F = 10^5, 3·10^5, 10^6 (the methylation arrays'
// range), one run per width in its own process, so that each peak resident memory (VmHWM) is that width's alone.
// Reports seconds per epoch (phase 1, default network: hidden [100], batch 8 → here 32), the peak memory, and the
// error where a width does not fit. Usage: node bench/wide.mjs [F ...]   (default 100000 300000 1000000)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

const SAMPLES = 1000;

if (process.argv[2] === "--child") {
  const features = Number(process.argv[3]);
  const hidden = JSON.parse(process.argv[4]);
  const { init, trainSAE } = await import("../dist/index.js");
  await init();
  // Two classes that differ in the first 20 features; the rest is noise from a small LCG (no data-sized library).
  const x = new Float32Array(SAMPLES * features);
  const y = new Int32Array(SAMPLES);
  let state = 12345;
  const uniform = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < SAMPLES; i++) {
    y[i] = i % 2;
    for (let j = 0; j < features; j++) x[i * features + j] = uniform() * 2 - 1 + (j < 20 ? y[i] : 0);
  }
  const started = performance.now();
  let report;
  try {
    const model = trainSAE(x, y, { hidden, epochs: [1, 1], batchSize: 32, radius: 1 });
    report = { ok: true, secondsPerEpoch: model.info.history.secondsPerEpoch, kept: model.selectedFeatures().length };
    model.dispose();
  } catch (error) {
    report = { ok: false, error: String(error?.message ?? error).split("\n")[0] };
  }
  report.seconds = (performance.now() - started) / 1000;
  report.peakMiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
  console.log(JSON.stringify(report));
  process.exit(0);
}

const widths = process.argv.slice(2).map(Number).filter(Boolean);
const hidden = JSON.parse(process.env.WIDE_HIDDEN ?? "[100]");
console.log(`node ${process.version}, ${SAMPLES} samples, hidden ${JSON.stringify(hidden)}, load ${loadavg()[0]}`);
console.log("features  s/epoch  peak MiB  result");
for (const features of widths.length ? widths : [100_000, 300_000, 1_000_000]) {
  let line;
  try {
    const out = execFileSync(
      process.execPath,
      [
        "--max-old-space-size=20000",
        new URL(import.meta.url).pathname,
        "--child",
        String(features),
        JSON.stringify(hidden),
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 20 },
    );
    const r = JSON.parse(out.trim().split("\n").pop());
    line = `${String(features).padEnd(9)} ${(r.secondsPerEpoch ?? NaN).toFixed(2).padStart(7)}  ${r.peakMiB.toFixed(0).padStart(8)}  ${r.ok ? `ok, ${r.kept} kept` : r.error}`;
  } catch (error) {
    line = `${String(features).padEnd(9)} process died: ${String(error.stderr ?? error.message)
      .trim()
      .split("\n")
      .slice(-2)
      .join(" / ")}`;
  }
  console.log(line);
}
