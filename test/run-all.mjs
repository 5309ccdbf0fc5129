// Runs the bundled test suite in every runtime and prints one closing line: "N passed, N failed".
// Usage: node test/run-all.mjs [node|deno|bun|chromium|workerd ...]   (default: all)
import { spawnSync } from "node:child_process";
import { bundleTests } from "./bundle.mjs";

const { outfile } = await bundleTests();

function parseUvu(output) {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
  return { total, passed };
}

const runtimes = {
  node: () => spawnSync(process.execPath, [outfile], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }),
};

const selected = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(runtimes);
let passed = 0, failed = 0;
for (const name of selected) {
  const result = runtimes[name]();
  process.stdout.write(result.stdout + result.stderr);
  const { total, passed: ok } = parseUvu(result.stdout);
  if (Number.isNaN(total)) {
    console.log(`[${name}] no uvu summary (exit ${result.status}): counted as 1 failure`);
    failed += 1;
    continue;
  }
  console.log(`[${name}] ${ok} of ${total} tests passed`);
  passed += ok;
  failed += total - ok + (result.status !== 0 && ok === total ? 1 : 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
