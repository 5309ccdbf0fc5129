// The bilevel projection as composable stages, for matrices split into row blocks (streams, shards, workers,
// map-reduce): per-block partials → merged norms → thresholds u → each block projected with u.
// Composed over any row split, the stages give the one-shot result: bit for bit for ℓ1,∞ (max is order-free),
// to float64 rounding of the sums for ℓ1,1 and ℓ1,2. A grouped view [outer, groups, inner] splits the same way
// along its outer dimension (a matrix's rows, with column groups), or along its groups when outer = 1.
import { checkKind, checkOptions, checkRadius, describeValue } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { withCall, marshalOutput } from "../runtime/marshal.ts";
import type {
  FloatArray,
  GroupedShape,
  GroupNormKind,
  Input,
  MatrixOptions,
  NormOptions,
  ProjectionOptions,
  ResultOf,
} from "../types.ts";
import { groupedLayout, matrixLayout } from "./bilevel.ts";
import {
  applyInto,
  applyScratchElements,
  finishNorms,
  type GroupedRef,
  partialElements,
  partialsInto,
} from "./stages.ts";
import { projectL1Ball } from "./vector.ts";

type Stage = "partials" | "norms";

// What each array returned by a stage holds, so that mixing kinds or stages is caught.
const stageOf = new WeakMap<Float64Array, { kind: GroupNormKind; stage: Stage }>();

function tagged(values: Float64Array, kind: GroupNormKind, stage: Stage): Float64Array {
  stageOf.set(values, { kind, stage });
  return values;
}

/**
 * Stage 1 on one row block: per-group partials, max |y| ('inf'), Σ |y| ('1') or Σ y² ('2'), as a Float64Array
 * with one entry per group (per column by default, per row with axis: 'rows'). Given a grouped `shape`
 * [outer, groups, inner] instead of rows and cols, one entry per group x[:, g, :] of the block.
 */
export function groupNorms(
  x: Input,
  rows: number,
  cols: number,
  kind: GroupNormKind,
  options?: NormOptions,
): Float64Array;
export function groupNorms(x: Input, shape: GroupedShape, kind: GroupNormKind): Float64Array;
export function groupNorms(x: Input, ...args: unknown[]): Float64Array {
  const grouped = Array.isArray(args[0]);
  const checkedKind = checkKind(grouped ? args[1] : args[2]);
  if (!grouped) checkOptions<NormOptions>(args[3]);
  const layout = grouped ? groupedLayout(x, args[0]) : matrixLayout(x, args[0], args[1], args[3]);
  const heap = defaultHeap();
  return withCall(heap, (call) => {
    const m = layout(call);
    const partials = call.alloc(partialElements(heap, m) * 8, "partials of x");
    if (!partialsInto(heap, m, checkedKind, partials)) {
      throw new RangeError("x: values too large, a sum of squares overflows float64 (scale the data down)");
    }
    return tagged(new Float64Array(heap.buffer, partials, m.groups).slice(), checkedKind, "partials");
  });
}

/**
 * Stage 2: merges the partials of row blocks (max for 'inf', sum otherwise) and finishes them (√ for '2').
 * With row groups, blocks hold different groups: concatenate their norms instead.
 */
export function combineGroupNorms(kind: GroupNormKind, partials: ArrayLike<number>[]): Float64Array {
  const checkedKind = checkKind(kind);
  if (!Array.isArray(partials))
    throw new TypeError(`partials must be an array of per-block partials; got ${describeValue(partials)}`);
  if (partials.length === 0) throw new RangeError("partials is empty: give the partials of at least one block");
  const groups = partials[0]?.length;
  const merged = new Float64Array(groups);
  partials.forEach((block, b) =>
    mergePartials(checkedKind, merged, checkGroupValues(block, `partials[${b}]`, groups, checkedKind, "partials")),
  );
  finishNorms(checkedKind, merged);
  return tagged(merged, checkedKind, "norms");
}

/** into ⊕= from: max for 'inf', sum for '1' and '2' (sums of squares add before the √). */
export function mergePartials(kind: GroupNormKind, into: Float64Array, from: Float64Array): void {
  for (let g = 0; g < into.length; g++) into[g] = kind === "inf" ? Math.max(into[g], from[g]) : into[g] + from[g];
}

/** Stage 3: u = P_ℓ1,η(norms), the per-group thresholds (for '1', the radii of the per-group ℓ1 balls). */
export function bilevelThresholds(kind: GroupNormKind, norms: ArrayLike<number>, radius: number): Float64Array {
  const checkedKind = checkKind(kind);
  const values = checkGroupValues(norms, "norms", norms?.length, checkedKind, "norms");
  return tagged(projectL1Ball(values, checkRadius(radius)), checkedKind, "norms");
}

/**
 * Stage 4 on one row block: clip each group to [−u_j, u_j] ('inf'), project it onto the ℓ1 ball of radius u_j
 * ('1', which needs the whole group in the block: row groups, or column groups with all rows at once), or scale
 * it by u_j/‖y_j‖₂ ('2'). With row groups pass the entries of u and norms that belong to the block's rows.
 * Given a grouped `shape` [outer, groups, inner] instead of rows and cols: a block of the outer dimension takes
 * all of u and norms; with outer = 1, a block of groups takes their entries.
 */
export function applyBilevel<X extends Input>(
  x: X,
  rows: number,
  cols: number,
  kind: GroupNormKind,
  u: ArrayLike<number>,
  norms: ArrayLike<number>,
  options?: MatrixOptions<ResultOf<X>>,
): ResultOf<X>;
export function applyBilevel<X extends Input>(
  x: X,
  shape: GroupedShape,
  kind: GroupNormKind,
  u: ArrayLike<number>,
  norms: ArrayLike<number>,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X>;
export function applyBilevel(x: Input, ...args: unknown[]): FloatArray {
  const grouped = Array.isArray(args[0]);
  const [kind, u, norms, options] = grouped ? args.slice(1) : args.slice(2);
  const checkedKind = checkKind(kind);
  const { out, axis } = checkOptions<MatrixOptions>(options);
  const layout = grouped ? groupedLayout(x, args[0]) : matrixLayout(x, args[0], args[1], options);
  // A matrix with row groups holds whole groups by construction; any other block may hold part of each group.
  const partOfGroups = grouped || axis !== "rows";
  const heap = defaultHeap();
  return withCall(heap, (call) => {
    const m = layout(call);
    const groups = m.groups;
    const thresholds = checkGroupValues(u, "u", groups, checkedKind, "norms");
    const normValues = checkGroupValues(norms, "norms", groups, checkedKind, "norms");
    const scratchBytes = applyScratchElements(heap, m) * BYTES[m.type];
    const block = call.alloc(Math.max(16 * groups + scratchBytes, partialElements(heap, m) * 8), "workspace for x");
    if (checkedKind === "1" && partOfGroups) checkWholeGroups(heap, m, grouped, normValues, block);
    const dest = marshalOutput(call, m, out);
    new Float64Array(heap.buffer, block, groups).set(thresholds);
    new Float64Array(heap.buffer, block + 8 * groups, groups).set(normValues);
    applyInto(heap, m, checkedKind, block, block + 8 * groups, dest.ptr, block + 16 * groups);
    return dest.finish();
  });
}

// λ_j of a group's ℓ1 projection depends on the whole sorted group: no fixed-size summary of blocks determines
// it. So a block must hold whole groups, which its own group sums reveal.
function checkWholeGroups(heap: Heap, m: GroupedRef, grouped: boolean, norms: Float64Array, scratch: number): void {
  partialsInto(heap, m, "1", scratch);
  const sums = new Float64Array(heap.buffer, scratch, m.groups);
  for (let j = 0; j < m.groups; j++) {
    if (Math.abs(sums[j] - norms[j]) > 1e-9 * Math.max(norms[j], Number.MIN_VALUE)) {
      const [group, what, remedy] = grouped
        ? ["group", "group x[:, g, :]", "give every outer index at once"]
        : ["column", "column", "give all rows at once, or use row groups with axis: 'rows'"];
      throw new RangeError(
        `norms[${j}] = ${norms[j]} but this block's ${group} sum is ${sums[j]}: ` +
          `the ℓ1,1 projection of a ${what} needs the whole ${group} in one block (${remedy})`,
      );
    }
  }
}

function checkGroupValues(
  values: unknown,
  name: string,
  groups: number,
  kind: GroupNormKind,
  expected: Stage,
): Float64Array {
  if (!(values instanceof Float64Array || values instanceof Float32Array || Array.isArray(values))) {
    throw new TypeError(`${name} must be a Float64Array (or number[]); got ${describeValue(values)}`);
  }
  if (values.length !== groups)
    throw new RangeError(`${name} has length ${values.length}; expected one entry per group: ${groups}`);
  const tag = values instanceof Float64Array ? stageOf.get(values) : undefined;
  if (tag && tag.kind !== kind) throw new RangeError(`${name} holds '${tag.kind}' group values but kind is '${kind}'`);
  if (tag && tag.stage !== expected) {
    throw new RangeError(
      `${name} holds ${tag.stage} but ${expected} are needed` +
        `${tag.stage === "partials" ? ": merge them with combineGroupNorms first" : ""}`,
    );
  }
  const checked = Float64Array.from(values as ArrayLike<number>);
  for (let g = 0; g < checked.length; g++) {
    if (!(checked[g] >= 0) || checked[g] === Infinity)
      throw new RangeError(`${name}[${g}] is ${checked[g]}: group values must be finite and ≥ 0`);
  }
  return checked;
}
