// The bilevel projections and group norms split over the team (src/projections/stages.ts, in parallel), on the
// grouped view [outer, groups, inner] that every input has (a matrix's columns [rows, cols, 1], rows
// [1, rows, cols]). The blocks are of the outer dimension (row blocks of a matrix with column groups), or of the
// groups when outer = 1 (row blocks of a matrix with row groups):
//   1. each worker reduces its block to per-group partials — its own buffer for outer blocks, merged here
//      (max / sum); a block of groups owns them whole and writes straight into the norms;
//   2–3. norms finished and u = P_ℓ1,η(norms) on the calling thread (one pass over the groups);
//   4. each worker clips / scales its block with u. The ℓ1,1 projection of a group needs the whole group
//      (its λ_g depends on every entry), so with outer blocks the λ_g are split over the workers by groups
//      first, then applied by outer blocks.
import { checkOptions, checkRadius, KIND_CODES } from "../args.ts";
import { marshalMatrix, type Layout } from "../projections/bilevel.ts";
import {
  GROUP_STEP_KERNELS,
  groupStepArgs,
  l1InfThresholds,
  l1InfWorkspace,
  NEWTON_STEPS,
  sortScratchBytes,
} from "../projections/exact.ts";
import { mergePartials } from "../projections/staged.ts";
import {
  applyScratchElements,
  copyInput,
  finishNorms,
  type GroupedRef,
  partialElements,
  stableNormsInto,
  sum,
  thresholdsInto,
  throwUnlessSquaresOverflowed,
} from "../projections/stages.ts";
import { BYTES } from "../runtime/heap.ts";
import { Call, marshalOutput } from "../runtime/marshal.ts";
import type { FloatArray, GroupNormKind, Input, MatrixOptions, ProjectionOptions } from "../types.ts";
import type { Team } from "./team.ts";

export async function bilevelOnTeam(
  team: Team,
  kind: GroupNormKind,
  layout: Layout,
  radius: unknown,
  options: unknown,
): Promise<FloatArray> {
  const eta = checkRadius(radius);
  const { out } = checkOptions<ProjectionOptions>(options);
  return runOnTeam(team, async (call) => {
    const m = layout(call);
    const dest = marshalOutput(call, m, out);
    await bilevelInto(team, call, m, kind, eta, dest.ptr);
    return dest.finish();
  });
}

export async function groupNormOnTeam(team: Team, kind: GroupNormKind, layout: Layout): Promise<number> {
  return runOnTeam(team, async (call) => {
    const m = layout(call);
    return sum(await normsInto(team, call, m, kind, call.alloc(m.groups * 8, "norms of x")));
  });
}

// The call's blocks are freed only once no worker can still be writing to them: after every task has settled,
// and never when a worker died during the call (terminate() stops a thread at its next interrupt check, later).
async function runOnTeam<R>(team: Team, body: (call: Call) => Promise<R>): Promise<R> {
  await team.ready();
  const call = new Call(team.heap);
  const tasksLost = team.tasksLost;
  try {
    return await body(call);
  } finally {
    await team.idle();
    if (team.tasksLost === tasksLost) call.release();
  }
}

const shapeOf = (m: GroupedRef) => [m.outer, m.groups, m.inner];

async function bilevelInto(
  team: Team,
  call: Call,
  m: GroupedRef,
  kind: GroupNormKind,
  radius: number,
  out: number,
): Promise<void> {
  const heap = call.heap;
  const groups = m.groups;
  // norms, u, and the ℓ1 step's scratch: one f64 per group each.
  const norms = call.alloc(3 * groups * 8, "workspace for x");
  const u = norms + groups * 8;
  if (sum(await normsInto(team, call, m, kind, norms)) <= radius) return copyInput(heap, m, out);
  thresholdsInto(heap, norms, groups, radius, u, u + groups * 8);
  const blocks = split(m, team.size);
  if (kind === "1" && m.outer !== 1) return groupSoftThresholds(team, call, m, blocks, u, norms, out);
  await applyOnTeam(team, call, m, kind, u, norms, out);
}

/** Layout 4, the clip / scaling of every block with the thresholds u (f64 per group). */
async function applyOnTeam(
  team: Team,
  call: Call,
  m: GroupedRef,
  kind: GroupNormKind,
  u: number,
  norms: number,
  out: number,
): Promise<void> {
  await Promise.all(
    split(m, team.size).map(({ block, firstGroup }, i) => {
      const first = firstGroup * 8;
      const scratch = call.alloc(applyScratchElements(call.heap, block) * BYTES[m.type], "workspace for x");
      const args = [
        block.ptr,
        ...shapeOf(block),
        KIND_CODES[kind],
        u + first,
        norms + first,
        out + (block.ptr - m.ptr),
        scratch,
      ];
      return team.runKernel(i, `applyBilevel_${m.type}`, args);
    }),
  );
}

/**
 * The exact ℓ1,∞ projection (src/projections/exact.ts): ‖y_j‖∞ as the bilevel norms, then the per-group steps
 * of the Newton iteration (bucket sorts, advancing each group to θ) over ranges of groups, one per worker, with the
 * sums over the groups on this thread between the rounds, then the clip as the bilevel ℓ1,∞ one. The sums are taken
 * in group order whatever the split, so the result is the single-thread call's bit for bit.
 */
export async function l1InfOnTeam(
  team: Team,
  x: Input,
  rows: unknown,
  cols: unknown,
  radius: unknown,
  options: unknown,
  newtonSteps = NEWTON_STEPS,
): Promise<FloatArray> {
  const eta = checkRadius(radius);
  const { out, axis } = checkOptions<MatrixOptions>(options);
  return runOnTeam(team, async (call) => {
    const m = marshalMatrix(call, x, rows, cols, axis);
    const dest = marshalOutput(call, m, out);
    const parts = Math.max(1, Math.min(team.size, m.groups));
    const sortBytes = sortScratchBytes(m);
    const w = l1InfWorkspace(call, m, parts * sortBytes);
    if (sum(await normsInto(team, call, m, "inf", w.norms)) <= eta) {
      copyInput(call.heap, m, dest.ptr);
      return dest.finish();
    }
    const steps = l1InfThresholds(call.heap, m, eta, w, newtonSteps);
    for (let step = steps.next(); !step.done; ) {
      const { value } = step;
      const results = await Promise.all(
        Array.from({ length: parts }, (_, i) => {
          const args = groupStepArgs(
            m,
            w,
            value,
            Math.floor((i * m.groups) / parts),
            Math.floor(((i + 1) * m.groups) / parts),
            w.extra + i * sortBytes,
          );
          return team.runKernel(i, `${GROUP_STEP_KERNELS[value.pass]}_${m.type}`, args);
        }),
      );
      // A non-finite status from any part, or a value joined in any part.
      step = steps.next(results.some((result) => result !== 0) ? 1 : 0);
    }
    await applyOnTeam(team, call, m, "inf", w.mu, w.norms, dest.ptr);
    return dest.finish();
  });
}

// The ℓ1,1 projection of a group needs the whole group for λ_g: the groups' λ are split over the workers
// first, then each worker soft-thresholds its outer block.
async function groupSoftThresholds(
  team: Team,
  call: Call,
  m: GroupedRef,
  blocks: Block[],
  u: number,
  norms: number,
  out: number,
): Promise<void> {
  const bytes = BYTES[m.type];
  const thresholds = call.alloc(m.groups * bytes, "workspace for x");
  const parts = Math.max(1, Math.min(team.size, m.groups));
  await Promise.all(
    Array.from({ length: parts }, (_, i) => {
      const first = Math.floor((i * m.groups) / parts);
      const last = Math.floor(((i + 1) * m.groups) / parts);
      const candidates = call.alloc(m.outer * m.inner * bytes, "workspace for x");
      return team.runKernel(i, `groupThresholds_${m.type}`, [
        m.ptr,
        ...shapeOf(m),
        KIND_CODES["1"],
        u,
        norms,
        first,
        last,
        thresholds,
        candidates,
      ]);
    }),
  );
  await Promise.all(
    blocks.map(({ block }, i) => {
      const scratch = call.alloc(applyScratchElements(call.heap, block) * bytes, "workspace for x");
      return team.runKernel(i, `applyThresholds_${m.type}`, [
        block.ptr,
        ...shapeOf(block),
        KIND_CODES["1"],
        thresholds,
        out + (block.ptr - m.ptr),
        scratch,
      ]);
    }),
  );
}

/** Stages 1–2 into `norms` (one f64 per group): partials per block, merged, finished. */
async function normsInto(
  team: Team,
  call: Call,
  m: GroupedRef,
  kind: GroupNormKind,
  norms: number,
): Promise<Float64Array> {
  const heap = call.heap;
  const groups = m.groups;
  const blocks = split(m, team.size);
  const merged = m.outer !== 1;
  const partials = blocks.map(({ block, firstGroup }) =>
    merged ? call.alloc(partialElements(heap, block) * 8, "partials of x") : norms + firstGroup * 8,
  );
  const statuses = await Promise.all(
    blocks.map(({ block }, i) =>
      team.runKernel(i, `groupPartials_${m.type}`, [block.ptr, ...shapeOf(block), KIND_CODES[kind], partials[i]]),
    ),
  );
  const values = new Float64Array(heap.buffer, norms, groups);
  if (merged) {
    values.set(new Float64Array(heap.buffer, partials[0], groups));
    for (const partial of partials.slice(1))
      mergePartials(kind, values, new Float64Array(heap.buffer, partial, groups));
  }
  if (statuses.every((status) => status === 0) && values.every(Number.isFinite)) {
    finishNorms(kind, values);
  } else {
    // As partialsInto; the scaled slow path is rare enough to run on this thread.
    throwUnlessSquaresOverflowed(heap, m, kind);
    stableNormsInto(heap, m, norms);
  }
  return values;
}

interface Block {
  readonly block: GroupedRef;
  /** The index of the block's first group: 0 for a block of the outer dimension. */
  readonly firstGroup: number;
}

/**
 * Up to `parts` blocks, as even as can be: of the outer dimension (each holds part of every group), or, when
 * outer = 1, of the groups (each holds whole groups; a partial sum never crosses blocks, so those results are
 * bit-identical to one thread's for every kind).
 */
function split(m: GroupedRef, parts: number): Block[] {
  const byGroups = m.outer === 1;
  const extent = byGroups ? m.groups : m.outer;
  const stride = (byGroups ? m.inner : m.groups * m.inner) * BYTES[m.type];
  const count = Math.max(1, Math.min(parts, extent));
  return Array.from({ length: count }, (_, k) => {
    const start = Math.floor((k * extent) / count);
    const size = Math.floor(((k + 1) * extent) / count) - start;
    const shape = byGroups ? { groups: size } : { outer: size };
    const block = { ...m, ...shape, ptr: m.ptr + start * stride };
    return { block: { ...block, length: block.outer * block.groups * block.inner }, firstGroup: byGroups ? start : 0 };
  });
}
