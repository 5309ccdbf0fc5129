// Module: named parameters found by walking the object's own fields (PyTorch's attribute registration), the
// train/eval flag, and state dicts as plain JSON-able objects with PyTorch's dotted keys.
import type { Tensor } from "../autograd/tensor.ts";
import { formatShape } from "../autograd/tensor.ts";
import { describeValue } from "../args.ts";
import { Parameter } from "./parameter.ts";

/** A parameter's values, or a mask (key `<name>_mask`, PyTorch's pruning buffer), as plain numbers. */
export interface StateEntry {
  shape: number[];
  data: number[];
}
/** A module's parameters and masks by PyTorch's dotted key ("encoder.0.weight"), as stateDict() gives them. */
export type StateDict = Record<string, StateEntry>;

/**
 * A layer or model (PyTorch's nn.Module): its parameters are the Parameter fields of the object and of its Module
 * fields, found by walking them, so a subclass only assigns its layers and weights and writes forward().
 */
export abstract class Module {
  /** Whether the module is in training mode (train()) or evaluation mode (eval()). */
  training = true;

  /** The module's output for `inputs`, recorded for backward() when a parameter or input requires a gradient. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Direct submodules, by field name, in the order they were assigned. */
  namedChildren(): Array<[string, Module]> {
    return Object.entries(this).filter((entry): entry is [string, Module] => entry[1] instanceof Module);
  }

  /** Every parameter of this module and its submodules, keyed like PyTorch ("0.weight", "encoder.2.bias"). */
  namedParameters(prefix = ""): Array<[string, Parameter]> {
    const own = Object.entries(this).filter((entry): entry is [string, Parameter] => entry[1] instanceof Parameter);
    const result = own.map(([name, p]): [string, Parameter] => [prefix + name, p]);
    for (const [name, child] of this.namedChildren())
      for (const p of child.namedParameters(`${prefix}${name}.`)) result.push(p);
    return result;
  }

  /** Every parameter of this module and its submodules, in namedParameters()' order (what an optimizer takes). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.namedChildren()) child.train(mode);
    return this;
  }

  /** Sets evaluation mode here and in every submodule: train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Copies of every parameter's values, and of every mask as `<name>_mask`. */
  stateDict(): StateDict {
    const state: StateDict = {};
    for (const [name, p] of this.namedParameters()) {
      state[name] = { shape: [...p.shape], data: Array.from(p.data) };
      const mask = p.mask;
      if (mask) state[`${name}_mask`] = { shape: [...p.shape], data: Array.from(mask) };
    }
    return state;
  }

  /**
   * Loads values (and masks) saved by stateDict(). With strict (default), a missing or unexpected key is an
   * error; otherwise they are returned. Shapes must match; nothing is written unless everything checks.
   */
  loadStateDict(
    state: StateDict,
    options: { strict?: boolean } = {},
  ): { missingKeys: string[]; unexpectedKeys: string[] } {
    if (state === null || typeof state !== "object")
      throw new TypeError("loadStateDict: state must be an object from stateDict()");
    const { strict = true } = options;
    const params = new Map(this.namedParameters());
    // Own keys only: `in` would find "constructor" and the like on every object's prototype.
    const missingKeys = [...params.keys()].filter((name) => !Object.hasOwn(state, name));
    const unexpectedKeys = Object.keys(state).filter(
      (key) => !params.has(key) && !(key.endsWith("_mask") && params.has(key.slice(0, -5))),
    );
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      throw new RangeError(
        `loadStateDict: missing keys [${missingKeys.join(", ")}], unexpected keys [${unexpectedKeys.join(", ")}]`,
      );
    }
    const writes: Array<() => void> = [];
    for (const [name, p] of params) {
      if (!Object.hasOwn(state, name)) continue;
      const entry = state[name];
      checkEntry(name, entry, p);
      const mask = Object.hasOwn(state, `${name}_mask`) ? state[`${name}_mask`] : undefined;
      if (mask !== undefined) checkEntry(`${name}_mask`, mask, p);
      writes.push(() => {
        p.data.set(entry.data);
        p.setMask(mask ? mask.data : null);
      });
    }
    for (const write of writes) write();
    return { missingKeys, unexpectedKeys };
  }

  /** Releases every parameter's memory; the module must not be used afterwards. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}

function checkEntry(name: string, entry: StateEntry, p: Parameter): void {
  if (!entry || !Array.isArray(entry.shape) || !Array.isArray(entry.data))
    throw new TypeError(`loadStateDict: ${name} must be { shape, data } with number arrays`);
  if (entry.shape.join() !== p.shape.join() || entry.data.length !== p.size) {
    throw new RangeError(
      `loadStateDict: ${name} has shape ${formatShape(entry.shape)} (${entry.data.length} values) ` +
        `but the parameter has shape ${formatShape(p.shape)}`,
    );
  }
  // A float32 parameter would store a finite float64 beyond ±3.4e38 as ±Infinity.
  const f32 = p.data instanceof Float32Array;
  entry.data.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(f32 ? Math.fround(v) : v)) {
      const [value, range] = [typeof v === "number" ? v : describeValue(v), f32 ? " in float32" : ""];
      throw new RangeError(`loadStateDict: ${name}.data[${i}] is ${value}; values must be finite numbers${range}`);
    }
  });
}
