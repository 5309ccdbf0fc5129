// Re-projecting the trained first-layer weight on the main thread, as the radius slider moves: a 100 × 1000
// weight projects in well under a millisecond, so the heat-map follows the slider without a round trip to the
// worker (which may be busy with a sweep).
import { MATRIX_NORMS, MATRIX_PROJECTIONS, PROJECTIONS } from "../../dist/index.js";

/** How each group norm reads a column: max |w|, Σ |w| or Σ w² (then √). */
const COLUMN_NORMS = { inf: "max", 1: "sum", 2: "l2" };

/**
 * The page's projections, from the package's registry: those with a matrix function (ℓ1 projects the weight as one
 * vector, so it has no columns to keep). Per name: its label, operator, norm and the column norm it shrinks in.
 */
export const PAGE_PROJECTIONS = new Map(
  Object.values(PROJECTIONS)
    .filter((entry) => entry.matrix !== null)
    .map((entry) => [
      entry.name,
      {
        label: entry.label,
        project: MATRIX_PROJECTIONS[entry.matrix],
        norm: MATRIX_NORMS[entry.norm],
        column: COLUMN_NORMS[entry.groupNorm],
      },
    ]),
);

/** Column norms (max |w|, Σ |w| or ‖w‖₂) of a hidden × d weight. */
export function columnNorms(w, hidden, d, kind) {
  const norms = new Float64Array(d);
  const column = PAGE_PROJECTIONS.get(kind).column;
  for (let i = 0; i < hidden; i++) {
    for (let j = 0; j < d; j++) {
      const a = Math.abs(w[i * d + j]);
      norms[j] = column === "max" ? Math.max(norms[j], a) : norms[j] + (column === "sum" ? a : a * a);
    }
  }
  return column === "l2" ? norms.map(Math.sqrt) : norms;
}

/** The projection of one trained weight at any radius, into one reused output array. */
export class Reprojector {
  constructor(before, hidden, d, kind) {
    Object.assign(this, { before, hidden, d, kind, after: new Float32Array(before.length) });
    this.full = PAGE_PROJECTIONS.get(kind).norm(before, hidden, d);
    // Columns by decreasing norm in the projection's own column norm: the order in which the ball keeps them.
    const norms = columnNorms(before, hidden, d, kind);
    this.order = Array.from({ length: d }, (_, j) => j).sort((a, b) => norms[b] - norms[a] || a - b);
  }

  /** Projects onto the ball of radius η; returns the kept columns (strongest first) and the call's milliseconds. */
  project(radius) {
    const start = performance.now();
    PAGE_PROJECTIONS.get(this.kind).project(this.before, this.hidden, this.d, radius, { out: this.after });
    const ms = performance.now() - start;
    const norms = columnNorms(this.after, this.hidden, this.d, "bilevel-l12");
    const kept = this.order.filter((j) => norms[j] > 0).sort((a, b) => norms[b] - norms[a] || a - b);
    return { after: this.after, kept, ms };
  }
}
