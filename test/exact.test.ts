import { suite } from "uvu";
import * as assert from "uvu/assert";
import { allocate, bilevelL1Inf, normL1Inf, projectL1Ball, projectL1Inf, projectLInfBall } from "../src/index.ts";
import { projectL1InfWith } from "../src/projections/exact.ts";
import { heap } from "../src/runtime/engine.ts";
import type { Axis } from "../src/types.ts";
import { groupsOf, l1InfRef, mixedNormRef } from "./reference.ts";
import {
  assertClose,
  assertNear,
  FLOAT_TYPES,
  maxAbs,
  messyValues,
  randomInt,
  randomShape,
  rng,
  tolerance,
} from "./helpers.ts";

const test = suite("exact ℓ1,∞ projection vs a bisection reference; optimality certificates");

const AXES: Axis[] = ["columns", "rows"];

function distance(y: ArrayLike<number>, x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i] - x[i]) ** 2;
  return Math.sqrt(sum);
}

/**
 * The structure that makes X the projection (KKT): each group clipped at μ_j = max_i |X_ij|, Σ μ_j = η, one common
 * residual mass θ = Σ_i (|Y_ij| − μ_j)₊ over the groups kept, and ‖y_j‖₁ ≤ θ for the groups zeroed.
 */
function assertOptimalityConditions(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  eta: number,
  axis: Axis,
  tol: number,
  what: string,
): void {
  const ys = groupsOf(y, rows, cols, axis);
  const xs = groupsOf(x, rows, cols, axis);
  const levels = xs.map((g) => maxAbs(g));
  const residuals = ys.map((g, j) => g.reduce((s, v, i) => s + Math.abs(v - xs[j][i]), 0));
  const length = ys[0].length;
  ys.forEach((g, j) =>
    g.forEach((v, i) =>
      assertNear(xs[j][i], Math.sign(v) * Math.min(Math.abs(v), levels[j]), tol, `${what}: clip of group ${j}`),
    ),
  );
  assertNear(
    levels.reduce((s, v) => s + v, 0),
    eta,
    tol * levels.length,
    `${what}: Σ μ_j = η`,
  );
  const kept = residuals.filter((_, j) => levels[j] > tol);
  const theta = Math.max(...kept);
  kept.forEach((r, j) => assertNear(r, theta, tol * length * 4, `${what}: common θ (group ${j})`));
  ys.forEach((g, j) => {
    if (levels[j] <= tol)
      assert.ok(
        g.reduce((s, v) => s + Math.abs(v), 0) <= theta + tol * length * 4,
        `${what}: zeroed group ${j} has ‖y_j‖₁ ≤ θ`,
      );
  });
}

for (const [type, Float] of FLOAT_TYPES) {
  for (const axis of AXES) {
    test(`${type} ${axis}: 150 random signed matrices vs reference; feasibility, (19), idempotence, in place`, () => {
      const random = rng(300 + Float.BYTES_PER_ELEMENT * 10 + AXES.indexOf(axis));
      for (let trial = 0; trial < 150; trial++) {
        const [rows, cols] = randomShape(random, trial, 200);
        const y = Float.from(messyValues(random, rows * cols));
        const before = y.slice();
        const norm = mixedNormRef(y, rows, cols, "inf", axis);
        const radius = random() < 0.1 ? 0 : norm * (random() < 0.85 ? random() : 1 + random());
        const options = { axis };
        const x = projectL1Inf(y, rows, cols, radius, options);
        assert.instance(x, Float);
        assert.equal(y, before, "input not mutated");
        const scale = maxAbs(y) + radius;
        const tol = tolerance(type, scale);
        const what = `${rows}×${cols} η=${radius}`;
        assertClose(x, l1InfRef(y, rows, cols, radius, axis), tol, what);
        const projectedNorm = normL1Inf(x, rows, cols, options);
        assert.ok(
          projectedNorm <= radius + tol * Math.max(rows, cols),
          `feasible ${what}: ${projectedNorm} ≤ ${radius}`,
        );
        // Identity (19): ‖Y − P(Y)‖₁,∞ + ‖P(Y)‖₁,∞ = ‖Y‖₁,∞.
        const residual = Float.from(Array.from(y, (v, i) => v - x[i]));
        assertNear(
          normL1Inf(residual, rows, cols, options) + projectedNorm,
          normL1Inf(y, rows, cols, options),
          tol * rows * cols,
          `(19) ${what}`,
        );
        assertClose(projectL1Inf(x, rows, cols, radius, options), x, tol, `idempotent ${what}`);
        const inPlace = y.slice();
        assert.is(projectL1Inf(inPlace, rows, cols, radius, { axis, out: inPlace }), inPlace);
        assert.equal(inPlace, x, "in place = out of place");
        if (radius > 0 && radius < norm) assertOptimalityConditions(y, x, rows, cols, radius, axis, tol, what);
      }
    });

    test(`${type} ${axis}: no nearer feasible point: random perturbations, mixes with the bilevel projection`, () => {
      const random = rng(400 + Float.BYTES_PER_ELEMENT * 10 + AXES.indexOf(axis));
      for (let trial = 0; trial < 60; trial++) {
        const [rows, cols] = randomShape(random, trial, 200);
        const y = Float.from(messyValues(random, rows * cols));
        const radius = mixedNormRef(y, rows, cols, "inf", axis) * random();
        const x = projectL1Inf(y, rows, cols, radius, { axis });
        const bilevel = bilevelL1Inf(y, rows, cols, radius, { axis });
        const scale = maxAbs(y) + radius;
        const tol = tolerance(type, scale) * Math.sqrt(rows * cols) * 4;
        const best = distance(y, x);
        const what = `${rows}×${cols} η=${radius}`;
        assert.ok(best <= distance(y, bilevel) + tol, `${what}: exact ${best} ≤ bilevel ${distance(y, bilevel)}`);
        for (let k = 0; k < 20; k++) {
          let z: number[];
          if (k < 5) {
            const t = random();
            z = Array.from(x, (v, i) => (1 - t) * v + t * bilevel[i]);
          } else {
            const size = scale * 10 ** randomInt(random, -4, -1);
            z = Array.from(x, (v) => v + (random() * 2 - 1) * size);
          }
          const zNorm = mixedNormRef(z, rows, cols, "inf", axis);
          if (zNorm > radius) z = z.map((v) => (v * radius) / zNorm);
          assert.ok(distance(y, z) >= best - tol, `${what}: feasible point at ${distance(y, z)} < ${best}`);
        }
      }
    });
  }
}

test("the Newton iteration and its bisection fallback agree", () => {
  const random = rng(55);
  for (let trial = 0; trial < 60; trial++) {
    const [rows, cols] = randomShape(random, trial, 200);
    for (const [type, Float] of FLOAT_TYPES) {
      const y = Float.from(messyValues(random, rows * cols));
      const axis = AXES[trial % 2];
      const radius = mixedNormRef(y, rows, cols, "inf", axis) * random();
      const x = projectL1Inf(y, rows, cols, radius, { axis });
      for (const steps of [0, 1, 2]) {
        const fallback = projectL1InfWith(heap(), y, rows, cols, radius, { axis }, steps);
        assertClose(fallback, x, tolerance(type, maxAbs(y)), `${type} ${rows}×${cols} after ${steps} Newton steps`);
      }
    }
  }
});

test("special shapes: one row is the ℓ1 ball, one column the ℓ∞ ball", () => {
  const random = rng(66);
  for (let trial = 0; trial < 40; trial++) {
    const n = randomInt(random, 1, 60);
    const y = new Float64Array(messyValues(random, n));
    const radius = maxAbs(y) * random() * 3;
    assertClose(projectL1Inf(y, 1, n, radius), projectL1Ball(y, radius), 1e-12 * (maxAbs(y) + 1), `1×${n} columns`);
    assertClose(
      projectL1Inf(y, n, 1, radius, { axis: "rows" }),
      projectL1Ball(y, radius),
      1e-12 * (maxAbs(y) + 1),
      `${n}×1 rows`,
    );
    assertClose(projectL1Inf(y, n, 1, radius), projectLInfBall(y, radius), 1e-12 * (maxAbs(y) + 1), `${n}×1 columns`);
    assertClose(
      projectL1Inf(y, 1, n, radius, { axis: "rows" }),
      projectLInfBall(y, radius),
      1e-12 * (maxAbs(y) + 1),
      `1×${n} rows`,
    );
  }
});

test("ties, zeros, the ball's boundary and radius 0", () => {
  const ties = new Float32Array(12).fill(-2);
  const x = projectL1Inf(ties, 3, 4, 4);
  // Each column clipped at η/4 = 1, rounded down to float32 at most one step (it keeps f32 results feasible).
  assertClose(x, new Array(12).fill(-1), 2 ** -24, "equal entries");
  assert.ok(
    x.every((v) => v >= -1),
    "feasible",
  );
  assert.equal(projectL1Inf(new Float64Array(6), 2, 3, 1), new Float64Array(6), "zeros stay zeros");
  assert.equal(Array.from(projectL1Inf(new Float64Array(6), 2, 3, 0)), [0, 0, 0, 0, 0, 0], "zeros with radius 0");
  const y = new Float64Array([1, -2, 3, -4, 5, -6]);
  assert.equal(projectL1Inf(y, 2, 3, normL1Inf(y, 2, 3)), y, "on the boundary: unchanged");
  assert.equal(projectL1Inf(y, 2, 3, 1e9), y, "inside: unchanged");
  assert.equal(Array.from(projectL1Inf(y, 2, 3, 0), Math.abs), [0, 0, 0, 0, 0, 0], "radius 0");
  assert.equal(projectL1Inf(new Float32Array(0), 0, 5, 1), new Float32Array(0), "empty");
  // Column 0 holds 1 and 100: its clip level stays above 1, so the 1 is kept while the 100 is cut.
  const mixed = projectL1Inf([1, 0, 100, 3], 2, 2, 10);
  assert.equal(mixed[0], 1);
  assertNear(mixed[2] + mixed[3], 10, 1e-12, "Σ μ_j = η");
});

test("zero-copy WasmArray input, in place and into a WasmArray out; number[] gives Float64Array", () => {
  const random = rng(77);
  const rows = 30,
    cols = 20;
  const values = messyValues(random, rows * cols);
  const radius = mixedNormRef(values, rows, cols, "inf") * 0.3;
  const expected = projectL1Inf(Float32Array.from(values), rows, cols, radius);
  const y = allocate(rows * cols, "f32");
  const out = allocate(rows * cols, "f32");
  try {
    y.array.set(values);
    assert.is(projectL1Inf(y, rows, cols, radius, { out }), out.array);
    assert.equal(out.array, expected, "into a WasmArray");
    assert.equal(y.array, Float32Array.from(values), "input not mutated");
    assert.equal(projectL1Inf(y, rows, cols, radius), expected, "WasmArray in, new array out");
    projectL1Inf(y, rows, cols, radius, { out: y });
    assert.equal(y.array, expected, "in place");
  } finally {
    y.free();
    out.free();
  }
  const plain = projectL1Inf(values, rows, cols, radius);
  assert.instance(plain, Float64Array);
  assertClose(plain, l1InfRef(values, rows, cols, radius), 1e-10 * maxAbs(values), "number[]");
});

test("bad input: NaN/±Infinity name the index, overflow and argument errors, data untouched", () => {
  for (const Float of [Float32Array, Float64Array]) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = Float.from([1, -2, 3, 4, 5, bad]);
      const before = x.slice();
      assert.throws(
        () => projectL1Inf(x, 2, 3, 1, { out: x }),
        (e: Error) => e instanceof RangeError && /^x\[5\] is (NaN|-?Infinity)/.test(e.message),
      );
      assert.equal(Array.from(x, String), Array.from(before, String), "untouched");
    }
  }
  assert.throws(
    () => projectL1Inf([1.5e308, 1.5e308, 1, 1], 2, 2, 1, { axis: "rows" }),
    (e: Error) => e instanceof RangeError && /too large/.test(e.message),
    "a row's ℓ1 norm overflows",
  );
  assert.throws(
    () => projectL1Inf([1.5e308, 1.5e308, 1, 1], 2, 2, 1),
    (e: Error) => e instanceof RangeError && /too large/.test(e.message),
    "Σ of the column maxima overflows",
  );
  assert.throws(
    () => projectL1Inf([1, 2, 3], 2, 2, 1),
    (e: Error) => e instanceof RangeError && /rows × cols/.test(e.message),
  );
  assert.throws(
    () => projectL1Inf([1, 2], 1, 2, -1),
    (e: Error) => e instanceof RangeError && /^radius/.test(e.message),
  );
  assert.throws(
    () => projectL1Inf([1, 2], 1, 2, "1" as unknown as number),
    (e: Error) => e instanceof TypeError && /^radius/.test(e.message),
  );
  assert.throws(
    () => projectL1Inf([1, 2], 1, 2, 1, { axis: "diagonal" as Axis }),
    (e: Error) => e instanceof RangeError && /^options\.axis/.test(e.message),
  );
  assert.throws(
    () => projectL1Inf(new Float32Array(2), 1, 2, 1, { out: new Float64Array(2) as unknown as Float32Array }),
    (e: Error) => e instanceof TypeError && /^options\.out/.test(e.message),
  );
  assert.equal(Array.from(projectL1Inf([3, -1], 1, 2, 1)), [1, -0], "next call fine");
});

test.run();
