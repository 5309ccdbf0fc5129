// What every table of results names: runtime, CPU, date, C compiler, and how busy the machine was.
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

function cpuModel() {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const field = (name) => info.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1].trim();
    const simd = ["avx512f", "avx2"].find((flag) => new RegExp(`\\b${flag}\\b`).test(field("flags") ?? ""));
    return `${field("model name")} (family ${field("cpu family")}, model ${field("model")}${simd ? `, ${simd}` : ""}), ${cpus().length} cores`;
  } catch {
    return `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`;
  }
}

export function environment(native, exactExported) {
  return {
    runtime: `Node ${process.version} (V8 ${process.versions.v8})`,
    cpu: cpuModel(),
    date: new Date().toISOString().slice(0, 10),
    compiler: native.compiler ?? native.skipped,
    loadAverageAtStart: loadavg()[0],
    exactL1Inf: exactExported ? "projectL1Inf exported: measured beside bilevelL1Inf" : "projectL1Inf not exported by this build: not measured",
  };
}
