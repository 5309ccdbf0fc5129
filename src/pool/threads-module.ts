// The threads variants of the kernels (shared imported memory), plain and relaxed SIMD, inlined as base64 by
// scripts/embed-wasm.mjs.
import { decodeBase64 } from "../runtime/base64.ts";
import { threadsRelaxedWasmBase64 } from "./threads-relaxed-wasm.generated.ts";
import { threadsWasmBase64 } from "./threads-wasm.generated.ts";

export function threadsModule(relaxed = false): Promise<WebAssembly.Module> {
  return WebAssembly.compile(decodeBase64(relaxed ? threadsRelaxedWasmBase64 : threadsWasmBase64));
}
