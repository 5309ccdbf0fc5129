// What the command-line tests share: a scratch folder, `node dist/cli.js` spawned in it as users run it, and the
// shape of a user error (one line on stderr, no trace).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as assert from "uvu/assert";

const root = new URL("../../", import.meta.url).pathname;

/** A new empty folder under the system's temporary one. */
export const scratchDir = (name) => mkdtempSync(join(tmpdir(), `sparseproj-${name}-`));

/** `cli(...args)` runs the built command line in `dir` without colours: `{ status, stdout, stderr }`. */
export function cliIn(dir, options = {}) {
  return (...args) => {
    const env = { ...process.env, NO_COLOR: "1" };
    const r = spawnSync(process.execPath, [`${root}dist/cli.js`, ...args], {
      cwd: dir,
      encoding: "utf8",
      env,
      ...options,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

/** A user's error: exit code 1 and one line on stderr matching `pattern`, never an internal error's trace. */
export function assertOneLineError(r, pattern) {
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.not.match(r.stderr, /internal error|\n\s+at /);
}

/** Seeded random bytes (a 32-bit xorshift), so a failure can be replayed. */
export function randomBytes(n, seed) {
  const bytes = new Uint8Array(n);
  let s = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    (s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5);
    bytes[i] = s & 0xff;
  }
  return bytes;
}

// CPU time, not wall time, bounds a command's work: a busy machine stretches the wall clock of every process on it,
// but not the CPU a process spends itself (all its threads). The child writes it to a file as it exits.
const cpuDir = mkdtempSync(join(tmpdir(), "sparseproj-cpu-"));
const REPORT_CPU =
  'data:text/javascript,const fs = await import("node:fs"); process.on("exit", () => { const u = process.cpuUsage();' +
  " fs.writeFileSync(process.env.SPARSEPROJ_TEST_CPU, String((u.user + u.system) / 1000)); });";
let cpuRuns = 0;

/**
 * `cli(...args)` like cliIn's, spawned as `node dist/cli.js` with a hook that reports the child's CPU time:
 * `{ status, signal, stdout, stderr, cpuMs }` (cpuMs NaN when it did not exit by itself).
 */
export function cliCpuIn(dir, options = {}) {
  return (...args) => {
    const file = join(cpuDir, `${++cpuRuns}`);
    const env = { ...process.env, NO_COLOR: "1", SPARSEPROJ_TEST_CPU: file };
    const r = spawnSync(process.execPath, [`--import=${REPORT_CPU}`, `${root}dist/cli.js`, ...args], {
      cwd: dir,
      encoding: "utf8",
      env,
      ...options,
    });
    const cpuMs = existsSync(file) ? Number(readFileSync(file, "utf8")) : Number.NaN;
    rmSync(file, { force: true });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, cpuMs };
  };
}

let helpMs;
/** The unit of a command's work: the CPU time of `sparseproj --help` (node starting, loading the CLI), min of 3. */
export function helpCpuMs() {
  if (helpMs === undefined) {
    const cli = cliCpuIn(cpuDir);
    helpMs = Math.min(...[0, 1, 2].map(() => cli("--help").cpuMs));
  }
  return helpMs;
}

/** Asserts that the command run `r` (from cliCpuIn) spent at most `maxUnits` times the CPU of `--help`. */
export function assertCpuWithin(r, maxUnits, what) {
  const units = r.cpuMs / helpCpuMs();
  assert.ok(
    units <= maxUnits,
    `${what}: ${r.cpuMs.toFixed(0)} ms of CPU, ${units.toFixed(1)} × --help's, over ${maxUnits}`,
  );
}
