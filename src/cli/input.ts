// Reading the command line's input files: a labelled table and a saved model. Whatever goes wrong becomes a
// DataError that names the file, so the command reports it as one line with exit code 1.
import { closeSync, openSync, readFileSync, readSync, fstatSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { resolve } from "node:path";
import { readArrow } from "../formats/arrow.ts";
import { type DataFormat, detectFormat, SIGNATURE_BYTES } from "../formats/detect.ts";
import { type H5wasmFiles, readH5adFrom } from "../formats/h5ad.ts";
import { type ByteSource, readParquet } from "../formats/parquet.ts";
import { ALLOW_MISSING_HINT, DataError, decodeText, type LabelledTable, type ParseTableOptions } from "../io/table.ts";
import { parseTableStream } from "../io/table-stream.ts";
import { loadSAE, type SAEModel } from "../sae/model.ts";

function cannotRead(file: string, error: unknown): DataError {
  const { code } = error as NodeJS.ErrnoException;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a directory"
        : code === "EACCES"
          ? "permission denied"
          : (error as Error).message;
  return new DataError(`cannot read the file: ${reason}`, { file });
}

export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw cannotRead(file, error);
  }
}

/** A file's format from its first bytes (never its name), and its size. */
function sniff(file: string): { format: DataFormat; size: number } {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const head = new Uint8Array(SIGNATURE_BYTES);
    const got = readSync(fd, head, 0, SIGNATURE_BYTES, 0);
    return { format: detectFormat(head.subarray(0, got)), size };
  } catch (error) {
    throw cannotRead(file, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Parquet is read a column chunk at a time: hyparquet asks for byte ranges, read from the open file. */
async function readParquetFile(file: string, size: number, options: ParseTableOptions): Promise<LabelledTable> {
  const handle = await open(file, "r");
  try {
    const source: ByteSource = {
      byteLength: size,
      async slice(start, end = size) {
        const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        // A run of column chunks is 32 MiB: not copied again unless the file was shorter than it said.
        return bytesRead === bytes.length ? bytes.buffer : bytes.buffer.slice(0, bytesRead);
      },
    };
    return await readParquet(source, options);
  } finally {
    await handle.close();
  }
}

/** The table in a file, in whichever format its first bytes say. */
async function readAnyTable(file: string, options: ParseTableOptions): Promise<LabelledTable> {
  const { format, size } = sniff(file);
  if (format === "parquet") return readParquetFile(file, size, options);
  if (format === "arrow-file" || format === "arrow-stream") return readArrow(readBytes(file), options);
  if (format === "hdf5") {
    // h5wasm's Node build reads the file in place (no copy of it in memory), loaded only for an HDF5 file.
    const h5wasm = await import("h5wasm/node");
    return readH5adFrom(h5wasm as unknown as H5wasmFiles, resolve(file), size, options);
  }
  return parseTableStream(() => fileChunks(file), options);
}

/** Bytes a text table is read in: its text is never held whole, only its numbers. */
const CHUNK_BYTES = 1 << 20;

async function* fileChunks(file: string): AsyncGenerator<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw cannotRead(file, error);
  }
  // One buffer for every chunk: each is read into the table before the next is asked for.
  const bytes = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(bytes, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield bytes.subarray(0, bytesRead);
    }
  } catch (error) {
    throw error instanceof DataError ? error : cannotRead(file, error);
  } finally {
    await handle.close();
  }
}

/** The table flags every command that reads a table shares (COMMON in main.ts); see ParseTableOptions. */
export interface TableFlags {
  /** --na-values */
  naValues?: string[];
  /** --ignore-columns */
  ignoreColumns?: string[];
  /** --feature-columns: names, or /a regular expression/ */
  featureColumns?: string[] | RegExp;
  /** --drop-unlabelled */
  dropUnlabelled?: boolean;
}

/**
 * A table from a file: Parquet, Arrow IPC, AnnData (.h5ad) or text (CSV, TSV or the omics layout, told apart by
 * parseTable), by its magic bytes; see ParseTableOptions. Missing cells are refused unless `allowMissing`
 * (--impute), and parseTable's advice names the flags instead of its options.
 */
export async function readTable(
  file: string,
  columns: {
    labelColumn?: string | null;
    labelsOptional?: boolean;
    idColumn?: string;
    minClasses?: number;
    /** Empty cells read as NaN (missing values), for --impute: passed on to parseTable. */
    allowMissing?: boolean;
  },
  flags: TableFlags = {},
): Promise<LabelledTable> {
  try {
    const allowMissing = columns.allowMissing ?? false;
    return await readAnyTable(file, { file, ...columns, ...flags, allowMissing });
  } catch (error) {
    if (error instanceof DataError) error.message = asFlags(error.message);
    throw error;
  }
}

function asFlags(message: string): string {
  return message
    .replace(ALLOW_MISSING_HINT, "give --impute to fill them")
    .replace(
      /options\.ignoreColumns (\[.*\])$/,
      (_, names: string) => `--ignore-columns ${JSON.parse(names).join(",")}`,
    )
    .replace(/options\.ignoreColumns/g, "--ignore-columns")
    .replace(/options\.featureColumns/g, "--feature-columns");
}

/** A model saved by `sparseproj sae --save` or `--out` (SAEModel.toJSON()). */
export function readModel(file: string): SAEModel {
  const text = decodeText(readBytes(file));
  try {
    return loadSAE(text);
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message.replace(/^loadSAE: /, "");
    throw new DataError(reason, { file });
  }
}
