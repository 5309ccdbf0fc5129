// The edge test: the Worker in worker.js under workerd (Miniflare), its answers checked against Node's.
// Returns the same shape as a parsed uvu run, so run-all counts it like any runtime.
import { copyFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { Miniflare } from "miniflare";
import { useShippedWasm } from "../../scripts/use-shipped-wasm.mjs";
import { bundleTests } from "../bundle.mjs";
import { HAND_WORKED, runCases } from "./cases.mjs";

const root = new URL("../../", import.meta.url).pathname;

// Cloudflare's bundler (wrangler) treats .js as ES modules and imports .wasm as compiled modules; so does this.
export const WORKERD_MODULE_RULES = [
  { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
  { type: "CompiledWasm", include: ["**/*.wasm"] },
];

export async function startWorker(scriptPath) {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: root,
    modulesRules: WORKERD_MODULE_RULES,
    compatibilityDate: "2025-01-01",
  });
  await mf.ready;
  return mf;
}

/** Runs the edge checks; `{ output, total, passed }` like a parsed uvu summary (the suite's counts included). */
export async function runWorkerd() {
  // The uvu suite built as dist/workerd.js is: the module imported from the .wasm beside it.
  await bundleTests(`${root}build/edge/tests.mjs`, { plugins: [useShippedWasm] });
  copyFileSync(`${root}dist/sparseproj.simd.wasm`, `${root}build/edge/sparseproj.simd.wasm`);
  // Through JSON as the Worker's answer is (−0 becomes 0).
  const node = JSON.parse(JSON.stringify(runCases(await import("../../dist/index.js"))));
  const mf = await startWorker(`${root}test/edge/worker.js`);
  const lines = [];
  let total = 0, passed = 0;
  const check = (name, ok, detail = "") => {
    total += 1;
    if (ok) passed += 1;
    lines.push(`  ${ok ? "✓" : "✘"} ${name}${ok || !detail ? "" : `: ${detail}`}`);
  };
  try {
    const refusals = await (await mf.dispatchFetch("http://edge.test/compile-bytes")).json();
    for (const r of refusals) check(`workerd refuses ${r.how}`, r.refused, "it compiled");
    lines.push(...refusals.filter((r) => r.refused).map((r) => `      (${r.error})`));

    const edge = await (await mf.dispatchFetch("http://edge.test/cases")).json();
    for (const key of Object.keys(node)) {
      check(`${key}: workerd = node`, isDeepStrictEqual(edge[key], node[key]), JSON.stringify(edge[key])?.slice(0, 200));
    }
    for (const [key, want] of Object.entries(HAND_WORKED)) {
      check(`${key} = ${JSON.stringify(want)}`, isDeepStrictEqual(edge[key], want), JSON.stringify(edge[key]));
    }
    for (const key of ["badRadius", "badShape"]) check(`${key} is a RangeError`, edge[key]?.name === "RangeError", JSON.stringify(edge[key]));

    const suite = await (await mf.dispatchFetch("http://edge.test/suite")).text();
    lines.push("  uvu suite on dist/workerd.js:", suite);
    const clean = suite.replace(/\x1b\[[0-9;]*m/g, "");
    const suiteTotal = Number(/Total:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
    const suitePassed = Number(/Passed:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
    if (Number.isNaN(suiteTotal)) check("uvu suite reported a summary", false, "no summary");
    else (total += suiteTotal), (passed += suitePassed);
  } catch (e) {
    check("edge run finished", false, e.stack);
  } finally {
    await mf.dispose();
  }
  return { output: lines.join("\n") + "\n", total, passed };
}
