// The bilevel projections and group norms split by row blocks over the team (src/kernels/stages.ts, in parallel):
//   1. each worker reduces its rows to per-group partials — its own buffer for column groups, merged here
//      (max / sum); for row groups its rows are whole groups, written straight into the norms;
//   2–3. norms finished and u = P_ℓ1,η(norms) on the calling thread (one pass over the groups);
//   4. each worker clips / scales its rows with u. The ℓ1,1 projection of a column needs the whole column
//      (its λ_j depends on every entry), so with column groups the λ_j are split over the workers by columns
//      first, then applied by row blocks.
import { checkOptions, checkRadius, KIND_CODES } from "../args.ts";
import { stageMatrix } from "../kernels/bilevel.ts";
import { mergePartials } from "../kernels/staged.ts";
import {
  applyScratchElements,
  AXIS_CODES,
  copyInput,
  finishNorms,
  groupCount,
  type MatrixOperand,
  stableNormsInto,
  sum,
  thresholdsInto,
  throwUnlessSquaresOverflowed,
} from "../kernels/stages.ts";
import { BYTES } from "../runtime/heap.ts";
import { Call, stageOutput } from "../runtime/staging.ts";
import type { FloatArray, GroupNormKind, Input, MatrixOptions, NormOptions } from "../types.ts";
import type { Team } from "./team.ts";

export async function bilevelOnTeam(team: Team, kind: GroupNormKind, x: Input, rows: unknown, cols: unknown, radius: unknown, options: unknown): Promise<FloatArray> {
  const eta = checkRadius(radius);
  const { out, axis } = checkOptions<MatrixOptions>(options);
  return runOnTeam(team, async (call) => {
    const m = stageMatrix(call, x, rows, cols, axis);
    const dest = stageOutput(call, m, out);
    await bilevelInto(team, call, m, kind, eta, dest.ptr);
    return dest.finish();
  });
}

export async function groupNormOnTeam(team: Team, kind: GroupNormKind, x: Input, rows: unknown, cols: unknown, options: unknown): Promise<number> {
  const { axis } = checkOptions<NormOptions>(options);
  return runOnTeam(team, async (call) => {
    const m = stageMatrix(call, x, rows, cols, axis);
    return sum(await normsInto(team, call, m, kind, call.alloc(groupCount(m) * 8, "norms of x")));
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

async function bilevelInto(team: Team, call: Call, m: MatrixOperand, kind: GroupNormKind, radius: number, out: number): Promise<void> {
  const heap = call.heap;
  const groups = groupCount(m);
  // norms, u, and the ℓ1 step's scratch: one f64 per group each.
  const norms = call.alloc(3 * groups * 8, "workspace for x");
  const u = norms + groups * 8;
  if (sum(await normsInto(team, call, m, kind, norms)) <= radius) return copyInput(heap, m, out);
  thresholdsInto(heap, norms, groups, radius, u, u + groups * 8);
  if (kind === "1" && m.axis === "columns") return columnSoftThresholds(team, call, m, u, norms, out);
  await Promise.all(
    rowBlocks(m, team.size).map((block, i) => {
      const first = groupOffset(m, block) * 8;
      const scratch = call.alloc(applyScratchElements(block) * BYTES[m.type], "workspace for x");
      const args = [block.ptr, block.rows, m.cols, AXIS_CODES[m.axis], KIND_CODES[kind], u + first, norms + first, out + (block.ptr - m.ptr), scratch];
      return team.run(i, `applyBilevel_${m.type}`, args);
    }),
  );
}

// The ℓ1,1 projection of a column needs its whole column for λ_j: the columns' λ are split over the workers
// first, then each worker soft-thresholds its rows.
async function columnSoftThresholds(team: Team, call: Call, m: MatrixOperand, u: number, norms: number, out: number): Promise<void> {
  const bytes = BYTES[m.type];
  const thresholds = call.alloc(m.cols * bytes, "workspace for x");
  const parts = Math.max(1, Math.min(team.size, m.cols));
  await Promise.all(
    Array.from({ length: parts }, (_, i) => {
      const first = Math.floor((i * m.cols) / parts);
      const last = Math.floor(((i + 1) * m.cols) / parts);
      const candidates = call.alloc(m.rows * bytes, "workspace for x");
      return team.run(i, `groupThresholds_${m.type}`, [m.ptr, m.rows, m.cols, AXIS_CODES.columns, KIND_CODES["1"], u, norms, first, last, thresholds, candidates]);
    }),
  );
  await Promise.all(
    rowBlocks(m, team.size).map((block, i) =>
      team.run(i, `applyThresholds_${m.type}`, [block.ptr, block.rows, m.cols, AXIS_CODES.columns, KIND_CODES["1"], thresholds, out + (block.ptr - m.ptr)]),
    ),
  );
}

/** Stages 1–2 into `norms` (one f64 per group): partials per row block, merged, finished. */
async function normsInto(team: Team, call: Call, m: MatrixOperand, kind: GroupNormKind, norms: number): Promise<Float64Array> {
  const heap = call.heap;
  const groups = groupCount(m);
  const blocks = rowBlocks(m, team.size);
  const columns = m.axis === "columns";
  const partials = blocks.map((block) => (columns ? call.alloc(groups * 8, "partials of x") : norms + groupOffset(m, block) * 8));
  const statuses = await Promise.all(
    blocks.map((block, i) => team.run(i, `groupPartials_${m.type}`, [block.ptr, block.rows, m.cols, AXIS_CODES[m.axis], KIND_CODES[kind], partials[i]])),
  );
  const values = new Float64Array(heap.buffer, norms, groups);
  if (columns) {
    values.set(new Float64Array(heap.buffer, partials[0], groups));
    for (const partial of partials.slice(1)) mergePartials(kind, values, new Float64Array(heap.buffer, partial, groups));
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

/** Up to `parts` blocks of consecutive rows, as even as can be. */
function rowBlocks(m: MatrixOperand, parts: number): MatrixOperand[] {
  const count = Math.max(1, Math.min(parts, m.rows));
  return Array.from({ length: count }, (_, k) => {
    const start = Math.floor((k * m.rows) / count);
    const rows = Math.floor(((k + 1) * m.rows) / count) - start;
    return { ...m, rows, length: rows * m.cols, ptr: m.ptr + start * m.cols * BYTES[m.type] };
  });
}

/** The index of a block's first group: its first row for row groups, 0 for column groups. */
function groupOffset(m: MatrixOperand, block: MatrixOperand): number {
  return m.axis === "rows" ? (block.ptr - m.ptr) / (m.cols * BYTES[m.type]) : 0;
}
