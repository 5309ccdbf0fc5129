import { suite } from "uvu";
import * as assert from "uvu/assert";
import { projectL1Ball, projectL2Ball, projectLInfBall, projectSimplex } from "../src/index.ts";
import { l1BallRef, l2BallRef, lInfBallRef, simplexRef } from "./reference.ts";
import { assertClose, assertNear, FLOAT_TYPES, maxAbs, messyValues, randomInt, rng, tolerance } from "./helpers.ts";

const test = suite("vector projections vs sort-based references");

const OPERATORS = [
  {
    name: "l1Ball",
    project: projectL1Ball,
    reference: l1BallRef,
    norm: (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + Math.abs(v), 0),
  },
  {
    name: "simplex",
    project: projectSimplex,
    reference: simplexRef,
    norm: (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0),
  },
  {
    name: "l2Ball",
    project: projectL2Ball,
    reference: l2BallRef,
    norm: (x: ArrayLike<number>) => Math.hypot(...Array.from(x)),
  },
  { name: "lInfBall", project: projectLInfBall, reference: lInfBallRef, norm: maxAbs },
] as const;

for (const op of OPERATORS) {
  for (const [type, Float] of FLOAT_TYPES) {
    test(`${op.name} ${type}: 300 random signed vectors, radius below and above the norm`, () => {
      const random = rng(op.name.length * 1000 + Float.BYTES_PER_ELEMENT);
      for (let trial = 0; trial < 300; trial++) {
        const n = randomInt(random, 1, trial < 250 ? 40 : 3000);
        const y = Float.from(messyValues(random, n));
        const before = y.slice();
        const size = op.name === "simplex" ? maxAbs(y) * n : op.norm(y);
        const radius = random() < 0.15 ? 0 : size * (random() < 0.8 ? random() : 1 + random());
        const x = op.project(y, radius);
        assert.instance(x, Float);
        assert.equal(y, before, "input not mutated");
        const scale = maxAbs(y) + radius;
        assertClose(x, op.reference(y, radius), tolerance(type, scale), `${op.name} n=${n} r=${radius}`);
        // Feasibility (the simplex: on it); idempotence.
        if (op.name === "simplex") assertNear(op.norm(x), radius, tolerance(type, scale) * n, "Σx = radius");
        else
          assert.ok(
            op.norm(x) <= radius * (1 + (type === "f32" ? 1e-6 : 1e-12)) + 1e-300,
            `feasible: ${op.norm(x)} ≤ ${radius}`,
          );
        assertClose(op.project(x, radius), x, tolerance(type, scale), "idempotent");
        // In place gives the same answer.
        const inPlace = y.slice();
        assert.is(op.project(inPlace, radius, { out: inPlace }), inPlace);
        assert.equal(inPlace, x, "in place = out of place");
      }
    });
  }
  test(`${op.name}: number[] gives a Float64Array; out receives the result`, () => {
    const y = [3, -1, 0.5, -4, 2];
    const x = op.project(y, 2);
    assert.instance(x, Float64Array);
    const out = new Float64Array(5);
    assert.is(op.project(y, 2, { out }), out);
    assert.equal(out, x);
  });
}

test("l1Ball: inside the ball the input comes back bit for bit; radius 0 gives zeros", () => {
  const y = new Float64Array([0.1, -0.2, 0.3, 5e-324, -0]);
  assert.equal(projectL1Ball(y, 1), y);
  assert.equal(Array.from(projectL1Ball(y, 0)), [0, 0, 0, 0, 0]);
  assert.equal(projectL2Ball(y, 1), y);
  assert.equal(projectLInfBall(y, 1), y);
});

test("l1Ball on ties, denormals and huge values", () => {
  assertClose(projectL1Ball([1, 1, 1, 1], 2), [0.5, 0.5, 0.5, 0.5], 1e-15, "ties");
  assertClose(projectL1Ball([-2, 2, -2, 2], 4), [-1, 1, -1, 1], 1e-15, "signed ties");
  const tiny = [4e-323, -2e-323, 1e-323];
  assertClose(projectL1Ball(tiny, 2e-323), l1BallRef(tiny, 2e-323), 1e-323, "denormals");
  const huge = [1e300, -3e300, 2e300];
  assertClose(projectL1Ball(huge, 1e300), l1BallRef(huge, 1e300), 1e288, "huge f64");
  const hugeF32 = new Float32Array([1e38, -3e38, 2e38]);
  assertClose(projectL1Ball(hugeF32, 1e38), l1BallRef(hugeF32, 1e38), 1e32, "huge f32");
});

test("l2Ball keeps its norm exact where the sum of squares leaves the f64 range", () => {
  const huge = [3e200, -4e200];
  assertClose(projectL2Ball(huge, 1e200), [0.6e200, -0.8e200], 1e186, "overflowing squares");
  const tiny = [3e-170, -4e-170];
  assertClose(projectL2Ball(tiny, 1e-170), [0.6e-170, -0.8e-170], 1e-184, "underflowing squares");
  const f32 = new Float32Array([3e30, -4e30]);
  assertClose(projectL2Ball(f32, 1e30), [0.6e30, -0.8e30], 1e24, "f32 squares beyond the f32 range");
});

test("simplex: signed input lands on {x ≥ 0, Σx = radius}", () => {
  const x = projectSimplex([-5, -1, -3], 2);
  assertClose(x, [0, 2, 0], 1e-15, "all negative");
  assertClose(projectSimplex([0.2, 0.3, 0.5], 1), [0.2, 0.3, 0.5], 1e-15, "already on the simplex");
  assert.equal(Array.from(projectSimplex([], 0)), []);
});

test("empty vectors project to empty vectors", () => {
  for (const op of [projectL1Ball, projectL2Ball, projectLInfBall]) assert.is(op(new Float32Array(0), 1).length, 0);
});

test.run();
