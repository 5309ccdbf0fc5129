// `sparseproj dna encode|decode`: any file to the .dna text (src/dna/format.ts) and back. Decoding problems come
// from the library as DnaFormatErrors carrying a line; here they become DataErrors naming the file and that line,
// so they print as one line and exit with code 1 like every other bad input.
import { readFileSync } from "node:fs";
import type { CodeKind } from "../dna/code-lengths.ts";
import { DnaFormatError } from "../dna/errors.ts";
import { dataBytes, decodeDna, encodeDna } from "../dna/format.ts";
import { DataError } from "../io/table.ts";
import { checkFileDestination, writeFile } from "./output.ts";

export interface DnaEncodeCommand {
  file: string;
  out: string;
  code: CodeKind;
  constrained: boolean;
  oligo: number;
  json: boolean;
}

export function runDnaEncode(c: DnaEncodeCommand): void {
  checkFileDestination(c.out);
  const bytes = readFileSync(c.file);
  const { text, stats } = encodeDna(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { code: c.code, constrained: c.constrained, oligo: c.oligo });
  writeFile(c.out, text);
  const bitsPerNucleotide = stats.nucleotides ? (8 * bytes.length) / stats.nucleotides : null;
  if (c.json) {
    process.stdout.write(JSON.stringify({ file: c.file, out: c.out, bytes: bytes.length, bitsPerNucleotide, ...stats }, null, 2) + "\n");
    return;
  }
  const f = (x: number, digits = 3) => x.toFixed(digits);
  process.stdout.write(
    [
      `${c.file}: ${bytes.length} bytes, ${stats.distinctSymbols} distinct → ${c.out}: ${stats.nucleotides} nt in ${stats.oligos} ${c.constrained ? "oligos" : "lines"} of ${c.oligo}`,
      `${c.code}: ${f(stats.meanLength)} nt per byte against H₄ = ${f(stats.entropy)} (gap ${f(stats.meanLength - stats.entropy)}), Kraft sum ${f(stats.kraft)}`,
      `${bitsPerNucleotide === null ? "—" : f(bitsPerNucleotide)} bits of the file per nucleotide; code bits per nucleotide ${f(stats.codeBitsPerNucleotide)}` +
        (c.constrained ? ` (overhead ${f(100 * stats.overhead, 2)}%, capacity with runs ≤ 3: ${f(stats.capacityRunsAtMost3, 4)})` : ""),
      `longest homopolymer ${stats.longestHomopolymer}` + (stats.gc ? `, GC ${f(100 * stats.gc.min, 1)}–${f(100 * stats.gc.max, 1)}%` : ""),
      "",
    ].join("\n"),
  );
}

export interface DnaDecodeCommand {
  file: string;
  out: string;
  json: boolean;
}

export function runDnaDecode(c: DnaDecodeCommand): void {
  checkFileDestination(c.out);
  let decoded;
  try {
    decoded = decodeDna(readFileSync(c.file, "utf8"));
  } catch (error) {
    if (!(error instanceof DnaFormatError)) throw error;
    throw new DataError(error.line === undefined ? error.message : `line ${error.line}: ${error.message}`, { file: c.file });
  }
  // Integers (a latent encoded through the library) are written as 32-bit little-endian words.
  const bytes = dataBytes(decoded.data);
  writeFile(c.out, bytes);
  const report = { file: c.file, out: c.out, bytes: bytes.length, alphabet: decoded.alphabet, code: decoded.code, constrained: decoded.constrained, oligo: decoded.oligo };
  process.stdout.write(c.json ? JSON.stringify(report, null, 2) + "\n" : `${c.file} → ${c.out}: ${bytes.length} bytes (${decoded.code}${decoded.constrained ? ", constrained" : ""}), checksum verified\n`);
}
