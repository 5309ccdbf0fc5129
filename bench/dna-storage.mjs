// The storage format's measurements for docs/dna.md: net bits per nucleotide against DNA Fountain (1.57) and
// Goldman (≈ 0.33); the probability of exact recovery over 20 channel seeds against coverage, at per-base error
// rates 0.1 %, 0.5 %, 1 % (substitutions e, insertions and deletions e/10 each) and dropout 0–5 %, for two
// redundancy settings; and a compressor's quantized latent through oligos, the channel and back to images.
// Usage: npm run build --silent && node bench/dna-storage.mjs [density] [curves] [latent]   (default: all three)
// Writes bench/dna-storage.json and prints Markdown tables.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import * as sp from "../dist/index.js";
import { convSplit, mnistImages } from "./conv-data.mjs";

const parts = process.argv.slice(2);
const want = (part) => !parts.length || parts.includes(part);
const out = new URL("dna-storage.json", import.meta.url);
const results = {};

/** Seeded random bytes: incompressible, so the prefix code neither helps nor hides anything. */
function randomBytes(n, seed) {
  const g = new sp.Generator(seed);
  return Uint8Array.from({ length: n }, () => g.int(256));
}

const SETTINGS = {
  "fountain-like": { payload: 32, innerParity: 2, redundancy: 0.07 },
  A: { payload: 32, innerParity: 4, redundancy: 0.1 },
  B: { payload: 32, innerParity: 6, redundancy: 0.25 },
};

if (want("density")) {
  const data = randomBytes(256 * 1024, 1);
  results.density = Object.entries(SETTINGS).map(([name, options]) => {
    const t0 = performance.now();
    const { stats } = sp.encodeOligos(data, options);
    return { name, ...options, seconds: (performance.now() - t0) / 1000, ...stats };
  });
  console.log("| setting | payload | inner RS | outer redundancy | oligo (nt) | oligos | bits/nt net |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results.density) {
    const oligos = r.dataOligos + r.parityOligos + r.metaOligos;
    console.log(
      `| ${r.name} | ${r.payload} B | ${r.innerParity} B | ${r.redundancy} (${r.parityOligos} parity oligos) | ` +
        `${r.oligoLength} | ${oligos} | ${r.bitsPerNucleotide.toFixed(3)} |`,
    );
  }
}

if (want("curves")) {
  const data = randomBytes(12_000, 2);
  const COVERAGES = [2, 3, 5, 10];
  const ERRORS = [0.001, 0.005, 0.01];
  const DROPOUTS = [0, 0.02, 0.05];
  const SEEDS = 20;
  results.curves = [];
  let wrong = 0;
  for (const setting of ["A", "B"]) {
    const { oligos, stats } = sp.encodeOligos(data, SETTINGS[setting]);
    for (const e of ERRORS) {
      for (const dropout of DROPOUTS) {
        for (const coverage of COVERAGES) {
          let exact = 0;
          for (let seed = 1; seed <= SEEDS; seed++) {
            const reads = sp.simulateReads(oligos, { coverage, sub: e, ins: e / 10, del: e / 10, dropout, seed });
            try {
              const decoded = sp.decodeOligos(reads);
              const same = decoded.data.length === data.length && decoded.data.every((x, i) => x === data[i]);
              if (same) exact++;
              else wrong++;
            } catch (error) {
              if (!(error instanceof sp.DnaReadsError)) throw error;
            }
          }
          results.curves.push({
            setting,
            oligos: oligos.length,
            bits: stats.bitsPerNucleotide,
            e,
            dropout,
            coverage,
            exact,
          });
        }
        process.stderr.write(".");
      }
    }
  }
  results.curvesWrongOutputs = wrong;
  process.stderr.write("\n");
  for (const setting of ["A", "B"]) {
    const s = SETTINGS[setting];
    const first = results.curves.find((r) => r.setting === setting);
    console.log(
      `\nSetting ${setting} (inner ${s.innerParity} B, outer ${s.redundancy}; ${first.oligos} oligos, ` +
        `${first.bits.toFixed(3)} bits/nt): exact recoveries of 20`,
    );
    console.log(`| error rate | dropout | ${COVERAGES.map((c) => `${c}×`).join(" | ")} |`);
    console.log(`|---|---|${COVERAGES.map(() => "---").join("|")}|`);
    for (const e of ERRORS) {
      for (const dropout of DROPOUTS) {
        const row = COVERAGES.map(
          (coverage) =>
            results.curves.find(
              (r) => r.setting === setting && r.e === e && r.dropout === dropout && r.coverage === coverage,
            ).exact,
        );
        console.log(`| ${100 * e} % | ${100 * dropout} % | ${row.join(" | ")} |`);
      }
    }
  }
  console.log(`\nwrong outputs over all runs: ${wrong}`);
}

if (want("latent")) {
  await sp.init();
  const { train, test } = convSplit(mnistImages(), 3000, 500, 0);
  const t0 = performance.now();
  const model = sp.trainCompressor(train, { channels: 4, epochs: [6, 3], seed: 0 });
  process.stderr.write(`trained in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  const evaluation = model.evaluate(test);
  const { oligos, stats } = sp.encodeOligos(evaluation.symbols, SETTINGS.A);
  const channel = { coverage: 10, sub: 0.01, ins: 0.001, del: 0.001, dropout: 0.02, seed: 1 };
  const reads = sp.simulateReads(oligos, channel);
  const decoded = sp.decodeOligos(reads);
  const same = decoded.data.every((x, i) => x === evaluation.symbols[i]);
  // The decoder run on the latent that came back from the reads.
  const { side, channels } = model.shape;
  const s = model.net.latentSide;
  const n = test.length / (side * side);
  let squared = 0;
  sp.scope(() =>
    sp.noGrad(() => {
      const y = sp.tensor(Float32Array.from(decoded.data), [n, channels, s, s]);
      const images = model.net.decode(y).data;
      for (let i = 0; i < images.length; i++) squared += (images[i] - test[i]) ** 2;
    }),
  );
  const psnrAfter = 10 * Math.log10(1 / (squared / test.length));
  results.latent = {
    images: n,
    symbols: evaluation.symbols.length,
    oligos: oligos.length,
    oligoLength: stats.oligoLength,
    nucleotidesPerImage: stats.nucleotides / n,
    reads: reads.length,
    channel,
    report: decoded.report,
    identicalLatent: same,
    psnrBefore: evaluation.psnr,
    psnrAfter,
  };
  model.dispose();
  console.log(JSON.stringify(results.latent, null, 2));
}

// Merged into what other parts wrote (read again now: parts may run at the same time).
const machine = { loadavg: loadavg(), date: new Date().toISOString() };
const merged = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : {};
for (const part of ["density", "curves", "latent"]) if (want(part)) merged[`machine_${part}`] = machine;
writeFileSync(out, JSON.stringify({ ...merged, ...results }, null, 2) + "\n");
