// How long a wide Parquet table takes to load, and the memory it takes: samples × features of float32 (an omics
// table as Parquet writers store it), written once by hyparquet-writer, then read by the command line's reader in a
// fresh process. Usage: node bench/read-parquet.mjs [samples=1000] [features=500000]. A benchmark, not a test.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { rng } from "../test/rng.mjs";

const [samples = 1000, features = 500000] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), "sparseproj-bench-parquet-"));
const file = join(dir, "wide.parquet");
try {
  // Written in one go by hyparquet-writer (the file is held in memory while written: the writer's way).
  const random = rng(1);
  const started = Date.now();
  const columnData = [
    { name: "label", data: Array.from({ length: samples }, (_, i) => (i % 2 ? "case" : "control")), type: "STRING" },
    ...Array.from({ length: features }, (_, f) => ({
      name: `cg${f}`,
      data: Float32Array.from({ length: samples }, () => random() * 4 - 2),
      type: "FLOAT",
    })),
  ];
  writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize: samples, statistics: false })));
  columnData.length = 0;
  const writeSeconds = (Date.now() - started) / 1000;
  const size = statSync(file).size;
  const script = `
    const { readTable } = await import(${JSON.stringify(new URL("../dist/cli.js", import.meta.url).href)});
    const t = performance.now();
    const table = await readTable(${JSON.stringify(file)}, { labelColumn: "label" });
    const seconds = (performance.now() - t) / 1000;
    console.log(JSON.stringify({ seconds, samples: table.samples, features: table.features }));`;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "--input-type=module", "-e", script], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const result = JSON.parse(r.stdout.trim().split("\n").pop());
  const peakMiB = Number(r.stderr.trim().split("\n").pop()) / 1024;
  console.log(
    JSON.stringify({
      samples,
      features,
      fileMiB: size / 2 ** 20,
      writeSeconds,
      loadSeconds: result.seconds,
      peakRssMiB: peakMiB,
      tableMiB: (samples * features * 8) / 2 ** 20,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
