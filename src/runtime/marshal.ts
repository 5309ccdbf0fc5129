// Moving arguments in and out of the module memory. Arrays already in it (WasmArray, or views of its buffer)
// are used in place; other arrays are copied into one block that the kernel then works on in place, so the
// copying path costs one block and two copies.
import { describeValue } from "../args.ts";
import type { ElementType, FloatArray, Input } from "../types.ts";
import { BYTES, type Heap } from "./heap.ts";
import { WasmArray } from "./wasm-array.ts";

/** A float array as a kernel sees it. */
export interface ArrayRef {
  readonly type: ElementType;
  readonly length: number;
  readonly ptr: number;
  /** The block is a private copy of the caller's data, free to be overwritten. */
  readonly scratch: boolean;
}

/** Where a kernel writes, and how the caller gets the result afterwards. */
export interface Destination {
  readonly ptr: number;
  finish(): FloatArray;
}

/** The blocks one call allocates, all released when it ends, whether it returns or throws. */
export class Call {
  readonly #blocks: number[] = [];
  constructor(readonly heap: Heap) {}

  alloc(bytes: number, what: string): number {
    const ptr = this.heap.alloc(bytes, what);
    this.#blocks.push(ptr);
    return ptr;
  }

  release(): void {
    for (const ptr of this.#blocks) this.heap.free(ptr);
    this.#blocks.length = 0;
  }
}

/** Runs `body` with a new call, whose blocks are freed when it returns or throws. */
export function withCall<R>(heap: Heap, body: (call: Call) => R): R {
  const call = new Call(heap);
  try {
    return body(call);
  } finally {
    call.release();
  }
}

export function elementType(array: FloatArray): ElementType {
  return array instanceof Float32Array ? "f32" : "f64";
}

export function marshalInput(call: Call, x: Input, name = "x"): ArrayRef {
  const heap = call.heap;
  if (x instanceof WasmArray) {
    if (x.heapOrThrow() !== heap) throw new TypeError(`${name} was allocated by another sparseproj module instance`);
    return { type: x.type, length: x.length, ptr: x.byteOffset, scratch: false };
  }
  if (x instanceof Float32Array || x instanceof Float64Array) {
    const type = elementType(x);
    if (heap.owns(x)) return { type, length: x.length, ptr: x.byteOffset, scratch: false };
    const ptr = call.alloc(x.length * BYTES[type], name);
    heap.view(type, ptr, x.length).set(x);
    return { type, length: x.length, ptr, scratch: true };
  }
  if (Array.isArray(x)) {
    const ptr = call.alloc(x.length * 8, name);
    const view = heap.view("f64", ptr, x.length);
    for (let i = 0; i < x.length; i++) {
      const value = x[i];
      if (typeof value !== "number") throw new TypeError(`${name}[${i}] must be a number; got ${describeValue(value)}`);
      view[i] = value;
    }
    return { type: "f64", length: x.length, ptr, scratch: true };
  }
  throw new TypeError(`${name} must be a Float32Array, Float64Array, number[] or WasmArray; got ${describeValue(x)}`);
}

/** The result goes to `out` when given (which may be x itself), else to a new array of x's type. */
export function marshalOutput(call: Call, input: ArrayRef, out: unknown, name = "options.out"): Destination {
  const heap = call.heap;
  const read = (ptr: number) => heap.view(input.type, ptr, input.length);
  if (out === undefined) {
    const ptr = input.scratch ? input.ptr : call.alloc(input.length * BYTES[input.type], name);
    return { ptr, finish: () => read(ptr).slice() };
  }
  const expected = input.type === "f32" ? "Float32Array" : "Float64Array";
  if (out instanceof WasmArray) {
    if (out.type !== input.type)
      throw new TypeError(`${name} must hold ${input.type} like x; got a WasmArray of ${out.type}`);
    if (out.heapOrThrow() !== heap) throw new TypeError(`${name} was allocated by another sparseproj module instance`);
    checkLength(out.length, input.length, name);
    checkAliasing(input, out.byteOffset, name);
    return { ptr: out.byteOffset, finish: () => out.array };
  }
  if (!(out instanceof Float32Array || out instanceof Float64Array) || elementType(out) !== input.type) {
    throw new TypeError(`${name} must be a ${expected} (the type of the result); got ${describeValue(out)}`);
  }
  checkLength(out.length, input.length, name);
  if (heap.owns(out)) {
    checkAliasing(input, out.byteOffset, name);
    return { ptr: out.byteOffset, finish: () => out };
  }
  const ptr = input.scratch ? input.ptr : call.alloc(input.length * BYTES[input.type], name);
  return {
    ptr,
    finish: () => {
      out.set(read(ptr));
      return out;
    },
  };
}

function checkLength(actual: number, expected: number, name: string): void {
  if (actual !== expected) throw new RangeError(`${name} has length ${actual} but x has length ${expected}`);
}

// Kernels may write over their own input (in place) but not over a shifted copy of it.
function checkAliasing(input: ArrayRef, outPtr: number, name: string): void {
  if (input.scratch || outPtr === input.ptr) return;
  const bytes = input.length * BYTES[input.type];
  if (outPtr < input.ptr + bytes && input.ptr < outPtr + bytes) {
    throw new RangeError(`${name} overlaps x without being x: use the same array for an in-place projection`);
  }
}
