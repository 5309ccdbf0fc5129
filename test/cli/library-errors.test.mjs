// Problems the library finds in the user's data reach the command line as one line and exit code 1, from the
// main thread and from fold workers alike; only the engine's own errors count as bugs (exit 70 with a trace).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "sparseproj-liberr-"));
const cli = (...args) => spawnSync(process.execPath, [`${root}dist/cli.js`, ...args], { cwd: dir, encoding: "utf8" });
test.after(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (r, pattern) => {
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.not.match(r.stderr, /internal error|\n\s+at /);
};

test("--log on a value of -1: one line naming the sample and feature, with and without fold workers", () => {
  writeFileSync(join(dir, "neg.csv"), "a,b,label\n1,2,x\n-1,3,y\n2,2,x\n3,1,y\n4,4,x\n5,1,y\n");
  const flags = ["--log", "--folds", "2", "--seeds", "1", "--epochs", "1", "--hidden", "2"];
  for (const workers of ["1", "2"]) {
    oneLine(
      cli("sae", "neg.csv", ...flags, "--workers", workers),
      /X\[\d\]\[0\]: the value -1 is not finite once preprocessed/,
    );
  }
});

test("vae on a table too small to train and hold out: one line, nothing written", () => {
  writeFileSync(join(dir, "one.csv"), "a,b,label\n1,2,x\n");
  oneLine(
    cli("vae", "one.csv", "--epochs", "2", "--hidden", "4", "--out", "gen.csv"),
    /one\.csv: 1 sample: the VAE needs at least 3/,
  );
});

test.run();
