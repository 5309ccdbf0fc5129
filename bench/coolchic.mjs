// Cool-chic-lite's rate–distortion measurements (docs/coolchic.md): 256 × 256 centre crops of scikit-image's
// photographs, coded by encodeImage at several λ (dense and double-descent sparse), and by JPEG and WebP (Debian's
// cjpeg/cwebp) over their quality ranges. Prints one JSON line per point.
// Usage: node bench/coolchic.mjs codec <image> <lambda,...> [iterations] [sparse JSON or null] [options JSON]
//        node bench/coolchic.mjs mdc <image> <lambda,...> [iterations] [sparse JSON or null] [options JSON]
//        node bench/coolchic.mjs baseline <image>
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crop, SIDE } from "./coolchic/crop.mjs";
// COOLCHIC_DIST: another build of the package to measure (a copy of dist/ kept while the source changes).
const { decodeImage, decodeImageMdc, encodeImage, encodeImageMdc, readCoolChicHeader, readMdcHeader } = await import(
  process.env.COOLCHIC_DIST ?? "../dist/index.js"
);

const dir = mkdtempSync(join(tmpdir(), "coolchic-"));

const psnr = (a, b) => {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
};

function netpbm(image) {
  const magic = image.channels === 3 ? "P6" : "P5";
  const head = Buffer.from(`${magic}\n${image.width} ${image.height}\n255\n`);
  return Buffer.concat([head, Buffer.from(image.data)]);
}

function readNetpbm(bytes) {
  const text = bytes.subarray(0, 64).toString("latin1");
  const m = /^(P[56])\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text);
  return bytes.subarray(m[0].length);
}

const [mode, name, lambdas, iterations = "400", sparse, extra] = process.argv.slice(2);
const image = crop(name);
const pixels = SIDE * SIDE;
if (mode === "baseline") {
  const source = join(dir, "in.pnm");
  writeFileSync(source, netpbm(image));
  for (const q of [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95]) {
    const jpg = join(dir, "out.jpg");
    execFileSync("cjpeg", ["-quality", String(q), "-optimize", "-outfile", jpg, source], { stdio: "ignore" });
    const decoded = readNetpbm(execFileSync("djpeg", ["-pnm", jpg], { maxBuffer: 1 << 24 }));
    const size = readFileSync(jpg).length;
    console.log(
      JSON.stringify({ image: name, codec: "jpeg", q, bpp: (8 * size) / pixels, psnr: psnr(image.data, decoded) }),
    );
    const webp = join(dir, "out.webp"),
      back = join(dir, "back.pnm");
    execFileSync("cwebp", ["-quiet", "-q", String(q), "-m", "6", source, "-o", webp]);
    execFileSync("dwebp", ["-quiet", webp, "-ppm", "-o", back]);
    let decodedWebp = readNetpbm(readFileSync(back));
    if (image.channels === 1) decodedWebp = decodedWebp.filter((_, i) => i % 3 === 0); // dwebp writes RGB
    const wsize = readFileSync(webp).length;
    console.log(
      JSON.stringify({ image: name, codec: "webp", q, bpp: (8 * wsize) / pixels, psnr: psnr(image.data, decodedWebp) }),
    );
  }
} else if (mode === "mdc") {
  // Two descriptions (encodeImageMdc): each side's rate and PSNR alone, and the central PSNR from both.
  for (const lambda of lambdas.split(",").map(Number)) {
    const options = {
      lambda,
      iterations: Number(iterations),
      sparse: sparse && sparse !== "null" ? JSON.parse(sparse) : null,
      ...(extra ? JSON.parse(extra) : {}),
    };
    const curve = [];
    const onProgress = (e) => {
      if (e.iteration % Math.max(1, Math.round(e.iterations / 20)) === 0)
        curve.push([e.phase, e.iteration, +e.loss.toPrecision(4), ...e.sideBitsPerPixel.map((b) => +b.toFixed(4))]);
    };
    let t = performance.now();
    const streams = encodeImageMdc(image, { ...options, onProgress });
    const fitSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const central = decodeImageMdc(streams);
    const decodeSeconds = (performance.now() - t) / 1000;
    const sides = streams.map((s) => {
      const h = readMdcHeader(s).stream;
      return {
        bpp: (8 * s.length) / pixels,
        psnr: psnr(image.data, decodeImageMdc([s]).data),
        decoderParameters: h.decoderParameters,
        macsPerPixel: h.macsPerPixel.total,
        keptGrids: h.keptGrids,
        keptContext: h.keptContext.length,
      };
    });
    console.log(
      JSON.stringify({
        image: name,
        codec: options.sparse ? "mdc-sparse" : "mdc",
        ...options,
        sides,
        centralPsnr: psnr(image.data, central.data),
        bpp: sides[0].bpp + sides[1].bpp,
        fitSeconds,
        decodeSeconds,
        curve,
      }),
    );
  }
} else {
  for (const lambda of lambdas.split(",").map(Number)) {
    const options = {
      lambda,
      iterations: Number(iterations),
      sparse: sparse ? JSON.parse(sparse) : null,
      ...(extra ? JSON.parse(extra) : {}),
    };
    // The loss curve, sampled 20 times a phase: whether the rate has settled by the end of the fit.
    const curve = [];
    const onProgress = (e) => {
      if (e.iteration % Math.max(1, Math.round(e.iterations / 20)) === 0)
        curve.push([e.phase, e.iteration, +e.loss.toPrecision(4), +e.bitsPerPixel.toFixed(4), +e.psnr.toFixed(2)]);
    };
    let t = performance.now();
    const bytes = encodeImage(image, { ...options, onProgress });
    const fitSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const decoded = decodeImage(bytes);
    const decodeSeconds = (performance.now() - t) / 1000;
    const h = readCoolChicHeader(bytes);
    console.log(
      JSON.stringify({
        image: name,
        codec: options.sparse ? "coolchic-sparse" : "coolchic",
        ...options,
        bpp: (8 * bytes.length) / pixels,
        psnr: psnr(image.data, decoded.data),
        bytes: bytes.length,
        parameterBytes: h.parameterBytes,
        decoderParameters: h.decoderParameters,
        macsPerPixel: h.macsPerPixel,
        keptGrids: h.keptGrids,
        keptContext: h.keptContext.length,
        synthesisHidden: h.synthesisHidden,
        armHidden: h.armHidden,
        fitSeconds,
        decodeSeconds,
        curve,
      }),
    );
  }
}
