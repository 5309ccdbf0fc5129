// @ts-check
// The decoder page (web/decode.html): decodes a .cc stream with the package's decodeImage (or one or both
// descriptions of a multiple-description pair with decodeImageMdc), draws it, and when an original image is given,
// draws it beside and shows the PSNR. Decoding runs on this thread: a 256 × 256 stream takes a fraction of a second;
// the status line is painted before it starts.
import {
  CorruptStreamError,
  decodeImage,
  decodeImageMdc,
  readCoolChicHeader,
  readMdcHeader,
} from "../../dist/index.js";

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

/** An MDC description starts "CCM"; a single-description stream "CCL". */
const isDescription = (bytes) => bytes[0] === 0x43 && bytes[1] === 0x43 && bytes[2] === 0x4d;

/**
 * Decodes one .cc stream, or one or two MDC descriptions, and says what it decoded: the decoder's size is each
 * stream's own (a pair's two decoders are listed both).
 */
function decodeFiles(streams) {
  if (streams.length === 1 && !isDescription(streams[0])) {
    const header = readCoolChicHeader(streams[0]);
    return { image: decodeImage(streams[0]), kind: "", decoders: [header] };
  }
  if (!streams.every(isDescription))
    throw new RangeError("two files are decoded as the two descriptions of one pair; give .cc files one at a time");
  const headers = streams.map((bytes) => readMdcHeader(bytes));
  const kind =
    streams.length === 2
      ? "both descriptions (central)"
      : `description ${headers[0].description} of ${headers[0].descriptions} (side)`;
  return { image: decodeImageMdc(streams), kind, decoders: headers.map((h) => h.stream) };
}

$("cc-input").addEventListener("change", async (event) => {
  const files = [...(event.target.files ?? [])];
  if (!files.length) return;
  const names = files.map((f) => f.name).join(" + ");
  $("decode-error").textContent = "";
  $("decode-summary").textContent = `Decoding ${names}…`;
  decoded = null;
  showPsnr();
  const streams = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  await new Promise((resolve) => setTimeout(resolve, 0)); // paint the status first
  try {
    if (streams.length > 2) throw new RangeError("open one .cc file, or the two descriptions of an MDC pair");
    const start = performance.now();
    const { image, kind, decoders } = decodeFiles(streams);
    const ms = performance.now() - start;
    decoded = image;
    draw($("decoded"), decoded);
    const { width, height, channels } = decoded;
    const bytes = streams.reduce((sum, s) => sum + s.length, 0);
    const bpp = (8 * bytes) / (width * height);
    const sizes = decoders.map(
      (h) => `${h.decoderParameters} parameters, ${Math.round(h.macsPerPixel.total)} multiplications per pixel`,
    );
    $("decode-summary").dataset.decodeMs = String(ms);
    $("decode-summary").textContent =
      `${names}${kind ? `, ${kind}` : ""}: ${width} × ${height}, ${channels === 3 ? "RGB" : "grayscale"}, ` +
      `${bytes} bytes (${bpp.toFixed(3)} bits per pixel); ${decoders.length === 2 ? "decoders" : "decoder"}: ` +
      `${sizes.join("; ")}; decoded in ${ms.toFixed(0)} ms.`;
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
