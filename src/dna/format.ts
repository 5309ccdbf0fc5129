// The .dna text: one header line, then the nucleotides, one oligo per line. The header is
//   #sparseproj-dna 1 {"alphabet":"bytes","code":"huffman","symbols":…,"digits":…,"crc32":"…","constrained":…,
//                      "oligo":200,"table":[[length,[symbols…]],…]}
// where the table lists the canonical code (symbols grouped by codeword length), enough to rebuild every
// codeword. Unconstrained, each line holds `oligo` digits of the code stream (the last line fewer); constrained,
// each line is a screened oligo of exactly `oligo` nucleotides (scramble.ts), the last one's payload padded with
// zeros. Decoding checks every line's length and characters, the oligos' constraints and padding, that the code
// stream decodes to exactly `symbols` symbols, and finally the CRC-32 of the decoded data, so a corrupt, truncated
// or tampered file is a DnaFormatError naming the line, never a wrong output. The header's counts are checked
// against the lines present and against maxBytes before anything is allocated for them: a .dna text is read in
// memory proportional to its size, or to the data's when that is larger (a one-symbol file), at most maxBytes.
import { codeLengths, CODE_KINDS, kraftSum, type CodeKind } from "./code-lengths.ts";
import { checkOptions, describeValue } from "../args.ts";
import { checkChoice, checkNumber, checkSymbols } from "./checks.ts";
import { CRC32_START, crc32Byte, crc32End } from "./crc32.ts";
import { DnaFormatError, DnaSizeError, DnaTextLengthError } from "./errors.ts";
import { entropy4, histogram, meanLength, type Histogram } from "./histogram.ts";
import {
  fromNucleotides,
  gcContent,
  longestRun,
  meetsConstraints,
  runLengthCapacity,
  toNucleotides,
} from "./nucleotides.ts";
import { PrefixCode } from "./prefix-code.ts";
import { MAX_OLIGO, MIN_OLIGO, screenOligo, SEED_DIGITS, unscrambleOligo } from "./scramble.ts";

const MAGIC = "#sparseproj-dna 1 ";

/** "bytes": a Uint8Array, symbols 0–255. "integers": 32-bit signed integers, such as a quantized latent. */
export type Alphabet = "bytes" | "integers";

/** encodeDna's options. */
export interface EncodeDnaOptions {
  /** The prefix code (default "huffman", the optimum). */
  readonly code?: CodeKind;
  /** Screened oligos: runs ≤ 3 and 40–60% GC in every one (default false). */
  readonly constrained?: boolean;
  /** Nucleotides per oligo, i.e. per line, header included when constrained (default 200; 20–200 constrained). */
  readonly oligo?: number;
}

/** What an encoding took: the code's efficiency against the entropy, the oligos and their constraints. */
export interface DnaStats {
  readonly alphabet: Alphabet;
  readonly code: CodeKind;
  readonly symbols: number;
  readonly distinctSymbols: number;
  /** H₄, nucleotides per symbol. */
  readonly entropy: number;
  /** L, the code's mean codeword length in nucleotides per symbol (H₄ ≤ L). */
  readonly meanLength: number;
  /** Σ 4^−ℓ over the code. */
  readonly kraft: number;
  /** Digits of the code stream: what an unconstrained encoding writes. */
  readonly digits: number;
  /** Nucleotides written, headers and padding included. */
  readonly nucleotides: number;
  readonly oligos: number;
  readonly oligoLength: number;
  readonly constrained: boolean;
  /** nucleotides / digits − 1: the constrained mode's cost (0 unconstrained, or for no digits). */
  readonly overhead: number;
  /** Code-stream bits carried per nucleotide, 2·digits / nucleotides (2 unconstrained). */
  readonly codeBitsPerNucleotide: number;
  /** The most bits per nucleotide any code with runs ≤ 3 can carry, 1.9824. */
  readonly capacityRunsAtMost3: number;
  readonly longestHomopolymer: number;
  /** Lowest and highest GC fraction over the oligos (null without oligos). */
  readonly gc: { readonly min: number; readonly max: number } | null;
}

/** encodeDna's result: the .dna text and its statistics. */
export interface EncodedDna {
  readonly text: string;
  readonly stats: DnaStats;
}

/** decodeDna's result: the data, and the header's settings it was encoded with. */
export interface DecodedDna {
  /** A Uint8Array for "bytes", an Int32Array for "integers". */
  readonly data: Uint8Array | Int32Array;
  readonly alphabet: Alphabet;
  readonly code: CodeKind;
  readonly constrained: boolean;
  readonly oligo: number;
}

/** Data as bytes, what the checksum covers: bytes as they are, each integer as 4 bytes little-endian. */
export function dataBytes(data: Uint8Array | Int32Array): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (!(data instanceof Int32Array)) {
    throw new TypeError(`data must be a Uint8Array or an Int32Array; got ${describeValue(data)}`);
  }
  const bytes = new Uint8Array(4 * data.length);
  const view = new DataView(bytes.buffer);
  data.forEach((x, i) => view.setInt32(4 * i, x, true));
  return bytes;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/**
 * The longest string every engine builds: V8's limit, 2^29 − 24 characters (JavaScriptCore and SpiderMonkey allow
 * more). A longer .dna text would end in the engine's "Invalid string length", so it is refused before encoding.
 */
export const MAX_TEXT_LENGTH = 2 ** 29 - 24;

function checkTextLength(h: Histogram, lengths: ReadonlyMap<number, number>, per: number, width: number): void {
  let digits = 0;
  for (const [symbol, count] of h) digits += count * (lengths.get(symbol) ?? 0);
  // The header's table is bounded by the symbols; a line is `width` nucleotides and a line break.
  const characters = Math.ceil(digits / per) * (width + 1);
  if (characters > MAX_TEXT_LENGTH) throw new DnaTextLengthError(characters, MAX_TEXT_LENGTH);
}

/** Payload digits per line. */
function perLine(oligo: number, constrained: boolean): number {
  return constrained ? oligo - SEED_DIGITS : oligo;
}

/** The data's symbols and alphabet, after checking `data`, and its prefix code of kind `code`. */
export function symbolsAndCode(
  data: unknown,
  code: CodeKind,
): { symbols: Uint8Array | Int32Array; alphabet: Alphabet; h: Histogram; prefixCode: PrefixCode } {
  const alphabet: Alphabet = data instanceof Uint8Array ? "bytes" : "integers";
  let symbols: Uint8Array | Int32Array;
  if (data instanceof Uint8Array || data instanceof Int32Array) symbols = data;
  else if (!Array.isArray(data)) {
    const expected = "a Uint8Array, an Int32Array or an array of 32-bit integers";
    throw new TypeError(`data must be ${expected}; got ${describeValue(data)}`);
  } else {
    checkSymbols(data, "data");
    const bad = data.findIndex((x) => x !== (x | 0));
    if (bad >= 0) throw new RangeError(`data[${bad}] is not a 32-bit integer: ${data[bad]}`);
    symbols = Int32Array.from(data);
  }
  const h = histogram(symbols);
  return { symbols, alphabet, h, prefixCode: new PrefixCode(codeLengths(h, code)) };
}

/** What decoding a code stream needs besides its digits: the .dna header's fields that describe the code. */
export interface CodeHeader {
  alphabet: Alphabet;
  code: CodeKind;
  symbols: number;
  digits: number;
  crc32: string;
  table: Array<[number, number[]]>;
}

/** The header describing `symbols` coded by `prefixCode` into `digits` digits. */
export function codeHeader(
  code: CodeKind,
  alphabet: Alphabet,
  symbols: Uint8Array | Int32Array,
  prefixCode: PrefixCode,
  digits: number,
): CodeHeader {
  const table: Array<[number, number[]]> = [];
  for (const [symbol, length] of prefixCode.lengths) {
    if (table.at(-1)?.[0] !== length) table.push([length, []]);
    table.at(-1)![1].push(symbol);
  }
  const crc32 = hex8(dataCrc(alphabet, symbols.length, (i) => symbols[i]));
  return { alphabet, code, symbols: symbols.length, digits, crc32, table };
}

/**
 * Encodes bytes (a Uint8Array) or integers (an Int32Array, or an array of 32-bit integers) as .dna text.
 * Throws a TypeError or RangeError naming a bad argument, option or array element, and a DnaScreeningError (a
 * RangeError) in the unlikely case that no seed screens an oligo.
 */
export function encodeDna(
  data: Uint8Array | Int32Array | readonly number[],
  options: EncodeDnaOptions = {},
): EncodedDna {
  const { code = "huffman", constrained = false, oligo = 200 } = checkOptions<EncodeDnaOptions>(options);
  checkChoice(code, "options.code", CODE_KINDS);
  if (typeof constrained !== "boolean") {
    throw new TypeError(`options.constrained must be a boolean; got ${describeValue(constrained)}`);
  }
  if (!Number.isSafeInteger(checkNumber(oligo, "options.oligo")) || oligo < 1) {
    throw new RangeError(`options.oligo must be an integer ≥ 1; got ${oligo}`);
  }
  if (constrained && (oligo < MIN_OLIGO || oligo > MAX_OLIGO)) {
    const range = `${MIN_OLIGO}..${MAX_OLIGO}`;
    throw new RangeError(`options.oligo must be an integer in ${range} with constrained: true; got ${oligo}`);
  }
  const { symbols, h, prefixCode, alphabet } = symbolsAndCode(data, code);
  const per = perLine(oligo, constrained);
  // Every line's nucleotides back to back; unconstrained, that is the code stream itself.
  const width = constrained ? oligo : per;
  checkTextLength(h, prefixCode.lengths, per, width);
  const digits = prefixCode.encode(symbols);
  const count = Math.ceil(digits.length / per);
  let stream = digits;
  if (constrained) {
    stream = new Uint8Array(count * oligo);
    const payload = new Uint8Array(per);
    for (let k = 0; k < count; k++) {
      // The zeros after a short last chunk are the padding.
      payload.fill(0).set(digits.subarray(k * per, (k + 1) * per));
      stream.set(screenOligo(payload), k * oligo);
    }
  }
  const line = (k: number) => stream.subarray(k * width, (k + 1) * width);

  const header = { ...codeHeader(code, alphabet, symbols, prefixCode, digits.length), constrained, oligo };
  // One string sliced into lines rather than a string per line: a fraction of the garbage on large files.
  const letters = toNucleotides(stream);
  const parts = [MAGIC + JSON.stringify(header)];
  for (let k = 0; k < count; k++) parts.push(letters.slice(k * width, (k + 1) * width));
  const text = parts.join("\n") + "\n";

  // Loops, not a spread of the per-oligo GC values into Math.min: one argument per oligo overflows the stack.
  let gcMin = Infinity,
    gcMax = -Infinity,
    longest = 0;
  for (let k = 0; k < count; k++) {
    const gc = gcContent(line(k));
    gcMin = Math.min(gcMin, gc);
    gcMax = Math.max(gcMax, gc);
    longest = Math.max(longest, longestRun(line(k)));
  }
  const nucleotides = stream.length;
  const stats: DnaStats = {
    alphabet,
    code,
    symbols: symbols.length,
    distinctSymbols: h.size,
    entropy: entropy4(h),
    meanLength: meanLength(h, prefixCode.lengths),
    kraft: kraftSum(prefixCode.lengths),
    digits: digits.length,
    nucleotides,
    oligos: count,
    oligoLength: oligo,
    constrained,
    overhead: digits.length ? nucleotides / digits.length - 1 : 0,
    codeBitsPerNucleotide: nucleotides ? (2 * digits.length) / nucleotides : 0,
    capacityRunsAtMost3: runLengthCapacity(3),
    longestHomopolymer: longest,
    gc: count ? { min: gcMin, max: gcMax } : null,
  };
  return { text, stats };
}

interface Header extends CodeHeader {
  constrained: boolean;
  oligo: number;
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** A header value in a message: JSON, cut short. */
function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  // Past 20 values everything is written "…", so a deeply nested value is never recursed into: overflowing the
  // stack takes JavaScriptCore most of a second.
  let values = 0;
  const text = JSON.stringify(value, (_key, v) => (++values > 20 ? "…" : v));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Parses and checks line 1 on its own; every problem is a DnaFormatError on line 1. */
function parseHeader(line: string): { header: Header; lengths: Map<number, number> } {
  const bad = (problem: string) => new DnaFormatError(problem, { line: 1 });
  if (!line.startsWith(MAGIC))
    throw bad(`not a .dna file: the first line must begin with ${JSON.stringify(MAGIC.trim())}`);
  let h: Header;
  try {
    h = JSON.parse(line.slice(MAGIC.length));
  } catch {
    throw bad("the header is not valid JSON");
  }
  const lengths = checkCodeHeader(h, bad, () => {
    const field = (name: keyof Header, ok: boolean, must: string) => {
      if (!ok) throw bad(`"${name}" must be ${must}; got ${shown(h[name])}`);
    };
    field("constrained", typeof h.constrained === "boolean", "true or false");
    const least = h.constrained ? MIN_OLIGO : 1;
    field("oligo", isCount(h.oligo) && h.oligo >= least, `an integer ≥ ${least}`);
  });
  return { header: h, lengths };
}

/**
 * Checks the fields of a parsed header that describe a code (`more` checks others before the table), throwing
 * bad(problem) at the first problem; returns the table's codeword lengths.
 */
export function checkCodeHeader(
  h: unknown,
  bad: (problem: string) => Error,
  more: () => void = () => {},
): Map<number, number> {
  if (typeof h !== "object" || h === null) throw bad("the header is not a JSON object");
  const header = h as CodeHeader;
  const field = (name: keyof CodeHeader, ok: boolean, must: string) => {
    if (!ok) throw bad(`"${name}" must be ${must}; got ${shown(header[name])}`);
  };
  field("alphabet", header.alphabet === "bytes" || header.alphabet === "integers", `"bytes" or "integers"`);
  field("code", CODE_KINDS.includes(header.code), `one of ${CODE_KINDS.join(", ")}`);
  field("symbols", isCount(header.symbols) && header.symbols <= 2 ** 31 - 1, "an integer in 0..2^31−1");
  field("digits", isCount(header.digits), "an integer ≥ 0");
  const crc = header.crc32;
  field("crc32", typeof crc === "string" && /^[0-9a-f]{8}$/.test(crc), "8 lowercase hexadecimal digits");
  more();
  return tableLengths(header, bad);
}

function tableLengths(h: CodeHeader, bad: (problem: string) => Error): Map<number, number> {
  if (!Array.isArray(h.table)) throw bad(`"table" must be an array of [length, [symbols…]]`);
  const lengths = new Map<number, number>();
  const [lo, hi] = h.alphabet === "bytes" ? [0, 255] : [-(2 ** 31), 2 ** 31 - 1];
  let previous = -1;
  for (const entry of h.table) {
    const [length, symbols] = Array.isArray(entry) && entry.length === 2 ? entry : [];
    if (!isCount(length) || length <= previous || !Array.isArray(symbols) || !symbols.length) {
      throw bad(`"table" entries must be [length, [symbols…]] with increasing lengths; got ${shown(entry)}`);
    }
    previous = length;
    symbols.forEach((s: unknown, i: number) => {
      if (!Number.isInteger(s) || (s as number) < lo || (s as number) > hi) {
        throw bad(`the table's symbol ${shown(s)} is not in the ${h.alphabet} alphabet`);
      }
      // The canonical order, so any reordering of the table is noticed, not silently re-sorted.
      if (i > 0 && (s as number) <= symbols[i - 1])
        throw bad(`the table's symbols of length ${length} must increase; ${s} follows ${symbols[i - 1]}`);
      if (lengths.has(s as number)) throw bad(`the table lists symbol ${s} twice`);
      lengths.set(s as number, length);
    });
  }
  if (h.symbols > 0 && lengths.size === 0) throw bad(`the table is empty but "symbols" is ${h.symbols}`);
  return lengths;
}

/**
 * The header's code, once its claims are checked against "digits", which the caller has checked against the lines.
 * Every symbol of the table occurs in the data, so the table has at most "symbols" symbols, its codewords add up
 * to at most "digits" digits (bounding the code's memory by the text's size), and "symbols" symbols of the
 * shortest to the longest codeword make "digits" (bounding the data by the text, unless the codeword is empty).
 */
function headerCode(h: CodeHeader, lengths: Map<number, number>, bad: (problem: string) => Error): PrefixCode {
  let sum = 0,
    shortest = lengths.size ? Infinity : 0,
    longest = 0;
  for (const length of lengths.values()) {
    sum += length;
    shortest = Math.min(shortest, length);
    longest = Math.max(longest, length);
  }
  if (lengths.size > h.symbols) throw bad(`the table has ${lengths.size} symbols but "symbols" is ${h.symbols}`);
  if (sum > h.digits) throw bad(`the table's codewords add up to ${sum} digits but "digits" is ${h.digits}`);
  let code: PrefixCode;
  try {
    code = new PrefixCode(lengths);
  } catch (error) {
    throw bad(`the table is not a prefix code: ${(error as Error).message}`);
  }
  if (h.symbols * shortest > h.digits || h.symbols * longest < h.digits) {
    throw bad(`"symbols" is ${h.symbols}, of ${shortest} to ${longest} digits each, but "digits" is ${h.digits}`);
  }
  return code;
}

/** The CRC-32 of the data's bytes (what dataBytes gives) without making them: `count` symbols, the i-th at(i). */
function dataCrc(alphabet: Alphabet, count: number, at: (i: number) => number): number {
  let c = CRC32_START;
  for (let i = 0; i < count; i++) {
    const x = at(i);
    c = crc32Byte(c, x);
    if (alphabet === "integers") c = crc32Byte(crc32Byte(crc32Byte(c, x >>> 8), x >>> 16), x >>> 24);
  }
  return crc32End(c);
}

/** decodeDna's options. */
export interface DecodeDnaOptions {
  /**
   * The most bytes of data to decode (default DEFAULT_MAX_BYTES, 1 GiB); a header announcing more is a DnaSizeError
   * before anything is allocated. Data whose codewords take at least one nucleotide is bounded by the text anyway;
   * a one-symbol file (an empty codeword) is bounded by nothing else.
   */
  readonly maxBytes?: number;
}

/** decodeDna's default limit on the decoded data: 2^30 bytes (1 GiB). */
export const DEFAULT_MAX_BYTES = 2 ** 30;

/**
 * Decodes .dna text to exactly the data that was encoded, or throws a DnaFormatError naming the line. Memory and
 * time are proportional to the text, or to the data if larger, at most options.maxBytes.
 */
export function decodeDna(text: string, options: DecodeDnaOptions = {}): DecodedDna {
  if (typeof text !== "string") throw new TypeError(`text must be a string; got ${describeValue(text)}`);
  const { maxBytes = DEFAULT_MAX_BYTES } = checkOptions<DecodeDnaOptions>(options);
  if (!isCount(checkNumber(maxBytes, "options.maxBytes"))) {
    throw new RangeError(`options.maxBytes must be an integer ≥ 0; got ${maxBytes}`);
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop(); // the final line break
  if (!lines.length) throw new DnaFormatError("the file is empty", { line: 1 });
  const { header, lengths } = parseHeader(lines[0]);
  const bytes = header.symbols * (header.alphabet === "bytes" ? 1 : 4);
  if (bytes > maxBytes) throw new DnaSizeError(bytes, maxBytes);
  const per = perLine(header.oligo, header.constrained);
  const expected = Math.ceil(header.digits / per);
  if (lines.length - 1 < expected) {
    throw new DnaFormatError(
      `the file ends after ${lines.length - 1} lines of nucleotides; the header announces ${expected}`,
      { line: lines.length + 1 },
    );
  }
  if (lines.length - 1 > expected)
    throw new DnaFormatError(`the header announces ${expected} lines of nucleotides; this is one more`, {
      line: expected + 2,
    });
  // Every line's width before anything is allocated: then "digits" is known to be no more than the text holds.
  const payloadDigits = (i: number) => Math.min(per, header.digits - i * per);
  for (let i = 0; i < expected; i++) {
    const width = header.constrained ? header.oligo : payloadDigits(i);
    const found = lines[i + 1].length;
    if (found !== width) throw new DnaFormatError(`${found} nucleotides; expected ${width}`, { line: i + 2 });
  }
  const prefixCode = headerCode(header, lengths, (problem) => new DnaFormatError(problem, { line: 1 }));

  const digits = new Uint8Array(header.digits);
  for (let i = 0; i < expected; i++) {
    const line = i + 2;
    let nucleotides: Uint8Array;
    try {
      nucleotides = fromNucleotides(lines[i + 1]);
    } catch (error) {
      throw new DnaFormatError((error as Error).message, { line });
    }
    if (!header.constrained) {
      digits.set(nucleotides, i * per);
      continue;
    }
    if (!meetsConstraints(nucleotides)) {
      const altered = "the oligo breaks the constraints (a run over 3 or GC outside 40–60%): it was altered";
      throw new DnaFormatError(altered, { line });
    }
    const payload = unscrambleOligo(nucleotides);
    if (payload.subarray(payloadDigits(i)).some((d) => d !== 0)) {
      throw new DnaFormatError("the last oligo's padding is not zeros: it was altered", { line });
    }
    digits.set(payload.subarray(0, payloadDigits(i)), i * per);
  }

  const body = expected ? ` (lines 2–${expected + 1})` : "";
  const data = decodeSymbols(header, prefixCode, digits, {
    corrupt: (problem) =>
      new DnaFormatError(`${problem}: the nucleotides${body} or the header's table were altered`, {
        line: 1,
      }),
    atDigit: (problem, digit) =>
      new DnaFormatError(problem, { line: 2 + Math.floor(Math.min(digit, header.digits - 1) / per) }),
  });
  return { data, alphabet: header.alphabet, code: header.code, constrained: header.constrained, oligo: header.oligo };
}

/**
 * The symbols of a code stream whose header has been checked, verified against the header's CRC-32: a code
 * stream that does not decode is atDigit(problem, digit), a wrong checksum corrupt(problem).
 */
function decodeSymbols(
  header: CodeHeader,
  prefixCode: PrefixCode,
  digits: Uint8Array,
  errors: { corrupt: (problem: string) => Error; atDigit: (problem: string, digit: number) => Error },
): Uint8Array | Int32Array {
  const checkCrc = (crc: number) => {
    if (hex8(crc) === header.crc32) return;
    throw errors.corrupt(`the decoded data's CRC-32 is ${hex8(crc)} but the header says ${header.crc32}`);
  };
  const Data = header.alphabet === "bytes" ? Uint8Array : Int32Array;
  // An empty codeword: no digit says how many symbols there are, so the checksum comes before the data is made.
  if (header.digits === 0 && header.symbols > 0) {
    const [symbol] = prefixCode.lengths.keys();
    checkCrc(dataCrc(header.alphabet, header.symbols, () => symbol));
    return new Data(header.symbols).fill(symbol);
  }
  const data = new Data(header.symbols);
  try {
    prefixCode.decode(digits, data);
  } catch (error) {
    if (!(error instanceof DnaFormatError)) throw error;
    throw errors.atDigit(error.message, error.digit ?? 0);
  }
  checkCrc(dataCrc(header.alphabet, data.length, (i) => data[i]));
  return data;
}

/**
 * Decodes a code stream given its header as parsed JSON (unchecked: anything) and its digits, for containers
 * other than the .dna text (storage.ts). Every problem is bad(problem); a header announcing more than maxBytes
 * bytes of data is refused before anything is allocated, and the digits must be exactly the header's count.
 */
export function decodeCodeStream(
  json: unknown,
  digits: Uint8Array,
  maxBytes: number,
  bad: (problem: string) => Error,
): { data: Uint8Array | Int32Array; alphabet: Alphabet; code: CodeKind } {
  const lengths = checkCodeHeader(json, bad);
  const header = json as CodeHeader;
  const bytes = header.symbols * (header.alphabet === "bytes" ? 1 : 4);
  if (bytes > maxBytes) throw bad(`the header announces ${bytes} bytes of data, over maxBytes = ${maxBytes}`);
  if (header.digits !== digits.length) {
    throw bad(`the header announces ${header.digits} digits of code; the stream holds ${digits.length}`);
  }
  const prefixCode = headerCode(header, lengths, bad);
  const data = decodeSymbols(header, prefixCode, digits, {
    corrupt: bad,
    atDigit: (problem, digit) => bad(`digit ${digit} of the code stream: ${problem}`),
  });
  return { data, alphabet: header.alphabet, code: header.code };
}
