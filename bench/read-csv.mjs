// How long a wide CSV takes to load and the memory it takes: the command line's streaming reader (parseTableStream,
// a chunk of 1 MiB at a time) against reading the text whole (parseTable(decodeText(bytes)), the reader before it),
// each in a fresh process, peak resident memory from /usr/bin/time. Usage: node bench/read-csv.mjs [samples=1000]
// [features=100000] [which=stream,whole]. A benchmark, not a test.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rng } from "../test/rng.mjs";

const [samplesArg, featuresArg, whichArg = "stream,whole"] = process.argv.slice(2);
const samples = Number(samplesArg ?? 1000);
const features = Number(featuresArg ?? 100000);
const dir = mkdtempSync(join(tmpdir(), "sparseproj-bench-csv-"));
const file = join(dir, "wide.csv");
const dist = (name) => JSON.stringify(new URL(`../dist/${name}`, import.meta.url).href);
const readers = {
  stream: `const { readTable } = await import(${dist("cli.js")});
    const table = await readTable(${JSON.stringify(file)}, { labelColumn: "label" });`,
  whole: `const { readFileSync } = await import("node:fs");
    const { parseTable, decodeText } = await import(${dist("index.js")});
    const table = parseTable(decodeText(readFileSync(${JSON.stringify(file)})), { labelColumn: "label" });`,
};
try {
  // Written a row at a time: numbers with 7 significant digits, as a float32 table is usually exported.
  const random = rng(1);
  const started = Date.now();
  const fd = openSync(file, "w");
  writeSync(fd, `label,${Array.from({ length: features }, (_, f) => `cg${f}`).join(",")}\n`);
  for (let s = 0; s < samples; s++) {
    const row = Array.from({ length: features }, () => (random() * 4 - 2).toPrecision(7));
    writeSync(fd, `${s % 2 ? "case" : "control"},${row.join(",")}\n`);
  }
  closeSync(fd);
  const writeSeconds = (Date.now() - started) / 1000;
  const size = statSync(file).size;
  for (const which of whichArg.split(",")) {
    const script = `${readers[which]}
      const seconds = (performance.now() - t) / 1000;
      console.log(JSON.stringify({ seconds, samples: table.samples, features: table.features }));`;
    const r = spawnSync(
      "/usr/bin/time",
      ["-f", "%M", process.execPath, "--input-type=module", "-e", `const t = performance.now();\n${script}`],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    const peakRssMiB = Number(r.stderr.trim().split("\n").pop()) / 1024;
    const result =
      r.status === 0
        ? JSON.parse(r.stdout.trim().split("\n").pop())
        : { failed: r.stderr.split("\n").filter((line) => /Error|memory/i.test(line))[0] ?? `exit ${r.status}` };
    console.log(
      JSON.stringify({
        reader: which,
        samples,
        features,
        fileMiB: size / 2 ** 20,
        writeSeconds,
        ...result,
        peakRssMiB,
        tableMiB: (samples * features * 8) / 2 ** 20,
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
