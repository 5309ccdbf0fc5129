import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as sp from "../src/index.ts";
import type { GroupedShape, GroupNormKind } from "../src/types.ts";
import { bilevelGroupedRef, groupedNormRef, type Kind } from "./reference.ts";
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

const test = suite(
  "grouped view [outer, groups, inner]: bilevel projections vs references, matrix cases, stages, pool",
);

const PROJECT = { inf: sp.bilevelL1InfGrouped, "1": sp.bilevelL11Grouped, "2": sp.bilevelL12Grouped } as const;
const MATRIX = { inf: sp.bilevelL1Inf, "1": sp.bilevelL11, "2": sp.bilevelL12 } as const;
const MATRIX_NORM = { inf: sp.normL1Inf, "1": sp.normL11, "2": sp.normL12 } as const;
const KINDS: Kind[] = ["inf", "1", "2"];

/**
 * Random [outer, groups, inner]: every 9th has a zero dimension, the next three a dimension 1 (matrix columns,
 * matrix rows, single group), every 7th a long span or a wide row (both kernel sweeps and the cache bound), else
 * up to [12, 20, 20].
 */
function randomGroupedShape(random: () => number, trial: number): [number, number, number] {
  const shape: [number, number, number] = [
    randomInt(random, 1, 12),
    randomInt(random, 1, 20),
    randomInt(random, 1, 20),
  ];
  if (trial % 7 === 5) return [randomInt(random, 2, 6), randomInt(random, 1, 400), randomInt(random, 14, 70)];
  if (trial % 9 === 0) shape[trial % 3] = 0;
  else if (trial % 9 <= 3) shape[(trial % 9) - 1] = 1;
  return shape;
}

const count = (shape: GroupedShape) => shape[0] * shape[1] * shape[2];

for (const kind of KINDS) {
  for (const [type, Float] of FLOAT_TYPES) {
    test(
      `grouped ℓ1,${kind} ${type}: 150 random signed tensors vs reference; ` +
        "feasibility, identity, idempotence, in place",
      () => {
        const random = rng(KINDS.indexOf(kind) * 100 + Float.BYTES_PER_ELEMENT + 4000);
        for (let trial = 0; trial < 150; trial++) {
          const shape = randomGroupedShape(random, trial);
          const y = Float.from(messyValues(random, count(shape)));
          const before = y.slice();
          const norm = groupedNormRef(y, shape, kind);
          const radius = random() < 0.1 ? 0 : norm * (random() < 0.85 ? random() : 1 + random());
          const x = PROJECT[kind](y, shape, radius);
          assert.instance(x, Float);
          assert.equal(y, before, "input not mutated");
          const tol = tolerance(type, maxAbs(y) + radius);
          const what = `[${shape.join(", ")}] η=${radius}`;
          assertClose(x, bilevelGroupedRef(y, shape, radius, kind), tol, what);
          assertNear(sp.groupedNorm(kind, y, shape), norm, 1e-9 * (maxAbs(y) + 1) * (count(shape) + 1), `norm ${what}`);
          // Feasibility ‖X‖ ≤ η, and the identities (18), (24), (27): ‖Y − X‖ + ‖X‖
          // = ‖Y‖ in the grouped norm.
          const projected = sp.groupedNorm(kind, x, shape);
          assert.ok(projected <= radius + tol * Math.max(...shape, 1), `feasible ${what}: ${projected} ≤ ${radius}`);
          const residual = Float.from(Array.from(y, (v, i) => v - x[i]));
          assertNear(
            sp.groupedNorm(kind, residual, shape) + projected,
            sp.groupedNorm(kind, y, shape),
            tol * (count(shape) + 1),
            `identity ${what}`,
          );
          assertClose(PROJECT[kind](x, shape, radius), x, tol, `idempotent ${what}`);
          const inPlace = y.slice();
          assert.is(sp.bilevelGrouped(kind, inPlace, shape, radius, { out: inPlace }), inPlace);
          assert.equal(inPlace, x, "in place = out of place");
        }
      },
    );
  }

  test(
    `grouped ℓ1,${kind}: [rows, cols, 1] and [1, rows, cols] are ` +
      "the matrix functions with axis 'columns' and 'rows', bit for bit",
    () => {
      const random = rng(KINDS.indexOf(kind) + 4100);
      for (let trial = 0; trial < 120; trial++) {
        const [type, Float] = FLOAT_TYPES[trial % 2];
        const rows = trial % 10 === 0 ? 1 : randomInt(random, 1, trial % 13 === 1 ? 300 : 40);
        const cols = trial % 10 === 1 ? 1 : randomInt(random, 1, trial % 13 === 2 ? 300 : 40);
        const y = Float.from(messyValues(random, rows * cols));
        for (const axis of ["columns", "rows"] as const) {
          const shape: GroupedShape = axis === "columns" ? [rows, cols, 1] : [1, rows, cols];
          const norm = MATRIX_NORM[kind](y, rows, cols, { axis });
          assert.is(sp.groupedNorm(kind, y, shape), norm, `${type} ${rows}×${cols} ${axis} norm`);
          const radius = norm * random();
          assert.equal(
            sp.bilevelGrouped(kind, y, shape, radius),
            MATRIX[kind](y, rows, cols, radius, { axis }),
            `${type} ${rows}×${cols} ${axis}`,
          );
        }
      }
    },
  );
}

test("Conv2d weights: zero groups are whole input channels, output filters, transposed-convolution channels", () => {
  const random = rng(4200);
  const [O, I, kh, kw] = [8, 6, 3, 3];
  const w = Float32Array.from(messyValues(random, O * I * kh * kw));
  const zeroed = (x: Float32Array, shape: GroupedShape) => {
    const [outer, groups, inner] = shape;
    let zero = 0;
    for (let g = 0; g < groups; g++) {
      let all = true;
      for (let o = 0; o < outer; o++)
        for (let k = 0; k < inner; k++) if (x[(o * groups + g) * inner + k] !== 0) all = false;
      if (all) zero++;
    }
    return zero;
  };
  // [O, I, kh, kw] by input channel: a zero group is channel i in every filter (it, and the previous layer's
  // filter i, can be deleted); by output filter: a zero group is a whole filter.
  for (const shape of [
    [O, I, kh * kw],
    [1, O, I * kh * kw],
  ] as GroupedShape[]) {
    const x = sp.bilevelL1InfGrouped(w, shape, sp.groupedNorm("inf", w, shape) * 0.2);
    const zero = zeroed(x, shape);
    assert.ok(zero > 0 && zero < shape[1], `[${shape.join(", ")}]: ${zero} zero groups of ${shape[1]}`);
  }
  // A transposed convolution stored [I, O, kh, kw], by input channel: [1, I, O·kh·kw],
  // row groups of the [I, O·kh·kw] matrix.
  const t = sp.bilevelL12Grouped(w, [1, O, I * kh * kw], 1);
  assert.equal(t, sp.bilevelL12(w, O, I * kh * kw, 1, { axis: "rows" }));
});

test("grouped errors name the argument; the next call works", () => {
  const x = new Float64Array(24).fill(1);
  throwsNamed(
    () => sp.bilevelL1InfGrouped(x, 24 as unknown as GroupedShape, 1),
    TypeError,
    /^shape must be an array \[outer, groups, inner\]; got number 24/,
    "not an array",
  );
  throwsNamed(
    () => sp.bilevelL1InfGrouped(x, [4, 6] as unknown as GroupedShape, 1),
    RangeError,
    /^shape must be \[outer, groups, inner\]; got 2 dimensions/,
    "two dims",
  );
  throwsNamed(
    () => sp.bilevelL11Grouped(x, [2, 1.5, 8], 1),
    RangeError,
    /^shape\[1\] \(groups\) must be a non-negative integer; got 1\.5/,
    "non-integer",
  );
  throwsNamed(
    () => sp.bilevelL12Grouped(x, [2, -3, 4], 1),
    RangeError,
    /^shape\[1\] \(groups\) must be a non-negative integer; got -3/,
    "negative",
  );
  throwsNamed(
    () => sp.groupedNorm("inf", x, [2, "3", 4] as unknown as GroupedShape),
    TypeError,
    /^shape\[1\] \(groups\) must be a number/,
    "string dim",
  );
  throwsNamed(
    () => sp.groupedNorm("1", x, [2, 3, 5]),
    RangeError,
    /^outer × groups × inner = 2 × 3 × 5 = 30 but x has length 24/,
    "product",
  );
  throwsNamed(
    () => sp.bilevelGrouped("max" as GroupNormKind, x, [2, 3, 4], 1),
    RangeError,
    /^kind must be 'inf', '1' or '2'/,
    "kind",
  );
  throwsNamed(
    () => sp.bilevelL1InfGrouped(x, [2, 3, 4], -1),
    RangeError,
    /^radius must be a finite number ≥ 0/,
    "radius",
  );
  throwsNamed(
    () => sp.bilevelL1InfGrouped(x, [2, 3, 4], 1, { out: new Float32Array(24) as unknown as Float64Array }),
    TypeError,
    /options\.out must be a Float64Array/,
    "out type",
  );
  // NaN and ±Infinity in either sweep (columns: short spans; spans: outer = 1 or long spans), every kind.
  for (const shape of [
    [4, 3, 2],
    [1, 3, 8],
    [2, 2, 70],
    [6, 4, 1],
  ] as GroupedShape[]) {
    for (const [type, Float] of FLOAT_TYPES) {
      for (const kind of KINDS) {
        const y = new Float(count(shape)).fill(0.5);
        const at = count(shape) - 3;
        y[at] = kind === "2" ? Infinity : NaN;
        const what = `${type} ℓ1,${kind} [${shape.join(", ")}]`;
        throwsNamed(
          () => sp.bilevelGrouped(kind, y, shape, 0.1),
          RangeError,
          new RegExp(`^x\\[${at}\\] is (NaN|Infinity)`),
          what,
        );
        throwsNamed(() => sp.groupedNorm(kind, y, shape), RangeError, new RegExp(`^x\\[${at}\\] is`), `norm ${what}`);
      }
    }
  }
  assert.equal(Array.from(sp.bilevelL1InfGrouped([3, -1, 0.5, -2, 0.25, 4], [2, 3, 1], 3)), [1, -0, 0.5, -1, 0, 2]);
});

test("grouped zero-copy arrays, and huge f64 data whose sums of squares overflow", () => {
  const shape: GroupedShape = [7, 11, 9];
  const values = messyValues(rng(4300), count(shape));
  for (const [type, Float] of FLOAT_TYPES) {
    const x = sp.allocate(count(shape), type as "f64");
    try {
      x.array.set(values);
      const expected = sp.bilevelL11Grouped(Float.from(values), shape, 3);
      assert.is(sp.bilevelL11Grouped(x, shape, 3, { out: x }), x.array);
      assert.equal(Array.from(x.array), Array.from(expected), type);
    } finally {
      x.free();
    }
  }
  for (const shape of [
    [5, 4, 3],
    [3, 4, 100],
    [1, 4, 3],
  ] as GroupedShape[]) {
    const y = Float64Array.from(messyValues(rng(4301), count(shape)), (v) => v * 1e200);
    const norm = sp.groupedNorm("2", y, shape);
    assertNear(norm, groupedNormRef(y, shape, "2"), 1e-12 * norm, `huge [${shape.join(", ")}]`);
    assertClose(
      sp.bilevelL12Grouped(y, shape, norm / 3),
      bilevelGroupedRef(y, shape, norm / 3, "2"),
      1e-10 * maxAbs(y),
      `huge [${shape.join(", ")}]`,
    );
  }
});

/** Random cut points of [0, n), with empty and one-long blocks among them. */
function randomCuts(random: () => number, n: number): Array<[number, number]> {
  const cuts = [0];
  while (cuts[cuts.length - 1] < n) {
    const r = random();
    const step = r < 0.15 ? 0 : r < 0.4 ? 1 : randomInt(random, 1, Math.max(1, n >> 1));
    cuts.push(Math.min(n, cuts[cuts.length - 1] + step));
  }
  return cuts.slice(1).map((end, k) => [cuts[k], end]);
}

for (const kind of ["inf", "1", "2"] as GroupNormKind[]) {
  test(
    `staged ℓ1,${kind} on grouped shapes: blocks of outer (merged) or, with outer = 1, ` +
      `of groups (concatenated) = one-shot${kind === "inf" ? " bit for bit" : ""}`,
    () => {
      const random = rng(4400 + KINDS.indexOf(kind));
      for (let trial = 0; trial < 60; trial++) {
        const [type, Float] = FLOAT_TYPES[trial % 2];
        const byGroups = trial % 3 === 0 || kind === "1";
        const [outer, groups, inner]: GroupedShape = byGroups
          ? [1, randomInt(random, 1, 40), randomInt(random, 1, 30)]
          : [randomInt(random, 1, 20), randomInt(random, 1, 30), randomInt(random, 1, trial % 5 === 1 ? 70 : 12)];
        const shape: GroupedShape = [outer, groups, inner];
        const y = Float.from(messyValues(random, count(shape)));
        const radius = sp.groupedNorm(kind, y, shape) * random();
        const expected = sp.bilevelGrouped(kind, y, shape, radius);
        const out = new Float(y.length);
        if (byGroups) {
          const cuts = randomCuts(random, groups);
          const partials = cuts.map(([a, b]) =>
            sp.groupNorms(y.subarray(a * inner, b * inner), [1, b - a, inner], kind),
          );
          const norms = sp.combineGroupNorms(kind, [Float64Array.from(partials.flatMap((p) => Array.from(p)))]);
          const u = sp.bilevelThresholds(kind, norms, radius);
          for (const [a, b] of cuts) {
            out.set(
              sp.applyBilevel(
                y.subarray(a * inner, b * inner),
                [1, b - a, inner],
                kind,
                u.subarray(a, b),
                norms.subarray(a, b),
              ),
              a * inner,
            );
          }
        } else {
          const slab = groups * inner;
          const cuts = randomCuts(random, outer);
          const norms = sp.combineGroupNorms(
            kind,
            cuts.map(([a, b]) => sp.groupNorms(y.subarray(a * slab, b * slab), [b - a, groups, inner], kind)),
          );
          const u = sp.bilevelThresholds(kind, norms, radius);
          for (const [a, b] of cuts)
            out.set(sp.applyBilevel(y.subarray(a * slab, b * slab), [b - a, groups, inner], kind, u, norms), a * slab);
        }
        const what = `${type} [${shape.join(", ")}]`;
        if (kind === "inf") assert.equal(out, expected, what);
        else assertClose(out, expected, tolerance(type, maxAbs(y) + radius), what);
      }
    },
  );
}

test("staged ℓ1,1 on a grouped shape: a block holding part of each group is refused", () => {
  const shape: GroupedShape = [6, 5, 4];
  const y = new Float64Array(messyValues(rng(4500), count(shape)));
  const norms = sp.combineGroupNorms("1", [sp.groupNorms(y, shape, "1")]);
  const u = sp.bilevelThresholds("1", norms, 2);
  assert.equal(sp.applyBilevel(y, shape, "1", u, norms), sp.bilevelL11Grouped(y, shape, 2));
  throwsNamed(
    () => sp.applyBilevel(y.subarray(0, 40), [2, 5, 4], "1", u, norms),
    RangeError,
    /needs the whole group in one block/,
    "partial block",
  );
  throwsNamed(
    () => sp.applyBilevel(y, shape, "inf", u.subarray(1), norms),
    RangeError,
    /^u has length 4; expected one entry per group: 5/,
    "u length",
  );
});

for (const threads of [2, 4]) {
  test(`${threads}-thread pool, grouped shapes = the calling thread (ℓ1,∞ and outer = 1 bit for bit)`, async () => {
    const pool = await sp.createPool({ threads });
    try {
      (pool as sp.Pool & { __setMinParallelElements(n: number): void }).__setMinParallelElements(1);
      const random = rng(4600 + threads);
      for (let trial = 0; trial < 40; trial++) {
        const [type, Float] = FLOAT_TYPES[trial % 2];
        const shape =
          trial % 10 === 3
            ? ([randomInt(random, 2, 5), randomInt(random, 50, 200), randomInt(random, 20, 70)] as GroupedShape)
            : randomGroupedShape(random, trial);
        const y = Float.from(messyValues(random, count(shape)));
        for (const kind of KINDS) {
          const norm = sp.groupedNorm(kind, y, shape);
          const radius = random() < 0.1 ? 0 : norm * random();
          const expected = sp.bilevelGrouped(kind, y, shape, radius);
          const actual = await pool.bilevelGrouped(kind, y, shape, radius);
          const what = `${type} [${shape.join(", ")}] ℓ1,${kind} η=${radius}`;
          assert.instance(actual, Float, what);
          const poolNorm = await pool.groupedNorm(kind, y, shape);
          if (kind === "inf" || shape[0] === 1) {
            assert.equal(actual, expected, what);
            assert.is(poolNorm, norm, `norm ${what}`);
          } else {
            assertClose(actual, expected, tolerance(type, maxAbs(y) + radius), what);
            assertNear(poolNorm, norm, 1e-12 * norm, `norm ${what}`);
          }
        }
        const named = {
          inf: pool.bilevelL1InfGrouped,
          "1": pool.bilevelL11Grouped,
          "2": pool.bilevelL12Grouped,
        } as const;
        assert.equal(await named.inf.call(pool, y, shape, 1), sp.bilevelL1InfGrouped(y, shape, 1), "named ℓ1,∞");
      }
      let error: unknown;
      await pool.bilevelL11Grouped(new Float64Array(6), [2, 2, 2], 1).catch((e: unknown) => (error = e));
      assert.instance(error, RangeError, "the pool rejects a bad shape");
    } finally {
      await pool.close();
    }
  });
}

test.run();
