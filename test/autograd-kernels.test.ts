// The autograd's WebAssembly kernels against their TypeScript fallback, on the same f32 inputs of random signed
// shapes, edge sizes (0, 1, remainders of every vector width) included. The elementwise functions, binary
// operations, broadcast modes and pointwise losses are enumerated from their tables, so a new entry is covered.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { scope } from "../src/index.ts";
import {
  BINARY_OPS,
  COLUMN,
  FULL,
  MODES,
  ROW,
  SCALAR,
  UNARY_OPS,
  type Backend,
  type Buf,
  type Mode,
} from "../src/autograd/backend.ts";
import { POINTWISE_LOSSES } from "../src/autograd/losses.ts";
import { backendFor } from "../src/autograd/tensor.ts";
import { typescriptBackend } from "../src/autograd/ts-backend.ts";
import { randomInt, rng } from "./helpers.ts";

const test = suite("autograd kernels: WebAssembly against the TypeScript fallback (f32)");
const reference = typescriptBackend("float32");

function both(values: ArrayLike<number>): [Buf, Buf] {
  const pair: [Buf, Buf] = [backendFor("float32").alloc(values.length), reference.alloc(values.length)];
  for (const buf of pair) buf.array.set(values);
  return pair;
}

const signed = (random: () => number, n: number, scale = 3) =>
  Array.from({ length: n }, () => (random() * 2 - 1) * scale);

/** Each result within tolerance(i) of the reference, plus the two f32 roundings an accumulate adds. */
function close(actual: Buf, expected: Buf, tolerance: (i: number) => number, what: string): void {
  const a = actual.array,
    e = expected.array;
  assert.is(a.length, e.length, `${what}: length`);
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= tolerance(i) + 2 ** -23 * Math.abs(e[i])))
      assert.unreachable(`${what}: [${i}] = ${a[i]}, expected ${e[i]}`);
  }
}

/** Runs the same call on both backends with paired buffers and compares the buffers it names as outputs. */
function compare(
  what: string,
  inputs: number[][],
  call: (be: Backend, bufs: Buf[]) => unknown,
  outputs: number[],
  tolerance: (i: number) => number,
): void {
  scope(() => {
    const pairs = inputs.map(both);
    const got = call(
      backendFor("float32"),
      pairs.map((p) => p[0]),
    );
    const want = call(
      reference,
      pairs.map((p) => p[1]),
    );
    if (typeof want === "number")
      assert.ok(Math.abs((got as number) - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
    for (const o of outputs) close(pairs[o][0], pairs[o][1], tolerance, `${what} (buffer ${o})`);
  });
}

test("matmul: A·B, Aᵀ·B, A·Bᵀ, overwriting garbage or accumulating, shapes 0..70 and the autoencoder's", () => {
  const random = rng(21);
  const shapes: number[][] = [
    [8, 100, 1000],
    [8, 1000, 100],
    [100, 1000, 8],
    [1000, 100, 8],
    [0, 3, 4],
    [3, 0, 4],
    [3, 4, 0],
    [1, 1, 1],
    [5, 7, 2],
  ];
  for (let t = 0; t < 40; t++)
    shapes.push([randomInt(random, 1, 70), randomInt(random, 1, 70), randomInt(random, 1, 70)]);
  for (const [m, n, k] of shapes) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      for (const accumulate of [false, true]) {
        const c = Array.from({ length: m * n }, () => (accumulate ? random() : NaN));
        compare(
          `matmul ${m}×${n}×${k} transA=${transA} transB=${transB} accumulate=${accumulate}`,
          [signed(random, m * k), signed(random, k * n), c],
          (be, [a, b, cc]) => be.matmul(a, b, cc, m, n, k, transA, transB, accumulate),
          [2],
          () => 1e-5 * 9 * Math.max(k, 1),
        );
      }
    }
  }
});

test("every elementwise function of the table and its gradient", () => {
  const random = rng(22);
  for (const op of UNARY_OPS) {
    for (const n of [0, 1, 3, 4, 5, 17, 1000]) {
      // Where f is defined (log: x > 0), and with |x| ≤ 8.
      const x = signed(random, n, 8).map((v) => (Number.isFinite(op.forward(v)) ? v : Math.abs(v) / 8 + 1e-3));
      const y = x.map((v) => op.forward(v));
      compare(
        `unary ${op.name} n=${n}`,
        [x, new Array(n).fill(0)],
        (be, [xx, yy]) => be.unary(op, xx, yy, n),
        [1],
        (i) => 3e-7 * Math.max(1, Math.abs(y[i]), Math.exp(x[i])),
      );
      for (const accumulate of [false, true]) {
        compare(
          `unaryGrad ${op.name} n=${n}`,
          [x, y, signed(random, n), signed(random, n)],
          (be, [xx, yy, dy, dx]) => be.unaryGrad(op, xx, yy, dy, dx, n, accumulate),
          [3],
          (i) => 1e-6 * Math.max(1, Math.abs(y[i]) * 3, 1 / Math.abs(x[i])),
        );
      }
    }
  }
});

/** A buffer's f32 bit patterns, NaN as one value (its payload is the engine's). */
const bits = (buf: Buf) =>
  Array.from(new Uint32Array(Float32Array.from(buf.array).buffer), (b, i) => (Number.isNaN(buf.array[i]) ? "NaN" : b));

test("elementwise kernels: four-lane vectors give the scalar form's bits (the tail path, one value a call)", () => {
  // The vector forms (relu, σ, SiLU, exp and every derivative) run the scalar form's operations lane by lane, expf
  // included; values off expf's main path (|x| ≥ 88, ±∞, NaN), subnormals and ±0 are mixed into every vector.
  const random = rng(29);
  const special = [NaN, Infinity, -Infinity, 0, -0, 88, -88, 87.99, -87.99, -104, 1e-40, -1e-40, 89, -103, 1e-30];
  const n = 4003;
  const x = Array.from({ length: n }, (_, i) =>
    i % 7 === 0 ? special[(i / 7) % special.length] : (random() * 2 - 1) * [3, 30, 120][i % 3],
  );
  const dy = Array.from({ length: n }, (_, i) => (random() * 2 - 1) * (i % 11 === 0 ? 1e-36 : 1));
  const dx0 = signed(random, n);
  const be = backendFor("float32");
  for (const op of UNARY_OPS) {
    scope(() => {
      const [xs, y, one, dys] = [x, x, x, dy].map((v) => both(v)[0]);
      be.unary(op, xs, y, n);
      for (let i = 0; i < n; i++) be.unary(op, be.view(xs, i, 1), be.view(one, i, 1), 1);
      assert.equal(bits(y), bits(one), `unary ${op.name}`);
      for (const accumulate of [false, true]) {
        const [dx, dxOne] = [both(dx0)[0], both(dx0)[0]];
        be.unaryGrad(op, xs, y, dys, dx, n, accumulate);
        for (let i = 0; i < n; i++) {
          const [xi, yi, dyi, dxi] = [xs, y, dys, dxOne].map((b) => be.view(b, i, 1));
          be.unaryGrad(op, xi, yi, dyi, dxi, 1, accumulate);
        }
        assert.equal(bits(dx), bits(dxOne), `unaryGrad ${op.name} accumulate=${accumulate}`);
      }
    });
  }
});

test("unary results and gradients below the smallest normal f32 are flushed to 0 (flush-to-zero), others kept", () => {
  scope(() => {
    const be = backendFor("float32");
    const [x] = both([-88, -90, -100, -20, 0]);
    const [y] = both([NaN, NaN, NaN, NaN, NaN]);
    const sigmoid = UNARY_OPS.find((op) => op.name === "sigmoid")!;
    be.unary(sigmoid, x, y, 5);
    assert.equal(Array.from(y.array.subarray(0, 3)), [0, 0, 0], "σ(−88) ≈ 6e-39 is subnormal in f32");
    assert.ok(Math.abs(y.array[3] - 1 / (1 + Math.exp(20))) < 1e-15 && y.array[4] === 0.5);
    // σ'(x)·dy with y = 1e-30 and dy = 1e-10 is 1e-40 (subnormal): 0; with dy = 1e-5 it is 1e-35 and stays.
    const [ys] = both([1e-30, 1e-30]),
      [dy] = both([1e-10, 1e-5]),
      [dx] = both([NaN, NaN]);
    be.unaryGrad(sigmoid, x, ys, dy, dx, 2, false);
    assert.is(dx.array[0], 0);
    assert.ok(Math.abs(dx.array[1] - 1e-35) < 1e-40);
  });
});

test("broadcasting arithmetic: every pair of operand modes, every op, in place too", () => {
  const random = rng(23);
  const sizes = new Map<Mode, (r: number, c: number) => number>([
    [FULL, (r, c) => r * c],
    [ROW, (_r, c) => c],
    [COLUMN, (r) => r],
    [SCALAR, () => 1],
  ]);
  for (const op of BINARY_OPS) {
    for (const aMode of MODES) {
      for (const bMode of MODES) {
        const rows = randomInt(random, 0, 6),
          cols = randomInt(random, 1, 11);
        const a = signed(random, sizes.get(aMode)!(rows, cols));
        const b = signed(random, sizes.get(bMode)!(rows, cols)).map((v) => v || 1);
        compare(
          `binary ${op.name} ${aMode.name}/${bMode.name} ${rows}×${cols}`,
          [a, b, new Array(rows * cols).fill(0)],
          (be, [x, y, c]) => be.binary(op, x, aMode, y, bMode, c, rows, cols),
          [2],
          () => 0,
        );
      }
    }
    const r = 3,
      c = 9;
    compare(
      `binary ${op.name} in place`,
      [signed(random, r * c), signed(random, c)],
      (be, [x, y]) => be.binary(op, x, FULL, y, ROW, x, r, c),
      [0],
      () => 0,
    );
  }
});

test("scaleAdd, sums, gather, fill", () => {
  const random = rng(24);
  for (const [rows, cols] of [
    [0, 5],
    [1, 1],
    [3, 7],
    [8, 100],
    [13, 4],
  ]) {
    const n = rows * cols;
    for (const accumulate of [false, true]) {
      compare(
        "scaleAdd",
        [signed(random, n), signed(random, n)],
        (be, [x, y]) => be.scaleAdd(x, -0.75, y, n, accumulate),
        [1],
        () => 1e-6,
      ); // |x|, |y| ≤ 3
      compare(
        "sumRows",
        [signed(random, n), signed(random, cols)],
        (be, [x, o]) => be.sumRows(x, rows, cols, o, accumulate),
        [1],
        () => 1e-6 * rows * 3,
      );
      compare(
        "sumCols",
        [signed(random, n), signed(random, rows)],
        (be, [x, o]) => be.sumCols(x, rows, cols, o, accumulate),
        [1],
        () => 1e-6 * 3,
      );
    }
    compare(
      "sumAll",
      [signed(random, n)],
      (be, [x]) => be.sumAll(x, n),
      [],
      () => 0,
    );
    compare(
      "fill",
      [signed(random, n)],
      (be, [x]) => be.fill(x, n, 2.5),
      [0],
      () => 0,
    );
    if (rows) {
      const picks = Array.from({ length: 5 }, () => randomInt(random, 0, rows - 1));
      compare(
        "gatherRows",
        [signed(random, n), new Array(5 * cols).fill(0)],
        (be, [x, d]) => be.gatherRows(x, cols, be.indices(picks), d),
        [1],
        () => 0,
      );
    }
  }
});

test("cross-entropy and pointwise losses, values and gradients", () => {
  const random = rng(25);
  for (const [rows, k] of [
    [1, 1],
    [4, 2],
    [9, 5],
    [0, 3],
  ]) {
    const labels = Array.from({ length: rows }, () => randomInt(random, 0, k - 1));
    const weights = Array.from({ length: k }, () => random() * 2);
    for (const weighted of [false, true]) {
      compare(
        `crossEntropy ${rows}×${k}`,
        [signed(random, rows * k, 20), weights, new Array(rows * k).fill(0)],
        (be, [x, w, p]) => be.crossEntropy(x, be.indices(labels), weighted ? w : null, rows, k, p),
        [2],
        () => 1e-6,
      );
      for (const accumulate of [false, true]) {
        const probs = signed(random, rows * k).map(Math.abs);
        compare(
          `crossEntropyGrad ${rows}×${k}`,
          [probs, weights, signed(random, rows * k)],
          (be, [p, w, dx]) =>
            be.crossEntropyGrad(p, be.indices(labels), weighted ? w : null, rows, k, 0.3, dx, accumulate),
          [2],
          () => 1e-6,
        );
      }
    }
  }
  for (const kind of POINTWISE_LOSSES) {
    for (const n of [0, 1, 7, 1000]) {
      for (const beta of [1, 0.25, 0]) {
        compare(
          `pointwiseLoss ${kind.name} β=${beta}`,
          [signed(random, n), signed(random, n)],
          (be, [a, b]) => be.pointwiseLoss(kind, a, b, n, beta),
          [],
          () => 0,
        );
        compare(
          `pointwiseLoss ${kind.name} without b`,
          [signed(random, n)],
          (be, [a]) => be.pointwiseLoss(kind, a, null, n, beta),
          [],
          () => 0,
        );
        compare(
          `pointwiseLossGrad ${kind.name} β=${beta}`,
          [signed(random, n), signed(random, n), signed(random, n), signed(random, n)],
          (be, [a, b, da, db]) => be.pointwiseLossGrad(kind, a, b, n, beta, 0.01, da, true, db, false),
          [2, 3],
          () => 1e-7,
        );
      }
    }
  }
});

test("Adam and SGD steps, with and without mask, momentum, Nesterov, weight decay", () => {
  const random = rng(26);
  for (const n of [1, 5, 64, 1003]) {
    const mask = Array.from({ length: n }, () => (random() < 0.3 ? 0 : 1));
    for (const masked of [false, true]) {
      const adam = {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.01,
        biasCorrection1: 1 - 0.9 ** 3,
        biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** 3),
      };
      compare(
        `adamStep n=${n}`,
        [signed(random, n), signed(random, n), signed(random, n, 0.1), signed(random, n, 0.1).map(Math.abs), mask],
        (be, [w, g, m, v, k]) => be.adamStep(w, g, m, v, masked ? k : null, n, adam),
        [0, 2, 3],
        () => 2e-6,
      );
      for (const [momentum, nesterov, first] of [
        [0, false, true],
        [0.9, false, true],
        [0.9, false, false],
        [0.9, true, false],
      ] as const) {
        const sgd = { lr: 0.1, momentum, dampening: nesterov ? 0 : 0.1, weightDecay: 0.01, nesterov, first };
        compare(
          `sgdStep n=${n} momentum=${momentum}`,
          [signed(random, n), signed(random, n), signed(random, n), mask],
          (be, [w, g, b, k]) => be.sgdStep(w, g, momentum ? b : null, masked ? k : null, n, sgd),
          [0, 2],
          () => 1e-6,
        );
      }
    }
  }
});

test("pointwise losses: the sum of the table's ℓ(d) in order, exactly (terms four at a time, added one by one)", () => {
  const random = rng(38);
  const be = backendFor("float32");
  for (const n of [0, 1, 5, 8, 1003]) {
    const a = Float32Array.from(signed(random, n, 2)),
      b = Float32Array.from(signed(random, n, 2));
    for (const kind of POINTWISE_LOSSES) {
      for (const beta of [0, 0.7]) {
        for (const withB of [true, false]) {
          let want = 0;
          for (let i = 0; i < n; i++) want += kind.value(Math.fround(a[i] - (withB ? b[i] : 0)), beta);
          const got = scope(() => be.pointwiseLoss(kind, both(a)[0], withB ? both(b)[0] : null, n, beta));
          assert.ok(Object.is(got, want), `${kind.name} β=${beta} n=${n} b=${withB}: ${got} vs ${want}`);
        }
      }
    }
  }
});

test("pointwise loss gradients: four-lane vectors give the scalar form's bits, b or no b, accumulating or not", () => {
  const random = rng(39);
  const n = 1003;
  const special = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5];
  const a = Array.from({ length: n }, (_, i) => (i % 9 === 0 ? special[(i / 9) % special.length] : random() * 4 - 2));
  const b = signed(random, n, 2).map((v, i) => (i % 13 === 0 ? a[i] : v)); // d = 0 too
  const [da0, db0] = [signed(random, n), signed(random, n)];
  const be = backendFor("float32");
  for (const kind of POINTWISE_LOSSES) {
    for (const beta of [0, 0.7]) {
      for (const [withB, accumulateA, accumulateB] of [
        [true, false, false],
        [true, true, true],
        [false, true, false],
      ]) {
        scope(() => {
          const [as, bs] = [both(a)[0], withB ? both(b)[0] : null];
          const [da, db, daOne, dbOne] = [da0, db0, da0, db0].map((v) => both(v)[0]);
          be.pointwiseLossGrad(kind, as, bs, n, beta, 0.37, da, accumulateA, withB ? db : null, accumulateB);
          for (let i = 0; i < n; i++) {
            const one = (buf: Buf | null) => (buf ? be.view(buf, i, 1) : null);
            const dbi = withB ? one(dbOne) : null;
            be.pointwiseLossGrad(kind, one(as)!, one(bs), 1, beta, 0.37, one(daOne)!, accumulateA, dbi, accumulateB);
          }
          const what = `${kind.name} β=${beta} b=${withB} accumulate ${accumulateA}/${accumulateB}`;
          assert.equal(bits(da), bits(daOne), `${what}: da`);
          assert.equal(bits(db), bits(dbOne), `${what}: db`);
        });
      }
    }
  }
});

test("firstNonFinite: the first NaN or ±Infinity at every place of a vector and the tail, or −1", () => {
  const random = rng(43);
  for (const n of [0, 1, 3, 4, 5, 8, 13, 1003]) {
    const places = n > 16 ? [0, 3, 4, 500, 999, 1000, 1002] : Array.from({ length: n }, (_, i) => i);
    for (const place of [-1, ...places]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const values = signed(random, n, 1e38).map((v, i) => (i % 7 === 3 ? 1e-40 : v));
        if (place >= 0) values[place] = bad;
        if (place >= 0 && place + 2 < n) values[place + 2] = NaN; // a later one is not named
        scope(() => {
          const [wasm, ts] = both(values);
          assert.is(backendFor("float32").firstNonFinite(wasm, n), place, `n=${n} at ${place}: ${bad}`);
          assert.is(reference.firstNonFinite(ts, n), place, `reference n=${n} at ${place}`);
        });
      }
    }
  }
});

test("adamStep: its vectors (one and two a turn) give the scalar tail's bits, masked or not, with weight decay", () => {
  // The vector loops run the scalar tail's operations lane by lane; ±0, tiny and huge values mixed in.
  const random = rng(41);
  const special = [0, -0, 1e-30, -1e-30, 1e20, -1e20, 1e-38];
  const be = backendFor("float32");
  for (const n of [3, 4, 7, 8, 13, 16, 1003]) {
    const pick = (i: number, scale: number) => (i % 5 === 0 ? special[i % special.length] : (random() * 2 - 1) * scale);
    const inputs = [
      Array.from({ length: n }, (_, i) => pick(i, 2)),
      Array.from({ length: n }, (_, i) => pick(i + 1, 3)),
      Array.from({ length: n }, (_, i) => pick(i + 2, 0.1)),
      Array.from({ length: n }, (_, i) => Math.abs(pick(i + 3, 0.1))),
      Array.from({ length: n }, () => Number(random() < 0.7)),
    ];
    for (const [masked, weightDecay] of [
      [false, 0],
      [true, 0.01],
    ] as const) {
      const s = {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay,
        biasCorrection1: 1 - 0.9 ** 7,
        biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** 7),
      };
      scope(() => {
        const [whole, single] = [0, 1].map(() => inputs.map((v) => both(v)[0]));
        const [w, g, m, v, mask] = whole;
        be.adamStep(w, g, m, v, masked ? mask : null, n, s);
        for (let i = 0; i < n; i++) {
          const [wi, gi, mi, vi, ki] = single.map((b) => be.view(b, i, 1));
          be.adamStep(wi, gi, mi, vi, masked ? ki : null, 1, s);
        }
        for (const b of [0, 2, 3]) assert.equal(bits(whole[b]), bits(single[b]), `n=${n} masked=${masked} [${b}]`);
      });
    }
  }
});

test("Cool-chic-lite's ops: bilinear upsampling and its adjoint, padded gather and scatter, Laplace rate", () => {
  const random = rng(27);
  // Grids of every factor up to 1:32 on odd and tiny images (one pixel, one row), with ⌈size/s⌉ latents a side.
  for (const [height, width] of [
    [1, 1],
    [1, 9],
    [7, 5],
    [17, 33],
    [64, 40],
  ])
    for (const s of [1, 2, 4, 8, 32]) {
      const [gh, gw] = [Math.ceil(height / s), Math.ceil(width / s)];
      compare(
        `upsampleBilinear ${height}×${width} /${s}`,
        [signed(random, gh * gw), signed(random, height * width)],
        (be, [x, y]) => be.upsampleBilinear(x, gh, gw, s, height, width, y),
        [1],
        () => 1e-6 * 3,
      );
      compare(
        `upsampleBilinearGrad ${height}×${width} /${s}`,
        [signed(random, height * width), signed(random, gh * gw)],
        (be, [dy, dx]) => be.upsampleBilinearGrad(dy, gh, gw, s, height, width, dx),
        [1],
        () => 1e-6 * 3 * (s + 1) ** 2,
      );
    }
  for (const n of [0, 1, 6, 200]) {
    // Repeated indices (the scatter adds them in order) and −1 (padding) among them.
    const index = Array.from({ length: 3 * n }, () => randomInt(random, -1, Math.max(0, n - 1)));
    if (!n) index.length = 0;
    compare(
      `gatherPadded ${n}`,
      [signed(random, n), signed(random, index.length)],
      (be, [x, y]) => be.gatherPadded(x, n, be.indices(index), y),
      [1],
      () => 0,
    );
    compare(
      `gatherPaddedGrad ${n}`,
      [signed(random, index.length), signed(random, n)],
      (be, [dy, dx]) => be.gatherPaddedGrad(dy, be.indices(index), dx),
      [1],
      () => 1e-6 * 3 * index.length,
    );
  }
  for (const bad of [-2, 6])
    for (const be of [backendFor("float32"), reference])
      scope(() => assert.is(be.gatherPadded(be.alloc(6), 6, be.indices([0, -1, bad, 1]), be.alloc(4)), 2));
  // Symbols near and far from μ (the clamp 2⁻¹⁶ reached), log-scales across and beyond the clamp [−4.6, 8].
  for (const n of [0, 1, 500]) {
    const y = Array.from({ length: n }, () => randomInt(random, -30, 30));
    const mu = Array.from({ length: n }, (_, i) => y[i] + (random() * 2 - 1) * (i % 5 === 0 ? 25 : 2));
    const s = Array.from({ length: n }, () => random() * 16 - 7);
    compare(
      `laplaceRate ${n}`,
      [y, mu, s, signed(random, n), signed(random, n)],
      (be, [yb, mb, sb, dy, ds]) => be.laplaceRate(yb, mb, sb, n, dy, ds),
      [3, 4],
      () => 1e-6,
    );
  }
});

test.run();
