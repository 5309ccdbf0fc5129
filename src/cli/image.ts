// `sparseproj image encode|decode`: a PNG to a Cool-chic-lite .cc stream (src/coolchic) and back. PNG is read and
// written with fast-png (already a dependency: pure JavaScript, so the CLI needs no native image library). Fitting
// runs synchronously for seconds to minutes, so the progress bar is redrawn from the fitting callback.
import { readFileSync } from "node:fs";
import { convertIndexedToRgb, decode, encode } from "fast-png";
import { MultiBar } from "cli-progress";
import { CorruptStreamError, decodeImage, encodeImage, readCoolChicHeader } from "../coolchic/codec.ts";
import type { FitProgress, ImagePixels, SparseOptions } from "../coolchic/codec.ts";
import { DataError } from "../io/table.ts";
import { checkFileDestination, reportStream, writeFile } from "./output.ts";

export interface ImageEncodeCommand {
  file: string;
  out: string;
  lambda: number;
  iterations: number;
  levels: number;
  seed: number;
  sparse: SparseOptions | null;
  json: boolean;
}

export interface ImageDecodeCommand {
  file: string;
  out: string;
  maxPixels: number;
  json: boolean;
}

/** A PNG's pixels as 8-bit grayscale or RGB: palettes expanded, 16-bit samples rounded, alpha dropped. */
export function readPng(file: string): ImagePixels {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall) throw error;
    throw new DataError(`not a readable PNG (${(error as Error).message})`, { file });
  }
  const { width, height, depth } = png;
  let channels = png.channels;
  let samples: ArrayLike<number> = png.data;
  let max = depth === 16 ? 65535 : 255;
  if (png.palette) {
    try {
      samples = convertIndexedToRgb(png); // unpacks 1-, 2- and 4-bit indices too
    } catch (error) {
      throw new DataError(`its palette does not cover its pixels (${(error as Error).message})`, { file });
    }
    channels = png.palette[0].length;
  } else if (depth < 8) {
    // Grayscale of 1, 2 or 4 bits: samples packed into bytes, each row starting on a byte.
    const rowBytes = Math.ceil((width * depth) / 8),
      unpacked = new Uint8Array(width * height);
    max = 2 ** depth - 1;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const bit = x * depth;
        unpacked[y * width + x] = (png.data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
      }
    samples = unpacked;
  }
  const out = channels >= 3 ? 3 : 1;
  const data = new Uint8Array(width * height * out);
  for (let i = 0; i < width * height; i++)
    for (let c = 0; c < out; c++) data[i * out + c] = Math.round((samples[i * channels + c] * 255) / max);
  return { width, height, channels: out, data };
}

export const psnr = (a: Uint8Array, b: Uint8Array): number => {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / (se / a.length));
};

/** A bar on stderr for the fitting steps (only on a terminal). */
function fittingBar(total: number, stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bars = new MultiBar({ stream, hideCursor: false, clearOnComplete: true, barsize: 30, gracefulExit: false });
  const bar = bars.create(
    total,
    0,
    { info: "" },
    { format: "{bar} {value}/{total} steps · ETA {eta_formatted}{info}" },
  );
  let last = 0;
  return {
    update(step: number, info: string) {
      bar.update(step, { info });
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        bars.update();
      }
    },
    stop: () => bars.stop(),
  };
}

/** The command's fitting options, with a progress callback that advances the bar by every step. */
interface FitOptions<E extends FitProgress> {
  lambda: number;
  iterations: number;
  levels: number;
  seed: number;
  sparse: SparseOptions | null;
  onProgress: (event: E) => void;
}

/** Runs an encoder with the command's fitting options and a progress bar; returns its result and the seconds. */
export function fitWithBar<E extends FitProgress, R>(
  c: ImageEncodeCommand,
  run: (options: FitOptions<E>) => R,
  info: (event: E) => string,
): { result: R; seconds: number } {
  const total = c.iterations + (c.sparse ? (c.sparse.iterations ?? c.iterations) : 0);
  const bar = fittingBar(total);
  const started = performance.now();
  try {
    const result = run({
      lambda: c.lambda,
      iterations: c.iterations,
      levels: c.levels,
      seed: c.seed,
      sparse: c.sparse,
      onProgress: (e) => bar.update((e.phase === "sparse" ? c.iterations : 0) + e.iteration, info(e)),
    });
    return { result, seconds: (performance.now() - started) / 1000 };
  } finally {
    bar.stop();
  }
}

export function runImageEncode(c: ImageEncodeCommand): void {
  checkFileDestination(c.out);
  const image = readPng(c.file);
  const { result: bytes, seconds } = fitWithBar(
    c,
    (options) => encodeImage(image, options),
    (e: FitProgress) => ` · ${e.phase} · ${e.bitsPerPixel.toFixed(3)} bpp · ${e.psnr.toFixed(2)} dB`,
  );
  writeFile(c.out, bytes);
  const decoded = decodeImage(bytes);
  const h = readCoolChicHeader(bytes);
  const pixels = image.width * image.height;
  const stats = {
    file: c.file,
    out: c.out,
    width: image.width,
    height: image.height,
    channels: image.channels,
    bytes: bytes.length,
    bitsPerPixel: (8 * bytes.length) / pixels,
    psnr: psnr(image.data, decoded.data),
    parameterBytes: h.parameterBytes,
    latentBytes: h.latentBytes,
    decoderParameters: h.decoderParameters,
    macsPerPixel: Math.round(h.macsPerPixel.total),
    keptGrids: h.keptGrids,
    keptContext: h.keptContext.length,
    synthesisHidden: h.synthesisHidden,
    armHidden: h.armHidden,
    seconds,
  };
  const report = reportStream(c.out);
  if (c.json) return void report.write(`${JSON.stringify(stats, null, 2)}\n`);
  report.write(
    `${c.file}: ${image.width} × ${image.height} × ${image.channels} → ${c.out}: ${bytes.length} bytes, ` +
      `${stats.bitsPerPixel.toFixed(3)} bpp, PSNR ${stats.psnr.toFixed(2)} dB; decoder ${h.decoderParameters} ` +
      `parameters, ${stats.macsPerPixel} MAC/pixel, ${h.keptGrids.length}/${h.levels} grids; ${seconds.toFixed(1)} s\n`,
  );
}

export function runImageDecode(c: ImageDecodeCommand): void {
  checkFileDestination(c.out);
  const bytes = new Uint8Array(readFileSync(c.file));
  const started = performance.now();
  let image: ImagePixels;
  try {
    image = decodeImage(bytes, { maxPixels: c.maxPixels });
  } catch (error) {
    if (error instanceof CorruptStreamError || error instanceof RangeError)
      throw new DataError((error as Error).message, { file: c.file });
    throw error;
  }
  writeDecoded(c, { file: c.file }, image, (performance.now() - started) / 1000, c.file);
}

/**
 * Writes a decoded image to `c.out` as PNG and reports it, for `image decode` of one stream or of MDC descriptions:
 * `source` (the stream's file or files) and the image's size as JSON, or one line, `label` naming the input and
 * `note` saying what was decoded.
 */
export function writeDecoded(
  c: { out: string; json: boolean },
  source: { file: string } | { files: string[] },
  image: ImagePixels,
  seconds: number,
  label: string,
  note = "",
): void {
  const { width, height, channels } = image;
  writeFile(c.out, encode({ width, height, channels, data: image.data }));
  const report = reportStream(c.out);
  if (c.json)
    return void report.write(
      `${JSON.stringify({ ...source, out: c.out, width, height, channels, seconds }, null, 2)}\n`,
    );
  report.write(`${label} → ${c.out}: ${width} × ${height} × ${channels}${note}; ${seconds.toFixed(2)} s\n`);
}
