// Projection of a vector onto the weighted ℓ1 ball {Σ w_i |x_i| ≤ η}.
import { checkOptions, checkRadius } from "../args.ts";
import { heap as defaultHeap } from "../runtime/engine.ts";
import { BYTES, type Heap } from "../runtime/heap.ts";
import { type Call, type ArrayRef, withCall, marshalInput, marshalOutput } from "../runtime/marshal.ts";
import type { Input, ProjectionOptions, ResultOf } from "../types.ts";
import { kernel, throwNonFinite } from "./exports.ts";

/**
 * The weights as the kernel reads them: x's float type and length. A number[] is converted to that type;
 * typed arrays and WasmArrays must already hold it (used in place when they live in module memory).
 */
function marshalWeights(call: Call, weights: unknown, x: ArrayRef): ArrayRef {
  let w = marshalInput(call, weights as Input, "weights");
  if (Array.isArray(weights) && x.type === "f32") {
    const ptr = call.alloc(w.length * BYTES.f32, "weights");
    call.heap.view("f32", ptr, w.length).set(call.heap.view("f64", w.ptr, w.length));
    w = { type: "f32", length: w.length, ptr, scratch: true };
  }
  if (w.type !== x.type) throw new TypeError(`weights must hold ${x.type} like x; got ${w.type} values`);
  if (w.length !== x.length) throw new RangeError(`weights has length ${w.length} but x has length ${x.length}`);
  return w;
}

/** The kernel refused the input: name the first bad weight, else the data's first NaN/±Infinity. */
function throwBadInput(heap: Heap, x: ArrayRef, w: ArrayRef): never {
  const values = heap.view(w.type, w.ptr, w.length);
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0 && values[i] < Infinity))
      throw new RangeError(`weights[${i}] is ${values[i]}; weights must be positive and finite`);
  }
  throwNonFinite(heap, x);
}

/** The kernel reads the weights while it writes out: they must not share memory (x may). */
function checkApart(outPtr: number, w: ArrayRef): void {
  const bytes = w.length * BYTES[w.type];
  if (!w.scratch && outPtr < w.ptr + bytes && w.ptr < outPtr + bytes) {
    throw new RangeError("options.out overlaps weights: the weights are read while the result is written");
  }
}

export function weightedL1Ball(heap: Heap, x: Input, weights: unknown, radius: unknown, options: unknown) {
  const eta = checkRadius(radius);
  const { out } = checkOptions<ProjectionOptions>(options);
  return withCall(heap, (call) => {
    const input = marshalInput(call, x);
    const w = marshalWeights(call, weights, input);
    const dest = marshalOutput(call, input, out);
    checkApart(dest.ptr, w);
    // The candidate pairs (|y_i|, w_i) of the pivoting: 2n values.
    const aux = call.alloc(2 * input.length * BYTES[input.type], "scratch for x");
    if (kernel(heap, "weightedL1Ball", input.type)(input.ptr, w.ptr, input.length, eta, dest.ptr, aux) !== 0)
      throwBadInput(heap, input, w);
    return dest.finish();
  });
}

/**
 * Euclidean projection onto the weighted ℓ1 ball {Σ w_i |x_i| ≤ radius}, w_i > 0:
 * sign(y_i)·max(|y_i| − τ·w_i, 0); y itself when inside. `weights` has x's length and float type
 * (a number[] is converted to it).
 */
export function projectWeightedL1Ball<X extends Input>(
  x: X,
  weights: Input,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
): ResultOf<X> {
  return weightedL1Ball(defaultHeap(), x, weights, radius, options) as ResultOf<X>;
}
