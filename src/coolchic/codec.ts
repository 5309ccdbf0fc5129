// The .cc stream and the public codec: encodeImage fits a model to one image and writes header, quantized
// parameters and range-coded latents; decodeImage reads them back and synthesises the pixels, in any runtime.
//
// Layout: "CCL" and a version byte; unsigned LEB128 fields (width, height, channels, levels, kept-grid mask,
// context rows, kept-context mask, synthesis width, ARM width, parameter-section length, latent-section length);
// the parameter section (per tensor: its precision e and exp-Golomb order k in 4 bits each, then every value
// round(w·2^e) as a signed exp-Golomb code; then each kept grid's symbol range lo, hi); the rANS bytes of the
// latents, grid after grid in raster order, each under the ARM's Laplace; the CRC-32 of all that, big-endian.
import { crc32 } from "../dna/crc32.ts";
import { detLog2 } from "./detmath.ts";
import { BitReader, BitWriter, signedCodeLength } from "./bits.ts";
import { cumulative, decodeSymbol, encodeSymbol, MAX_ALPHABET, type Alphabet } from "./laplace.ts";
import {
  checkSparseKind,
  fitModel,
  type CoolChicModel,
  type FitProgress,
  type FitSchedule,
  type FitTarget,
  type SparseOptions,
} from "./model.ts";
import {
  Arm,
  forEachLatent,
  macsPerPixel,
  PARAMETER_NAMES,
  parameterShapes,
  synthesize,
  toPixels,
  type NetworkShape,
  type ParameterName,
  type Weights,
} from "./network.ts";
import { causalOffsets, pyramid } from "./pyramid.ts";
import { CorruptStreamError, PROB_BITS, RansDecoder, RansEncoder } from "./rans.ts";

export { CorruptStreamError } from "./rans.ts";
export type { FitProgress, SparseOptions } from "./model.ts";

/** An 8-bit image: interleaved samples, row-major, 1 (grayscale) or 3 (RGB) per pixel. */
export interface ImagePixels {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** encodeImage's options; the defaults are COOLCHIC_DEFAULTS'. */
export interface EncodeImageOptions {
  /** The rate–distortion trade-off: minimise MSE (pixels in [0, 1]) + λ·bits per pixel. Larger: fewer bits. */
  lambda?: number;
  /** Latent grids, 1:1 down to 1:2^(levels−1) (at most what the image's smaller side allows). */
  levels?: number;
  /** The ARM's causal window: this many rows above and pixels to the left (0..3; 2 gives 12 neighbours). */
  contextRows?: number;
  /** The synthesis' hidden 1 × 1 layer width. */
  synthesisHidden?: number;
  /** The ARM's hidden layers' width. */
  armHidden?: number;
  /** The latent is multiplied by this before quantization (a larger effective step for the latent in Adam). */
  gain?: number;
  /** Adam steps (of the dense fit, and of double descent's first phase). */
  iterations?: number;
  /** The final fraction of the steps run with hard rounding instead of noise. */
  roundingFraction?: number;
  /** Soft rounding around the noise while fitting, annealed towards rounding (Agustsson & Theis; Cool-chic). */
  softRounding?: boolean;
  lr?: number;
  /** Seeds initialisation and noise. */
  seed?: number;
  /** Double descent on the decoder (ℓ1,∞ or ℓ1,1 by latent grid, context position and hidden unit); null: dense. */
  sparse?: SparseOptions | null;
  /** Called after every fitting step. */
  onProgress?: (event: FitProgress) => void;
}

/** encodeImage's defaults: a small decoder (about 300 multiplications per pixel for the synthesis). */
export const COOLCHIC_DEFAULTS: Readonly<Required<Omit<EncodeImageOptions, "onProgress" | "sparse">>> = {
  lambda: 1e-3,
  levels: 6,
  contextRows: 2,
  synthesisHidden: 16,
  armHidden: 12,
  gain: 16,
  iterations: 1000,
  roundingFraction: 0.1,
  softRounding: false,
  lr: 0.01,
  seed: 0,
};

/** decodeImage's options. */
export interface DecodeImageOptions {
  /** Refuse images with more pixels than this (default 2^24): a stream may describe a huge blank image. */
  maxPixels?: number;
}

const MAGIC = [0x43, 0x43, 0x4c, 1]; // "CCL", version 1
const MAX_SIDE = 65535;
const MAX_LEVELS = 12;
const MAX_CONTEXT_ROWS = 3;
const MAX_WIDTH = 64;
const PRECISIONS = [12, 11, 10, 9, 8, 7, 6, 5, 4];

function checkInteger(name: string, value: unknown, least: number, most: number, caller = "encodeImage"): number {
  if (!Number.isSafeInteger(value) || (value as number) < least || (value as number) > most)
    throw new RangeError(`${caller}: ${name} must be an integer in ${least}..${most}; got ${String(value)}`);
  return value as number;
}

function checkImage(image: ImagePixels, caller: string): FitTarget {
  if (image === null || typeof image !== "object") throw new TypeError(`${caller}: image must be an object`);
  const { width, height, channels, data } = image;
  checkInteger("image.width", width, 1, MAX_SIDE, caller);
  checkInteger("image.height", height, 1, MAX_SIDE, caller);
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`${caller}: image.channels must be 1 or 3; got ${String(channels)}`);
  if (!((data as unknown) instanceof Uint8Array) && !((data as unknown) instanceof Uint8ClampedArray))
    throw new TypeError(`${caller}: image.data must be a Uint8Array`);
  if (data.length !== width * height * channels)
    throw new RangeError(
      `${caller}: image.data has ${data.length} samples; ${width} × ${height} × ${channels} needs ` +
        `${width * height * channels}`,
    );
  const plane = width * height,
    planes = new Float32Array(channels * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < channels; c++) planes[c * plane + i] = data[i * channels + c] / 255;
  return { width, height, channels, planes };
}

/** The quantized parameters: per tensor its precision, exp-Golomb order and integers. */
interface QuantizedTensor {
  e: number;
  k: number;
  q: Int32Array;
}

function quantize(w: Float64Array, e: number): QuantizedTensor {
  const q = Int32Array.from(w, (v) => Math.round(v * 2 ** e));
  let best = 0,
    bestBits = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 16; k++) {
    let bits = 0;
    for (let i = 0; i < q.length; i++) bits += signedCodeLength(q[i], k);
    if (bits < bestBits) [best, bestBits] = [k, bits];
  }
  return { e, k: best, q };
}

const tensorBits = ({ k, q }: QuantizedTensor) => {
  let bits = 8;
  for (let i = 0; i < q.length; i++) bits += signedCodeLength(q[i], k);
  return bits;
};

const dequantize = ({ e, q }: QuantizedTensor) => Float64Array.from(q, (v) => v / 2 ** e);

/** Each kept grid's symbol range. */
function alphabets(shape: NetworkShape, symbols: Float64Array): Alphabet[] {
  const p = pyramid(shape.height, shape.width, shape.levels);
  return shape.keptGrids.map((l) => {
    const g = p.grids[l];
    let lo = 0,
      hi = 0;
    for (let i = g.offset; i < g.offset + g.h * g.w; i++) {
      if (symbols[i] < lo) lo = symbols[i];
      if (symbols[i] > hi) hi = symbols[i];
    }
    if (hi - lo + 1 > MAX_ALPHABET)
      throw new RangeError(
        `encodeImage: latent grid ${l} spans ${lo}..${hi}, more than ${MAX_ALPHABET} symbols; lower gain or lr`,
      );
    return { lo, hi };
  });
}

/** The latent's cost in bits under the decoder's own frequency tables. */
function latentBits(shape: NetworkShape, w: Weights, symbols: Float64Array, ranges: Alphabet[]): number {
  const arm = new Arm(shape, w);
  const p = pyramid(shape.height, shape.width, shape.levels);
  let bits = 0;
  forEachLatent(shape, p, symbols, (index, kept, ctx) => {
    arm.predict(ctx);
    const { mu, scale: b } = arm,
      s = symbols[index],
      range = ranges[kept];
    bits += PROB_BITS - detLog2(cumulative(s + 1, mu, b, range) - cumulative(s, mu, b, range));
  });
  return bits;
}

function meanSquaredError(shape: NetworkShape, w: Weights, symbols: Float64Array, target: FitTarget): number {
  const planes = synthesize(shape, w, symbols);
  const decoded = toPixels(planes, shape.channels, shape.width * shape.height);
  let sum = 0;
  const plane = shape.width * shape.height;
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < shape.channels; c++) {
      const d = decoded[i * shape.channels + c] / 255 - target.planes[c * plane + i];
      sum += d * d;
    }
  return sum / (plane * shape.channels);
}

/** The tensors that share one precision: weights and biases of the ARM, the 1 × 1 synthesis and the 3 × 3 layers. */
const PRECISION_GROUPS: ReadonlyArray<readonly ParameterName[]> = [
  ["armW1", "armW2", "armMuW", "armScaleW"],
  ["armB1", "armB2", "armMuB", "armScaleB"],
  ["synW1", "synW2"],
  ["synB1", "synB2"],
  ["resW1", "resW2"],
  ["resB1", "resB2"],
];

/**
 * Each group's precision 2^−e, chosen group by group to minimise MSE + λ·bits per pixel of the decoded image
 * (parameter bits plus latent bits): the rate–distortion choice Cool-chic makes for its network's quantization.
 */
function quantizeWeights(
  shape: NetworkShape,
  weights: Weights,
  symbols: Float64Array,
  ranges: Alphabet[],
  target: FitTarget,
  lambda: number,
): Record<ParameterName, QuantizedTensor> {
  const pixels = shape.width * shape.height;
  const chosen = {} as Record<ParameterName, QuantizedTensor>;
  for (const name of PARAMETER_NAMES) chosen[name] = quantize(weights[name], 10);
  const current = () => {
    const w = {} as Weights;
    for (const name of PARAMETER_NAMES) w[name] = dequantize(chosen[name]);
    return w;
  };
  let mse = meanSquaredError(shape, current(), symbols, target);
  let bits = latentBits(shape, current(), symbols, ranges);
  for (const group of PRECISION_GROUPS) {
    const arm = group[0].startsWith("arm");
    let best: QuantizedTensor[] = [],
      bestCost = Number.POSITIVE_INFINITY,
      bestMeasure = 0;
    for (const e of PRECISIONS) {
      const candidate = group.map((name) => (chosen[name] = quantize(weights[name], e)));
      const m = arm ? mse : meanSquaredError(shape, current(), symbols, target);
      const b = arm ? latentBits(shape, current(), symbols, ranges) : bits;
      const cost = m + (lambda * (b + candidate.reduce((sum, t) => sum + tensorBits(t), 0))) / pixels;
      if (cost < bestCost) [bestCost, best, bestMeasure] = [cost, candidate, arm ? b : m];
      else break; // the cost falls then rises as the precision coarsens: stop at its first rise
    }
    group.forEach((name, i) => (chosen[name] = best[i]));
    if (arm) bits = bestMeasure;
    else mse = bestMeasure;
  }
  return chosen;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

const maskOf = (indices: number[]) => indices.reduce((m, i) => m + 2 ** i, 0);
const indicesOf = (mask: number, count: number) =>
  Array.from({ length: count }, (_, i) => i).filter((i) => Math.floor(mask / 2 ** i) % 2 === 1);

/** The stream for a fitted decoder, its quantized parameters and latent. */
function writeStream(
  shape: NetworkShape,
  chosen: Record<ParameterName, QuantizedTensor>,
  symbols: Float64Array,
  ranges: Alphabet[],
): Uint8Array {
  const bits = new BitWriter();
  for (const name of PARAMETER_NAMES) {
    const { e, k, q } = chosen[name];
    bits.write(e, 4);
    bits.write(k, 4);
    for (let i = 0; i < q.length; i++) bits.writeSigned(q[i], k);
  }
  for (const { lo, hi } of ranges) {
    bits.writeSigned(lo, 2);
    bits.writeSigned(hi, 2);
  }
  const parameters = bits.finish();
  const weights = {} as Weights;
  for (const name of PARAMETER_NAMES) weights[name] = dequantize(chosen[name]);
  const coder = new RansEncoder();
  const arm = new Arm(shape, weights);
  forEachLatent(shape, pyramid(shape.height, shape.width, shape.levels), symbols, (index, kept, ctx) => {
    arm.predict(ctx);
    encodeSymbol(coder, symbols[index], arm.mu, arm.scale, ranges[kept]);
  });
  const latents = coder.finish();
  const head: number[] = [...MAGIC];
  for (const v of [
    shape.width,
    shape.height,
    shape.channels,
    shape.levels,
    maskOf(shape.keptGrids),
    shape.contextRows,
    maskOf(shape.keptContext),
    shape.synthesisHidden,
    shape.armHidden,
    parameters.length,
    latents.length,
  ])
    writeVarint(head, v);
  const body = new Uint8Array(head.length + parameters.length + latents.length + 4);
  body.set(head);
  body.set(parameters, head.length);
  body.set(latents, head.length + parameters.length);
  const crc = crc32(body.subarray(0, body.length - 4));
  new DataView(body.buffer).setUint32(body.length - 4, crc);
  return body;
}

/** The largest number of levels an image of this size has grids for (the coarsest at least 1 × 1 … 2 × 2). */
const levelsFor = (width: number, height: number, wanted: number) =>
  Math.max(1, Math.min(wanted, Math.floor(Math.log2(Math.min(width, height))) + 1));

/** A checked encoding request: the target planes, the model's sizes, its gain and the fitting schedule. */
export interface EncodeSettings {
  target: FitTarget;
  sizes: Pick<NetworkShape, "levels" | "contextRows" | "synthesisHidden" | "armHidden">;
  gain: number;
  schedule: FitSchedule;
}

/** Checks encodeImage's (or another encoder's, named `caller`) image and options against COOLCHIC_DEFAULTS. */
export function encodeSettings(image: ImagePixels, options: EncodeImageOptions, caller: string): EncodeSettings {
  const target = checkImage(image, caller);
  const o = { ...COOLCHIC_DEFAULTS, ...options };
  if (!(typeof o.lambda === "number" && o.lambda >= 0 && Number.isFinite(o.lambda)))
    throw new RangeError(`${caller}: lambda must be a finite number ≥ 0; got ${String(o.lambda)}`);
  checkInteger("levels", o.levels, 1, MAX_LEVELS, caller);
  checkInteger("contextRows", o.contextRows, 0, MAX_CONTEXT_ROWS, caller);
  checkInteger("synthesisHidden", o.synthesisHidden, 1, MAX_WIDTH, caller);
  checkInteger("armHidden", o.armHidden, 1, MAX_WIDTH, caller);
  checkInteger("iterations", o.iterations, 1, 1e7, caller);
  for (const [name, v] of [
    ["gain", o.gain],
    ["lr", o.lr],
  ] as const)
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v)))
      throw new RangeError(`${caller}: ${name} must be a finite number > 0; got ${String(v)}`);
  if (!(o.roundingFraction >= 0 && o.roundingFraction < 1))
    throw new RangeError(`${caller}: roundingFraction must be in [0, 1); got ${String(o.roundingFraction)}`);
  if (typeof o.softRounding !== "boolean")
    throw new TypeError(`${caller}: softRounding must be true or false; got ${String(o.softRounding)}`);
  if (!Number.isSafeInteger(o.seed)) throw new TypeError(`${caller}: seed must be an integer; got ${o.seed}`);
  const sparse = options.sparse ?? null;
  if (sparse) {
    checkSparseKind(sparse.kind ?? "bilevelL1Inf", caller);
    if (!(typeof sparse.rho === "number" && sparse.rho > 0 && sparse.rho <= 1))
      throw new RangeError(`${caller}: sparse.rho must be in (0, 1]; got ${String(sparse.rho)}`);
    if (sparse.iterations !== undefined) checkInteger("sparse.iterations", sparse.iterations, 1, 1e7, caller);
  }
  const sizes = {
    levels: levelsFor(target.width, target.height, o.levels),
    contextRows: o.contextRows,
    synthesisHidden: o.synthesisHidden,
    armHidden: o.armHidden,
  };
  const schedule: FitSchedule = {
    lambda: o.lambda,
    iterations: o.iterations,
    roundingFraction: o.roundingFraction,
    softRounding: o.softRounding,
    lr: o.lr,
    seed: o.seed,
    sparse,
    onProgress: options.onProgress,
  };
  return { target, sizes, gain: o.gain, schedule };
}

/** The .cc stream of a fitted model: its parameters quantized by rate–distortion at λ, its latent range-coded. */
export function writeFitted(model: CoolChicModel, target: FitTarget, lambda: number): Uint8Array {
  const { shape, weights } = model.export();
  const symbols = model.symbols();
  const ranges = alphabets(shape, symbols);
  const chosen = quantizeWeights(shape, weights, symbols, ranges, target, lambda);
  return writeStream(shape, chosen, symbols, ranges);
}

/**
 * Fits a Cool-chic-lite decoder and latent pyramid to `image` by minimising MSE + λ·rate and returns the .cc
 * stream (header, quantized parameters, range-coded latent, CRC-32). Takes seconds to minutes (see iterations).
 */
export function encodeImage(image: ImagePixels, options: EncodeImageOptions = {}): Uint8Array {
  const { target, sizes, gain, schedule } = encodeSettings(image, options, "encodeImage");
  const model = fitModel(target, sizes, gain, schedule);
  try {
    return writeFitted(model, target, schedule.lambda);
  } finally {
    for (const p of model.parameters()) p.dispose();
  }
}

/** Reads the stream's fields, bounds-checked. */
class ByteReader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
  ) {}
  varint(what: string): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw new CorruptStreamError(`.cc stream is truncated (in its header: ${what})`);
      const byte = this.bytes[this.pos++];
      v += (byte & 127) * 2 ** shift;
      if (byte < 128) return v;
    }
    throw new CorruptStreamError(`.cc stream is corrupted (header field ${what})`);
  }
}

/** What a .cc stream's header says: the decoder's shape and its sections' lengths. */
export interface CoolChicHeader extends NetworkShape {
  /** Bytes of the parameter section and of the range-coded latent. */
  parameterBytes: number;
  latentBytes: number;
  /** The decoder's parameters (kept grids and context positions only) and multiplications per pixel. */
  decoderParameters: number;
  macsPerPixel: { arm: number; upsampling: number; synthesis: number; total: number };
}

function readHeader(bytes: Uint8Array, maxPixels: number): { header: CoolChicHeader; start: number } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("decodeImage: bytes must be a Uint8Array");
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new CorruptStreamError(
      bytes.length >= 3 && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2]
        ? `.cc stream has version ${bytes[3]}; this decoder reads version ${MAGIC[3]}`
        : "not a .cc stream (no CCL signature)",
    );
  }
  const end = bytes.length - 4;
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(end);
  if (crc32(bytes.subarray(0, end)) !== stored)
    throw new CorruptStreamError(".cc stream is truncated or corrupted (CRC-32 mismatch)");
  const r = new ByteReader(bytes, end);
  r.pos = MAGIC.length;
  const field = (what: string, least: number, most: number) => {
    const v = r.varint(what);
    if (v < least || v > most) throw new CorruptStreamError(`.cc header: ${what} ${v} is outside ${least}..${most}`);
    return v;
  };
  const width = field("width", 1, MAX_SIDE),
    height = field("height", 1, MAX_SIDE),
    channels = field("channels", 1, 3);
  if (channels === 2) throw new CorruptStreamError(".cc header: channels 2 is not 1 or 3");
  if (width * height > maxPixels)
    throw new RangeError(`decodeImage: the image is ${width} × ${height}, more than maxPixels (${maxPixels})`);
  const levels = field("levels", 1, MAX_LEVELS);
  const keptGrids = indicesOf(field("grid mask", 0, 2 ** levels - 1), levels);
  const contextRows = field("context rows", 0, MAX_CONTEXT_ROWS);
  const k = causalOffsets(contextRows).length;
  const keptContext = indicesOf(field("context mask", 0, 2 ** k - 1), k);
  const shape: NetworkShape = {
    width,
    height,
    channels,
    levels,
    keptGrids,
    contextRows,
    keptContext,
    synthesisHidden: field("synthesis width", 1, MAX_WIDTH),
    armHidden: field("ARM width", 1, MAX_WIDTH),
  };
  const parameterBytes = r.varint("parameter length"),
    latentBytes = r.varint("latent length");
  if (r.pos + parameterBytes + latentBytes !== end)
    throw new CorruptStreamError(".cc stream is corrupted (its section lengths do not add up)");
  const shapes = parameterShapes(shape);
  let decoderParameters = 0;
  for (const name of PARAMETER_NAMES) decoderParameters += shapes[name].reduce((a, b) => a * b, 1);
  // Every value is at least one bit, every tensor's precision and order 8, every grid's range 6: widths or masks
  // that ask for more than the section holds are refused before anything is allocated for them.
  const leastBits = decoderParameters + 8 * PARAMETER_NAMES.length + 6 * keptGrids.length;
  if (leastBits > 8 * parameterBytes)
    throw new CorruptStreamError(
      `.cc header: a decoder of widths ${shape.synthesisHidden} and ${shape.armHidden} needs at least ` +
        `${Math.ceil(leastBits / 8)} parameter bytes; the stream has ${parameterBytes}`,
    );
  const header = { ...shape, parameterBytes, latentBytes, decoderParameters, macsPerPixel: macsPerPixel(shape) };
  return { header, start: r.pos };
}

/** The header of a .cc stream (checked, CRC included), without decoding the image. */
export function readCoolChicHeader(bytes: Uint8Array, options: DecodeImageOptions = {}): CoolChicHeader {
  return readHeader(bytes, options.maxPixels ?? 2 ** 24).header;
}

/**
 * Decodes a .cc stream to its pixels. The same stream gives the same pixels in every JavaScript runtime. A
 * truncated or corrupted stream throws CorruptStreamError.
 */
export function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): ImagePixels {
  const { shape, planes } = decodePlanes(bytes, options);
  const channels = shape.channels as 1 | 3;
  return {
    width: shape.width,
    height: shape.height,
    channels,
    data: toPixels(planes, channels, shape.width * shape.height),
  };
}

/** Decodes a .cc stream to its header and its synthesised planes [channels, H·W] (float64, before 8-bit rounding). */
export function decodePlanes(
  bytes: Uint8Array,
  options: DecodeImageOptions = {},
): { shape: CoolChicHeader; planes: Float64Array } {
  const maxPixels = options.maxPixels ?? 2 ** 24;
  if (!(typeof maxPixels === "number" && maxPixels >= 1))
    throw new RangeError(`decodeImage: maxPixels must be a number ≥ 1; got ${String(maxPixels)}`);
  const { header: shape, start } = readHeader(bytes, maxPixels);
  const bits = new BitReader(bytes.subarray(start, start + shape.parameterBytes));
  const shapes = parameterShapes(shape);
  const weights = {} as Weights;
  for (const name of PARAMETER_NAMES) {
    const e = bits.read(4),
      k = bits.read(4);
    const values = new Float64Array(shapes[name].reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = bits.readSigned(k) / 2 ** e;
    weights[name] = values;
  }
  const ranges = shape.keptGrids.map(() => {
    const lo = bits.readSigned(2),
      hi = bits.readSigned(2);
    if (!(lo <= 0 && hi >= 0 && hi - lo + 1 <= MAX_ALPHABET))
      throw new CorruptStreamError(`.cc stream is corrupted (a latent range ${lo}..${hi})`);
    return { lo, hi };
  });
  bits.finish();
  const p = pyramid(shape.height, shape.width, shape.levels);
  const latent = new Float64Array(p.size);
  const coder = new RansDecoder(bytes.subarray(start + shape.parameterBytes, bytes.length - 4));
  const arm = new Arm(shape, weights);
  forEachLatent(shape, p, latent, (index, kept, ctx) => {
    arm.predict(ctx);
    latent[index] = decodeSymbol(coder, arm.mu, arm.scale, ranges[kept]);
  });
  coder.finish();
  return { shape, planes: synthesize(shape, weights, latent) };
}
