// Feature selection (src/selection/): the univariate filters and the logistic regressions against scipy's and
// scikit-learn's own numbers (fixtures from bench/reference/make_selection_fixtures.py), the forest and the
// stability indices on cases with known answers, and compareSelectors' honesty: a test fold scrambled changes no
// ranking fitted without it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeClassification } from "../src/data/make-classification.ts";
import { Generator } from "../src/random.ts";
import { toDataset } from "../src/sae/dataset.ts";
import { stratifiedFolds } from "../src/sae/cv/folds.ts";
import { compareSelectors, rankFeatures, type SelectorName } from "../src/selection/compare.ts";
import { forestImportance } from "../src/selection/forest.ts";
import { fitLogistic, l1LogisticPath, logisticProba, logisticSupport } from "../src/selection/logistic.ts";
import { kunchevaIndex, meanJaccard } from "../src/selection/stability.ts";
import { anovaF, kruskalH, rankByScore } from "../src/selection/univariate.ts";
import fixtures from "./fixtures/selection.json";
import { assertNear, throwsNamed } from "./helpers.ts";

const test = suite("selection: filters, logistic regression, forest, stability, compareSelectors");

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

test("anovaF = scipy's f_oneway (and f_classif) and kruskalH = scipy's kruskal to 1e-10 (ties, offsets)", () => {
  for (const c of fixtures.univariate) {
    const m = { x: c.x, n: c.n, d: c.d, y: c.y, classes: c.classes };
    const F = anovaF(m),
      H = kruskalH(m);
    c.F.forEach((f, j) => {
      if (f === "inf") assert.is(F[j], Infinity, `${c.name}: F[${j}]`);
      else assert.ok(relative(F[j], f as number) <= 1e-10, `${c.name}: F[${j}] ${F[j]}, expected ${f}`);
    });
    // f_classif sums raw squares in one pass: on the large offset it cancels to nonsense, so it is compared elsewhere.
    if (!c.name.includes("offset")) {
      c.fClassif.forEach((f, j) => {
        if (f === "inf") assert.is(F[j], Infinity, `${c.name}: f_classif[${j}]`);
        else assert.ok(relative(F[j], f as number) <= 1e-10, `${c.name}: F[${j}] ${F[j]}, f_classif ${f}`);
      });
    }
    c.H.forEach((h, j) => assert.ok(relative(H[j], h) <= 1e-10, `${c.name}: H[${j}] ${H[j]}, expected ${h}`));
  }
});

test("filters: a constant feature scores NaN and ranks last; F is affine-invariant, H monotone-invariant", () => {
  const random = new Generator(3);
  const n = 25;
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[i * 3] = 7;
    x[i * 3 + 1] = random.uniform(-1, 1) + y[i];
    x[i * 3 + 2] = Math.exp(3 * x[i * 3 + 1]);
  }
  const m = { x, n, d: 3, y, classes: 3 };
  const F = anovaF(m),
    H = kruskalH(m);
  assert.ok(Number.isNaN(F[0]) && Number.isNaN(H[0]), "constant feature");
  assert.equal(Array.from(rankByScore(F)).at(-1), 0, "NaN ranks last");
  assertNear(H[1], H[2], 1e-12, "H under exp");
  const shifted = Float64Array.from(x, (v, k) => (k % 3 === 1 ? -4 * v + 1e3 : v));
  assertNear(anovaF({ ...m, x: shifted })[1] / F[1], 1, 1e-9, "F under an affine map");
  throwsNamed(() => anovaF({ ...m, y: [0, 1] }), RangeError, /y has 2 labels/, "labels");
  throwsNamed(() => kruskalH({ ...m, classes: 2 }), RangeError, /not a class index/, "class index");
});

/** scikit-learn's objective, C Σ loss + R(W), at a model; sklearn's coefficients are given for two classes as one row. */
function objective(
  c: (typeof fixtures.logistic)[number],
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  C: number,
  l1: boolean,
) {
  const p = logisticProba(
    {
      weights: Float64Array.from(w),
      intercept: Float64Array.from(b),
      d: c.d,
      classes: c.classes,
      iterations: 0,
      converged: true,
    },
    c.x,
    c.n,
  );
  let loss = 0;
  for (let i = 0; i < c.n; i++) loss -= Math.log(p[i * c.classes + c.y[i]]);
  let penalty = 0;
  for (const v of Array.from(w)) penalty += l1 ? Math.abs(v) : (v * v) / 2;
  return C * loss + penalty;
}

test("ℓ1 logistic = scikit-learn's saga at equal C: support, accuracy, coefficients to 1e-4, objective no worse", () => {
  for (const c of fixtures.logistic) {
    const m = { x: c.x, n: c.n, d: c.d, y: c.y, classes: c.classes };
    for (const fit of c.l1) {
      const what = `${c.name}, C = ${fit.C}`;
      const model = fitLogistic(m, { C: fit.C, penalty: "l1", tol: 1e-10, maxIter: 100000 });
      assert.ok(model.converged, `${what}: converged`);
      // saga stops on its own tolerance: a coefficient it leaves below 1e-4 may be exactly 0 here and vice versa.
      for (let k = 0; k < fit.coef.length; k++)
        assertNear(model.weights[k], fit.coef[k], 1e-4, `${what}: coefficient ${k}`);
      // With every weight 0, saga's stopping rule (largest change / largest weight) stops it before its intercept
      // has converged: intercepts are compared where it has a support.
      if (fit.support.length)
        fit.intercept.forEach((v, r) => assertNear(model.intercept[r], v, 1e-4, `${what}: intercept ${r}`));
      const big = (j: number) => fit.coef.some((v, k) => k % c.d === j && Math.abs(v) > 1e-4);
      const ours = logisticSupport(model);
      assert.equal(
        ours.filter(big),
        fit.support.filter(big),
        `${what}: support (coefficients above 1e-4 in sklearn's)`,
      );
      const accuracy = (x: number[], y: number[]) => {
        const p = logisticProba(model, x, y.length);
        return (
          y.filter((t, i) => {
            const row = Array.from(p.subarray(i * c.classes, (i + 1) * c.classes));
            return row.indexOf(Math.max(...row)) === t;
          }).length / y.length
        );
      };
      assertNear(accuracy(c.x, c.y), fit.trainAccuracy, 1e-12, `${what}: training accuracy`);
      assertNear(accuracy(c.testX, c.testY), fit.testAccuracy, 1e-12, `${what}: test accuracy`);
      const mine = objective(c, model.weights, model.intercept, fit.C, true);
      const theirs = objective(c, fit.coef, fit.intercept, fit.C, true);
      assert.ok(mine <= theirs + 1e-9 * Math.abs(theirs), `${what}: objective ${mine} vs sklearn's ${theirs}`);
    }
  }
});

test("ℓ2 logistic (the downstream classifier) = scikit-learn's LogisticRegression() (newton-cg) to 1e-8", () => {
  for (const c of fixtures.logistic) {
    const model = fitLogistic({ x: c.x, n: c.n, d: c.d, y: c.y, classes: c.classes }, { tol: 1e-10 });
    assert.ok(model.converged, `${c.name}: converged`);
    c.l2.coef.forEach((v, k) => assertNear(model.weights[k], v, 1e-8, `${c.name}: coefficient ${k}`));
    const p = logisticProba(model, c.testX, c.testY.length);
    c.l2.testProba.forEach((v, k) => assertNear(p[k], v, 1e-8, `${c.name}: probability ${k}`));
  }
});

test("ℓ1 path: each step's support is the cold-started fit's, features enter in path order, rest by gradient", () => {
  for (const c of fixtures.logistic) {
    const m = { x: c.x, n: c.n, d: c.d, y: c.y, classes: c.classes };
    const path = l1LogisticPath(m, { steps: 8, decades: 2, tol: 1e-10, maxIter: 100000 });
    // The path stops once every feature has entered.
    assert.ok(path.cs.length === 8 || path.supportSizes.at(-1) === c.d, `${c.name}: steps`);
    assert.equal(
      Array.from(path.ranking).sort((a, b) => a - b),
      Array.from({ length: c.d }, (_, j) => j),
    );
    path.cs.forEach((C, s) => {
      const cold = logisticSupport(fitLogistic(m, { C, penalty: "l1", tol: 1e-10, maxIter: 100000 }));
      assert.is(cold.length, path.supportSizes[s], `${c.name}: support size at step ${s}`);
    });
    const order = Array.from(path.ranking, (j) => (path.entered[j] < 0 ? Infinity : path.entered[j]));
    for (let r = 1; r < order.length; r++) assert.ok(order[r - 1] <= order[r], `${c.name}: entry order`);
    // Just below C_min nothing enters: the first step (10^(2/8) × C_min) has a small support.
    assert.ok(path.supportSizes[0] < c.d, `${c.name}: first step sparse`);
  }
});

test("forest: a feature that separates the classes takes all importance with every feature a candidate", () => {
  const random = new Generator(5);
  const n = 60,
    d = 6;
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x = Float64Array.from({ length: n * d }, (_, k) =>
    k % d === 4 ? y[Math.floor(k / d)] * 2 + random.uniform(0, 1) : random.uniform(0, 3),
  );
  const m = { x, n, d, y, classes: 2 };
  const all = forestImportance(m, { trees: 20, maxFeatures: d, seed: 1 });
  all.forEach((v, j) => assertNear(v, j === 4 ? 1 : 0, 1e-12, `importance ${j}`));
  const sqrt = forestImportance(m, { trees: 50, seed: 2 });
  assertNear(
    sqrt.reduce((a, b) => a + b, 0),
    1,
    1e-12,
    "sums to 1",
  );
  assert.is(rankByScore(sqrt)[0], 4, "√d candidates: the separating feature first");
  assert.equal(forestImportance(m, { trees: 5, seed: 9 }), forestImportance(m, { trees: 5, seed: 9 }), "seeded");
  throwsNamed(() => forestImportance(m, { trees: 0 }), RangeError, /trees/, "trees");
});

test("stability: Kuncheva's index and Jaccard on hand-computed panels", () => {
  assertNear(
    kunchevaIndex(
      [
        [0, 1],
        [0, 1],
      ],
      10,
    ),
    1,
    1e-15,
    "identical",
  );
  // r = 1, k = 2, d = 10: (10 − 4) / (2 · 8) = 0.375.
  assertNear(
    kunchevaIndex(
      [
        [0, 1],
        [1, 2],
      ],
      10,
    ),
    0.375,
    1e-15,
    "one shared",
  );
  // Three pairs: 1/3, 1/3 and 0 → 2/9.
  assertNear(
    meanJaccard([
      [0, 1],
      [1, 2],
      [2, 3],
    ]),
    2 / 9,
    1e-15,
    "jaccard",
  );
  throwsNamed(() => kunchevaIndex([[0, 1]], 10), RangeError, /two panels/, "one panel");
  throwsNamed(() => kunchevaIndex([[0, 1], [2]], 10), RangeError, /same number/, "sizes");
});

const small = () => {
  const { X, y } = makeClassification({ nSamples: 48, nFeatures: 14, nInformative: 3, nRedundant: 0, randomState: 4 });
  return { X, y };
};
const quick = { epochs: [3, 2] as [number, number], hidden: [8] };

test("honest by construction: a scrambled test fold changes no ranking fitted on the training rows", () => {
  const { X, y } = small();
  const data = toDataset(X, y);
  const [test0] = stratifiedFolds(data.y, 2, 3, 0);
  const inTest = new Set(test0);
  const train = Int32Array.from({ length: data.n }, (_, i) => i).filter((i) => !inTest.has(i));
  const scrambled = Float64Array.from(X);
  const random = new Generator(11);
  for (const r of test0) for (let j = 0; j < data.d; j++) scrambled[r * data.d + j] = random.uniform(-50, 50);
  const other = toDataset(scrambled, y);
  const methods: SelectorName[] = ["anova", "kruskal", "l1-logistic", "forest", "top-k", "sae-bilevel-l1inf"];
  for (const method of methods) {
    const options = { sae: quick, trees: 10, seed: 0, maxK: 5 };
    const a = rankFeatures(method, data, train, options);
    const b = rankFeatures(method, other, train, options);
    assert.equal(Array.from(a.ranking), Array.from(b.ranking), `${method}: ranking`);
  }
  // Through compareSelectors: fold 1's rankings are the same, and only its test scores may move.
  const run = (x: Float64Array) =>
    compareSelectors(x, y, { methods: ["anova", "forest"], k: [2, 4], folds: 3, classifiers: ["logistic"], trees: 10 });
  const before = run(X),
    after = run(scrambled);
  for (const [i, r] of before.runs.entries()) {
    if (r.fold !== 1) continue;
    assert.equal(Array.from(r.ranking), Array.from(after.runs[i].ranking), `${r.method} fold 1 ranking`);
  }
});

test("compareSelectors: rows per method × k, stability, recall, permutation p-values", () => {
  // Features 0 and 1 shifted by ±2 with the class, ten of noise.
  const random = new Generator(21);
  const y = Int32Array.from({ length: 60 }, (_, i) => i % 2);
  const X = Float64Array.from({ length: 60 * 12 }, (_, k) => {
    const shift = k % 12 < 2 ? 4 * y[Math.floor(k / 12)] - 2 : 0;
    return shift + random.uniform(-1, 1) + random.uniform(-1, 1);
  });
  const result = compareSelectors(X, y, {
    methods: ["anova", "l1-logistic"],
    k: [2, 5, 40],
    folds: 3,
    seeds: 2,
    classifiers: ["logistic", "sae"],
    sae: quick,
    informative: [0, 1],
    permutations: 9,
  });
  assert.equal(result.k, [2, 5]);
  assert.equal(result.skippedK, [40]);
  assert.is(result.rows.length, 4);
  assert.is(result.runs.length, 2 * 3 * 2);
  for (const row of result.rows) {
    assert.is(row.accuracy.logistic!.values.length, 6);
    assert.ok(row.accuracy.sae !== null && row.auc.logistic !== null);
    assert.ok(row.kuncheva !== null && row.kuncheva <= 1 && row.jaccard !== null);
    for (const f of row.features) assert.ok(f.pValue! >= 0.1 && f.pValue! <= 1, "p in [1/(P+1), 1]");
  }
  const anova2 = result.rows.find((r) => r.method === "anova" && r.k === 2)!;
  // Two well-separated informative features: found in every run, the largest permuted frequency is below 1.
  assertNear(anova2.recall!.mean, 1, 1e-12, "recall");
  assert.equal(
    anova2.features.slice(0, 2).map((f) => [f.index, f.frequency, f.pValue]),
    [
      [0, 1, 0.1],
      [1, 1, 0.1],
    ],
  );
  throwsNamed(() => compareSelectors(X, y, { methods: ["lasso" as SelectorName] }), TypeError, /unknown method/, "m");
  throwsNamed(() => compareSelectors(X, y, { k: [0] }), RangeError, /k must be/, "k");
});

test.run();
