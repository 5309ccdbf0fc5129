// `predict` and `generate` on tampered model files, spawned as users run them (`node dist/cli.js`): each is refused
// quickly with one line on stderr naming the model file and the field, exit code 1, nothing on stdout. The model
// is trained in-process (the library entry) on a small table; the CLI only loads it.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { trainSAE } from "../../dist/index.js";
import { assertCpuWithin, cliCpuIn } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "sparseproj-model-"));

const cli = cliCpuIn(dir);

// 24 samples of 100 non-negative features (so the model takes the log), two classes apart in the first two.
const FEATURES = 100;
let state = 7;
const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const names = Array.from({ length: FEATURES }, (_, j) => `f${j + 1}`);
const X = Array.from({ length: 24 }, (_, i) => names.map((_, j) => random() + (j < 2 ? 3 * (i % 2) : 0)));
const y = X.map((_, i) => (i % 2 ? "b" : "a"));
const csv = (rows) => rows.map((r) => r.join(",")).join("\n") + "\n";
writeFileSync(join(dir, "table.csv"), csv([["id", ...names, "label"], ...X.map((r, i) => [`s${i + 1}`, ...r, y[i]])]));

const model = trainSAE(X, y, { hidden: [8], epochs: [2, 1], featureNames: names, radius: 1 });
const saved = JSON.stringify(model.toJSON());
model.dispose();

/** Writes the saved model changed by `change` to `file`. */
function tampered(file, change) {
  const json = JSON.parse(saved);
  change(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
  return file;
}

function refused(command, file, says) {
  const r = cli(command, file, "table.csv", "--id-column", "id");
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.is(lines.length, 1, `one line: ${r.stderr}`);
  for (const part of [`sparseproj ${command}: ${file}: `, ...says]) {
    assert.ok(lines[0].includes(part), `${JSON.stringify(lines[0])} should say ${JSON.stringify(part)}`);
  }
  return r;
}

test("the untampered model predicts", () => {
  writeFileSync(join(dir, "model.json"), saved);
  const r = cli("predict", "model.json", "table.csv", "--id-column", "id", "--json");
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).predictions.length, 24);
});

test("a small file declaring hidden [16000, 16000] is refused at once, before allocating", () => {
  const file = tampered("huge.json", (json) => (json.options.hidden = [16000, 16000]));
  assert.ok(statSync(join(dir, file)).size < 100_000, "a small file");
  for (const command of ["predict", "generate"]) {
    const r = refused(command, file, ['model.state["encoder.0.weight"]', "model.options.hidden[0]", "16000"]);
    // Allocating the 2 GB it declares took 30 s; a refusal is node starting: ~1 unit, --help's CPU (0.43 s).
    assertCpuWithin(r, 4, `${command} refusing hidden [16000, 16000]`);
  }
});

test("duplicate feature names, naming the duplicate", () => {
  const file = tampered("dup-features.json", (json) => (json.featureNames[5] = "f2"));
  refused("predict", file, ["model.featureNames[5]", '"f2"']);
});

test("duplicate classes", () => {
  refused(
    "predict",
    tampered("dup-classes.json", (json) => (json.classes = ["0", "0"])),
    ["model.classes[1]", '"0"'],
  );
  refused(
    "generate",
    tampered("num-classes.json", (json) => (json.classes = [1, "1"])),
    ["model.classes[1]"],
  );
});

test("broken preprocessing", () => {
  const prep = (file, change) => tampered(file, (json) => change(json.preprocessing));
  refused(
    "predict",
    tampered("no-prep.json", (json) => (json.preprocessing = null)),
    ["model.preprocessing"],
  );
  refused(
    "predict",
    prep("neg-std.json", (p) => (p.std[3] = -1)),
    ["model.preprocessing.std[3]"],
  );
  refused(
    "predict",
    prep("short-mean.json", (p) => p.mean.pop()),
    ["model.preprocessing.mean", "99", "100"],
  );
  refused(
    "predict",
    prep("log-text.json", (p) => (p.log = "yes")),
    ["model.preprocessing.log"],
  );
});

test("wrong format, weights that are not numbers, a prototype key", () => {
  refused(
    "predict",
    tampered("format.json", (json) => (json.format = "sparseproj-vae")),
    ["model.format"],
  );
  const text = tampered("weight-text.json", (json) => (json.state["decoder.0.bias"].data[1] = "x"));
  refused("predict", text, ['model.state["decoder.0.bias"].data[1]']);
  writeFileSync(join(dir, "proto.json"), saved.replace("{", '{"__proto__":{"polluted":true},'));
  refused("predict", "proto.json", ["__proto__"]);
});

test("a table value the model cannot carry (log of -1): one line naming the table, no stack trace", () => {
  writeFileSync(join(dir, "model.json"), saved);
  const values = (r, i) => r.map((v, j) => (i === 2 && j === 4 ? -1 : v));
  const rows = [["id", ...names, "label"], ...X.map((r, i) => [`s${i + 1}`, ...values(r, i), y[i]])];
  writeFileSync(join(dir, "minus-one.csv"), csv(rows));
  const r = cli("predict", "model.json", "minus-one.csv", "--id-column", "id");
  assert.is(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.is(lines.length, 1, `one line: ${r.stderr}`);
  assert.ok(lines[0].startsWith("sparseproj predict: minus-one.csv: "), lines[0]);
  assert.match(lines[0], /sample "s3".*"f5"/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
