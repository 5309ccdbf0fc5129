import { suite } from "uvu";
import * as assert from "uvu/assert";
import { allocate, projectL1Ball, projectWeightedL1Ball } from "../src/index.ts";
import { weightedL1BallRef } from "./reference.ts";
import { assertClose, FLOAT_TYPES, maxAbs, messyValues, randomInt, rng, throwsNamed, tolerance } from "./helpers.ts";

const test = suite("weighted ℓ1 ball vs a sort-based reference");

const weightedNorm = (x: ArrayLike<number>, w: ArrayLike<number>) =>
  Array.from(x).reduce((s, v, i) => s + w[i] * Math.abs(v), 0);

/** Positive weights: spread over four decades, or all equal (ties of breakpoints), or drawn from a few values. */
function randomWeights(random: () => number, n: number): number[] {
  const r = random();
  if (r < 0.15) return new Array<number>(n).fill(0.1 + random() * 3);
  if (r < 0.3) {
    const pool = [0.5, 1, 2, 7];
    return Array.from({ length: n }, () => pool[Math.floor(random() * pool.length)]);
  }
  return Array.from({ length: n }, () => 10 ** (random() * 4 - 2));
}

for (const [type, Float] of FLOAT_TYPES) {
  test(`${type}: 400 random signed vectors and weights; feasibility, idempotence, in place, input untouched`, () => {
    const random = rng(31 + Float.BYTES_PER_ELEMENT);
    for (let trial = 0; trial < 400; trial++) {
      const n = trial < 5 ? trial : randomInt(random, 1, trial < 330 ? 40 : trial < 390 ? 5000 : 30000);
      const y = Float.from(messyValues(random, n));
      const w = Float.from(randomWeights(random, n));
      const [yBefore, wBefore] = [y.slice(), w.slice()];
      const size = weightedNorm(y, w);
      const radius = random() < 0.1 ? 0 : size * (random() < 0.85 ? random() : 1 + random());
      const x = projectWeightedL1Ball(y, w, radius);
      assert.instance(x, Float);
      assert.equal(y, yBefore, "x not mutated");
      assert.equal(w, wBefore, "weights not mutated");
      const tol = tolerance(type, maxAbs(y) + radius);
      const what = `n=${n} η=${radius}`;
      assertClose(x, weightedL1BallRef(y, w, radius), tol, what);
      assert.ok(
        weightedNorm(x, w) <= radius * (1 + (type === "f32" ? 1e-6 : 1e-12)) + 1e-300,
        `feasible ${what}: ${weightedNorm(x, w)} ≤ ${radius}`,
      );
      assertClose(projectWeightedL1Ball(x, w, radius), x, tol, `idempotent ${what}`);
      const inPlace = y.slice();
      assert.is(projectWeightedL1Ball(inPlace, w, radius, { out: inPlace }), inPlace);
      assert.equal(inPlace, x, "in place = out of place");
    }
  });

  test(`${type}: with all weights 1 it is projectL1Ball`, () => {
    const random = rng(77 + Float.BYTES_PER_ELEMENT);
    for (let trial = 0; trial < 100; trial++) {
      const n = randomInt(random, 1, trial < 80 ? 50 : 4000);
      const y = Float.from(messyValues(random, n));
      const radius = weightedNorm(y, new Float64Array(n).fill(1)) * random() * 1.2;
      const ones = new Float(n).fill(1);
      assertClose(
        projectWeightedL1Ball(y, ones, radius),
        projectL1Ball(y, radius),
        tolerance(type, maxAbs(y) + radius),
        `n=${n} η=${radius}`,
      );
    }
  });

  test(`${type}: zero-copy WasmArrays for x, weights and out`, () => {
    const random = rng(5 + Float.BYTES_PER_ELEMENT);
    const n = 1001;
    const values = messyValues(random, n);
    const weights = randomWeights(random, n);
    const radius = weightedNorm(values, weights) / 3;
    const x = allocate(n, type as "f64"),
      w = allocate(n, type as "f64"),
      out = allocate(n, type as "f64");
    try {
      x.array.set(values);
      w.array.set(weights);
      assert.is(projectWeightedL1Ball(x, w, radius, { out }), out.array);
      assert.equal(
        Array.from(out.array),
        Array.from(projectWeightedL1Ball(Float.from(values), Float.from(weights), radius)),
      );
      projectWeightedL1Ball(x, w, radius, { out: x });
      assert.equal(Array.from(x.array), Array.from(out.array), "in place in module memory");
    } finally {
      [x, w, out].forEach((a) => a.free());
    }
  });
}

test("inside the ball the input comes back bit for bit; radius 0 gives zeros; empty stays empty", () => {
  const y = new Float64Array([0.1, -0.2, 0.3, 5e-324, -0]);
  const w = [1, 2, 0.5, 3, 1];
  assert.equal(projectWeightedL1Ball(y, w, 1), y);
  assert.equal(Array.from(projectWeightedL1Ball(y, w, 0), Math.abs), [0, 0, 0, 0, 0]);
  assert.is(projectWeightedL1Ball(new Float32Array(0), [], 1).length, 0);
});

test("hand-worked: y = (3, −1, 0.5, 2, 5, 6), w = (1, 2, 1, 0.5, 3, 1), η = 2: only t = 6 is active, τ = 4", () => {
  assert.equal(
    Array.from(projectWeightedL1Ball(new Float32Array([3, -1, 0.5, 2, 5, 6]), [1, 2, 1, 0.5, 3, 1], 2)),
    [0, 0, 0, 0, 0, 2],
  );
  // Breakpoints 4 and 2 (w = 0.5, 1): τ = (0.5·2 + 1·2 − 1)/(0.25 + 1) = 1.6, x = (2 − 0.8, 2 − 1.6).
  assertClose(projectWeightedL1Ball([2, -2], [0.5, 1], 1), [1.2, -0.4], 1e-15, "two active");
});

test("errors name the argument; a number[] of weights takes x's float type", () => {
  for (const bad of [0, -1, -0, NaN, Infinity, -Infinity]) {
    throwsNamed(
      () => projectWeightedL1Ball([1, 2, 3, 4], [1, 1, 1, bad], 1),
      RangeError,
      new RegExp(`^weights\\[3\\] is ${bad}; weights must be positive and finite$`),
      `weight ${bad}`,
    );
    throwsNamed(
      () => projectWeightedL1Ball(new Float32Array(9), new Float32Array(9).fill(1).fill(bad, 5), 1),
      RangeError,
      /^weights\[5\] is/,
      `f32 weight ${bad}`,
    );
  }
  throwsNamed(
    () => projectWeightedL1Ball([1, 2, 3], [1, 1], 1),
    RangeError,
    /^weights has length 2 but x has length 3$/,
    "length",
  );
  throwsNamed(
    () => projectWeightedL1Ball(new Float32Array(2), new Float64Array(2).fill(1), 1),
    TypeError,
    /^weights must hold f32 like x/,
    "type",
  );
  throwsNamed(
    () => projectWeightedL1Ball([1, 2], "1, 1" as unknown as number[], 1),
    TypeError,
    /^weights must be/,
    "not an array",
  );
  throwsNamed(
    () => projectWeightedL1Ball([1, 2], [1, "1"] as unknown as number[], 1),
    TypeError,
    /^weights\[1\] must be a number/,
    "element",
  );
  throwsNamed(
    () => projectWeightedL1Ball([1, 2], [1, 1], -1),
    RangeError,
    /^radius must be a finite number ≥ 0/,
    "radius",
  );
  throwsNamed(() => projectWeightedL1Ball([1, NaN, 3], [1, 1, 1], 1), RangeError, /^x\[1\] is NaN/, "NaN data");
  throwsNamed(
    () => projectWeightedL1Ball(new Float32Array([1, 2, Infinity]), [1, 1, 1], 1),
    RangeError,
    /^x\[2\] is Infinity/,
    "infinite data",
  );
  const w = allocate(4, "f64");
  try {
    w.array.fill(1);
    throwsNamed(
      () => projectWeightedL1Ball([1, 2, 3, 4], w, 1, { out: w }),
      RangeError,
      /^options\.out overlaps weights/,
      "out over weights",
    );
  } finally {
    w.free();
  }
  assert.instance(
    projectWeightedL1Ball(new Float32Array([3, 1]), [1, 0.5], 1),
    Float32Array,
    "number[] weights with f32 x",
  );
  throwsNamed(
    () => projectWeightedL1Ball(new Float32Array([3, 1]), [1, 1e-50], 1),
    RangeError,
    /^weights\[1\] is 0/,
    "a weight that rounds to 0 in f32",
  );
});

test.run();
