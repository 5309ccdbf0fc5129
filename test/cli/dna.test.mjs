// `sparseproj dna` at the sizes and limits a hostile user reaches: files of megabytes, oligo lengths at both ends
// of the range, and .dna files whose header claims more than their nucleotides hold. Node only, like cli.test.mjs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "sparseproj-cli-dna-"));

function cli(...args) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [`${root}dist/cli.js`, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status, stdout, stderr };
}

/** Seeded random bytes (a 32-bit xorshift), so a failure can be replayed. */
function randomBytes(n, seed) {
  const bytes = new Uint8Array(n);
  let s = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13, s ^= s >>> 17, s ^= s << 5;
    bytes[i] = s & 0xff;
  }
  return bytes;
}

function roundTrip(name, bytes, ...flags) {
  writeFileSync(join(dir, name), bytes);
  const e = cli("dna", "encode", name, "-o", `${name}.dna`, ...flags);
  assert.is(e.status, 0, e.stderr);
  const d = cli("dna", "decode", `${name}.dna`, "-o", `${name}.out`);
  assert.is(d.status, 0, d.stderr);
  assert.ok(Buffer.from(bytes).equals(readFileSync(join(dir, `${name}.out`))), `${name} ${flags.join(" ")}: not the same bytes`);
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
  for (const oligo of ["19", "201", "300", "1000"]) {
    const r = cli("dna", "encode", "small.bin", "-o", "small.dna", "--constrained", "--oligo", oligo);
    assert.is(r.status, 2, `--oligo ${oligo}: ${r.stderr}`);
    assert.is(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^sparseproj dna: --oligo must be an integer in 20\.\.200 with --constrained; got "\d+"/);
    assert.not.ok(existsSync(join(dir, "small.dna")));
  }
  assert.match(cli("dna", "--help").stdout, /--oligo N .*20–200 with --constrained/);
  roundTrip("small.bin", randomBytes(20_000, 4), "--oligo", "200", "--constrained");
  roundTrip("small.bin", randomBytes(20_000, 4), "--oligo", "1000");
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
