import { Heap, type KernelExports } from "./heap.ts";
import { defaultModule, defaultModuleSync } from "./wasm-source.ts";

/** Options of `init()`. */
export interface InitOptions {
  /**
   * A compiled sparseproj.simd.wasm. Hosts that forbid compiling WebAssembly from bytes (Cloudflare workerd)
   * import the shipped `.wasm` as a module and pass it here.
   */
  module?: WebAssembly.Module;
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
  const { module } = options;
  if (module !== undefined && !(module instanceof WebAssembly.Module)) {
    throw new TypeError("init(options): options.module must be a WebAssembly.Module");
  }
  if (current && module === undefined) return;
  currentModule = module ?? (await defaultModule());
  current = instantiate(currentModule);
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
    module = defaultModuleSync();
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
