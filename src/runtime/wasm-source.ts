// Where the default entry gets its module: the wasm bytes inlined as base64 (see scripts/embed-wasm.mjs), the
// relaxed-SIMD build where the engine validates relaxed SIMD and the caller did not ask for the plain one.
// The workerd build swaps this file for wasm-source.workerd.ts, which imports the shipped .wasm instead.
import { decodeBase64 } from "./base64.ts";
import { relaxedWasmBase64 } from "./relaxed-wasm.generated.ts";
import { simdWasmBase64 } from "./simd-wasm.generated.ts";

const bytes = (relaxed: boolean) => decodeBase64(relaxed ? relaxedWasmBase64 : simdWasmBase64);

export function defaultModuleSync(relaxed: boolean): WebAssembly.Module {
  return new WebAssembly.Module(bytes(relaxed));
}

export function defaultModule(relaxed: boolean): Promise<WebAssembly.Module> {
  return WebAssembly.compile(bytes(relaxed));
}
