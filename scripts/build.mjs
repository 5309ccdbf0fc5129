// Build: AssemblyScript → two .wasm variants, the SIMD one inlined as base64, esbuild bundles per entry, .d.ts.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { useShippedWasm } from "./use-shipped-wasm.mjs";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => `${root}node_modules/.bin/${name}`;
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

rmSync(`${root}dist`, { recursive: true, force: true });
mkdirSync(`${root}dist`);
for (const target of ["simd", "threads"]) sh(bin("asc"), ["assembly/index.ts", "--config", "asconfig.json", "--target", target]);
sh("node", ["scripts/embed-wasm.mjs"]);

const common = { bundle: true, format: "esm", platform: "neutral", target: "es2022", logLevel: "warning", legalComments: "none" };

// Default / browser entry: everything inline.
await build({ ...common, entryPoints: [`${root}src/index.ts`], outfile: `${root}dist/index.js` });

// workerd entry: the module comes from the shipped .wasm file, imported by the host as a WebAssembly.Module.
await build({ ...common, entryPoints: [`${root}src/index.ts`], outfile: `${root}dist/workerd.js`, plugins: [useShippedWasm] });

sh(bin("tsc"), ["-p", "tsconfig.json"]);
copyFileSync(`${root}src/wasm.d.ts`, `${root}dist/types/wasm.d.ts`);
