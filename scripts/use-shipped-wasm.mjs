// esbuild plugin for the workerd build: the module comes from the shipped .wasm file, which the host imports
// as a WebAssembly.Module (workerd refuses to compile bytes), instead of the inlined base64.
export const useShippedWasm = {
  name: "use-shipped-wasm",
  setup(b) {
    b.onResolve({ filter: /\/wasm-source\.ts$/ }, (args) => ({ path: `${args.resolveDir}/wasm-source.workerd.ts` }));
    b.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: args.path, external: true }));
  },
};
