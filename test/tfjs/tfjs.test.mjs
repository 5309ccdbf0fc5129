// sparseproj/tfjs in Node, on TensorFlow.js's cpu backend and on its wasm backend where that loads.
// Run by test/run-all.mjs (runtime "tfjs") after `npm run build`: it imports the built package by name.
// The union package @tensorflow/tfjs is what registers the gradients in Node (tfjs-core's Node entry has none).
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  bilevelL11,
  bilevelL12,
  bilevelL1Inf,
  makeClassification,
  normL1Inf,
  projectL1Ball,
  projectL1Inf,
} from "sparseproj";
import {
  BilevelL11,
  BilevelL12,
  BilevelL1Inf,
  ConstraintCallback,
  L1Ball,
  L1Inf,
  Mask,
  ModelConstraints,
  minimizeConstrained,
  snapshotWeights,
} from "sparseproj/tfjs";

const require = createRequire(import.meta.url);

async function wasmLoads() {
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
    return await tf.setBackend("wasm");
  } catch (error) {
    console.log(`tfjs wasm backend did not load (${error.message}): cpu only`);
    return false;
  }
}
const backends = ["cpu", ...((await wasmLoads()) ? ["wasm"] : [])];

const ROUND = 1 + 1e-6; // a projected f32 kernel's norm, summed in f64, is η to f32 rounding
const bits = (a) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
const kernelOf = (layer) => layer.kernel.read();
const zeroRows = (k, rows, cols) =>
  Array.from({ length: rows }, (_, i) => k.subarray(i * cols, (i + 1) * cols).every((v) => v === 0)).filter(Boolean)
    .length;

function dense(d, units, kernelConstraint, seed = 1) {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units,
      inputShape: [d],
      activation: "relu",
      kernelConstraint,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 2,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

function data(n, d, seed = 0) {
  const { X, y } = makeClassification({
    nSamples: n,
    nFeatures: d,
    nInformative: 5,
    nRedundant: 0,
    flipY: 0,
    randomState: seed,
  });
  return { x: tf.tensor2d(Float32Array.from(X), [n, d]), y: tf.oneHot(tf.tensor1d(y, "int32"), 2) };
}

// A memory IOHandler: model.save writes the artifacts here, tf.io.fromMemory gives them back.
async function roundTrip(model) {
  let artifacts;
  await model.save(
    tf.io.withSaveHandler(
      async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }),
    ),
  );
  return {
    loaded: await tf.loadLayersModel(tf.io.fromMemory(artifacts)),
    topology: JSON.stringify(artifacts.modelTopology),
  };
}

const CLASSES = [
  [BilevelL1Inf, bilevelL1Inf],
  [BilevelL11, bilevelL11],
  [BilevelL12, bilevelL12],
  [L1Inf, projectL1Inf],
];

for (const backend of backends) {
  const test = suite(`tfjs ${backend}`);
  test.before(async () => {
    assert.ok(await tf.setBackend(backend), `tf.setBackend(${backend})`);
  });

  test(
    "tfjs's fit never applies a kernelConstraint; " +
      "with ConstraintCallback the kernel is in the ball after every batch",
    async () => {
      const d = 20,
        units = 8,
        radius = 0.5;
      const { x, y } = data(64, d);
      const plain = dense(d, units, new BilevelL1Inf({ radius }));
      await plain.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
      assert.ok(
        normL1Inf(kernelOf(plain.layers[0]).dataSync(), d, units, { axis: "rows" }) > 10 * radius,
        "fit alone leaves the kernel far outside the ball",
      );

      const model = dense(d, units, new BilevelL1Inf({ radius }));
      const norms = [];
      const record = new tf.CustomCallback({
        onBatchEnd: async () => norms.push(normL1Inf(kernelOf(model.layers[0]).dataSync(), d, units, { axis: "rows" })),
      });
      const callback = new ConstraintCallback();
      await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [callback, record] });
      assert.is(norms.length, 8);
      for (const norm of norms) assert.ok(norm <= radius * ROUND && norm > radius / ROUND, `‖W‖1,∞ = ${norm}`);
      assert.is(callback.constraints.timing.calls, 8);
      assert.is(callback.constraints.timing.path, "in place");
    },
  );

  test("tfjs's own constraints (maxNorm) are applied by the callback too", async () => {
    const d = 10,
      units = 4;
    const { x, y } = data(32, d);
    const model = dense(d, units, tf.constraints.maxNorm({ maxValue: 0.1, axis: 0 }));
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [new ConstraintCallback()] });
    const columnNorms = tf.norm(kernelOf(model.layers[0]), 2, 0).dataSync();
    for (const norm of columnNorms) assert.ok(norm <= 0.1 * ROUND, `column norm ${norm}`);
  });

  test("the constrained kernel is bit for bit sparseproj's projection of the same data, in place or via a copy", () => {
    const rows = 30,
      cols = 7,
      radius = 1.5;
    const raw = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * 3);
    for (const [Class, project] of [...CLASSES, [L1Ball, (v, _r, _c, eta) => projectL1Ball(v, eta)]]) {
      for (const axis of ["rows", "columns"]) {
        const constraint = new Class({ radius, axis });
        const expected = bits(project(raw, rows, cols, radius, { axis }));
        const model = dense(rows, cols, constraint);
        const constraints = new ModelConstraints(model);
        const variable = kernelOf(model.layers[0]);

        const t = tf.tensor2d(raw, [rows, cols]);
        variable.assign(t);
        t.dispose(); // the variable now owns its buffer alone: projected in place
        constraints.apply();
        assert.is(constraints.timing.path, "in place");
        assert.equal(bits(variable.dataSync()), expected, `${Class.className} ${axis}, in place`);

        const shared = tf.tensor2d(raw, [rows, cols]);
        variable.assign(shared); // a buffer shared with `shared`: must not change under it
        constraints.apply();
        assert.is(constraints.timing.path, "copy");
        assert.equal(bits(variable.dataSync()), expected, `${Class.className} ${axis}, copy`);
        assert.equal(bits(shared.dataSync()), bits(raw), "the other tensor on the buffer is untouched");

        const viaTfjs = constraint.apply(shared); // tfjs's own path: LayerVariable.write (setWeights, loading)
        assert.equal(bits(viaTfjs.dataSync()), expected, `${Class.className} ${axis}, Constraint.apply`);
        tf.dispose([shared, viaTfjs]);
        model.dispose();
      }
    }
  });

  test("double descent: project once, the zeros become the mask, rewind; masked entries stay exactly 0", async () => {
    const d = 20,
      units = 8,
      radius = 0.3;
    const { x, y } = data(64, d);
    const model = dense(d, units, new BilevelL1Inf({ radius }));
    const initial = snapshotWeights(model);
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 }); // phase 1: unconstrained
    const trained = kernelOf(model.layers[0]).dataSync().slice();
    const projected = bilevelL1Inf(trained, d, units, radius, { axis: "rows" });

    const constraints = new ModelConstraints(model);
    constraints.projectAndMask({ rewind: initial });
    const mask = constraints.mask(model.layers[0].kernel);
    assert.equal(
      Array.from(mask),
      Array.from(projected, (v) => (v === 0 ? 0 : 1)),
    );
    assert.ok(zeroRows(projected, d, units) > 0 && mask.includes(1));
    const start = kernelOf(model.layers[0]).dataSync();
    const init = initial[0].dataSync();
    for (let i = 0; i < mask.length; i++) assert.is(start[i], mask[i] ? init[i] : 0);
    assert.equal(bits(model.getWeights()[1].dataSync()), bits(initial[1].dataSync()), "every weight is rewound");

    // Phase 2 in a custom loop (masked gradients), then under fit (masked weights after each batch).
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.softmaxCrossEntropy(y, model.predict(x));
    for (let step = 0; step < 5; step++) minimizeConstrained(optimizer, constraints, loss);
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 16,
      verbose: 0,
      callbacks: [new ConstraintCallback({ constraints })],
    });
    const after = kernelOf(model.layers[0]).dataSync();
    for (let i = 0; i < mask.length; i++)
      if (!mask[i]) assert.ok(Object.is(after[i], 0), `masked entry ${i} is ${after[i]}`);
    assert.ok(
      after.some((v, i) => mask[i] && v !== start[i]),
      "the unmasked entries trained",
    );
    assert.is(zeroRows(after, d, units), zeroRows(projected, d, units));
    tf.dispose(initial);
  });

  test("save and load keep the constraints; a model with 90% of inputs removed classifies held-out rows", async () => {
    // 100 features, 5 informative: double descent with rewind (as trainSAE) on 400 rows, accuracy on 200 others.
    const d = 100,
      units = 16,
      n = 600,
      train = 400;
    const { x, y } = data(n, d);
    const [xTrain, xTest] = [x.slice([0, 0], [train, d]), x.slice([train, 0], [n - train, d])];
    const [yTrain, yTest] = [y.slice([0, 0], [train, 2]), y.slice([train, 0], [n - train, 2])];
    const model = dense(d, units, new BilevelL1Inf({ radius: 0.5 }));
    const initial = snapshotWeights(model);
    await model.fit(xTrain, yTrain, { epochs: 20, batchSize: 32, verbose: 0, shuffle: false });
    const constraints = new ModelConstraints(model);
    constraints.projectAndMask({ rewind: initial });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
    await model.fit(xTrain, yTrain, {
      epochs: 20,
      batchSize: 32,
      verbose: 0,
      shuffle: false,
      callbacks: [new ConstraintCallback({ constraints })],
    });
    const removed = zeroRows(kernelOf(model.layers[0]).dataSync(), d, units) / d;
    const accuracy = (await model.evaluate(xTest, yTest)[1].data())[0];
    assert.ok(removed >= 0.8, `${(removed * 100).toFixed(0)}% of the inputs removed`);
    assert.ok(accuracy >= 0.8, `held-out accuracy ${accuracy}`);

    // The projection's constraint became the Mask, which saves with the model; tfjs writes loaded weights through
    // their constraints, and the mask leaves the trained entries as they are.
    const { loaded, topology } = await roundTrip(model);
    assert.ok(topology.includes('"kernel_constraint":{"class_name":"sparseproj>Mask"'));
    const mask = loaded.layers[0].kernelConstraint;
    assert.instance(mask, Mask);
    assert.is(loaded.layers[0].kernel.constraint, mask);
    assert.is(loaded.layers[1].kernelConstraint, null);
    assert.equal(bits(kernelOf(loaded.layers[0]).dataSync()), bits(kernelOf(model.layers[0]).dataSync()));
    assert.equal(bits(loaded.predict(xTest).dataSync()), bits(model.predict(xTest).dataSync()));
    tf.dispose([x, y, initial]);
  });

  test("every constraint class survives a save/load round trip with its configuration", async () => {
    const model = tf.sequential();
    const given = [
      new BilevelL1Inf({ radius: 1 }),
      new BilevelL11({ radius: 2, axis: "columns" }),
      new BilevelL12({ radius: 3 }),
      new L1Inf({ radius: 4, axis: "columns" }),
      new L1Ball({ radius: 5 }),
    ];
    given.forEach((kernelConstraint, i) =>
      model.add(tf.layers.dense({ units: 4, kernelConstraint, ...(i === 0 ? { inputShape: [4] } : {}) })),
    );
    const { loaded } = await roundTrip(model);
    loaded.layers.forEach((layer, i) => {
      assert.is(layer.kernelConstraint.constructor, given[i].constructor);
      assert.equal(layer.kernelConstraint.getConfig(), given[i].getConfig());
    });
    new ModelConstraints(loaded).apply();
  });

  test("bad configuration fails loudly: a radius below zero, a matrix constraint on a 4-D kernel", async () => {
    for (const radius of [-1, Number.NaN, Infinity, undefined]) {
      assert.throws(
        () => new BilevelL1Inf({ radius }),
        (e) => e instanceof RangeError && /BilevelL1Inf: radius must be a finite number ≥ 0/.test(e.message),
      );
    }
    assert.throws(
      () => tf.layers.dense({ units: 2, kernelConstraint: new L1Ball({ radius: -0.5 }) }),
      /L1Ball: radius must be a finite number ≥ 0; got -0.5/,
    );
    assert.throws(() => new BilevelL12({ radius: 1, axis: "features" }), /axis must be 'rows' or 'columns'/);

    const conv = () => {
      const model = tf.sequential();
      model.add(
        tf.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 4,
          kernelSize: 3,
          kernelConstraint: new L1Inf({ radius: 1 }),
        }),
      );
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
      model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
      return model;
    };
    const wrongRank = /L1Inf constraint on conv2d\S*\/kernel: needs a 2-D weight .*got shape \[3, 3, 1, 4\]/;
    assert.throws(() => new ModelConstraints(conv()), wrongRank);
    const model = conv();
    const before = bits(kernelOf(model.layers[0]).dataSync());
    let error = null;
    try {
      await model.fit(tf.zeros([4, 6, 6, 1]), tf.oneHot(tf.tensor1d([0, 1, 0, 1], "int32"), 2), {
        epochs: 1,
        verbose: 0,
        callbacks: [new ConstraintCallback()],
      });
    } catch (e) {
      error = e;
    }
    assert.match(String(error?.message), wrongRank);
    assert.equal(bits(kernelOf(model.layers[0]).dataSync()), before, "fit stopped before its first step");
    assert.throws(
      () => model.setWeights(model.getWeights().map((w) => w.clone())),
      wrongRank,
      "tfjs's own write path throws too",
    );
  });

  test(
    "a Conv2D kernel [kh, kw, in, filters] grouped by input channel " +
      "is projected into the bilevel ball, losing whole channels",
    async () => {
      const model = tf.sequential();
      model.add(
        tf.layers.conv2d({
          inputShape: [6, 6, 5],
          filters: 4,
          kernelSize: 3,
          kernelConstraint: new BilevelL1Inf({ radius: 0.5 }),
        }),
      );
      // Channel c's entries at most m_c in magnitude: the ℓ1 step on (0.5, 0.05, 0.3, 0.02, 0.4) with η = 0.5 has
      // τ = 0.7/3, so channels 1 and 3 go and the others are clipped to 0.5 − τ, 0.3 − τ, 0.4 − τ.
      const peak = [0.5, 0.05, 0.3, 0.02, 0.4];
      const kernel = Float32Array.from(
        { length: 9 * 5 * 4 },
        (_, i) => peak[Math.floor(i / 4) % 5] * (i % 3 === 0 ? 1 : -0.5),
      );
      model.layers[0].setWeights([tf.tensor4d(kernel, [3, 3, 5, 4]), model.layers[0].getWeights()[1]]);
      const constraints = new ModelConstraints(model);
      constraints.apply();
      const w = kernelOf(model.layers[0]).dataSync();
      // [3·3, 5 channels, 4 filters]: channel c is the slice w[:, c, :].
      const channelMax = Array.from({ length: 5 }, (_, c) => {
        let m = 0;
        for (let p = 0; p < 9; p++) for (let f = 0; f < 4; f++) m = Math.max(m, Math.abs(w[(p * 5 + c) * 4 + f]));
        return m;
      });
      const tau = 0.7 / 3;
      [0.5 - tau, 0, 0.3 - tau, 0, 0.4 - tau].forEach((expected, c) =>
        assert.ok(Math.abs(channelMax[c] - expected) < 1e-6, `channel ${c}: ${channelMax[c]} vs ${expected}`),
      );
      if (backend === "cpu") {
        // tfjs-wasm has no Conv2DBackpropFilter kernel: training a Conv2D runs on the cpu backend only.
        model.add(tf.layers.flatten());
        model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
        model.compile({ optimizer: tf.train.adam(0.05), loss: "categoricalCrossentropy" });
        const x = tf.randomNormal([8, 6, 6, 5], 0, 1, "float32", 3),
          y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], "int32"), 2);
        await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [new ConstraintCallback()] });
        const trained = kernelOf(model.layers[0]).dataSync();
        const norm = Array.from({ length: 5 }, (_, c) =>
          Math.max(
            ...Array.from({ length: 36 }, (_, q) => Math.abs(trained[(Math.floor(q / 4) * 5 + c) * 4 + (q % 4)])),
          ),
        ).reduce((a, b) => a + b, 0);
        assert.ok(norm <= 0.5 * ROUND, `after fit: Σ_c max |w| = ${norm}`);
        tf.dispose([x, y]);
      }
    },
  );

  test.run();
}
