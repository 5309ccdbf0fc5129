// @ts-check
// The decoder page (web/decode.html): decodes a .cc stream with the package's decodeImage, draws it, and when an
// original image is given, draws it beside and shows the PSNR. Decoding runs on this thread: a 256 × 256 stream
// takes a fraction of a second; the status line is painted before it starts.
import { CorruptStreamError, decodeImage, readCoolChicHeader } from "../../dist/index.js";

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);

/** @type {{ width: number, height: number, channels: number, data: Uint8Array } | null} */
let decoded = null;
/** @type {ImageData | null} */
let original = null;

/** Draws 8-bit pixels (1 or 3 channels, interleaved) on a canvas. */
function draw(canvas, { width, height, channels, data }) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  const rgba = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba.data[4 * i + c] = data[i * channels + (channels === 3 ? c : 0)];
    rgba.data[4 * i + 3] = 255;
  }
  ctx.putImageData(rgba, 0, 0);
}

/** PSNR in dB of the decoded samples against the original's (its red channel for a grayscale stream), or a reason. */
function psnr(image, reference) {
  if (image.width !== reference.width || image.height !== reference.height)
    return (
      `The original is ${reference.width} × ${reference.height}; ` + `the stream is ${image.width} × ${image.height}.`
    );
  const { width, height, channels, data } = image;
  let se = 0;
  for (let i = 0; i < width * height; i++) {
    if (channels === 1) {
      const [r, g, b] = reference.data.subarray(4 * i, 4 * i + 3);
      if (r !== g || g !== b) return "The original is in colour; the stream is grayscale.";
    }
    for (let c = 0; c < channels; c++) se += (data[i * channels + c] - reference.data[4 * i + c]) ** 2;
  }
  const mse = se / (width * height * channels);
  return mse === 0 ? "PSNR: ∞ (identical)" : `PSNR: ${(10 * Math.log10((255 * 255) / mse)).toFixed(2)} dB`;
}

function showPsnr() {
  $("psnr").textContent = decoded && original ? psnr(decoded, original) : "";
}

$("cc-input").addEventListener("change", async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  $("decode-error").textContent = "";
  $("decode-summary").textContent = `Decoding ${file.name}…`;
  decoded = null;
  showPsnr();
  const bytes = new Uint8Array(await file.arrayBuffer());
  await new Promise((resolve) => setTimeout(resolve, 0)); // paint the status first
  try {
    const header = readCoolChicHeader(bytes);
    const start = performance.now();
    decoded = decodeImage(bytes);
    const ms = performance.now() - start;
    draw($("decoded"), decoded);
    const { width, height, channels } = decoded;
    const bpp = (8 * bytes.length) / (width * height);
    $("decode-summary").dataset.decodeMs = String(ms);
    $("decode-summary").textContent =
      `${file.name}: ${width} × ${height}, ${channels === 3 ? "RGB" : "grayscale"}, ${bytes.length} bytes ` +
      `(${bpp.toFixed(3)} bits per pixel); decoder of ${header.decoderParameters} parameters, ` +
      `${Math.round(header.macsPerPixel.total)} multiplications per pixel; decoded in ${ms.toFixed(0)} ms.`;
  } catch (error) {
    const what = error instanceof CorruptStreamError ? "Not a valid .cc stream" : "Could not decode";
    $("decode-summary").textContent = "No image decoded.";
    $("decode-error").textContent = `${what}: ${error.message}`;
  }
  showPsnr();
});

$("original-input").addEventListener("change", async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  $("decode-error").textContent = "";
  try {
    const bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
    const canvas = $("original");
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    original = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    $("original-figure").hidden = false;
  } catch (error) {
    original = null;
    $("original-figure").hidden = true;
    $("decode-error").textContent = `Could not read ${file.name} as an image: ${error.message}`;
  }
  showPsnr();
});
