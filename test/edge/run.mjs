// The edge test: the Worker in worker.js under workerd (Miniflare), its answers checked against Node's.
// Returns the same shape as a parsed uvu run, so run-all counts it like any runtime.
import { copyFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { useShippedWasm } from "../../scripts/use-shipped-wasm.mjs";
import { bundleTests } from "../bundle.mjs";
import { HAND_WORKED, runCases } from "./cases.mjs";

const root = new URL("../../", import.meta.url).pathname;

/**
 * Bundles a Worker as Cloudflare's wrangler does (esbuild, the "workerd" export condition, .wasm imports left
 * as imports of compiled modules) into build/workers/<name>/ and starts it in workerd.
 */
export async function startWorker(entry, name) {
  const dir = `${root}build/workers/${name}/`;
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["*.wasm"],
    outfile: `${dir}worker.js`,
    logLevel: "warning",
  });
  copyFileSync(`${root}dist/sparseproj.simd.wasm`, `${dir}sparseproj.simd.wasm`);
  // Listed rather than located: Miniflare's module walk rejects any non-literal import(), which esbuild keeps.
  const mf = new Miniflare({
    modulesRoot: dir,
    modules: [
      { type: "ESModule", path: `${dir}worker.js` },
      { type: "CompiledWasm", path: `${dir}sparseproj.simd.wasm` },
    ],
    compatibilityDate: "2025-01-01",
  });
  try {
    await mf.ready;
  } catch (error) {
    await mf.dispose();
    throw error;
  }
  return mf;
}

/** Runs the edge checks; `{ output, total, passed }` like a parsed uvu summary (the suite's counts included). */
export async function runWorkerd() {
  // The uvu suite built as dist/workerd.js is: the module imported from the .wasm, not compiled from bytes.
  await bundleTests(`${root}build/edge/tests.mjs`, { plugins: [useShippedWasm] });
  // Through JSON as the Worker's answer is (−0 becomes 0).
  const node = JSON.parse(JSON.stringify(runCases(await import("../../dist/index.js"))));
  const mf = await startWorker(`${root}test/edge/worker.js`, "edge");
  const lines = [];
  let total = 0,
    passed = 0;
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
      check(
        `${key}: workerd = node`,
        isDeepStrictEqual(edge[key], node[key]),
        JSON.stringify(edge[key])?.slice(0, 200),
      );
    }
    for (const [key, want] of Object.entries(HAND_WORKED)) {
      check(`${key} = ${JSON.stringify(want)}`, isDeepStrictEqual(edge[key], want), JSON.stringify(edge[key]));
    }
    for (const key of ["badRadius", "badShape"])
      check(`${key} is a RangeError`, edge[key]?.name === "RangeError", JSON.stringify(edge[key]));

    const suite = await (await mf.dispatchFetch("http://edge.test/suite")).text();
    lines.push("  uvu suite, built with the workerd wasm source:", suite);
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
