// Compact models: nn.compact on Linear and Conv2d chains with planted zeros, SAEModel.compact() against the full
// model (predictions, probabilities, latent, reconstruction, JSON), and the compact compressor's PSNR.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Generator, loadSAE, nn, noGrad, scope, tensor, trainCompressor, trainSAE } from "../src/index.ts";
import { toDataset } from "../src/sae/dataset.ts";
import { trainOnRows } from "../src/sae/train.ts";

const test = suite("compact models: nn.compact, SAEModel.compact(), the compact compressor");

const randoms = (n: number, g: Generator, scale = 1) =>
  Float32Array.from({ length: n }, () => g.uniform(-scale, scale));

/** The chain's output for x [n, ...shape], as plain numbers. */
function run(model: nn.Module, x: Float32Array, shape: number[]): Float64Array {
  return scope(() => noGrad(() => Float64Array.from(model.forward(tensor(x, shape)).data)));
}

/** |a − b| ≤ tol · (1 + max|a|) everywhere. */
function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.is(a.length, b.length, `${what}: lengths`);
  let top = 0,
    worst = 0;
  for (let i = 0; i < a.length; i++) top = Math.max(top, Math.abs(a[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst <= tol * (1 + top), `${what}: largest difference ${worst} (scale ${top})`);
}

/** Zeroes entries of a [out, in, window] weight: input columns `inputs`, output rows `outputs`. */
function plant(p: nn.Parameter, { inputs = [] as number[], outputs = [] as number[] }): void {
  const [o, i] = p.shape;
  const window = p.size / (o * i);
  const data = p.data;
  for (let r = 0; r < o; r++)
    for (let c = 0; c < i; c++)
      if (inputs.includes(c) || outputs.includes(r))
        for (let k = 0; k < window; k++) data[(r * i + c) * window + k] = 0;
}

/** x restricted to the columns (or channels of `plane` values) `keep`, n rows of `width` columns. */
function columns(x: Float32Array, n: number, width: number, keep: number[], plane = 1): Float32Array {
  const out = new Float32Array(n * keep.length * plane);
  for (let r = 0; r < n; r++)
    keep.forEach((c, j) => {
      for (let p = 0; p < plane; p++) out[(r * keep.length + j) * plane + p] = x[(r * width + c) * plane + p];
    });
  return out;
}

test("Linear chain: unused inputs, unread units and unfed units (constant folded into the next bias) go", () => {
  for (const activation of [nn.SiLU, nn.ReLU, nn.Tanh, nn.Sigmoid]) {
    const g = new Generator(3);
    const model = new nn.Sequential(
      new nn.Linear(12, 9, { generator: g }),
      new activation(),
      new nn.Linear(9, 7, { generator: g }),
      new activation(),
      new nn.Linear(7, 4, { generator: g }),
    );
    const [l0, l1, l2] = [model.at(0), model.at(2), model.at(4)] as nn.Linear[];
    plant(l0.weight, { inputs: [0, 5, 11], outputs: [2] }); // unit 2 of layer 0: unfed, constant act(b)
    plant(l1.weight, { inputs: [4] }); // unit 4 of layer 0: nothing reads it
    plant(l2.weight, { inputs: [1, 6] }); // units 1 and 6 of layer 1: nothing reads them
    const result = nn.compact(model);
    assert.ok(result.changed);
    assert.equal(result.inputs, [1, 2, 3, 4, 6, 7, 8, 9, 10]);
    assert.equal(result.kept, [
      [0, 1, 3, 5, 6, 7, 8],
      [0, 2, 3, 4, 5],
      [0, 1, 2, 3],
    ]);
    assert.is(result.parameters.before, 12 * 9 + 9 + 9 * 7 + 7 + 7 * 4 + 4);
    assert.is(result.parameters.after, 9 * 7 + 7 + 7 * 5 + 5 + 5 * 4 + 4);
    const x = randoms(5 * 12, g, 2);
    const full = run(model, x, [5, 12]);
    close(run(result.module, columns(x, 5, 12, result.inputs), [5, 9]), full, 1e-5, activation.name);
    assert.equal(Array.from((model.at(0) as nn.Linear).weight.shape), [9, 12], "the original is unchanged");
    result.module.dispose();
    model.dispose();
  }
});

test("a unit left with no input and no reader, and a chain reduced to one unit, stay exact", () => {
  const g = new Generator(4);
  const model = new nn.Sequential(
    new nn.Linear(3, 4, { generator: g }),
    new nn.ReLU(),
    new nn.Linear(4, 2, { generator: g }),
  );
  plant((model.at(0) as nn.Linear).weight, { outputs: [0, 1, 2, 3] }); // every unit unfed: one is kept
  const result = nn.compact(model, { inputs: "all" });
  assert.equal(result.inputs, [0, 1, 2]);
  assert.is(result.kept[0].length, 1);
  const x = randoms(4 * 3, g);
  close(run(result.module, x, [4, 3]), run(model, x, [4, 3]), 1e-6, "constant chain");
  result.module.dispose();
  model.dispose();
});

test("Conv2d chain: dead channels go with the producer's filters; padded unfed filters only when their constant is 0", () => {
  const g = new Generator(5);
  const conv = (i: number, o: number, padding: number) => new nn.Conv2d(i, o, 3, { padding, generator: g });
  for (const padding of [0, 1]) {
    const model = new nn.Sequential(
      conv(3, 6, padding),
      new nn.ReLU(),
      new nn.UpsampleNearest(2),
      conv(6, 5, padding),
      new nn.SiLU(),
      conv(5, 2, padding),
    );
    const [c0, c1, c2] = [model.at(0), model.at(3), model.at(5)] as nn.Conv2d[];
    plant(c0.weight, { inputs: [1], outputs: [0, 3] });
    c0.bias!.data[0] = -0.5; // ReLU(−0.5) = 0: removable even with padding
    c0.bias!.data[3] = 0.7; // a constant 0.7: folded without padding, kept with it
    plant(c1.weight, { inputs: [5] }); // filter 5 of c0: nothing reads it
    plant(c2.weight, { inputs: [2] }); // filter 2 of c1: nothing reads it
    const result = nn.compact(model);
    assert.equal(result.inputs, [0, 2]);
    assert.equal(result.kept[0], padding ? [1, 2, 3, 4] : [1, 2, 4], `padding ${padding}`);
    assert.equal(result.kept[1], [0, 1, 3, 4]);
    const x = randoms(2 * 3 * 8 * 8, g);
    const full = run(model, x, [2, 3, 8, 8]);
    close(run(result.module, columns(x, 2, 3, result.inputs, 64), [2, 2, 8, 8]), full, 1e-5, `padding ${padding}`);
    result.module.dispose();
    model.dispose();
  }
});

test("nothing to remove: changed is false and the copy computes exactly the same; masks are carried", () => {
  const g = new Generator(6);
  const model = new nn.Sequential(
    new nn.Linear(5, 4, { generator: g }),
    new nn.Tanh(),
    new nn.Linear(4, 3, { generator: g }),
  );
  const result = nn.compact(model);
  assert.not.ok(result.changed);
  const x = randoms(3 * 5, g);
  assert.equal(Array.from(run(result.module, x, [3, 5])), Array.from(run(model, x, [3, 5])));
  result.module.dispose();
  const w = (model.at(0) as nn.Linear).weight;
  w.setMask(Array.from({ length: 20 }, (_, k) => (k % 5 === 2 || k === 3 ? 0 : 1)));
  const masked = nn.compact(model);
  assert.equal(masked.inputs, [0, 1, 3, 4]);
  assert.equal(Array.from((masked.module.at(0) as nn.Linear).weight.mask!), [1, 1, 0, 1, ...Array(12).fill(1)]);
  masked.module.dispose();
  model.dispose();
});

test("bad input: a layer compact cannot see through is named; bad index lists are RangeErrors", () => {
  const g = new Generator(7);
  const model = new nn.Sequential(
    new nn.Linear(3, 3, { generator: g }),
    new nn.MirroredAutoencoder(3, [2], 2, "relu", g),
  );
  assert.throws(
    () => nn.compact(model),
    (e: Error) => e instanceof TypeError && /layer 1 is a MirroredAutoencoder/.test(e.message),
  );
  const ok = new nn.Sequential(new nn.Linear(3, 3, { generator: g }));
  assert.throws(
    () => nn.compact(ok, { outputs: [2, 1] }),
    (e: Error) => e instanceof RangeError && /outputs\[1\]/.test(e.message),
  );
  assert.throws(
    () => nn.compact(ok, { inputs: [0, 3] }),
    (e: Error) => e instanceof RangeError && /inputs\[1\]/.test(e.message),
  );
  model.dispose();
  ok.dispose();
});

/** n rows of d features, the first 4 informative (2 classes), values ≥ 0 so that the log is fitted. */
function omics(n: number, d: number, seed: number): { X: number[][]; y: number[] } {
  const g = new Generator(seed);
  const X: number[][] = [],
    y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    X.push(Array.from({ length: d }, (_, j) => Math.exp(g.uniform(0, 2) + (j < 4 && c ? 1.5 : 0))));
    y.push(c);
  }
  return { X, y };
}

function sameModelOutputs(full: ReturnType<typeof trainSAE>, small: ReturnType<typeof trainSAE>, X: number[][]) {
  const column = new Map(full.info.featureNames.map((name, j) => [name, j]));
  const panel = small.info.featureNames.map((name) => column.get(name)!);
  const rows = X.map((row) => panel.map((j) => row[j]));
  close(small.encode(rows), full.encode(X), 1e-5, "latent");
  close(small.predictProba(rows), full.predictProba(X), 1e-5, "probabilities");
  assert.equal(Array.from(small.predict(rows)), Array.from(full.predict(X)));
  const d = full.features,
    k = panel.length;
  const reconstruction = full.reconstruct(X);
  const kept = Float64Array.from(
    { length: X.length * k },
    (_, i) => reconstruction[Math.floor(i / k) * d + panel[i % k]],
  );
  close(small.reconstruct(rows), kept, 1e-5, "reconstruction of the kept features");
}

test("SAEModel.compact(): the panel alone gives the same latent, probabilities, classes and reconstructions", () => {
  const { X, y } = omics(60, 40, 8);
  const names = Array.from({ length: 40 }, (_, j) => `m${j}`);
  for (const projectLayers of [["encoder"], ["encoder", "decoder"]] as Array<Array<"encoder" | "decoder">>) {
    const full = trainSAE(X, y, { hidden: [12, 6], epochs: [15, 5], radius: 0.5, featureNames: names, projectLayers });
    const small = full.compact();
    assert.ok(small.compaction!.changed);
    assert.is(small.compaction!.sourceFeatures, 40);
    assert.equal(
      [...small.info.featureNames].sort(),
      full
        .selectedFeatures()
        .map((f) => f.name)
        .sort(),
    );
    assert.ok(small.features < 40, `${small.features} features kept`);
    assert.is(small.net.lastLayer.weight.shape[0], small.features, "the decoder reconstructs the panel");
    sameModelOutputs(full, small, X);
    const loaded = loadSAE(JSON.stringify(small));
    assert.equal(loaded.compaction, small.compaction);
    assert.equal(
      Array.from(loaded.predictProba(X.map((r) => small.info.featureNames.map((n) => r[names.indexOf(n)])))),
      Array.from(small.predictProba(X.map((r) => small.info.featureNames.map((n) => r[names.indexOf(n)])))),
    );
    const again = small.compact();
    assert.not.ok(again.compaction!.changed, "a compact model has nothing more to remove");
    for (const m of [full, small, loaded, again]) m.dispose();
  }
});

test("SAEModel.compact() on a random model with planted zeros: features, hidden units and decoder rows", () => {
  const { X, y } = omics(30, 10, 9);
  const base = trainSAE(X, y, { hidden: [8, 5], epochs: [2, 0], projection: "none" });
  const json = base.toJSON();
  const zero = (key: string, pick: (r: number, c: number) => boolean) => {
    const { shape, data } = json.state[key];
    data.forEach((_, i) => pick(Math.floor(i / shape[1]), i % shape[1]) && (data[i] = 0));
  };
  zero("encoder.0.weight", (r, c) => c === 1 || c === 7 || r === 3); // features 1 and 7; unit 3 unfed
  zero("encoder.2.weight", (_r, c) => c === 6); // unit 6 of the first hidden layer unread
  zero("decoder.4.weight", (_r, c) => c === 0); // the decoder's last hidden unit 0 unread
  const full = loadSAE(json);
  const small = full.compact();
  assert.equal(small.info.featureNames, [
    "feature 1",
    "feature 3",
    "feature 4",
    "feature 5",
    "feature 6",
    "feature 7",
    "feature 9",
    "feature 10",
  ]);
  assert.equal(small.compaction!.encoder, [6, 5]);
  assert.equal(small.compaction!.decoder, [5, 7]);
  sameModelOutputs(full, small, X);
  const plain = trainSAE(X, y, { hidden: [8], epochs: [2, 0], projection: "none" });
  const same = plain.compact();
  assert.is(same.compaction!.changed, false, "no projection: nothing to remove, and it says so");
  assert.equal(Array.from(same.predictProba(X)), Array.from(plain.predictProba(X)));
  for (const m of [base, full, small, plain, same]) m.dispose();
});

test("SAEModel.compact() with imputation: dropped features leave the panel, missing values are filled alike", () => {
  const { X, y } = omics(40, 12, 10);
  X.forEach((row, i) => {
    if (i % 4 === 0) row[2] = Number.NaN;
    if (i % 3 !== 0) row[9] = Number.NaN; // missing in 2/3 of the rows: dropped at maxMissing 0.5
  });
  const names = Array.from({ length: 12 }, (_, j) => `g${j}`);
  const full = trainSAE(X, y, {
    hidden: [10],
    epochs: [10, 5],
    radius: 2,
    featureNames: names,
    preprocess: { impute: "median", maxMissing: 0.5 },
  });
  assert.equal(full.info.preprocessing.imputation!.dropped, [9]);
  const small = full.compact();
  assert.not.ok(small.info.featureNames.includes("g9"));
  assert.equal(small.info.preprocessing.imputation!.dropped, []);
  sameModelOutputs(full, small, X);
  full.dispose();
  small.dispose();
});

test("loadSAE checks a compact model's sizes against its training options", () => {
  const { X, y } = omics(30, 10, 11);
  const full = trainSAE(X, y, { hidden: [8], epochs: [5, 2], radius: 0.3 });
  const small = full.compact();
  const json = JSON.parse(JSON.stringify(small));
  json.compact.encoder = [9];
  assert.throws(() => loadSAE(json), /model\.compact\.encoder\[0\] is 9, more than the 8 units trained/);
  json.compact.encoder = [8, 1];
  assert.throws(() => loadSAE(json), /model\.compact\.encoder has 2 sizes/);
  json.compact = { ...small.compaction, sourceFeatures: 1 };
  assert.throws(() => loadSAE(json), /model\.compact\.sourceFeatures is 1/);
  json.compact = { ...small.compaction, encoder: [small.compaction!.encoder[0] - 1 || 1] };
  assert.throws(() => loadSAE(json), RangeError);
  full.dispose();
  small.dispose();
});

test("Compressor.compact(): dead channels and latent channels go; PSNR and decoded images are the full model's", () => {
  const g = new Generator(12);
  const side = 8,
    n = 48;
  // Smooth images: a random mix of two gradients, so that the network has something to learn.
  const images = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const [a, b] = [g.uniform(0, 1), g.uniform(0, 1)];
    for (let p = 0; p < side * side; p++) images[i * 64 + p] = (a * (p % side) + b * Math.floor(p / side)) / (2 * side);
  }
  const options = { side, channels: 6, hidden: [6, 8], epochs: [4, 2] as [number, number], batchSize: 16 };
  const projections = [
    { rho: 0.02, projectedEpochs: 2 },
    { rho: 0.05, projectedEpochs: 2, layers: "latent" as const },
  ];
  for (const projection of projections) {
    const full = trainCompressor(images, { ...options, projection });
    const small = full.compact();
    const c = small.compaction!;
    assert.ok(c.changed);
    assert.equal(c.latentChannels, full.keptChannels());
    if (projection.layers) assert.ok(c.latentChannels.length < 6, `latent channels ${c.latentChannels}`);
    assert.ok(c.parameters.after < c.parameters.before);
    assert.is(small.shape.channels, c.latentChannels.length);
    const macs = (m: typeof full) => m.sparsity().reduce((sum, layer) => sum + layer.macs.before, 0);
    const after = full.sparsity().reduce((sum, layer) => sum + layer.macs.after, 0);
    assert.is(macs(small), after, "the compact network runs the MACs layerSparsity counted after deletion");
    const [a, b] = [full.evaluate(images), small.evaluate(images)];
    close(b.reconstructions, a.reconstructions, 1e-5, "decoded images");
    assert.ok(Math.abs(a.psnr - b.psnr) < 1e-3 && Math.abs(a.psnrFloat - b.psnrFloat) < 1e-3, `${a.psnr} ${b.psnr}`);
    assert.ok(Math.abs(a.rate.bitsPerPixel - b.rate.bitsPerPixel) < 1e-3);
    full.dispose();
    small.dispose();
  }
  const dense = trainCompressor(images, { ...options, epochs: [1, 0] });
  const same = dense.compact();
  assert.not.ok(same.compaction!.changed);
  assert.equal(Array.from(same.evaluate(images).reconstructions), Array.from(dense.evaluate(images).reconstructions));
  dense.dispose();
  same.dispose();
});

test("phase 2 on the compact first layer trains what the masked dense layer trains, to float rounding", () => {
  const { X, y } = omics(80, 60, 13);
  const data = toDataset(X, y, "test");
  const rows = Int32Array.from({ length: 80 }, (_, i) => i);
  const settings = [
    { radius: 0.5 },
    { radius: 0.5, rewind: true, hidden: [10, 6] },
    {
      projection: "top-k" as const,
      keep: 7,
      projectLayers: ["encoder", "decoder"] as Array<"encoder" | "decoder">,
      validationFraction: 0.25,
    },
    { projection: "bilevel-l11" as const, radius: 3 },
  ];
  for (const options of settings) {
    const o = { hidden: [12], epochs: [8, 6] as [number, number], batchSize: 8, ...options };
    const [compact, dense] = [trainOnRows(data, o, rows), trainOnRows(data, o, rows, undefined, true)];
    const what = JSON.stringify(options);
    assert.ok(compact.featureSparsity > 0.3, `${what}: features removed ${compact.featureSparsity}`);
    assert.equal(compact.net.firstLayer.weight.mask, dense.net.firstLayer.weight.mask, what);
    assert.equal(compact.net.firstLayer.weight.shape, [o.hidden[0], 60]);
    assert.is(compact.info.history.epoch, dense.info.history.epoch, what);
    close(compact.info.history.losses[1], dense.info.history.losses[1], 1e-4, `${what}: phase-2 losses`);
    for (const [key, entry] of Object.entries(dense.net.stateDict())) {
      close(compact.net.stateDict()[key].data, entry.data, 1e-4, `${what}: ${key}`);
    }
    close(compact.predictProba(X), dense.predictProba(X), 1e-4, `${what}: probabilities`);
    compact.dispose();
    dense.dispose();
  }
});

test.run();
