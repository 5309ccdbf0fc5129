// Argument checks of the DNA API, in the style of src/args.ts: a TypeError for a wrong type, a RangeError for a
// wrong value, each naming the argument (and the element), so a caller never sees an engine's message instead.
import { describeValue } from "../args.ts";

type NumberArray = ArrayLike<number> & { [i: number]: number };

/** An Array, or a typed array of numbers (not BigInt64Array, BigUint64Array or a DataView). */
function isNumberArray(value: unknown): value is NumberArray {
  if (Array.isArray(value)) return true;
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  );
}

/** Digits 0–3 in a Uint8Array: what nucleotides, oligos and code streams are made of. */
export function checkDigits(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new TypeError(`${name} must be a Uint8Array of digits 0–3; got ${describeValue(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (value[i] > 3) throw new RangeError(`${name}[${i}] is ${value[i]}; digits are 0–3`);
  }
  return value;
}

/** Integer symbols: an Array or a typed array whose every element is an integer. */
export function checkSymbols(value: unknown, name: string): ArrayLike<number> {
  if (!isNumberArray(value))
    throw new TypeError(`${name} must be an array or typed array of integers; got ${describeValue(value)}`);
  // Integer typed arrays hold nothing else; Arrays and float arrays are read element by element.
  if (!Array.isArray(value) && !(value instanceof Float32Array) && !(value instanceof Float64Array)) return value;
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (typeof x !== "number") throw new TypeError(`${name}[${i}] must be a number; got ${describeValue(x)}`);
    if (!Number.isInteger(x)) throw new RangeError(`${name}[${i}] is not an integer: ${x}`);
  }
  return value;
}

/** An array or typed array to write numbers into. */
export function checkOutput(value: unknown, name: string): NumberArray {
  if (!isNumberArray(value))
    throw new TypeError(`${name} must be an array or typed array; got ${describeValue(value)}`);
  return value;
}

/** A Map of integer symbols to a `what` each, every one passing `valid` (which `must` says in words). */
function checkSymbolMap(value: unknown, name: string, what: string, must: string, valid: (x: unknown) => boolean) {
  if (!(value instanceof Map))
    throw new TypeError(`${name} must be a Map of symbol → ${what}; got ${describeValue(value)}`);
  for (const [symbol, x] of value) {
    if (!Number.isInteger(symbol)) throw new RangeError(`${name}: symbol ${String(symbol)} is not an integer`);
    if (!valid(x)) throw new RangeError(`${name}: the ${what} of symbol ${symbol} must be ${must}; got ${String(x)}`);
  }
  return value as Map<number, number>;
}

/** A histogram: integer symbols → finite counts > 0. */
export const checkHistogram = (value: unknown, name = "h") =>
  checkSymbolMap(value, name, "count", "a number > 0", (x) => typeof x === "number" && x > 0 && x < Infinity);

/** Codeword lengths: integer symbols → integers ≥ 0. */
export const checkLengths = (value: unknown, name = "lengths") =>
  checkSymbolMap(
    value,
    name,
    "codeword length",
    "an integer ≥ 0",
    (x) => Number.isSafeInteger(x) && (x as number) >= 0,
  );

/** One of a few strings: a TypeError for a non-string, a RangeError for another string. */
export function checkChoice<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (choices.includes(value as T)) return value as T;
  const problem = `${name} must be one of ${choices.join(", ")}; got ${describeValue(value)}`;
  throw typeof value === "string" ? new RangeError(problem) : new TypeError(problem);
}

export function checkNumber(value: unknown, name: string): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number; got ${describeValue(value)}`);
  return value;
}
