// Every op's backward against central finite differences in float64, on random shapes and every broadcasting
// case; a small MLP's whole gradient; backward()'s own rules and errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { F, nn, noGrad, scope, tensor, type Tensor } from "../src/index.ts";
import { BINARY_OPS, UNARY_OPS, type UnaryOp } from "../src/autograd/backend.ts";
import { POINTWISE_LOSSES } from "../src/autograd/losses.ts";
import { gradcheck, randomTensor, scalarize } from "./gradcheck.ts";
import { randomInt, rng } from "./helpers.ts";

const test = suite("autograd: gradients against finite differences (float64)");

const BROADCASTS: Array<[string, (r: number, c: number) => [number[], number[]]]> = [
  [
    "equal 2-D",
    (r, c) => [
      [r, c],
      [r, c],
    ],
  ],
  ["equal 1-D", (_r, c) => [[c], [c]]],
  ["row vector [C]", (r, c) => [[r, c], [c]]],
  [
    "row vector [1, C]",
    (r, c) => [
      [r, c],
      [1, c],
    ],
  ],
  [
    "column [R, 1]",
    (r, c) => [
      [r, c],
      [r, 1],
    ],
  ],
  ["scalar []", (r, c) => [[r, c], []]],
  ["scalar [1]", (r, c) => [[r, c], [1]]],
  [
    "outer [R, 1] with [1, C]",
    (r, c) => [
      [r, 1],
      [1, c],
    ],
  ],
];
/** F's function of a table entry's name. */
const fOf = (name: string) => (F as unknown as Record<string, (...args: Tensor[]) => Tensor>)[name];
const ARITHMETIC = Object.fromEntries(BINARY_OPS.map((op) => [op.name, fOf(op.name)]));

test("add, sub, mul, div under every broadcasting case, either side broadcast", () => {
  const random = rng(11);
  for (const [name, op] of Object.entries(ARITHMETIC)) {
    for (const [kind, shapes] of BROADCASTS) {
      const [sa, sb] = shapes(randomInt(random, 2, 5), randomInt(random, 2, 6));
      for (const [first, second] of [
        [sa, sb],
        [sb, sa],
      ]) {
        // Divisors kept away from 0, where the quotient's curvature swamps the finite difference.
        const away = (v: number) => (name === "div" ? Math.sign(v || 1) * (0.5 + Math.abs(v)) : v);
        const a = randomTensor(random, first),
          b = randomTensor(random, second, away);
        gradcheck(
          `${name} ${kind} ${JSON.stringify([first, second])}`,
          scalarize(random, ([x, y]) => op(x, y)),
          [a, b],
        );
      }
    }
  }
});

test("scalars as numbers on either side, and neg", () => {
  const random = rng(12);
  const x = randomTensor(random, [3, 4]);
  gradcheck(
    "x - 2.5",
    scalarize(random, ([t]) => F.sub(t, 2.5)),
    [x],
  );
  gradcheck(
    "2.5 - x",
    scalarize(random, ([t]) => F.sub(2.5, t)),
    [x],
  );
  gradcheck(
    "3 / x",
    scalarize(random, ([t]) => F.div(3, F.add(F.mul(t, t), 1))),
    [x],
  );
  gradcheck(
    "neg",
    scalarize(random, ([t]) => F.neg(t)),
    [x],
  );
});

/** x where f is defined: from (−3, 3), or |x| + 0.2 where f(x) is not finite (log). */
const inDomain = (op: UnaryOp) => (v: number) => (Number.isFinite(op.forward(3 * v)) ? 3 * v : 0.2 + Math.abs(3 * v));

test("the tables: codes 0..n−1, and an F function for each elementwise function and binary operation", () => {
  for (const table of [UNARY_OPS, BINARY_OPS, POINTWISE_LOSSES]) {
    assert.ok(table.length > 0);
    assert.equal(
      table.map((op) => op.code).sort((a, b) => a - b),
      table.map((_, i) => i),
    );
  }
  for (const op of [...UNARY_OPS, ...BINARY_OPS]) assert.type(fOf(op.name), "function", `F.${op.name}`);
});

test("every elementwise function's table entry: f′(x) against central differences of f, on both sides of 0", () => {
  const random = rng(14);
  const h = 1e-6;
  for (const op of UNARY_OPS) {
    for (let t = 0; t < 50; t++) {
      const x = inDomain(op)(random() * 2 - 1);
      const plus = op.forward(x + h),
        minus = op.forward(x - h);
      if (!Number.isFinite(plus) || !Number.isFinite(minus) || Math.abs(x) < 2 * h) continue; // relu's corner
      const numeric = (plus - minus) / (2 * h),
        analytic = op.derivative(x, op.forward(x));
      const what = `${op.name}′(${x}) = ${analytic}, finite difference ${numeric}`;
      assert.ok(Math.abs(analytic - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)), what);
    }
  }
});

test("every pointwise loss's table entry: ℓ′(d) against central differences of ℓ, off its corners", () => {
  const random = rng(15);
  const h = 1e-6;
  for (const loss of POINTWISE_LOSSES) {
    for (const beta of [1, 0.25, 0]) {
      for (let t = 0; t < 50; t++) {
        const d = (random() * 2 - 1) * 3;
        if (Math.abs(d) < 2 * h || Math.abs(Math.abs(d) - beta) < 2 * h) continue;
        const numeric = (loss.value(d + h, beta) - loss.value(d - h, beta)) / (2 * h),
          analytic = loss.slope(d, beta);
        const what = `${loss.name}′(${d}; β=${beta}) = ${analytic}, finite difference ${numeric}`;
        assert.ok(Math.abs(analytic - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)), what);
      }
    }
  }
});

test("every elementwise function of the table, through F", () => {
  const random = rng(13);
  for (const op of UNARY_OPS) {
    const x = randomTensor(random, [randomInt(random, 1, 4), randomInt(random, 1, 7)], inDomain(op));
    gradcheck(
      op.name,
      scalarize(random, ([t]) => fOf(op.name)(t)),
      [x],
    );
  }
});

test("matmul in all three forms, and linear with and without bias", () => {
  const random = rng(14);
  for (let trial = 0; trial < 6; trial++) {
    const m = randomInt(random, 1, 5),
      n = randomInt(random, 1, 5),
      k = randomInt(random, 1, 6);
    gradcheck(
      "A·B",
      scalarize(random, ([a, b]) => F.matmul(a, b)),
      [randomTensor(random, [m, k]), randomTensor(random, [k, n])],
    );
    gradcheck(
      "A·Bᵀ",
      scalarize(random, ([a, b]) => F.matmul(a, b, { transB: true })),
      [randomTensor(random, [m, k]), randomTensor(random, [n, k])],
    );
    gradcheck(
      "Aᵀ·B",
      scalarize(random, ([a, b]) => F.matmul(a, b, { transA: true })),
      [randomTensor(random, [k, m]), randomTensor(random, [k, n])],
    );
    const x = randomTensor(random, [m, k]),
      w = randomTensor(random, [n, k]),
      b = randomTensor(random, [n]);
    gradcheck(
      "linear",
      scalarize(random, ([xx, ww, bb]) => F.linear(xx, ww, bb)),
      [x, w, b],
    );
    gradcheck(
      "linear without bias",
      scalarize(random, ([xx, ww]) => F.linear(xx, ww)),
      [x, w],
    );
  }
});

test("sum and mean, whole and along each axis; reshape", () => {
  const random = rng(15);
  const x = randomTensor(random, [4, 3]);
  for (const [name, f] of Object.entries({ sum: F.sum, mean: F.mean })) {
    gradcheck(`${name}()`, ([t]) => f(t), [x]);
    for (const axis of [0, 1, -1])
      gradcheck(
        `${name}(axis ${axis})`,
        scalarize(random, ([t]) => f(t, axis)),
        [x],
      );
  }
  gradcheck(
    "reshape",
    scalarize(random, ([t]) => F.mul(F.reshape(t, [2, -1]), F.reshape(t, [2, 6]))),
    [x],
  );
});

test("losses: cross-entropy (weights, reductions), SmoothL1, Huber, MSE, l1Norm", () => {
  const random = rng(16);
  const logits = randomTensor(random, [5, 3], (v) => 4 * v);
  const labels = [0, 2, 1, 2, 2];
  for (const reduction of ["mean", "sum"] as const) {
    gradcheck(`crossEntropy ${reduction}`, ([t]) => F.crossEntropy(t, labels, { reduction }), [logits]);
    gradcheck(
      `crossEntropy weighted ${reduction}`,
      ([t]) => F.crossEntropy(t, labels, { weight: [0.2, 1, 3], reduction }),
      [logits],
    );
    const a = randomTensor(random, [4, 6], (v) => 3 * v),
      b = randomTensor(random, [4, 6], (v) => 3 * v);
    for (const beta of [1, 0.5, 0])
      gradcheck(`smoothL1 β=${beta} ${reduction}`, ([p, q]) => F.smoothL1Loss(p, q, { beta, reduction }), [a, b]);
    gradcheck(`huber ${reduction}`, ([p, q]) => F.huberLoss(p, q, { delta: 1.5, reduction }), [a, b]);
    gradcheck(`mse ${reduction}`, ([p, q]) => F.mseLoss(p, q, { reduction }), [a, b]);
  }
  gradcheck("l1Norm", ([t]) => F.l1Norm(t), [randomTensor(random, [3, 3])]);
});

test("loss values follow PyTorch's definitions", () => {
  const x = tensor([[2, -1, 0.5]], undefined, { dtype: "float64" });
  const lse = Math.log(Math.exp(2) + Math.exp(-1) + Math.exp(0.5));
  assert.ok(Math.abs(F.crossEntropy(x, [1]).item() - (lse + 1)) < 1e-12);
  const two = tensor(
    [
      [2, -1, 0.5],
      [0, 0, 0],
    ],
    undefined,
    { dtype: "float64" },
  );
  const weighted = (3 * (lse + 1) + 0.5 * Math.log(3)) / 3.5; // 'mean' divides by Σ weight[label]
  assert.ok(Math.abs(F.crossEntropy(two, [1, 0], { weight: [0.5, 3, 1] }).item() - weighted) < 1e-12);
  const p = tensor([0, 0.5, 3], undefined, { dtype: "float64" }),
    q = tensor([0, 0, 0], undefined, { dtype: "float64" });
  assert.ok(Math.abs(F.smoothL1Loss(p, q).item() - (0.125 + 2.5) / 3) < 1e-12);
  assert.ok(Math.abs(F.huberLoss(p, q, { delta: 2 }).item() - (0.125 + 2 * (3 - 1)) / 3) < 1e-12);
  assert.ok(Math.abs(F.mseLoss(p, q, { reduction: "sum" }).item() - 9.25) < 1e-12);
});

test("a two-layer MLP's whole gradient (every parameter at once)", () => {
  const random = rng(17);
  const net = new nn.Sequential(
    new nn.Linear(5, 4, { dtype: "float64" }),
    new nn.SiLU(),
    new nn.Linear(4, 3, { dtype: "float64" }),
    new nn.Tanh(),
  );
  const x = tensor(
    Array.from({ length: 6 * 5 }, () => random() * 2 - 1),
    [6, 5],
    { dtype: "float64" },
  );
  const target = tensor(
    Array.from({ length: 6 * 3 }, () => random() * 2 - 1),
    [6, 3],
    { dtype: "float64" },
  );
  gradcheck(
    "mlp",
    () => F.add(F.mseLoss(net.forward(x), target), F.crossEntropy(net.forward(x), [0, 1, 2, 2, 1, 0])),
    net.parameters(),
  );
});

test("a tensor used twice accumulates both gradients; inputs without requiresGrad get none", () => {
  const x = tensor([1, 2, 3], undefined, { dtype: "float64", requiresGrad: true });
  const c = tensor([4, 5, 6], undefined, { dtype: "float64" });
  F.sum(F.add(F.mul(x, x), F.mul(x, c))).backward();
  assert.equal(Array.from(x.grad!.toArray()), [6, 9, 12]);
  assert.is(c.grad, null);
  F.sum(x).backward();
  assert.equal(Array.from(x.grad!.toArray()), [7, 10, 13], "a second backward adds into .grad");
});

test("backward() errors: non-scalar without a gradient, no graph, non-finite loss, wrong seed shape", () => {
  const x = tensor([1, 2], undefined, { dtype: "float64", requiresGrad: true });
  assert.throws(() => F.mul(x, 2).backward(), /shape \[2\]; pass its gradient/);
  assert.throws(() => tensor([1], undefined, { dtype: "float64" }).backward(), /does not require a gradient/);
  assert.throws(() => F.sum(F.log(F.sub(x, 5))).backward(), /the loss is NaN; no gradient was computed/);
  assert.is(x.grad, null, "nothing written");
  assert.throws(
    () => F.mul(x, 2).backward(tensor([1, 2, 3], undefined, { dtype: "float64" })),
    /gradient has shape \[3\] but the tensor has shape \[2\]/,
  );
  F.mul(x, 2).backward(tensor([1, -1], undefined, { dtype: "float64" }));
  assert.equal(Array.from(x.grad!.toArray()), [2, -2]);
});

test("shape errors name the op and both shapes", () => {
  const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], { dtype: "float64" }),
    b = tensor([1, 2, 3, 4], [2, 2], { dtype: "float64" });
  assert.throws(() => F.add(a, b), /add: shapes \[2, 3\] and \[2, 2\] do not broadcast/);
  assert.throws(() => F.matmul(a, a), /matmul: inner dimensions differ: \[2, 3\] · \[2, 3\]/);
  assert.throws(() => F.linear(a, b), /linear: x \[2, 3\] needs \[batch, in\] and weight \[2, 2\]/);
  assert.throws(() => F.smoothL1Loss(a, b), /smoothL1Loss: input \[2, 3\] and target \[2, 2\] differ/);
  assert.throws(() => F.crossEntropy(a, [0, 3]), /labels\[1\] = 3 is not a class in 0..2/);
  assert.throws(() => F.crossEntropy(a, [0]), /1 labels for 2 rows/);
  assert.throws(() => F.reshape(a, [4, -1]), /cannot view \[2, 3\]/);
  assert.throws(() => F.add(a, tensor([1, 2, 3, 4, 5, 6], [2, 3])), /operands are float64 and float32/);
  assert.throws(() => tensor([1, NaN]), /values\[1\] is NaN/);
  // A Float32Array is checked after the copy, by the kernel: the same error, wherever the culprit is, on either dtype.
  for (const dtype of ["float32", "float64"] as const) {
    for (const [at, bad] of [
      [0, NaN],
      [5, Infinity],
      [8, -Infinity],
      [10, NaN],
    ] as const) {
      const values = Float32Array.from({ length: 11 }, (_, i) => i - 5);
      values[at] = bad;
      if (at !== 10) values[10] = NaN; // a later culprit is not the one named
      assert.throws(() => tensor(values, undefined, { dtype }), new RegExp(`values\\[${at}\\] is ${bad};`), dtype);
    }
    assert.equal(Array.from(tensor(new Float32Array([1e-40, -0, 3.4e38]), undefined, { dtype }).data), [
      ...new Float32Array([1e-40, -0, 3.4e38]),
    ]);
  }
  assert.throws(() => F.relu(null as unknown as Tensor), /relu: x must be a Tensor/);
});

test("noGrad records no graph; scope() rejects returning its own tensors", () => {
  const x = tensor([1, 2], undefined, { dtype: "float64", requiresGrad: true });
  const y = noGrad(() => F.mul(x, 3));
  assert.is(y.requiresGrad, false);
  assert.throws(() => scope(() => tensor([1, 2])), /returned a tensor made inside the scope/);
  const kept = scope(() => tensor([1, 2]).toArray());
  assert.equal(Array.from(kept), [1, 2]);
});

test.run();
