// The command line as a user runs it: `node dist/cli.js …` on small generated tables in a temporary directory.
// Node only (it spawns processes and writes files); run by `node test/run-all.mjs cli`. Tiny networks and few
// epochs keep it fast: what is tested is the plumbing (errors, exit codes, output files, JSON), not the learning.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cliIn, scratchDir } from "./helpers.mjs";
import { decode as decodePng } from "fast-png";
import { loadSAE } from "../../dist/index.js";

const dir = scratchDir("cli");
const FAST = ["--folds", "2", "--seeds", "1", "--epochs", "3", "--hidden", "4", "--id-column", "id"];

const cli = cliIn(dir);

// A seeded table of two classes that differ in the first two features: header, then one sample per row.
function table({ samples = 24, features = 6, classes = ["a", "b"] } = {}) {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const header = ["id", ...Array.from({ length: features }, (_, j) => `f${j + 1}`), "label"];
  const rows = Array.from({ length: samples }, (_, i) => {
    const c = i % classes.length;
    const values = Array.from({ length: features }, (_, j) => (random() * 2 + (j < 2 ? 3 * c : 0)).toFixed(4));
    return [`s${i + 1}`, ...values, classes[c]];
  });
  return [header, ...rows];
}

const toCsv = (rows) => rows.map((r) => r.join(",")).join("\n") + "\n";
function write(name, rows) {
  writeFileSync(join(dir, name), typeof rows === "string" ? rows : toCsv(rows));
  return name;
}

// RFC 4180 records: quoted cells may hold commas, quotes ("") and line breaks.
function parseCsv(text) {
  const rows = [[]];
  let cell = "",
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') cell += text[++i];
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") rows.at(-1).push(cell), (cell = "");
    else if (ch === "\n") rows.at(-1).push(cell), (cell = ""), rows.push([]);
    else cell += ch;
  }
  if (rows.at(-1).length === 0 && cell === "") rows.pop();
  return rows;
}

const good = write("good.csv", table());

function rejects(name, args, { status = 1, says }) {
  test(name, () => {
    const out = join(dir, `out-${name.replace(/\W+/g, "-")}`);
    const r = cli("sae", ...FAST, ...args, "--out", out); // args last: they override FAST
    assert.is(r.status, status, r.stderr);
    assert.is(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.is(lines.length, 1, `one line: ${r.stderr}`);
    for (const part of says)
      assert.ok(lines[0].includes(part), `${JSON.stringify(lines[0])} should say ${JSON.stringify(part)}`);
    assert.not.ok(existsSync(out), "nothing written");
  });
}

// Bad input files: exit code 1, the file and where in it.
{
  const t = table();
  rejects(
    "missing label column",
    [
      write(
        "nolabel.csv",
        t.map((r) => r.slice(0, -1)),
      ),
    ],
    { says: ["nolabel.csv", "label"] },
  );
  rejects("label column by another name", [good, "--label-column", "class"], { says: ["good.csv", "class"] });
  const ragged = t.map((r, i) => (i === 5 ? r.slice(0, -2) : r));
  rejects("ragged row", [write("ragged.csv", ragged)], { says: ["ragged.csv", "row 6"] });
  const word = t.map((r, i) => (i === 3 ? r.map((c, j) => (j === 2 ? "abc" : c)) : r));
  rejects("non-numeric cell", [write("word.csv", word)], { says: ["word.csv", "row 4", "column 3", "abc"] });
  const empty = t.map((r, i) => (i === 7 ? r.map((c, j) => (j === 4 ? "" : c)) : r));
  rejects("empty cell", [write("empty.csv", empty)], { says: ["empty.csv", "row 8", "column 5"] });
  rejects("single class", [write("single.csv", table({ classes: ["a"] }))], { says: ["single.csv", '"a"'] });
  const fewB = [t[0], ...t.slice(1).filter((r, i) => r.at(-1) === "a" || i < 4)]; // 2 samples of class b
  rejects("class smaller than the folds", [write("fewb.csv", fewB), "--folds", "3"], {
    says: ["fewb.csv", 'class "b"', "3 folds"],
  });
  rejects("more folds than samples", [write("tiny.csv", table({ samples: 4 })), "--folds", "5"], {
    says: ["tiny.csv", "5 folds", "4 samples"],
  });
  rejects("unreadable file", ["missing.csv"], { says: ["missing.csv", "cannot read"] });
  rejects("a directory for a file", ["."], { says: ["cannot read"] });
}

// Bad command lines: exit code 2, the flag.
rejects("unknown flag", [good, "--fold", "3"], { status: 2, says: ["--fold"] });
rejects("folds below 2", [good, "--folds", "1"], { status: 2, says: ["--folds", '"1"'] });
rejects("radius not a number", [good, "--radius", "0.5,big"], { status: 2, says: ["--radius", '"big"'] });
rejects("unknown projection", [good, "--projection", "l3"], { status: 2, says: ["--projection", '"l3"'] });
rejects("zero epochs in phase 1", [good, "--epochs", "0"], { status: 2, says: ["--epochs"] });
rejects("learning rate zero", [good, "--lr", "0"], { status: 2, says: ["--lr"] });
rejects("rewind both ways", [good, "--rewind", "--no-rewind"], { status: 2, says: ["--rewind", "--no-rewind"] });
rejects("missing file argument", [], { status: 2, says: ["<file>"] });

test("an unknown command: exit code 2", () => {
  const r = cli("train", good);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown command "train"/);
});

test("--help of each command exits 0 and lists the flags", () => {
  for (const args of [["--help"], ["sae", "--help"], ["predict", "-h"], ["generate", "--help"], ["vae", "--help"]]) {
    const r = cli(...args);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage/);
  }
  assert.match(cli("sae", "--help").stdout, /--no-baseline/);
});

test("--radius 0.5x and --projection top-k --keep K: the results name the setting as given", () => {
  const relative = cli("sae", good, ...FAST, "--radius", "0.5x,1", "--no-baseline", "--json");
  assert.is(relative.status, 0, relative.stderr);
  const settings = JSON.parse(relative.stdout).runs.map((run) => [run.projection, run.radius]);
  assert.equal(settings, [
    ["bilevel-l1inf", "0.5x"],
    ["bilevel-l1inf", 1],
  ]);
  const pruned = cli("sae", good, ...FAST, "--projection", "top-k", "--keep", "2");
  assert.is(pruned.status, 0, pruned.stderr);
  assert.match(pruned.stdout, /^none\s+-\s/m);
  assert.match(pruned.stdout, /^top-k\s+keep 2\s/m);
});

test("--json: one JSON document on stdout, in the documented shape", () => {
  const r = cli("sae", good, ...FAST, "--radius", "0.5,1", "--json");
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.file, good);
  assert.is(report.samples, 24);
  assert.is(report.features, 6);
  assert.equal(report.classes, [
    { label: "a", samples: 12 },
    { label: "b", samples: 12 },
  ]);
  assert.equal(
    report.runs.map((run) => [run.projection, run.radius]),
    [
      ["none", null],
      ["bilevel-l1inf", 0.5],
      ["bilevel-l1inf", 1],
    ],
  );
  for (const run of report.runs) {
    assert.is(run.accuracy.folds.length, 2);
    for (const x of [run.accuracy.mean, ...run.accuracy.folds, run.auc.mean, run.f1.mean, run.featureSparsity.mean])
      assert.ok(x >= 0 && x <= 1, `${x} is a fraction`);
    assert.ok(run.accuracy.std >= 0);
    assert.ok(
      Array.isArray(run.selectedFeatures) &&
        run.selectedFeatures.every((f) => typeof f.name === "string" && f.frequency > 0 && f.frequency <= 1),
    );
    assert.ok(run.secondsPerEpoch > 0);
  }
  assert.is(report.model, null, "no model is trained without --out or --save");
  const noBaseline = JSON.parse(cli("sae", good, ...FAST, "--json", "--no-baseline").stdout);
  assert.equal(
    noBaseline.runs.map((run) => run.projection),
    ["bilevel-l1inf"],
  );
});

test("--workers: folds in threads give the same report as on the main thread", () => {
  const runs = (workers) => {
    const r = cli("sae", good, ...FAST, "--radius", "0.5", "--json", "--workers", workers);
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).runs.map(({ secondsPerEpoch: _, ...rest }) => rest);
  };
  assert.equal(runs("2"), runs("1"));
  assert.match(cli("sae", good, "--workers", "0").stderr, /--workers must be an integer ≥ 1/);
});

const out = join(dir, "results");
test("--out writes every documented file, parseable; predict reproduces the saved model", () => {
  const r = cli("sae", good, ...FAST, "--radius", "0.5,2", "--out", out, "--save", "saved.json");
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(out).sort(), [
    "features.csv",
    "latent.svg",
    "loss.svg",
    "metrics.csv",
    "model.json",
    "panel.csv",
    "predictions.csv",
    "radius.svg",
    "results.json",
    "weights.svg",
  ]);
  assert.equal(
    readdirSync(dir).filter((n) => n.includes("partial")),
    [],
    "no staging directory left",
  );
  const csv = (name) => parseCsv(readFileSync(join(out, name), "utf8"));
  const metrics = csv("metrics.csv");
  assert.is(metrics.length, 1 + 3 * 2, "a row per setting × fold");
  const predictions = csv("predictions.csv");
  assert.equal(predictions[0], [
    "projection",
    "radius",
    "seed",
    "fold",
    "sample",
    "label",
    "predicted",
    "confidence",
    "p_a",
    "p_b",
  ]);
  assert.is(predictions.length, 1 + 3 * 24, "each sample once per setting");
  for (const name of ["metrics.csv", "features.csv", "predictions.csv"]) {
    const rows = csv(name);
    assert.ok(
      rows.every((row) => row.length === rows[0].length),
      `${name}: every row as wide as the header`,
    );
  }
  for (const name of ["radius.svg", "loss.svg", "latent.svg", "weights.svg"])
    assert.ok(readFileSync(join(out, name), "utf8").startsWith("<svg"), name);
  // The heat-maps are PNGs (fast-png): two panels of hidden × features pixels and a 256-pixel colour ramp.
  const pngs = [...readFileSync(join(out, "weights.svg"), "utf8").matchAll(/data:image\/png;base64,([^"]+)/g)];
  const sizes = pngs
    .map(([, data]) => decodePng(Buffer.from(data, "base64")))
    .map((png) => `${png.height}×${png.width}×${png.channels}`);
  assert.equal(sizes.sort(), ["1×256×3", "4×6×3", "4×6×3"]);
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  assert.ok(results.model.radius === 0.5 || results.model.radius === 2, "the model uses one of the radii");

  // predict: the same probabilities as the model itself, with the columns in another order.
  const model = loadSAE(readFileSync(join(out, "model.json"), "utf8"));
  const t = table();
  // The saved model is compact: its features (the panel) are some of the table's columns.
  const x = t.slice(1).map((row) => model.info.featureNames.map((name) => Number(row[t[0].indexOf(name)])));
  const expected = model.predictProba(x);
  const shuffled = t.map((row) => [row.at(-1), ...row.slice(1, -1).reverse(), row[0]]);
  const p = cli("predict", join(out, "model.json"), write("shuffled.csv", shuffled), "--id-column", "id", "--json");
  assert.is(p.status, 0, p.stderr);
  const report = JSON.parse(p.stdout);
  assert.is(report.predictions.length, 24);
  report.predictions.forEach((prediction, i) => {
    assert.is(prediction.sample, `s${i + 1}`);
    assert.ok(
      Math.abs(prediction.probabilities.a - expected[2 * i]) < 1e-12 &&
        Math.abs(prediction.probabilities.b - expected[2 * i + 1]) < 1e-12,
      `sample ${i + 1}`,
    );
    assert.is(prediction.predicted, expected[2 * i] > expected[2 * i + 1] ? "a" : "b");
    assert.is(prediction.confidence, Math.max(prediction.probabilities.a, prediction.probabilities.b));
  });
  assert.is(report.accuracy, report.predictions.filter((q) => q.label === q.predicted).length / 24);
  assert.equal(
    JSON.parse(readFileSync(join(dir, "saved.json"), "utf8")),
    JSON.parse(readFileSync(join(out, "model.json"), "utf8")),
    "--save writes the same model",
  );
  const text = cli("predict", "saved.json", good, "--id-column", "id");
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /accuracy: \d+\.\d% \(\d+ of 24 samples\)/);
  // Samples to classify need no label column, and a labelled file may hold one class only.
  const unlabelled = cli(
    "predict",
    "saved.json",
    write(
      "unlabelled.csv",
      t.map((row) => row.slice(0, -1)),
    ),
    "--id-column",
    "id",
    "--json",
  );
  assert.is(unlabelled.status, 0, unlabelled.stderr);
  const plain = JSON.parse(unlabelled.stdout);
  assert.is(plain.accuracy, null);
  assert.equal(
    plain.predictions.map((q) => q.predicted),
    report.predictions.map((q) => q.predicted),
  );
  const oneClass = cli(
    "predict",
    "saved.json",
    write("one-class.csv", [t[0], ...t.slice(1).filter((row) => row.at(-1) === "a")]),
    "--id-column",
    "id",
    "--json",
  );
  assert.is(oneClass.status, 0, oneClass.stderr);
  assert.ok(JSON.parse(oneClass.stdout).predictions.every((q) => q.label === "a"));
  model.dispose();
});

test("--attribution writes the integrated gradients per feature and class", () => {
  const target = join(dir, "explained");
  const r = cli("sae", good, ...FAST, "--attribution", "--out", target);
  assert.is(r.status, 0, r.stderr);
  const rows = parseCsv(readFileSync(join(target, "attribution.csv"), "utf8"));
  assert.equal(rows[0], ["projection", "radius", "feature", "ig_a", "ig_b"]);
  assert.is(rows.length, 1 + 2 * 6, "each feature once per setting (baseline and the projected run)");
  assert.ok(rows.slice(1).every((row) => Number.isFinite(Number(row[3])) && Number.isFinite(Number(row[4]))));
});

test("--out replaces an earlier output, but never a directory of other files", () => {
  const again = cli("sae", good, ...FAST, "--out", out);
  assert.is(again.status, 0, again.stderr);
  assert.not.ok(readdirSync(out).includes("radius.svg"), "one radius: no radius plot, and the old one is gone");
  const mine = join(dir, "mine");
  mkdirSync(mine);
  writeFileSync(join(mine, "notes.txt"), "keep");
  const refused = cli("sae", good, ...FAST, "--out", mine);
  assert.is(refused.status, 1);
  assert.match(refused.stderr, /notes\.txt/);
  assert.equal(readdirSync(mine), ["notes.txt"]);
});

test("generate: CSV samples of every class from the saved model, with acceptance and self-classification rates", () => {
  const r = cli(
    "generate",
    "saved.json",
    good,
    "--id-column",
    "id",
    "--samples",
    "10",
    "--out",
    "generated.csv",
    "--json",
  );
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(
    report.classes.map((c) => c.label),
    ["a", "b"],
  );
  for (const c of report.classes)
    assert.ok(c.acceptanceRate > 0 && c.acceptanceRate <= 1 && c.classifiedAsOwn >= 0 && c.classifiedAsOwn <= 1);
  const rows = parseCsv(readFileSync(join(dir, "generated.csv"), "utf8"));
  assert.equal(rows[0], ["f1", "f2", "f3", "f4", "f5", "f6", "label"]);
  assert.is(rows.length, 1 + 2 * 10);
  assert.ok(rows.slice(1).every((row) => row.slice(0, 6).every((v) => Number.isFinite(Number(v)))));
  const again = cli("generate", "saved.json", good, "--id-column", "id", "--samples", "10", "--json");
  assert.equal(JSON.parse(again.stdout).classes, report.classes, "seeded: the same chains again");
  const other = cli(
    "generate",
    "saved.json",
    write("other-labels.csv", table({ classes: ["a", "z"] })),
    "--id-column",
    "id",
  );
  assert.is(other.status, 1);
  assert.match(other.stderr, /label "z" is not one of the model's classes/);
});

test("vae: trains on the features, reports training and held-out losses, generates rows, seeded", () => {
  const args = [
    "vae",
    good,
    "--id-column",
    "id",
    "--epochs",
    "3",
    "--hidden",
    "4",
    "--latent",
    "2",
    "--samples",
    "5",
    "--json",
  ];
  const r = cli(...args, "--out", "vae-samples.csv", "--save", "vae.json");
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal([report.samples, report.features, report.latent, report.generated], [24, 6, 2, 5]);
  for (const losses of [report.train, report.heldOut])
    assert.ok(["loss", "reconstruction", "latent"].every((k) => Number.isFinite(losses[k])));
  const rows = parseCsv(readFileSync(join(dir, "vae-samples.csv"), "utf8"));
  assert.equal(rows[0], ["f1", "f2", "f3", "f4", "f5", "f6"]);
  assert.is(rows.length, 6);
  assert.is(JSON.parse(readFileSync(join(dir, "vae.json"), "utf8")).latent, 2);
  assert.equal(JSON.parse(cli(...args).stdout).heldOut, report.heldOut, "seeded: the same run again");
  const bad = cli("vae", good, "--output", "softmax");
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--output must be linear or sigmoid/);
});

test("predict: a model feature missing from the table, and a file that is not a model", () => {
  const missing = cli(
    "predict",
    "saved.json",
    write(
      "fewer.csv",
      table().map((r) => r.filter((_, j) => j !== 3)),
    ),
    "--id-column",
    "id",
  );
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /fewer\.csv.*"f3"/);
  const notModel = cli("predict", good, good);
  assert.is(notModel.status, 1);
  assert.match(notModel.stderr, /good\.csv/);
  assert.is(notModel.stderr.trimEnd().split("\n").length, 1);
});

// dna: any file to nucleotides and back, bit-exact; a damaged .dna file is one line naming the file and line.
{
  let state = 99;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Skewed bytes (mostly small values, as in a quantized latent) and every byte value at least once.
  const bytes = Uint8Array.from({ length: 6000 }, (_, i) =>
    i < 256 ? i : Math.min(255, Math.floor(-8 * Math.log(random()))),
  );
  writeFileSync(join(dir, "blob.bin"), bytes);

  test("dna encode / decode: bit-exact round trips for each code, constrained oligos meet both constraints", () => {
    for (const code of ["huffman", "shannon-fano", "shannon"]) {
      for (const constrained of [false, true]) {
        const args = [
          "dna",
          "encode",
          "blob.bin",
          "-o",
          "blob.dna",
          "--code",
          code,
          "--json",
          ...(constrained ? ["--constrained", "--oligo", "150"] : []),
        ];
        const r = cli(...args);
        assert.is(r.status, 0, r.stderr);
        const stats = JSON.parse(r.stdout);
        assert.is(stats.bytes, bytes.length);
        assert.ok(stats.meanLength >= stats.entropy && stats.kraft <= 1 + 1e-12, code);
        if (code !== "shannon-fano") assert.ok(stats.meanLength < stats.entropy + 1, code);
        assert.ok(Math.abs(stats.bitsPerNucleotide - (8 * bytes.length) / stats.nucleotides) < 1e-12);
        const lines = readFileSync(join(dir, "blob.dna"), "utf8").trimEnd().split("\n");
        assert.ok(lines[0].startsWith("#sparseproj-dna 1 {"));
        if (constrained) {
          assert.ok(
            stats.overhead <= 0.05 && stats.longestHomopolymer <= 3 && stats.gc.min >= 0.4 && stats.gc.max <= 0.6,
          );
          for (const line of lines.slice(1)) {
            assert.is(line.length, 150);
            assert.not.ok(/A{4}|C{4}|G{4}|T{4}/.test(line), line);
            const gc = line.replace(/[AT]/g, "").length;
            assert.ok(gc >= 60 && gc <= 90, line);
          }
        }
        const d = cli("dna", "decode", "blob.dna", "-o", "blob.out");
        assert.is(d.status, 0, d.stderr);
        assert.equal(new Uint8Array(readFileSync(join(dir, "blob.out"))), bytes);
      }
    }
    writeFileSync(join(dir, "empty.bin"), "");
    assert.is(cli("dna", "encode", "empty.bin", "-o", "empty.dna").status, 0);
    assert.is(cli("dna", "decode", "empty.dna", "-o", "empty.out").status, 0);
    assert.is(readFileSync(join(dir, "empty.out")).length, 0);
  });

  test(
    "dna decode: corrupt, truncated, " +
      "tampered and non-ACGT files are exit code 1 naming the file and line, nothing written",
    () => {
      assert.is(cli("dna", "encode", "blob.bin", "-o", "good.dna", "--constrained").status, 0);
      const text = readFileSync(join(dir, "good.dna"), "utf8");
      const lines = text.split("\n");
      const edit = (line, change) => lines.map((l, i) => (i === line - 1 ? change(l) : l)).join("\n");
      const flip = (l, at) => l.slice(0, at) + "ACGT"[("ACGT".indexOf(l[at]) + 1) % 4] + l.slice(at + 1);
      const cases = [
        ["non-ACGT", edit(4, (l) => l.slice(0, 7) + "U" + l.slice(8)), /line 4: column 8: "U" is not a nucleotide/],
        ["truncated", lines.slice(0, 6).join("\n") + "\n", /line 7: the file ends after 5 lines/],
        ["cut line", edit(3, (l) => l.slice(0, 120)), /line 3: 120 nucleotides; expected 200/],
        ["tampered crc", edit(1, (l) => l.replace(/"crc32":"[0-9a-f]{8}"/, '"crc32":"00000000"')), /line 1: .*CRC-32/],
        [
          "reordered table",
          edit(1, (l) => l.replace(/"table":\[\[(\d+),\[(\d+),(\d+)/, '"table":[[$1,[$3,$2')),
          /line 1: the table's symbols of length \d+ must increase/,
        ],
        [
          "tampered table",
          edit(1, (l) => {
            // Swap the first symbols of the first two length groups: a valid prefix code, but not the one used.
            const at = l.indexOf("{"),
              header = JSON.parse(l.slice(at));
            [header.table[0][1][0], header.table[1][1][0]] = [header.table[1][1][0], header.table[0][1][0]];
            header.table.forEach(([, symbols]) => symbols.sort((a, b) => a - b));
            return l.slice(0, at) + JSON.stringify(header);
          }),
        ],
        ["substitution", edit(5, (l) => flip(l, 100))],
        ["not a .dna file", "hello\n", /line 1: not a \.dna file/],
      ];
      for (const [name, content, says] of cases) {
        assert.is.not(content, text, `${name}: the edit changed something`);
        writeFileSync(join(dir, "bad.dna"), content);
        const r = cli("dna", "decode", "bad.dna", "-o", "bad.out");
        assert.is(r.status, 1, `${name}: ${r.stderr}`);
        assert.is(r.stdout, "");
        assert.is(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, /^sparseproj dna: bad\.dna: line \d+: /, name);
        if (says) assert.match(r.stderr, says, name);
        assert.not.ok(existsSync(join(dir, "bad.out")), `${name}: nothing written`);
      }
    },
  );

  test(
    "dna encode --integers: a quantized latent (32-bit little-endian words) round trips; " +
      "a ragged file is exit code 1",
    () => {
      // Laplacian-like signed symbols, as a rounded latent holds them, including extreme values.
      const latent = Int32Array.from({ length: 3000 }, (_, i) =>
        i === 0 ? -2147483648 : i === 1 ? 2147483647 : Math.round(Math.log(random()) * (random() < 0.5 ? 2 : -2)),
      );
      writeFileSync(join(dir, "latent.i32"), new Uint8Array(latent.buffer));
      const r = cli("dna", "encode", "latent.i32", "-o", "latent.dna", "--integers", "--constrained", "--json");
      assert.is(r.status, 0, r.stderr);
      const stats = JSON.parse(r.stdout);
      assert.is(stats.alphabet, "integers");
      assert.is(stats.symbols, latent.length);
      assert.is(stats.bitsPerNucleotide, null);
      assert.ok(
        stats.meanLength >= stats.entropy && stats.meanLength < stats.entropy + 1 && stats.longestHomopolymer <= 3,
      );
      assert.is(cli("dna", "decode", "latent.dna", "-o", "latent.out").status, 0);
      assert.equal(new Uint8Array(readFileSync(join(dir, "latent.out"))), new Uint8Array(latent.buffer));
      writeFileSync(join(dir, "ragged.i32"), new Uint8Array(10));
      const bad = cli("dna", "encode", "ragged.i32", "-o", "ragged.dna", "--integers");
      assert.is(bad.status, 1);
      assert.match(bad.stderr, /ragged\.i32.*10 bytes are not a whole number of 32-bit integers/);
      assert.not.ok(existsSync(join(dir, "ragged.dna")));
    },
  );

  test("dna: usage errors are exit code 2", () => {
    for (const args of [
      ["encode", "blob.bin"],
      ["encode", "blob.bin", "-o", "x.dna", "--code", "arithmetic"],
      ["encode", "blob.bin", "-o", "x.dna", "--constrained", "--oligo", "10"],
      ["decode", "good.dna", "-o", "x.out", "--constrained"],
      ["decode", "good.dna", "-o", "x.out", "--integers"],
      ["transcribe", "blob.bin", "-o", "x"],
    ]) {
      const r = cli("dna", ...args);
      assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.not.ok(existsSync(join(dir, "x.dna")) || existsSync(join(dir, "x.out")));
    }
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
