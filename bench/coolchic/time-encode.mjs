// One timed encodeImage, for bench/coolchic-fit.mjs: imported by Node and by the page it drives in Chromium, so the
// two run the same code. `library` is the package's index module, initialised.

/** The kernels, the median step (interval between onProgress calls), the whole encode and a hash of its bytes. */
export function timeEncode(library, image, options) {
  const stamps = [];
  const start = performance.now();
  const bytes = library.encodeImage(image, { ...options, onProgress: () => stamps.push(performance.now()) });
  const seconds = (performance.now() - start) / 1000;
  const steps = stamps
    .slice(1)
    .map((t, i) => t - stamps[i])
    .sort((a, b) => a - b);
  let hash = 0;
  for (const b of bytes) hash = (Math.imul(hash, 31) + b) | 0;
  return { kernels: library.kernelVariant(), stepMs: steps[steps.length >> 1], seconds, bytes: bytes.length, hash };
}
