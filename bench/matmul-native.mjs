// The native C twin of the matmul kernels (native/matmul.c): built twice with the system C compiler — the
// hand-blocked SSE kernels held to 128-bit vectors like WebAssembly SIMD, and plain loops autovectorised for
// this CPU — and run on a list of shapes; each prints one JSON line per shape, timed inside C.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const here = new URL("native/", import.meta.url).pathname;
const BUILDS = {
  sse: { flags: ["-O3", "-msse4.2", "-mno-avx"], binary: "matmul_sse.out" },
  // The same 128-bit kernels with each multiply-add fused (the C twin of the relaxed-SIMD build).
  fma: { flags: ["-O3", "-msse4.2", "-mfma", "-ffp-contract=fast"], binary: "matmul_fma.out" },
  plain: { flags: ["-O3", "-march=native"], binary: "matmul_native.out" },
};

/**
 * Builds the binaries: { compiler, run(shapes, builds) }, where run takes shapes [form ('NN' | 'TN' | 'NT'), m, n, k]
 * and returns { sse: [...], plain: [...] } (or the builds named, 'fma' among them), each entry { form, m, n, k, ns, gflops, error }; { skipped } without
 * a C compiler.
 */
export function buildNativeMatmul() {
  let compiler;
  try {
    compiler = execFileSync("cc", ["--version"], { encoding: "utf8" }).split("\n")[0].trim();
  } catch {
    return { skipped: "no `cc` on this machine: the native C baseline was skipped" };
  }
  for (const { flags, binary } of Object.values(BUILDS))
    execFileSync("cc", [...flags, "-o", join(here, binary), join(here, "matmul.c")], { stdio: "inherit" });
  const runBuild = (name, shapes) =>
    execFileSync(join(here, BUILDS[name].binary), [name, ...shapes.flat().map(String)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  return {
    compiler:
      `${compiler}; sse: ${BUILDS.sse.flags.join(" ")}; fma: ${BUILDS.fma.flags.join(" ")}; ` +
      `plain loops: ${BUILDS.plain.flags.join(" ")}`,
    run: (shapes, builds = ["sse", "plain"]) => Object.fromEntries(builds.map((b) => [b, runBuild(b, shapes)])),
  };
}
