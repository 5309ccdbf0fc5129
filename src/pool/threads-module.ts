// The threads variant of the kernels (shared imported memory), inlined as base64 by scripts/embed-wasm.mjs.
import { decodeBase64 } from "../runtime/base64.ts";
import { threadsWasmBase64 } from "./threads-wasm.generated.ts";

export function threadsModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(decodeBase64(threadsWasmBase64));
}
