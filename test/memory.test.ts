import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as sp from "../src/index.ts";
import { messyValues, rng } from "./helpers.ts";

const test = suite("module memory: zero-copy arrays, growth, no leaks");

function memoryBytes(): number {
  const probe = sp.allocate(1, "f64");
  const bytes = probe.array.buffer.byteLength;
  sp.free(probe);
  return bytes;
}

test("zero-copy arrays give the same results as copied ones, in place or into another array", () => {
  const random = rng(5);
  const rows = 37,
    cols = 23;
  const data = new Float32Array(messyValues(random, rows * cols));
  const expected = sp.bilevelL1Inf(data, rows, cols, 3);
  const x = sp.allocate(rows * cols, "f32");
  const out = sp.allocate(rows * cols, "f32");
  x.array.set(data);
  assert.equal(sp.bilevelL1Inf(x, rows, cols, 3, { out }), expected);
  assert.equal(x.array, data, "input untouched");
  assert.equal(sp.bilevelL1Inf(x.array, rows, cols, 3), expected, "a view of the module memory is zero-copy too");
  sp.bilevelL1Inf(x, rows, cols, 3, { out: x });
  assert.equal(x.array, expected, "in place");
  const v = sp.allocate(100, "f64");
  v.array.set(messyValues(random, 100));
  assert.equal(sp.projectL1Ball(v, 2), sp.projectL1Ball(Float64Array.from(v.array), 2));
  sp.free(x);
  sp.free(out);
  sp.free(v);
});

test("a WasmArray keeps its data when the memory grows", () => {
  const a = sp.allocate(1000, "f64");
  a.array.set(Array.from({ length: 1000 }, (_, i) => i));
  const grow = sp.allocate(8_000_000, "f64"); // 64 MB: forces memory.grow
  assert.is(a.array[999], 999);
  assert.is(a.array.buffer.byteLength >= 64_000_000, true);
  sp.free(grow);
  sp.free(a);
});

test("overlapping but distinct in/out arrays in module memory are refused", () => {
  const a = sp.allocate(10, "f64");
  const shifted = new Float64Array(a.array.buffer, a.byteOffset + 8, 9);
  const x = new Float64Array(a.array.buffer, a.byteOffset, 9);
  try {
    sp.projectL1Ball(x, 1, { out: shifted });
    assert.unreachable("no error");
  } catch (error) {
    assert.instance(error, RangeError);
  }
  sp.free(a);
});

test("100,000 calls on varying sizes leave the module memory bounded", () => {
  const random = rng(11);
  const pool = messyValues(random, 4096);
  const f32 = Float32Array.from(pool);
  // Warm up to the largest size used, then no call may grow the memory.
  sp.bilevelL11(f32, 64, 64, 1);
  sp.projectL1Ball(pool, 1);
  const start = memoryBytes();
  for (let call = 0; call < 100_000; call++) {
    const n = 1 + ((call * 7919) % 4096);
    const rows = 1 + (call % 64);
    const cols = Math.max(1, Math.floor(n / rows));
    const kind = call % 5;
    if (kind === 0) sp.projectL1Ball(f32.subarray(0, n), 1);
    else if (kind === 1) sp.bilevelL1Inf(f32.subarray(0, rows * cols), rows, cols, 1);
    else if (kind === 2) sp.bilevelL11(f32.subarray(0, rows * cols), rows, cols, 1, { axis: "rows" });
    else if (kind === 3) sp.normL12(pool.slice(0, rows * cols), rows, cols);
    else {
      try {
        sp.projectSimplex(f32.subarray(0, n), -1);
      } catch {
        // errors must release their blocks too
      }
      try {
        sp.bilevelL1Inf([1, NaN, 3, 4], 2, 2, 1);
      } catch {
        // idem
      }
    }
  }
  assert.is(memoryBytes(), start, "memory did not grow");
});

test.run();
