// workerd refuses to compile WebAssembly from bytes; its bundler imports a .wasm file as a compiled module.
import simdModule from "./sparseproj.simd.wasm";

export function defaultModuleSync(): WebAssembly.Module {
  return simdModule;
}

export function defaultModule(): Promise<WebAssembly.Module> {
  return Promise.resolve(simdModule);
}
