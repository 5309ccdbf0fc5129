// The IDX reader on fixtures built here byte by byte: every element type, big-endian values, and the errors a
// truncated, padded, gzipped or foreign file must give.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DataError, parseIdx } from "../src/index.ts";
import { throwsNamed } from "./helpers.ts";

const test = suite("IDX reader");

/** Asserts parseIdx throws a DataError whose message matches `pattern`. */
function rejects(bytes: Uint8Array, pattern: RegExp, what: string, file?: string): void {
  try {
    parseIdx(bytes, { file });
  } catch (error) {
    assert.instance(error, DataError, `${what}: ${(error as Error).message}`);
    assert.match((error as Error).message, pattern, what);
    return;
  }
  assert.unreachable(`${what}: no error thrown`);
}

/** An IDX file: the magic number, the big-endian sizes, then `body` as given. */
function idx(typeCode: number, shape: number[], body: number[]): Uint8Array {
  const header = [0, 0, typeCode, shape.length];
  for (const size of shape) header.push((size >>> 24) & 255, (size >>> 16) & 255, (size >>> 8) & 255, size & 255);
  return Uint8Array.from([...header, ...body]);
}

/** Big-endian bytes of `values` written through a DataView setter. */
function bigEndian(
  bytes: number,
  set: (view: DataView, offset: number, value: number) => void,
  values: number[],
): number[] {
  const view = new DataView(new ArrayBuffer(values.length * bytes));
  values.forEach((v, i) => set(view, i * bytes, v));
  return Array.from(new Uint8Array(view.buffer));
}

test("ubyte images: shape from the header, pixels in row-major order", () => {
  const pixels = Array.from({ length: 2 * 3 * 2 }, (_, i) => (i * 23) % 256);
  const { type, shape, data } = parseIdx(idx(0x08, [2, 3, 2], pixels));
  assert.is(type, "ubyte");
  assert.equal(shape, [2, 3, 2]);
  assert.instance(data, Uint8Array);
  assert.equal(Array.from(data), pixels);
});

test("labels: one dimension, sizes above 255 read as big-endian uint32", () => {
  const labels = Array.from({ length: 300 }, (_, i) => i % 10);
  const { shape, data } = parseIdx(idx(0x08, [300], labels));
  assert.equal(shape, [300]);
  assert.equal(Array.from(data), labels);
});

test("signed and floating-point types are read big-endian", () => {
  const cases: Array<[number, string, ArrayLike<number>, number[]]> = [
    [0x09, "byte", Int8Array.from([-128, -1, 0, 127]), [0x80, 0xff, 0x00, 0x7f]],
    [0x0b, "short", Int16Array.from([-2, 258, 32767]), bigEndian(2, (v, o, x) => v.setInt16(o, x), [-2, 258, 32767])],
    [
      0x0c,
      "int",
      Int32Array.from([-70000, 1, 2 ** 31 - 1]),
      bigEndian(4, (v, o, x) => v.setInt32(o, x), [-70000, 1, 2 ** 31 - 1]),
    ],
    [
      0x0d,
      "float",
      Float32Array.from([0.5, -1.25, 3.1415927]),
      bigEndian(4, (v, o, x) => v.setFloat32(o, x), [0.5, -1.25, 3.1415927]),
    ],
    [
      0x0e,
      "double",
      Float64Array.from([Math.PI, -1e-300]),
      bigEndian(8, (v, o, x) => v.setFloat64(o, x), [Math.PI, -1e-300]),
    ],
  ];
  for (const [code, name, values, body] of cases) {
    const parsed = parseIdx(idx(code, [values.length], body));
    assert.is(parsed.type, name);
    assert.equal(Array.from(parsed.data), Array.from(values), name);
  }
});

test("a view into a larger buffer is read at its own offset", () => {
  const file = idx(
    0x0d,
    [2],
    bigEndian(4, (v, o, x) => v.setFloat32(o, x), [1.5, -2]),
  );
  const padded = new Uint8Array(file.length + 3);
  padded.set(file, 3);
  assert.equal(Array.from(parseIdx(padded.subarray(3)).data), [1.5, -2]);
});

test("bad files: the error says what was expected and what was found", () => {
  rejects(Uint8Array.from([0, 0]), /fewer than the 4-byte magic number/, "too short for the magic number");
  rejects(
    Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]),
    /starts 1f 8b 08 00, expected 00 00 <type> <dimensions> — this is gzip: decompress it first/,
    "gzip",
  );
  rejects(new TextEncoder().encode("label,x\n1,2\n"), /not an IDX file/, "a CSV");
  rejects(idx(0x0a, [1], [0]), /type code 0x0a is not one of/, "unknown type");
  rejects(
    idx(0x08, [2, 3], []).subarray(0, 9),
    /truncated IDX header: 2 dimensions need 12 header bytes; the file has 9/,
    "cut in the header",
  );
  rejects(
    idx(0x08, [2, 3], [1, 2, 3, 4, 5]),
    /truncated IDX file: shape \[2, 3\] of ubyte needs 18 bytes \(12 of header\); the file has 17/,
    "cut in the data",
  );
  rejects(idx(0x0e, [1], [0, 0, 0, 0]), /truncated IDX file: shape \[1\] of double needs 16 bytes/, "cut in a value");
  rejects(idx(0x08, [2], [1, 2, 3]), /longer than its header says/, "trailing bytes");
  throwsNamed(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array), TypeError, /must be a Uint8Array/, "not bytes");
  rejects(
    Uint8Array.from([1, 2, 3, 4]),
    /^train-images-idx3-ubyte: not an IDX file/,
    "the file is named",
    "train-images-idx3-ubyte",
  );
});

test.run();
