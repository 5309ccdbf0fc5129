// Structured sparsity delivered: a chain of Linear / Conv2d layers rebuilt without the inputs, hidden units and
// channels its weights no longer use (Torch-Pruning's dependency-graph removal, for a plain chain). A hidden unit goes
// when nothing reads it (its outgoing weights are all zero) or when nothing feeds it (its incoming weights are all
// zero): then it outputs the constant act(bias), which is added to the next layer's bias instead — exact for a Linear
// layer and for an unpadded convolution, whose every window sees the constant; a padded one sees zeros at the borders,
// so there such a unit goes only if its constant is 0 (ReLU of a masked bias). Removing one unit can strand another,
// so the passes repeat until nothing changes.
import { scope } from "../autograd/arena.ts";
import { noGrad, tensor } from "../autograd/tensor.ts";
import { Generator } from "../random.ts";
import { Conv2d, UpsampleNearest } from "./conv.ts";
import { Linear, ReLU, Sequential, Sigmoid, SiLU, Tanh } from "./layers.ts";
import type { Module } from "./module.ts";
import type { Parameter } from "./parameter.ts";

/** What compact keeps at either end of the chain. */
export interface CompactOptions {
  /**
   * The first layer's inputs: 'used' (default) keeps those some weight reads; 'all' keeps every one; a list of
   * indices keeps only those, less any that no weight reads.
   */
  inputs?: "used" | "all" | readonly number[];
  /** The last layer's outputs: 'all' (default) or the indices to keep, ascending. */
  outputs?: "all" | readonly number[];
}

/** A compacted chain and what was removed. */
export interface Compacted {
  /** The new chain: fresh layers with copies of the kept weights (and masks); the original is unchanged. */
  module: Sequential;
  /** The original indices of the inputs kept (features, or input channels). */
  inputs: number[];
  /** Per Linear / Conv2d layer, in order: the original indices of the outputs (units, filters) it kept. */
  kept: number[][];
  /** False when nothing was removed: the new chain computes exactly what the old one does. */
  changed: boolean;
  /** Weights and biases before and after. */
  parameters: { before: number; after: number };
}

type Weighted = Linear | Conv2d;
const ELEMENTWISE = [ReLU, SiLU, Tanh, Sigmoid];

interface Layer {
  module: Weighted;
  /** The Sequential index of the layer. */
  index: number;
  outputs: number;
  inputs: number;
  /** Kernel entries per (output, input) pair: kh·kw, or 1 for Linear. */
  window: number;
  weight: Float64Array;
  bias: Float64Array | null;
  /** The elementwise activations after this layer (before the next one), in order; upsampling skipped. */
  after: Module[];
}

function readChain(model: Sequential): Layer[] {
  if (!(model instanceof Sequential)) throw new TypeError("compact: model must be an nn.Sequential");
  const layers: Layer[] = [];
  for (let i = 0; i < model.length; i++) {
    const m = model.at(i);
    if (m instanceof Linear || m instanceof Conv2d) {
      const [outputs, inputs] = m.weight.shape;
      const previous = layers[layers.length - 1];
      if (previous && previous.outputs !== inputs) {
        throw new RangeError(
          `compact: layer ${i} reads ${inputs} inputs but layer ${previous.index} makes ${previous.outputs}`,
        );
      }
      if (m instanceof Conv2d && previous?.module instanceof Linear) {
        throw new TypeError(`compact: layer ${i} is a Conv2d after a Linear layer; only Linear → Linear chains mix`);
      }
      const window = m.weight.size / (outputs * inputs);
      const bias = m.bias ? Float64Array.from(m.bias.data) : null;
      layers.push({
        module: m,
        index: i,
        outputs,
        inputs,
        window,
        weight: Float64Array.from(m.weight.data),
        bias,
        after: [],
      });
    } else if (ELEMENTWISE.some((kind) => m instanceof kind)) {
      layers[layers.length - 1]?.after.push(m);
    } else if (!(m instanceof UpsampleNearest)) {
      const name = (m as object)?.constructor?.name ?? typeof m;
      throw new TypeError(
        `compact: layer ${i} is a ${name}; the chain may hold Linear, Conv2d, ReLU, SiLU, Tanh, Sigmoid and ` +
          "UpsampleNearest (layers that act on each unit or channel alone)",
      );
    }
  }
  if (!layers.length) throw new RangeError("compact: the model has no Linear or Conv2d layer");
  return layers;
}

function indexList(value: readonly number[], size: number, what: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`compact: options.${what} must be 'all' or a list of indices`);
  let last = -1;
  return value.map((v, i) => {
    if (!Number.isSafeInteger(v) || v <= last || v >= size) {
      throw new RangeError(`compact: options.${what}[${i}] is ${v}; indices ascend, below ${size}`);
    }
    return (last = v);
  });
}

/** The constants act(b) that units with no input output, through a layer's activations (in float32, as the net). */
function constants(layer: Layer, units: number[]): Float64Array {
  const b = Float32Array.from(units, (u) => layer.bias?.[u] ?? 0);
  if (!layer.after.length || !units.length) return Float64Array.from(b);
  return scope(() =>
    noGrad(() => {
      let t = tensor(b, [1, b.length]);
      for (const m of layer.after) t = m.forward(t);
      return Float64Array.from(t.data);
    }),
  );
}

/** Whether weights of `layer` from input `i` are zero for every output in `outputs`. */
function inputUnused(layer: Layer, i: number, outputs: Set<number>): boolean {
  const { weight, inputs, window } = layer;
  for (const o of outputs) {
    const start = (o * inputs + i) * window;
    for (let k = 0; k < window; k++) if (weight[start + k] !== 0) return false;
  }
  return true;
}

/** Whether every weight into output `o` of `layer` from `inputs` is zero. */
function outputUnfed(layer: Layer, o: number, inputs: Set<number>): boolean {
  const { weight, window } = layer;
  for (const i of inputs) {
    const start = (o * layer.inputs + i) * window;
    for (let k = 0; k < window; k++) if (weight[start + k] !== 0) return false;
  }
  return true;
}

function newLayer(layer: Layer, inputs: number[], outputs: number[]): Weighted {
  const m = layer.module;
  const generator = new Generator(0); // overwritten below; the global generator's stream stays untouched
  const dtype = m.weight.dtype;
  const options = { bias: m.bias !== null, dtype, generator };
  const made =
    m instanceof Linear
      ? new Linear(inputs.length, outputs.length, options)
      : new Conv2d(inputs.length, outputs.length, m.kernelSize, { ...options, stride: m.stride, padding: m.padding });
  const { window } = layer;
  const copyWeight = (from: ArrayLike<number>) => {
    const to = new Float64Array(outputs.length * inputs.length * window);
    outputs.forEach((o, r) =>
      inputs.forEach((i, c) => {
        for (let k = 0; k < window; k++)
          to[(r * inputs.length + c) * window + k] = from[(o * layer.inputs + i) * window + k];
      }),
    );
    return to;
  };
  made.weight.data.set(copyWeight(layer.weight));
  const mask = m.weight.mask;
  if (mask) made.weight.setMask(copyWeight(mask));
  if (m.weight.constraint) made.weight.setConstraint(m.weight.constraint);
  if (made.bias && layer.bias) {
    const bias = layer.bias;
    made.bias.data.set(outputs.map((o) => bias[o]));
    const biasMask = m.bias?.mask;
    if (biasMask) made.bias.setMask(outputs.map((o) => biasMask[o]));
    if (m.bias?.constraint) made.bias.setConstraint(m.bias.constraint);
  }
  return made;
}

/**
 * A copy of a Linear or Conv2d layer that reads only the inputs `inputs` (weights, bias, masks and constraints
 * copied). @internal
 */
export function keepInputs<T extends Linear | Conv2d>(layer: T, inputs: readonly number[]): T {
  const [read] = readChain(new Sequential(layer));
  indexList(inputs, read.inputs, "inputs");
  return newLayer(
    read,
    [...inputs],
    Array.from({ length: read.outputs }, (_, o) => o),
  ) as T;
}

const parameterCount = (ps: Parameter[]) => ps.reduce((sum, p) => sum + p.size, 0);

/**
 * A copy of a chain of Linear / Conv2d layers (with ReLU, SiLU, Tanh, Sigmoid or UpsampleNearest between them)
 * without what its weights no longer use: the inputs no weight reads, the hidden units or filters whose outgoing
 * weights are all zero (with their incoming weights and bias), and those whose incoming weights are all zero (their
 * constant output folded into the next layer's bias where that is exact). Its outputs equal the original's to float32
 * rounding, on the kept inputs. Masks and constraints are carried over; the original is not modified.
 */
export function compact(model: Sequential, options: CompactOptions = {}): Compacted {
  const layers = readChain(model);
  const first = layers[0],
    last = layers[layers.length - 1];
  const { inputs: inputsOption = "used", outputs: outputsOption = "all" } = options;
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const fixedInputs = inputsOption === "all";
  if (inputsOption !== "used" && inputsOption !== "all") indexList(inputsOption, first.inputs, "inputs");
  const inputs = new Set(typeof inputsOption === "string" ? all(first.inputs) : inputsOption);
  const outputs = outputsOption === "all" ? all(last.outputs) : indexList(outputsOption, last.outputs, "outputs");
  // kept[l]: the outputs of layer l still present; the inputs of layer l + 1 are the same set.
  const kept = layers.map((layer, l) => new Set(l === layers.length - 1 ? outputs : all(layer.outputs)));
  let folded = false;
  for (let changed = true; changed; ) {
    changed = false;
    if (!fixedInputs) {
      for (const i of inputs) {
        if (inputs.size > 1 && inputUnused(first, i, kept[0])) {
          inputs.delete(i);
          changed = true;
        }
      }
    }
    for (let l = 0; l + 1 < layers.length; l++) {
      const [layer, next] = [layers[l], layers[l + 1]];
      const fedBy = l === 0 ? inputs : kept[l - 1];
      const unfed: number[] = [];
      for (const u of kept[l]) {
        if (kept[l].size === 1) break;
        if (inputUnused(next, u, kept[l + 1])) {
          kept[l].delete(u);
          changed = true;
        } else if (outputUnfed(layer, u, fedBy)) unfed.push(u);
      }
      if (!unfed.length) continue;
      const values = constants(layer, unfed);
      const foldable = next.module instanceof Linear || next.module.padding === 0;
      unfed.forEach((u, k) => {
        const c = values[k];
        if (kept[l].size === 1 || (c !== 0 && (!foldable || !next.bias))) return;
        if (c !== 0 && next.bias) {
          for (const o of kept[l + 1]) {
            let sum = 0;
            for (let w = 0; w < next.window; w++) sum += next.weight[(o * next.inputs + u) * next.window + w];
            next.bias[o] += c * sum;
          }
          folded = true;
        }
        kept[l].delete(u);
        changed = true;
      });
    }
  }
  const inputList = [...inputs].sort((a, b) => a - b);
  const keptLists = kept.map((set) => [...set].sort((a, b) => a - b));
  const made = new Map<number, Weighted>();
  layers.forEach((layer, l) => made.set(layer.index, newLayer(layer, l ? keptLists[l - 1] : inputList, keptLists[l])));
  const modules: Module[] = [];
  for (let i = 0; i < model.length; i++) {
    const m = model.at(i);
    const rebuilt = made.get(i);
    if (rebuilt) modules.push(rebuilt);
    else if (m instanceof UpsampleNearest) modules.push(new UpsampleNearest(m.scale));
    else modules.push(new (m.constructor as new () => Module)());
  }
  const module = new Sequential(...modules);
  module.train(model.training);
  const removed = inputList.length < first.inputs || keptLists.some((k, l) => k.length < layers[l].outputs);
  return {
    module,
    inputs: inputList,
    kept: keptLists,
    changed: removed || folded,
    parameters: { before: parameterCount(model.parameters()), after: parameterCount(module.parameters()) },
  };
}
