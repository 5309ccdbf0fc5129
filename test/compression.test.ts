// The convolutional compressor: the rate of a hand-computed latent, quantization (noise in training, rounding at
// test), and a small end-to-end run on synthetic 28 × 28 images: it learns (PSNR well above predicting the mean
// image), and the double descent removes whole latent channels that stay exactly zero through phase 2.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  addUniformNoise,
  ConvAutoencoder,
  Generator,
  groupedNorm,
  kernelVariant,
  latentRate,
  noGrad,
  roundLatent,
  roundSymbols,
  scope,
  tensor,
  trainCompressor,
  F,
} from "../src/index.ts";
import { fingerprintsOf } from "./helpers.ts";

const test = suite("compression: conv autoencoder, quantized latent, rate, double descent");

const SIDE = 28,
  PIXELS = SIDE * SIDE;

/** n images of one or two soft discs (radius 3–7) at seeded random places, in [0, 1]. */
function discs(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  const out = new Float32Array(n * PIXELS);
  for (let i = 0; i < n; i++) {
    for (let d = 0, count = 1 + g.int(2); d < count; d++) {
      const r = g.uniform(3, 7),
        cx = g.uniform(6, 22),
        cy = g.uniform(6, 22);
      for (let y = 0; y < SIDE; y++)
        for (let x = 0; x < SIDE; x++) {
          const edge = Math.min(1, Math.max(0, r - Math.hypot(x - cx, y - cy)));
          const k = i * PIXELS + y * SIDE + x;
          out[k] = Math.max(out[k], edge);
        }
    }
  }
  return out;
}

const psnr = (mse: number) => 10 * Math.log10(1 / mse);

test("latentRate: per-channel empirical entropy per image pixel, kept channels only, base-4 Huffman lengths", () => {
  // Two images, two channels, two positions each; 4-pixel images. Channel 0 holds 0,0,0,1 (H = 0.8113 bits),
  // channel 1 holds 1,2,3,4 (H = 2 bits); each channel has 2 symbols per 4-pixel image.
  const symbols = [0, 0, 1, 2, 0, 1, 3, 4];
  const all = latentRate(symbols, [2, 2, 2], 4);
  const h0 = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
  assert.ok(Math.abs(all.channelBitsPerPixel[0] - h0 / 2) < 1e-12 && Math.abs(all.channelBitsPerPixel[1] - 1) < 1e-12);
  assert.ok(Math.abs(all.bitsPerPixel - (h0 / 2 + 1)) < 1e-12);
  assert.ok(Math.abs(all.entropyNtPerPixel - all.bitsPerPixel / 2) < 1e-12);
  // Base-4 Huffman: 2 and 4 symbols each get one nucleotide, so 1 nt per symbol, ½ nt per pixel per channel.
  assert.is(all.huffmanNtPerPixel, 1);
  assert.is(all.shannonFanoNtPerPixel, 1);
  assert.is(all.symbolsPerPixel, 1);
  assert.is(all.alphabet, 5);
  const kept = latentRate(symbols, [2, 2, 2], 4, [1]);
  assert.equal(kept.kept, [1]);
  assert.ok(Math.abs(kept.bitsPerPixel - 1) < 1e-12);
  assert.is(kept.huffmanNtPerPixel, 0.5);
  assert.is(kept.symbolsPerPixel, 0.5);
  assert.is(kept.alphabet, 4);
  assert.throws(() => latentRate(symbols, [2, 2, 3], 4), RangeError);
  assert.throws(() => latentRate(symbols, [2, 2, 2], 4, [2]), RangeError);
});

test("quantization: ties round away from zero at test; U(−½, ½) noise, identity gradient in training", () => {
  assert.equal(Array.from(roundSymbols([0.5, -0.5, 1.49, -2.5, 2.51, -0.2])), [1, -1, 1, -3, 3, 0]);
  scope(() => {
    const y = tensor([0.4, -1.6, 2.5], [1, 3]);
    assert.equal(Array.from(roundLatent(y).data), [0, -2, 3]);
    const values = Float32Array.from({ length: 4000 }, (_, i) => (i % 7) - 3.3);
    const x = tensor(values, [40, 100], { requiresGrad: true });
    const noisy = addUniformNoise(x, new Generator(5));
    const d = Float32Array.from(noisy.data, (v, i) => v - values[i]);
    assert.ok(
      d.every((v) => v >= -0.5 - 1e-6 && v <= 0.5 + 1e-6),
      "noise within ±½",
    );
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const variance = d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length;
    assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1 / 12) < 0.01, `mean ${mean}, variance ${variance}`);
    F.sum(noisy).backward();
    assert.ok(Array.from(x.grad?.data ?? []).every((g) => g === 1) && x.grad?.size === 4000, "∂(y + u)/∂y = 1");
    // Seeded: the same generator state draws the same noise.
    assert.equal(Array.from(addUniformNoise(x, new Generator(5)).data), Array.from(noisy.data));
  });
});

const SMALL = { channels: 4, hidden: [4, 4], batchSize: 20, lr: 1e-2, seed: 3 } as const;

test("end to end: learns beyond the mean image; projected latent channels stay exactly zero through phase 2", () => {
  const train = discs(200, 1),
    held = discs(100, 2);
  const dense = trainCompressor(train, { ...SMALL, epochs: [4, 4] });
  const mean = new Float64Array(PIXELS);
  for (let i = 0; i < train.length; i++) mean[i % PIXELS] += train[i] / 200;
  let meanMse = 0;
  for (let i = 0; i < held.length; i++) meanMse += (held[i] - mean[i % PIXELS]) ** 2 / held.length;
  const result = dense.evaluate(held);
  assert.ok(
    result.psnr > psnr(meanMse) + 3,
    `quantized PSNR ${result.psnr.toFixed(2)} dB against ${psnr(meanMse).toFixed(2)} dB for the mean image`,
  );
  // Evaluation rounds: the symbols are the rounded latent, and decoding them gives the reconstructions.
  assert.ok(result.symbols.every(Number.isInteger) && result.symbols.some((s) => s !== 0));
  scope(() =>
    noGrad(() => {
      const y = dense.net.encode(tensor(held.subarray(0, 3 * PIXELS), [3, 1, SIDE, SIDE]));
      assert.equal(Array.from(result.symbols.subarray(0, y.size)), Array.from(roundSymbols(y.data)));
      const decoded = Float32Array.from(dense.net.decode(roundLatent(y)).data);
      assert.equal(Array.from(result.reconstructions.subarray(0, 3 * PIXELS)), Array.from(decoded));
    }),
  );
  assert.equal(result.rate.kept, [0, 1, 2, 3]);
  dense.dispose();

  // The projection on the phase-1 weights (the same seed gives the same phase 1), with a radius chosen to keep the
  // two latent channels of largest max |w|: threshold τ halfway between the second and third, η = Σ (v − τ)₊.
  const phase1 = trainCompressor(train, { ...SMALL, epochs: [4, 0] });
  const reader = (model: typeof phase1) => model.net.convs.find((c) => c.name === "decoder.0")!.conv.weight;
  const w = Float32Array.from(reader(phase1).data);
  phase1.dispose();
  const groups = [4, 4, 9] as const;
  const v = [0, 1, 2, 3].map((c) =>
    Math.max(...Array.from({ length: 36 }, (_, k) => Math.abs(w[(Math.floor(k / 9) * 4 + c) * 9 + (k % 9)]))),
  );
  const sorted = [...v].sort((a, b) => b - a);
  const tau = (sorted[1] + sorted[2]) / 2;
  const rho = v.reduce((sum, x) => sum + Math.max(0, x - tau), 0) / groupedNorm("inf", w, groups);
  const expectedZero = [0, 1, 2, 3].filter((c) => v[c] < tau);
  assert.is(expectedZero.length, 2);

  const sparse = trainCompressor(train, { ...SMALL, epochs: [4, 4], projection: { rho, layers: "latent" } });
  assert.is(sparse.history.losses[1].length, 4);
  assert.equal(
    sparse.history.radii.map((r) => r.layer),
    ["decoder.0"],
  );
  const kept = [0, 1, 2, 3].filter((c) => !expectedZero.includes(c));
  assert.equal(sparse.keptChannels(), kept);
  const layers = Object.fromEntries(sparse.sparsity().map((l) => [l.name, l]));
  assert.equal(Object.keys(layers), ["encoder.0", "encoder.2", "encoder.4", "decoder.0", "decoder.3", "decoder.6"]);
  assert.equal(layers["decoder.0"].zeroInputs, expectedZero, "the decoder reads no removed latent channel");
  assert.equal(layers["encoder.4"].zeroOutputs, expectedZero, "the encoder computes no removed latent channel");
  assert.ok(
    layers["decoder.0"].macs.after < layers["decoder.0"].macs.before &&
      layers["encoder.4"].parameters.after < layers["encoder.4"].parameters.before,
  );
  const weight = reader(sparse),
    mask = weight.mask as Float32Array;
  assert.ok(weight.data.every((x, i) => (mask[i] === 0 ? x === 0 : true)));
  const evaluated = sparse.evaluate(held);
  assert.equal(evaluated.rate.kept, kept);
  const spatial = 49;
  for (const c of expectedZero)
    for (let i = 0; i < 100; i++)
      for (let s = 0; s < spatial; s++) assert.is(evaluated.symbols[(i * 4 + c) * spatial + s], 0);
  assert.ok(evaluated.rate.bitsPerPixel <= result.rate.bitsPerPixel + 0.5);
  assert.ok(evaluated.psnr > psnr(meanMse) + 1, `projected: ${evaluated.psnr.toFixed(2)} dB`);
  sparse.dispose();
});

test("projected epochs keep all layers in their balls, by input channel; ℓ1,1, ℓ1,2; what zeros free", () => {
  const train = discs(120, 4);
  for (const kind of ["bilevel-l1inf", "bilevel-l11", "bilevel-l12"] as const) {
    const norm = { "bilevel-l1inf": "inf", "bilevel-l11": "1", "bilevel-l12": "2" }[kind] as "inf" | "1" | "2";
    // Phase 1 of 3 epochs, the last 2 under the constraint (step() projects; see the training tests), no phase 2.
    const model = trainCompressor(train, {
      ...SMALL,
      epochs: [3, 0],
      projection: { rho: 0.3, kind, projectedEpochs: 2 },
    });
    const history = model.history.radii;
    assert.equal(
      history.map((r) => r.layer),
      ["encoder.2", "encoder.4", "decoder.0", "decoder.3", "decoder.6"],
    );
    // The radii come from the weights when the projected epochs begin: those of the same seed after one epoch.
    const first = trainCompressor(train, { ...SMALL, epochs: [1, 0] });
    first.net.convs.slice(1).forEach(({ conv }, k) => {
      assert.ok(
        Math.abs(groupedNorm(norm, conv.weight.data, [conv.outChannels, conv.inChannels, 9]) - history[k].norm) <=
          1e-6 * history[k].norm,
      );
      assert.ok(Math.abs(history[k].radius - 0.3 * history[k].norm) <= 1e-12 * history[k].norm);
    });
    first.dispose();
    // Projected from the first step: the radii come from the initial weights.
    const fromStart = trainCompressor(train, {
      ...SMALL,
      epochs: [1, 0],
      projection: { rho: 0.3, kind, projectedEpochs: 1 },
    });
    const initial = new ConvAutoencoder(
      { side: SIDE, channels: 4, hidden: [4, 4], gain: 10 },
      new Generator(SMALL.seed),
    );
    initial.convs
      .slice(1)
      .forEach(({ conv }, k) =>
        assert.ok(
          Math.abs(
            groupedNorm(norm, conv.weight.data, [conv.outChannels, conv.inChannels, 9]) -
              fromStart.history.radii[k].norm,
          ) <=
            1e-6 * fromStart.history.radii[k].norm,
        ),
      );
    initial.dispose();
    fromStart.dispose();
    // Projecting during training is not projecting once at the end.
    const once = trainCompressor(train, { ...SMALL, epochs: [3, 0], projection: { rho: 0.3, kind } });
    assert.not.equal(Array.from(once.net.convs[3].conv.weight.data), Array.from(model.net.convs[3].conv.weight.data));
    once.dispose();
    const convs = model.net.convs.slice(1);
    convs.forEach(({ conv, name }, k) => {
      assert.is(conv.weight.constraint, null, `${name}: the constraint is removed after phase 1`);
      const n = groupedNorm(norm, conv.weight.data, [conv.outChannels, conv.inChannels, 9]);
      assert.ok(n <= history[k].radius * (1 + 1e-5), `${kind} ${name}: ${n} > ${history[k].radius}`);
    });
    // Every consumer's dead input channels are its producer's dead filters, and the MACs follow the formula.
    const layers = model.sparsity();
    for (let k = 1; k < layers.length; k++) {
      for (const c of layers[k].zeroInputs)
        assert.ok(
          layers[k - 1].zeroOutputs.includes(c),
          `${kind}: ${layers[k].name} input ${c} is dead but ${layers[k - 1].name} computes it`,
        );
      const l = layers[k],
        [h, w] = model.net.convs[k].outputSize;
      assert.is(l.macs.after, 9 * (l.outputs - l.zeroOutputs.length) * (l.inputs - l.zeroInputs.length) * h * w);
    }
    if (kind !== "bilevel-l12")
      assert.ok(
        layers.some((l) => l.zeroInputs.length > 0),
        `${kind} at ρ = 0.3 removed no channel`,
      );
    model.dispose();
  }
});

test("one seed gives the same compressor bit for bit in every runtime (convolutions, noise, projection, masks)", () => {
  const train = discs(40, 6);
  const fingerprint = () => {
    const model = trainCompressor(train, {
      ...SMALL,
      batchSize: 10,
      epochs: [2, 1],
      projection: { rho: 0.3, projectedEpochs: 1 },
    });
    let h = 0x811c9dc5;
    for (const p of model.net.parameters())
      for (const word of new Uint32Array(Float32Array.from(p.data).buffer)) h = Math.imul(h ^ word, 0x01000193) >>> 0;
    model.dispose();
    return h.toString(16);
  };
  const first = fingerprint();
  assert.is(fingerprint(), first);
  // As Node computed it; Deno, Bun, Chromium and workerd run this same test (per kernel build: training.test.ts).
  assert.ok(fingerprintsOf(kernelVariant(), "24a67567", "7e64a74b").includes(first), first);
});

test("trainCompressor validates its inputs", () => {
  const one = new Float32Array(PIXELS);
  assert.throws(() => trainCompressor(new Float32Array(100)), /100 values are not a whole number of 784-pixel images/);
  assert.throws(() => trainCompressor(one, { epochs: [1, -1] }), /epochs\[1\] must be an integer ≥ 0; got -1/);
  assert.throws(
    () => trainCompressor(one, { projection: { rho: -1 } }),
    /projection.rho must be a finite number ≥ 0; got -1/,
  );
  assert.throws(
    () => trainCompressor(new Float32Array(900), { side: 30 }),
    /side must be a positive multiple of 4 \(2\^hidden.length\); got 30/,
  );
  assert.throws(() => trainCompressor(one, { hidden: [] }), /hidden must be a non-empty list of positive integers/);
  assert.throws(
    () => trainCompressor(one, { epochs: [0, 0], projection: { rho: 0.5, layers: ["nope"] } }),
    new RegExp(
      '"nope" is not a convolution whose input channels another makes ' +
        "\\(encoder.2, encoder.4, decoder.0, decoder.3, decoder.6\\)",
    ),
  );
  assert.throws(
    () => trainCompressor(one, { epochs: [0, 0], projection: { rho: 0.5, layers: "encoder" as "all" } }),
    TypeError,
  );
  assert.throws(
    () => trainCompressor(one, { epochs: [0, 0], projection: { rho: 0.5, kind: "l1inf" as "bilevel-l1inf" } }),
    /projection.kind must be one of bilevel-l1inf, bilevel-l11, bilevel-l12/,
  );
  assert.throws(
    () => trainCompressor(one, { epochs: [2, 0], projection: { rho: 0.5, projectedEpochs: 3 } }),
    /projectedEpochs must be an integer in 0..epochs\[0\] \(2\); got 3/,
  );
});

test.run();
