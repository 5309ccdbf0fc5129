// The rate of a quantized latent [N, C, h, w] per pixel of the images it codes, with one static symbol table per
// latent channel (a "factorized" entropy model): the empirical entropy of each channel's symbols, which an ideal
// coder whose table is fitted on the same symbols reaches (an optimistic bound for unseen images), and the lengths
// of the base-4 Huffman and Shannon–Fano codes built on those tables (src/dna), in nucleotides. A channel left out
// of `kept` is one the decoder never reads, so it is neither stored nor transmitted.
import { huffmanLengths, shannonFanoLengths } from "../dna/code-lengths.ts";
import { entropy4, histogram, meanLength } from "../dna/histogram.ts";

/** The rate of a quantized latent: its entropy and base-4 code lengths per image pixel, by channel. */
export interface LatentRate {
  /** The channels counted. */
  kept: number[];
  /** Σ over kept channels of H₂(channel) · h·w / pixels: bits per image pixel. */
  bitsPerPixel: number;
  /** Each latent channel's entropy in bits per image pixel (dropped channels included, for reporting). */
  channelBitsPerPixel: number[];
  /** The entropy bound in nucleotides per pixel (bitsPerPixel / 2). */
  entropyNtPerPixel: number;
  /** Base-4 Huffman codes, one per kept channel: Σ codeword lengths per image pixel, in nucleotides. */
  huffmanNtPerPixel: number;
  /** The same with base-4 Shannon–Fano codes. */
  shannonFanoNtPerPixel: number;
  /** Latent symbols of the kept channels per image pixel (divides the nt/px figures into nt per symbol). */
  symbolsPerPixel: number;
  /** Distinct symbols over the kept channels. */
  alphabet: number;
}

/**
 * The rate of integer symbols [n, channels, h·w] (row-major, as the latent tensor holds them) for images of
 * `pixels` pixels each, counting only channels `kept` (default: all).
 */
export function latentRate(
  symbols: ArrayLike<number>,
  shape: readonly [n: number, channels: number, spatial: number],
  pixels: number,
  kept?: readonly number[],
): LatentRate {
  const [n, channels, spatial] = shape;
  if (symbols.length !== n * channels * spatial)
    throw new RangeError(`latentRate: ${symbols.length} symbols for shape [${shape.join(", ")}]`);
  const counted = kept ?? Array.from({ length: channels }, (_, c) => c);
  for (const c of counted)
    if (!Number.isSafeInteger(c) || c < 0 || c >= channels)
      throw new RangeError(`latentRate: kept channel ${c} is not in 0..${channels - 1}`);
  const perImage = spatial / pixels;
  const channelBitsPerPixel: number[] = [];
  const huffman: number[] = [],
    fano: number[] = [];
  const alphabet = new Set<number>();
  for (let c = 0; c < channels; c++) {
    const values = new Float64Array(n * spatial);
    for (let i = 0; i < n; i++)
      for (let s = 0; s < spatial; s++) values[i * spatial + s] = symbols[(i * channels + c) * spatial + s];
    const h = histogram(values);
    channelBitsPerPixel.push(2 * entropy4(h) * perImage);
    huffman.push(meanLength(h, huffmanLengths(h)) * perImage);
    fano.push(meanLength(h, shannonFanoLengths(h)) * perImage);
    if (counted.includes(c)) for (const s of h.keys()) alphabet.add(s);
  }
  const bitsPerPixel = counted.reduce((sum, c) => sum + channelBitsPerPixel[c], 0);
  return {
    kept: [...counted],
    bitsPerPixel,
    channelBitsPerPixel,
    entropyNtPerPixel: bitsPerPixel / 2,
    huffmanNtPerPixel: counted.reduce((sum, c) => sum + huffman[c], 0),
    shannonFanoNtPerPixel: counted.reduce((sum, c) => sum + fano[c], 0),
    symbolsPerPixel: counted.length * perImage,
    alphabet: alphabet.size,
  };
}
