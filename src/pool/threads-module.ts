// The threads variant of the kernels (shared imported memory), inlined as base64 by scripts/embed-wasm.mjs.
import { threadsWasmBase64 } from "./threads-wasm.generated.ts";

export function threadsModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(Uint8Array.from(atob(threadsWasmBase64), (c) => c.charCodeAt(0)));
}
