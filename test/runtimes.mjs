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
      const manifest = require.resolve(`@oven/bun-${process.platform}-${arch}${variant}/package.json`, {
        paths: [root],
      });
      candidates.push(`${manifest.slice(0, -12)}bin/bun`);
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

/**
 * How long any one suite, page or wait may take before it counts as hung. Not a speed check: a busy machine
 * (CI beside another job on 2 cores) makes suites several times slower, so the limit sits far above any
 * suite's time alone and exists only so that a true hang ends the run. TEST_HANG_SECONDS changes it.
 */
export const HANG_LIMIT_MS = 1000 * (Number(process.env.TEST_HANG_SECONDS) || 1200);

/** The message of a wait that ran into HANG_LIMIT_MS. */
export const hangMessage = (what) =>
  `${what} did not finish in ${HANG_LIMIT_MS / 1000} s (TEST_HANG_SECONDS): taken for a hang, not slowness`;

/** Runs a command without a terminal and colours; resolves to `{ output, status }` (stdout then stderr). */
export function run([command, args], { timeout = HANG_LIMIT_MS } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" }, timeout });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => resolve({ output: `${stdout}${stderr}${error.message}\n`, status: -1 }));
    child.on("close", (status, signal) => {
      const hung = signal === "SIGTERM" ? `${hangMessage(args.at(-1))}\n` : "";
      resolve({ output: stdout + stderr + hung, status: signal ? `${signal}` : status });
    });
  });
}
