// Problems the library finds in the user's data reach the command line as one line and exit code 1, from the
// main thread and from fold workers alike; only the engine's own errors count as bugs (exit 70 with a trace).
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("liberr");
const cli = cliIn(dir);
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("--log on a value of -1: one line naming the sample and feature, with and without fold workers", () => {
  writeFileSync(join(dir, "neg.csv"), "a,b,label\n1,2,x\n-1,3,y\n2,2,x\n3,1,y\n4,4,x\n5,1,y\n");
  const flags = ["--log", "--folds", "2", "--seeds", "1", "--epochs", "1", "--hidden", "2"];
  for (const workers of ["1", "2"]) {
    assertOneLineError(
      cli("sae", "neg.csv", ...flags, "--workers", workers),
      /X\[\d\]\[0\]: the value -1 is not finite once preprocessed/,
    );
  }
});

test("vae on a table too small to train and hold out: one line, nothing written", () => {
  writeFileSync(join(dir, "one.csv"), "a,b,label\n1,2,x\n");
  assertOneLineError(
    cli("vae", "one.csv", "--epochs", "2", "--hidden", "4", "--out", "gen.csv"),
    /one\.csv: 1 sample: the VAE needs at least 3/,
  );
});

test.run();
