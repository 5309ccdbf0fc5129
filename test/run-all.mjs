// Runs the bundled test suite in every runtime and prints one closing line: "N passed, N failed".
// Usage: node test/run-all.mjs [node|deno|bun|chromium|chromium-no-coop|workerd|tfjs|examples|cli|web|package
//   |cluster ...]
//   (default: all)
// Two runtimes run at a time (RUN_ALL_JOBS to change): the machines have 2 cores.
import { readdirSync } from "node:fs";
import { bundleTests } from "./bundle.mjs";
import { findChromium, NO_CHROMIUM, runPage } from "./browser/run.mjs";
import { runWorkerd } from "./edge/run.mjs";
import { runExamples } from "./examples.mjs";
import { runPackageChecks } from "./package.mjs";
import { commands, run } from "./runtimes.mjs";

const { outfile } = await bundleTests();

function parseUvu(output) {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
  return { total, passed };
}

// Each resolves to { output, total, passed, status?, skipped? } or, where it cannot run here, { skip: reason }.
const suiteIn = async (command) => {
  const result = await run(command);
  return { ...result, ...parseUvu(result.output) };
};
const suiteInChromium = async ({ isolated }) => {
  if (!findChromium()) return { skip: NO_CHROMIUM };
  const output = await runPage("test/browser/tests.html", { isolated, done: (text) => /Duration:/.test(text) });
  return { output, ...parseUvu(output) };
};
const runtimes = {
  node: () => suiteIn(commands.node(outfile)),
  deno: () => suiteIn(commands.deno(outfile, { env: true })), // uvu reads NO_COLOR etc.
  bun: () => suiteIn(commands.bun(outfile)),
  chromium: () => suiteInChromium({ isolated: true }),
  // Served without COOP/COEP: the page is not cross-origin isolated, so createPool falls back to one thread.
  "chromium-no-coop": () => suiteInChromium({ isolated: false }),
  workerd: runWorkerd,
  // The TensorFlow.js adapter, Node only: tfjs's cpu backend, and its wasm backend where that loads.
  tfjs: () => suiteIn(commands.node("test/tfjs/tfjs.test.mjs")),
  examples: runExamples,
  // The command line, spawned as users run it (Node only): every test/cli/*.test.mjs, not part of the bundle.
  cli: async () => {
    const files = readdirSync(new URL("cli/", import.meta.url))
      .filter((f) => f.endsWith(".test.mjs"))
      .sort();
    const sum = { output: "", total: 0, passed: 0, status: 0 };
    for (const file of files) {
      const result = await suiteIn(commands.node(`test/cli/${file}`));
      sum.output += result.output;
      sum.total += Number.isNaN(result.total) ? 1 : result.total;
      sum.passed += Number.isNaN(result.passed) ? 0 : result.passed;
      if (result.status !== 0) sum.status = result.status;
    }
    return sum;
  },
  // The web page (web/), driven in headless Chromium as a user would; imported only when selected.
  web: async () => (await import("./web/web.test.mjs")).runWebTests(),
  package: runPackageChecks,
  // The grid as tasks on real engines (SLURM started here as root, GNU parallel, Snakemake); skipped where absent.
  cluster: async () => (await import("./cluster/run.mjs")).runClusterSuite(),
};

const selected = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(runtimes);
const unknown = selected.filter((name) => !(name in runtimes));
if (unknown.length) {
  console.error(`unknown runtime ${unknown.join(", ")}; choose from ${Object.keys(runtimes).join(", ")}`);
  process.exit(2);
}

const started = Date.now();
const results = {};
const queue = [...selected];
async function worker() {
  for (let name; (name = queue.shift()); ) {
    const t = Date.now();
    try {
      results[name] = await runtimes[name]();
    } catch (error) {
      results[name] = { output: `${error.stack ?? error}\n`, total: NaN, passed: NaN };
    }
    results[name].seconds = (Date.now() - t) / 1000;
    if (results[name].output) process.stdout.write(`\n── ${name} ──\n${results[name].output}`);
  }
}
const jobs = Math.max(1, Number(process.env.RUN_ALL_JOBS) || 2);
await Promise.all(Array.from({ length: Math.min(jobs, selected.length) }, worker));

console.log();
let passed = 0,
  failed = 0;
for (const name of selected) {
  const result = results[name];
  const time = `${result.seconds.toFixed(1)} s`;
  if (result.skip) {
    console.log(`[${name}] skipped: ${result.skip}`);
    continue;
  }
  if (Number.isNaN(result.total)) {
    console.log(`[${name}] no test summary (exit ${result.status}), ${time}: counted as 1 failure`);
    failed += 1;
    continue;
  }
  const skipped = result.skipped ? `, ${result.skipped} skipped` : "";
  console.log(`[${name}] ${result.passed} of ${result.total} tests passed${skipped}, ${time}`);
  passed += result.passed;
  failed +=
    result.total -
    result.passed +
    (result.status !== undefined && result.status !== 0 && result.passed === result.total ? 1 : 0);
}
console.log(`all runtimes: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
// Exit even if a runtime's host left a handle open (a browser or workerd that failed half-started): CI must not hang.
process.exit(failed ? 1 : 0);
