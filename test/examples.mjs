// Runs every example in examples/ in its runtime and checks that it prints (or returns) the worked answers.
// Returns `{ output, total, passed, skipped }` like a parsed uvu run.
import { copyFileSync } from "node:fs";
import { build } from "esbuild";
import { findChromium, NO_CHROMIUM, runPage } from "./browser/run.mjs";
import { startWorker } from "./edge/run.mjs";
import { commands, run } from "./runtimes.mjs";

const root = new URL("../", import.meta.url).pathname;

// ℓ1 ball: τ = 1.5. Bilevel ℓ1,∞ with η = 3: column maxima (3, 1, 4) → u = (1, 0, 2), columns clipped to ±u.
const EXPECTED = ["projectL1Ball: [1.5,0,0,0.5]", "bilevelL1Inf: [1,0,0.5,-1,0,2] norm 3"];
const printsExpected = (output) => EXPECTED.every((line) => output.includes(line));

// As wrangler bundles a Worker: the "workerd" condition, and .wasm imports left as compiled-module imports.
async function bundleWorker() {
  const outfile = `${root}build/examples/worker.js`;
  await build({
    entryPoints: [`${root}examples/worker.js`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"],
    outfile,
    logLevel: "warning",
  });
  copyFileSync(`${root}dist/sparseproj.simd.wasm`, `${root}build/examples/sparseproj.simd.wasm`);
  return outfile;
}

async function workerExample() {
  const mf = await startWorker(await bundleWorker());
  try {
    const sample = await mf.dispatchFetch("http://example.test/");
    const body = await sample.text();
    const badShape = await mf.dispatchFetch("http://example.test/", {
      method: "POST",
      body: JSON.stringify({ y: [1, 2, 3], rows: 2, cols: 2, radius: 1 }),
    });
    const badText = await badShape.text();
    return {
      ok: body === JSON.stringify({ bilevelL1Inf: [1, 0, 0.5, -1, 0, 2], norm: 3 }) && badShape.status === 400,
      output: `GET → ${body}\nPOST bad shape → ${badShape.status} ${badText}\n`,
    };
  } finally {
    await mf.dispose();
  }
}

export async function runExamples() {
  const checks = {
    "examples/node.mjs": async () => run(commands.node("examples/node.mjs")),
    "examples/deno.ts": async () => run(commands.deno("examples/deno.ts")),
    "examples/bun.ts": async () => run(commands.bun("examples/bun.ts")),
    "examples/browser.html": async () => {
      if (!findChromium()) return { skip: NO_CHROMIUM };
      return { output: await runPage("examples/browser.html", { done: printsExpected, timeout: 30_000 }), status: 0 };
    },
    "examples/worker.js": workerExample,
  };
  let output = "", total = 0, passed = 0, skipped = 0;
  for (const [name, check] of Object.entries(checks)) {
    let result;
    try {
      result = await check();
    } catch (error) {
      result = { output: `${error.stack ?? error}\n`, status: -1 };
    }
    if (result.skip) {
      skipped += 1;
      output += `  - ${name}: skipped, ${result.skip}\n`;
      continue;
    }
    const ok = result.ok ?? (result.status === 0 && printsExpected(result.output));
    total += 1;
    passed += ok ? 1 : 0;
    output += `  ${ok ? "✓" : "✘"} ${name}\n${result.output.replace(/^/gm, "      ")}\n`;
  }
  return { output, total, passed, skipped };
}
