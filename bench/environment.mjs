// What every table of results names: runtime, CPU, date, C compiler, and how busy the machine was.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

function cpuModel() {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const field = (name) => info.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1].trim();
    const simd = ["avx512f", "avx2"].find((flag) => new RegExp(`\\b${flag}\\b`).test(field("flags") ?? ""));
    return (
      `${field("model name")} (family ${field("cpu family")}, model ${field("model")}${simd ? `, ${simd}` : ""}), ` +
      `${cpus().length} cores`
    );
  } catch {
    return `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`;
  }
}

/** The commit measured, and whether the kernels or the façade had uncommitted changes (they are built as they are). */
function revision() {
  try {
    const git = (...args) =>
      execFileSync("git", args, { encoding: "utf8", cwd: new URL("..", import.meta.url) }).trim();
    const dirty = git("status", "--porcelain", "--", "src", "assembly") !== "";
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " + uncommitted changes in src/ or assembly/" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function environment(native, exactExported) {
  return {
    runtime: `Node ${process.version} (V8 ${process.versions.v8})`,
    cpu: cpuModel(),
    date: new Date().toISOString().slice(0, 10),
    revision: revision(),
    compiler: native.compiler ?? native.skipped,
    loadAverageAtStart: loadavg()[0],
    exactL1Inf: exactExported
      ? "projectL1Inf exported: measured beside bilevelL1Inf"
      : "projectL1Inf not exported by this build: not measured",
  };
}
