// The reference runs import a copy of dist/, not dist/ itself: a build running meanwhile (another terminal, an
// editor's watcher) would otherwise swap the code under a measurement.
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Waits until dist/ holds a complete build that has not changed for 3 s, then copies it into `into`. */
export function snapshotDist(into) {
  const files = ["index.js", "sparseproj.simd.wasm"].map((f) => join(root, "dist", f));
  const deadline = Date.now() + 180_000;
  let last = "";
  for (;;) {
    const stamp = files.every(existsSync)
      ? files.map((f) => `${statSync(f).size}:${statSync(f).mtimeMs}`).join("|")
      : "";
    if (stamp && stamp === last) break;
    if (Date.now() > deadline) throw new Error("dist/index.js is missing or keeps changing: run `npm run build` first");
    last = stamp;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
  }
  cpSync(join(root, "dist"), join(into, "dist"), { recursive: true });
  const entry = join(into, "dist", "index.js");
  return {
    entry,
    sha256: createHash("sha256").update(readFileSync(entry)).digest("hex").slice(0, 16),
    built: statSync(files[0]).mtime.toISOString(),
  };
}
