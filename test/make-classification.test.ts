// makeClassification and its numpy RandomState against scikit-learn's and numpy's own outputs
// (test/fixtures/make-sklearn-fixtures.py), the structure the options promise, and the option errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeClassification, type MakeClassificationOptions } from "../src/data/make-classification.ts";
import { RandomState } from "../src/data/mt19937.ts";
import fixtures from "./fixtures/make-classification.json";

const test = suite("makeClassification: scikit-learn's datasets from numpy's RandomState");

test("RandomState replays numpy's legacy draws bit for bit", () => {
  const expected = fixtures.randomState;
  let r = new RandomState(0);
  assert.equal(
    Array.from({ length: 10 }, () => r.standardNormal()),
    expected.randn,
    "randn",
  );
  r = new RandomState(1);
  assert.equal(
    Array.from({ length: 10 }, () => r.randomSample()),
    expected.rand,
    "rand",
  );
  r = new RandomState(2);
  const ints = [
    ...Array.from({ length: 10 }, () => r.randint(7)),
    ...Array.from({ length: 5 }, () => r.randint(3, 1000)),
    ...Array.from({ length: 5 }, () => r.randint(0, 2 ** 31 + 5)),
    ...Array.from({ length: 3 }, () => r.randint(0, 2 ** 32)),
  ];
  assert.equal(ints, expected.randint, "randint");
  assert.equal(Array.from(new RandomState(3).permutation(20)), expected.permutation, "permutation");
  r = new RandomState(2 ** 32 - 1);
  const mixed = [r.standardNormal(), r.uniform(), r.standardNormal(), r.standardNormal(), r.uniform(-2, 3)];
  assert.equal(mixed, expected.mixed, "normals cached across uniform draws");
});

test("RandomState rejects seeds numpy rejects", () => {
  assert.throws(() => new RandomState(-1), /seed must be between 0 and 2\^32 - 1/);
  assert.throws(() => new RandomState(2 ** 32), /seed must be between 0 and 2\^32 - 1/);
  assert.throws(() => new RandomState(0.5), /seed must be an integer/);
  assert.throws(() => new RandomState(0).randint(3, 3), /low < high/);
});

// numpy multiplies the informative block by BLAS, whose summation order is its own: X agrees to rounding.
const RELATIVE = 1e-12;

for (const fixture of fixtures.cases) {
  test(`matches scikit-learn: ${fixture.title}`, () => {
    const { X, y, nSamples, nFeatures } = makeClassification(fixture.options as MakeClassificationOptions);
    assert.equal([nSamples, nFeatures], fixture.shape);
    assert.equal(Array.from(y), fixture.y, "y");
    assert.is(X.length, fixture.X.length);
    for (let i = 0; i < X.length; i++) {
      const want = fixture.X[i];
      if (!(Math.abs(X[i] - want) <= RELATIVE * Math.max(1, Math.abs(want)))) {
        assert.unreachable(`X[${Math.floor(i / nFeatures)}, ${i % nFeatures}] = ${X[i]}, scikit-learn ${want}`);
      }
    }
  });
}

test("the same seed gives the same dataset; the default seed varies", () => {
  const a = makeClassification({ randomState: 123 });
  const b = makeClassification({ randomState: 123 });
  assert.equal(Array.from(a.X), Array.from(b.X));
  assert.equal(Array.from(a.y), Array.from(b.y));
  const c = makeClassification();
  const d = makeClassification();
  assert.ok(c.X.some((v, i) => v !== d.X[i]));
});

test("class counts follow the weights when no label is flipped", () => {
  const weights = [0.1, 0.3, 0.6];
  const { y } = makeClassification({ nSamples: 1000, nClasses: 3, nInformative: 3, weights, flipY: 0, randomState: 4 });
  const counts = [0, 0, 0];
  for (const label of y) counts[label]++;
  assert.equal(counts, [100, 300, 600]);
});

test("at classSep 10 the informative features separate the classes (nearest centroid)", () => {
  const nFeatures = 8;
  const { X, y, nSamples } = makeClassification({
    nSamples: 400,
    nFeatures,
    nInformative: 3,
    nRedundant: 0,
    nClasses: 4,
    nClustersPerClass: 1,
    classSep: 10,
    flipY: 0,
    shuffle: false,
    randomState: 8,
  });
  const centroids = Array.from({ length: 4 }, () => [0, 0, 0]);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < nSamples; i++) {
    counts[y[i]]++;
    for (let j = 0; j < 3; j++) centroids[y[i]][j] += X[i * nFeatures + j];
  }
  centroids.forEach((c, k) => c.forEach((_, j) => (c[j] /= counts[k])));
  let correct = 0;
  for (let i = 0; i < nSamples; i++) {
    const distance = (k: number) => centroids[k].reduce((s, c, j) => s + (X[i * nFeatures + j] - c) ** 2, 0);
    const nearest = [0, 1, 2, 3].reduce((best, k) => (distance(k) < distance(best) ? k : best), 0);
    if (nearest === y[i]) correct++;
  }
  assert.ok(correct / nSamples > 0.99, `nearest centroid classifies ${correct} of ${nSamples}`);
});

test("unshuffled columns: redundant features are combinations, repeated ones copies", () => {
  const nFeatures = 10;
  const { X, nSamples } = makeClassification({
    nFeatures,
    nInformative: 3,
    nRedundant: 2,
    nRepeated: 2,
    shuffle: false,
    randomState: 6,
  });
  for (const column of [5, 6]) {
    const copies = [0, 1, 2, 3, 4].filter((source) => {
      for (let i = 0; i < nSamples; i++) if (X[i * nFeatures + column] !== X[i * nFeatures + source]) return false;
      return true;
    });
    assert.is(copies.length, 1, `column ${column} repeats one of the first five`);
  }
});

test("option errors name the option", () => {
  const cases: Array<[MakeClassificationOptions, RegExp, ErrorConstructor]> = [
    [
      { nInformative: 10, nRedundant: 8, nRepeated: 3 },
      /nInformative \+ nRedundant \+ nRepeated must be ≤ nFeatures/,
      RangeError,
    ],
    [{ nInformative: 2, nClasses: 3 }, /nClasses × nClustersPerClass must be ≤ 2\^nInformative/, RangeError],
    [{ nSamples: 0 }, /nSamples must be ≥ 1/, RangeError],
    [{ nFeatures: 2.5 }, /nFeatures must be an integer/, TypeError],
    [{ nInformative: 0 }, /nInformative must be ≥ 1/, RangeError],
    [{ nRedundant: -1 }, /nRedundant must be ≥ 0/, RangeError],
    [{ nClasses: 0 }, /nClasses must be ≥ 1/, RangeError],
    [{ nClustersPerClass: 0 }, /nClustersPerClass must be ≥ 1/, RangeError],
    [{ weights: [0.2, 0.3, 0.5] }, /weights must have nClasses \(2\) or nClasses − 1 entries/, RangeError],
    [{ weights: [-0.5, 1.5] }, /weights must be finite and ≥ 0/, RangeError],
    [{ nClasses: 3, nInformative: 3, weights: [0.7, 0.6] }, /weights must sum to at most 1/, RangeError],
    [{ flipY: 1.5 }, /flipY must be in \[0, 1\]/, RangeError],
    [{ classSep: 0 }, /classSep must be > 0/, RangeError],
    [{ classSep: Number.NaN }, /classSep must be a finite number/, TypeError],
    [{ shift: [1, 2] }, /shift must have nFeatures \(20\) entries/, RangeError],
    [{ scale: -1 }, /scale must be > 0/, RangeError],
    [{ hypercube: 1 as unknown as boolean }, /hypercube must be a boolean/, TypeError],
    [{ randomState: -1 }, /randomState must be ≥ 0/, RangeError],
    [{ randomState: 2 ** 32 }, /randomState must be ≤ 2\^32 − 1/, RangeError],
  ];
  for (const [options, message, type] of cases) {
    try {
      makeClassification(options);
      assert.unreachable(`${JSON.stringify(options)} should throw ${message}`);
    } catch (error) {
      assert.instance(error, type, `${JSON.stringify(options)}: ${String(error)}`);
      assert.match((error as Error).message, message);
    }
  }
});

test.run();
