// A private instance of the shipped dist/sparseproj.simd.wasm, for what the public API does not expose: the
// floor (memory.copy of the same bytes, through the module's copyBytes) and the bilevel passes one at a time.
import { readFileSync } from "node:fs";

const KIND_INF = 0; // assembly/layout.ts
const BYTES = { f32: 4, f64: 8 };

export function loadModule() {
  const module = new WebAssembly.Module(readFileSync(new URL("../dist/sparseproj.simd.wasm", import.meta.url)));
  const kernels = new WebAssembly.Instance(module, {
    env: {
      abort() {
        throw new Error("sparseproj kernel aborted");
      },
    },
  }).exports;

  /** A block of module memory holding a copy of `values` (or `length` zeroed elements). */
  function place(type, values, length = values.length) {
    const ptr = kernels.alloc(Math.max(length * BYTES[type], 16));
    const view =
      type === "f32"
        ? new Float32Array(kernels.memory.buffer, ptr, length)
        : new Float64Array(kernels.memory.buffer, ptr, length);
    if (values) view.set(values);
    else view.fill(0);
    return ptr;
  }

  return {
    /** A copy of `bytes` bytes from one block to another: returns the call that does it, and a release. */
    floor(bytes) {
      const src = place("f32", null, Math.ceil(bytes / 4));
      const dst = place("f32", null, Math.ceil(bytes / 4));
      return {
        copy: () => kernels.copyBytes(dst, src, bytes),
        release: () => [src, dst].forEach((p) => kernels.release(p)),
      };
    },

    /**
     * The bilevel ℓ1,∞ projection (column groups: the grouped view [rows, cols, 1]) one stage at a time, as
     * src/projections/bilevel.ts runs it:
     * groupPartials (v_j = max_i |Y_ij|) → l1Ball_f64 (u = P_ℓ1,η(v)) → applyBilevel (clip). Each stage is
     * run once so the later ones have their inputs.
     */
    bilevelL1InfStages(y, rows, cols, radius) {
      const type = y instanceof Float32Array ? "f32" : "f64";
      const input = place(type, y);
      const out = place(type, null, y.length);
      const norms = place("f64", null, cols);
      const u = place("f64", null, cols);
      const scratch = place("f64", null, cols);
      const aux = place(type, null, cols + Math.max(rows, cols));
      const stages = {
        partials: () => kernels[`groupPartials_${type}`](input, rows, cols, 1, KIND_INF, norms),
        l1: () => kernels.l1Ball_f64(norms, cols, radius, u, scratch),
        apply: () => kernels[`applyBilevel_${type}`](input, rows, cols, 1, KIND_INF, u, norms, out, aux),
      };
      for (const stage of Object.values(stages)) stage();
      return { stages, release: () => [input, out, norms, u, scratch, aux].forEach((p) => kernels.release(p)) };
    },

    /** The ℓ1-ball kernel called directly (no argument checks, no staging): returns the call and a release. */
    l1BallKernel(y, radius) {
      const type = y instanceof Float32Array ? "f32" : "f64";
      const input = place(type, y);
      const out = place(type, null, y.length);
      return {
        call: () => kernels[`l1Ball_${type}`](input, y.length, radius, out, out),
        release: () => [input, out].forEach((p) => kernels.release(p)),
      };
    },
  };
}
