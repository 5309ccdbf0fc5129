// Cool-chic-lite's fitting time per image in Node and in headless Chromium, the same crop, options and seed in one
// run: encodeImage on the calling thread, the step time (median interval between onProgress calls) and the whole
// encode (fit, the parameter precision search and the coding). Both run the plain SIMD kernels, so they do the same
// arithmetic and write the same bytes (checked); Chromium also runs with the kernels it picks itself (relaxed SIMD).
// Usage: node bench/coolchic-fit.mjs [image] [iterations] [lambda]   (npm run build first)
import { chromium } from "playwright-core";
import * as library from "../dist/index.js";
import { ARGS, findChromium } from "../test/browser/run.mjs";
import { serve } from "../test/browser/server.mjs";
import { crop } from "./coolchic/crop.mjs";
import { timeEncode } from "./coolchic/time-encode.mjs";

const [name = "camera", iterationsArg = "100", lambdaArg = "0.001"] = process.argv.slice(2);
const options = { iterations: Number(iterationsArg), lambda: Number(lambdaArg) };
const image = crop(name);

await library.init({ kernels: "simd" });
const node = timeEncode(library, image, options);

const root = new URL("../", import.meta.url).pathname;
const server = await serve(root, { isolated: true });
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ARGS });
const inPage = async (kernels) => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/coolchic-fit.html`);
  return page.evaluate(
    async ({ kernels, image, options }) => {
      const library = await import("/dist/index.js");
      const { timeEncode } = await import("/bench/coolchic/time-encode.mjs");
      await library.init({ kernels });
      return timeEncode(library, { ...image, data: Uint8Array.from(image.data) }, options);
    },
    { kernels, image: { ...image, data: Array.from(image.data) }, options },
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
