// The package as published: npm metadata and exports (publint), types for ESM consumers (arethetypeswrong,
// esm-only profile; the .wasm subpaths are assets, not modules), and the JSR package from source
// (`deno publish --dry-run`: jsr.json's exports, the module graph, excluded files).
// Returns `{ output, total, passed }` like a parsed uvu run.
import { run } from "./runtimes.mjs";

const root = new URL("../", import.meta.url).pathname;
const bin = (name) => `${root}node_modules/.bin/${name}`;

const CHECKS = {
  publint: [bin("publint"), ["--strict"]],
  arethetypeswrong: [
    bin("attw"),
    [
      "--pack",
      ".",
      "--profile",
      "esm-only",
      "--exclude-entrypoints",
      "./sparseproj.simd.wasm",
      "./sparseproj.threads.wasm",
    ],
  ],
  "jsr (deno publish --dry-run)": [bin("deno"), ["publish", "--dry-run", "--allow-dirty"]],
  // Formatting and lint rules, the data-sized spread rule (lint/no-data-sized-spread.grit) among them.
  "biome check": [bin("biome"), ["check", "."]],
  // npm run docs without its build (done before the checks): the docs' links resolve, and the API reference builds
  // with every export documented.
  "links of README and docs/": [process.execPath, [`${root}scripts/check-links.mjs`]],
  "API reference (TypeDoc)": [bin("typedoc"), []],
};

export async function runPackageChecks() {
  let output = "",
    passed = 0;
  for (const [name, command] of Object.entries(CHECKS)) {
    const result = await run(command);
    const ok = result.status === 0;
    passed += ok ? 1 : 0;
    output += `  ${ok ? "✓" : "✘"} ${name}\n${ok ? "" : result.output.replace(/^/gm, "      ")}`;
  }
  return { output, total: Object.keys(CHECKS).length, passed };
}
