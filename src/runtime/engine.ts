import { relaxedSimdSupported } from "./features.ts";
import { Heap, type KernelExports } from "./heap.ts";
import { defaultModule, defaultModuleSync } from "./wasm-source.ts";

/**
 * The kernels' builds: `"simd"` (128-bit SIMD, the same bits in every runtime) and `"relaxed-simd"` (the same with
 * fused multiply-add in the matrix products: faster, rounded once instead of twice).
 */
export type KernelVariant = "simd" | "relaxed-simd";

/** Options of `init()`. */
export interface InitOptions {
  /**
   * A compiled sparseproj.simd.wasm. Hosts that forbid compiling WebAssembly from bytes (Cloudflare workerd)
   * import the shipped `.wasm` as a module and pass it here.
   */
  module?: WebAssembly.Module;
  /**
   * Which build to load: `"auto"` (the default: relaxed SIMD where the engine validates it, plain SIMD elsewhere),
   * `"simd"` (bit-for-bit the same training in every runtime) or `"relaxed-simd"` (an error where unsupported).
   */
  kernels?: "auto" | KernelVariant;
}

let current: Heap | undefined;
let currentModule: WebAssembly.Module | undefined;

/** Instantiates the kernels; `memory` is given for the threads variant, which imports a shared memory. */
export function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): Heap {
  let exports: KernelExports | undefined;
  const env: Record<string, unknown> = {
    abort(message: number, file: number, line: number, column: number) {
      const read = (ptr: number) => (exports ? readString(exports.memory, ptr) : "");
      throw new Error(`sparseproj kernel aborted: ${read(message)} at ${read(file)}:${line}:${column}`);
    },
  };
  if (memory) env.memory = memory;
  const instance = new WebAssembly.Instance(module, { env: env as WebAssembly.ModuleImports });
  exports = instance.exports as unknown as KernelExports;
  return new Heap(exports);
}

// An AssemblyScript string: UTF-16 code units, byte length stored in the 4 bytes before it.
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return Array.from(new Uint16Array(memory.buffer.slice(ptr, ptr + bytes)), (c) => String.fromCharCode(c)).join("");
}

/**
 * Loads the WebAssembly kernels. Optional in Node, Deno and Bun (the first call loads them synchronously);
 * call it once in browsers (compiles off the main thread) and edge runtimes (with `module`).
 */
export async function init(options: InitOptions = {}): Promise<void> {
  if (options === null || typeof options !== "object") throw new TypeError("init(options): options must be an object");
  const { module, kernels = "auto" } = options;
  if (module !== undefined && !(module instanceof WebAssembly.Module)) {
    throw new TypeError("init(options): options.module must be a WebAssembly.Module");
  }
  const relaxed = kernelChoice(kernels, "init(options)");
  if (current && module === undefined) {
    if (options.kernels !== undefined && options.kernels !== "auto" && kernelVariant() !== options.kernels)
      throw new Error(
        `init(options): the ${kernelVariant()} kernels are loaded already; ask for ${options.kernels} ` +
          "in the first init(), before any tensor or projection",
      );
    return;
  }
  currentModule = module ?? (await defaultModule(relaxed));
  current = instantiate(currentModule);
}

/** Whether options.kernels (checked; `caller` names the function in errors) asks for the relaxed-SIMD build. */
export function kernelChoice(kernels: unknown, caller: string): boolean {
  if (kernels !== "auto" && kernels !== "simd" && kernels !== "relaxed-simd")
    throw new TypeError(`${caller}: options.kernels must be 'auto', 'simd' or 'relaxed-simd'; got ${String(kernels)}`);
  if (kernels === "relaxed-simd" && !relaxedSimdSupported())
    throw new Error(`${caller}: this engine does not run relaxed SIMD (V8 ≥ 11.4: Node ≥ 22, Chrome ≥ 114)`);
  return kernels === "relaxed-simd" || (kernels === "auto" && relaxedSimdSupported());
}

/** The kernels loaded, if any (without loading them). */
export function heapInUse(): Heap | undefined {
  return current;
}

/**
 * Makes `heap` (the threads module on a shared memory: src/pool/split.ts), or a new instance, the kernels in use;
 * workers that take a module of their own (cross-validation folds) get the one-thread build of the same variant.
 */
export async function adoptHeap(relaxed: boolean, heap?: Heap): Promise<void> {
  currentModule = await defaultModule(relaxed);
  current = heap ?? instantiate(currentModule);
}

/** The build of the kernels in use (loading them if need be): fused multiply-add or not. */
export function kernelVariant(): KernelVariant {
  return (heap().exports.relaxedSimd as () => number)() ? "relaxed-simd" : "simd";
}

/** The compiled module in use (workers are handed it rather than compiling their own). */
export function moduleInUse(): WebAssembly.Module {
  heap();
  return currentModule!;
}

/** The module in use, instantiated synchronously on first use where the host allows it. */
export function heap(): Heap {
  if (current) return current;
  let module: WebAssembly.Module;
  try {
    module = defaultModuleSync(relaxedSimdSupported());
  } catch (cause) {
    throw new Error(
      "sparseproj is not initialized and this host cannot compile WebAssembly synchronously: " +
        "call `await init()` once before the first projection (in Cloudflare Workers, `init({ module })` " +
        "with the imported sparseproj.simd.wasm)",
      { cause },
    );
  }
  currentModule = module;
  current = instantiate(module);
  return current;
}
