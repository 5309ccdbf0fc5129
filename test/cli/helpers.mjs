// What the command-line tests share: a scratch folder, `node dist/cli.js` spawned in it as users run it, and the
// shape of a user error (one line on stderr, no trace).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
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
