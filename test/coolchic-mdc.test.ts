// Cool-chic-lite multiple-description coding: each description decodes alone (to exactly what its inner .cc stream
// decodes to) and both decode better together, in either order; a committed pair encoded in Node decodes to the same
// pixels in every runtime; damaged, foreign and mismatched streams are refused; the MDC distortion's gradient
// against float64 finite differences.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  CorruptStreamError,
  crc32,
  decodeImage,
  decodeImageMdc,
  encodeImage,
  encodeImageMdc,
  Generator,
  readMdcHeader,
} from "../src/index.ts";
import { mdcDistortion } from "../src/coolchic/mdc.ts";
import { COOLCHIC_MDC_FIXTURE } from "./fixtures/coolchic-mdc-fixture.ts";
import { gradcheck, randomTensor } from "./gradcheck.ts";

const test = suite("coolchic-mdc: two descriptions, alone and together");

/** A smooth ramp with a disc: something a small decoder can learn in a few steps. */
function synthetic(width: number, height: number, channels: number): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < height; i++)
    for (let j = 0; j < width; j++)
      for (let c = 0; c < channels; c++) {
        const disc = (i - height / 2) ** 2 + (j - width / 2) ** 2 < (width * width) / 12 ? 70 : 0;
        data[(i * width + j) * channels + c] = Math.min(255, 30 + 5 * i + 4 * j * (c + 1) + disc);
      }
  return data;
}

const psnr = (a: Uint8Array, b: Uint8Array) => {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
};

/** The inner .cc stream of a description: after the 10-byte MDC header, before its CRC-32. */
const inner = (d: Uint8Array) => d.subarray(10, d.length - 4);

/** Recomputes a description's CRC-32 after an edit, so that only the field edited is wrong. */
function resealed(d: Uint8Array, edit: (bytes: Uint8Array) => void): Uint8Array {
  const out = d.slice();
  edit(out);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)));
  return out;
}

const image = { width: 24, height: 16, channels: 1 as const, data: synthetic(24, 16, 1) };
const [one, two] = encodeImageMdc(image, { lambda: 1e-3, iterations: 150, levels: 3, seed: 3 });

test("each description decodes alone to its inner .cc stream's pixels; both together do better, in either order", () => {
  const side1 = decodeImageMdc([one]),
    side2 = decodeImageMdc([two]);
  assert.equal(side1, decodeImage(inner(one)));
  assert.equal(side2, decodeImage(inner(two)));
  const central = decodeImageMdc([one, two]);
  assert.equal(decodeImageMdc([two, one]), central);
  assert.equal(decodeImageMdc([one, two]), central);
  assert.is(central.width, 24);
  assert.is(central.channels, 1);
  const [p1, p2, pc] = [side1, side2, central].map((d) => psnr(d.data, image.data));
  // The untrained synthesis gives a flat grey (about 10 dB here); the joint fit makes the mean of the sides better
  // than either side.
  assert.ok(p1 > 20 && p2 > 20, `side PSNR ${p1}, ${p2}`);
  assert.ok(pc > Math.max(p1, p2), `central ${pc} against sides ${p1}, ${p2}`);
  const h1 = readMdcHeader(one),
    h2 = readMdcHeader(two);
  assert.is(h1.description, 1);
  assert.is(h2.description, 2);
  assert.is(h1.descriptions, 2);
  assert.is(h1.pairTag, h2.pairTag);
  assert.equal(h1.stream.keptGrids, [0, 1, 2]);
});

test("the same seed gives the same descriptions; the sides' rates are each a whole stream's", () => {
  const [a, b] = encodeImageMdc(image, { lambda: 1e-3, iterations: 150, levels: 3, seed: 3 });
  assert.equal(a, one);
  assert.equal(b, two);
  // A description carries a whole decoder and latent: about what a single description of the image costs.
  const single = encodeImage(image, { lambda: 1e-3, iterations: 150, levels: 3, seed: 3 });
  for (const d of [a, b]) assert.ok(d.length > 0.5 * single.length && d.length < 2 * single.length);
});

test("double descent on both decoders removes groups and both descriptions still decode", () => {
  const [a, b] = encodeImageMdc(
    { width: 16, height: 16, channels: 1, data: synthetic(16, 16, 1) },
    { lambda: 1e-3, iterations: 60, levels: 4, sparse: { kind: "bilevelL1Inf", rho: 0.05, iterations: 30 } },
  );
  for (const d of [a, b]) {
    const h = readMdcHeader(d).stream;
    assert.ok(h.keptGrids.length + h.keptContext.length <= 4 + 12 - 4, JSON.stringify(h));
  }
  const central = decodeImageMdc([a, b]);
  assert.ok(psnr(central.data, synthetic(16, 16, 1)) > 15);
});

test("the committed MDC pair (encoded in Node) decodes to the same pixels here, alone and together", () => {
  const [a, b] = COOLCHIC_MDC_FIXTURE.streams.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
  const decoded = [[a], [b], [a, b]].map((d) => decodeImageMdc(d));
  for (const d of decoded) {
    assert.is(d.width, COOLCHIC_MDC_FIXTURE.width);
    assert.is(d.height, COOLCHIC_MDC_FIXTURE.height);
  }
  assert.equal(
    decoded.map((d) => crc32(d.data)),
    COOLCHIC_MDC_FIXTURE.pixelsCrc32,
  );
});

test("damaged, foreign and mismatched descriptions are refused", () => {
  const corrupt = (descriptions: Uint8Array[], pattern?: RegExp) =>
    assert.throws(
      () => decodeImageMdc(descriptions),
      (e: unknown) => e instanceof CorruptStreamError && (!pattern || pattern.test((e as Error).message)),
    );
  for (const cut of [0, 3, 9, 12, one.length - 5, one.length - 1]) {
    corrupt([one.subarray(0, cut)]);
    corrupt([two, one.subarray(0, cut)]);
  }
  const g = new Generator(11);
  for (let i = 0; i < 30; i++) {
    const damaged = one.slice();
    damaged[g.int(damaged.length)] ^= 1 + g.int(255);
    corrupt([damaged]);
    corrupt([damaged, two]);
  }
  corrupt([encodeImage(image, { iterations: 5, levels: 2 })], /single-description/);
  corrupt([new TextEncoder().encode("not an image at all, not at all")], /CCM/);
  corrupt([resealed(one, (d) => (d[4] = 3))], /description 3 of 2/);
  corrupt([resealed(one, (d) => (d[5] = 3))], /of 3/);
  // A damaged inner stream under a valid wrapper: the inner CRC catches it.
  corrupt([resealed(one, (d) => (d[20] ^= 4))], /inner stream/);
  // Two descriptions of different encodings, the same description twice, a forged pair tag.
  const [other1, other2] = encodeImageMdc(image, { lambda: 1e-3, iterations: 5, levels: 3, seed: 4 });
  assert.throws(() => decodeImageMdc([one, other2]), /different encodings/);
  assert.throws(() => decodeImageMdc([other1, two]), RangeError);
  assert.throws(() => decodeImageMdc([one, one]), /both streams are description 1/);
  const forged = resealed(other2, (d) => d.set(one.subarray(6, 10), 6));
  assert.throws(() => decodeImageMdc([one, forged]), /different encodings/);
  // A crafted pair whose tag matches but whose halves are images of different shapes.
  const wider = inner(encodeImageMdc({ ...image, width: 16, data: image.data.subarray(0, 256) }, { iterations: 3 })[1]);
  const both = new Uint8Array(inner(one).length + wider.length);
  both.set(inner(one));
  both.set(wider, inner(one).length);
  const tag = crc32(both);
  const crafted = [inner(one), wider].map((stream, i) => {
    const out = new Uint8Array(14 + stream.length);
    out.set([0x43, 0x43, 0x4d, 1, i + 1, 2]);
    out.set(stream, 10);
    return resealed(out, (d) => new DataView(d.buffer).setUint32(6, tag));
  });
  assert.throws(() => decodeImageMdc(crafted), /different shapes/);
});

test("bad arguments name themselves", () => {
  assert.throws(() => decodeImageMdc([]), TypeError);
  assert.throws(() => decodeImageMdc([one, two, one]), /one or two/);
  assert.throws(() => decodeImageMdc(one as unknown as Uint8Array[]), TypeError);
  assert.throws(() => decodeImageMdc(["x" as unknown as Uint8Array]), /descriptions\[0\] must be a Uint8Array/);
  assert.throws(() => decodeImageMdc([one], { maxPixels: 10 }), /maxPixels/);
  assert.throws(() => readMdcHeader(inner(one)), /single-description/);
  const small = { width: 4, height: 4, channels: 1 as const, data: new Uint8Array(16) };
  assert.throws(() => encodeImageMdc(small, { sideWeight: -1 }), /sideWeight/);
  assert.throws(() => encodeImageMdc(small, { sideWeight: Number.NaN }), /sideWeight/);
  assert.throws(() => encodeImageMdc(small, { lambda: -1 }), /encodeImageMdc: lambda/);
  assert.throws(() => encodeImageMdc({ ...small, data: new Uint8Array(15) }), /encodeImageMdc: image.data/);
  assert.throws(() => encodeImageMdc(small, { sparse: { rho: 0.5, kind: "l1" } }), /encodeImageMdc: sparse.kind/);
});

test("the MDC distortion's gradient against finite differences (float64)", () => {
  const g = new Generator(6);
  const random = () => g.random();
  const inputs = [randomTensor(random, [2, 5]), randomTensor(random, [2, 5]), randomTensor(random, [2, 5])];
  for (const w of [0, 0.5, 2])
    gradcheck(`mdcDistortion w=${w}`, (t) => mdcDistortion(t[0], t[1], t[2], w).distortion, inputs);
  // The central term is the MSE of the mean: with equal sides it is each side's MSE.
  const { central, d1 } = mdcDistortion(inputs[0], inputs[0], inputs[2], 1);
  assert.ok(Math.abs(central.item() - d1.item()) < 1e-12);
});

test.run();
