// The two steps of double descent that do not depend on the model (Barlaud et al.; Frankle & Carbin's lottery
// ticket): a projection (or magnitude pruning, the baseline) applied once whose zeros become the parameter's mask,
// and the rewind that restarts training from the initial values with those masks held.
import type { Axis } from "../types.ts";
import type { Module, StateDict } from "./module.ts";
import type { Parameter } from "./parameter.ts";

/** Projects `parameter` in place once with `project`, then holds the zeros it made (and any it had) as its mask. */
export function projectAndMask(parameter: Parameter, project: (parameter: Parameter) => void): void {
  project(parameter);
  parameter.setMask(Array.from(parameter.data, (v) => (v === 0 ? 0 : 1)));
}

/**
 * Magnitude pruning by group: zeroes every group of a 2-D `parameter` (its columns, or rows with axis 'rows') but
 * the `keep` of largest ℓ2 norm, ties going to the lower index.
 */
export function keepLargestGroups(parameter: Parameter, keep: number, axis: Axis = "columns"): void {
  const [rows, cols] = parameter.shape;
  const groups = axis === "columns" ? cols : rows;
  if (parameter.shape.length !== 2 || !Number.isSafeInteger(keep) || keep < 1 || keep > groups) {
    throw new RangeError(`keepLargestGroups: keep must be an integer from 1 to the ${groups} groups; got ${keep}`);
  }
  const data = parameter.data;
  const index = (g: number, k: number) => (axis === "columns" ? k * cols + g : g * cols + k);
  const length = axis === "columns" ? rows : cols;
  // Squared norms order the groups as the norms do, without the rounding of a square root.
  const squares = Array.from({ length: groups }, (_, g) => {
    let sum = 0;
    for (let k = 0; k < length; k++) sum += data[index(g, k)] ** 2;
    return sum;
  });
  const order = squares.map((_, g) => g).sort((a, b) => squares[b] - squares[a] || a - b);
  for (const g of order.slice(keep)) for (let k = 0; k < length; k++) data[index(g, k)] = 0;
}

/** Reloads `initial` (a stateDict taken before training) into `module`, keeping every parameter's current mask. */
export function rewind(module: Module, initial: StateDict): void {
  const parameters = module.parameters();
  const masks = parameters.map((p) => p.mask);
  module.loadStateDict(initial);
  parameters.forEach((p, i) => p.setMask(masks[i]));
}
