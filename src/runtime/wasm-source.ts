// Where the default entry gets its module: the wasm bytes inlined as base64 (see scripts/embed-wasm.mjs).
// The workerd build swaps this file for wasm-source.workerd.ts, which imports the shipped .wasm instead.
import { simdWasmBase64 } from "./simd-wasm.generated.ts";

function bytes(): Uint8Array<ArrayBuffer> {
  const binary = atob(simdWasmBase64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function defaultModuleSync(): WebAssembly.Module {
  return new WebAssembly.Module(bytes());
}

export function defaultModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(bytes());
}
