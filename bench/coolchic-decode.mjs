// Cool-chic-lite's decoding time per image, in Node (decodeImage on this thread) and in Chromium (web/decode.html,
// headless, the time the page measures around decodeImage), the same .cc files in one run. Medians of `runs`.
// Usage: node bench/coolchic-decode.mjs [runs] file.cc...   (npm run build first; Chromium as the web tests find it)
import { readFileSync } from "node:fs";
import { decodeImage, readCoolChicHeader } from "../dist/index.js";
import { decodeTimes } from "../test/web/decode.mjs";

const [runsArg, ...files] = process.argv.slice(2);
const runs = Number(runsArg);
if (!(runs >= 1) || !files.length) throw new Error("usage: node bench/coolchic-decode.mjs runs file.cc...");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const { width, height, channels, decoderParameters } = readCoolChicHeader(bytes);
  const node = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    decodeImage(bytes);
    node.push(performance.now() - start);
  }
  const chromium = await decodeTimes(file, runs);
  console.log(
    JSON.stringify({
      file,
      width,
      height,
      channels,
      decoderParameters,
      nodeMs: +median(node).toFixed(1),
      chromiumMs: +median(chromium).toFixed(1),
    }),
  );
}
