// The two steps of double descent that do not depend on the model (Barlaud et al.; Frankle & Carbin's lottery
// ticket): a projection applied once whose zeros become the parameter's mask, and the rewind that restarts
// training from the initial values with those masks held.
import type { Module, StateDict } from "./module.ts";
import type { Parameter } from "./parameter.ts";

/** Projects `parameter` in place once with `project`, then holds the zeros it made (and any it had) as its mask. */
export function projectAndMask(parameter: Parameter, project: (parameter: Parameter) => void): void {
  project(parameter);
  parameter.setMask(Array.from(parameter.data, (v) => (v === 0 ? 0 : 1)));
}

/** Reloads `initial` (a stateDict taken before training) into `module`, keeping every parameter's current mask. */
export function rewind(module: Module, initial: StateDict): void {
  const parameters = module.parameters();
  const masks = parameters.map((p) => p.mask);
  module.loadStateDict(initial);
  parameters.forEach((p, i) => p.setMask(masks[i]));
}
