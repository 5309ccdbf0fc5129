// Argument checks shared by every entry point: TypeError for a wrong type, RangeError for a wrong value,
// each message naming the argument.
import { MAX_BLOCK_BYTES } from "./runtime/heap.ts";
import type { Axis, GroupNormKind } from "./types.ts";

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return (value as object).constructor?.name ?? "an object";
  // Cut short: a message quoting a megabyte of hostile text is no longer one readable line.
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function checkRadius(radius: unknown, name = "radius"): number {
  if (typeof radius !== "number") throw new TypeError(`${name} must be a number; got ${describeValue(radius)}`);
  if (!(radius >= 0) || radius === Infinity) {
    throw new RangeError(`${name} must be a finite number ≥ 0; got ${radius}`);
  }
  return radius;
}

/**
 * The most rows, columns or groups a shape may have: each group gets an f64 norm, and the norms must fit one block
 * of module memory. Only an empty x can claim more (a 0 elsewhere in its shape); it must not allocate for them.
 */
export const MAX_DIMENSION = Math.floor(MAX_BLOCK_BYTES / 8);

export function checkDimension(value: unknown, name: string): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number; got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer; got ${value}`);
  if (value > MAX_DIMENSION)
    throw new RangeError(
      `${name} must be at most ${MAX_DIMENSION} (one f64 norm per group in one block); got ${value}`,
    );
  return value;
}

export function checkMatrixShape(length: number, rows: unknown, cols: unknown): void {
  const r = checkDimension(rows, "rows");
  const c = checkDimension(cols, "cols");
  if (r * c !== length) throw new RangeError(`rows × cols = ${r} × ${c} = ${r * c} but x has length ${length}`);
}

const GROUPED_DIMENSIONS = ["outer", "groups", "inner"] as const;

/** [outer, groups, inner]: three non-negative integers whose product is the length of x. */
export function checkGroupedShape(length: number, shape: unknown): [number, number, number] {
  if (!Array.isArray(shape))
    throw new TypeError(`shape must be an array [outer, groups, inner]; got ${describeValue(shape)}`);
  if (shape.length !== 3)
    throw new RangeError(
      `shape must be [outer, groups, inner]; got ${shape.length} dimension${shape.length === 1 ? "" : "s"}`,
    );
  const [outer, groups, inner] = GROUPED_DIMENSIONS.map((name, i) => checkDimension(shape[i], `shape[${i}] (${name})`));
  if (outer * groups * inner !== length) {
    throw new RangeError(
      `outer × groups × inner = ${outer} × ${groups} × ${inner} = ${outer * groups * inner} ` +
        `but x has length ${length}`,
    );
  }
  return [outer, groups, inner];
}

export function checkTensorShape(length: number, a: unknown, b: unknown, c: unknown): void {
  const [p, q, r] = [checkDimension(a, "a"), checkDimension(b, "b"), checkDimension(c, "c")];
  if (p * q * r !== length)
    throw new RangeError(`a × b × c = ${p} × ${q} × ${r} = ${p * q * r} but x has length ${length}`);
}

export function checkOptions<O extends object>(options: unknown): Partial<O> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object")
    throw new TypeError(`options must be an object; got ${describeValue(options)}`);
  return options as Partial<O>;
}

export function checkAxis(axis: unknown): Axis {
  if (axis === undefined) return "columns";
  if (typeof axis !== "string")
    throw new TypeError(`options.axis must be 'columns' or 'rows'; got ${describeValue(axis)}`);
  if (axis !== "columns" && axis !== "rows")
    throw new RangeError(`options.axis must be 'columns' or 'rows'; got '${axis}'`);
  return axis;
}

export const KIND_CODES: Record<GroupNormKind, number> = { inf: 0, "1": 1, "2": 2 };

export function checkKind(kind: unknown): GroupNormKind {
  if (typeof kind !== "string") throw new TypeError(`kind must be 'inf', '1' or '2'; got ${describeValue(kind)}`);
  if (!(kind in KIND_CODES)) throw new RangeError(`kind must be 'inf', '1' or '2'; got '${kind}'`);
  return kind as GroupNormKind;
}
