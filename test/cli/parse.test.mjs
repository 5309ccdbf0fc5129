// The command line's flag parser on random argument lists (fast-check, seeded, bounded): every list either parses
// or raises the documented usage error (UsageError, exit code 2) with a one-line message, never anything else.
// In-process: parseCommandLine and parseFlags are dist/cli.js exports, and parsing reads no file.
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseCommandLine, parseFlags, UsageError } from "../../dist/cli.js";

const FLAG_NAMES = {
  sae: [
    "projection",
    "radius",
    "folds",
    "seeds",
    "epochs",
    "hidden",
    "lambda",
    "lr",
    "batch",
    "rewind",
    "no-rewind",
    "log",
    "no-log",
    "no-baseline",
    "attribution",
    "workers",
    "out",
    "save",
    "keep",
  ],
  predict: [],
  generate: ["samples", "seed", "bandwidth", "threshold-quantile", "out"],
  vae: ["latent", "hidden", "lambda", "epochs", "batch", "lr", "seed", "output", "samples", "out", "save"],
  dna: ["out", "code", "constrained", "integers", "oligo"],
};
const COMMON = ["label-column", "id-column", "json", "help"];

const values = fc.oneof(
  fc.constantFrom(
    "0",
    "1",
    "2",
    "-1",
    "-0",
    "1e30",
    "1e308",
    "1e999",
    "0.5",
    ".5",
    "1.",
    "0x10",
    "NaN",
    "Infinity",
    " 1",
    "",
    "1,2",
    "0.1,,2",
    "30,10",
    "1,2,3",
    "auto",
    "none",
    "l1",
    "bilevel-l1inf",
    "scott",
    "linear",
    "sigmoid",
    "huffman",
    "top-k",
    "0.5x",
    "-",
    "--",
    "-h",
    "-x",
    "--json",
    "a\nb",
    "é",
    "\u2028",
    "9007199254740993",
    "toString",
    "__proto__",
  ),
  fc.integer({ min: -5, max: 1e6 }).map(String),
  fc.double().map(String),
  fc.string({ maxLength: 6 }),
);

function tokens(command) {
  const names = [...FLAG_NAMES[command], ...COMMON];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).map((n) => `--${n}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names), values).map(([n, v]) => `--${n}=${v}`) },
    { weight: 4, arbitrary: values },
    { weight: 1, arbitrary: fc.constantFrom("-h", "-o", "-o-", "-hx", "--", "--unknown", "--no-json", "--a\nb", "-") },
  );
}

const RUNS = { numRuns: 400, seed: 2024 };
const oneLine = (message) => typeof message === "string" && message.length > 0 && !/[\r\n]/.test(message);

function check(parse) {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw new Error(`not a usage error: ${error?.stack ?? error}`);
    if (!oneLine(error.message)) throw new Error(`not one line: ${JSON.stringify(error.message)}`);
  }
}

for (const command of ["sae", "predict", "generate", "vae"]) {
  test(`${command}: random argument lists parse or raise a one-line UsageError`, () => {
    const lists = fc.array(tokens(command), { maxLength: 8 });
    fc.assert(
      fc.property(lists, (args) => check(() => parseCommandLine([command, ...args]))),
      RUNS,
    );
  });
}

test("dna: random argument lists parse or raise a one-line UsageError", () => {
  const lists = fc.array(tokens("dna"), { maxLength: 8 });
  fc.assert(
    fc.property(lists, (args) => check(() => parseFlags("dna", args))),
    RUNS,
  );
});

/** Asserts that `argv` is refused with a UsageError whose message matches `says`. */
function refused(argv, says) {
  assert.throws(
    () => parseCommandLine(argv),
    (e) => e instanceof UsageError && says.test(e.message),
    argv.join(" "),
  );
}

test("unknown commands and flags, and values of the wrong sign, are usage errors", () => {
  for (const name of ["train", "toString", "__proto__"]) refused([name], new RegExp(`^unknown command "${name}"`));
  refused(["sae", "t.csv", "--projection", "toString"], /^--projection must be one of/);
  refused(["sae", "t.csv", "--radius", "-1"], /^--radius must be a number ≥ 0; got "-1"$/);
  refused(["sae", "t.csv", "--radius"], /^--radius needs a value$/);
  refused(["sae", "t.csv", "--radius", "-1x"], /^--radius must be a number ≥ 0; got "-1"$/);
  refused(["sae", "t.csv", "--projection", "top-k"], /^--keep goes with --projection top-k/);
  refused(["sae", "t.csv", "--keep", "3"], /^--keep goes with --projection top-k/);
  const topK = ["sae", "t.csv", "--projection", "top-k", "--keep", "3"];
  refused([...topK, "--radius", "1"], /^--radius has no meaning with --projection top-k$/);
  const radii = parseCommandLine(["sae", "t.csv", "--radius", "0.1x,0.05x,0.10x,2"]).command.radii;
  assert.equal(radii, ["0.1x", "0.05x", 2], "relative radii written one way, duplicates dropped");
  assert.is(parseCommandLine(topK).command.keep, 3);
  refused(["vae", "t.csv", "--json=1"], /^--json takes no value$/);
  refused(["sae", "t.csv", "--a\nb"], /^unknown flag "--a\\nb"$/);
  assert.is(parseCommandLine(["vae", "t.csv", "--lr=0.01"]).command.lr, 0.01);
  assert.is(parseCommandLine(["vae", "t.csv", "--lr", "1e-5"]).command.lr, 1e-5);
  assert.ok(parseCommandLine(["generate", "m.json", "t.csv", "-h"]).help.startsWith("Usage:"));
});

test.run();
