// NumPy's .npy format (version 1.0, 2.0 and 3.0 read; 1.0 written, as numpy.save writes it): a magic string, a
// version, a header length, a header that is a Python dict literal, then the array's bytes. The header is parsed,
// never evaluated: only the three keys numpy writes, each in the forms numpy writes, within a bounded length.
// Float32 and float64 arrays, little- or big-endian, in C order (row-major); one or two dimensions.
import { describeValue } from "../args.ts";

/** An array read from, or to write as, a .npy file: its values and shape (rows × cols, or a vector). */
export interface NpyArray {
  data: Float32Array | Float64Array;
  shape: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy itself refuses headers longer than this (numpy.lib.format._MAX_HEADER_SIZE). */
export const MAX_NPY_HEADER: number = 10_000;

/**
 * The array in `bytes` (a whole .npy file). Throws a RangeError naming what is wrong (`name` is how the message
 * calls the file): a bad magic or version, a header that is not numpy's dict, a dtype other than float32/float64,
 * Fortran order, or a data length that is not the shape's.
 */
export function parseNpy(bytes: Uint8Array, name = "the .npy file"): NpyArray {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`bytes must be a Uint8Array; got ${describeValue(bytes)}`);
  const fail = (problem: string): never => {
    throw new RangeError(`${name}: ${problem}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail("not a .npy file (no \\x93NUMPY magic)");
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy version ${major}.${bytes[7]} is not one this reader knows (1, 2 or 3)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const start = 8 + lengthBytes;
  if (headerLength < 0 || headerLength > MAX_NPY_HEADER || start + headerLength > bytes.length)
    fail(`header length ${headerLength} is beyond the file or over ${MAX_NPY_HEADER} bytes`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength));
  const { descr, fortran, shape } = parseHeader(header, fail);
  if (fortran) fail("Fortran-ordered arrays are not read: save it in C order (numpy.ascontiguousarray)");
  const dtype = /^([<>|=])f([48])$/.exec(descr);
  if (!dtype) fail(`dtype ${JSON.stringify(descr)} is not float32 ('<f4') or float64 ('<f8')`);
  const size = Number(dtype![2]);
  if (shape.length < 1 || shape.length > 2) fail(`shape (${shape.join(", ")}) is not a vector or a matrix`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (!Number.isSafeInteger(count * size) || bytes.length - offset !== count * size)
    fail(`shape (${shape.join(", ")}) needs ${count * size} bytes of data; the file has ${bytes.length - offset}`);
  const data = size === 4 ? new Float32Array(count) : new Float64Array(count);
  const little = dtype![1] !== ">";
  for (let i = 0; i < count; i++)
    data[i] = size === 4 ? view.getFloat32(offset + 4 * i, little) : view.getFloat64(offset + 8 * i, little);
  return { data, shape };
}

/** The three keys of numpy's header dict, in any order, each once; nothing else but spaces and a final newline. */
function parseHeader(header: string, fail: (problem: string) => never) {
  const body = /^\{(.*)\}\s*$/s.exec(header.replace(/\n$/, ""))?.[1];
  if (body === undefined) fail("the header is not a dict literal");
  const entries = new Map<string, string>();
  const item = /\s*'(descr|fortran_order|shape)'\s*:\s*('[^']{1,16}'|True|False|\([\d\s,]{0,200}\))\s*(,|$)/y;
  let at = 0;
  while (at < body!.length && body!.slice(at).trim() !== "") {
    item.lastIndex = at;
    const m = item.exec(body!);
    if (!m || entries.has(m[1])) fail(`the header ${JSON.stringify(header.slice(0, 120))} is not numpy's`);
    entries.set(m![1], m![2]);
    at = item.lastIndex;
  }
  const descr = entries.get("descr"),
    fortran = entries.get("fortran_order"),
    shapeText = entries.get("shape");
  if (descr === undefined || fortran === undefined || shapeText === undefined || !/^'/.test(descr))
    fail("the header lacks descr, fortran_order or shape");
  if (!/^(?:True|False)$/.test(fortran!)) fail("fortran_order must be True or False");
  const parts = shapeText!
    .slice(1, -1)
    .split(",")
    .map((s) => s.trim());
  if (parts.at(-1) === "") parts.pop();
  if (!parts.every((p) => /^\d{1,15}$/.test(p))) fail(`shape ${shapeText} is not a tuple of sizes`);
  return { descr: descr!.slice(1, -1), fortran: fortran === "True", shape: parts.map(Number) };
}

/** `array` as a .npy file, byte for byte what numpy.save writes for it (version 1.0, little-endian, C order). */
export function formatNpy(array: NpyArray): Uint8Array {
  const { data, shape } = array ?? ({} as NpyArray);
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new TypeError(`array.data must be a Float32Array or Float64Array; got ${describeValue(data)}`);
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0))
    throw new TypeError("array.shape must be a list of sizes");
  if (shape.reduce((a, b) => a * b, 1) !== data.length)
    throw new RangeError(`array.shape (${shape.join(", ")}) does not hold the ${data.length} values of array.data`);
  const size = data instanceof Float32Array ? 4 : 8;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '<f${size}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // numpy (≥ 1.23) leaves room for the first dimension to grow to 21 digits, then pads with spaces and a newline
  // so that the data starts at a multiple of 64 bytes.
  header += " ".repeat(shape.length ? Math.max(0, 21 - String(shape[0]).length) : 0);
  header += `${" ".repeat(64 - ((11 + header.length) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.length * size);
  out.set(MAGIC);
  out[6] = 1;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const offset = 10 + header.length;
  for (let i = 0; i < data.length; i++) {
    if (size === 4) view.setFloat32(offset + 4 * i, data[i], true);
    else view.setFloat64(offset + 8 * i, data[i], true);
  }
  return out;
}
