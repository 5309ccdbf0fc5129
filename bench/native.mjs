// The native C baseline (native/project.c): built once per element type with the system C compiler, fed the
// benchmark's own input bytes through a temporary file, timed inside C; its result is read back for comparison.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const here = new URL("native/", import.meta.url).pathname;
const FLAGS = ["-O3", "-march=native"];
// A second build held to 128-bit vectors, the width of WebAssembly SIMD, to tell width from code quality.
const VARIANTS = { "": [], "-v128": ["-mprefer-vector-width=128"] };
const REAL = { f32: "float", f64: "double" };

function compilerVersion() {
  try {
    return execFileSync("cc", ["--version"], { encoding: "utf8" }).split("\n")[0].trim();
  } catch {
    return undefined;
  }
}

/** Builds both variants; returns { skipped: reason } when there is no C compiler. */
export function buildNative() {
  const version = compilerVersion();
  if (!version) return { skipped: "no `cc` on this machine: the native C baseline was skipped" };
  const binaries = {};
  for (const [type, real] of Object.entries(REAL)) {
    for (const [suffix, extra] of Object.entries(VARIANTS)) {
      const binary = join(here, `project_${type}${suffix}.out`);
      execFileSync("cc", [...FLAGS, ...extra, `-DREAL=${real}`, "-o", binary, join(here, "project.c"), "-lm"], {
        stdio: "inherit",
      });
      binaries[type + suffix] = binary;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "sparseproj-bench-"));
  return {
    compiler: `${version}, ${FLAGS.join(" ")}`,
    /**
     * Runs OP on `input` (a typed array: a vector for l1ball and weighted-l1, a rows × cols matrix for the
     * bilevel ops, a rows × cols × depth tensor for trilevel-inf / trilevel-1) for about budgetMs; returns
     * { medianNs, repeats, passes, output }. `vectors128` runs the build held to 128-bit vectors; `weights`
     * (input's type and length) is weighted-l1's w, written after the input.
     */
    run(op, input, rows, cols, radius, budgetMs, { vectors128 = false, depth, weights } = {}) {
      const type = input instanceof Float32Array ? "f32" : "f64";
      const inFile = join(dir, "input.bin");
      const outFile = join(dir, "output.bin");
      const bytes = (array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      writeFileSync(inFile, weights ? Buffer.concat([bytes(input), bytes(weights)]) : bytes(input));
      const args = [op, rows, cols, radius, budgetMs, inFile, outFile, ...(depth === undefined ? [] : [depth])].map(
        String,
      );
      const report = JSON.parse(execFileSync(binaries[type + (vectors128 ? "-v128" : "")], args, { encoding: "utf8" }));
      const output = new input.constructor(new Uint8Array(readFileSync(outFile)).buffer);
      return { medianNs: report.median_ns, repeats: report.repeats, passes: report.passes, output };
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
