import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as sp from "../src/index.ts";
import { heap } from "../src/runtime/engine.ts";
import type { Axis, GroupNormKind } from "../src/types.ts";
import { assertClose, FLOAT_TYPES, maxAbs, messyValues, randomInt, rng, tolerance } from "./helpers.ts";

const test = suite("staged bilevel API: row blocks compose to the one-shot result");

const ONE_SHOT = { inf: sp.bilevelL1Inf, "1": sp.bilevelL11, "2": sp.bilevelL12 } as const;

/** Random cut points, with empty blocks and one-row blocks among them. */
function randomSplit(random: () => number, rows: number): Array<[number, number]> {
  const cuts = [0];
  while (cuts[cuts.length - 1] < rows) {
    const r = random();
    const step = r < 0.15 ? 0 : r < 0.4 ? 1 : randomInt(random, 1, Math.max(1, rows >> 1));
    cuts.push(Math.min(rows, cuts[cuts.length - 1] + step));
  }
  return cuts.slice(1).map((end, k) => [cuts[k], end]);
}

function composed(
  kind: GroupNormKind,
  y: Float32Array | Float64Array,
  rows: number,
  cols: number,
  radius: number,
  axis: Axis,
  split: Array<[number, number]>,
) {
  assert.is(split[split.length - 1][1], rows, "the split covers every row");
  const blocks = split.map(([a, b]) => y.subarray(a * cols, b * cols));
  const partials = blocks.map((block, k) => sp.groupNorms(block, split[k][1] - split[k][0], cols, kind, { axis }));
  // Column groups merge the blocks' partials; row groups own their rows, so their norms are concatenated.
  const norms =
    axis === "columns"
      ? sp.combineGroupNorms(kind, partials)
      : sp.combineGroupNorms(kind, [Float64Array.from(partials.flatMap((p) => Array.from(p)))]);
  const u = sp.bilevelThresholds(kind, norms, radius);
  const out = new (y.constructor as Float64ArrayConstructor)(y.length);
  blocks.forEach((block, k) => {
    const [a, b] = split[k];
    const groups: [number, number] = axis === "columns" ? [0, cols] : [a, b];
    out.set(
      sp.applyBilevel(block, b - a, cols, kind, u.subarray(...groups), norms.subarray(...groups), { axis }),
      a * cols,
    );
  });
  return out;
}

for (const kind of ["inf", "1", "2"] as GroupNormKind[]) {
  for (const [type, Float] of FLOAT_TYPES) {
    for (const axis of ["columns", "rows"] as Axis[]) {
      if (kind === "1" && axis === "columns") continue; // needs whole columns: tested below
      test(
        `ℓ1,${kind} ${type} ${axis}: ` +
          `stages over random row splits = one-shot${kind === "inf" ? " (bit for bit)" : ""}`,
        () => {
          const random = rng(31 * kind.length + Float.BYTES_PER_ELEMENT + (axis === "rows" ? 1000 : 0));
          for (let trial = 0; trial < 60; trial++) {
            const rows = randomInt(random, 1, 40),
              cols = randomInt(random, 1, 30);
            const y = Float.from(messyValues(random, rows * cols));
            const radius =
              sp[kind === "inf" ? "normL1Inf" : kind === "1" ? "normL11" : "normL12"](y, rows, cols, { axis }) *
              random();
            const expected = ONE_SHOT[kind](y, rows, cols, radius, { axis });
            const actual = composed(kind, y, rows, cols, radius, axis, randomSplit(random, rows));
            if (kind === "inf") assert.equal(actual, expected);
            // Sums merged in another order differ by f64 rounding, far below the output's own rounding.
            else assertClose(actual, expected, tolerance(type, maxAbs(y) + radius), `${rows}×${cols}`);
          }
        },
      );
    }
  }
}

test("ℓ1,1 with column groups: one whole block matches; a partial block is refused", () => {
  const random = rng(8);
  const rows = 12,
    cols = 7;
  const y = new Float64Array(messyValues(random, rows * cols));
  const expected = sp.bilevelL11(y, rows, cols, 2);
  assert.equal(composed("1", y, rows, cols, 2, "columns", [[0, rows]]), expected);
  assert.throws(
    () =>
      composed("1", y, rows, cols, 2, "columns", [
        [0, 5],
        [5, rows],
      ]),
    /needs the whole column/,
  );
});

test(
  "streaming a 20000 × 1000 f32 matrix in blocks of 100 rows = one-shot; " +
    "module memory peaks at one block + O(cols)",
  async () => {
    const rows = 20000,
      cols = 1000,
      blockRows = 100;
    const block = (b: number) => {
      const random = rng(1000 + b);
      return Float32Array.from({ length: blockRows * cols }, () => (random() * 2 - 1) * (1 + (b % 7)));
    };
    const source = function* () {
      for (let b = 0; b < rows / blockRows; b++) yield block(b);
    };
    const whole = new Float32Array(rows * cols);
    for (let b = 0; b < rows / blockRows; b++) whole.set(block(b), b * blockRows * cols);
    const radius = sp.normL1Inf(whole, rows, cols) * 0.05;
    const expected = sp.bilevelL1Inf(whole, rows, cols, radius);
    heap().resetPeak();
    const before = heap().usage.inUse;
    let offset = 0;
    for await (const projected of sp.bilevelL1InfStream(source, cols, radius)) {
      assert.equal(projected, expected.subarray(offset, offset + projected.length), `block at ${offset}`);
      offset += projected.length;
    }
    assert.is(offset, rows * cols);
    const blockBytes = blockRows * cols * 4;
    const peak = heap().usage.peak - before;
    assert.ok(peak <= blockBytes + 64 * cols, `peak ${peak} bytes ≤ one block (${blockBytes}) + 64 bytes per column`);
  },
);

test("stream: row groups, async sources, empty blocks; ℓ1,1 columns refused", async () => {
  const random = rng(77);
  const rows = 30,
    cols = 9;
  const y = new Float64Array(messyValues(random, rows * cols));
  const split = [
    [0, 0],
    [0, 1],
    [1, 13],
    [13, 13],
    [13, 30],
  ];
  const source = async function* () {
    for (const [a, b] of split) yield y.slice(a * cols, b * cols);
  };
  for (const kind of ["inf", "1", "2"] as GroupNormKind[]) {
    const parts: number[] = [];
    for await (const p of sp.bilevelStream(kind, source, cols, 3, { axis: "rows" })) parts.push(...p);
    assertClose(parts, ONE_SHOT[kind](y, rows, cols, 3, { axis: "rows" }), 1e-12 * maxAbs(y), `rows ${kind}`);
  }
  try {
    for await (const _ of sp.bilevelStream("1", source, cols, 3)) assert.unreachable("yielded");
    assert.unreachable("no error");
  } catch (error) {
    assert.instance(error, RangeError);
  }
});

test("stage bad input: mismatched lengths, kinds, stages, NaN", () => {
  const y = new Float64Array([1, -2, 3, -4, 5, -6]);
  const p = sp.groupNorms(y, 2, 3, "inf");
  const q = sp.groupNorms(y, 3, 2, "inf");
  assert.throws(
    () => sp.combineGroupNorms("inf", [p, q]),
    (e: Error) => e instanceof RangeError && /partials\[1\] has length 2/.test(e.message),
  );
  assert.throws(
    () => sp.combineGroupNorms("2", [p]),
    (e: Error) => e instanceof RangeError && /holds 'inf' group values but kind is '2'/.test(e.message),
  );
  assert.throws(
    () => sp.bilevelThresholds("inf", p, 1),
    (e: Error) => e instanceof RangeError && /merge them with combineGroupNorms/.test(e.message),
  );
  assert.throws(
    () => sp.combineGroupNorms("inf", [new Float64Array([1, NaN, 2])]),
    (e: Error) => e instanceof RangeError && /partials\[0\]\[1\] is NaN/.test(e.message),
  );
  assert.throws(() => sp.combineGroupNorms("inf", []), RangeError);
  assert.throws(() => sp.combineGroupNorms("max" as GroupNormKind, [p]), RangeError);
  const norms = sp.combineGroupNorms("inf", [p]);
  const u = sp.bilevelThresholds("inf", norms, 2);
  assert.throws(
    () => sp.applyBilevel(y, 2, 3, "inf", u.subarray(0, 2), norms),
    (e: Error) => e instanceof RangeError && /^u has length 2; expected one entry per group: 3/.test(e.message),
  );
  assert.throws(
    () => sp.applyBilevel(y, 2, 3, "inf", u, [1, 2, -1]),
    (e: Error) => e instanceof RangeError && /^norms\[2\] is -1/.test(e.message),
  );
  assert.throws(() => sp.applyBilevel(y, 2, 3, "inf", "u" as unknown as number[], norms), TypeError);
  assert.equal(sp.applyBilevel(y, 2, 3, "inf", u, norms), sp.bilevelL1Inf(y, 2, 3, 2));
});

test.run();
