// Bundles every test/*.test.ts with the library source and uvu into build/tests.mjs: one ES module that
// Node, Deno, Bun, a browser page and a worker all run unchanged.
import { readdirSync } from "node:fs";
import { build } from "esbuild";

const testDir = new URL(".", import.meta.url).pathname;
const files = readdirSync(testDir)
  .filter((f) => f.endsWith(".test.ts"))
  .sort();
const entry = files.map((f) => `import "./${f}";`).join("\n");

// `plugins` lets a runtime swap module sources (the workerd edge test takes the wasm as dist/workerd.js does).
export async function bundleTests(
  outfile = new URL("../build/tests.mjs", import.meta.url).pathname,
  { plugins = [] } = {},
) {
  await build({
    plugins,
    stdin: { contents: entry, resolveDir: testDir, sourcefile: "all-tests.ts", loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    // The package says sideEffects: false, which is true of the library but not of test files.
    ignoreAnnotations: true,
    outfile,
    logLevel: "warning",
  });
  return { outfile, files };
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleTests();
