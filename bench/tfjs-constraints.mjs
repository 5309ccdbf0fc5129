#!/usr/bin/env node
// The cost of sparseproj/tfjs's projection per training step, beside the step itself, on tfjs's cpu and wasm
// backends: a Dense d → 64 (ReLU) → 10 classifier with a bilevel ℓ1,∞ kernel constraint, batches of 64 rows.
//   npm run build && node bench/tfjs-constraints.mjs        (prints a Markdown table)
// step: await model.trainOnBatch (forward, backward, Adam, the loss read back); in place: ModelConstraints.apply() on
// the backend's own storage; copy: the same while another tensor shares the kernel's buffer
// (dataSync + assign(tensor(…))).
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { BilevelL1Inf, ModelConstraints } from "sparseproj/tfjs";

const require = createRequire(import.meta.url);
const wasm = await import("@tensorflow/tfjs-backend-wasm");
wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);

const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const timed = async (f) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

/** Median times of a step and of the projection right after it (the kernel has just left the ball). */
async function measure(step, project, repeats) {
  await step(); // warm-up: kernels compiled, buffers allocated
  project();
  const steps = [],
    projections = [];
  for (let i = 0; i < repeats; i++) {
    steps.push(await timed(step));
    projections.push(await timed(project));
  }
  return [median(steps), median(projections)];
}

console.log(`TensorFlow.js ${tf.version.tfjs}, Node ${process.version}, ${os.cpus()[0].model}`);
console.log(
  "\n| backend | d (kernel d × 64) | step | projection in place | projection through a copy |\n|---|---|---|---|---|",
);
for (const backend of ["cpu", "wasm"]) {
  await tf.setBackend(backend);
  for (const d of [100, 1000, 10000]) {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        units: 64,
        inputShape: [d],
        activation: "relu",
        kernelConstraint: new BilevelL1Inf({ radius: 1 }),
      }),
    );
    model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
    const x = tf.randomNormal([64, d]);
    const y = tf.oneHot(tf.randomUniform([64], 0, 10, "int32"), 10);
    const constraints = new ModelConstraints(model);
    const repeats = d >= 10000 && backend === "cpu" ? 5 : 20;
    const kernel = model.layers[0].kernel.read();
    const step = () => model.trainOnBatch(x, y);
    const [stepMs, inPlace] = await measure(step, () => constraints.apply(), repeats);
    const [, copy] = await measure(
      step,
      () => {
        const alias = kernel.clone(); // shares the kernel's buffer: apply() must not write it in place
        constraints.apply();
        alias.dispose();
      },
      repeats,
    );
    console.log(`| ${backend} | ${d} | ${stepMs.toFixed(2)} ms | ${inPlace.toFixed(3)} ms | ${copy.toFixed(3)} ms |`);
    tf.dispose([x, y]);
    model.dispose();
  }
}
