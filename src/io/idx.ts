// The IDX format of MNIST and Fashion-MNIST (LeCun's): two zero bytes, a type code, the number of dimensions, each
// dimension's size as a big-endian uint32, then the values, big-endian, in row-major order. The files ship
// gzipped; decompressing is the caller's (node:zlib, DecompressionStream), so this reader runs anywhere.
import { DataError } from "./table.ts";

const TYPES = {
  0x08: { type: "ubyte", bytes: 1, array: Uint8Array },
  0x09: { type: "byte", bytes: 1, array: Int8Array },
  0x0b: { type: "short", bytes: 2, array: Int16Array },
  0x0c: { type: "int", bytes: 4, array: Int32Array },
  0x0d: { type: "float", bytes: 4, array: Float32Array },
  0x0e: { type: "double", bytes: 8, array: Float64Array },
} as const;

/**
 * The element types an IDX file can hold.
 * @useDeclaredType
 */
export type IdxType = (typeof TYPES)[keyof typeof TYPES]["type"];

/** An IDX file (MNIST's format) as read by `parseIdx`: its element type, shape and values. */
export interface IdxArray {
  type: IdxType;
  /** The size of each dimension, e.g. [10000, 28, 28] for images, [10000] for labels. */
  shape: number[];
  /** The values in row-major order, in the file's own type. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** Reads an (uncompressed) IDX file. Problems are DataErrors that say what was expected and what was found. */
export function parseIdx(bytes: Uint8Array, options: { file?: string } = {}): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("parseIdx(bytes): bytes must be a Uint8Array");
  const fail = (problem: string): never => {
    throw new DataError(problem, { file: options.file });
  };
  if (bytes.length < 4)
    fail(`not an IDX file: ${bytes.length} bytes, fewer than the 4-byte magic number (00 00 <type> <dimensions>)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b ? " — this is gzip: decompress it first" : "";
    fail(
      `not an IDX file: the magic number starts ${hex(bytes.subarray(0, 4))}, ` +
        `expected 00 00 <type> <dimensions>${gzip}`,
    );
  }
  const kind = TYPES[bytes[2] as keyof typeof TYPES];
  if (!kind)
    fail(
      `IDX type code 0x${bytes[2].toString(16).padStart(2, "0")} is not one of ` +
        "08 (ubyte), 09 (byte), 0b (short), 0c (int), 0d (float), 0e (double)",
    );
  const dimensions = bytes[3];
  const headerLength = 4 + 4 * dimensions;
  if (bytes.length < headerLength)
    fail(
      `truncated IDX header: ${dimensions} dimensions need ${headerLength} header bytes; the file has ${bytes.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dimensions }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerLength + count * kind.bytes;
  if (bytes.length !== expected) {
    fail(
      `${bytes.length < expected ? "truncated IDX file" : "IDX file longer than its header says"}: ` +
        `shape [${shape.join(", ")}] of ${kind.type} needs ${expected} bytes (${headerLength} of header); ` +
        `the file has ${bytes.length}`,
    );
  }
  const data = new kind.array(count);
  if (kind.bytes === 1)
    data.set(
      kind.type === "ubyte"
        ? bytes.subarray(headerLength)
        : new Int8Array(bytes.buffer, bytes.byteOffset + headerLength, count),
    );
  else {
    const read = { short: view.getInt16, int: view.getInt32, float: view.getFloat32, double: view.getFloat64 }[
      kind.type as "short" | "int" | "float" | "double"
    ];
    for (let i = 0; i < count; i++) data[i] = read.call(view, headerLength + i * kind.bytes, false);
  }
  return { type: kind.type, shape, data };
}
