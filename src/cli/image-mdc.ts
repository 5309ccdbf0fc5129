// `sparseproj image encode --descriptions 2` and `image decode` of MDC descriptions (src/coolchic/mdc.ts): two
// .cc descriptions written as OUT with .1/.2 before its extension; decode takes one (its side reconstruction) or
// both (the central one), in either order.
import { readFileSync, rmSync } from "node:fs";
import { CorruptStreamError } from "../coolchic/codec.ts";
import { decodeImageMdc, encodeImageMdc, type MdcFitProgress, readMdcHeader } from "../coolchic/mdc.ts";
import { DataError } from "../io/table.ts";
import { fitWithBar, psnr, readPng, writeDecoded, type ImageDecodeCommand, type ImageEncodeCommand } from "./image.ts";
import { checkFileDestination, reportStream, writeFile } from "./output.ts";

/** The two descriptions' file names: out.cc → out.1.cc and out.2.cc (out → out.1 and out.2). */
export function descriptionPaths(out: string): [string, string] {
  const dot = out.lastIndexOf("."),
    slash = Math.max(out.lastIndexOf("/"), out.lastIndexOf("\\"));
  const [stem, ext] = dot > slash + 1 ? [out.slice(0, dot), out.slice(dot)] : [out, ""];
  return [`${stem}.1${ext}`, `${stem}.2${ext}`];
}

/** Whether a file starts with an MDC description's signature ("CCM"). */
export function isMdcFile(file: string): boolean {
  const head = readFileSync(file).subarray(0, 3);
  return head.length === 3 && head[0] === 0x43 && head[1] === 0x43 && head[2] === 0x4d;
}

export function runImageEncodeMdc(c: ImageEncodeCommand): void {
  const outs = descriptionPaths(c.out);
  for (const out of outs) checkFileDestination(out);
  const image = readPng(c.file);
  const { result: streams, seconds } = fitWithBar(
    c,
    (options) => encodeImageMdc(image, options),
    (e: MdcFitProgress) =>
      ` · ${e.phase} · ${e.sideBitsPerPixel.map((b) => b.toFixed(3)).join(" + ")} bpp · central ${e.psnr.toFixed(2)} dB`,
  );
  writeFile(outs[0], streams[0]);
  try {
    writeFile(outs[1], streams[1]);
  } catch (error) {
    rmSync(outs[0], { force: true }); // one description without its partner would be a half-written result
    throw error;
  }
  const pixels = image.width * image.height;
  const descriptions = streams.map((bytes, i) => {
    const h = readMdcHeader(bytes).stream;
    return {
      out: outs[i],
      bytes: bytes.length,
      bitsPerPixel: (8 * bytes.length) / pixels,
      psnr: psnr(image.data, decodeImageMdc([bytes]).data),
      decoderParameters: h.decoderParameters,
      macsPerPixel: Math.round(h.macsPerPixel.total),
      keptGrids: h.keptGrids,
      keptContext: h.keptContext.length,
    };
  });
  const stats = {
    file: c.file,
    width: image.width,
    height: image.height,
    channels: image.channels,
    descriptions,
    bitsPerPixel: descriptions[0].bitsPerPixel + descriptions[1].bitsPerPixel,
    centralPsnr: psnr(image.data, decodeImageMdc(streams).data),
    seconds,
  };
  const report = reportStream(...outs);
  if (c.json) return void report.write(`${JSON.stringify(stats, null, 2)}\n`);
  const side = (d: (typeof descriptions)[number]) =>
    `${d.out}: ${d.bytes} bytes, ${d.bitsPerPixel.toFixed(3)} bpp, PSNR ${d.psnr.toFixed(2)} dB alone, ` +
    `decoder ${d.decoderParameters} parameters, ${d.macsPerPixel} MAC/pixel`;
  report.write(
    `${c.file}: ${image.width} × ${image.height} × ${image.channels} → two descriptions; ${seconds.toFixed(1)} s\n` +
      `  ${side(descriptions[0])}\n  ${side(descriptions[1])}\n` +
      `  both: ${stats.bitsPerPixel.toFixed(3)} bpp, PSNR ${stats.centralPsnr.toFixed(2)} dB\n`,
  );
}

export function runImageDecodeMdc(c: Omit<ImageDecodeCommand, "file"> & { files: string[] }): void {
  checkFileDestination(c.out);
  const streams = c.files.map((file) => {
    const bytes = new Uint8Array(readFileSync(file));
    try {
      readMdcHeader(bytes, { maxPixels: c.maxPixels });
    } catch (error) {
      if (error instanceof CorruptStreamError || error instanceof RangeError)
        throw new DataError((error as Error).message.replace(/^bytes: /, ""), { file });
      throw error;
    }
    return bytes;
  });
  const started = performance.now();
  let image: ReturnType<typeof decodeImageMdc>;
  try {
    image = decodeImageMdc(streams, { maxPixels: c.maxPixels });
  } catch (error) {
    if (error instanceof CorruptStreamError || error instanceof RangeError)
      throw new DataError(
        (error as Error).message
          .replace(/^decodeImageMdc: /, "")
          .replace("descriptions[0] and descriptions[1]", "they")
          .replace("both streams", "both files"),
        { file: c.files.join(" and ") },
      );
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  const note = ` (${c.files.length === 2 ? "central" : "one description"})`;
  writeDecoded(c, { files: c.files }, image, seconds, c.files.join(" + "), note);
}
