import type { ElementType, FloatArray } from "../types.ts";
import { WasmArray } from "./wasm-array.ts";

/** The exports of sparseproj.simd.wasm / sparseproj.threads.wasm (see assembly/index.ts). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  release(ptr: number): void;
  copyBytes(dst: number, src: number, bytes: number): void;
  [kernel: string]: unknown;
}

/** The largest block the module's TLSF allocator hands out (2^30 bytes less its block header). */
export const MAX_BLOCK_BYTES = 2 ** 30 - 16;

export const BYTES: Record<ElementType, number> = { f32: 4, f64: 8 };

/** The kernels a splitter runs over ranges (of images, input channels or elements). */
export type RangeKernel =
  | "convForward"
  | "convForwardDirect"
  | "convInputGrad"
  | "convWeightGrad"
  | "convWeightGradDirect"
  | "adamStep"
  | "unary"
  | "unaryGrad";

/** Splits a step's large kernels over threads (src/pool/split.ts); false when too small to, and the caller runs it. */
export interface ProductSplitter {
  /** Threads a job is split over, the calling thread included. */
  readonly threads: number;
  /** C = op(A)·op(B) by bands of rows; form 0 = NN, 1 = TN, 2 = NT. */
  matmul(form: number, a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number): boolean;
  /**
   * A kernel over [0, count) by ranges: of images (convolution forward, input gradient), of input channels
   * (convolution weight gradient) or of elements (Adam, elementwise functions); `flops` is the work in product flops (the crossover's unit);
   * argsOf gives part p's arguments. Parts start on multiples of `unit` (default 1) where every part can have one.
   */
  ranges(
    kernel: RangeKernel,
    count: number,
    flops: number,
    argsOf: (first: number, last: number, part: number) => number[],
    unit?: number,
  ): boolean;
}

/** The module memory as seen from TypeScript: allocation, and views that follow memory growth. */
export class Heap {
  readonly #sizes = new Map<number, number>();
  #inUse = 0;
  #peak = 0;

  /** Set when the memory is shared with workers that take bands of the matrix products (initThreads). */
  splitter: ProductSplitter | undefined;

  constructor(readonly exports: KernelExports) {}

  /** Bytes allocated through this heap and not yet freed, and their high-water mark since resetPeak(). */
  get usage(): { inUse: number; peak: number } {
    return { inUse: this.#inUse, peak: this.#peak };
  }

  resetPeak(): void {
    this.#peak = this.#inUse;
  }

  get buffer(): ArrayBufferLike {
    return this.exports.memory.buffer;
  }

  /** A block of at least `bytes` bytes, 16-byte aligned; `what` names the argument in errors. */
  alloc(bytes: number, what: string): number {
    if (bytes > MAX_BLOCK_BYTES) {
      throw new RangeError(
        `${what} needs ${bytes} bytes of WebAssembly memory; one block holds at most ${MAX_BLOCK_BYTES} bytes`,
      );
    }
    try {
      // An i32 result: past 2 GiB of memory the address reads as negative. Unsigned, it is a valid view offset, and
      // ToInt32 gives wasm the same bits back.
      const ptr = this.exports.alloc(Math.max(bytes, 16)) >>> 0;
      this.#sizes.set(ptr, bytes);
      this.#inUse += bytes;
      this.#peak = Math.max(this.#peak, this.#inUse);
      return ptr;
    } catch (cause) {
      // The allocator traps, leaving its state intact, when memory.grow fails.
      throw new RangeError(`${what} needs ${bytes} bytes and the WebAssembly memory cannot grow that far`, { cause });
    }
  }

  /** Returns a block; a pointer this heap did not hand out, or handed out and took back, is refused. */
  free(ptr: number): void {
    const bytes = this.#sizes.get(ptr);
    // Releasing a block twice corrupts the allocator's free lists: later blocks would overlap live data.
    if (bytes === undefined) throw new Error(`sparseproj: memory at ${ptr} is not an allocated block (freed twice?)`);
    this.#inUse -= bytes;
    this.#sizes.delete(ptr);
    this.exports.release(ptr);
  }

  view(type: ElementType, byteOffset: number, length: number): FloatArray {
    return type === "f32"
      ? new Float32Array(this.buffer, byteOffset, length)
      : new Float64Array(this.buffer, byteOffset, length);
  }

  allocate(length: number, type: ElementType): WasmArray {
    if (!Number.isSafeInteger(length) || length < 0)
      throw new RangeError(`length must be a non-negative integer; got ${length}`);
    if (type !== "f32" && type !== "f64") throw new TypeError(`type must be 'f32' or 'f64'; got ${String(type)}`);
    const ptr = this.alloc(length * BYTES[type], "allocate(length)");
    return new WasmArray(this, type, length, ptr);
  }

  /** Whether a typed array is a view into this module's memory (and so needs no copy). */
  owns(array: FloatArray): boolean {
    return array.buffer === this.buffer;
  }
}
