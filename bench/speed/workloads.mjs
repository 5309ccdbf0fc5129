// The shapes bench/speed.mjs times, shared by our side (ours.mjs) and PyTorch's (torch_speed.py reads them as JSON).
// An epoch is `rows / batch` steps; a step's time is the median over rounds of `perRound` steps, after `warmup`.
// The data are fixed pseudo-random values in [0, 1) (speed does not depend on them: no subnormals, no zeros).
export const WORKLOADS = {
  // The anchor compressor (hidden [16, 32], 8 latent channels, 14 217 parameters) on 28 × 28 images, batch 64, an
  // epoch of 8000 images as bench/reference/conv-run.mjs trains: MSE of the noisy latent's decoding + 1e-4·mean|y|.
  conv: { features: 784, batch: 64, rows: 8000, batches: 4, warmup: 3, perRound: 4 },
  // The Huber-energy VAE 784 → 256 → 8 (ReLU), decoder mirrored then sigmoid, batch 128, 8000 rows.
  vae: { features: 784, hidden: 256, latent: 8, batch: 128, rows: 8000, batches: 4, warmup: 5, perRound: 10 },
  // The supervised autoencoder 1000 → 100 → 2 (SiLU), batch 8, 750 rows (bench/train.mjs's problem).
  sae: { features: 1000, hidden: 100, latent: 2, batch: 8, rows: 750, batches: 8, warmup: 20, perRound: 40 },
  // The same network 100 000 features wide, batch 32, 1000 rows: the first layer is compute-bound.
  wide: { features: 100000, hidden: 100, latent: 2, batch: 32, rows: 1000, batches: 2, warmup: 2, perRound: 3 },
};

/** The products of the workloads' steps, [form, m, n, k], plus bench/matmul-speed.mjs's layer shapes. */
export const MATMUL_SHAPES = [
  ["NT", 8, 100, 1000],
  ["TN", 100, 1000, 8],
  ["NN", 8, 1000, 100],
  ["NT", 256, 100, 1000],
  ["TN", 100, 1000, 256],
  ["NN", 256, 1000, 100],
  ["NT", 128, 256, 784],
  ["TN", 256, 784, 128],
  ["NN", 128, 784, 256],
  ["NN", 16, 196, 288],
  ["NT", 16, 288, 196],
  ["TN", 288, 196, 16],
  ["NN", 32, 49, 144],
  ["NT", 32, 100, 100000],
  ["TN", 100, 100000, 32],
  ["NN", 32, 100000, 100],
];

export function makeData(w) {
  const values = new Float32Array(w.batches * w.batch * w.features);
  let s = 12345;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    values[i] = (s >>> 8) / 2 ** 24;
  }
  return values;
}

/** The crossover sweep: 64 × s × s products (NN, as a batch of 64 through an s → s layer), 2·64·s² flops each. */
export const CROSSOVER_SHAPES = [8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256].map((s) => ["NN", 64, s, s]);
