// The storage format: data as a pool of addressed, error-corrected, constrained oligos that decodes from the
// sequences alone, in any order, with copies, errors and losses (Erlich & Zielinski 2017's DNA Fountain and
// Grass et al. 2015 are the models: Reed–Solomon inside each oligo, an outer code across oligos, screening).
//
// The stream. The data's prefix code (format.ts: Huffman by default) gives a header — alphabet, code, symbol
// count, CRC-32 of the data, the code table — and a digit stream. The byte stream S is
//   [u32 header length][the header as JSON][the digits, 4 per byte, first digit in the high bits]
// cut into `payload`-byte chunks (the last one padded with zeros), one per data oligo.
//
// The outer code. Data oligos are grouped in blocks of at most K (balanced); each block gets r = ⌈k·R/K⌉ parity
// oligos, and byte p of the k + r oligos of a block is a Reed–Solomon codeword (K + R ≤ 255): any r lost oligos
// of a block are recovered, or fewer lost and some wrong.
//
// An oligo. [address: block (2 bytes), row (1 byte)][payload][innerParity Reed–Solomon bytes], 4 nucleotides per
// byte, scrambled and screened with a 4-nt seed in front (scramble.ts) so that every oligo, primers included, has
// runs ≤ 3 and 40–60% GC: left primer + seed + codeword + right primer.
//
// The metadata. META_COPIES oligos of the same length with block 0xffff hold the parameters the decoder cannot
// see in a read (payload, inner parity, K, R, the length and CRC-32 of S), under a CRC-32 of their own and a
// fixed, stronger inner code (META_PARITY), so the decoder needs nothing but the reads (and the primers).
import { checkOptions, describeValue } from "../args.ts";
import { checkChoice, checkNumber } from "./checks.ts";
import { CODE_KINDS, type CodeKind } from "./code-lengths.ts";
import { crc32 } from "./crc32.ts";
import { DnaMissingOligosError, DnaReadsError } from "./errors.ts";
import { type Alphabet, codeHeader, decodeCodeStream, MAX_TEXT_LENGTH, symbolsAndCode } from "./format.ts";
import {
  fromNucleotides,
  GC_MAX,
  GC_MIN,
  longestRun,
  MAX_RUN,
  meetsConstraints,
  toNucleotides,
} from "./nucleotides.ts";
import { rsDecode, rsEncode } from "./rs.ts";
import { MAX_OLIGO, SEED_DIGITS, screenOligo, unscrambleOligo } from "./scramble.ts";

/** The first line of a .dna text in the storage format (version 2 of the container). */
export const STORAGE_MAGIC: string = "#sparseproj-dna 2 ";
const ADDRESS_BYTES = 3;
const META_BLOCK = 0xffff;
/** Metadata oligos written, each alone enough to decode. */
export const META_COPIES: number = 4;
/** Reed–Solomon bytes of a metadata oligo: corrects 4 byte errors. */
export const META_PARITY: number = 8;
const META_RECORD = 17;
const FORMAT_VERSION = 1;
// Longest codeword, so that seed + codeword ≤ MAX_OLIGO nt, and the shortest that holds a metadata record.
const MAX_CODEWORD = (MAX_OLIGO - SEED_DIGITS) / 4;
const MIN_CODEWORD = ADDRESS_BYTES + META_RECORD + META_PARITY;

/** encodeOligos's options. */
export interface StorageOptions {
  /** The prefix code of the data's symbols (default "huffman"). */
  readonly code?: CodeKind;
  /** Data bytes per oligo (default 32). */
  readonly payload?: number;
  /** Reed–Solomon bytes per oligo, correcting innerParity / 2 byte errors (default 4). */
  readonly innerParity?: number;
  /** Outer parity oligos per data oligo, 0–4 (default 0.1: about 10% of the oligos may be lost). */
  readonly redundancy?: number;
  /** Primers flanking every oligo, A/C/G/T strings with runs ≤ 3 and 40–60% GC (default none). */
  readonly primers?: readonly [string, string];
}

/** The storage format's defaults: 32 + 3 + 4 bytes, a 160-nt oligo (seed included). */
export const STORAGE_DEFAULTS: Readonly<Required<StorageOptions>> = Object.freeze({
  code: "huffman",
  payload: 32,
  innerParity: 4,
  redundancy: 0.1,
  primers: ["", ""] as const,
});

/** What the decoder learns from a metadata oligo. */
interface Parameters {
  payload: number;
  innerParity: number;
  blockData: number;
  blockParity: number;
  streamLength: number;
  streamCrc: number;
}

/** The outer code's blocks: data and parity oligos of each. */
interface Layout {
  data: number[];
  parity: number[];
  /** Index of each block's first data chunk in S. */
  firstChunk: number[];
}

/** The blocks, or null past 65,534 of them (block 0xffff is the metadata's): checked before any array is made. */
function layout(p: Parameters): Layout | null {
  const chunks = Math.max(1, Math.ceil(p.streamLength / p.payload));
  const blocks = Math.ceil(chunks / p.blockData);
  if (blocks >= META_BLOCK) return null;
  const data: number[] = [],
    parity: number[] = [],
    firstChunk: number[] = [];
  for (let b = 0, first = 0; b < blocks; b++) {
    const k = Math.floor(chunks / blocks) + (b < chunks % blocks ? 1 : 0);
    data.push(k);
    parity.push(Math.ceil((k * p.blockParity) / p.blockData));
    firstChunk.push(first);
    first += k;
  }
  return { data, parity, firstChunk };
}

/** encodeOligos's result. */
export interface EncodedOligos {
  /** Every oligo, primers included: metadata first, then each block's data and parity oligos. */
  readonly oligos: string[];
  /** The .dna container (version 2): a header line, then one oligo per line. */
  readonly text: string;
  readonly stats: StorageStats;
}

/** What an encoding took. */
export interface StorageStats {
  readonly alphabet: Alphabet;
  readonly code: CodeKind;
  readonly bytes: number;
  readonly oligoLength: number;
  readonly dataOligos: number;
  readonly parityOligos: number;
  readonly metaOligos: number;
  readonly blocks: number;
  /** The most oligos of one block that may be lost: the smallest block's parity. */
  readonly minBlockParity: number;
  /** Nucleotides of all oligos, primers excluded. */
  readonly nucleotides: number;
  /** Bits of the data (8 per byte, 32 per integer) per nucleotide, primers excluded: DNA Fountain's measure. */
  readonly bitsPerNucleotide: number;
  readonly longestHomopolymer: number;
  readonly gc: { readonly min: number; readonly max: number };
}

function bytesToDigits(bytes: Uint8Array): Uint8Array {
  const digits = new Uint8Array(4 * bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    for (let d = 0; d < 4; d++) digits[4 * i + d] = (bytes[i] >>> (6 - 2 * d)) & 3;
  }
  return digits;
}

function digitsToBytes(digits: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(digits.length / 4));
  for (let i = 0; i < digits.length; i++) bytes[i >> 2] |= digits[i] << (6 - 2 * (i & 3));
  return bytes;
}

function primerDigits(value: unknown, name: string): Uint8Array {
  if (typeof value !== "string")
    throw new TypeError(`${name} must be a string of A/C/G/T; got ${describeValue(value)}`);
  let digits: Uint8Array;
  try {
    digits = fromNucleotides(value.toUpperCase());
  } catch (error) {
    throw new RangeError(`${name}: ${(error as Error).message}`);
  }
  if (!digits.length) return digits;
  if (longestRun(digits) > MAX_RUN || !meetsConstraints(digits)) {
    throw new RangeError(`${name} must have runs ≤ ${MAX_RUN} and ${100 * GC_MIN}–${100 * GC_MAX}% GC; got ${value}`);
  }
  return digits;
}

/** The primers as digits, checked. */
function checkPrimers(primers: unknown): [Uint8Array, Uint8Array] {
  if (!Array.isArray(primers) || primers.length !== 2) {
    throw new TypeError(`options.primers must be [left, right], two strings; got ${describeValue(primers)}`);
  }
  return [primerDigits(primers[0], "options.primers[0]"), primerDigits(primers[1], "options.primers[1]")];
}

function checkInteger(value: unknown, name: string, lo: number, hi: number): number {
  if (!Number.isInteger(checkNumber(value, name)) || (value as number) < lo || (value as number) > hi) {
    throw new RangeError(`${name} must be an integer in ${lo}..${hi}; got ${value}`);
  }
  return value as number;
}

function metaRecord(p: Parameters): Uint8Array {
  const record = new Uint8Array(META_RECORD);
  const view = new DataView(record.buffer);
  record.set([FORMAT_VERSION, p.payload, p.innerParity, p.blockData, p.blockParity]);
  view.setUint32(5, p.streamLength);
  view.setUint32(9, p.streamCrc);
  view.setUint32(13, crc32(record.subarray(0, 13)));
  return record;
}

function parseMetaRecord(record: Uint8Array): Parameters | null {
  const view = new DataView(record.buffer, record.byteOffset, record.length);
  if (record[0] !== FORMAT_VERSION || view.getUint32(13) !== crc32(record.subarray(0, 13))) return null;
  const [, payload, innerParity, blockData, blockParity] = record;
  if (payload < 1 || blockData < 1 || blockData + blockParity > 255) return null;
  return {
    payload,
    innerParity,
    blockData,
    blockParity,
    streamLength: view.getUint32(5),
    streamCrc: view.getUint32(9),
  };
}

/**
 * encodeOligos's options with their defaults, checked (a TypeError or RangeError naming the option), and the
 * primers as digits. Its own function so that a command line can check its flags before reading a file.
 */
export function checkStorageOptions(options: StorageOptions = {}): Required<StorageOptions> & {
  left: Uint8Array;
  right: Uint8Array;
} {
  const o = { ...STORAGE_DEFAULTS, ...checkOptions<StorageOptions>(options) };
  checkChoice(o.code, "options.code", CODE_KINDS);
  const payload = checkInteger(o.payload, "options.payload", 1, MAX_CODEWORD - ADDRESS_BYTES);
  const innerParity = checkInteger(o.innerParity, "options.innerParity", 0, MAX_CODEWORD - ADDRESS_BYTES - payload);
  if (ADDRESS_BYTES + payload + innerParity < MIN_CODEWORD) {
    const least = MIN_CODEWORD - ADDRESS_BYTES;
    throw new RangeError(`options.payload + options.innerParity must be at least ${least} (the metadata's room)`);
  }
  const redundancy = checkNumber(o.redundancy, "options.redundancy");
  if (!(redundancy >= 0 && redundancy <= 4)) {
    throw new RangeError(`options.redundancy must be a number in 0..4; got ${redundancy}`);
  }
  const [left, right] = checkPrimers(o.primers);
  return { ...o, payload, innerParity, redundancy, left, right };
}

/**
 * Encodes bytes (a Uint8Array) or integers (an Int32Array, or an array of 32-bit integers) as a pool of oligos
 * that decodeOligos reads back from unordered, erroneous copies (see the top of this file). Throws a TypeError or
 * RangeError naming a bad argument or option.
 */
export function encodeOligos(
  data: Uint8Array | Int32Array | readonly number[],
  options: StorageOptions = {},
): EncodedOligos {
  const { code, payload, innerParity, redundancy, primers, left, right } = checkStorageOptions(options);
  const codeword = ADDRESS_BYTES + payload + innerParity;

  const { symbols, alphabet, prefixCode } = symbolsAndCode(data, code);
  const digits = prefixCode.encode(symbols);
  const header = new TextEncoder().encode(
    JSON.stringify(codeHeader(code, alphabet, symbols, prefixCode, digits.length)),
  );
  const packed = digitsToBytes(digits);
  const stream = new Uint8Array(4 + header.length + packed.length);
  new DataView(stream.buffer).setUint32(0, header.length);
  stream.set(header, 4);
  stream.set(packed, 4 + header.length);

  const blockData = Math.floor(255 / (1 + redundancy));
  const blockParity = Math.min(255 - blockData, Math.ceil(blockData * redundancy - 1e-9));
  const p: Parameters = {
    payload,
    innerParity,
    blockData,
    blockParity,
    streamLength: stream.length,
    streamCrc: crc32(stream),
  };
  const blocks = layout(p);
  if (!blocks) throw new RangeError("data is too large: over 65,534 blocks of oligos; encode it in parts");
  const { data: k, parity: r, firstChunk } = blocks;
  const total = META_COPIES + k.reduce((a, b) => a + b, 0) + r.reduce((a, b) => a + b, 0);
  const oligoLength = left.length + SEED_DIGITS + 4 * codeword + right.length;
  if (total * (oligoLength + 1) > MAX_TEXT_LENGTH) {
    throw new RangeError(`data is too large: its ${total} oligos are longer than a string can be; encode it in parts`);
  }

  const oligos: string[] = [];
  let gcMin = 1,
    gcMax = 0,
    longest = 0;
  const write = (block: number, row: number, body: Uint8Array, parity: number) => {
    const message = new Uint8Array(codeword - parity);
    message.set([block >>> 8, block & 0xff, row]);
    message.set(body, ADDRESS_BYTES);
    const oligo = screenOligo(bytesToDigits(rsEncode(message, parity)), left, right);
    let gc = 0;
    for (const d of oligo) gc += d === 1 || d === 2 ? 1 : 0;
    gcMin = Math.min(gcMin, gc / oligo.length);
    gcMax = Math.max(gcMax, gc / oligo.length);
    longest = Math.max(longest, longestRun(oligo));
    oligos.push(toNucleotides(oligo));
  };
  const record = metaRecord(p);
  for (let c = 0; c < META_COPIES; c++) write(META_BLOCK, c, record, META_PARITY);
  for (let b = 0; b < k.length; b++) {
    const rows: Uint8Array[] = [];
    for (let j = 0; j < k[b]; j++) {
      const start = (firstChunk[b] + j) * payload;
      const chunk = new Uint8Array(payload);
      chunk.set(stream.subarray(start, Math.min(start + payload, stream.length)));
      rows.push(chunk);
    }
    for (let j = 0; j < r[b]; j++) rows.push(new Uint8Array(payload));
    const column = new Uint8Array(k[b]);
    for (let q = 0; q < payload; q++) {
      for (let j = 0; j < k[b]; j++) column[j] = rows[j][q];
      const encoded = rsEncode(column, r[b]);
      for (let j = 0; j < r[b]; j++) rows[k[b] + j][q] = encoded[k[b] + j];
    }
    rows.forEach((row, j) => write(b, j, row, innerParity));
  }

  const body = oligoLength - left.length - right.length;
  const bytes = alphabet === "bytes" ? symbols.length : 4 * symbols.length;
  const stats: StorageStats = {
    alphabet,
    code,
    bytes,
    oligoLength,
    dataOligos: k.reduce((a, b) => a + b, 0),
    parityOligos: r.reduce((a, b) => a + b, 0),
    metaOligos: META_COPIES,
    blocks: k.length,
    minBlockParity: r.reduce((a, b) => Math.min(a, b), Infinity),
    nucleotides: body * oligos.length,
    bitsPerNucleotide: (8 * bytes) / (body * oligos.length),
    longestHomopolymer: longest,
    gc: { min: gcMin, max: gcMax },
  };
  const container = { format: "oligos", oligo: oligoLength, oligos: oligos.length, primers };
  const text = `${STORAGE_MAGIC}${JSON.stringify(container)}\n${oligos.join("\n")}\n`;
  return { oligos, text, stats };
}

/** decodeOligos's options. */
export interface DecodeOligosOptions {
  /** The primers the oligos were written with, which every read carries (default none). */
  readonly primers?: readonly [string, string];
  /** The most bytes of data to decode (default 1 GiB), as decodeDna's maxBytes. */
  readonly maxBytes?: number;
}

/** How the reads went into the result. */
export interface ReadsReport {
  readonly reads: number;
  /** Reads of the oligo length, of A/C/G/T only: the others are treated as lost. */
  readonly readsOfOligoLength: number;
  readonly distinctReads: number;
  readonly oligoLength: number;
  /** Oligos (data and parity) decoded from at least one read or a consensus of reads. */
  readonly oligosFound: number;
  /** Of those, found only through a per-position consensus of reads that did not decode alone. */
  readonly byConsensus: number;
  readonly oligosTotal: number;
  readonly metaOligosFound: number;
  /** Oligos the outer code rebuilt. */
  readonly recovered: number;
  /** Byte errors the outer code corrected in oligos the inner code accepted. */
  readonly outerCorrections: number;
}

/** decodeOligos's result. */
export interface DecodedOligos {
  readonly data: Uint8Array | Int32Array;
  readonly alphabet: Alphabet;
  readonly code: CodeKind;
  readonly report: ReadsReport;
}

/** The digit of A, C, G, T by character code (reads are checked to hold nothing else). */
const DIGIT_OF = new Uint8Array(128);
[..."ACGT"].forEach((c, d) => (DIGIT_OF[c.charCodeAt(0)] = d));

const latin1 = (bytes: Uint8Array): string => String.fromCharCode.apply(null, bytes as unknown as number[]);
const fromLatin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Adds `weight` votes for `key` in the ballot of `address`. */
function vote(ballots: Map<number, Map<string, number>>, address: number, key: string, weight: number): void {
  let ballot = ballots.get(address);
  if (!ballot) ballots.set(address, (ballot = new Map()));
  ballot.set(key, (ballot.get(key) ?? 0) + weight);
}

function winner(ballot: Map<string, number>): string {
  let best = "",
    most = -1;
  for (const [key, n] of ballot) if (n > most) [best, most] = [key, n];
  return best;
}

/**
 * Decodes reads of a pool written by encodeOligos — any number, in any order, with duplicates, substitutions,
 * insertions, deletions (a read of the wrong length is set aside) and lost oligos — to exactly the data encoded.
 * Anything else is a DnaReadsError saying what went wrong; too few oligos is a DnaMissingOligosError with the
 * counts. The stream's CRC-32 and the data's decide: the result is never wrong bytes. Memory is proportional to
 * the reads (claims in a metadata oligo are checked against the oligos present before anything is allocated).
 */
export function decodeOligos(reads: readonly string[], options: DecodeOligosOptions = {}): DecodedOligos {
  if (!Array.isArray(reads)) throw new TypeError(`reads must be an array of strings; got ${describeValue(reads)}`);
  const { primers = STORAGE_DEFAULTS.primers, maxBytes = 2 ** 30 } = checkOptions<DecodeOligosOptions>(options);
  const [left, right] = checkPrimers(primers);
  if (!Number.isSafeInteger(checkNumber(maxBytes, "options.maxBytes")) || maxBytes < 0) {
    throw new RangeError(`options.maxBytes must be an integer ≥ 0; got ${maxBytes}`);
  }
  const flanks = left.length + right.length;
  // The oligo length: the most common among the lengths a codeword can have.
  const lengths = new Map<number, number>();
  reads.forEach((read, i) => {
    if (typeof read !== "string") throw new TypeError(`reads[${i}] must be a string; got ${describeValue(read)}`);
    const codeword = (read.length - flanks - SEED_DIGITS) / 4;
    if (Number.isInteger(codeword) && codeword >= MIN_CODEWORD && codeword <= MAX_CODEWORD) {
      lengths.set(read.length, (lengths.get(read.length) ?? 0) + 1);
    }
  });
  let oligoLength = 0,
    most = 0;
  for (const [length, n] of lengths)
    if (n > most || (n === most && length < oligoLength)) [oligoLength, most] = [length, n];
  if (!most) {
    const expected = `${flanks + SEED_DIGITS + 4 * MIN_CODEWORD}–${flanks + SEED_DIGITS + 4 * MAX_CODEWORD} nt`;
    throw new DnaReadsError(`none of the ${reads.length} reads has the length of an oligo (${expected})`);
  }
  // Distinct sequences between the primers, with their counts: copies are decoded once.
  const distinct = new Map<string, number>();
  let ofLength = 0;
  for (const read of reads) {
    if (read.length !== oligoLength) continue;
    const body = read.slice(left.length, oligoLength - right.length).toUpperCase();
    if (!/^[ACGT]*$/.test(body)) continue;
    ofLength++;
    distinct.set(body, (distinct.get(body) ?? 0) + 1);
  }
  const codeword = (oligoLength - flanks - SEED_DIGITS) / 4;
  const bytesOf = (body: string) => digitsToBytes(unscrambleOligo(fromNucleotides(body)));

  // The metadata: the record most reads agree on.
  const metaVotes = new Map<number, Map<string, number>>();
  const metaBodies = new Set<string>();
  for (const [body, n] of distinct) {
    const decoded = rsDecode(bytesOf(body), META_PARITY);
    if (!decoded) continue;
    const c = decoded.codeword;
    if (((c[0] << 8) | c[1]) !== META_BLOCK || c[2] >= META_COPIES) continue;
    const record = c.subarray(ADDRESS_BYTES, ADDRESS_BYTES + META_RECORD);
    if (!parseMetaRecord(record)) continue;
    metaBodies.add(body);
    vote(metaVotes, 0, latin1(record), n);
    vote(metaVotes, 1 + c[2], "", 1);
  }
  const metaBallot = metaVotes.get(0);
  if (!metaBallot) {
    throw new DnaReadsError(
      `no metadata oligo decodes from the ${ofLength} reads of ${oligoLength} nt` +
        (flanks ? "" : " (if the oligos carry primers, give them)"),
    );
  }
  const p = parseMetaRecord(fromLatin1(winner(metaBallot)))!;
  if (ADDRESS_BYTES + p.payload + p.innerParity !== codeword) {
    throw new DnaReadsError(
      `the metadata describes ${ADDRESS_BYTES + p.payload + p.innerParity}-byte oligos, but the reads hold ${codeword}`,
    );
  }
  const blocks = layout(p);
  if (!blocks)
    throw new DnaReadsError(`the metadata announces a stream of ${p.streamLength} bytes, over 65,534 blocks`);
  const { data: k, parity: r, firstChunk } = blocks;
  const rows = (b: number) => k[b] + r[b];
  const validAddress = (c: Uint8Array) => {
    const b = (c[0] << 8) | c[1];
    return b < k.length && c[2] < rows(b) ? b * 256 + c[2] : -1;
  };

  // Each data oligo's payload: the one most reads decode to.
  const ballots = new Map<number, Map<string, number>>();
  const failed: Array<[string, number]> = [];
  // Address and payload of reads that decoded without a correction: a miscorrected read (the inner code's
  // bounded-distance decoder lands on another codeword for about 1% of reads with 3 or more byte errors) needs one.
  const clean = new Set<string>();
  const payloadOf = (c: Uint8Array) => latin1(c.subarray(ADDRESS_BYTES, ADDRESS_BYTES + p.payload));
  for (const [body, n] of distinct) {
    if (metaBodies.has(body)) continue;
    const decoded = rsDecode(bytesOf(body), p.innerParity);
    const address = decoded ? validAddress(decoded.codeword) : -1;
    if (address < 0) failed.push([body, n]);
    else {
      vote(ballots, address, payloadOf(decoded!.codeword), n);
      if (decoded!.errors === 0) clean.add(`${address}|${payloadOf(decoded!.codeword)}`);
    }
  }
  // Reads that did not decode alone: copies of one oligo share its seed and scrambled address, so reads grouped by
  // their first 16 nt (seed and address) are mostly copies of one oligo, and the per-position majority of two or
  // more may decode.
  const groups = new Map<string, Array<[string, number]>>();
  for (const [body, n] of failed) {
    const key = body.slice(0, SEED_DIGITS + 4 * ADDRESS_BYTES);
    const group = groups.get(key);
    if (group) group.push([body, n]);
    else groups.set(key, [[body, n]]);
  }
  let byConsensus = 0;
  for (const group of groups.values()) {
    if (group.reduce((a, [, n]) => a + n, 0) < 2) continue;
    const consensus = new Uint8Array(SEED_DIGITS + 4 * codeword);
    const counts = new Float64Array(4);
    for (let i = 0; i < consensus.length; i++) {
      counts.fill(0);
      for (const [body, n] of group) counts[DIGIT_OF[body.charCodeAt(i)]] += n;
      let best = 0;
      for (let d = 1; d < 4; d++) if (counts[d] > counts[best]) best = d;
      consensus[i] = best;
    }
    const decoded = rsDecode(digitsToBytes(unscrambleOligo(consensus)), p.innerParity);
    const address = decoded ? validAddress(decoded.codeword) : -1;
    if (address < 0) continue;
    if (!ballots.has(address)) byConsensus++;
    vote(ballots, address, payloadOf(decoded!.codeword), 1);
  }

  // Which oligos are missing, block by block, before anything is allocated for the blocks.
  let missing = 0,
    beyond = 0,
    total = 0;
  const short: string[] = [];
  for (let b = 0; b < k.length; b++) {
    let found = 0;
    for (let j = 0; j < rows(b); j++) found += ballots.has(b * 256 + j) ? 1 : 0;
    total += rows(b);
    missing += rows(b) - found;
    if (rows(b) - found > r[b]) {
      beyond += rows(b) - found - r[b];
      if (short.length < 5) short.push(`block ${b}: ${rows(b) - found} of ${rows(b)} missing, ${r[b]} recoverable`);
    }
  }
  if (beyond) {
    const blocks = short.length < 5 ? short.join("; ") : `${short.join("; ")}; …`;
    throw new DnaMissingOligosError(
      `${missing} of ${total} oligos have no decodable read, ${beyond} more than the outer code recovers ` +
        `(${blocks}): at least ${beyond} more oligos must be read`,
      missing,
      beyond,
      total,
    );
  }

  // The outer code, column by column, then the stream. If that fails (a column beyond correction, or a checksum
  // that does not match), once more with the doubtful oligos — one read, corrected, no other read agreeing — also
  // erased, as many as each block's parity allows: a miscorrected read is one of those.
  let outerCorrections = 0;
  const assemble = (distrust: boolean): Uint8Array | null => {
    const stream = new Uint8Array(p.streamLength);
    outerCorrections = 0;
    for (let b = 0; b < k.length; b++) {
      const payloads: Array<Uint8Array | null> = [];
      const erasures: number[] = [];
      const doubtful: number[] = [];
      for (let j = 0; j < rows(b); j++) {
        const ballot = ballots.get(b * 256 + j);
        const best = ballot ? winner(ballot) : "";
        payloads.push(ballot ? fromLatin1(best) : null);
        if (!ballot) erasures.push(j);
        else if (ballot.get(best)! <= 1 && !clean.has(`${b * 256 + j}|${best}`)) doubtful.push(j);
      }
      for (let i = 0; distrust && i < doubtful.length && erasures.length < r[b]; i++) erasures.push(doubtful[i]);
      const column = new Uint8Array(rows(b));
      for (let q = 0; q < p.payload; q++) {
        for (let j = 0; j < rows(b); j++) column[j] = payloads[j]?.[q] ?? 0;
        const decoded = rsDecode(column, r[b], erasures);
        if (!decoded) return null;
        outerCorrections += decoded.errors;
        for (let j = 0; j < k[b]; j++) {
          const at = (firstChunk[b] + j) * p.payload + q;
          if (at < stream.length) stream[at] = decoded.codeword[j];
        }
      }
    }
    return crc32(stream) === p.streamCrc ? stream : null;
  };
  const stream = assemble(false) ?? assemble(true);
  if (!stream) {
    throw new DnaReadsError(
      `the oligos do not reassemble to the stream the metadata describes (its CRC-32 ${p.streamCrc.toString(16)}): ` +
        "more errors than the inner and outer codes correct",
    );
  }
  const decoded = decodeStream(stream, maxBytes);
  let recovered = 0;
  for (let b = 0; b < k.length; b++) for (let j = 0; j < rows(b); j++) recovered += ballots.has(b * 256 + j) ? 0 : 1;
  const report: ReadsReport = {
    reads: reads.length,
    readsOfOligoLength: ofLength,
    distinctReads: distinct.size,
    oligoLength,
    oligosFound: total - missing,
    byConsensus,
    oligosTotal: total,
    metaOligosFound: metaVotes.size - 1,
    recovered,
    outerCorrections,
  };
  return { ...decoded, report };
}

/** The data of a stream whose CRC-32 matched: header length, header, digits. */
function decodeStream(stream: Uint8Array, maxBytes: number): Omit<DecodedOligos, "report"> {
  const bad = (problem: string) => new DnaReadsError(`the stream's header: ${problem}`);
  if (stream.length < 4) throw bad("the stream is shorter than its length field");
  const headerLength = new DataView(stream.buffer).getUint32(0);
  if (headerLength > stream.length - 4) throw bad(`it announces ${headerLength} bytes; the stream holds fewer`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(stream.subarray(4, 4 + headerLength)));
  } catch {
    throw bad("not valid JSON");
  }
  const packed = stream.subarray(4 + headerLength);
  const count = (json as { digits?: unknown } | null)?.digits;
  if (!Number.isSafeInteger(count) || Math.ceil((count as number) / 4) !== packed.length) {
    throw bad(`"digits" must be the ${4 * packed.length - 3}–${4 * packed.length} digits the stream holds`);
  }
  const all = bytesToDigits(packed);
  const digits = all.subarray(0, count as number);
  if (all.subarray(count as number).some((d) => d !== 0)) throw bad("the code stream's padding is not zeros");
  return decodeCodeStream(json, digits, maxBytes, bad);
}
