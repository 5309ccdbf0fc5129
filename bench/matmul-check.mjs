// Correctness of assembly/matmul.ts on its own: compiles it alone with the repo's asc, then checks matmulNN,
// matmulTN and matmulNT against a float64 triple loop on random signed data, at random shapes (m, n, k in
// 0..70), every shape with m, n, k in 0..7, the autoencoder's shapes, both accumulate modes, garbage / NaN in C
// before an overwriting call, unaligned (4-byte) pointers, and guard words around C that must not change.
// Tolerance: |C − ref| ≤ 1e-5 · (Σ_p |a||b| + |C₀|) + 1e-30 per element.
// Usage: node bench/matmul-check.mjs            (exit code 1 on any failure)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** Compiles assembly/matmul.ts alone (run outside the repo so asc does not pick up asconfig.json's entries). */
export function compileMatmul(out = join(tmpdir(), "sparseproj-matmul.wasm")) {
  execFileSync(
    join(root, "node_modules/.bin/asc"),
    [join(root, "assembly/matmul.ts"), "--runtime", "minimal", "--enable", "simd", "-O3", "--noAssert", "-o", out],
    { cwd: tmpdir(), stdio: "inherit" },
  );
  return out;
}

/** An instance plus a bump allocator over memory grown from JS (the kernels allocate nothing themselves). */
export function instantiate(file) {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {
    env: {
      abort() {
        throw new Error("abort");
      },
    },
  });
  const memory = exports.memory;
  const base = memory.buffer.byteLength;
  let top = base;
  return {
    kernels: exports,
    memory,
    /** `count` f32 at a 16-byte boundary plus `misalign` bytes (0 or a multiple of 4). */
    alloc(count, misalign = 0) {
      const ptr = ((top + 15) & ~15) + misalign;
      top = ptr + count * 4;
      const need = top + 64 - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / 65536));
      return ptr;
    },
    reset() {
      top = base;
    },
    f32(ptr, count) {
      return new Float32Array(memory.buffer, ptr, count);
    },
  };
}

// C[i][j] = Σ_p A(i,p)·B(p,j) with A(i,p), B(p,j) read through the form's layout; also Σ|a||b|.
const A_AT = {
  NN: (_m, k) => (i, p) => i * k + p,
  TN: (m, _k) => (i, p) => p * m + i,
  NT: (_m, k) => (i, p) => i * k + p,
};
const B_AT = {
  NN: (n, _k) => (p, j) => p * n + j,
  TN: (n, _k) => (p, j) => p * n + j,
  NT: (_n, k) => (p, j) => j * k + p,
};

function reference(form, A, B, m, n, k) {
  const aAt = A_AT[form](m, k),
    bAt = B_AT[form](n, k);
  const value = new Float64Array(m * n),
    scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0,
        t = 0;
      for (let p = 0; p < k; p++) {
        const x = A[aAt(i, p)] * B[bAt(p, j)];
        s += x;
        t += Math.abs(x);
      }
      value[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { value, scale };
}

function random(rng, count) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rng() * 2 - 1) * (rng() < 0.1 ? 100 : 1);
  return out;
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GUARD = 4;
const GUARD_VALUE = Math.fround(12345.678);

/** Runs one case; returns undefined when it passes, else a description. */
function check(env, rng, form, m, n, k, accumulate, fill) {
  env.reset();
  const A = random(rng, m * k),
    B = random(rng, k * n);
  const pa = env.alloc(m * k, 4 * Math.floor(rng() * 4));
  const pb = env.alloc(k * n, 4 * Math.floor(rng() * 4));
  const pcGuarded = env.alloc(m * n + 2 * GUARD, 4 * Math.floor(rng() * 4));
  const pc = pcGuarded + GUARD * 4;
  env.f32(pa, m * k).set(A);
  env.f32(pb, k * n).set(B);
  const guarded = env.f32(pcGuarded, m * n + 2 * GUARD);
  guarded.fill(GUARD_VALUE);
  const C0 =
    fill === "nan"
      ? new Float32Array(m * n).fill(NaN)
      : fill === "garbage"
        ? random(rng, m * n).map((x) => x * 1e30)
        : random(rng, m * n);
  env.f32(pc, m * n).set(C0);
  env.kernels[`matmul${form}`](pa, pb, pc, m, n, k, accumulate);
  const C = env.f32(pc, m * n);
  const { value, scale } = reference(form, A, B, m, n, k);
  for (let g = 0; g < GUARD; g++) {
    if (guarded[g] !== GUARD_VALUE || guarded[GUARD + m * n + g] !== GUARD_VALUE) return `wrote outside C (guard ${g})`;
  }
  for (let e = 0; e < m * n; e++) {
    const expect = accumulate ? value[e] + C0[e] : value[e];
    const tol = 1e-5 * (scale[e] + (accumulate ? Math.abs(C0[e]) : 0)) + 1e-30;
    if (!(Math.abs(C[e] - expect) <= tol))
      return `C[${Math.floor(e / n)}][${e % n}] = ${C[e]}, expected ${expect} (tolerance ${tol.toExponential(2)})`;
  }
  return undefined;
}

function shapes(rng) {
  const list = [];
  for (let m = 0; m <= 7; m++) for (let n = 0; n <= 7; n++) for (let k = 0; k <= 7; k++) list.push([m, n, k]);
  for (let k = 0; k <= 20; k++) list.push([5, 13, k], [9, 2, k], [3, 9, k]);
  for (let t = 0; t < 300; t++) list.push([0, 0, 0].map(() => Math.floor(rng() * 71)));
  for (const batch of [8, 256]) {
    list.push(
      [batch, 100, 1000],
      [batch, 1000, 100],
      [100, 1000, batch],
      [1000, 100, batch],
      [batch, 2, 100],
      [batch, 100, 2],
      [2, 100, batch],
      [100, 2, batch],
    );
  }
  return list;
}

export function main() {
  const env = instantiate(compileMatmul());
  const rng = mulberry32(20240611);
  let cases = 0,
    failures = 0;
  for (const [m, n, k] of shapes(rng)) {
    const big = m * n * k > 1e6;
    for (const form of ["NN", "TN", "NT"]) {
      for (const [accumulate, fill] of big
        ? [
            [0, "nan"],
            [1, "values"],
          ]
        : [
            [0, "nan"],
            [0, "garbage"],
            [1, "values"],
          ]) {
        cases++;
        const error = check(env, rng, form, m, n, k, accumulate, fill);
        if (error) {
          failures++;
          if (failures <= 20)
            console.log(`FAIL matmul${form} m=${m} n=${n} k=${k} accumulate=${accumulate} C=${fill}: ${error}`);
        }
      }
    }
  }
  console.log(
    failures
      ? `matmul check: FAIL, ${failures} of ${cases} cases wrong`
      : `matmul check: PASS, all ${cases} cases (NN, TN, NT; overwrite over NaN/garbage and accumulate; guards intact)`,
  );
  return failures === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main() ? 0 : 1;
