// The training benchmark's problem, shared by sparseproj's run (bench/train.mjs) and the TensorFlow.js baseline
// (tfjs_sae.mjs), and mirrored bit for bit by torch_sae.py: data, shuffles and initial weights all come from
// one seeded mulberry32 generator, so the three train the same network on the same batches and their
// per-epoch losses can be compared.
export const N_ROWS = 750,
  D = 1000,
  HIDDEN = 100,
  K = 2;
export const BATCH = 8;
export const LR = 1e-3,
  BETA1 = 0.9,
  BETA2 = 0.999,
  EPS = 1e-8;
export const SHIFTED_FEATURES = 20,
  SHIFT = 1.0;
export const LAMBDA_RECON = 1.0;
/** The layers as [out, in], in the order encoder.0, encoder.2, decoder.0, decoder.2. */
export const LAYERS = [
  [HIDDEN, D],
  [K, HIDDEN],
  [HIDDEN, K],
  [D, HIDDEN],
];

export function mulberry32(a) {
  a |= 0;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Box-Muller, one value per pair of uniforms.
  const normal = () => {
    const u1 = 1 - random();
    const u2 = random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { random, normal };
}

/** Labels alternate 0/1; x = N(0,1) noise, +SHIFT (class 1) / -SHIFT (class 0) on the first 20 features. */
export function makeData(seed) {
  const rng = mulberry32(seed);
  const x64 = new Float64Array(N_ROWS * D); // add the shift in double precision as Python does, then round once
  for (let i = 0; i < x64.length; i++) x64[i] = rng.normal();
  const labels = new Int32Array(N_ROWS);
  const onehot = new Float32Array(N_ROWS * K);
  for (let i = 0; i < N_ROWS; i++) {
    labels[i] = i % 2;
    onehot[i * K + labels[i]] = 1;
    const shift = labels[i] === 1 ? SHIFT : -SHIFT;
    for (let j = 0; j < SHIFTED_FEATURES; j++) x64[i * D + j] += shift;
  }
  return { x: Float32Array.from(x64), labels, onehot };
}

/** Fisher-Yates with the shared generator (same order as the Python script). */
export function permutation(rng, n) {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** nn.Linear's default init, U(±1/√fan_in) for weight and bias, from the shared generator: [{ w, b }] per layer. */
export function initialWeights(seed) {
  const rng = mulberry32(seed);
  return LAYERS.map(([outF, inF]) => {
    const bound = 1 / Math.sqrt(inF);
    const w = Float32Array.from({ length: outF * inF }, () => (2 * rng.random() - 1) * bound);
    const b = Float32Array.from({ length: outF }, () => (2 * rng.random() - 1) * bound);
    return { w, b };
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
