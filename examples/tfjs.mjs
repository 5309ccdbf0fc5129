// TensorFlow.js with sparseproj's constraints: a Dense layer trained inside the bilevel ℓ1,∞ ball, and double
// descent (train, project once, hold the zeros, rewind, train again) selecting the few informative input features.
//   npm install sparseproj @tensorflow/tfjs && node examples/tfjs.mjs
// Exits non-zero unless the kernel stays in the ball, ≥ 80% of the inputs are removed and
// held-out accuracy is ≥ 80%.
import * as tf from "@tensorflow/tfjs";
import { makeClassification, normL1Inf } from "sparseproj";
import { BilevelL1Inf, ConstraintCallback, ModelConstraints, snapshotWeights } from "sparseproj/tfjs";

// 600 rows, 100 features of which 5 carry the classes; 400 rows to train, 200 to test.
const n = 600,
  d = 100,
  train = 400;
const { X, y } = makeClassification({
  nSamples: n,
  nFeatures: d,
  nInformative: 5,
  nRedundant: 0,
  flipY: 0,
  randomState: 0,
});
const xs = tf.tensor2d(Float32Array.from(X), [n, d]);
const ys = tf.oneHot(tf.tensor1d(y, "int32"), 2);
const [xTrain, xTest] = [xs.slice([0, 0], [train, d]), xs.slice([train, 0], [n - train, d])];
const [yTrain, yTest] = [ys.slice([0, 0], [train, 2]), ys.slice([train, 0], [n - train, 2])];

// A Dense kernel is [inputs, units]: the constraint's groups are its rows, one per input feature.
function classifier() {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 16,
      inputShape: [d],
      activation: "relu",
      kernelConstraint: new BilevelL1Inf({ radius: 0.5 }),
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(
    tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  );
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}
const fitOptions = { epochs: 20, batchSize: 32, verbose: 0, shuffle: false };
const kernelOf = (model) => model.layers[0].kernel.read();
const accuracyOf = async (model) => (await model.evaluate(xTest, yTest)[1].data())[0];

// 1. Projected training: the callback projects the kernel onto the ball after every batch (tfjs alone never
//    applies a kernelConstraint during fit).
const projected = classifier();
const callback = new ConstraintCallback();
const started = performance.now();
await projected.fit(xTrain, yTrain, { ...fitOptions, callbacks: [callback] });
const { calls, milliseconds, path } = callback.constraints.timing;
const norm = normL1Inf(kernelOf(projected).dataSync(), d, 16, { axis: "rows" });
console.log(
  `projected: ‖W‖1,∞ = ${norm.toFixed(4)} ≤ 0.5; a step ` +
    `${((performance.now() - started) / calls).toFixed(2)} ms, of which the projection ` +
    `${(milliseconds / calls).toFixed(3)} ms (${tf.getBackend()}, ${path})`,
);

// 2. Double descent (as the package's trainSAE): train, project once, hold the zeros as a mask (it replaces the
//    layer's constraint, so the model saves with it), rewind to the initial weights, train again.
const model = classifier();
const initial = snapshotWeights(model);
await model.fit(xTrain, yTrain, fitOptions);
const constraints = new ModelConstraints(model);
constraints.projectAndMask({ rewind: initial });
model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
await model.fit(xTrain, yTrain, { ...fitOptions, callbacks: [new ConstraintCallback({ constraints })] });

const kept = kernelOf(model)
  .arraySync()
  .flatMap((row, feature) => (row.some((v) => v !== 0) ? [feature] : []));
const removed = 1 - kept.length / d;
const accuracy = await accuracyOf(model);
console.log(
  `double descent: inputs kept ${kept.length} of ${d} (${(removed * 100).toFixed(0)}% removed): [${kept.join(", ")}]`,
);
console.log(
  `held-out accuracy: ${accuracy.toFixed(3)} (projected training alone: ${(await accuracyOf(projected)).toFixed(3)})`,
);
if (!(norm <= 0.5 * (1 + 1e-6) && removed >= 0.8 && accuracy >= 0.8)) {
  console.error("expected the projected kernel in the ball, ≥ 80% of the inputs removed and ≥ 80% accuracy");
  process.exit(1);
}
