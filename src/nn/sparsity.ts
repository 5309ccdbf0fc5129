// What structured sparsity frees in a layer, counted as a deployment saves it: whole input channels (or features)
// and whole output filters (or units) that are zero can be deleted, with their multiply-accumulates — scattered
// zeros save nothing on dense hardware.
import { formatShape } from "../autograd/tensor.ts";
import type { Parameter } from "./parameter.ts";

/** What layerSparsity finds in a weight: its all-zero inputs and outputs, and what deleting them saves. */
export interface LayerSparsity {
  /** Input channels (Conv2d) or input features (Linear) whose weights are all zero. */
  zeroInputs: number[];
  /** Output filters (Conv2d) or units (Linear) whose weights are all zero. */
  zeroOutputs: number[];
  inputs: number;
  outputs: number;
  /** Weights before and after deleting the zero inputs and outputs (bias entries of deleted outputs included). */
  parameters: { before: number; after: number };
  /** Multiply-accumulates per sample: kh·kw·outputs·inputs·H_out·W_out (1 × 1 for Linear), before and after. */
  macs: { before: number; after: number };
}

/**
 * The zero input channels and output filters of a weight [O, I, kh, kw] (or [O, I] for Linear), and the parameters and
 * multiply-accumulates that deleting them saves, for an output of `outputSize` = [H_out, W_out] ([1, 1] for Linear).
 */
export function layerSparsity(
  weight: Parameter,
  options: { bias?: boolean; outputSize?: [number, number] } = {},
): LayerSparsity {
  const shape = weight.shape;
  if (shape.length !== 2 && shape.length !== 4)
    throw new RangeError(`layerSparsity: weight ${formatShape(shape)} must be [out, in] or [out, in, kh, kw]`);
  const [outputs, inputs] = shape;
  const window = shape.length === 4 ? shape[2] * shape[3] : 1;
  const [hOut, wOut] = options.outputSize ?? [1, 1];
  const data = weight.data;
  const inputUsed = new Uint8Array(inputs),
    outputUsed = new Uint8Array(outputs);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) {
      const start = (o * inputs + i) * window;
      for (let k = 0; k < window; k++) {
        if (data[start + k] !== 0) {
          inputUsed[i] = outputUsed[o] = 1;
          break;
        }
      }
    }
  }
  const zeroInputs = [...inputUsed.keys()].filter((i) => !inputUsed[i]);
  const zeroOutputs = [...outputUsed.keys()].filter((o) => !outputUsed[o]);
  const keptIn = inputs - zeroInputs.length,
    keptOut = outputs - zeroOutputs.length;
  const bias = options.bias ?? false;
  return {
    zeroInputs,
    zeroOutputs,
    inputs,
    outputs,
    parameters: {
      before: window * outputs * inputs + (bias ? outputs : 0),
      after: window * keptOut * keptIn + (bias ? keptOut : 0),
    },
    macs: { before: window * outputs * inputs * hOut * wOut, after: window * keptOut * keptIn * hOut * wOut },
  };
}
