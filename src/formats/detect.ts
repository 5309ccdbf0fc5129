// Which format a data file is in, from its first bytes: the extension is what a user typed, the magic bytes are
// what the file is. Anything without a known signature is delimited text (CSV, TSV, the omics layout).

/**
 * The formats `readTable` tells apart.
 * @useDeclaredType
 */
export type DataFormat = "parquet" | "arrow-file" | "arrow-stream" | "hdf5" | "text";

/** How many leading bytes `detectFormat` looks at. */
export const SIGNATURE_BYTES = 16;

const PARQUET = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
const ARROW_FILE = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

/**
 * The format of a file from its first `SIGNATURE_BYTES` bytes: Parquet (`PAR1`), Arrow IPC file (`ARROW1`), Arrow
 * IPC stream (a 0xFFFFFFFF continuation marker then a message length), HDF5 / AnnData (`\x89HDF\r\n\x1a\n`), else
 * "text". (An HDF5 file with a user block, its signature at byte 512, is not an AnnData file.)
 */
export function detectFormat(head: Uint8Array): DataFormat {
  if (!(head instanceof Uint8Array)) throw new TypeError("detectFormat(head): head must be a Uint8Array");
  if (startsWith(head, PARQUET)) return "parquet";
  if (startsWith(head, ARROW_FILE)) return "arrow-file";
  if (startsWith(head, HDF5)) return "hdf5";
  // A stream starts with a message: the continuation marker, then its metadata's little-endian length (> 0).
  if (head.length >= 8 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) {
    const length = head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24);
    if (length > 0) return "arrow-stream";
  }
  return "text";
}
