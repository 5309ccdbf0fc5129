// Where tensors live in the module memory, by lifetime:
// - inside `scope(fn)`: a bump arena. Every tensor an op makes during fn takes the next bytes of a chunk; when fn
//   returns, the arena rolls back to where fn began and the chunks are reused by the next step, so a training
//   loop allocates no module memory once its first step has run, and makes no garbage for the host's GC.
// - outside any scope: a block of its own, freed when the tensor is garbage-collected (convenient, not fast;
//   never freed where the host has no FinalizationRegistry, as in Cloudflare's workerd).
// - persistent (parameters, gradients, optimizer moments): until their owner releases them.
// A tensor read after its lifetime ended throws, naming the lifetime, instead of reading reused memory.
import { heap } from "../runtime/engine.ts";
import type { Heap } from "../runtime/heap.ts";

/** Whether the memory behind a buffer is still the buffer's, and what to say when it is not. */
export interface Lifetime {
  alive: boolean;
  readonly ended: string;
}

const FOREVER: Lifetime = { alive: true, ended: "" };
const ALIGN = 16;
const FIRST_CHUNK = 1 << 20;

interface Frame {
  readonly chunk: number;
  readonly offset: number;
  readonly lifetime: Lifetime;
}

class Arena {
  readonly #chunks: Array<{ ptr: number; bytes: number }> = [];
  #chunk = -1;
  #offset = 0;
  readonly #frames: Frame[] = [];

  constructor(readonly heap: Heap) {}

  get open(): Lifetime | undefined {
    return this.#frames.at(-1)?.lifetime;
  }

  enter(): Frame {
    const frame = {
      chunk: this.#chunk,
      offset: this.#offset,
      lifetime: { alive: true, ended: "it was made inside a scope() that has returned" },
    };
    this.#frames.push(frame);
    return frame;
  }

  exit(frame: Frame): void {
    if (this.#frames.at(-1) !== frame) throw new Error("scope(): scopes must end in the order they began");
    this.#frames.pop();
    frame.lifetime.alive = false;
    this.#chunk = frame.chunk;
    this.#offset = frame.offset;
  }

  alloc(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const current = this.#chunks[this.#chunk];
    if (current && this.#offset + size <= current.bytes) {
      const ptr = current.ptr + this.#offset;
      this.#offset += size;
      return ptr;
    }
    // Chunks past the current one are free (frames only mark earlier places): reuse the next if it fits, else
    // put a larger one in its place.
    const next = this.#chunks[this.#chunk + 1];
    if (!next || next.bytes < size) {
      const chunkBytes = Math.max(size, FIRST_CHUNK, 2 * (current?.bytes ?? 0));
      this.#chunks.splice(this.#chunk + 1, 0, {
        ptr: this.heap.alloc(chunkBytes, "a tensor in the step arena"),
        bytes: chunkBytes,
      });
    }
    this.#chunk += 1;
    this.#offset = size;
    return this.#chunks[this.#chunk].ptr;
  }

  /** Module memory held by the arena's chunks. */
  get bytes(): number {
    return this.#chunks.reduce((sum, c) => sum + c.bytes, 0);
  }
}

let arena: Arena | undefined;
function currentArena(): Arena {
  const h = heap();
  if (!arena || arena.heap !== h) arena = new Arena(h);
  return arena;
}

// Cloudflare's workerd has no FinalizationRegistry: there a tensor made outside any scope is never freed.
const collected =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<{ heap: Heap; ptr: number }>(({ heap, ptr }) => heap.free(ptr))
    : undefined;
let warnedUncollected = false;

/** A block of module memory for a tensor made now: in the open scope, or its own block outside any. */
export function allocTemporary(bytes: number, owner: object): { heap: Heap; ptr: number; lifetime: Lifetime } {
  const a = currentArena();
  const lifetime = a.open;
  if (lifetime) return { heap: a.heap, ptr: a.alloc(bytes), lifetime };
  const ptr = a.heap.alloc(Math.max(bytes, 1), "a tensor");
  if (collected) collected.register(owner, { heap: a.heap, ptr });
  else if (!warnedUncollected) {
    warnedUncollected = true;
    console.warn(
      "sparseproj: this host has no FinalizationRegistry, so tensors made outside scope() are never freed; " +
        "make per-request tensors inside scope(() => …)",
    );
  }
  return { heap: a.heap, ptr, lifetime: FOREVER };
}

/** A zero-filled block that lives until `release`; `ended` says what a later use means. */
export function allocPersistent(bytes: number, ended: string): { heap: Heap; ptr: number; lifetime: Lifetime } {
  const h = heap();
  const ptr = h.alloc(Math.max(bytes, 1), "a parameter");
  new Uint8Array(h.buffer, ptr, bytes).fill(0);
  return { heap: h, ptr, lifetime: { alive: true, ended } };
}

/** Module memory the step arena holds (reused from step to step). */
export function arenaBytes(): number {
  return arena?.bytes ?? 0;
}

/**
 * Runs `fn` with a fresh step arena: every tensor made inside lives until `fn` returns, then its memory is
 * reused. Wrap each training step (forward, backward, optimizer step) in one; copy out what must outlive it
 * with `tensor.item()` or `tensor.toArray()`. Scopes nest; `fn` must be synchronous.
 */
export function scope<R>(fn: () => R): R {
  if (typeof fn !== "function") throw new TypeError("scope(fn): fn must be a function");
  const a = currentArena();
  const frame = a.enter();
  try {
    const result = fn();
    if (result && typeof (result as { then?: unknown }).then === "function") {
      throw new TypeError(
        "scope(fn): fn returned a Promise; a scope's tensors die when it returns, so fn must be synchronous",
      );
    }
    if ((result as { lifetime?: unknown } | undefined)?.lifetime === frame.lifetime) {
      throw new TypeError(
        "scope(fn): fn returned a tensor made inside the scope, whose memory is reused when it returns: " +
          "return tensor.toArray() or tensor.item()",
      );
    }
    return result;
  } finally {
    a.exit(frame);
  }
}
