// Training on two threads (initThreads), end to end through the built package, each run in a process of its own
// (the kernels are chosen once per process): the same seed gives bit-for-bit the same weights on one thread and on
// two, with every product split (minSplitFlops 0) and with the default crossover, for a conv compressor and dense
// layers; a second initThreads, or one after the kernels are loaded, is refused.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { scratchDir } from "./helpers.mjs";

const dist = new URL("../../dist/index.js", import.meta.url).href;
const dir = scratchDir("threads");

// Prints the threads in use, the kernel build and an FNV-1a hash of every trained weight's float32 bits.
const script = `
import * as sp from ${JSON.stringify(dist)};
const [threads, minSplitFlops] = JSON.parse(process.argv[2]);
const used = threads
  ? await sp.initThreads({ threads, kernels: "simd", minSplitFlops: minSplitFlops ?? undefined })
  : (await sp.init({ kernels: "simd" }), 1);
let h = 0x811c9dc5;
const hash = (params) => {
  for (const p of params)
    for (const w of new Uint32Array(Float32Array.from(p.data).buffer)) h = Math.imul(h ^ w, 0x01000193) >>> 0;
};
const images = Float32Array.from({ length: 40 * 784 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
const compressor = sp.trainCompressor(images, {
  batchSize: 20, epochs: [2, 1], hidden: [8, 16], channels: 4, projection: { rho: 0.3 },
});
hash(compressor.net.parameters());
const gen = new sp.Generator(3);
const net = new sp.nn.Sequential(
  new sp.nn.Linear(300, 200, { generator: gen }), new sp.nn.ReLU(), new sp.nn.Linear(200, 300, { generator: gen }),
);
const opt = new sp.optim.Adam(net.parameters(), { lr: 1e-3 });
const x = sp.tensor(Float32Array.from({ length: 64 * 300 }, (_, i) => Math.cos(i * 0.11)), [64, 300]);
for (let s = 0; s < 5; s++)
  sp.scope(() => {
    const loss = sp.F.mseLoss(net.forward(x), x);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
hash(net.parameters());
let refused = "";
try { await sp.initThreads({ threads: 2 }); } catch (e) { refused = e.message; }
// After closeThreads the same model trains on, on the calling thread: a step runs, and a second close is harmless.
sp.closeThreads();
sp.closeThreads();
sp.scope(() => sp.F.mseLoss(net.forward(x), x).backward());
console.log(JSON.stringify({ used, variant: sp.kernelVariant(), hash: h.toString(16), refused }));
process.exit(0);
`;
const file = join(dir, "train.mjs");
writeFileSync(file, script, { flag: "wx" });

function run(threads, minSplitFlops) {
  const r = spawnSync(process.execPath, [file, JSON.stringify([threads, minSplitFlops])], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("one seed, the same weights bit for bit on one thread and on two (every product split, and the default)", () => {
  const one = run(0);
  assert.is(one.used, 1);
  assert.is(one.variant, "simd");
  for (const [threads, minSplitFlops] of [
    [2, 0],
    [2, undefined],
    [3, 0],
  ]) {
    const many = run(threads, minSplitFlops);
    assert.is(many.used, threads);
    assert.is(many.hash, one.hash, `${threads} threads, minSplitFlops ${minSplitFlops}`);
    assert.match(many.refused, /loaded already/);
  }
});

test.run();
