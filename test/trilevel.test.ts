import { suite } from "uvu";
import * as assert from "uvu/assert";
import { allocate, bilevelL1Inf, normL111, normL1InfInf, trilevelL111, trilevelL1InfInf } from "../src/index.ts";
import { trilevelNormRef, trilevelRef, type TrilevelKind } from "./reference.ts";
import {
  assertClose,
  assertNear,
  FLOAT_TYPES,
  maxAbs,
  messyValues,
  randomInt,
  rng,
  throwsNamed,
  tolerance,
} from "./helpers.ts";

const test = suite("trilevel projections of 3-D tensors vs sort-based references");

const PROJECT = { inf: trilevelL1InfInf, "1": trilevelL111 } as const;
const NORM = { inf: normL1InfInf, "1": normL111 } as const;
const KINDS: TrilevelKind[] = ["inf", "1"];

/** [a, b, c]: every 8th has a zero dimension, the next three one dimension 1, every 20th up to 40³, else up to 9³. */
function randomTensorShape(random: () => number, trial: number): [number, number, number] {
  const limit = trial % 20 === 4 ? 40 : 9;
  const shape: [number, number, number] = [
    randomInt(random, 1, limit),
    randomInt(random, 1, limit),
    randomInt(random, 1, limit),
  ];
  if (trial % 8 === 0) shape[trial % 3] = 0;
  else if (trial % 8 <= 3) shape[(trial % 8) - 1] = 1;
  return shape;
}

for (const kind of KINDS) {
  for (const [type, Float] of FLOAT_TYPES) {
    test(
      `trilevel ℓ1,${kind === "inf" ? "∞,∞" : "1,1"} ${type}: ` +
        "200 random signed tensors; feasibility, identity, idempotence",
      () => {
        const random = rng(KINDS.indexOf(kind) * 100 + Float.BYTES_PER_ELEMENT + 5);
        for (let trial = 0; trial < 200; trial++) {
          const [a, b, c] = randomTensorShape(random, trial);
          const y = Float.from(messyValues(random, a * b * c));
          const before = y.slice();
          const norm = trilevelNormRef(y, a, b, c, kind);
          const radius = random() < 0.1 ? 0 : norm * (random() < 0.85 ? random() : 1 + random());
          const x = PROJECT[kind](y, a, b, c, radius);
          assert.instance(x, Float);
          assert.equal(y, before, "input not mutated");
          const tol = tolerance(type, maxAbs(y) + radius);
          const what = `[${a}, ${b}, ${c}] η=${radius}`;
          assertClose(x, trilevelRef(y, a, b, c, radius, kind), tol, what);
          // Feasibility: ‖X‖ ≤ η.
          const projected = NORM[kind](x, a, b, c);
          assert.ok(projected <= radius + tol * Math.max(a, b, c), `feasible ${what}: ${projected} ≤ ${radius}`);
          // The identity ‖Y − X‖ + ‖X‖ = ‖Y‖ in the trilevel norm.
          const residual = Float.from(Array.from(y, (v, i) => v - x[i]));
          assertNear(
            NORM[kind](residual, a, b, c) + projected,
            NORM[kind](y, a, b, c),
            tol * (a * b * c + 1),
            `identity ${what}`,
          );
          // Idempotence and in place.
          assertClose(PROJECT[kind](x, a, b, c, radius), x, tol, `idempotent ${what}`);
          const inPlace = y.slice();
          assert.is(PROJECT[kind](inPlace, a, b, c, radius, { out: inPlace }), inPlace);
          assert.equal(inPlace, x, "in place = out of place");
        }
      },
    );

    test(`trilevel ℓ1,${kind} ${type}: zero-copy WasmArrays`, () => {
      const [a, b, c] = [7, 13, 9];
      const values = messyValues(rng(3), a * b * c);
      const radius = trilevelNormRef(values, a, b, c, kind) / 4;
      const x = allocate(a * b * c, type as "f64"),
        out = allocate(a * b * c, type as "f64");
      try {
        x.array.set(values);
        assert.is(PROJECT[kind](x, a, b, c, radius, { out }), out.array);
        assert.equal(Array.from(out.array), Array.from(PROJECT[kind](Float.from(values), a, b, c, radius)));
        assertNear(
          NORM[kind](x, a, b, c),
          trilevelNormRef(x.array, a, b, c, kind),
          1e-9 * radius,
          "norm of a WasmArray",
        );
      } finally {
        [x, out].forEach((m) => m.free());
      }
    });
  }

  test(`norm ℓ1,${kind} matches the reference`, () => {
    const random = rng(17 + KINDS.indexOf(kind));
    for (let trial = 0; trial < 60; trial++) {
      const [a, b, c] = randomTensorShape(random, trial);
      const y = messyValues(random, a * b * c);
      assertNear(
        NORM[kind](y, a, b, c),
        trilevelNormRef(y, a, b, c, kind),
        1e-12 * (maxAbs(y) + 1) * (a * b * c + 1),
        `[${a}, ${b}, ${c}]`,
      );
    }
  });
}

test("inside the ball the tensor comes back bit for bit; radius 0 zeroes it", () => {
  const y = new Float32Array([1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12]);
  for (const kind of KINDS) {
    assert.equal(PROJECT[kind](y, 2, 3, 2, 1e6), y);
    assert.equal(PROJECT[kind](y, 2, 3, 2, NORM[kind](y, 2, 3, 2)), y, "on the sphere");
    assert.equal(Array.from(PROJECT[kind](y, 2, 3, 2, 0), Math.abs), new Array(12).fill(0));
  }
});

test("hand-worked ℓ1,∞,∞: [2, 2, 2], η = 3", () => {
  // Fibre maxima (4, 2 | 1, 1), group maxima (4, 1): u = P_ℓ1,3(4, 1) = (3, 0). Group 0: v = min((4, 2), 3)
  // = (3, 2), so the first fibre is clipped at 3 and the second kept; group 1 is zeroed. ‖X‖ = 3 = η.
  const y = [4, -1, 2, -2, 1, 0.5, -1, 1];
  assert.equal(
    Array.from(trilevelL1InfInf(y, 2, 2, 2, 3), (v) => v + 0),
    [3, -1, 2, -2, 0, 0, 0, 0],
  );
  // Fibre ℓ1 norms (5, 4 | 1.5, 2), group norms (9, 3.5): u = P_ℓ1,4(9, 3.5) = (4, 0) (τ = 5 > 3.5),
  // v = P_ℓ1,4(5, 4) = (2.5, 1.5); the fibre (4, −1) onto the ℓ1 ball of 2.5 is (2.5, 0),
  // (2, −2) onto 1.5 is (0.75, −0.75).
  assertClose(trilevelL111(y, 2, 2, 2, 4), [2.5, 0, 0.75, -0.75, 0, 0, 0, 0], 1e-15, "ℓ1,1,1");
});

test("ℓ1,∞,∞ = the authors' operator: ‖X‖ = η when ‖Y‖ > η; the bilevel ℓ1,∞ of [a, b·c]", () => {
  // Their test case (memo-p/projection): a random 1000 × 100 × 10 tensor, ‖X‖ = η within 1e-4.
  for (const [a, b, c, seed] of [
    [1000, 100, 10, 29],
    [7, 1, 5, 23],
    [13, 9, 4, 31],
    [1, 40, 3, 37],
  ]) {
    for (const [type, Float] of FLOAT_TYPES) {
      const y = Float.from(messyValues(rng(seed), a * b * c));
      for (const share of [0.9, 0.3, 0.01]) {
        const eta = normL1InfInf(y, a, b, c) * share;
        const x = trilevelL1InfInf(y, a, b, c, eta);
        const what = `${type} [${a}, ${b}, ${c}] η = ${share}·‖Y‖`;
        assertNear(normL1InfInf(x, a, b, c), eta, 1e-4 * eta, `on the ball, ${what}`);
        // Clipping a fibre at min(its max, u_i) is clipping it at u_i: the row-group bilevel projection, bit for bit.
        assert.equal(x, bilevelL1Inf(y, a, b * c, eta, { axis: "rows" }), `equals the reshaped bilevel, ${what}`);
      }
    }
  }
});

test("ℓ1,∞,∞ is continuous at the sphere (the earlier ℓ1 middle step jumped there)", () => {
  const y = [4, -1, 2, -2, 1, 0.5, -1, 1]; // ‖Y‖ = 5
  const atSphere = trilevelL1InfInf(y, 2, 2, 2, 5),
    justInside = trilevelL1InfInf(y, 2, 2, 2, 4.999);
  assert.ok(
    Array.from(atSphere).every((v, i) => Math.abs(v - justInside[i]) <= 1e-3 + 1e-12),
    `${justInside}`,
  );
});

test("errors name the argument", () => {
  throwsNamed(
    () => trilevelL1InfInf([1, 2, 3], 1, 2, 2, 1),
    RangeError,
    /^a × b × c = 1 × 2 × 2 = 4 but x has length 3$/,
    "shape",
  );
  throwsNamed(
    () => trilevelL111([1, 2], 1, 0.5, 4, 1),
    RangeError,
    /^b must be a non-negative integer/,
    "fractional b",
  );
  throwsNamed(() => normL111([1, 2], -1, 1, 2), RangeError, /^a must be a non-negative integer/, "negative a");
  throwsNamed(() => normL1InfInf([1, 2], 1, 1, "2" as unknown as number), TypeError, /^c must be a number/, "c type");
  throwsNamed(() => trilevelL111([1, 2], 1, 1, 2, -1), RangeError, /^radius must be a finite number ≥ 0/, "radius");
  throwsNamed(
    () => trilevelL111([1, 2], 1, 1, 2, 1, { out: new Float32Array(2) as unknown as Float64Array }),
    TypeError,
    /^options\.out must be a Float64Array/,
    "out type",
  );
  for (const Float of [Float32Array, Float64Array]) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const y = new Float(60).fill(1);
      y[37] = bad;
      const before = y.slice();
      for (const kind of KINDS) {
        throwsNamed(
          () => PROJECT[kind](y, 3, 4, 5, 1, { out: y }),
          RangeError,
          new RegExp(`^x\\[37\\] is ${bad}`),
          `${kind} ${bad}`,
        );
        throwsNamed(() => NORM[kind](y, 3, 4, 5), RangeError, /^x\[37\]/, `norm ${kind} ${bad}`);
        assert.equal(Array.from(y, String), Array.from(before, String), "in-place data left as it was");
      }
    }
  }
  throwsNamed(
    () => trilevelL111([1e308, 1e308], 1, 1, 2, 1),
    RangeError,
    /^x: values too large/,
    "overflowing ℓ1 norm",
  );
});

test.run();
