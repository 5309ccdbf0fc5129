// `sparseproj image encode --descriptions 2` and `image decode` of one or both MDC descriptions, as users run it:
// the two files, their report, the side and central PNGs, and one-line errors for damaged, foreign and mismatched
// descriptions.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decode, encode } from "fast-png";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeImageMdc } from "../../dist/index.js";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("image-mdc");
const cli = cliIn(dir);
const width = 20,
  height = 14;
const data = new Uint8Array(width * height);
for (let i = 0; i < data.length; i++) data[i] = (i * 5 + Math.floor(i / 40) * 17) % 256;
writeFileSync(join(dir, "in.png"), encode({ width, height, channels: 1, data }));
const encodeArgs = ["--iterations", "20", "--levels", "2", "--descriptions", "2"];

test("encode --descriptions 2 writes out.1.cc and out.2.cc; decode takes either or both", () => {
  const r = cli("image", "encode", "in.png", "-o", "out.cc", ...encodeArgs, "--json");
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const streams = ["out.1.cc", "out.2.cc"].map((f) => new Uint8Array(readFileSync(join(dir, f))));
  assert.equal(
    report.descriptions.map((d) => [d.out, d.bytes]),
    [
      ["out.1.cc", streams[0].length],
      ["out.2.cc", streams[1].length],
    ],
  );
  assert.ok(!existsSync(join(dir, "out.cc")));
  // Each decode writes the PNG of what the library decodes from the same files.
  for (const [files, expected] of [
    [["out.1.cc"], decodeImageMdc([streams[0]])],
    [["out.2.cc"], decodeImageMdc([streams[1]])],
    [["out.2.cc", "out.1.cc"], decodeImageMdc(streams)],
  ]) {
    const d = cli("image", "decode", ...files, "-o", "back.png");
    assert.is(d.status, 0, d.stderr);
    assert.match(d.stdout, files.length === 2 ? /central/ : /one description/);
    const png = decode(readFileSync(join(dir, "back.png")));
    assert.equal([png.width, png.height, png.channels], [width, height, 1]);
    assert.equal(new Uint8Array(png.data), expected.data);
  }
  const plain = cli("image", "encode", "in.png", "-o", "noext", ...encodeArgs);
  assert.is(plain.status, 0, plain.stderr);
  assert.ok(existsSync(join(dir, "noext.1")) && existsSync(join(dir, "noext.2")));
  assert.match(plain.stdout, /noext\.1: .*bpp, PSNR .* alone/);
  assert.match(plain.stdout, /both: .*bpp, PSNR/);
});

test("damaged, foreign and mismatched descriptions are one-line errors naming the files", () => {
  const one = readFileSync(join(dir, "out.1.cc"));
  writeFileSync(join(dir, "cut.1.cc"), one.subarray(0, one.length - 3));
  assertOneLineError(cli("image", "decode", "cut.1.cc", "-o", "x.png"), /cut\.1\.cc.*truncated or corrupted/);
  assertOneLineError(cli("image", "decode", "out.2.cc", "cut.1.cc", "-o", "x.png"), /cut\.1\.cc/);
  assertOneLineError(cli("image", "decode", "out.1.cc", "in.png", "-o", "x.png"), /in\.png.*not an MDC/);
  const r = cli("image", "encode", "in.png", "-o", "other.cc", ...encodeArgs, "--seed", "5");
  assert.is(r.status, 0, r.stderr);
  assertOneLineError(
    cli("image", "decode", "out.1.cc", "other.2.cc", "-o", "x.png"),
    /out\.1\.cc and other\.2\.cc: they come from different encodings/,
  );
  assertOneLineError(cli("image", "decode", "out.1.cc", "other.1.cc", "-o", "x.png"), /both files are description 1/);
  assert.ok(!existsSync(join(dir, "x.png")));
});

test("usage errors exit 2", () => {
  for (const args of [
    ["image", "encode", "in.png", "-o", "x.cc", "--descriptions", "3"],
    ["image", "encode", "in.png", "-o", "-", "--descriptions", "2"],
    ["image", "decode", "out.1.cc", "-o", "x.png", "--descriptions", "2"],
    ["image", "encode", "in.png", "in.png", "-o", "x.cc"],
    ["image", "decode", "out.1.cc", "out.2.cc", "out.1.cc", "-o", "x.png"],
  ]) {
    const r = cli(...args);
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
  }
  assert.match(cli("image", "--help").stdout, /--descriptions N/);
});

test.run();
