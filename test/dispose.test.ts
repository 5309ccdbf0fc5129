// Every exported dispose()/free() is idempotent, and every use afterwards throws one clear error instead of
// reading or writing memory that the module has handed to someone else.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { allocate, free, nn, optim, tensor, trainCompressor, trainSAE, trainVAE } from "../src/index.ts";
import { heap } from "../src/runtime/engine.ts";

const test = suite("dispose and free: idempotent, and a clear error after");

const rows = (n: number, d: number) =>
  Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => Math.sin(i * 7 + j) + (j < 2 ? i % 2 : 0)));
const labels = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? "b" : "a"));
const SAE = { hidden: [4], epochs: 2, seed: 1 };

/** Every call must throw an error naming the disposal, not a trap or a value read from reused memory. */
function assertAllThrowDisposed(calls: Record<string, () => unknown>): void {
  for (const [name, call] of Object.entries(calls)) {
    assert.throws(
      call,
      (e: Error) => /disposed|freed|released/.test(e.message) && !/out of bounds/.test(e.message),
      name,
    );
  }
}

test("SAEModel: dispose twice, then every method throws; the heap is intact (a retrain gives the same answer)", () => {
  const X = rows(16, 5),
    y = labels(16);
  const before = trainSAE(X, y, SAE).predictProba(X);
  const model = trainSAE(X, y, SAE);
  model.dispose();
  model.dispose();
  assertAllThrowDisposed({
    predict: () => model.predict(X),
    predictProba: () => model.predictProba(X),
    encode: () => model.encode(X),
    reconstruct: () => model.reconstruct(X),
    decode: () => model.decode([[0, 1]]),
    selectedFeatures: () => model.selectedFeatures(),
    toJSON: () => model.toJSON(),
    firstLayerWeight: () => model.firstLayerWeight,
  });
  const again = trainSAE(X, y, SAE);
  assert.equal(
    Array.from(again.predictProba(X)),
    Array.from(before),
    "same seed, same probabilities after a double dispose",
  );
  again.dispose();
  const block = allocate(1 << 16, "f32");
  block.array.fill(1);
  free(block);
});

test("VAEModel and Compressor: dispose twice, then every method throws", () => {
  const X = rows(12, 4);
  const vae = trainVAE(X, { hidden: 4, latent: 2, epochs: 1, batchSize: 4 });
  vae.dispose();
  vae.dispose();
  assertAllThrowDisposed({
    encode: () => vae.encode(X),
    decode: () => vae.decode([[0, 0]]),
    reconstruct: () => vae.reconstruct(X),
    generate: () => vae.generate(2),
    evaluate: () => vae.evaluate(X),
    toJSON: () => vae.toJSON(),
  });
  const images = Float32Array.from({ length: 8 * 28 * 28 }, (_, i) => (i % 29) / 29);
  const compressor = trainCompressor(images, { channels: 2, hidden: [2, 2], batchSize: 4, epochs: [1, 0] });
  compressor.dispose();
  compressor.dispose();
  assertAllThrowDisposed({ evaluate: () => compressor.evaluate(images), sparsity: () => compressor.sparsity() });
});

test("nn modules, parameters and optimizers: dispose twice is silent, use after throws", () => {
  const inUse = heap().usage.inUse;
  const layer = new nn.Linear(64, 64);
  const adam = new optim.Adam(layer.parameters());
  adam.dispose();
  adam.dispose();
  layer.dispose();
  layer.dispose();
  layer.weight.dispose();
  assert.is(heap().usage.inUse, inUse, "every block returned once");
  assertAllThrowDisposed({
    forward: () => layer.forward(tensor(new Float32Array(64), [1, 64])),
    stateDict: () => layer.stateDict(),
    step: () => adam.step(),
  });
  const next = new nn.Linear(64, 64);
  assert.is(next.weight.data.length, 4096, "the next allocation works");
  next.dispose();
});

test("WasmArray: free twice is silent, reading after throws", () => {
  const block = allocate(100, "f64");
  block.array[0] = 1;
  free(block);
  free(block);
  block.free();
  assert.ok(block.freed);
  assertAllThrowDisposed({ array: () => block.array });
});

test("the heap refuses to free a block twice rather than corrupt its free lists", () => {
  const h = heap();
  const ptr = h.alloc(64, "a test block");
  h.free(ptr);
  assert.throws(() => h.free(ptr), /freed twice/);
});

test.run();
