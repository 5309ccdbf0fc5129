// `sparseproj dna` at the sizes and limits a hostile user reaches: files of megabytes, oligo lengths at both ends
// of the range, and .dna files whose header claims more than their nucleotides hold. Node only, like cli.test.mjs.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertCpuWithin, cliCpuIn, cliIn, randomBytes, scratchDir } from "./helpers.mjs";
import { crc32 } from "../../dist/index.js";

const root = new URL("../../", import.meta.url).pathname;
const dir = scratchDir("cli-dna");

const cli = cliIn(dir);
const cliCpu = cliCpuIn(dir);

function roundTrip(name, bytes, ...flags) {
  writeFileSync(join(dir, name), bytes);
  const e = cli("dna", "encode", name, "-o", `${name}.dna`, ...flags);
  assert.is(e.status, 0, e.stderr);
  const d = cli("dna", "decode", `${name}.dna`, "-o", `${name}.out`);
  assert.is(d.status, 0, d.stderr);
  assert.ok(
    Buffer.from(bytes).equals(readFileSync(join(dir, `${name}.out`))),
    `${name} ${flags.join(" ")}: not the same bytes`,
  );
}

test("dna encode / decode: an 8 MB file round trips (no spread of a data-sized array into a call)", () => {
  roundTrip("big.bin", randomBytes(8 << 20, 1));
});

test("dna encode / decode: a 750 kB file in 20-nt lines, and constrained 20-nt oligos, round trips", () => {
  roundTrip("lines.bin", randomBytes(750_000, 2), "--oligo", "20");
  roundTrip("oligos.bin", randomBytes(750_000, 3), "--oligo", "20", "--constrained");
});

test("dna encode --constrained: --oligo outside 20..200 is refused before encoding, one line naming the flag", () => {
  writeFileSync(join(dir, "small.bin"), randomBytes(20_000, 4));
  for (const oligo of ["19", "201", "1000"]) {
    const r = cli("dna", "encode", "small.bin", "-o", "small.dna", "--constrained", "--oligo", oligo);
    assert.is(r.status, 2, `--oligo ${oligo}: ${r.stderr}`);
    assert.is(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^sparseproj dna: --oligo must be an integer in 20\.\.200 with --constrained; got "\d+"/);
    assert.not.ok(existsSync(join(dir, "small.dna")));
  }
  assert.match(cli("dna", "--help").stdout, /--oligo N .*20–200 with --constrained/);
  roundTrip("small.bin", randomBytes(20_000, 4), "--oligo", "200", "--constrained");
});

/** Runs the CLI in this process's child and also returns its peak resident memory in MB. */
function cliMemory(...args) {
  const script = `import { run } from ${JSON.stringify(`${root}dist/cli.js`)};
    process.exitCode = await run(${JSON.stringify(args)});
    process.stderr.write("maxRSS " + process.resourceUsage().maxRSS / 1024 + "\\n");`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
  const rss = Number(/maxRSS ([\d.]+)/.exec(r.stderr)?.[1]);
  return { status: r.status, stderr: r.stderr.replace(/maxRSS .*\n/, ""), rss };
}

/** A .dna file of one symbol (an empty codeword: no nucleotide lines) whose header claims `symbols` of them. */
function oneSymbolFile(name, symbols, crc) {
  const e = cli("dna", "encode", write("one.bin", new Uint8Array(3).fill(9)), "-o", "one.dna");
  assert.is(e.status, 0, e.stderr);
  const text = readFileSync(join(dir, "one.dna"), "utf8");
  const at = text.indexOf("{"),
    header = JSON.parse(text.slice(at));
  writeFileSync(join(dir, name), text.slice(0, at) + JSON.stringify({ ...header, symbols, crc32: crc }) + "\n");
  return name;
}

function write(name, bytes) {
  writeFileSync(join(dir, name), bytes);
  return name;
}

function refused(r, says) {
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, says);
  assert.not.ok(existsSync(join(dir, "bomb.out")), "nothing written");
}

test("dna decode: a 2^31 − 1-symbol claim is refused at once, naming --max-size", () => {
  const r = cliCpu("dna", "decode", oneSymbolFile("bomb.dna", 2 ** 31 - 1, "00000000"), "-o", "bomb.out");
  refused(r, /^sparseproj dna: bomb\.dna: line 1: "symbols" .* over --max-size 1073741824/);
  // CPU in units of `--help`'s (0.43 s): this refusal is 1.2; streaming a 2^28-symbol claim's CRC took 1.2 s (0.77
  // s over node's start), so the 2^31 − 1 one's would take ~6 s, ~15 units.
  assertCpuWithin(r, 4, "refusing a 2^31 − 1-symbol claim");
});

test("dna decode: a 256 MiB claim with a wrong CRC is refused without allocating it", () => {
  const r = cliMemory("dna", "decode", oneSymbolFile("bomb.dna", 2 ** 28, "00000000"), "-o", "bomb.out");
  refused(r, /^sparseproj dna: bomb\.dna: line 1: the decoded data's CRC-32/);
  assert.ok(r.rss < 200, `peak memory ${r.rss} MB`);
});

test("dna decode --max-size: a one-symbol file decodes up to the limit, and is refused past it", () => {
  const n = 1 << 24;
  const file = oneSymbolFile("many.dna", n, crc32(new Uint8Array(n).fill(9)).toString(16).padStart(8, "0"));
  const over = cli("dna", "decode", file, "-o", "bomb.out", "--max-size", String(n - 1));
  refused(over, /line 1: .* over --max-size 16777215/);
  const d = cli("dna", "decode", file, "-o", "many.out", "--max-size", String(n));
  assert.is(d.status, 0, d.stderr);
  assert.ok(readFileSync(join(dir, "many.out")).equals(Buffer.alloc(n, 9)));
  for (const args of [
    ["--max-size", "-1"],
    ["--max-size", "1e9"],
    ["--max-size", ""],
  ]) {
    assert.is(cli("dna", "decode", file, "-o", "bomb.out", ...args).status, 2, args.join(" "));
  }
  const e = cli("dna", "encode", "one.bin", "-o", "x.dna", "--max-size", "10");
  assert.is(e.status, 2);
  assert.match(e.stderr, /--max-size is a decode flag/);
  assert.match(cli("dna", "--help").stdout, /--max-size BYTES .*1073741824/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test("dna encode: a file whose .dna text would pass the longest JavaScript string is refused, naming it", () => {
  // 140 MB of every byte value: 4 nucleotides a byte, 590 million characters of text, over V8's 2^29 − 24.
  const big = new Uint8Array(140 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = i & 255;
  const r = cli("dna", "encode", write("big.bin", big), "-o", "big.dna");
  rmSync(join(dir, "big.bin"));
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^sparseproj dna: big\.bin: its \.dna text would hold 590138613 characters, more than/);
  assert.not.ok(existsSync(join(dir, "big.dna")), "nothing written");
});

test.run();
