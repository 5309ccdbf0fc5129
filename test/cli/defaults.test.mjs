// The command line's defaults come from the library's tables (SAE_DEFAULTS, VAE_DEFAULTS, LATENT_SAMPLER_DEFAULTS):
// --help prints each one, and a command line without the flag parses to it. In-process (parsing reads no file).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseCommandLine } from "../../dist/cli.js";
import { LATENT_SAMPLER_DEFAULTS, SAE_DEFAULTS, VAE_DEFAULTS } from "../../dist/index.js";

const helpOf = (command) => parseCommandLine([command, "--help"]).help;
const parsed = (...argv) => parseCommandLine(argv).command;

/** The text after `--flag …` on the flag's --help line. */
function helpLine(help, flag) {
  const line = help.split("\n").find((l) => new RegExp(`^\\s+(?:-\\w, )?--${flag}\\b`).test(l));
  assert.ok(line, `--help lists --${flag}`);
  return line;
}

const shown = (value) => (Array.isArray(value) ? value.join(",") : String(value));

// Each flag whose default is the library's: [flag, the table's value, the parsed command's field].
const FROM_TABLES = {
  sae: [
    ["folds", SAE_DEFAULTS.folds, "folds"],
    ["epochs", SAE_DEFAULTS.epochs, "epochs"],
    ["hidden", SAE_DEFAULTS.hidden, "hidden"],
    ["lambda", SAE_DEFAULTS.lambda, "lambda"],
    ["lr", SAE_DEFAULTS.lr, "lr"],
    ["batch", SAE_DEFAULTS.batchSize, "batchSize"],
  ],
  vae: [
    ["latent", VAE_DEFAULTS.latent, "latent"],
    ["hidden", VAE_DEFAULTS.hidden, "hidden"],
    ["lambda", VAE_DEFAULTS.lambda, "lambda"],
    ["lr", VAE_DEFAULTS.lr, "lr"],
    ["seed", VAE_DEFAULTS.seed, "seed"],
  ],
  generate: [
    ["seed", LATENT_SAMPLER_DEFAULTS.seed, "seed"],
    ["bandwidth", LATENT_SAMPLER_DEFAULTS.bandwidth, "bandwidth"],
    ["threshold-quantile", LATENT_SAMPLER_DEFAULTS.thresholdQuantile, "thresholdQuantile"],
  ],
};
const POSITIONALS = { sae: ["t.csv"], vae: ["t.csv"], generate: ["m.json", "t.csv"] };

for (const [command, flags] of Object.entries(FROM_TABLES)) {
  test(`${command}: --help prints the library's defaults, which a command line without the flag gets`, () => {
    const help = helpOf(command);
    const defaults = parsed(command, ...POSITIONALS[command]);
    for (const [flag, value, field] of flags) {
      assert.ok(helpLine(help, flag).endsWith(`(default ${shown(value)})`), helpLine(help, flag));
      // sae's epochs are [phase 1, phase 2]: one table value for both.
      const expected = command === "sae" && field === "epochs" ? [value, value] : value;
      assert.equal(defaults[field], expected, `--${flag}`);
    }
  });
}

test("every default --help prints is the value parsed without the flag", () => {
  const field = {
    batch: "batchSize",
    "threshold-quantile": "thresholdQuantile",
    radius: "radii",
    "max-missing": "maxMissing",
  };
  for (const command of Object.keys(POSITIONALS)) {
    const defaults = parsed(command, ...POSITIONALS[command]);
    for (const [, flag, text] of helpOf(command).matchAll(/^\s+--([\w-]+).*\(default ([^)\s]+)\)$/gm)) {
      const parsedText = [defaults[field[flag] ?? flag]].flat().join(",");
      const expected = command === "sae" && flag === "epochs" ? `${text},${text}` : text;
      assert.is(parsedText, expected, `${command} --${flag}`);
    }
  }
});

test("sae: the toggles default to the library's (--no-rewind is marked), and so does the log transform", () => {
  const help = helpOf("sae");
  assert.ok(SAE_DEFAULTS.rewind === false && helpLine(help, "no-rewind").endsWith("(default)"));
  assert.not.ok(helpLine(help, "rewind").endsWith("(default)"));
  const defaults = parsed("sae", "t.csv");
  assert.is(defaults.rewind, SAE_DEFAULTS.rewind);
  assert.is(defaults.log, SAE_DEFAULTS.preprocess.log);
});

test("the tables are frozen: a caller cannot change the defaults for everyone", () => {
  for (const table of [SAE_DEFAULTS, SAE_DEFAULTS.hidden, VAE_DEFAULTS, LATENT_SAMPLER_DEFAULTS]) {
    assert.ok(Object.isFrozen(table));
  }
});

test.run();
