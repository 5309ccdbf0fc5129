// `sparseproj dna encode --storage`, `dna simulate` and `dna decode` of reads: files through the simulated channel
// and back, reads shuffled and duplicated in FASTQ, FASTA and text, too many losses as one line with the count,
// hostile reads files, misplaced flags. Node only, like dna.test.mjs.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertOneLineError, cliIn, randomBytes, scratchDir } from "./helpers.mjs";

const dir = scratchDir("cli-dna-storage");
const cli = cliIn(dir);

// 1% substitutions, 0.1% insertions and deletions, 2% of the oligos lost, 10 reads per oligo on average.
const CHANNEL = ["--coverage", "10", "--sub", "0.01", "--ins", "0.001", "--del", "0.001", "--dropout", "0.02"];
const read = (name) => readFileSync(join(dir, name));
const ok = (r) => assert.is(r.status, 0, r.stderr);

test("encode --storage → simulate (1% substitutions, indels, 2% dropout) → decode gives the file back", () => {
  const bytes = randomBytes(12_000, 1);
  writeFileSync(join(dir, "a.bin"), bytes);
  const primers = "ACGTACGTAC,GTCAGTCAGT";
  ok(cli("dna", "encode", "a.bin", "-o", "a.dna", "--storage", "--primers", primers, "--redundancy", "0.15"));
  const lines = read("a.dna").toString().trimEnd().split("\n");
  assert.match(lines[0], /^#sparseproj-dna 2 \{"format":"oligos"/);
  assert.ok(
    lines.slice(1).every((line) => /^ACGTACGTAC[ACGT]+GTCAGTCAGT$/.test(line) && !/(A{4}|C{4}|G{4}|T{4})/.test(line)),
  );
  for (const [seed, out] of [
    [1, "r.fastq"],
    [2, "r.fasta"],
    [3, "r.txt"],
  ]) {
    ok(cli("dna", "simulate", "a.dna", "-o", out, ...CHANNEL, "--seed", String(seed)));
    const d = cli("dna", "decode", out, "-o", `${out}.out`, "--primers", primers, "--json");
    ok(d);
    assert.ok(Buffer.from(bytes).equals(read(`${out}.out`)), out);
    const report = JSON.parse(d.stdout);
    assert.is(report.bytes, bytes.length);
    assert.ok(report.oligosFound < report.oligosTotal, "some oligos were lost and rebuilt");
  }
  // The container itself decodes (its header names the primers); the seed makes the channel repeatable.
  ok(cli("dna", "decode", "a.dna", "-o", "c.out"));
  assert.ok(Buffer.from(bytes).equals(read("c.out")));
  ok(cli("dna", "simulate", "a.dna", "-o", "again.fastq", ...CHANNEL, "--seed", "1"));
  assert.ok(read("again.fastq").equals(read("r.fastq")));
});

test("reads shuffled and duplicated decode; a one-byte file gives oligos and comes back", () => {
  writeFileSync(join(dir, "one.bin"), Uint8Array.of(42));
  ok(cli("dna", "encode", "one.bin", "-o", "one.dna", "--storage"));
  const oligos = read("one.dna").toString().trimEnd().split("\n").slice(1);
  assert.ok(oligos.length > 4);
  const reads = [...oligos, ...oligos].reverse();
  writeFileSync(join(dir, "one.txt"), reads.join("\n") + "\n");
  ok(cli("dna", "decode", "one.txt", "-o", "one.out"));
  assert.equal([...read("one.out")], [42]);
});

test("too many lost oligos: one line with how many are missing, nothing written", () => {
  writeFileSync(join(dir, "b.bin"), randomBytes(10_000, 2));
  ok(cli("dna", "encode", "b.bin", "-o", "b.dna", "--storage"));
  ok(cli("dna", "simulate", "b.dna", "-o", "b.fastq", "--coverage", "2", "--dropout", "0.4", "--seed", "5"));
  const r = cli("dna", "decode", "b.fastq", "-o", "b.out");
  assertOneLineError(r, /b\.fastq: \d+ of \d+ oligos have no decodable read, \d+ more than the outer code recovers/);
  assert.not.ok(existsSync(join(dir, "b.out")));
});

test("hostile reads files are one-line errors; misplaced flags are usage errors", () => {
  writeFileSync(join(dir, "bad.fastq"), "@r1\nACGT\n+\nII\n");
  assertOneLineError(cli("dna", "decode", "bad.fastq", "-o", "x"), /bad\.fastq: line 4: 2 quality characters/);
  writeFileSync(join(dir, "junk.txt"), `${"ACGT".repeat(40)}\n`.repeat(100) + "N".repeat(10_000) + "\n");
  assertOneLineError(cli("dna", "decode", "junk.txt", "-o", "x"), /junk\.txt: no metadata oligo decodes/);
  writeFileSync(join(dir, "empty.txt"), "");
  assertOneLineError(cli("dna", "decode", "empty.txt", "-o", "x"), /none of the 0 reads has the length of an oligo/);
  assert.not.ok(existsSync(join(dir, "x")));
  const usage = (args, pattern) => {
    const r = cli(...args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
  };
  usage(["dna", "decode", "one.dna", "-o", "x", "--coverage", "3"], /--coverage is a simulate flag/);
  usage(["dna", "encode", "one.bin", "-o", "x", "--storage", "--oligo", "100"], /--oligo is not a --storage flag/);
  usage(["dna", "encode", "one.bin", "-o", "x", "--payload", "20"], /--payload is a --storage flag/);
  usage(["dna", "encode", "one.bin", "-o", "x", "--storage", "--primers", "AAAAAC,"], /--primers' left primer must/);
  usage(["dna", "encode", "one.bin", "-o", "x", "--storage", "--payload", "100"], /--payload must be an integer in/);
  usage(["dna", "simulate", "one.dna", "-o", "x", "--sub", "2"], /--sub must be a number in 0\.\.1/);
  usage(["dna", "compress", "one.bin", "-o", "x"], /the dna actions are encode, decode and simulate/);
});

test("the original .dna text (version 1) still decodes", () => {
  writeFileSync(join(dir, "v1.bin"), randomBytes(5000, 3));
  ok(cli("dna", "encode", "v1.bin", "-o", "v1.dna", "--constrained"));
  ok(cli("dna", "decode", "v1.dna", "-o", "v1.out"));
  assert.ok(read("v1.bin").equals(read("v1.out")));
});

test.run();
