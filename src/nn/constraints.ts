// Projection constraints on parameters: the package's projections, applied in place on the parameter's own
// memory (zero-copy) by optimizer.step() — unlike TensorFlow.js's kernelConstraint, which its optimizers never
// call — or at the end of each epoch. Groups are the input features (the columns of an out × in weight) unless
// `axis: 'rows'` says otherwise; for a convolution's weight [O, I, kh, kw] (PyTorch's layout) they are likewise the
// input channels, the grouped view [O, I, kh·kw], or with 'rows' the output filters, [1, O, I·kh·kw].
import { groupedNorm } from "../projections/bilevel.ts";
import {
  GROUPED_PROJECTIONS,
  MATRIX_PROJECTIONS,
  PROJECTION_KINDS,
  projectionOf,
  type ProjectionKind,
} from "../projections/registry.ts";
import { projectL1Ball } from "../projections/vector.ts";
import { formatShape } from "../autograd/tensor.ts";
import type { Axis, GroupedShape } from "../types.ts";
import type { Parameter } from "./parameter.ts";

export type { ProjectionKind };

/**
 * The grouped view of a weight [O, I, ...window] whose groups are its input channels (columns) or output filters
 * (rows).
 */
function outInGroupedShape(shape: readonly number[], axis: Axis): GroupedShape {
  const [o, i] = shape,
    window = shape.slice(2).reduce((a, b) => a * b, 1);
  return axis === "columns" ? [o, i, window] : [1, o, i * window];
}

/** projectionConstraint's options. */
export interface ConstraintOptions {
  /** The ball's radius η. */
  radius: number;
  /** Matrix projections: groups are columns (input features, the default) or rows (output units). */
  axis?: Axis;
  /** After every optimizer step (default) or only when applyConstraints(…, 'epoch') is called. */
  every?: "step" | "epoch";
}

/**
 * A projection constraint on a parameter (made by projectionConstraint, attached by Parameter.setConstraint): the
 * optimizer's step() or applyConstraints() projects the parameter in place onto the `kind` ball of `radius`.
 */
export interface Constraint {
  readonly kind: ProjectionKind;
  readonly radius: number;
  readonly axis: Axis;
  readonly every: "step" | "epoch";
  /** Projects the parameter in place. */
  apply(parameter: Parameter): void;
  /** Throws a RangeError if the parameter's shape does not suit the projection. */
  check(parameter: Parameter): void;
  /** The constraint's settings as plain data, enough to make it again with projectionConstraint. */
  getConfig(): { kind: ProjectionKind; radius: number; axis: Axis; every: "step" | "epoch" };
}

/**
 * ‖W‖ of a parameter (2-D or a convolution's weight) in the grouping a bilevel `kind` constraint with `axis`
 * projects it.
 */
export function bilevelNorm(kind: ProjectionKind, parameter: Parameter, axis: Axis = "columns"): number {
  const entry = projectionOf(kind);
  if (!entry?.grouped || parameter.shape.length < 2) {
    const got = `${kind} and shape ${formatShape(parameter.shape)}`;
    throw new RangeError(`bilevelNorm: needs a bilevel kind and a parameter [out, in, ...window]; got ${got}`);
  }
  return groupedNorm(entry.groupNorm, parameter.data, outInGroupedShape(parameter.shape, axis));
}

/** A constraint that keeps a parameter inside the `kind` ball of radius options.radius. */
export function projectionConstraint(kind: ProjectionKind, options: ConstraintOptions): Constraint {
  const entry = projectionOf(kind);
  if (!entry) {
    throw new TypeError(
      `projectionConstraint: kind must be one of ${PROJECTION_KINDS.join(", ")}; got ${String(kind)}`,
    );
  }
  const { matrix, grouped } = entry;
  const { radius, axis = "columns", every = "step" } = options ?? ({} as ConstraintOptions);
  if (typeof radius !== "number" || !(radius >= 0) || !Number.isFinite(radius))
    throw new RangeError(`projectionConstraint: radius must be a finite number ≥ 0; got ${radius}`);
  if (axis !== "columns" && axis !== "rows")
    throw new TypeError(`projectionConstraint: axis must be 'columns' or 'rows'; got ${String(axis)}`);
  if (every !== "step" && every !== "epoch")
    throw new TypeError(`projectionConstraint: every must be 'step' or 'epoch'; got ${String(every)}`);
  const constraint: Constraint = {
    kind,
    radius,
    axis,
    every,
    check(p) {
      if (matrix === null || p.shape.length === 2 || (grouped && p.shape.length > 2)) return;
      const conv = grouped ? " or a convolution's weight [out, in, ...window]" : "";
      const got = formatShape(p.shape);
      throw new RangeError(`${kind} constraint needs a 2-D parameter (out × in)${conv}; got shape ${got}`);
    },
    apply(p) {
      constraint.check(p);
      const data = p.data;
      if (matrix === null) projectL1Ball(data, radius, { out: data });
      else if (p.shape.length === 2) {
        MATRIX_PROJECTIONS[matrix](data, p.shape[0], p.shape[1], radius, { out: data, axis });
      }
      // check() let only bilevel projections through with more than two dimensions.
      else if (grouped) GROUPED_PROJECTIONS[grouped](data, outInGroupedShape(p.shape, axis), radius, { out: data });
    },
    getConfig: () => ({ kind, radius, axis, every }),
  };
  return constraint;
}

/** Applies the constraints of `parameters` that run at `when` ('step' or 'epoch'). */
export function applyConstraints(parameters: Iterable<Parameter>, when: "step" | "epoch"): void {
  for (const p of parameters) if (p.constraint?.every === when) p.constraint.apply(p);
}
