import type { ElementType, FloatArray } from "../types.ts";
import type { Heap } from "./heap.ts";

/**
 * A float array living in the module's memory: projections read and write it in place, without copies.
 * Read it through `.array`: the view is re-created when the memory grows (a non-shared WebAssembly memory
 * detaches its old buffer on growth, so a view kept from before would be empty).
 */
export class WasmArray<A extends FloatArray = FloatArray> {
  #heap: Heap | undefined;
  #view: A | undefined;

  /** @internal */
  constructor(
    heap: Heap,
    readonly type: ElementType,
    readonly length: number,
    /** Byte offset of the first element in the module memory. */
    readonly byteOffset: number,
  ) {
    this.#heap = heap;
  }

  /** A typed-array view of the data; take it anew after other calls rather than keeping it. */
  get array(): A {
    const heap = this.heapOrThrow();
    if (this.#view === undefined || this.#view.buffer !== heap.buffer) {
      this.#view = heap.view(this.type, this.byteOffset, this.length) as A;
    }
    return this.#view;
  }

  get freed(): boolean {
    return this.#heap === undefined;
  }

  /** Returns the memory to the module; reading the array afterwards throws, freeing it again does nothing. */
  free(): void {
    const heap = this.#heap;
    if (heap === undefined) return;
    this.#heap = undefined;
    this.#view = undefined;
    heap.free(this.byteOffset);
  }

  /** @internal */
  heapOrThrow(): Heap {
    if (this.#heap === undefined) throw new TypeError("this WasmArray was freed");
    return this.#heap;
  }
}
