// The optimizer base: which parameters, with which options (PyTorch's parameter groups), zeroGrad(), and a
// step() split into the update rule (each subclass, one fused kernel per parameter) and what every update is
// followed by: masks are enforced inside the rule's kernel, projection constraints right after it.
import type { Buf } from "../autograd/backend.ts";
import { applyConstraints } from "../nn/constraints.ts";
import { Parameter } from "../nn/parameter.ts";

const RELEASED = "the optimizer was disposed";

/** Parameters with options of their own, overriding the optimizer's defaults (PyTorch's param_groups). */
export type ParamGroup<O> = { params: Iterable<Parameter> } & Partial<O>;

/**
 * The base of the optimizers (PyTorch's torch.optim.Optimizer): the parameters with their options, zeroGrad(), and
 * step(), which runs a subclass's update() on every parameter with a gradient, then their per-step constraints.
 */
export abstract class Optimizer<O extends object> {
  /** The parameters in order, each with its resolved options. */
  readonly entries: ReadonlyArray<{ parameter: Parameter; options: O }>;
  readonly #state = new Map<Parameter, Buf[]>();
  #disposed = false;

  constructor(params: Iterable<Parameter> | Array<ParamGroup<O>>, defaults: O, check: (options: O) => void) {
    if (params == null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(
        "optimizer: params must be an iterable of Parameters (model.parameters()) " +
          "or an array of { params, ...options }",
      );
    }
    const list = [...(params as Iterable<Parameter | ParamGroup<O>>)];
    const groups = list.every((p) => p instanceof Parameter)
      ? [{ params: list as Parameter[] }]
      : (list as Array<ParamGroup<O>>);
    const entries: Array<{ parameter: Parameter; options: O }> = [];
    const seen = new Set<Parameter>();
    groups.forEach((group, g) => {
      if (group === null || typeof group !== "object" || !("params" in group))
        throw new TypeError(`optimizer: params[${g}] is neither a Parameter nor a { params } group`);
      const options = { ...defaults, ...group, params: undefined } as O;
      delete (options as { params?: unknown }).params;
      check(options);
      for (const p of group.params) {
        if (!(p instanceof Parameter))
          throw new TypeError(`optimizer: group ${g} holds something that is not a Parameter`);
        if (seen.has(p)) throw new RangeError("optimizer: a parameter appears twice");
        seen.add(p);
        entries.push({ parameter: p, options });
      }
    });
    if (!entries.length) throw new RangeError("optimizer: got an empty parameter list");
    this.entries = entries;
  }

  /** Sets every gradient to null (PyTorch's set_to_none): the next backward() writes instead of adding. */
  zeroGrad(): void {
    for (const { parameter } of this.entries) parameter.grad = null;
  }

  /** One update of every parameter that has a gradient, then the per-step projection constraints. */
  step(): void {
    if (this.#disposed) throw new TypeError(`optimizer.step(): ${RELEASED}`);
    const updated: Parameter[] = [];
    for (const { parameter, options } of this.entries) {
      if (!parameter.grad) continue;
      this.update(parameter, options);
      updated.push(parameter);
    }
    applyConstraints(updated, "step");
  }

  /** The update rule: one step of `parameter` from its gradient, leaving its masked entries at zero. */
  protected abstract update(parameter: Parameter, options: O): void;

  /** Per-parameter state buffers (zero-filled on first use), owned by the optimizer. */
  protected state(parameter: Parameter, count: number): Buf[] {
    let buffers = this.#state.get(parameter);
    if (!buffers) {
      buffers = Array.from({ length: count }, () => parameter.backend.allocPersistent(parameter.size, RELEASED));
      this.#state.set(parameter, buffers);
    }
    return buffers;
  }

  /** Releases the optimizer's state (again: nothing); the parameters are the module's and stay. */
  dispose(): void {
    this.#disposed = true;
    for (const [p, buffers] of this.#state) for (const b of buffers) p.backend.releasePersistent(b);
    this.#state.clear();
  }
}

export function checkOption(
  optimizer: string,
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  what: string,
): void {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value))
    throw new RangeError(`${optimizer}: ${name} must be ${what}; got ${String(value)}`);
}
