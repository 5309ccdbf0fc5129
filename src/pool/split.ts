// Training on more than one thread: the large matrix products of a step split by rows of C, and convolutions by
// images (forward, input gradient) or by input channels (weight gradient), over workers that share the module memory,
// the calling thread taking the first part and blocking until the others are done. A band of rows is computed by
// matmulRows, which sums every element exactly as one call does, an image by the same kernels as on one thread, and a
// range of channels' weight gradient by one thread summing over the images in order: the bits do not depend on the
// split.
// Below MIN_SPLIT_FLOPS a product stays on the calling thread (a wake-up costs more than it saves).
import { adoptHeap, heapInUse, instantiate, type KernelVariant, kernelChoice } from "../runtime/engine.ts";
import type { Heap, ProductSplitter, RangeKernel } from "../runtime/heap.ts";
import { availableCores, threadSupport } from "./spawn.ts";
import type { KernelName } from "./control.ts";
import { Team } from "./team.ts";
import { threadsModule } from "./threads-module.ts";

/**
 * 2·m·n·k from which a product is split. One thread computes 2^21 flops in about 55 µs at the kernels' ~38 GFLOP/s,
 * so halving it saves ~27 µs, against a worker's wake-up of 5–20 µs (bench/threads.md: ~200 µs a pool call for a
 * dozen wake-ups): below it a split gains too little to be worth a blocked calling thread. bench/speed.mjs measures
 * the crossover ("Crossover"); its runs during this work, on a machine loaded 7–15× over, had 2 threads behind at
 * 2^21 and ahead from 4.7 Mflop, which a loaded machine (a worker not scheduled) would tilt that way.
 */
const MIN_SPLIT_FLOPS = 2 ** 21;

// The threads module's memory limits (asconfig.json, target threads).
const MEMORY_PAGES = { initial: 32, maximum: 65536 };

/** initThreads' options. */
export interface ThreadsOptions {
  /** Threads a product is split over, the calling thread included; default min(2, cores). */
  threads?: number;
  /** The kernel build, as in init(): "auto" (default), "simd" or "relaxed-simd". */
  kernels?: "auto" | KernelVariant;
  /** 2·m·n·k from which a product is split (default 2^21, measured); smaller ones stay on the calling thread. */
  minSplitFlops?: number;
}

/**
 * Splits products by rows (assembly/matmul.ts, matmulRows) and convolutions by images or input channels
 * (assembly/conv.ts) over a team of workers.
 */
export class RowSplitter implements ProductSplitter {
  minFlops = MIN_SPLIT_FLOPS;

  constructor(
    readonly heap: Heap,
    readonly team: Team,
  ) {}

  /** Threads a product is split over (the calling thread and the workers). */
  get threads(): number {
    return this.team.size + 1;
  }

  matmul(form: number, a: number, b: number, c: number, m: number, n: number, k: number, accumulate: number): boolean {
    const parts = this.#parts(2 * m * n * k, m);
    if (parts < 2) return false;
    // Bands of whole 4-row tiles where there are enough rows, so that no band ends in a partial tile.
    const unit = m >= 4 * parts ? 4 : 1;
    this.#run("matmulRows", parts, m, unit, (first, last) => [form, a, b, c, m, n, k, accumulate, first, last]);
    return true;
  }

  ranges(
    kernel: RangeKernel,
    count: number,
    flops: number,
    argsOf: (first: number, last: number, part: number) => number[],
    unit = 1,
  ): boolean {
    const parts = this.#parts(flops, count);
    if (parts < 2) return false;
    this.#run(kernel, parts, count, count >= unit * parts ? unit : 1, argsOf);
    return true;
  }

  #parts(flops: number, count: number): number {
    return flops < this.minFlops ? 1 : Math.min(this.threads, count);
  }

  // Part 0 on the calling thread, part p on worker p − 1; returns when all are done.
  #run(
    kernel: KernelName,
    parts: number,
    count: number,
    unit: number,
    argsOf: (f: number, l: number, p: number) => number[],
  ) {
    const bounds = Array.from({ length: parts + 1 }, (_, p) =>
      Math.min(count, Math.round((count * p) / parts / unit) * unit),
    );
    bounds[parts] = count;
    const posted: number[] = [];
    for (let p = 1; p < parts; p++) posted.push(this.team.post(p - 1, kernel, argsOf(bounds[p], bounds[p + 1], p)));
    // Every worker is waited for, even when this thread's part or another worker's fails: a worker still running
    // must not have its slot overwritten by the next call.
    let failure: unknown;
    try {
      (this.heap.exports[kernel] as (...args: number[]) => void)(...argsOf(bounds[0], bounds[1], 0));
    } catch (error) {
      failure = error;
    }
    for (let p = 1; p < parts; p++) {
      try {
        this.team.join(p - 1, posted[p - 1]);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

let warned = false;

/**
 * Loads the kernels on a shared memory and starts `threads − 1` workers, so that the large matrix products of
 * training (conv, dense layers) are split over `threads` threads, bit for bit the same results as one thread. Call
 * it once, before any tensor, projection or init(). Where threads cannot run (a page without cross-origin
 * isolation, a host without SharedArrayBuffer or workers) it loads the one-thread kernels, warns once, and
 * resolves to 1; otherwise to the number of threads.
 */
export async function initThreads(options: ThreadsOptions = {}): Promise<number> {
  if (options === null || typeof options !== "object")
    throw new TypeError("initThreads(options): options must be an object");
  const { threads = Math.min(2, await availableCores()), kernels = "auto", minSplitFlops = MIN_SPLIT_FLOPS } = options;
  if (typeof minSplitFlops !== "number" || !(minSplitFlops >= 0))
    throw new RangeError(
      `initThreads(options): options.minSplitFlops must be a number ≥ 0; got ${String(minSplitFlops)}`,
    );
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new RangeError(`initThreads(options): options.threads must be an integer from 1 to 64; got ${threads}`);
  const relaxed = kernelChoice(kernels, "initThreads(options)");
  if (heapInUse())
    throw new Error("initThreads(): the kernels are loaded already; call it first, before any tensor or init()");
  const support = threads > 1 ? await threadSupport() : "one thread was asked for";
  if (typeof support === "string") {
    if (threads > 1 && !warned) {
      warned = true;
      console.warn(`sparseproj: training runs on one thread: ${support}`);
    }
    await adoptHeap(relaxed);
    return 1;
  }
  const module = await threadsModule(relaxed);
  const memory = new WebAssembly.Memory({ ...MEMORY_PAGES, shared: true });
  const heap = instantiate(module, memory);
  const team = new Team(heap, module, memory, support, threads - 1);
  try {
    await team.ready();
  } catch (error) {
    team.close();
    throw error;
  }
  team.keepAlive(false);
  const splitter = new RowSplitter(heap, team);
  splitter.minFlops = minSplitFlops;
  heap.splitter = splitter;
  await adoptHeap(relaxed, heap);
  return threads;
}

/**
 * Stops initThreads' workers; training goes on, on the calling thread, with the same kernels and memory (and the
 * same bits). Deno has no way to let idle workers end with the program: call this there when done, as a pool's
 * close(). Does nothing without threads, and a second time.
 */
export function closeThreads(): void {
  const heap = heapInUse();
  const splitter = heap?.splitter;
  if (!(splitter instanceof RowSplitter)) return;
  heap!.splitter = undefined;
  splitter.team.close();
}
