// One configuration of bench/speed.mjs in a process of its own (the kernel build and the threads are chosen once per
// process): milliseconds per training step of each workload, and matmul GFLOP/s per shape; one JSON object on stdout.
//   node --experimental-wasm-relaxed-simd bench/speed/ours.mjs '{"kernels":"simd","threads":1,"rounds":5,...}'
import { CROSSOVER_SHAPES, MATMUL_SHAPES, makeData, WORKLOADS } from "./workloads.mjs";

const options = JSON.parse(process.argv[2]);
const sp = await import(options.dist ?? "../../dist/index.js");
const { F, nn, optim } = sp;
// A baseline build from before initThreads (--baseline) runs as it is: one thread, plain SIMD.
const threads = sp.initThreads
  ? await sp.initThreads({ threads: options.threads, kernels: options.kernels, minSplitFlops: options.minSplitFlops })
  : 1;
const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];

/** The model, optimizer and one step of each workload, on the shapes of bench/speed/workloads.mjs. */
function setup(name) {
  const w = WORKLOADS[name];
  const gen = new sp.Generator(0);
  const data = makeData(w);
  const batchOf = (s) =>
    data.subarray((s % w.batches) * w.batch * w.features, ((s % w.batches) + 1) * w.batch * w.features);
  if (name === "conv") {
    const net = new sp.ConvAutoencoder({ side: 28, channels: 8, hidden: [16, 32], gain: 10 }, gen);
    const opt = new optim.Adam(net.parameters(), { lr: 2e-3 });
    return {
      dispose: () => (opt.dispose(), net.dispose()),
      step: (s) =>
        sp.scope(() => {
          const x = sp.tensor(batchOf(s), [w.batch, 1, 28, 28]);
          const y = net.encode(x);
          const rate = F.mul(F.l1Norm(y), 1e-4 / y.size);
          const loss = F.add(F.mseLoss(net.decode(sp.addUniformNoise(y, gen)), x), rate);
          opt.zeroGrad();
          loss.backward();
          opt.step();
        }),
    };
  }
  const mlp = (sizes, act, last) => {
    const layers = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(new nn.Linear(sizes[i], sizes[i + 1], { generator: gen }));
      if (i + 2 < sizes.length || last) layers.push(new act());
    }
    return new nn.Sequential(...layers);
  };
  const [Act, d, h, k] = [name === "vae" ? nn.ReLU : nn.SiLU, w.features, w.hidden, w.latent];
  const encoder = mlp([d, h, k], Act, false),
    decoder = mlp([k, h, d], Act, false);
  const params = [...encoder.parameters(), ...decoder.parameters()];
  const opt = new optim.Adam(params, { lr: 1e-3 });
  const labels = Int32Array.from({ length: w.batch }, (_, i) => i % k);
  return {
    dispose: () => (opt.dispose(), encoder.dispose(), decoder.dispose()),
    step: (s) =>
      sp.scope(() => {
        const x = sp.tensor(batchOf(s), [w.batch, d]);
        const z = encoder.forward(x);
        const loss =
          name === "vae"
            ? F.add(
                F.div(F.mseLoss(F.sigmoid(decoder.forward(z)), x, { reduction: "sum" }), w.batch),
                F.mul(F.huberEnergyLoss(z), 20),
              )
            : F.add(F.crossEntropy(z, labels), F.smoothL1Loss(decoder.forward(z), x));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }),
  };
}

const result = { kernels: sp.kernelVariant?.() ?? "simd", threads, steps: {}, matmul: {} };
for (const name of options.workloads) {
  const w = WORKLOADS[name];
  const { step, dispose } = setup(name);
  for (let s = 0; s < w.warmup; s++) step(s);
  const times = [];
  for (let r = 0; r < options.rounds; r++) {
    const t0 = performance.now();
    for (let s = 0; s < w.perRound; s++) step(s);
    times.push((performance.now() - t0) / w.perRound);
  }
  dispose();
  result.steps[name] = { msPerStep: median(times), rounds: times };
}

// Products on persistent tensors, each call in a scope (the arena's cost included, as in training).
for (const [form, m, n, k] of options.matmul === "sweep" ? CROSSOVER_SHAPES : options.matmul ? MATMUL_SHAPES : []) {
  const [ra, ca] = form === "TN" ? [k, m] : [m, k];
  const [rb, cb] = form === "NT" ? [n, k] : [k, n];
  const fill = (size) => Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 0.5);
  const a = sp.tensor(fill(ra * ca), [ra, ca]),
    b = sp.tensor(fill(rb * cb), [rb, cb]);
  const call = () => sp.scope(() => void F.matmul(a, b, { transA: form === "TN", transB: form === "NT" }));
  const warm = performance.now();
  while (performance.now() - warm < 50) call();
  let repeats = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < repeats; r++) call();
    if (performance.now() - t0 >= 2) break;
    repeats *= 2;
  }
  const samples = [];
  for (let s = 0; s < 11; s++) {
    const t0 = performance.now();
    for (let r = 0; r < repeats; r++) call();
    samples.push(((performance.now() - t0) * 1e6) / repeats);
  }
  result.matmul[`${form} ${m}x${n}x${k}`] = (2 * m * n * k) / median(samples);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
