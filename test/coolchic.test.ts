// Cool-chic-lite: the deterministic exp/log₂ against the host's, the rANS coder against the ideal code length and
// on damaged streams, the Laplace rate and the pyramid ops against references and float64 finite differences, and
// the codec end to end: a fit that learns, streams that decode the same everywhere (a committed fixture made in
// Node, decoded in every runtime), and truncated or corrupted streams refused.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  crc32,
  CorruptStreamError,
  decodeImage,
  encodeImage,
  Generator,
  kernelVariant,
  readCoolChicHeader,
} from "../src/index.ts";
import { detExp, detLog2 } from "../src/coolchic/detmath.ts";
import { cumulative, decodeSymbol, encodeSymbol, laplaceRate, laplaceScale } from "../src/coolchic/laplace.ts";
import { causalOffsets, gatherPadded, pyramid, upsamplePyramid } from "../src/coolchic/pyramid.ts";
import { PROB_SCALE, RansDecoder, RansEncoder } from "../src/coolchic/rans.ts";
import { fitModel } from "../src/coolchic/model.ts";
import { softRound } from "../src/coolchic/softround.ts";
import {
  Arm,
  forEachLatent,
  parameterShapes,
  synthesize,
  type NetworkShape,
  type Weights,
} from "../src/coolchic/network.ts";
import { COOLCHIC_FIXTURE } from "./fixtures/coolchic-fixture.ts";
import { gradcheck, randomTensor, scalarize } from "./gradcheck.ts";
import { fingerprintsOf } from "./helpers.ts";
import { tensor } from "../src/index.ts";

const test = suite("coolchic: entropy coder, Laplace rate, pyramid ops, codec");

test("detExp and detLog2 agree with the host's exp and log2 to a few ulps", () => {
  const g = new Generator(1);
  for (let i = 0; i < 2000; i++) {
    const x = g.uniform(-60, 5);
    const e = detExp(x);
    assert.ok(Math.abs(e - Math.exp(x)) <= 4e-16 * Math.exp(x), `exp(${x})`);
    const y = Math.exp(g.uniform(-700, 700));
    assert.ok(Math.abs(detLog2(y) - Math.log2(y)) <= 1e-15 * Math.max(1, Math.abs(Math.log2(y))), `log2(${y})`);
  }
  assert.is(detExp(0), 1);
  assert.is(detExp(-800), 0);
  assert.is(detLog2(1), 0);
  assert.is(detLog2(1024), 10);
  assert.is(detLog2(0), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(detLog2(-1)) && Number.isNaN(detExp(Number.NaN)));
  assert.ok(Math.abs(detLog2(5e-324) + 1074) < 1e-12);
});

/** A random frequency table of total 2^16 over n symbols (every frequency ≥ 1), as cumulative starts. */
function randomTable(g: Generator, n: number): Int32Array {
  const weights = Array.from({ length: n }, () => g.random() ** 4);
  const total = weights.reduce((a, b) => a + b, 0);
  const freq = weights.map((w) => 1 + Math.floor((w / total) * (PROB_SCALE - n)));
  freq[0] += PROB_SCALE - freq.reduce((a, b) => a + b, 0);
  const cum = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + freq[i];
  return cum;
}

test("rANS round trip on random tables; its length is within 0.1 % of Σ −log₂ P", () => {
  const g = new Generator(2);
  for (let trial = 0; trial < 6; trial++) {
    const tables = Array.from({ length: 5 }, () => randomTable(g, 2 + g.int(300)));
    const n = 40000;
    const picks = new Int32Array(n),
      symbols = new Int32Array(n);
    const encoder = new RansEncoder();
    let ideal = 0;
    for (let i = 0; i < n; i++) {
      const cum = tables[(picks[i] = g.int(tables.length))];
      // Draw from the table itself, so the ideal length is the entropy the coder should reach.
      const slot = g.int(PROB_SCALE);
      let s = 0;
      while (cum[s + 1] <= slot) s++;
      symbols[i] = s;
      const freq = cum[s + 1] - cum[s];
      ideal += Math.log2(PROB_SCALE / freq);
      encoder.put(cum[s], freq);
    }
    const bytes = encoder.finish();
    assert.ok(bytes.length * 8 <= ideal * 1.001 + 32, `${bytes.length * 8} bits for an ideal ${ideal.toFixed(0)}`);
    const decoder = new RansDecoder(bytes);
    for (let i = 0; i < n; i++) {
      const cum = tables[picks[i]];
      const slot = decoder.peek();
      let s = 0;
      while (cum[s + 1] <= slot) s++;
      assert.is(s, symbols[i]);
      decoder.advance(cum[s], cum[s + 1] - cum[s]);
    }
    decoder.finish();
  }
});

test("rANS refuses truncated and corrupted streams and bad intervals", () => {
  const g = new Generator(3);
  const cum = randomTable(g, 20);
  const symbols = Array.from({ length: 3000 }, () => g.int(20));
  const encoder = new RansEncoder();
  for (const s of symbols) encoder.put(cum[s], cum[s + 1] - cum[s]);
  const bytes = encoder.finish();
  const decodeAll = (b: Uint8Array) => {
    const d = new RansDecoder(b);
    for (let i = 0; i < symbols.length; i++) {
      const slot = d.peek();
      let s = 0;
      while (cum[s + 1] <= slot) s++;
      d.advance(cum[s], cum[s + 1] - cum[s]);
    }
    d.finish();
  };
  decodeAll(bytes);
  for (const cut of [0, 3, 4, Math.floor(bytes.length / 2), bytes.length - 1])
    assert.throws(
      () => decodeAll(bytes.subarray(0, cut)),
      (e: unknown) => e instanceof CorruptStreamError,
    );
  for (let i = 0; i < 20; i++) {
    const damaged = bytes.slice();
    damaged[g.int(damaged.length)] ^= 1 + g.int(255);
    assert.throws(
      () => decodeAll(damaged),
      (e: unknown) => e instanceof CorruptStreamError,
    );
  }
  assert.throws(() => encoder.put(0, 0), /inside/);
  assert.throws(() => encoder.put(PROB_SCALE - 1, 2), /inside/);
});

/** −log₂ max(P(y), 2⁻¹⁶) of Laplace(μ, b) from its CDF, with the host's exp: the reference of the rate. */
function referenceBits(y: number, mu: number, b: number): number {
  const F = (t: number) => (t < mu ? 0.5 * Math.exp((t - mu) / b) : 1 - 0.5 * Math.exp(-(t - mu) / b));
  return -Math.log2(Math.max(F(y + 0.5) - F(y - 0.5), 2 ** -16));
}

test("the Laplace rate matches its CDF reference; the coder's tables cost within 1 % of it", () => {
  const g = new Generator(4);
  const n = 3000;
  const y = new Float64Array(n),
    mu = new Float64Array(n),
    s = new Float64Array(n);
  let reference = 0;
  for (let i = 0; i < n; i++) {
    mu[i] = g.uniform(-4, 4);
    s[i] = g.uniform(-1, 2.5);
    const b = laplaceScale(s[i]);
    // A Laplace draw, rounded: the symbols the model predicts well, as fitted latents are.
    const u = g.uniform(-0.5, 0.5);
    y[i] = Math.max(-40, Math.min(40, Math.round(mu[i] - b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u)))));
    reference += referenceBits(y[i], mu[i], b);
  }
  const f64 = { dtype: "float64" } as const;
  const rate = laplaceRate(tensor(y, [n], f64), tensor(mu, [n], f64), tensor(s, [n], f64));
  assert.ok(Math.abs(rate.item() - reference) <= 1e-3 * reference, `${rate.item()} vs ${reference}`);
  const alphabet = { lo: -40, hi: 40 };
  const encoder = new RansEncoder();
  for (let i = 0; i < n; i++) encodeSymbol(encoder, y[i], mu[i], laplaceScale(s[i]), alphabet);
  const bytes = encoder.finish();
  assert.ok(Math.abs(bytes.length * 8 - reference) <= 0.01 * reference, `${bytes.length * 8} bits vs ${reference}`);
  assert.throws(() => encodeSymbol(encoder, 41, 0, 1, alphabet), /outside/);
  const decoder = new RansDecoder(bytes);
  for (let i = 0; i < n; i++) assert.is(decodeSymbol(decoder, mu[i], laplaceScale(s[i]), alphabet), y[i]);
  decoder.finish();
});

test("the frequency tables: strictly increasing from 0 to 2^16, every symbol at least 2⁻¹⁶", () => {
  for (const [mu, b, lo, hi] of [
    [0, 0.01, -3, 3],
    [100, 0.5, -5, 5],
    [-2.5, 3000, -50, 60],
    [0.3, 1, 0, 0],
  ]) {
    let previous = -1;
    for (let s = lo; s <= hi + 1; s++) {
      const c = cumulative(s, mu, b, { lo, hi });
      assert.ok(c > previous, `cumulative(${s}) = ${c} after ${previous}`);
      previous = c;
    }
    assert.is(cumulative(lo, mu, b, { lo, hi }), 0);
    assert.is(cumulative(hi + 1, mu, b, { lo, hi }), PROB_SCALE);
  }
});

test("decodeSymbol finds every symbol, μ inside, at the edge of and far outside the alphabet", () => {
  const cases: Array<[number, number, number, number]> = [
    [0, 1, -40, 40],
    [39.6, 0.3, -40, 40],
    [500, 2, -7, 3],
    [-500, 0.05, -7, 3],
    [0.2, 3000, -100, 100],
    [3, 1, 0, 0],
  ];
  const g = new Generator(11);
  const picks: Array<[number, number]> = [];
  const encoder = new RansEncoder();
  for (let i = 0; i < 4000; i++) {
    const c = g.int(cases.length),
      [mu, b, lo, hi] = cases[c];
    const s = lo + g.int(hi - lo + 1);
    picks.push([c, s]);
    encodeSymbol(encoder, s, mu, b, { lo, hi });
  }
  const decoder = new RansDecoder(encoder.finish());
  for (const [c, s] of picks) {
    const [mu, b, lo, hi] = cases[c];
    assert.is(decodeSymbol(decoder, mu, b, { lo, hi }), s);
  }
  decoder.finish();
});

test("softRound: Agustsson & Theis's values, rounding and identity at the limits, gradients (float64)", () => {
  const g = new Generator(11);
  const random = () => g.random();
  const reference = (y: number, t: number) =>
    Math.floor(y) + 0.5 + (0.5 * Math.tanh((y - Math.floor(y) - 0.5) / t)) / Math.tanh(1 / (2 * t));
  const xs = Array.from({ length: 200 }, () => g.uniform(-6, 6));
  xs.push(-2, -1, 0, 1, 3, -1.5, 0.5, 2.5, -1e-9, 1 - 1e-12);
  for (const t of [0.05, 0.1, 0.3, 1, 10]) {
    const out = softRound(tensor(xs, [xs.length], { dtype: "float64" }), t).toArray();
    xs.forEach((x, i) => assert.ok(Math.abs(out[i] - reference(x, t)) < 1e-12, `s_${t}(${x}) = ${out[i]}`));
    // Integers and half-integers are fixed points; it is increasing.
    for (const [x, i] of [-2, -1, 0, 1, 3, -1.5, 0.5, 2.5].map((x) => [x, xs.indexOf(x)]))
      assert.ok(Math.abs(out[i] - x) < 1e-12, `s_${t}(${x})`);
    const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
    for (let k = 1; k < order.length; k++) assert.ok(out[order[k]] >= out[order[k - 1]]);
  }
  const sharp = softRound(tensor(xs, [xs.length], { dtype: "float64" }), 0.01).toArray(),
    soft = softRound(tensor(xs, [xs.length], { dtype: "float64" }), 100).toArray();
  xs.forEach((x, i) => {
    // Away from the half-integers, where rounding jumps.
    if (Math.abs(x - Math.floor(x) - 0.5) > 0.1) assert.ok(Math.abs(sharp[i] - Math.round(x)) < 1e-6, `${x}`);
    assert.ok(Math.abs(soft[i] - x) < 1e-4, `${x}`);
  });
  assert.throws(() => softRound(tensor([1]), 0), /temperature/);
  // Its derivative is continuous across the integers, so finite differences may straddle them.
  for (const t of [0.1, 0.3, 2]) {
    const x = randomTensor(random, [16], (v) => v * 4);
    gradcheck(
      `softRound T=${t}`,
      scalarize(random, (inputs) => softRound(inputs[0], t)),
      [x],
      1e-5,
    );
  }
});

test("laplaceRate's gradients against finite differences (float64)", () => {
  const g = new Generator(5);
  const random = () => g.random();
  // Symbols away from the bin edges' kinks: x = y − μ never within 0.05 of ±½ (where |t| has a corner).
  const n = 12;
  const y = randomTensor(random, [n], (v) => Math.round(v * 3));
  const mu = randomTensor(random, [n], (v) => v * 0.4);
  const s = randomTensor(random, [n], (v) => v * 1.5);
  gradcheck("laplaceRate", (inputs) => laplaceRate(inputs[0], inputs[1], inputs[2]), [y, mu, s], 1e-5);
  assert.throws(() => laplaceRate(y, tensor([1, 2], [2], { dtype: "float64" }), s), /same size/);
});

test("upsamplePyramid: bilinear (align_corners = false) values and its gradient", () => {
  const p = pyramid(4, 4, 2);
  assert.equal(
    p.grids.map((g) => [g.h, g.w, g.offset]),
    [
      [4, 4, 0],
      [2, 2, 16],
    ],
  );
  const latent = tensor([...new Array(16).fill(0), 0, 1, 0, 1], [20], { dtype: "float64" });
  const up = upsamplePyramid(latent, p, [1]);
  // PyTorch's F.interpolate([0, 1], scale_factor=2, mode='bilinear') along a row: 0, 0.25, 0.75, 1.
  assert.equal(Array.from(up.data.subarray(0, 4)), [0, 0.25, 0.75, 1]);
  assert.equal(Array.from(up.data.subarray(12, 16)), [0, 0.25, 0.75, 1]);
  const g = new Generator(6);
  const odd = pyramid(7, 5, 3);
  const x = randomTensor(() => g.random(), [odd.size]);
  gradcheck(
    "upsamplePyramid",
    scalarize(
      () => g.random(),
      (i) => upsamplePyramid(i[0], odd, [0, 2]),
    ),
    [x],
  );
  assert.throws(() => upsamplePyramid(tensor([1, 2]), odd, [0]), /pyramid/);
});

test("gatherPadded and the causal context", () => {
  assert.equal(causalOffsets(1), [
    [-1, -1],
    [-1, 0],
    [-1, 1],
    [0, -1],
  ]);
  assert.is(causalOffsets(2).length, 12);
  const g = new Generator(7);
  const x = randomTensor(() => g.random(), [6]);
  const index = Int32Array.from([0, -1, 5, 5, 2, -1, 1, 3]);
  const out = gatherPadded(x, index, [4, 2]);
  assert.is(out.data[1], 0);
  assert.is(out.data[2], x.data[5]);
  gradcheck(
    "gatherPadded",
    scalarize(
      () => g.random(),
      (i) => gatherPadded(i[0], index, [4, 2]),
    ),
    [x],
  );
  assert.throws(() => gatherPadded(x, Int32Array.from([6]), [1]), /outside/);
});

/** A small synthetic image: soft gradients and a disc, 8-bit. */
function synthetic(width: number, height: number, channels: 1 | 3): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < height; i++)
    for (let j = 0; j < width; j++)
      for (let c = 0; c < channels; c++) {
        const disc = (i - height / 2) ** 2 + (j - width / 3) ** 2 < (width / 4) ** 2 ? 80 : 0;
        data[(i * width + j) * channels + c] = Math.min(255, 40 + 6 * i + 3 * j * (c + 1) + disc);
      }
  return data;
}

const psnr = (a: Uint8Array, b: Uint8Array) => {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
};

test("encodeImage → decodeImage: it learns, decodes the same twice, and the header says what it kept", () => {
  for (const channels of [1, 3] as const) {
    const image = { width: 20, height: 12, channels, data: synthetic(20, 12, channels) };
    const bytes = encodeImage(image, { lambda: 1e-4, iterations: 120, levels: 3, seed: 1 });
    const a = decodeImage(bytes),
      b = decodeImage(bytes);
    assert.equal(a, b);
    assert.is(a.width, 20);
    assert.is(a.height, 12);
    assert.is(a.channels, channels);
    // Far better than the flat grey the untrained synthesis starts from (about 11 dB on this image).
    assert.ok(psnr(a.data, image.data) > 22, `PSNR ${psnr(a.data, image.data)}`);
    const h = readCoolChicHeader(bytes);
    assert.equal(h.keptGrids, [0, 1, 2]);
    assert.is(h.keptContext.length, 12);
  }
});

test("double descent removes grids or context positions and the stream still decodes", () => {
  const image = { width: 16, height: 16, channels: 1 as const, data: synthetic(16, 16, 1) };
  const bytes = encodeImage(image, {
    lambda: 1e-3,
    iterations: 60,
    levels: 4,
    sparse: { kind: "bilevelL1Inf", rho: 0.05, iterations: 30 },
  });
  const h = readCoolChicHeader(bytes);
  // Node removes 3 of the 4 grids and 7 of the 12 context positions here; the test asks for a few of either.
  assert.ok(h.keptGrids.length + h.keptContext.length <= 4 + 12 - 4, JSON.stringify(h));
  assert.ok(h.macsPerPixel.total < 400, JSON.stringify(h.macsPerPixel));
  const decoded = decodeImage(bytes);
  assert.ok(psnr(decoded.data, image.data) > 15);
});

/** Every latent's ARM prediction (μ, b) and the synthesised planes of a decoder on the symbols. */
function decoderOutputs(shape: NetworkShape, w: Weights, symbols: Float64Array): number[] {
  const arm = new Arm(shape, w),
    out: number[] = [];
  forEachLatent(shape, pyramid(shape.height, shape.width, shape.levels), symbols, (_, __, ctx) => {
    arm.predict(ctx);
    out.push(arm.mu, arm.scale);
  });
  for (const v of synthesize(shape, w, symbols)) out.push(v);
  return out;
}

test("hidden units removed: the compact decoder computes exactly what the masked model does", () => {
  const width = 16,
    height = 16,
    data = synthetic(width, height, 1);
  const target = { width, height, channels: 1, planes: Float32Array.from(data, (v) => v / 255) };
  const sizes = { levels: 4, contextRows: 2, synthesisHidden: 16, armHidden: 12 };
  for (const kind of ["bilevelL1Inf", "bilevelL11"] as const) {
    const schedule = { lambda: 1e-3, iterations: 60, roundingFraction: 0.1, lr: 0.01, seed: 3, sparse: null };
    const model = fitModel(target, sizes, 16, { ...schedule, sparse: { kind, rho: 0.1, iterations: 20 } });
    try {
      const compact = model.export(),
        full = model.export(false);
      const what = `${kind}: ${JSON.stringify(compact.shape)}`;
      assert.ok(compact.shape.synthesisHidden < 16 && compact.shape.armHidden < 12, what);
      assert.is(full.shape.synthesisHidden, 16);
      assert.is(full.shape.armHidden, 12);
      // The compact weights have the reduced shapes, and the masked model holds every removed unit at zero.
      const shapes = parameterShapes(compact.shape);
      for (const [name, values] of Object.entries(compact.weights))
        assert.is(
          values.length,
          shapes[name as keyof Weights].reduce((x, y) => x * y, 1),
          name,
        );
      const removed = Array.from({ length: 12 }, (_, j) => j).filter((j) => !model.keptArmUnits.includes(j));
      for (const j of removed) {
        assert.is(full.weights.armB1[j], 0);
        assert.is(full.weights.armMuW[j], 0);
        for (let i = 0; i < 12; i++) assert.is(full.weights.armW2[i * 12 + j] + full.weights.armW2[j * 12 + i], 0);
      }
      const symbols = model.symbols();
      const a = decoderOutputs(compact.shape, compact.weights, symbols),
        b = decoderOutputs(full.shape, full.weights, symbols);
      assert.is(a.length, b.length);
      for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i]) assert.unreachable(`${what}: output ${i}: ${a[i]} ≠ ${b[i]}`);
    } finally {
      for (const p of model.parameters()) p.dispose();
    }
  }
});

test("the header round-trips reduced widths; a sparse decoder (soft rounding) states and decodes them", () => {
  const image = { width: 16, height: 12, channels: 3 as const, data: synthetic(16, 12, 3) };
  const narrow = encodeImage(image, { iterations: 30, levels: 3, synthesisHidden: 5, armHidden: 3 });
  const h = readCoolChicHeader(narrow);
  assert.is(h.synthesisHidden, 5);
  assert.is(h.armHidden, 3);
  // ARM: 3·12 + 3 + 9 + 3 + 2·(3 + 1); synthesis: 5·3 + 5 + 3·5 + 3; residuals: 2·(81 + 3).
  assert.is(h.decoderParameters, 59 + 38 + 168);
  assert.is(decodeImage(narrow).data.length, 16 * 12 * 3);
  const sparse = encodeImage(image, {
    iterations: 40,
    levels: 3,
    softRounding: true,
    sparse: { rho: 0.1, iterations: 20 },
  });
  const s = readCoolChicHeader(sparse);
  assert.ok(s.synthesisHidden < 16 && s.armHidden < 12, JSON.stringify(s));
  assert.is(decodeImage(sparse).data.length, 16 * 12 * 3);
});

/** The stream with header fields (indices after the signature) replaced, and its CRC-32 made right again. */
function withHeader(bytes: Uint8Array, changes: Record<number, number>): Uint8Array {
  const fields: number[] = [];
  let pos = 4;
  for (let f = 0; f < 11; f++) {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[pos++];
      v += (byte & 127) * 2 ** shift;
      if (byte < 128) break;
    }
    fields.push(changes[f] ?? v);
  }
  const head = [...bytes.subarray(0, 4)];
  for (let v of fields) {
    while (v >= 128) {
      head.push((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    head.push(v);
  }
  const out = new Uint8Array(head.length + bytes.length - pos);
  out.set(head);
  out.set(bytes.subarray(pos, bytes.length - 4), head.length);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)));
  return out;
}

test("headers whose widths are 0, too large, or more than the parameter section holds are refused", () => {
  const bytes = Uint8Array.from(atob(COOLCHIC_FIXTURE.stream), (c) => c.charCodeAt(0));
  const SYNTHESIS = 7,
    ARM = 8;
  assert.equal(decodeImage(withHeader(bytes, {})), decodeImage(bytes)); // the helper itself changes nothing
  const refused = (changes: Record<number, number>, message: RegExp, headerOnly = true) => {
    const damaged = withHeader(bytes, changes);
    const reads = headerOnly
      ? [() => readCoolChicHeader(damaged), () => decodeImage(damaged)]
      : [() => decodeImage(damaged)];
    for (const read of reads)
      assert.throws(read, (e: unknown) => e instanceof CorruptStreamError && message.test(e.message));
  };
  refused({ [SYNTHESIS]: 0 }, /synthesis width 0 is outside 1\.\.64/);
  refused({ [ARM]: 0 }, /ARM width 0 is outside 1\.\.64/);
  refused({ [ARM]: 65 }, /ARM width 65 is outside/);
  refused({ [SYNTHESIS]: 64, [ARM]: 64 }, /widths 64 and 64 needs at least \d+ parameter bytes/);
  // A width one off the one encoded fits the section's size (the header reads), but its parameters do not decode.
  const h = readCoolChicHeader(bytes);
  refused({ [ARM]: h.armHidden + 1 }, /truncated|corrupted/, false);
  refused({ [SYNTHESIS]: h.synthesisHidden - 1 }, /truncated|corrupted/, false);
});

test("encoding the fixture's image here writes the bytes Node wrote (a seeded fit is the same everywhere)", () => {
  const { width, height, options } = COOLCHIC_FIXTURE;
  const data = Uint8Array.from(atob(COOLCHIC_FIXTURE.pixels), (c) => c.charCodeAt(0));
  const bytes = encodeImage({ width, height, channels: 3, data }, options);
  const expected = Uint8Array.from(atob(COOLCHIC_FIXTURE.stream), (c) => c.charCodeAt(0));
  if (kernelVariant() !== "relaxed-simd") assert.equal(bytes, expected);
  // Relaxed SIMD fuses the products' multiply-adds on a CPU with FMA (the fixture's other stream) or not.
  else
    assert.ok(
      fingerprintsOf(kernelVariant(), `${crc32(expected)}`, `${COOLCHIC_FIXTURE.fusedStreamCrc32}`).includes(
        `${crc32(bytes)}`,
      ),
    );
});

test("the committed .cc fixture (encoded in Node) decodes to the same pixels here", () => {
  const bytes = Uint8Array.from(atob(COOLCHIC_FIXTURE.stream), (c) => c.charCodeAt(0));
  const image = decodeImage(bytes);
  assert.is(image.width, COOLCHIC_FIXTURE.width);
  assert.is(image.height, COOLCHIC_FIXTURE.height);
  assert.is(crc32(image.data), COOLCHIC_FIXTURE.pixelsCrc32);
});

test("decodeImage refuses truncated, corrupted and foreign streams; bad arguments name themselves", () => {
  const bytes = Uint8Array.from(atob(COOLCHIC_FIXTURE.stream), (c) => c.charCodeAt(0));
  const refused = (b: Uint8Array) =>
    assert.throws(
      () => decodeImage(b),
      (e: unknown) => e instanceof CorruptStreamError,
    );
  for (const cut of [0, 3, 7, 20, bytes.length - 5, bytes.length - 1]) refused(bytes.subarray(0, cut));
  const g = new Generator(8);
  for (let i = 0; i < 30; i++) {
    const damaged = bytes.slice();
    damaged[g.int(damaged.length)] ^= 1 + g.int(255);
    refused(damaged);
  }
  refused(new TextEncoder().encode("not an image at all"));
  assert.throws(() => decodeImage(bytes, { maxPixels: 10 }), /maxPixels/);
  assert.throws(() => decodeImage("x" as unknown as Uint8Array), TypeError);
  const image = { width: 4, height: 4, channels: 1 as const, data: new Uint8Array(16) };
  assert.throws(() => encodeImage({ ...image, channels: 2 as 1 }), /channels/);
  assert.throws(() => encodeImage({ ...image, data: new Uint8Array(15) }), /16/);
  assert.throws(() => encodeImage(image, { lambda: -1 }), /lambda/);
  assert.throws(() => encodeImage(image, { sparse: { rho: 2 } }), /rho/);
  assert.throws(() => encodeImage(image, { sparse: { rho: 0.5, kind: "l1" } }), /bilevel/);
  assert.throws(() => encodeImage(image, { softRounding: "yes" as unknown as boolean }), /softRounding/);
});

test.run();
