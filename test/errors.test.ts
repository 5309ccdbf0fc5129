import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as sp from "../src/index.ts";
import { throwsNamed } from "./helpers.ts";

const test = suite("bad input: clear errors, nothing mutated, next call fine");

const VECTOR = ["projectL1Ball", "projectSimplex", "projectL2Ball", "projectLInfBall"] as const;
const MATRIX = ["bilevelL1Inf", "bilevelL11", "bilevelL12"] as const;
const NORMS = ["normL1Inf", "normL11", "normL12"] as const;

// deno-lint-ignore no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: the type of every exported function, called with wrong arguments
type AnyFn = (...args: any[]) => unknown;
const fn = (name: string) => (sp as unknown as Record<string, AnyFn>)[name];

function stillWorks(): void {
  assert.equal(Array.from(sp.projectL1Ball([3, -1], 1)), [1, -0]);
  assert.equal(Array.from(sp.bilevelL1Inf([1, 2, 3, 4], 2, 2, 100)), [1, 2, 3, 4]);
}

test("wrong types are TypeErrors naming the argument", () => {
  for (const name of VECTOR) {
    for (const x of [new Int32Array(3), "abc", null, undefined, { length: 2 }, 5]) {
      throwsNamed(() => fn(name)(x, 1), TypeError, /^x must be/, `${name}(${String(x)})`);
    }
    throwsNamed(() => fn(name)([1, "2", 3], 1), TypeError, /^x\[1\] must be a number/, `${name} string element`);
    throwsNamed(() => fn(name)([1, 2], "1"), TypeError, /^radius must be a number/, `${name} radius type`);
    throwsNamed(() => fn(name)([1, 2], 1, "fast"), TypeError, /^options must be an object/, `${name} options type`);
    throwsNamed(
      () => fn(name)(new Float32Array(2), 1, { out: new Float64Array(2) }),
      TypeError,
      /^options\.out must be a Float32Array/,
      `${name} out type`,
    );
    throwsNamed(
      () => fn(name)([1, 2], 1, { out: [0, 0] }),
      TypeError,
      /^options\.out must be a Float64Array/,
      `${name} out plain array`,
    );
  }
  for (const name of [...MATRIX, ...NORMS]) {
    const radius = MATRIX.includes(name as (typeof MATRIX)[number]) ? [1] : [];
    throwsNamed(() => fn(name)([1, 2], "1", 2, ...radius), TypeError, /^rows must be a number/, `${name} rows type`);
    throwsNamed(() => fn(name)([1, 2], 1, null, ...radius), TypeError, /^cols must be a number/, `${name} cols type`);
    throwsNamed(
      () => fn(name)([1, 2], 1, 2, ...radius, { axis: 1 }),
      TypeError,
      /^options\.axis must be/,
      `${name} axis type`,
    );
  }
  stillWorks();
});

test("bad values are RangeErrors naming the argument", () => {
  for (const name of VECTOR) {
    for (const radius of [-1, NaN, Infinity, -Infinity, -0.0001]) {
      throwsNamed(
        () => fn(name)([1, 2], radius),
        RangeError,
        /^radius must be a finite number ≥ 0/,
        `${name} radius ${radius}`,
      );
    }
    throwsNamed(
      () => fn(name)(new Float64Array(3), 1, { out: new Float64Array(2) }),
      RangeError,
      /^options\.out has length 2/,
      `${name} out length`,
    );
  }
  for (const name of MATRIX) {
    throwsNamed(
      () => fn(name)([1, 2, 3], 2, 2, 1),
      RangeError,
      /rows × cols = 2 × 2 = 4 but x has length 3/,
      `${name} shape`,
    );
    throwsNamed(
      () => fn(name)([1, 2], 0.5, 4, 1),
      RangeError,
      /^rows must be a non-negative integer/,
      `${name} fractional rows`,
    );
    throwsNamed(
      () => fn(name)([1, 2], 2, -1, 1),
      RangeError,
      /^cols must be a non-negative integer/,
      `${name} negative cols`,
    );
    throwsNamed(() => fn(name)([1, 2], 1, 2, NaN), RangeError, /^radius/, `${name} NaN radius`);
    throwsNamed(
      () => fn(name)([1, 2], 1, 2, 1, { axis: "diagonal" }),
      RangeError,
      /^options\.axis must be 'columns' or 'rows'/,
      `${name} axis`,
    );
  }
  stillWorks();
});

test("NaN and ±Infinity in the data are RangeErrors naming the index; in-place data is left as it was", () => {
  for (const Float of [Float32Array, Float64Array]) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const name of VECTOR) {
        const x = Float.from([1, -2, bad, 4, 5, 6, 7, 8, 9]);
        const before = x.slice();
        throwsNamed(
          () => fn(name)(x, 1, { out: x }),
          RangeError,
          /^x\[2\] is (NaN|-?Infinity): the data must be finite/,
          `${name} ${bad}`,
        );
        assert.equal(Array.from(x, String), Array.from(before, String), `${name}: untouched`);
      }
      for (const name of [...MATRIX, ...NORMS]) {
        const x = Float.from([1, -2, 3, 4, 5, bad]);
        const before = x.slice();
        const args = MATRIX.includes(name as (typeof MATRIX)[number]) ? [2, 3, 1, { out: x }] : [2, 3];
        throwsNamed(() => fn(name)(x, ...args), RangeError, /^x\[5\] is (NaN|-?Infinity)/, `${name} ${bad}`);
        assert.equal(Array.from(x, String), Array.from(before, String), `${name}: untouched`);
      }
    }
  }
  stillWorks();
});

test("finite data whose norm overflows float64 is a RangeError, not Infinity", () => {
  const huge = [1.5e308, 1.5e308, -1.5e308];
  throwsNamed(() => sp.projectL1Ball(huge, 1), RangeError, /values too large/, "ℓ1 ball");
  throwsNamed(() => sp.normL11(huge, 1, 3), RangeError, /values too large/, "ℓ1,1 norm");
  throwsNamed(
    () => sp.bilevelL1Inf(huge, 1, 3, 1),
    RangeError,
    /values too large/,
    "ℓ1,∞ bilevel (sum of column maxima)",
  );
  stillWorks();
});

test("sizes beyond the module memory are RangeErrors", () => {
  throwsNamed(() => sp.allocate(2 ** 28, "f32"), RangeError, /one block holds at most/, "allocate 1 GiB");
  throwsNamed(() => sp.allocate(-1, "f32"), RangeError, /^length must be a non-negative integer/, "negative length");
  throwsNamed(() => sp.allocate(4, "i32" as "f32"), TypeError, /^type must be 'f32' or 'f64'/, "element type");
  stillWorks();
});

test("a freed WasmArray is refused", () => {
  const a = sp.allocate(4, "f64");
  sp.free(a);
  throwsNamed(() => a.array, TypeError, /freed/, "read after free");
  throwsNamed(() => sp.projectL1Ball(a, 1), TypeError, /freed/, "project after free");
  sp.free(a); // freeing again does nothing (dispose()/free() are idempotent)
  throwsNamed(() => a.array, TypeError, /freed/, "read after a second free");
  stillWorks();
});

test("init rejects a non-module", async () => {
  try {
    await sp.init({ module: new Uint8Array(8) as unknown as WebAssembly.Module });
    assert.unreachable("no error");
  } catch (error) {
    assert.instance(error, TypeError);
  }
  stillWorks();
});

test.run();
