// createPool: the package's projections and norms as Promises, the matrix ones split over workers that share one
// WebAssembly memory. Where threads cannot run, the same object computes on the calling thread.
import { checkKind, checkOptions, describeValue } from "../args.ts";
import { bilevel, groupedLayout, groupNorm, matrixLayout, type Layout } from "../projections/bilevel.ts";
import { projectL1InfWith } from "../projections/exact.ts";
import { BILEVEL_ENTRIES, type BilevelEntry, VECTOR_BALLS } from "../projections/registry.ts";
import { projectVector } from "../projections/vector.ts";
import { heap as defaultHeap, init, instantiate } from "../runtime/engine.ts";
import type { Heap } from "../runtime/heap.ts";
import type { WasmArray } from "../runtime/wasm-array.ts";
import type {
  ElementType,
  FloatArray,
  GroupedShape,
  GroupNormKind,
  Input,
  MatrixOptions,
  NormOptions,
  ProjectionOptions,
  ResultOf,
} from "../types.ts";
import { bilevelOnTeam, groupNormOnTeam, l1InfOnTeam } from "./parallel.ts";
import { defaultThreads, threadSupport } from "./spawn.ts";
import { type Sabotage, Team } from "./team.ts";
import { threadsModule } from "./threads-module.ts";

/**
 * Matrices with fewer elements than this (about 1000×1000) are projected on the calling thread: below it the
 * two wake-ups of the workers per call (tens of µs each) cost more than splitting the passes saves.
 * Measured in bench/threads.md ("Crossover").
 */
const MIN_PARALLEL_ELEMENTS = 1 << 20;

/**
 * The exact ℓ1,∞ projection costs 7–19× the bilevel one per element but takes a round of wake-ups per Newton
 * step (about ten): two workers first beat the calling thread at about 512×512, hence 2^18. Measured in
 * bench/threads.md ("Crossover, exact ℓ1,∞").
 */
const MIN_PARALLEL_EXACT_ELEMENTS = 1 << 18;

// The pool's memory: the threads module's declared limits (asconfig.json, target threads).
const MEMORY_PAGES = { initial: 32, maximum: 65536 };

/** createPool's options. */
export interface PoolOptions {
  /** Worker threads; default min(4, ⌈cores / 2⌉). */
  threads?: number;
}

/**
 * A vector ball's method: the package's function of that name, as a Promise.
 * @inline
 */
type PooledVectorProjection = <X extends Input>(
  x: X,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
) => Promise<ResultOf<X>>;
/**
 * A bilevel matrix projection's method (split over the workers for large matrices).
 * @inline
 */
type PooledMatrixProjection = <X extends Input>(
  x: X,
  rows: number,
  cols: number,
  radius: number,
  options?: MatrixOptions<ResultOf<X>>,
) => Promise<ResultOf<X>>;
/**
 * A bilevel grouped projection's method: x seen as [outer, groups, inner], split over outer blocks (or groups).
 * @inline
 */
type PooledGroupedProjection = <X extends Input>(
  x: X,
  shape: GroupedShape,
  radius: number,
  options?: ProjectionOptions<ResultOf<X>>,
) => Promise<ResultOf<X>>;
/**
 * A bilevel projection's norm method (split over the workers for large matrices).
 * @inline
 */
type PooledMatrixNorm = (x: Input, rows: number, cols: number, options?: NormOptions) => Promise<number>;

/**
 * The methods made from the registry (src/projections/registry.ts): one per vector ball, and per bilevel projection
 * its matrix, grouped and norm functions, each named and called as the package's function of that name.
 */
export type PoolProjections = { readonly [M in keyof typeof VECTOR_BALLS]: PooledVectorProjection } & {
  readonly [M in BilevelEntry["matrix"]]: PooledMatrixProjection;
} & { readonly [M in BilevelEntry["grouped"]]: PooledGroupedProjection } & {
  readonly [M in BilevelEntry["norm"]]: PooledMatrixNorm;
};

/**
 * The projections and norms of the package, each returning a Promise; bilevel and exact ℓ1,∞ projections and norms
 * of large matrices run on `threads` workers. Calls run one after another in the order made. Leave `x` and `out` alone
 * until the call settles (they are read and written in place when they live in the pool's memory).
 *
 * @property projectL1Ball projectL1Ball of the package (the ℓ1 ball); the vector balls run on the calling thread.
 * @property projectSimplex projectSimplex of the package (the simplex), on the calling thread.
 * @property projectL2Ball projectL2Ball of the package (the ℓ2 ball), on the calling thread.
 * @property projectLInfBall projectLInfBall of the package (the ℓ∞ ball), on the calling thread.
 * @property bilevelL1Inf bilevelL1Inf of the package, split over the workers for large matrices.
 * @property bilevelL11 bilevelL11 of the package, split over the workers for large matrices.
 * @property bilevelL12 bilevelL12 of the package, split over the workers for large matrices.
 * @property bilevelL1InfGrouped bilevelL1InfGrouped of the package, split over outer blocks (or groups when outer = 1).
 * @property bilevelL11Grouped bilevelL11Grouped of the package, split over outer blocks (or groups when outer = 1).
 * @property bilevelL12Grouped bilevelL12Grouped of the package, split over outer blocks (or groups when outer = 1).
 * @property normL1Inf normL1Inf of the package (‖X‖₁,∞), split over the workers for large matrices.
 * @property normL11 normL11 of the package (‖X‖₁,₁), split over the workers for large matrices.
 * @property normL12 normL12 of the package (‖X‖₁,₂), split over the workers for large matrices.
 */
export interface Pool extends PoolProjections {
  /** Workers the matrix calls are split over; 1 when the pool runs on the calling thread. */
  readonly threads: number;
  /**
   * projectL1Inf of the package (the exact ℓ1,∞ projection), its per-group work split over the workers;
   * bit-identical.
   */
  projectL1Inf<X extends Input>(
    x: X,
    rows: number,
    cols: number,
    radius: number,
    options?: MatrixOptions<ResultOf<X>>,
  ): Promise<ResultOf<X>>;
  /**
   * bilevelGrouped of the package: x seen as [outer, groups, inner], split over outer blocks (or groups when
   * outer = 1).
   */
  bilevelGrouped<X extends Input>(
    kind: GroupNormKind,
    x: X,
    shape: GroupedShape,
    radius: number,
    options?: ProjectionOptions<ResultOf<X>>,
  ): Promise<ResultOf<X>>;
  /** groupedNorm of the package: the mixed norm of x seen as [outer, groups, inner], split over the workers. */
  groupedNorm(kind: GroupNormKind, x: Input, shape: GroupedShape): Promise<number>;
  /** An array in the pool's shared memory: the workers project it in place, without copies. Free it with `.free()`. */
  allocate(length: number, type: "f32"): WasmArray<Float32Array>;
  /** An f64 array (the default type) in the pool's shared memory, projected in place. Free it with `.free()`. */
  allocate(length: number, type?: "f64"): WasmArray<Float64Array>;
  /** Lets the calls already made finish, then stops the workers; later calls reject. */
  close(): Promise<void>;
}

let warned = false;

/** A pool of `threads` workers, or (with a one-time console warning saying why) one on the calling thread. */
export async function createPool(options?: PoolOptions): Promise<Pool> {
  const { threads } = checkOptions<PoolOptions>(options);
  const size = threads === undefined ? await defaultThreads() : checkThreads(threads);
  const support = await threadSupport();
  if (typeof support === "string") return singleThreadPool(support);
  let team: Team | undefined;
  try {
    const module = await threadsModule();
    const memory = new WebAssembly.Memory({ ...MEMORY_PAGES, shared: true });
    team = new Team(instantiate(module, memory), module, memory, support, size);
    await team.ready();
  } catch (error) {
    if (team) team.close();
    else support.dispose();
    return singleThreadPool(`the workers could not start (${error instanceof Error ? error.message : String(error)})`);
  }
  team.keepAlive(false);
  return ThreadPool.create(size, team.heap, team);
}

// The element count of a shape, or 0 (the calling thread, whose checks name the bad argument) when any dimension
// is not a number.
function elementsOf(shape: unknown): number {
  if (!Array.isArray(shape)) return 0;
  return shape.every((d) => typeof d === "number") ? shape.reduce((product: number, d: number) => product * d, 1) : 0;
}

function checkThreads(threads: unknown): number {
  if (typeof threads !== "number")
    throw new TypeError(`options.threads must be a number; got ${describeValue(threads)}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new RangeError(`options.threads must be an integer from 1 to 256; got ${threads}`);
  return threads;
}

async function singleThreadPool(reason: string): Promise<Pool> {
  if (!warned) {
    warned = true;
    console.warn(`sparseproj: createPool runs on the calling thread: ${reason}`);
  }
  await init();
  return ThreadPool.create(1, defaultHeap());
}

class ThreadPool {
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #closing: Promise<void> | undefined;
  #closedBecause: string | undefined;
  #minParallelElements = MIN_PARALLEL_ELEMENTS;
  #minParallelExactElements = MIN_PARALLEL_EXACT_ELEMENTS;

  constructor(
    readonly threads: number,
    readonly heap: Heap,
    readonly team?: Team,
  ) {}

  /** The pool object: this one with its registry-made methods (PoolProjections) added. */
  static create(threads: number, heap: Heap, team?: Team): Pool {
    const pool = new ThreadPool(threads, heap, team);
    return Object.assign(pool, pool.#projections());
  }

  /** One method per vector ball, and per bilevel projection its matrix, grouped and norm methods. */
  #projections(): PoolProjections {
    const methods: Record<string, unknown> = {};
    for (const [method, ball] of Object.entries(VECTOR_BALLS)) {
      methods[method] = (x: Input, radius: unknown, options: unknown) =>
        this.#enqueue(() => projectVector(this.heap, ball, x, radius, options));
    }
    for (const { groupNorm: kind, matrix, grouped, norm } of BILEVEL_ENTRIES) {
      methods[matrix] = (x: Input, rows: unknown, cols: unknown, radius: unknown, options: unknown) =>
        this.#bilevel(kind, x, rows, cols, radius, options);
      methods[grouped] = (x: Input, shape: unknown, radius: unknown, options: unknown) =>
        this.#enqueue(() => this.#bilevelGrouped(kind, x, shape, radius, options));
      methods[norm] = (x: Input, rows: unknown, cols: unknown, options: unknown) =>
        this.#norm(kind, x, rows, cols, options);
    }
    return methods as PoolProjections;
  }

  projectL1Inf<X extends Input>(
    x: X,
    rows: number,
    cols: number,
    radius: number,
    options?: MatrixOptions<ResultOf<X>>,
  ): Promise<ResultOf<X>> {
    return this.#enqueue(() => {
      const team = elementsOf([rows, cols]) >= this.#minParallelExactElements ? this.team : undefined;
      return team
        ? l1InfOnTeam(team, x, rows, cols, radius, options)
        : projectL1InfWith(this.heap, x, rows, cols, radius, options);
    }) as Promise<ResultOf<X>>;
  }

  bilevelGrouped<X extends Input>(
    kind: GroupNormKind,
    x: X,
    shape: GroupedShape,
    radius: number,
    options?: ProjectionOptions<ResultOf<X>>,
  ): Promise<ResultOf<X>> {
    return this.#enqueue(() => this.#bilevelGrouped(checkKind(kind), x, shape, radius, options)) as Promise<
      ResultOf<X>
    >;
  }

  groupedNorm(kind: GroupNormKind, x: Input, shape: GroupedShape): Promise<number> {
    return this.#enqueue(() => this.#groupNorm(checkKind(kind), groupedLayout(x, shape), elementsOf(shape)));
  }

  allocate(length: number, type: "f32"): WasmArray<Float32Array>;
  allocate(length: number, type?: "f64"): WasmArray<Float64Array>;
  allocate(length: number, type: ElementType = "f64"): WasmArray {
    return this.heap.allocate(length, type);
  }

  close(): Promise<void> {
    this.#closedBecause ??= "close() was called";
    this.#closing ??= this.#queue.then(() => this.team?.close());
    return this.#closing;
  }

  /** @internal Test hook: kills worker i now (failing its task, if any); a replacement starts. */
  __terminateWorker(i: number): void {
    this.team?.terminate(i);
  }

  /** @internal Test hook: the next task on worker i throws in the worker, or kills it while it runs. */
  __sabotage(i: number, how: Sabotage): void {
    this.team?.sabotage(i, how);
  }

  /** @internal Test hook: wakes the workers without a task. */
  __wakeWorkers(): void {
    this.team?.wake();
  }

  /** @internal Test hook: the size from which matrices go to the workers (every projection's). */
  __setMinParallelElements(elements: number): void {
    this.#minParallelElements = this.#minParallelExactElements = Math.max(1, elements);
  }

  #bilevel(
    kind: GroupNormKind,
    x: Input,
    rows: unknown,
    cols: unknown,
    radius: unknown,
    options: unknown,
  ): Promise<FloatArray> {
    return this.#enqueue(() =>
      this.#project(kind, matrixLayout(x, rows, cols, options), radius, options, elementsOf([rows, cols])),
    );
  }

  #bilevelGrouped(
    kind: GroupNormKind,
    x: Input,
    shape: unknown,
    radius: unknown,
    options: unknown,
  ): FloatArray | Promise<FloatArray> {
    return this.#project(kind, groupedLayout(x, shape), radius, options, elementsOf(shape));
  }

  #norm(kind: GroupNormKind, x: Input, rows: unknown, cols: unknown, options: unknown): Promise<number> {
    return this.#enqueue(() => this.#groupNorm(kind, matrixLayout(x, rows, cols, options), elementsOf([rows, cols])));
  }

  #project(
    kind: GroupNormKind,
    layout: Layout,
    radius: unknown,
    options: unknown,
    elements: number,
  ): FloatArray | Promise<FloatArray> {
    const team = this.#teamFor(elements);
    return team
      ? bilevelOnTeam(team, kind, layout, radius, options)
      : bilevel(this.heap, kind, layout, radius, options);
  }

  #groupNorm(kind: GroupNormKind, layout: Layout, elements: number): number | Promise<number> {
    const team = this.#teamFor(elements);
    return team ? groupNormOnTeam(team, kind, layout) : groupNorm(this.heap, kind, layout);
  }

  #teamFor(elements: number): Team | undefined {
    return elements >= this.#minParallelElements ? this.team : undefined;
  }

  #enqueue<R>(body: () => R | Promise<R>): Promise<R> {
    if (this.#closedBecause !== undefined)
      return Promise.reject(new Error(`sparseproj pool is closed: ${this.#closedBecause}`));
    if (this.#pending++ === 0) this.team?.keepAlive(true);
    const result = this.#queue.then(body).catch((error: unknown) => {
      if (this.team?.broken) {
        this.#closedBecause = this.team.broken.message;
        this.team.close();
      }
      throw error;
    });
    this.#queue = result.then(
      () => this.#settled(),
      () => this.#settled(),
    );
    return result;
  }

  #settled(): void {
    if (--this.#pending === 0) this.team?.keepAlive(false);
  }
}
