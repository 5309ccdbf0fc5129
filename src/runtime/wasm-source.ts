// Where the default entry gets its module: the wasm bytes inlined as base64 (see scripts/embed-wasm.mjs).
// The workerd build swaps this file for wasm-source.workerd.ts, which imports the shipped .wasm instead.
import { decodeBase64 } from "./base64.ts";
import { simdWasmBase64 } from "./simd-wasm.generated.ts";

export function defaultModuleSync(): WebAssembly.Module {
  return new WebAssembly.Module(decodeBase64(simdWasmBase64));
}

export function defaultModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(decodeBase64(simdWasmBase64));
}
