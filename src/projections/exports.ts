// Typed access to the module's kernels, and the one way their failures become errors.
import type { Heap } from "../runtime/heap.ts";
import type { ArrayRef } from "../runtime/marshal.ts";
import type { ElementType } from "../types.ts";

type Kernel = (...args: number[]) => number;

export function kernel(heap: Heap, name: string, type?: ElementType): Kernel {
  return heap.exports[type ? `${name}_${type}` : name] as Kernel;
}

/** A kernel reported NaN/±Infinity: name the first culprit, or say that finite data overflowed a norm. */
export function throwNonFinite(heap: Heap, input: ArrayRef, name = "x"): never {
  const index = kernel(heap, "firstNonFinite", input.type)(input.ptr, input.length);
  if (index >= 0) {
    const value = heap.view(input.type, input.ptr, input.length)[index];
    throw new RangeError(`${name}[${index}] is ${value}: the data must be finite (no NaN or ±Infinity)`);
  }
  throw new RangeError(
    `${name}: values too large, a norm of the data overflows ${input.type === "f32" ? "float32" : "float64"}`,
  );
}
