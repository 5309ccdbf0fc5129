// Classification metrics, silhouette and 2-D PCA against scikit-learn's own numbers (fixtures from
// test/fixtures/make-metrics-fixtures.py), on hand-computable cases, under invariances, and their errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { classificationReport, confusionMatrix, rocAuc } from "../src/metrics/classification.ts";
import { pca2 } from "../src/metrics/pca.ts";
import { silhouetteScore } from "../src/metrics/silhouette.ts";
import fixtures from "./fixtures/metrics.json";
import { assertNear, rng, throwsNamed } from "./helpers.ts";

const test = suite("metrics: classification, silhouette and PCA against scikit-learn");

// deno-lint-ignore no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: the type of every exported function, called with wrong arguments
type AnyFn = (...args: any[]) => unknown;
const untyped = (fn: unknown) => fn as AnyFn;

test("confusionMatrix, classificationReport = sklearn's (absent and never-predicted classes, zero_division=0)", () => {
  for (const c of fixtures.classification) {
    for (const [kind, yTrue, yPred] of [
      ["array", c.yTrue, c.yPred],
      ["Int32Array", Int32Array.from(c.yTrue), Int32Array.from(c.yPred)],
    ] as const) {
      const what = `${c.name} (${kind})`;
      assert.equal(confusionMatrix(yTrue, yPred, c.classes), c.confusion, `${what}: confusion matrix`);
      const report = classificationReport(yTrue, yPred, c.classes);
      assertNear(report.accuracy, c.accuracy, 1e-12, `${what}: accuracy`);
      assertNear(report.precision, c.precision, 1e-12, `${what}: macro precision`);
      assertNear(report.recall, c.recall, 1e-12, `${what}: macro recall`);
      assertNear(report.f1, c.f1, 1e-12, `${what}: macro f1`);
      assert.equal(report.support, c.support, `${what}: support`);
      assert.is(report.perClassAccuracy.length, c.classes, `${what}: per-class length`);
      c.perClassRecall.forEach((expected, k) => {
        if (expected === null) assert.is(report.perClassAccuracy[k], null, `${what}: class ${k} absent`);
        else assertNear(report.perClassAccuracy[k] as number, expected, 1e-12, `${what}: class ${k} recall`);
      });
    }
  }
});

test("rocAuc equals sklearn's roc_auc_score (binary, one-vs-rest macro, ties) and throws where it raises", () => {
  for (const c of fixtures.classification) {
    if (c.rocAuc === null) {
      throwsNamed(() => rocAuc(c.yTrue, c.probabilities, c.classes), RangeError, /class 3 is absent/, c.name);
      continue;
    }
    assertNear(rocAuc(c.yTrue, c.probabilities, c.classes), c.rocAuc, 1e-12, c.name);
    assertNear(
      rocAuc(Int32Array.from(c.yTrue), Float64Array.from(c.probabilities), c.classes),
      c.rocAuc,
      1e-12,
      `${c.name} (typed)`,
    );
    // Float32 rounding keeps a grid's ties and order, so the ranks, hence the AUC, are unchanged.
    if (c.name.includes("tied"))
      assertNear(rocAuc(c.yTrue, Float32Array.from(c.probabilities), c.classes), c.rocAuc, 1e-12, `${c.name} (f32)`);
  }
});

test("rocAuc by hand: perfect 1, reversed 0, all tied 0.5, one swapped pair", () => {
  const y = [0, 0, 1, 1];
  const binary = (p1: number[]) => p1.flatMap((p) => [1 - p, p]);
  assert.is(rocAuc(y, binary([0.1, 0.2, 0.8, 0.9]), 2), 1);
  assert.is(rocAuc(y, binary([0.9, 0.8, 0.2, 0.1]), 2), 0);
  assert.is(rocAuc(y, binary([0.5, 0.5, 0.5, 0.5]), 2), 0.5);
  assert.is(rocAuc(y, binary([0.1, 0.6, 0.5, 0.9]), 2), 0.75);
  assert.is(rocAuc(y, binary([0.1, 0.5, 0.5, 0.9]), 2), 0.875);
  const oneHot = [0, 1, 2, 1, 0].flatMap((k) => [0, 1, 2].map((c) => (c === k ? 0.8 : 0.1)));
  assert.is(rocAuc([0, 1, 2, 1, 0], oneHot, 3), 1);
  assert.is(rocAuc([0, 1, 2], [1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3], 3), 0.5);
});

test("rocAuc is unchanged by a strictly increasing transform of the scores", () => {
  const random = rng(7);
  for (let trial = 0; trial < 20; trial++) {
    const n = 10 + Math.floor(random() * 40);
    const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : random() < 0.3 ? 1 : 0));
    const p1 = Array.from({ length: n }, () => Math.round(random() * 20) / 20);
    const scores = p1.flatMap((p) => [1 - p, p]);
    const transformed = p1.flatMap((p) => [0, Math.exp(3 * p) - 7]);
    assert.is(rocAuc(y, transformed, 2), rocAuc(y, scores, 2), `trial ${trial}`);
  }
});

test("confusionMatrix and classificationReport by hand", () => {
  const yTrue = [0, 0, 1, 1, 2];
  const yPred = [0, 1, 1, 1, 0];
  assert.equal(confusionMatrix(yTrue, yPred, 3), [
    [1, 1, 0],
    [0, 2, 0],
    [1, 0, 0],
  ]);
  assert.equal(confusionMatrix([], [], 2), [
    [0, 0],
    [0, 0],
  ]);
  const report = classificationReport(yTrue, yPred, 4);
  assert.is(report.accuracy, 3 / 5);
  assert.equal(report.perClassAccuracy, [0.5, 1, 0, null]);
  assert.equal(report.support, [2, 2, 1, 0]);
  assertNear(report.precision, (1 / 2 + 2 / 3) / 4, 1e-15, "precision");
  assertNear(report.recall, (1 / 2 + 1) / 4, 1e-15, "recall");
  assertNear(report.f1, (1 / 2 + 4 / 5) / 4, 1e-15, "f1");
});

test("silhouetteScore equals sklearn's silhouette_score (singleton cluster, duplicated points)", () => {
  for (const c of fixtures.silhouette) {
    assertNear(silhouetteScore(c.points, c.d, c.labels), c.score, 1e-12, c.name);
    assertNear(
      silhouetteScore(Float64Array.from(c.points), c.d, Int32Array.from(c.labels)),
      c.score,
      1e-12,
      `${c.name} (typed)`,
    );
    // Only the partition matters, not the label values.
    assertNear(
      silhouetteScore(
        c.points,
        c.d,
        c.labels.map((l) => 100 - 7 * l),
      ),
      c.score,
      1e-12,
      `${c.name} (relabelled)`,
    );
  }
});

test("silhouetteScore by hand, and unchanged by translating every point", () => {
  assertNear(silhouetteScore([0, 1, 10, 11], 1, [0, 0, 1, 1]), (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-15, "two pairs");
  assertNear(silhouetteScore([0, 1, 5], 1, [0, 0, 1]), (4 / 5 + 3 / 4) / 3, 1e-15, "singleton scores 0");
  assert.is(silhouetteScore([2, 2, 2, 2], 1, [0, 0, 1, 1]), 0, "all points equal");
  for (const c of fixtures.silhouette) {
    const shift = Array.from({ length: c.d }, (_, k) => 3.7 - 1.3 * k);
    const moved = c.points.map((x, i) => x + shift[i % c.d]);
    assertNear(silhouetteScore(moved, c.d, c.labels), c.score, 1e-12, `${c.name} translated`);
  }
});

test("pca2 equals sklearn's PCA(2): explained variance ratio, coordinates up to each column's sign", () => {
  for (const c of fixtures.pca) {
    const { coordinates, explained } = pca2(c.points, c.d);
    assertNear(explained[0], c.explained[0], 1e-12, `${c.name}: explained[0]`);
    assertNear(explained[1], c.explained[1], 1e-12, `${c.name}: explained[1]`);
    assert.is(coordinates.length, c.coordinates.length, `${c.name}: length`);
    for (const column of [0, 1]) {
      let dot = 0;
      for (let i = column; i < coordinates.length; i += 2) dot += coordinates[i] * c.coordinates[i];
      const sign = dot < 0 ? -1 : 1;
      for (let i = column; i < coordinates.length; i += 2) {
        assertNear(
          sign * coordinates[i],
          c.coordinates[i],
          1e-12 * Math.max(1, Math.abs(c.coordinates[i])),
          `${c.name}: [${i}]`,
        );
      }
    }
    const f32 = pca2(Float32Array.from(c.points), c.d);
    assertNear(f32.explained[0], c.explained[0], 1e-5, `${c.name}: f32 input`);
  }
});

test("pca2: sign convention, d = 2 is a rotation, d = 1 and constant points", () => {
  // Points along (−3, 1) with a little spread along (1, 3): the first component is ±(3, −1)/√10, and the
  // convention makes its largest loading, 3, positive, so the point at t·(−3, 1) has coordinate −t·√10.
  const ts = [-2, -1, 0, 1, 2];
  const spread = [0.1, -0.1, 0, -0.1, 0.1];
  const points = ts.flatMap((t, i) => [-3 * t + spread[i], t + 3 * spread[i]]);
  const { coordinates, explained } = pca2(points, 2);
  ts.forEach((t, i) => assertNear(coordinates[2 * i], -t * Math.sqrt(10), 1e-12, `first coordinate of t = ${t}`));
  assertNear(explained[0] + explained[1], 1, 1e-15, "two components explain everything in 2-D");
  // Rotation: each centred point keeps its length (the mean of these points is 0).
  for (let i = 0; i < ts.length; i++) {
    const length = Math.hypot(points[2 * i], points[2 * i + 1]);
    assertNear(Math.hypot(coordinates[2 * i], coordinates[2 * i + 1]), length, 1e-12, `length of point ${i}`);
  }
  const one = pca2([1, 4, 2, 5], 1);
  assert.equal(Array.from(one.coordinates), [-2, 0, 1, 0, -1, 0, 2, 0]);
  assert.equal(one.explained, [1, 0]);
  const flat = pca2([1, 2, 3, 1, 2, 3], 3);
  assert.equal(Array.from(flat.coordinates), [0, 0, 0, 0]);
  assert.equal(flat.explained, [0, 0]);
});

test("errors name the argument: TypeError for a wrong type, RangeError for a wrong value", () => {
  const cm = untyped(confusionMatrix);
  const report = untyped(classificationReport);
  const auc = untyped(rocAuc);
  const sil = untyped(silhouetteScore);
  const pca = untyped(pca2);
  throwsNamed(() => cm([0], [0], "2"), TypeError, /^classes must be a number/, "classes type");
  throwsNamed(() => cm([0], [0], 0), RangeError, /^classes must be an integer ≥ 1/, "classes 0");
  throwsNamed(() => cm([0], [0], 1.5), RangeError, /^classes must be an integer/, "classes 1.5");
  throwsNamed(
    () => cm(new Float64Array(1), [0], 2),
    TypeError,
    /^yTrue must be an Int32Array or an array/,
    "yTrue type",
  );
  throwsNamed(() => cm([0], "0", 2), TypeError, /^yPred must be an Int32Array or an array/, "yPred type");
  throwsNamed(() => cm([0, "1"], [0, 1], 2), TypeError, /^yTrue\[1\] must be a number/, "yTrue element type");
  throwsNamed(
    () => cm([0, 1], [0, 2], 2),
    RangeError,
    /^yPred\[1\] must be a class index in 0\.\.1/,
    "yPred out of range",
  );
  throwsNamed(() => cm([-1], [0], 2), RangeError, /^yTrue\[0\] must be a class index/, "negative label");
  throwsNamed(() => cm([0.5], [0], 2), RangeError, /^yTrue\[0\] must be a class index/, "fractional label");
  throwsNamed(
    () => cm([0, 1], [0], 2),
    RangeError,
    /^yPred must have one label per sample of yTrue \(2\); got 1/,
    "length mismatch",
  );
  throwsNamed(() => report([], [], 2), RangeError, /^yTrue must hold at least one sample/, "empty report");
  throwsNamed(
    () => auc([0, 1], [0.5, 0.5, 0.5, 0.5], 1),
    RangeError,
    /^classes must be an integer ≥ 2/,
    "AUC of one class",
  );
  throwsNamed(
    () => auc([0, 1], new Int32Array(4), 2),
    TypeError,
    /^probabilities must be a Float64Array/,
    "probabilities type",
  );
  throwsNamed(
    () => auc([0, 1], [0.5, 0.5, 0.5], 2),
    RangeError,
    /^probabilities must hold n × classes = 2 × 2 = 4/,
    "probabilities length",
  );
  throwsNamed(
    () => auc([0, 1], [0.5, 0.5, "0.5", 0.5], 2),
    TypeError,
    /^probabilities\[2\] must be a number/,
    "probability type",
  );
  throwsNamed(
    () => auc([0, 1], [0.5, 0.5, NaN, 0.5], 2),
    RangeError,
    /^probabilities\[2\] must be finite/,
    "NaN probability",
  );
  throwsNamed(
    () => auc([0, 1, 2], [1, 1, 1, 0, 1, 0, 0, 0, 1], 3),
    RangeError,
    /^probabilities row 0 must sum to 1/,
    "logits",
  );
  throwsNamed(
    () => auc([1, 1], [0.5, 0.5, 0.2, 0.8], 2),
    RangeError,
    /^yTrue must contain every class .*class 0 is absent/,
    "binary one class",
  );
  throwsNamed(() => sil([0, 1], "1", [0, 1]), TypeError, /^d must be a number/, "d type");
  throwsNamed(() => sil([0, 1], 0, [0, 1]), RangeError, /^d must be an integer ≥ 1/, "d 0");
  throwsNamed(() => sil({ length: 2 }, 1, [0, 1]), TypeError, /^points must be a Float64Array/, "points type");
  throwsNamed(() => sil([0, 1, 2], 2, [0, 1]), RangeError, /^points must hold n × d values/, "points length");
  throwsNamed(() => sil([0, Infinity, 2], 1, [0, 1, 1]), RangeError, /^points\[1\] must be finite/, "points Infinity");
  throwsNamed(
    () => sil([0, 1, 2], 1, [0, 1]),
    RangeError,
    /^labels must have one label per point \(3\)/,
    "labels length",
  );
  throwsNamed(() => sil([0, 1, 2], 1, new Float32Array(3)), TypeError, /^labels must be an Int32Array/, "labels type");
  throwsNamed(() => sil([0, 1, 2], 1, [0, 0.5, 1]), RangeError, /^labels\[1\] must be an integer/, "labels fractional");
  throwsNamed(
    () => sil([0, 1, 2], 1, [4, 4, 4]),
    RangeError,
    /^labels must name between 2 and n − 1 = 2 distinct clusters; got 1/,
    "one cluster",
  );
  throwsNamed(
    () => sil([0, 1, 2], 1, [0, 1, 2]),
    RangeError,
    /^labels must name between 2 and n − 1 = 2 distinct clusters; got 3/,
    "n clusters",
  );
  throwsNamed(() => pca([], 2), RangeError, /^points must hold at least one point/, "no points");
  throwsNamed(() => pca([1, 2], 2.5), RangeError, /^d must be an integer ≥ 1/, "d fractional");
  throwsNamed(() => pca([1, NaN], 2), RangeError, /^points\[1\] must be finite/, "NaN point");
});

test.run();
