// Multiple-description coding (MDC) with Cool-chic-lite: two descriptions of one image, each a complete .cc stream
// (its own decoder and latent pyramid) wrapped with a small header, so either decodes alone (a side decoder) and both
// decode better together (the central decoder).
//
// Design (no public record of the report's MDC exists; this one is ours). Each description is a whole Cool-chic-lite
// model; the central reconstruction is the mean of the two side syntheses in float64, before 8-bit rounding, so the
// central decoder has no parameters of its own and reuses the single-description decoder unchanged. The two models
// are fitted jointly on the standard MDC objective
//     D(x̂_central) + w·(D(x̂₁) + D(x̂₂)) + λ·(R₁ + R₂)/pixels,   x̂_central = (x̂₁ + x̂₂)/2,
// so the fit learns side reconstructions whose errors partly cancel in the mean. Double descent projects both
// decoders (synthesis grid columns, ARM context columns) after the dense phase, as encodeImage does.
//
// Stream: "CCM" and a version byte; the description's number (1 or 2) and the number of descriptions (2); a 4-byte
// pair tag (the CRC-32 of both inner streams, so two descriptions of different encodings are refused); the inner .cc
// stream; the CRC-32 of everything before it, big-endian.
import { scope } from "../autograd/arena.ts";
import { mseLoss } from "../autograd/losses.ts";
import { add, mul, reshape } from "../autograd/ops.ts";
import { tensor, type Tensor } from "../autograd/tensor.ts";
import { crc32 } from "../dna/crc32.ts";
import { Adam } from "../optim/adam.ts";
import { Generator } from "../random.ts";
import {
  decodePlanes,
  encodeSettings,
  readCoolChicHeader,
  writeFitted,
  type CoolChicHeader,
  type DecodeImageOptions,
  type EncodeImageOptions,
  type EncodeSettings,
  type ImagePixels,
} from "./codec.ts";
import { CoolChicModel, type FitProgress, sparsifyDecoder, psnrOf, scheduleStep } from "./model.ts";
import { toPixels } from "./network.ts";
import { CorruptStreamError } from "./rans.ts";

/** One joint fitting step's report: FitProgress' figures are the central ones; the sides' beside them. */
export interface MdcFitProgress extends FitProgress {
  /** Each description's estimated latent rate, bits per pixel (bitsPerPixel is their sum). */
  sideBitsPerPixel: [number, number];
  /** Each side reconstruction's PSNR in dB (psnr is the central one's). */
  sidePsnr: [number, number];
}

/** encodeImageMdc's options: encodeImage's, plus the weight of the side distortions. */
export interface EncodeImageMdcOptions extends Omit<EncodeImageOptions, "onProgress"> {
  /** w in D_central + w·(D_side1 + D_side2) + λ·(R₁ + R₂): larger, better sides and a smaller central gain. */
  sideWeight?: number;
  /** Called after every joint fitting step. */
  onProgress?: (event: MdcFitProgress) => void;
}

/** encodeImageMdc's defaults beyond COOLCHIC_DEFAULTS. */
export const MDC_DEFAULTS: Readonly<{ sideWeight: number }> = { sideWeight: 0.5 };

/** What a description's header says, beside its inner .cc header. */
export interface MdcHeader {
  /** Which description this is (1 or 2) and how many the encoding made (2). */
  description: number;
  descriptions: number;
  /** The CRC-32 both descriptions of one encoding share. */
  pairTag: number;
  /** The description's own decoder: its shape, sections, parameters and MACs per pixel. */
  stream: CoolChicHeader;
}

const MAGIC = [0x43, 0x43, 0x4d, 1]; // "CCM", version 1
const HEAD = MAGIC.length + 2 + 4;

/** The MDC distortion D(mean of the sides) + w·(D(side 1) + D(side 2)), MSE each, with its three terms. */
export function mdcDistortion(
  side1: Tensor,
  side2: Tensor,
  target: Tensor,
  sideWeight: number,
): { distortion: Tensor; central: Tensor; d1: Tensor; d2: Tensor } {
  const central = mseLoss(mul(add(side1, side2), 0.5), target);
  const d1 = mseLoss(side1, target),
    d2 = mseLoss(side2, target);
  return { distortion: add(central, mul(add(d1, d2), sideWeight)), central, d1, d2 };
}

/** Fits the two descriptions' models jointly (dense, or dense then projected and refitted). */
function fitJoint(settings: EncodeSettings, sideWeight: number, onProgress: EncodeImageMdcOptions["onProgress"]) {
  const { target, sizes, gain, schedule } = settings;
  return scope(() => {
    // Different initialisations: the objective is symmetric, so identical models would stay identical.
    const models: [CoolChicModel, CoolChicModel] = [
      new CoolChicModel(target, sizes, gain, new Generator(schedule.seed)),
      new CoolChicModel(target, sizes, gain, new Generator(schedule.seed + 2)),
    ];
    try {
      const noise = new Generator(schedule.seed + 1);
      const planes = tensor(target.planes, [target.channels, target.width * target.height]);
      const run = (phase: "dense" | "sparse", iterations: number) =>
        runJoint(models, planes, settings, sideWeight, phase, iterations, noise, onProgress);
      run("dense", schedule.iterations);
      if (schedule.sparse) {
        for (const m of models) sparsifyDecoder(m, schedule.sparse);
        run("sparse", schedule.sparse.iterations ?? schedule.iterations);
      }
    } catch (error) {
      for (const m of models) for (const p of m.parameters()) p.dispose();
      throw error;
    }
    return models;
  });
}

function runJoint(
  models: [CoolChicModel, CoolChicModel],
  target: Tensor,
  { schedule, target: t }: EncodeSettings,
  sideWeight: number,
  phase: "dense" | "sparse",
  iterations: number,
  noise: Generator,
  onProgress: EncodeImageMdcOptions["onProgress"],
): void {
  const optimizer = new Adam([...models[0].parameters(), ...models[1].parameters()], { lr: schedule.lr });
  const pixels = t.width * t.height;
  try {
    for (let step = 0; step < iterations; step++) {
      const { noisy, temperature } = scheduleStep(optimizer, schedule, step, iterations);
      const stats = scope(() => {
        const sides = models.map((m) => {
          const yq = m.quantized(noisy ? noise : null, temperature);
          return { image: reshape(m.forward(yq), [t.channels, pixels]), bits: m.rate(yq) };
        });
        const { distortion, central, d1, d2 } = mdcDistortion(sides[0].image, sides[1].image, target, sideWeight);
        const bits = add(sides[0].bits, sides[1].bits);
        const loss = add(distortion, mul(bits, schedule.lambda / pixels));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return {
          loss: loss.item(),
          central: central.item(),
          side: [d1.item(), d2.item()],
          bits: [sides[0].bits.item(), sides[1].bits.item()],
        };
      });
      if (!Number.isFinite(stats.loss))
        throw new RangeError(
          `encodeImageMdc: fitting diverged at iteration ${step + 1} (loss ${stats.loss}); lower lr`,
        );
      onProgress?.({
        phase,
        iteration: step + 1,
        iterations,
        loss: stats.loss,
        bitsPerPixel: (stats.bits[0] + stats.bits[1]) / pixels,
        psnr: psnrOf(stats.central),
        sideBitsPerPixel: [stats.bits[0] / pixels, stats.bits[1] / pixels],
        sidePsnr: [psnrOf(stats.side[0]), psnrOf(stats.side[1])],
      });
    }
  } finally {
    optimizer.dispose();
  }
}

/** Wraps an inner .cc stream as description `index` of a pair tagged `tag`. */
function wrap(inner: Uint8Array, index: number, tag: number): Uint8Array {
  const out = new Uint8Array(HEAD + inner.length + 4);
  out.set(MAGIC);
  out[MAGIC.length] = index;
  out[MAGIC.length + 1] = 2;
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC.length + 2, tag);
  out.set(inner, HEAD);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)));
  return out;
}

/**
 * Fits two Cool-chic-lite descriptions of `image` jointly and returns their streams. Either decodes alone with
 * decodeImageMdc([a]) or ([b]); both together, decodeImageMdc([a, b]), give the central reconstruction.
 */
export function encodeImageMdc(image: ImagePixels, options: EncodeImageMdcOptions = {}): [Uint8Array, Uint8Array] {
  const { sideWeight = MDC_DEFAULTS.sideWeight, onProgress, ...rest } = options;
  const settings = encodeSettings(image, rest, "encodeImageMdc");
  if (!(typeof sideWeight === "number" && sideWeight >= 0 && Number.isFinite(sideWeight)))
    throw new RangeError(`encodeImageMdc: sideWeight must be a finite number ≥ 0; got ${String(sideWeight)}`);
  const models = fitJoint(settings, sideWeight, onProgress);
  try {
    const inner = models.map((m) => writeFitted(m, settings.target, settings.schedule.lambda));
    const tag = pairTag(inner[0], inner[1]);
    return [wrap(inner[0], 1, tag), wrap(inner[1], 2, tag)];
  } finally {
    for (const m of models) for (const p of m.parameters()) p.dispose();
  }
}

function pairTag(a: Uint8Array, b: Uint8Array): number {
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return crc32(both);
}

/** Checks a description's wrapper (signature, CRC-32, fields) and returns its fields and inner stream. */
function unwrap(bytes: Uint8Array, what: string): { description: number; pairTag: number; inner: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`decodeImageMdc: ${what} must be a Uint8Array`);
  if (bytes.length < HEAD + 4 || MAGIC.some((m, i) => bytes[i] !== m)) {
    const ours = bytes.length >= 3 && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1];
    throw new CorruptStreamError(
      ours && bytes[2] === MAGIC[2]
        ? `${what}: MDC description has version ${bytes[3]} or is truncated; this decoder reads version ${MAGIC[3]}`
        : ours && bytes[2] === 0x4c
          ? `${what} is a single-description .cc stream, not an MDC description (decode it with decodeImage)`
          : `${what} is not an MDC description (no CCM signature)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== view.getUint32(bytes.length - 4))
    throw new CorruptStreamError(`${what}: MDC description is truncated or corrupted (CRC-32 mismatch)`);
  const description = bytes[MAGIC.length],
    count = bytes[MAGIC.length + 1];
  if (count !== 2 || (description !== 1 && description !== 2))
    throw new CorruptStreamError(
      `${what}: MDC header says description ${description} of ${count}; expected 1 or 2 of 2`,
    );
  return { description, pairTag: view.getUint32(MAGIC.length + 2), inner: bytes.subarray(HEAD, bytes.length - 4) };
}

/** A description's header: which one it is, its pair tag and its decoder (checked, CRCs included). */
export function readMdcHeader(bytes: Uint8Array, options: DecodeImageOptions = {}): MdcHeader {
  const { description, pairTag, inner } = unwrap(bytes, "bytes");
  return { description, descriptions: 2, pairTag, stream: innerStream(() => readCoolChicHeader(inner, options)) };
}

/** Runs f on an inner .cc stream, saying so in its damage reports. */
function innerStream<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof CorruptStreamError) throw new CorruptStreamError(`inner stream: ${error.message}`);
    throw error;
  }
}

/**
 * Decodes one description (its side reconstruction) or both (the central one, the mean of the two sides before
 * rounding), in either order. Throws CorruptStreamError for damaged streams and RangeError for two descriptions
 * that are not the two halves of one encoding.
 */
export function decodeImageMdc(descriptions: readonly Uint8Array[], options: DecodeImageOptions = {}): ImagePixels {
  if (!Array.isArray(descriptions) || descriptions.length < 1 || descriptions.length > 2)
    throw new TypeError("decodeImageMdc: descriptions must be an array of one or two Uint8Arrays");
  const parts = descriptions.map((d, i) => unwrap(d, `descriptions[${i}]`));
  if (parts.length === 2) {
    if (parts[0].description === parts[1].description)
      throw new RangeError(`decodeImageMdc: both streams are description ${parts[0].description}; give 1 and 2`);
    const [one, two] = parts[0].description === 1 ? parts : [parts[1], parts[0]];
    if (one.pairTag !== two.pairTag || pairTag(one.inner, two.inner) !== one.pairTag)
      throw new RangeError("decodeImageMdc: descriptions[0] and descriptions[1] come from different encodings");
  }
  const decoded = parts.map((p) => innerStream(() => decodePlanes(p.inner, options)));
  const { width, height, channels } = decoded[0].shape;
  const plane = width * height;
  let planes = decoded[0].planes;
  if (decoded.length === 2) {
    // A crafted pair can carry a matching tag; the two halves of one encoding always share the image's shape.
    const other = decoded[1].shape;
    if (other.width !== width || other.height !== height || other.channels !== channels)
      throw new RangeError("decodeImageMdc: descriptions[0] and descriptions[1] describe images of different shapes");
    const [a, b] = [planes, decoded[1].planes];
    planes = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) planes[i] = (a[i] + b[i]) * 0.5; // a + b = b + a exactly: order-free
  }
  return { width, height, channels: channels as 1 | 3, data: toPixels(planes, channels, plane) };
}
