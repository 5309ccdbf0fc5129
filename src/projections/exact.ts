// The exact Euclidean projection onto the ℓ1,∞ ball: per-group clip levels μ_j from a Newton iteration on the
// dual variable θ (assembly/exact.ts), then the bilevel ℓ1,∞ clip with u = μ.
import { checkOptions, checkRadius } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { type Call, withCall, marshalOutput } from "../runtime/marshal.ts";
import type { FloatArray, Input, MatrixOptions, ResultOf } from "../types.ts";
import { marshalMatrix } from "./bilevel.ts";
import { kernel, throwNonFinite } from "./exports.ts";
import { AXIS_CODES, applyInto, applyScratchElements, copyInput, type MatrixRef, normsInto, sum } from "./stages.ts";

/**
 * Newton steps before the kernel falls back to bisection. Newton crosses at least one breakpoint of the
 * piecewise-linear Σ_j μ_j(θ) per step and settles within a dozen steps on 1000 × 1000 test data; the cap
 * bounds adversarial inputs.
 */
export const NEWTON_STEPS = 64;

// A bucket sort's scratch (assembly/exact.ts): 256 i32 counters, then one group's spill (16-byte rounded).
const COUNTS_BYTES = 256 * 4;

/** Bytes of one bucket sort's scratch for m's groups; each thread that sorts needs its own. */
export function sortScratchBytes(m: MatrixRef): number {
  const length = m.axis === "columns" ? m.rows : m.cols;
  return COUNTS_BYTES + Math.ceil((length * (BYTES[m.type] + 1)) / 16) * 16;
}

/** The exact projection's blocks: ‖y_j‖∞ and μ_j (f64 per group), the kernels' state, and the sorted |y_j|. */
export interface L1InfWorkspace {
  readonly norms: number;
  readonly mu: number;
  readonly state: number;
  /** M(θ) = A − θ·B on the current pieces: A, B (f64). */
  readonly piece: number;
  /** T per element: the bucket-sorted |y_j|, reused by the single-thread clip for its thresholds. */
  readonly values: number;
}

/** One workspace for m (`extra` bytes after it, 16-aligned, for the caller's own scratch). */
export function l1InfWorkspace(call: Call, m: MatrixRef, extra: number): L1InfWorkspace & { readonly extra: number } {
  // One block: ‖y_j‖∞, μ, the kernels' state (6 f64 per group), A and B, then T scratch for the sorted |y_j|.
  const f64Bytes = m.groups * 8;
  const valuesBytes = Math.ceil((Math.max(m.length, applyScratchElements(call.heap, m)) * BYTES[m.type]) / 16) * 16;
  const norms = call.alloc(8 * f64Bytes + 16 + valuesBytes + extra, "workspace for x");
  const values = norms + 8 * f64Bytes + 16;
  return {
    norms,
    mu: norms + f64Bytes,
    state: norms + 2 * f64Bytes,
    piece: norms + 8 * f64Bytes,
    values,
    extra: values + valuesBytes,
  };
}

/** A step of the per-group work, for the caller to run over all groups: on this thread, or split over workers. */
export type GroupStep = { readonly pass: "prepare" } | { readonly pass: "advance"; readonly theta: number };

/**
 * μ_j into w.mu: Newton's method on θ (assembly/exact.ts), its per-group work yielded as steps whose result the
 * caller sends back (prepare: the status, nonzero for non-finite data; advance: whether any value joined any
 * group). Every sum over the groups is taken here, on one thread, so the levels do not depend on the split.
 */
export function* l1InfThresholds(
  heap: Heap,
  m: MatrixRef,
  eta: number,
  w: L1InfWorkspace,
  newtonSteps: number,
): Generator<GroupStep, void, number> {
  const groups = m.groups;
  const length = m.axis === "columns" ? m.rows : m.cols;
  const levels = (theta: number, root: number) => kernel(heap, "l1InfLevels")(groups, w.state, theta, root, w.mu);
  if (eta <= 0 || length === 0) return void heap.view("f64", w.mu, groups).fill(0);
  if ((yield { pass: "prepare" }) !== 0) throwNonFinite(heap, m);
  const piece = heap.view("f64", w.piece, 2);
  let theta = kernel(heap, "l1InfStart")(groups, length, eta, w.norms, w.state);
  let active = groups + 1; // makes the first evaluation count as a change
  for (let step = 0; step < newtonSteps; step++) {
    const joined = yield { pass: "advance", theta };
    const evaluated = kernel(heap, "l1InfEvaluate")(groups, w.state, theta, w.piece);
    const settled = !joined && evaluated === active;
    active = evaluated;
    const [intercept, slope] = [piece[0], piece[1]];
    if (slope === 0) return void levels(theta, theta); // every group zeroed
    // The root of the piece's line; M(θ) ≤ η (θ at or, by rounding, past θ*) exactly when it is not right of θ.
    const next = (intercept - eta) / slope;
    // On the same piece as the last step, or at its root: θ* is that root.
    if (settled || !(next > theta)) return void levels(theta, next);
    theta = next;
  }
  // Never seen in practice: the groups are fully sorted and θ bisected, on this thread.
  kernel(heap, "l1InfBisect", m.type)(w.values, length, groups, w.state, theta, eta, w.mu);
}

/** The kernel call for a step over the groups first … last − 1 (`counts`: that thread's sort scratch). */
export function groupStepArgs(
  m: MatrixRef,
  w: L1InfWorkspace,
  step: GroupStep,
  first: number,
  last: number,
  counts: number,
): number[] {
  if (step.pass === "prepare")
    return [m.ptr, m.rows, m.cols, AXIS_CODES[m.axis], first, last, w.norms, w.state, w.values, counts];
  return [w.values, m.axis === "columns" ? m.rows : m.cols, first, last, w.norms, w.state, step.theta];
}

export const GROUP_STEP_KERNELS = { prepare: "l1InfPrepare", advance: "l1InfAdvance" } as const;

/** The exact projection of m into `out` (which may be m.ptr), on this thread. */
export function l1InfInto(call: Call, m: MatrixRef, radius: number, out: number, newtonSteps = NEWTON_STEPS): void {
  const heap = call.heap;
  const w = l1InfWorkspace(call, m, sortScratchBytes(m));
  if (sum(normsInto(heap, m, "inf", w.norms)) <= radius) {
    copyInput(heap, m, out);
    return;
  }
  const steps = l1InfThresholds(heap, m, radius, w, newtonSteps);
  for (let step = steps.next(); !step.done; ) {
    const args = groupStepArgs(m, w, step.value, 0, m.groups, w.extra);
    step = steps.next(Number(kernel(heap, GROUP_STEP_KERNELS[step.value.pass], m.type)(...args)));
  }
  applyInto(heap, m, "inf", w.mu, w.norms, out, w.values);
}

/** projectL1Inf on a given module instance with a given Newton cap (tests force the fallback with small caps). */
export function projectL1InfWith(
  heap: Heap,
  x: Input,
  rows: unknown,
  cols: unknown,
  radius: unknown,
  options: unknown,
  newtonSteps = NEWTON_STEPS,
): FloatArray {
  const eta = checkRadius(radius);
  const { out, axis } = checkOptions<MatrixOptions>(options);
  return withCall(heap, (call) => {
    const m = marshalMatrix(call, x, rows, cols, axis);
    const dest = marshalOutput(call, m, out);
    l1InfInto(call, m, eta, dest.ptr, newtonSteps);
    return dest.finish();
  });
}

/**
 * Euclidean projection onto the ℓ1,∞ ball {Σ_j max_i |X_ij| ≤ radius} (groups = columns unless axis: 'rows'):
 * X_ij = sign(Y_ij)·min(|Y_ij|, μ_j) with Σ_j μ_j = radius and one common Σ_i (|Y_ij| − μ_j)₊ over the groups
 * kept. Y itself when inside the ball. Nearer to Y than bilevelL1Inf, at the cost of a per-group partial sort.
 */
export function projectL1Inf<X extends Input>(
  x: X,
  rows: number,
  cols: number,
  radius: number,
  options?: MatrixOptions<ResultOf<X>>,
): ResultOf<X> {
  return projectL1InfWith(defaultHeap(), x, rows, cols, radius, options) as ResultOf<X>;
}
