// Cool-chic-lite's fitting time per image in Node and in headless Chromium, the same crop, options and seed in one
// run: encodeImage on the calling thread, the step time (median interval between onProgress calls) and the whole
// encode (fit, the parameter precision search and the coding). Both run the plain SIMD kernels, so they do the same
// arithmetic and write the same bytes (checked); Chromium also runs with the kernels it picks itself (relaxed SIMD).
// Usage: node bench/coolchic-fit.mjs [image] [iterations] [lambda]   (npm run build first)
import { chromium } from "playwright-core";
import { encodeImage, init, kernelVariant } from "../dist/index.js";
import { ARGS, findChromium } from "../test/browser/run.mjs";
import { serve } from "../test/browser/server.mjs";
import { crop } from "./coolchic/crop.mjs";

const [name = "camera", iterationsArg = "100", lambdaArg = "0.001"] = process.argv.slice(2);
const options = { iterations: Number(iterationsArg), lambda: Number(lambdaArg) };
const image = crop(name);

/** Runs in Node and, serialised, in the page: one encode, timed. */
async function timeEncode(library, image, options) {
  const { encodeImage, kernelVariant } = library;
  const stamps = [];
  const start = performance.now();
  const bytes = encodeImage(image, { ...options, onProgress: () => stamps.push(performance.now()) });
  const seconds = (performance.now() - start) / 1000;
  const steps = stamps
    .slice(1)
    .map((t, i) => t - stamps[i])
    .sort((a, b) => a - b);
  let hash = 0;
  for (const b of bytes) hash = (Math.imul(hash, 31) + b) | 0;
  return { kernels: kernelVariant(), stepMs: steps[steps.length >> 1], seconds, bytes: bytes.length, hash };
}

await init({ kernels: "simd" });
const node = await timeEncode({ encodeImage, kernelVariant }, image, options);

const root = new URL("../", import.meta.url).pathname;
const server = await serve(root, { isolated: true });
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ARGS });
const inPage = async (kernels) => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/coolchic-fit.html`);
  const source = `(${timeEncode})`;
  return page.evaluate(
    async ({ source, kernels, image, options }) => {
      const library = await import("/dist/index.js");
      await library.init({ kernels });
      const data = Uint8Array.from(image.data);
      return (0, eval)(source)(library, { ...image, data }, options);
    },
    { source, kernels, image: { ...image, data: Array.from(image.data) }, options },
  );
};
let browserRuns;
try {
  browserRuns = [await inPage("simd"), await inPage("auto")];
} finally {
  await browser.close();
  await server.close();
}
const version = browser.version();
for (const [runtime, run] of [["node " + process.version, node], ...browserRuns.map((r) => ["chromium " + version, r])])
  console.log(JSON.stringify({ image: name, ...options, runtime, ...run }));
if (browserRuns[0].hash !== node.hash) console.error("the simd encodes differ between Node and Chromium");
