// workerd refuses to compile WebAssembly from bytes; its bundler imports a .wasm file as a compiled module. Only the
// plain SIMD build is shipped as a file, so the relaxed one is never picked here.
import simdModule from "./sparseproj.simd.wasm";

export function defaultModuleSync(_relaxed: boolean): WebAssembly.Module {
  return simdModule;
}

export function defaultModule(_relaxed: boolean): Promise<WebAssembly.Module> {
  return Promise.resolve(simdModule);
}
