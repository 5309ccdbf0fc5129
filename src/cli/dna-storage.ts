// `sparseproj dna encode --storage`, `dna decode` of reads (FASTQ, FASTA, text, or the version-2 .dna container)
// and `dna simulate`: the storage format of src/dna/storage.ts on files. Problems from the library (DnaReadsError,
// DnaMissingOligosError, a malformed FASTQ record's DnaFormatError) become DataErrors naming the file: one line,
// exit code 1, nothing written.
import { readFileSync } from "node:fs";
import type { CodeKind } from "../dna/code-lengths.ts";
import { DnaFormatError, DnaScreeningError } from "../dna/errors.ts";
import { dataBytes } from "../dna/format.ts";
import { parseReads } from "../dna/reads.ts";
import { simulateReads, toFastq, type SimulateOptions } from "../dna/simulate.ts";
import { decodeOligos, encodeOligos, STORAGE_MAGIC, type StorageOptions } from "../dna/storage.ts";
import { DataError } from "../io/table.ts";
import { readIntegers, readText } from "./dna.ts";
import { checkFileDestination, reportStream, writeFile } from "./output.ts";

export interface DnaStoreCommand {
  file: string;
  out: string;
  code: CodeKind;
  integers: boolean;
  payload: number;
  innerParity: number;
  redundancy: number;
  primers: [string, string];
  json: boolean;
}

/** The file's bytes, or its 32-bit little-endian integers with --integers. */
function readData(file: string, integers: boolean): Uint8Array | Int32Array {
  const buffer = readFileSync(file),
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  return integers ? readIntegers(file, bytes) : bytes;
}

export function runDnaStore(c: DnaStoreCommand): void {
  checkFileDestination(c.out);
  const data = readData(c.file, c.integers);
  const options: StorageOptions = {
    code: c.code,
    payload: c.payload,
    innerParity: c.innerParity,
    redundancy: c.redundancy,
    primers: c.primers,
  };
  let encoded: ReturnType<typeof encodeOligos>;
  try {
    encoded = encodeOligos(data, options);
  } catch (error) {
    if (error instanceof DnaScreeningError) throw new DataError(error.message, { file: c.file });
    if (error instanceof RangeError && /^data is too large/.test(error.message)) {
      throw new DataError(error.message.replace(/^data /, ""), { file: c.file });
    }
    throw error;
  }
  const { text, stats } = encoded;
  writeFile(c.out, text);
  if (c.json) {
    reportStream(c.out).write(JSON.stringify({ file: c.file, out: c.out, ...stats }, null, 2) + "\n");
    return;
  }
  const f = (x: number, digits = 3) => x.toFixed(digits);
  reportStream(c.out).write(
    [
      `${c.file}: ${stats.bytes} bytes → ${c.out}: ${stats.dataOligos} data + ${stats.parityOligos} parity + ` +
        `${stats.metaOligos} metadata oligos of ${stats.oligoLength} nt in ${stats.blocks} block(s)`,
      // 32 bits per latent integer would flatter the density: a latent's figure is nucleotides per integer.
      (c.integers
        ? `${f(stats.nucleotides / (stats.bytes / 4))} nt per integer`
        : `${f(stats.bitsPerNucleotide)} bits per nucleotide`) +
        ` net (primers excluded); any ${stats.minBlockParity} ` +
        `oligos of a block may be lost, ${Math.floor(c.innerParity / 2)} byte errors per oligo corrected`,
      `longest homopolymer ${stats.longestHomopolymer}, GC ${f(100 * stats.gc.min, 1)}–${f(100 * stats.gc.max, 1)}%`,
      "",
    ].join("\n"),
  );
}

export interface DnaReadsCommand {
  file: string;
  out: string;
  /** --primers, or undefined to take them from a .dna container (none otherwise). */
  primers?: [string, string];
  maxBytes: number;
  json: boolean;
}

/** The reads of a file and the primers its container names. */
function readReads(file: string): { reads: string[]; format: string; primers?: [string, string] } {
  const text = readText(file, "a reads file");
  try {
    if (text.startsWith(STORAGE_MAGIC)) {
      const end = text.indexOf("\n");
      let header: { primers?: unknown };
      try {
        header = JSON.parse(text.slice(STORAGE_MAGIC.length, end < 0 ? text.length : end));
      } catch {
        throw new DnaFormatError("the container's header is not valid JSON", { line: 1 });
      }
      const p = header?.primers;
      const primers = Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "string") ? p : undefined;
      if (!primers) throw new DnaFormatError(`the container's header has no "primers": [left, right]`, { line: 1 });
      return { ...parseReads(text), format: "storage .dna", primers: primers as [string, string] };
    }
    return parseReads(text);
  } catch (error) {
    if (!(error instanceof DnaFormatError)) throw error;
    throw new DataError(error.line === undefined ? error.message : `line ${error.line}: ${error.message}`, { file });
  }
}

export function runDnaReadsDecode(c: DnaReadsCommand): void {
  checkFileDestination(c.out);
  const { reads, format, primers } = readReads(c.file);
  let decoded: ReturnType<typeof decodeOligos>;
  try {
    decoded = decodeOligos(reads, { primers: c.primers ?? primers, maxBytes: c.maxBytes });
  } catch (error) {
    if (error instanceof RangeError && /^options\.primers/.test(error.message)) {
      throw new DataError(error.message.replace(/^options\.primers(\[\d\])?/, "the primers"), { file: c.file });
    }
    if (!(error instanceof DnaFormatError)) throw error;
    throw new DataError(error.message, { file: c.file });
  }
  const bytes = dataBytes(decoded.data);
  writeFile(c.out, bytes);
  const r = decoded.report;
  if (c.json) {
    const report = { file: c.file, out: c.out, format, bytes: bytes.length, alphabet: decoded.alphabet, ...r };
    reportStream(c.out).write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  reportStream(c.out).write(
    `${c.file} (${format}): ${r.reads} reads, ${r.readsOfOligoLength} of ${r.oligoLength} nt ` +
      `(${r.distinctReads} distinct) → ${r.oligosFound} of ${r.oligosTotal} oligos` +
      (r.byConsensus ? ` (${r.byConsensus} by consensus)` : "") +
      `, ${r.recovered} rebuilt by the outer code → ${c.out}: ${bytes.length} bytes, checksums verified\n`,
  );
}

export interface DnaSimulateCommand extends Required<Omit<SimulateOptions, "maxReads" | "dispersion">> {
  file: string;
  out: string;
  dispersion: number;
  json: boolean;
}

export function runDnaSimulate(c: DnaSimulateCommand): void {
  checkFileDestination(c.out);
  const { reads: oligos } = readReads(c.file);
  const bad = oligos.findIndex((oligo) => !/^[ACGT]*$/.test(oligo));
  if (bad >= 0) throw new DataError(`oligo ${bad + 1} holds a character other than A, C, G, T`, { file: c.file });
  const { file, out, json, ...options } = c;
  // Every read, and its FASTQ record, must fit in one string: about 2 characters per nucleotide.
  const longest = oligos.reduce((a, oligo) => Math.max(a, oligo.length), 0);
  const maxReads = Math.floor(2 ** 29 / (2 * longest + 24));
  let reads: string[];
  try {
    reads = simulateReads(oligos, { ...options, maxReads });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new DataError(error.message.replace(/options\.maxReads/g, "the limit"), { file });
  }
  const lower = out.toLowerCase();
  const fasta = lower.endsWith(".fasta") || lower.endsWith(".fa");
  const text = fasta
    ? reads.map((read, i) => `>read${i + 1}\n${read}\n`).join("")
    : lower.endsWith(".txt")
      ? reads.map((read) => `${read}\n`).join("")
      : toFastq(reads);
  writeFile(out, text);
  const report = { file, out, oligos: oligos.length, reads: reads.length, ...options };
  reportStream(out).write(
    json
      ? JSON.stringify(report, null, 2) + "\n"
      : `${file}: ${oligos.length} oligos → ${out}: ${reads.length} reads (coverage ${c.coverage}, ` +
          `sub ${c.sub}, ins ${c.ins}, del ${c.del}, dropout ${c.dropout}, seed ${c.seed})\n`,
  );
}
