import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bilevelL11, bilevelL12, bilevelL1Inf, normL11, normL12, normL1Inf } from "../src/index.ts";
import type { Axis } from "../src/types.ts";
import { bilevelRef, type Kind, mixedNormRef } from "./reference.ts";
import { assertClose, assertNear, FLOAT_TYPES, maxAbs, messyValues, randomShape, rng, tolerance } from "./helpers.ts";

const test = suite("bilevel projections vs sort-based references");

const PROJECT = { inf: bilevelL1Inf, "1": bilevelL11, "2": bilevelL12 } as const;
const NORM = { inf: normL1Inf, "1": normL11, "2": normL12 } as const;
const KINDS: Kind[] = ["inf", "1", "2"];
const AXES: Axis[] = ["columns", "rows"];

for (const kind of KINDS) {
  for (const [type, Float] of FLOAT_TYPES) {
    for (const axis of AXES) {
      test(`bilevel ℓ1,${kind} ${type} ${axis}: 150 random signed matrices; feasible, identity, idempotent`, () => {
        const random = rng(KINDS.indexOf(kind) * 100 + Float.BYTES_PER_ELEMENT * 10 + AXES.indexOf(axis));
        for (let trial = 0; trial < 150; trial++) {
          const [rows, cols] = randomShape(random, trial);
          const y = Float.from(messyValues(random, rows * cols));
          const before = y.slice();
          const norm = mixedNormRef(y, rows, cols, kind, axis);
          const radius = random() < 0.1 ? 0 : norm * (random() < 0.85 ? random() : 1 + random());
          const options = { axis };
          const x = PROJECT[kind](y, rows, cols, radius, options);
          assert.instance(x, Float);
          assert.equal(y, before, "input not mutated");
          const scale = maxAbs(y) + radius;
          const tol = tolerance(type, scale);
          const what = `${rows}×${cols} η=${radius}`;
          assertClose(x, bilevelRef(y, rows, cols, radius, kind, axis), tol, what);
          // Feasibility: ‖X‖ ≤ η.
          const projectedNorm = NORM[kind](x, rows, cols, options);
          assert.ok(
            projectedNorm <= radius + tol * Math.max(rows, cols),
            `feasible ${what}: ${projectedNorm} ≤ ${radius}`,
          );
          // Identities (18), (24), (27): ‖Y − X‖ + ‖X‖ = ‖Y‖ in the projection's own norm.
          const residual = Float.from(Array.from(y, (v, i) => v - x[i]));
          assertNear(
            NORM[kind](residual, rows, cols, options) + projectedNorm,
            NORM[kind](y, rows, cols, options),
            tol * rows * cols,
            `identity ${what}`,
          );
          // Idempotence and in-place.
          assertClose(PROJECT[kind](x, rows, cols, radius, options), x, tol, `idempotent ${what}`);
          const inPlace = y.slice();
          assert.is(PROJECT[kind](inPlace, rows, cols, radius, { axis, out: inPlace }), inPlace);
          assert.equal(inPlace, x, "in place = out of place");
        }
      });
    }
  }
  test(`norm ℓ1,${kind} matches the reference on both axes`, () => {
    const random = rng(7 + KINDS.indexOf(kind));
    for (let trial = 0; trial < 50; trial++) {
      const [rows, cols] = randomShape(random, trial);
      const y = messyValues(random, rows * cols);
      for (const axis of AXES) {
        assertNear(
          NORM[kind](y, rows, cols, { axis }),
          mixedNormRef(y, rows, cols, kind, axis),
          1e-9 * (maxAbs(y) + 1) * rows * cols,
          `${rows}×${cols} ${axis}`,
        );
      }
    }
  });
}

test("inside the ball the matrix comes back unchanged; radius 0 zeroes it", () => {
  const y = new Float32Array([1, -2, 3, -4, 5, -6]);
  for (const kind of KINDS) {
    assert.equal(PROJECT[kind](y, 2, 3, 1e6), y);
    assert.equal(Array.from(PROJECT[kind](y, 2, 3, 0), Math.abs), [0, 0, 0, 0, 0, 0]);
  }
});

test("the ℓ1,∞ projection zeroes whole columns (structured sparsity)", () => {
  const random = rng(99);
  const rows = 50,
    cols = 40;
  const y = new Float64Array(messyValues(random, rows * cols));
  const x = bilevelL1Inf(y, rows, cols, normL1Inf(y, rows, cols) * 0.1);
  let zeroColumns = 0;
  for (let j = 0; j < cols; j++) {
    let allZero = true;
    for (let i = 0; i < rows; i++) if (x[i * cols + j] !== 0) allZero = false;
    if (allZero) zeroColumns++;
  }
  assert.ok(zeroColumns > 0 && zeroColumns < cols, `zero columns: ${zeroColumns}`);
});

test("ℓ1,2 on f64 columns whose squares overflow", () => {
  const y = [3e200, 1, -4e200, 1];
  const x = bilevelL12(y, 2, 2, 1e200);
  assertClose(x, bilevelRef(y, 2, 2, 1e200, "2"), 1e188, "huge");
});

test.run();
