// The samples and labels a user hands in, checked once and put in one shape: a row-major Float64Array of
// n × d values and class indices 0..k−1 into the sorted distinct labels.
import { describeValue } from "../args.ts";
import { indexClasses, MISSING_LABEL } from "../io/table.ts";

/**
 * One class label per row, numbers or strings.
 * @inline
 */
export type Labels = ArrayLike<number> | ArrayLike<string>;

export interface Dataset {
  /** Float32 when the caller's values were (exactly the same numbers in half the memory), else Float64. */
  readonly x: Float32Array | Float64Array;
  readonly n: number;
  readonly d: number;
  readonly y: Int32Array;
  /** The distinct labels, sorted; y indexes into them. */
  readonly classes: Array<number | string>;
}

/**
 * X as rows (number[][]) or row-major values: flat values are split into `rows` rows when it is given (training:
 * one per label), else into rows of `cols` values (prediction: the model's feature count).
 */
export function toMatrix(
  X: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  shape: { rows?: number; cols?: number },
  what: string,
  allowMissing = false,
): { x: Float32Array | Float64Array; n: number; d: number } {
  const nested = X != null && typeof (X as ArrayLike<unknown>)[0] === "object" && (X as ArrayLike<unknown>)[0] !== null;
  let n: number, d: number, x: Float32Array | Float64Array;
  if (nested) {
    const rows = X as ArrayLike<ArrayLike<number>>;
    n = rows.length;
    if (shape.rows !== undefined && n !== shape.rows)
      throw new RangeError(`${what}: X has ${n} rows but y has ${shape.rows} labels`);
    d = rows[0].length;
    x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      if (rows[i]?.length !== d)
        throw new RangeError(`${what}: X row ${i} has ${rows[i]?.length} values, row 0 has ${d}`);
      for (let j = 0; j < d; j++) x[i * d + j] = numberAt(rows[i][j], i, j, what);
    }
  } else {
    if (X == null || typeof (X as ArrayLike<number>).length !== "number")
      throw new TypeError(`${what}: X must be rows (number[][]) or row-major values`);
    const flat = X as ArrayLike<number>;
    [n, d] =
      shape.rows !== undefined ? [shape.rows, flat.length / shape.rows] : [flat.length / shape.cols!, shape.cols!];
    if (!Number.isInteger(n) || !Number.isInteger(d) || d < 1) {
      throw new RangeError(
        `${what}: X has ${flat.length} values, not a whole number of ` +
          `${shape.rows !== undefined ? `features for ${n} samples` : `rows of ${d} features`}`,
      );
    }
    // A typed array holds numbers only; a plain array is checked, since Float64Array.from would turn "", null and
    // [] into 0, true into 1 and "0x10" into 16.
    // A Float32Array stays float32: every float32 is a float64, so the numbers are the same, and a 1,000 ×
    // 1,000,000 table takes 4 GB instead of 8.
    x =
      flat instanceof Float32Array
        ? Float32Array.from(flat)
        : ArrayBuffer.isView(flat)
          ? Float64Array.from(flat)
          : Float64Array.from(flat, (v, k) => numberAt(v, Math.floor(k / d), k % d, what));
  }
  if (shape.cols !== undefined && d !== shape.cols)
    throw new RangeError(`${what}: X has ${d} features; the model was trained on ${shape.cols}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) && !(allowMissing && Number.isNaN(x[i])))
      throw new RangeError(`${what}: X[${Math.floor(i / d)}][${i % d}] is ${x[i]}; values must be finite`);
  }
  return { x, n, d };
}

function numberAt(value: unknown, i: number, j: number, what: string): number {
  if (typeof value !== "number")
    throw new TypeError(`${what}: X[${i}][${j}] must be a number; got ${describeValue(value)}`);
  return value;
}

/**
 * Samples and labels checked and indexed (with `allowMissing`, NaN cells are kept as missing values). Labels are numbers or strings; a number and text of the same value are
 * one class (see classKey), and a missing label (NaN, "", "NA", …) is an error, never a class.
 */
export function toDataset(
  X: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  y: Labels,
  what = "trainSAE",
  allowMissing = false,
): Dataset {
  if (y == null || typeof y.length !== "number" || !y.length)
    throw new TypeError(`${what}: y must be a non-empty array of labels`);
  const { x, n, d } = toMatrix(X, { rows: y.length }, what, allowMissing);
  const values = Array.from(y as ArrayLike<number | string>);
  values.forEach((v, i) => {
    if (typeof v !== "number" && typeof v !== "string")
      throw new TypeError(`${what}: y[${i}] must be a number or a string; got ${describeValue(v)}`);
    if (typeof v === "number" ? !Number.isFinite(v) : MISSING_LABEL.test(v.trim())) {
      throw new RangeError(
        `${what}: y[${i}] is ${describeValue(v)}, a missing label; drop the sample or give it its class`,
      );
    }
  });
  const { keys, y: indices } = indexClasses(values, (a, b) => a.localeCompare(b));
  // A class keeps the type of its first label: numbers stay numbers, text stays text ("1.0" and "01" become "1").
  const first = new Map<number, number | string>();
  values.forEach((v, i) => first.has(indices[i]) || first.set(indices[i], v));
  const classes = keys.map((key, k) => (typeof first.get(k) === "number" ? key : String(key)));
  if (classes.length < 2)
    throw new RangeError(`${what}: y has a single class (${String(classes[0])}); a classifier needs at least two`);
  return { x, n, d, y: indices, classes };
}
