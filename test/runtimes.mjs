// How to run a script file under each command-line runtime, and a spawn that collects its output.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const root = new URL("../", import.meta.url).pathname;
const bin = (name) => `${root}node_modules/.bin/${name}`;

// node_modules/.bin/bun is a placeholder until bun's postinstall replaces it, and npm may stop running
// install scripts: fall back to the binary in the platform package.
function bunBinary() {
  const require = createRequire(import.meta.url);
  const arch = { x64: "x64", arm64: "aarch64" }[process.arch];
  const candidates = [bin("bun")];
  for (const variant of ["", "-baseline", "-musl", "-musl-baseline"]) {
    try {
      candidates.push(`${require.resolve(`@oven/bun-${process.platform}-${arch}${variant}/package.json`, { paths: [root] }).slice(0, -12)}bin/bun`);
    } catch {}
  }
  return candidates.find((path) => spawnSync(path, ["--version"]).status === 0) ?? bin("bun");
}

/** [command, args] running `file` under a runtime; `env` lets the script read environment variables. */
export const commands = {
  node: (file) => [process.execPath, [file]],
  deno: (file, { env = false } = {}) => [bin("deno"), ["run", "--allow-read", ...(env ? ["--allow-env"] : []), file]],
  bun: (file) => [bunBinary(), [file]],
};

/** Runs a command without a terminal and colours; resolves to `{ output, status }` (stdout then stderr). */
export function run([command, args], { timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" }, timeout });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => resolve({ output: `${stdout}${stderr}${error.message}\n`, status: -1 }));
    child.on("close", (status, signal) => resolve({ output: stdout + stderr, status: signal ? `${signal}` : status }));
  });
}
