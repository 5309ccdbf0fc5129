import { heap } from "../runtime/engine.ts";
import type { ElementType } from "../types.ts";
import { WasmArray } from "../runtime/wasm-array.ts";

/** An array in the module memory: projections read and write it without copying. Release it with `free`. */
export function allocate(length: number, type: "f32"): WasmArray<Float32Array>;
export function allocate(length: number, type?: "f64"): WasmArray<Float64Array>;
export function allocate(length: number, type: ElementType = "f64"): WasmArray {
  return heap().allocate(length, type);
}

/** Returns an array from `allocate` to the module memory: reading it afterwards throws; freeing it again is a no-op. */
export function free(array: WasmArray): void {
  if (!(array instanceof WasmArray)) throw new TypeError("free(array): array must be a WasmArray from allocate()");
  array.free();
}
