// Two passes over a matrix given as row blocks, never holding it whole: pass 1 merges the blocks' partials
// (O(cols) memory, or O(rows) with row groups), pass 2 projects each block as it comes again.
import { checkAxis, checkDimension, checkKind, checkOptions, checkRadius, describeValue } from "../args.ts";
import type { Axis, FloatArray, GroupNormKind } from "../types.ts";
import { applyBilevel, bilevelThresholds, groupNorms, mergePartials } from "./staged.ts";
import { finishNorms } from "./stages.ts";

/**
 * One block of whole rows, row-major.
 * @inline
 */
type Block = FloatArray | number[];

/** Gives the row blocks, in order; called once per pass, so it must give the same blocks twice. */
export type BlockSource = () => Iterable<Block> | AsyncIterable<Block>;

/** bilevelStream's options. */
export interface StreamOptions {
  /** Groups are columns (default) or rows. */
  axis?: Axis;
}

/**
 * The bilevel projection of a matrix given as row blocks of `cols` columns: yields each projected block.
 * Module memory in use peaks at one block plus O(cols) (O(rows) with row groups). ℓ1,1 with column groups
 * needs whole columns and so cannot stream: use axis: 'rows' or the one-shot bilevelL11.
 */
export async function* bilevelStream(
  kind: GroupNormKind,
  blocks: BlockSource,
  cols: number,
  radius: number,
  options?: StreamOptions,
): AsyncGenerator<FloatArray> {
  const checkedKind = checkKind(kind);
  checkDimension(cols, "cols");
  const eta = checkRadius(radius);
  const axis = checkAxis(checkOptions<StreamOptions>(options).axis);
  if (typeof blocks !== "function")
    throw new TypeError(
      `blocks must be a function returning the row blocks (called once per pass); got ${describeValue(blocks)}`,
    );
  if (checkedKind === "1" && axis === "columns") {
    throw new RangeError(
      "the ℓ1,1 projection of a column needs the whole column: stream with axis: 'rows', or use bilevelL11",
    );
  }
  // Pass 1: partials merged across blocks (columns) or gathered block after block (rows).
  const columnPartials = new Float64Array(axis === "columns" ? cols : 0);
  const rowPartials: Float64Array[] = [];
  let totalRows = 0;
  for await (const block of blocks()) {
    const rows = rowsOf(block, cols, totalRows);
    const partials = groupNorms(block, rows, cols, checkedKind, { axis });
    if (axis === "columns") mergePartials(checkedKind, columnPartials, partials);
    else rowPartials.push(partials);
    totalRows += rows;
  }
  const merged = axis === "columns" ? columnPartials : concat(rowPartials, totalRows);
  finishNorms(checkedKind, merged);
  const u = bilevelThresholds(checkedKind, merged, eta);
  // Pass 2: each block projected with the thresholds of its groups.
  let row = 0;
  for await (const block of blocks()) {
    const rows = rowsOf(block, cols, row);
    if (row + rows > totalRows) throw new RangeError("blocks gave more rows on the second pass than on the first");
    const groups = axis === "columns" ? [0, cols] : [row, row + rows];
    yield applyBilevel(block, rows, cols, checkedKind, u.subarray(...groups), merged.subarray(...groups), { axis });
    row += rows;
  }
  if (row !== totalRows)
    throw new RangeError(`blocks gave ${row} rows on the second pass but ${totalRows} on the first`);
}

/** bilevelStream for ℓ1,∞: clip each column at u_j = P_ℓ1,η(max-abs of the columns)_j. */
export function bilevelL1InfStream(
  blocks: BlockSource,
  cols: number,
  radius: number,
  options?: StreamOptions,
): AsyncGenerator<FloatArray> {
  return bilevelStream("inf", blocks, cols, radius, options);
}

function rowsOf(block: Block, cols: number, rowSoFar: number): number {
  const length = (block as { length?: unknown })?.length;
  if (typeof length !== "number")
    throw new TypeError(
      `each block must be a Float32Array, Float64Array or number[]; got ${describeValue(block)} after row ${rowSoFar}`,
    );
  if (cols === 0 ? length !== 0 : length % cols !== 0) {
    throw new RangeError(
      `a block of length ${length} after row ${rowSoFar} is not a whole number of rows of ${cols} columns`,
    );
  }
  return cols === 0 ? 0 : length / cols;
}

function concat(parts: Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
