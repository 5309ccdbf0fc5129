// `sparseproj image encode|decode`: a PNG to a .cc stream and back as users run it, the report (--json), and the
// one-line errors for streams that are not .cc, truncated ones, and flags given to the wrong action.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decode, encode } from "fast-png";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertOneLineError, cliIn, scratchDir } from "./helpers.mjs";

const dir = scratchDir("image");
const cli = cliIn(dir);
const width = 20,
  height = 14;
const data = new Uint8Array(width * height * 3);
for (let i = 0; i < data.length; i++) data[i] = (i * 7 + Math.floor(i / 60) * 13) % 256;
writeFileSync(join(dir, "in.png"), encode({ width, height, channels: 3, data }));
// A palette PNG of the same size: read as RGB.
writeFileSync(
  join(dir, "palette.png"),
  encode({
    width,
    height,
    channels: 1,
    depth: 8,
    data: new Uint8Array(width * height).map((_, i) => i % 2),
    palette: [
      [0, 0, 0],
      [255, 128, 0],
    ],
  }),
);

// A 16-bit grayscale PNG: read as 8-bit grayscale.
writeFileSync(
  join(dir, "deep.png"),
  encode({ width, height, channels: 1, depth: 16, data: new Uint16Array(width * height).map((_, i) => i * 199) }),
);

test("encode writes a .cc stream and reports its rate and PSNR; decode writes the PNG", () => {
  const r = cli("image", "encode", "in.png", "-o", "out.cc", "--iterations", "20", "--levels", "2", "--json");
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const bytes = readFileSync(join(dir, "out.cc"));
  assert.is(report.bytes, bytes.length);
  assert.is(report.width, width);
  assert.is(report.channels, 3);
  assert.ok(report.psnr > 5 && report.bitsPerPixel > 0, r.stdout);
  const d = cli("image", "decode", "out.cc", "-o", "back.png");
  assert.is(d.status, 0, d.stderr);
  assert.match(d.stdout, /20 × 14 × 3/);
  const png = decode(readFileSync(join(dir, "back.png")));
  assert.is(png.width, width);
  assert.is(png.height, height);
  assert.is(png.channels, 3);
});

test("encode reads a palette PNG and a sparse decoder is accepted", () => {
  const r = cli(
    "image",
    "encode",
    "palette.png",
    "-o",
    "p.cc",
    "--iterations",
    "6",
    "--levels",
    "2",
    "--sparse",
    "bilevel-l1inf",
    "--rho",
    "0.5",
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /palette\.png: 20 × 14 × 3 → p\.cc/);
  const deep = cli("image", "encode", "deep.png", "-o", "d.cc", "--iterations", "4", "--levels", "2");
  assert.is(deep.status, 0, deep.stderr);
  assert.match(deep.stdout, /deep\.png: 20 × 14 × 1 → d\.cc/);
});

test("streams that are not .cc, or are truncated, are one-line errors naming the file", () => {
  assertOneLineError(cli("image", "decode", "in.png", "-o", "x.png"), /in\.png.*not a \.cc stream/);
  const bytes = readFileSync(join(dir, "out.cc"));
  writeFileSync(join(dir, "cut.cc"), bytes.subarray(0, bytes.length - 3));
  assertOneLineError(cli("image", "decode", "cut.cc", "-o", "x.png"), /cut\.cc.*truncated or corrupted/);
  assertOneLineError(cli("image", "decode", "out.cc", "-o", "x.png", "--max-pixels", "10"), /maxPixels/);
  assertOneLineError(cli("image", "encode", "missing.png", "-o", "x.cc"), /missing\.png/);
  writeFileSync(join(dir, "text.png"), "hello");
  assertOneLineError(cli("image", "encode", "text.png", "-o", "x.cc"), /text\.png.*not a readable PNG/);
});

test("usage errors exit 2", () => {
  for (const args of [
    ["image", "encode", "in.png"],
    ["image", "decode", "out.cc", "-o", "x.png", "--lambda", "0.1"],
    ["image", "encode", "in.png", "-o", "x.cc", "--sparse", "l1"],
    ["image", "encode", "in.png", "-o", "x.cc", "--rho", "0.5"],
    ["image", "encode", "in.png", "-o", "x.cc", "--max-pixels", "5"],
    ["image", "squash", "in.png", "-o", "x.cc"],
  ]) {
    const r = cli(...args);
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
  }
  assert.match(cli("image", "--help").stdout, /--lambda L/);
});

test.run();
