// Quaternary coding for DNA storage: base-4 prefix codes (Huffman, Shannon–Fano, Shannon) over a symbol histogram,
// nucleotides A/C/G/T, oligos screened for synthesis constraints, and the .dna text format. Pure TypeScript with
// no dependency on the WebAssembly kernels, so it can be imported alone.
export { histogram, entropy4, meanLength, type Histogram } from "./histogram.ts";
export {
  codeLengths,
  huffmanLengths,
  shannonFanoLengths,
  shannonLengths,
  kraftSum,
  CODE_KINDS,
  type CodeKind,
  type CodeLengths,
} from "./code-lengths.ts";
export { PrefixCode } from "./prefix-code.ts";
export {
  toNucleotides,
  fromNucleotides,
  longestRun,
  gcContent,
  meetsConstraints,
  runLengthCapacity,
  MAX_RUN,
  GC_MIN,
  GC_MAX,
} from "./nucleotides.ts";
export { screenOligo, unscrambleOligo, SEED_DIGITS, MIN_OLIGO, MAX_OLIGO } from "./scramble.ts";
export { crc32 } from "./crc32.ts";
export {
  encodeDna,
  decodeDna,
  dataBytes,
  DEFAULT_MAX_BYTES,
  type Alphabet,
  type EncodeDnaOptions,
  type DecodeDnaOptions,
  type DnaStats,
  type EncodedDna,
  type DecodedDna,
} from "./format.ts";
export {
  DnaFormatError,
  DnaScreeningError,
  DnaSizeError,
  DnaTextLengthError,
  DnaReadsError,
  DnaMissingOligosError,
} from "./errors.ts";
// The storage format: addressed oligos with inner and outer Reed–Solomon codes, decoded from unordered reads.
export { rsEncode, rsDecode, type RsDecoded } from "./rs.ts";
export {
  encodeOligos,
  decodeOligos,
  STORAGE_DEFAULTS,
  STORAGE_MAGIC,
  META_COPIES,
  META_PARITY,
  type StorageOptions,
  type StorageStats,
  type EncodedOligos,
  type DecodeOligosOptions,
  type DecodedOligos,
  type ReadsReport,
} from "./storage.ts";
export { parseReads } from "./reads.ts";
export { simulateReads, toFastq, SIMULATE_DEFAULTS, type SimulateOptions } from "./simulate.ts";
