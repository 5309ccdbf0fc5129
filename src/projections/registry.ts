// The package's projections in one table. Everything that lists them reads it: the pool's methods, nn's projection
// constraints, trainSAE's and the CLI's names, the compressor's choices, the web page's menus and sweeps. Adding a
// projection is adding an entry here (and its functions); docs/projections.md has the steps.
import type {
  GroupedShape,
  GroupNormKind,
  Input,
  MatrixOptions,
  NormOptions,
  ProjectionOptions,
  ResultOf,
} from "../types.ts";
import {
  bilevelL11,
  bilevelL11Grouped,
  bilevelL12,
  bilevelL12Grouped,
  bilevelL1Inf,
  bilevelL1InfGrouped,
  normL11,
  normL12,
  normL1Inf,
} from "./bilevel.ts";
import { projectL1Inf } from "./exact.ts";

/**
 * A matrix projection: groups are columns unless options.axis is 'rows'.
 * @inline
 */
export type MatrixProjection = <X extends Input>(
  x: X,
  rows: number,
  cols: number,
  radius: number,
  options?: MatrixOptions<ResultOf<X>>,
) => ResultOf<X>;
/**
 * A projection of x seen as [outer, groups, inner], groups x[:, g, :].
 * @inline
 */
export type GroupedProjection = <X extends Input>(
  x: X,
  shape: GroupedShape,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
) => ResultOf<X>;
/** A vector projection: x as one flat vector. */
export type VectorProjection = <X extends Input>(
  x: X,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
) => ResultOf<X>;
/**
 * A mixed norm of a matrix, in the grouping its projection uses.
 * @inline
 */
export type MatrixNorm = (x: Input, rows: number, cols: number, options?: NormOptions) => number;

// The public functions the entries name, by name: a typo in an entry fails to compile, and callers holding only a
// name (nn's constraints, the pool's method names) find the function.
const byName =
  <F>() =>
  <T extends Record<string, F>>(functions: T): { readonly [N in keyof T]: F } =>
    functions;
/** The matrix projections by function name; ProjectionEntry.matrix names one. */
export const MATRIX_PROJECTIONS: Readonly<
  Record<"bilevelL1Inf" | "bilevelL11" | "bilevelL12" | "projectL1Inf", MatrixProjection>
> = byName<MatrixProjection>()({
  /** The bilevel ℓ1,∞ projection. */
  bilevelL1Inf,
  /** The bilevel ℓ1,1 projection. */
  bilevelL11,
  /** The bilevel ℓ1,2 projection. */
  bilevelL12,
  /** The exact ℓ1,∞ projection. */
  projectL1Inf,
});
/** The grouped projections (convolution weights) by function name; ProjectionEntry.grouped names one. */
export const GROUPED_PROJECTIONS: Readonly<
  Record<"bilevelL1InfGrouped" | "bilevelL11Grouped" | "bilevelL12Grouped", GroupedProjection>
> = byName<GroupedProjection>()({
  /** The bilevel ℓ1,∞ projection of x seen as [outer, groups, inner]. */
  bilevelL1InfGrouped,
  /** The bilevel ℓ1,1 projection of x seen as [outer, groups, inner]. */
  bilevelL11Grouped,
  /** The bilevel ℓ1,2 projection of x seen as [outer, groups, inner]. */
  bilevelL12Grouped,
});
/** The mixed norms of a matrix by function name; ProjectionEntry.norm names one (relative radii are fractions). */
export const MATRIX_NORMS: Readonly<Record<"normL1Inf" | "normL11" | "normL12", MatrixNorm>> = byName<MatrixNorm>()({
  /** ‖X‖₁,∞ = Σ_j max_i |X_ij|. */
  normL1Inf,
  /** ‖X‖₁,₁ = Σ_j Σ_i |X_ij|. */
  normL11,
  /** ‖X‖₁,₂ = Σ_j ‖x_j‖₂. */
  normL12,
});

/** One row of PROJECTIONS: a projection's names and the functions that compute it and its norm. */
export interface ProjectionEntry {
  /** The name trainSAE, the CLI (--projection), saved models and the web page use. */
  readonly name: string;
  /** How people read it, in tables, charts and messages. */
  readonly label: string;
  /** The norm of each group whose sum the ball bounds; null: no groups (the ℓ1 ball of every entry). */
  readonly groupNorm: GroupNormKind | null;
  /** Its matrix function (also a pool method); null: the weight is projected as one vector (projectL1Ball). */
  readonly matrix: keyof typeof MATRIX_PROJECTIONS | null;
  /** Its grouped function, for convolution weights; null: matrices only. Non-null makes it a bilevel projection. */
  readonly grouped: keyof typeof GROUPED_PROJECTIONS | null;
  /** The norm whose ball it projects onto, of a matrix (its relative radius is a fraction of this). */
  readonly norm: keyof typeof MATRIX_NORMS;
}

/**
 * The projections of a weight, keyed by their kind (nn.projectionConstraint's kind, as saved in its config). The
 * order is the order of every list shown to users.
 */
export const PROJECTIONS = {
  bilevelL1Inf: {
    name: "bilevel-l1inf",
    label: "bilevel ℓ1,∞",
    groupNorm: "inf",
    matrix: "bilevelL1Inf",
    grouped: "bilevelL1InfGrouped",
    norm: "normL1Inf",
  },
  bilevelL11: {
    name: "bilevel-l11",
    label: "bilevel ℓ1,1",
    groupNorm: "1",
    matrix: "bilevelL11",
    grouped: "bilevelL11Grouped",
    norm: "normL11",
  },
  bilevelL12: {
    name: "bilevel-l12",
    label: "bilevel ℓ1,2",
    groupNorm: "2",
    matrix: "bilevelL12",
    grouped: "bilevelL12Grouped",
    norm: "normL12",
  },
  l1Inf: {
    name: "l1inf",
    label: "exact ℓ1,∞",
    groupNorm: "inf",
    matrix: "projectL1Inf",
    grouped: null,
    norm: "normL1Inf",
  },
  // Σ|w| over every entry is the ℓ1,1 norm whatever the grouping.
  l1: { name: "l1", label: "ℓ1", groupNorm: null, matrix: null, grouped: null, norm: "normL11" },
} as const satisfies Record<string, ProjectionEntry>;

/** The projections' keys in PROJECTIONS (nn.projectionConstraint's kind, camelCase, e.g. 'bilevelL1Inf'). */
export type ProjectionKind = keyof typeof PROJECTIONS;
/** The projections' names (trainSAE's options.projection, the CLI's --projection). */
export type ProjectionName = (typeof PROJECTIONS)[ProjectionKind]["name"];
/** The bilevel projections: those with a grouped function. */
export type BilevelEntry = Extract<(typeof PROJECTIONS)[ProjectionKind], { readonly grouped: string }>;

export const PROJECTION_KINDS = Object.keys(PROJECTIONS) as ProjectionKind[];

const KIND_BY_NAME = new Map<string, ProjectionKind>(PROJECTION_KINDS.map((kind) => [PROJECTIONS[kind].name, kind]));

/** The entry of `kind`, or undefined for anything that is not a kind (prototype keys included). */
export function projectionOf(kind: unknown): (typeof PROJECTIONS)[ProjectionKind] | undefined {
  return typeof kind === "string" && Object.hasOwn(PROJECTIONS, kind) ? PROJECTIONS[kind as ProjectionKind] : undefined;
}

/** The kind of the projection called `name`, or undefined for a name no projection has. */
export function kindNamed(name: ProjectionName): ProjectionKind;
export function kindNamed(name: string): ProjectionKind | undefined;
export function kindNamed(name: string): ProjectionKind | undefined {
  return KIND_BY_NAME.get(name);
}

/** Every projection's name, in the table's order. */
export const PROJECTION_NAMES = PROJECTION_KINDS.map((kind) => PROJECTIONS[kind].name) as ProjectionName[];

/** The bilevel entries (grouped function present), in the table's order. */
export const BILEVEL_ENTRIES = Object.values(PROJECTIONS).filter((e): e is BilevelEntry => e.grouped !== null);

/** The vector balls: public function (and pool method) → its kernel in the module. */
export const VECTOR_BALLS = {
  projectL1Ball: "l1Ball",
  projectSimplex: "simplex",
  projectL2Ball: "l2Ball",
  projectLInfBall: "lInfBall",
} as const;
export type VectorKernel = (typeof VECTOR_BALLS)[keyof typeof VECTOR_BALLS];
