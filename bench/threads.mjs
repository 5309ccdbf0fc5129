// Thread pool benchmark: bilevel ℓ1,∞ (and the exact ℓ1,∞ projection) on f32 matrices through
// createPool({ threads: 1 | 2 | 4 }) against the single-thread call and a copy of the same bytes, in one run,
// all zero-copy (arrays in module memory).
// Configurations are interleaved round by round and the median taken, so load from elsewhere hits all alike.
// Also measures the crossovers below which the pool runs matrices on the calling thread (MIN_PARALLEL_ELEMENTS,
// MIN_PARALLEL_EXACT_ELEMENTS).
// Usage: npm run build && node bench/threads.mjs [--quick] [--exact | --bilevel]
//   → a markdown report on stdout (see bench/threads.md).
import { readFileSync } from "node:fs";
import * as sp from "../dist/index.js";
import { gaussianPool, radiusKeeping, take } from "./data.mjs";
import { environment } from "./environment.mjs";

const quick = process.argv.includes("--quick");
const SHAPES = quick
  ? [
      [1000, 1000],
      [2000, 2000],
    ]
  : [
      [1000, 1000],
      [4000, 4000],
      [1000, 20000],
    ];
const CROSSOVER_SIDES = [64, 256, 384, 512, 640, 768, 896, 1024, 1280];
const EXACT_CROSSOVER_SIDES = [64, 128, 256, 384, 512, 640, 768, 1024];
const THREADS = [1, 2, 4];
const KEPT_FRACTION = 0.1;

const data = gaussianPool(Math.max(...SHAPES.map(([r, c]) => r * c)));
const pools = new Map();
for (const threads of THREADS) pools.set(threads, await sp.createPool({ threads }));
// Every size onto the workers, to measure them (by default matrices below the crossover stay on the caller).
for (const pool of pools.values()) pool.__setMinParallelElements(1);

/** x and out in the memory of `owner` (the package, or a pool), x holding y. */
function operands(owner, y) {
  const x = owner.allocate(y.length, "f32");
  const out = owner.allocate(y.length, "f32");
  x.array.set(y);
  return { x, out, free: () => (x.free(), out.free()) };
}

/** Medians and minima (ms) of each configuration, run once per round in turn. */
async function interleaved(configs, rounds) {
  const samples = configs.map(() => []);
  for (let round = -1; round < rounds; round++) {
    for (const [k, config] of configs.entries()) {
      const start = performance.now();
      await config.run();
      if (round >= 0) samples[k].push(performance.now() - start); // round −1 warms up
    }
  }
  return samples.map((times) => {
    times.sort((a, b) => a - b);
    return { median: times[times.length >> 1], min: times[0] };
  });
}

// The exact projection costs 7–19× the bilevel one: fewer rounds for it.
function roundsFor(elements, exact = false) {
  if (exact) return elements >= 1e7 ? (quick ? 3 : 9) : elements >= 1e6 ? (quick ? 5 : 15) : quick ? 21 : 81;
  return elements >= 1e7 ? (quick ? 5 : 15) : elements >= 1e6 ? (quick ? 15 : 41) : quick ? 51 : 201;
}

/**
 * The configurations for one matrix and one projection (`bilevelL1Inf` or `projectL1Inf`, same name on the package
 * and on a pool): copy floor, single-thread call, pools. Checks all agree bit for bit.
 */
async function configsFor(rows, cols, projection = "bilevelL1Inf") {
  const y = take(data.length >= rows * cols ? data : gaussianPool(rows * cols), rows * cols, "f32");
  const eta = radiusKeeping(sp.groupNorms(y, rows, cols, "inf"), KEPT_FRACTION);
  const single = operands(sp, y);
  const expected = sp[projection](single.x, rows, cols, eta, { out: single.out }).slice();
  const configs = [
    { name: "copy (floor)", run: () => single.out.array.set(single.x.array), free: () => {} },
    {
      name: "single-thread call",
      run: () => sp[projection](single.x, rows, cols, eta, { out: single.out }),
      free: single.free,
    },
  ];
  for (const [threads, pool] of pools) {
    const own = operands(pool, y);
    const result = await pool[projection](own.x, rows, cols, eta, { out: own.out });
    if (result.some((v, i) => !Object.is(v, expected[i])))
      throw new Error(`${threads} threads differ from the single-thread ${projection} on ${rows}×${cols}`);
    configs.push({
      name: `pool, ${threads} thread${threads > 1 ? "s" : ""}`,
      run: () => pool[projection](own.x, rows, cols, eta, { out: own.out }),
      free: own.free,
    });
  }
  return configs;
}

/** The time-per-call table of one projection over SHAPES. */
async function timeTable(title, projection) {
  out(`CPU idle before the ${projection} run: ${(100 * (await idleFraction())).toFixed(0)}%.`);
  out();
  out(`### Time per call, ${title}, f32, zero-copy: median (ms) and speed-up against the single-thread call`);
  out();
  out(
    "| shape | rounds | copy (floor) | single-thread call | pool, 1 thread | pool, " +
      "2 threads | pool, 4 threads | 2 threads vs single, fastest rounds |",
  );
  out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [rows, cols] of SHAPES) {
    const configs = await configsFor(rows, cols, projection);
    const rounds = roundsFor(rows * cols, projection === "projectL1Inf");
    const ms = await interleaved(configs, rounds);
    const cell = (k) =>
      k < 2 ? ms[k].median.toFixed(2) : `${ms[k].median.toFixed(2)} (${(ms[1].median / ms[k].median).toFixed(2)}×)`;
    const fastest = `${ms[1].min.toFixed(2)} / ${ms[3].min.toFixed(2)} = ${(ms[1].min / ms[3].min).toFixed(2)}×`;
    out(`| ${rows}×${cols} | ${rounds} | ${configs.map((_, k) => cell(k)).join(" | ")} | ${fastest} |`);
    for (const config of configs) config.free();
  }
  out();
}

/** The crossover table of one projection: square n×n on the workers at every size. */
async function crossoverTable(title, projection, sides) {
  out(`CPU idle before the ${projection} crossover run: ${(100 * (await idleFraction())).toFixed(0)}%.`);
  out();
  out(`### Crossover, ${title}: square n×n on the workers at every size, median (µs)`);
  out();
  out("| n×n | elements | single-thread call | pool, 1 thread | pool, 2 threads | pool, 4 threads |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const side of quick ? sides.filter((_, k) => k % 2 === 0) : sides) {
    const configs = (await configsFor(side, side, projection)).slice(1);
    const ms = await interleaved(configs, roundsFor(side * side, projection === "projectL1Inf"));
    out(`| ${side}×${side} | ${side * side} | ${ms.map((t) => (t.median * 1000).toFixed(0)).join(" | ")} |`);
    for (const config of configs) config.free();
  }
  out();
}

/** Fraction of the machine's CPU time idle over the next `ms` (Linux /proc/stat), or NaN elsewhere. */
async function idleFraction(ms = 1000) {
  const read = () => {
    try {
      const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: NaN, total: NaN };
    }
  };
  const before = read();
  await new Promise((done) => setTimeout(done, ms));
  const after = read();
  return (after.idle - before.idle) / (after.total - before.total);
}

const env = environment({ skipped: "not used" }, false);
const lines = [];
const out = (line = "") => (lines.push(line), console.error(line));
out(
  `Runtime: ${env.runtime}; CPU: ${env.cpu}; revision ${env.revision}; ` +
    `${env.date}; load average at start ${env.loadAverageAtStart.toFixed(2)}.`,
);
// Other processes on a small machine take cores the workers need: say how idle it was before each table.
out(`Pools: ${[...pools].map(([t, p]) => `threads: ${t} → pool.threads = ${p.threads}`).join(", ")}.`);
out();
const only = process.argv.includes("--exact")
  ? ["projectL1Inf"]
  : process.argv.includes("--bilevel")
    ? ["bilevelL1Inf"]
    : ["bilevelL1Inf", "projectL1Inf"];
if (only.includes("bilevelL1Inf")) await timeTable("bilevel ℓ1,∞", "bilevelL1Inf");
if (only.includes("projectL1Inf")) await timeTable("exact ℓ1,∞ (projectL1Inf)", "projectL1Inf");
if (only.includes("bilevelL1Inf")) await crossoverTable("bilevel ℓ1,∞", "bilevelL1Inf", CROSSOVER_SIDES);
if (only.includes("projectL1Inf")) await crossoverTable("exact ℓ1,∞", "projectL1Inf", EXACT_CROSSOVER_SIDES);
for (const pool of pools.values()) await pool.close();
console.log(lines.join("\n"));
