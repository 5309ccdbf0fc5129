// `sparseproj dna encode|decode`: any file to the .dna text (src/dna/format.ts) and back. Decoding problems come
// from the library as DnaFormatErrors carrying a line; here they become DataErrors naming the file and that line,
// so they print as one line and exit with code 1 like every other bad input.
import { readFileSync } from "node:fs";
import type { CodeKind } from "../dna/code-lengths.ts";
import { DnaFormatError, DnaScreeningError, DnaSizeError, DnaTextLengthError } from "../dna/errors.ts";
import { dataBytes, decodeDna, encodeDna } from "../dna/format.ts";
import { DataError } from "../io/table.ts";
import { checkFileDestination, reportStream, writeFile } from "./output.ts";

export interface DnaEncodeCommand {
  file: string;
  out: string;
  code: CodeKind;
  constrained: boolean;
  /** The file holds 32-bit little-endian signed integers (what `decode` writes back for them), not bytes. */
  integers: boolean;
  oligo: number;
  json: boolean;
}

/** The file's 32-bit little-endian integers; a length that is not a multiple of 4 is a DataError. */
export function readIntegers(file: string, bytes: Uint8Array): Int32Array {
  if (bytes.length % 4)
    throw new DataError(`${bytes.length} bytes are not a whole number of 32-bit integers (--integers)`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return Int32Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(4 * i, true));
}

export function runDnaEncode(c: DnaEncodeCommand): void {
  checkFileDestination(c.out);
  const file = readFileSync(c.file),
    bytes = new Uint8Array(file.buffer, file.byteOffset, file.length);
  let encoded: ReturnType<typeof encodeDna>;
  try {
    const data = c.integers ? readIntegers(c.file, bytes) : bytes;
    encoded = encodeDna(data, { code: c.code, constrained: c.constrained, oligo: c.oligo });
  } catch (error) {
    // Within the range main.ts allows, at most ≈ 5·10⁻¹¹ per oligo (scramble.ts), but not a crash either.
    if (error instanceof DnaScreeningError) {
      throw new DataError(`${error.message}; a shorter --oligo passes more often`, { file: c.file });
    }
    if (error instanceof DnaTextLengthError) throw new DataError(error.problem, { file: c.file });
    throw error;
  }
  const { text, stats } = encoded;
  writeFile(c.out, text);
  // Bits of the file per nucleotide say what a byte file costs; a 32-bit word per latent symbol would flatter it.
  const bitsPerNucleotide = stats.nucleotides && !c.integers ? (8 * bytes.length) / stats.nucleotides : null;
  if (c.json) {
    reportStream(c.out).write(
      JSON.stringify({ file: c.file, out: c.out, bytes: bytes.length, bitsPerNucleotide, ...stats }, null, 2) + "\n",
    );
    return;
  }
  const f = (x: number, digits = 3) => x.toFixed(digits);
  reportStream(c.out).write(
    [
      `${c.file}: ${c.integers ? `${stats.symbols} integers` : `${bytes.length} bytes`}, ` +
        `${stats.distinctSymbols} distinct → ${c.out}: ${stats.nucleotides} nt in ${stats.oligos} ` +
        `${c.constrained ? "oligos" : "lines"} of ${c.oligo}`,
      `${c.code}: ${f(stats.meanLength)} nt per ${c.integers ? "integer" : "byte"} ` +
        `against H₄ = ${f(stats.entropy)} (gap ${f(stats.meanLength - stats.entropy)}), Kraft sum ${f(stats.kraft)}`,
      (bitsPerNucleotide === null ? "" : `${f(bitsPerNucleotide)} bits of the file per nucleotide; `) +
        `code bits per nucleotide ${f(stats.codeBitsPerNucleotide)}` +
        (c.constrained
          ? ` (overhead ${f(100 * stats.overhead, 2)}%, capacity with runs ≤ 3: ${f(stats.capacityRunsAtMost3, 4)})`
          : ""),
      `longest homopolymer ${stats.longestHomopolymer}` +
        (stats.gc ? `, GC ${f(100 * stats.gc.min, 1)}–${f(100 * stats.gc.max, 1)}%` : ""),
      "",
    ].join("\n"),
  );
}

export interface DnaDecodeCommand {
  file: string;
  out: string;
  /** --max-size: decodeDna's maxBytes. */
  maxBytes: number;
  json: boolean;
}

/** A file's text (`what` it should be); one longer than the engine's longest string is a DataError, not a crash. */
export function readText(file: string, what = "a .dna file"): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_STRING_TOO_LONG") throw error;
    throw new DataError(`too large to be ${what} this runtime can read (over 512 MiB of text)`, { file });
  }
}

export function runDnaDecode(c: DnaDecodeCommand): void {
  checkFileDestination(c.out);
  let decoded: ReturnType<typeof decodeDna>;
  try {
    decoded = decodeDna(readText(c.file), { maxBytes: c.maxBytes });
  } catch (error) {
    if (!(error instanceof DnaFormatError)) throw error;
    const problem =
      error instanceof DnaSizeError
        ? `"symbols" announces ${error.bytes} bytes of data, over --max-size ${error.maxBytes}`
        : error.message;
    throw new DataError(error.line === undefined ? problem : `line ${error.line}: ${problem}`, { file: c.file });
  }
  // Integers (a latent encoded through the library) are written as 32-bit little-endian words.
  const bytes = dataBytes(decoded.data);
  writeFile(c.out, bytes);
  const report = {
    file: c.file,
    out: c.out,
    bytes: bytes.length,
    alphabet: decoded.alphabet,
    code: decoded.code,
    constrained: decoded.constrained,
    oligo: decoded.oligo,
  };
  reportStream(c.out).write(
    c.json
      ? JSON.stringify(report, null, 2) + "\n"
      : `${c.file} → ${c.out}: ${bytes.length} bytes ` +
          `(${decoded.code}${decoded.constrained ? ", constrained" : ""}), checksum verified\n`,
  );
}
