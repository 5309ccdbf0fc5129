// Runs every example in examples/ in its runtime and checks that it prints (or returns) the worked answers.
// Returns `{ output, total, passed, skipped }` like a parsed uvu run.
import { readdirSync } from "node:fs";
import { findChromium, NO_CHROMIUM, runPage } from "./browser/run.mjs";
import { startWorker } from "./edge/run.mjs";
import { commands, run } from "./runtimes.mjs";

const root = new URL("../", import.meta.url).pathname;

// ℓ1 ball: τ = 1.5. Bilevel ℓ1,∞ with η = 3: column maxima (3, 1, 4) → u = (1, 0, 2), columns clipped to ±u.
// Grouped by input channel, η = 2: channel maxima (3, 0.5) → u = (2, 0).
// Weighted ℓ1: τ = 1.6 on breakpoints 3 and 4.
const EXPECTED = [
  "projectL1Ball: [1.5,0,0,0.5]",
  "bilevelL1Inf: [1,0,0.5,-1,0,2] norm 3",
  "bilevelL1InfGrouped: [2,-1,0,0,-2,1,0,0]",
  "projectWeightedL1Ball: [1.4,0,0,1.2]",
];
const printsExpected = (output) => EXPECTED.every((line) => output.includes(line));

async function workerExample() {
  const mf = await startWorker(`${root}examples/worker.js`, "example");
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

// The worked-answer examples must print EXPECTED; the others check themselves and exit non-zero on a mismatch.
const printing = (result) => ({ ...result, ok: result.status === 0 && printsExpected(result.output) });
const selfChecking = (result) => ({ ...result, ok: result.status === 0 });

const CHECKS = {
  "node.mjs": async () => printing(await run(commands.node("examples/node.mjs"))),
  "deno.ts": async () => printing(await run(commands.deno("examples/deno.ts"))),
  "bun.ts": async () => printing(await run(commands.bun("examples/bun.ts"))),
  "browser.html": async () => {
    if (!findChromium()) return { skip: NO_CHROMIUM };
    return printing({ output: await runPage("examples/browser.html", { done: printsExpected }), status: 0 });
  },
  "worker.js": workerExample,
  "distributed.mjs": async () => selfChecking(await run(commands.node("examples/distributed.mjs"))),
  // The demo cross-validates 6 settings × 20 runs: about a minute alone, more beside another runtime's tests.
  "demo.mjs": async () => selfChecking(await run(commands.node("examples/demo.mjs"))),
  "projections.mjs": async () => selfChecking(await run(commands.node("examples/projections.mjs"))),
  "autograd.mjs": async () => selfChecking(await run(commands.node("examples/autograd.mjs"))),
  "tfjs.mjs": async () => selfChecking(await run(commands.node("examples/tfjs.mjs"))),
  // Trains a 14k-parameter conv autoencoder for 6 epochs on 3 000 digits: about 30 s alone.
  "compress.mjs": async () => selfChecking(await run(commands.node("examples/compress.mjs"))),
};

export async function runExamples() {
  let output = "",
    total = 0,
    passed = 0,
    skipped = 0;
  for (const [name, check] of Object.entries(CHECKS)) {
    let result;
    try {
      result = await check();
    } catch (error) {
      result = { output: `${error.stack ?? error}\n`, ok: false };
    }
    if (result.skip) {
      skipped += 1;
      output += `  - examples/${name}: skipped, ${result.skip}\n`;
      continue;
    }
    total += 1;
    passed += result.ok ? 1 : 0;
    output += `  ${result.ok ? "✓" : "✘"} examples/${name}\n${result.output.replace(/^/gm, "      ")}\n`;
  }
  const unchecked = readdirSync(`${root}examples`).filter((name) => !(name in CHECKS));
  if (unchecked.length) output += `  not exercised (add them to test/examples.mjs): ${unchecked.join(", ")}\n`;
  return { output, total, passed, skipped };
}
