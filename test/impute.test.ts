// Missing values (NaN) imputed from the training rows only: each method against a hand-computed answer, the
// features dropped for missingness, honesty under cross-validation, the imputation saved and applied by predict,
// and the refusals (a row with nothing observed, NaN without imputation, a tampered model file).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { crossValidate, Generator, loadSAE, trainSAE } from "../src/index.ts";
import { toDataset } from "../src/sae/dataset.ts";
import { fitPreprocessing, transformRows } from "../src/sae/preprocess.ts";
import { trainOnRows } from "../src/sae/train.ts";

const test = suite("missing values: imputation fitted on training rows");

const raw = { log: false, zscore: false } as const;
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

// Training rows 0..3; row 4 stands for a test row with extreme values that must not count.
const X5 = [1, NaN, 3, 4, NaN, 8, 8, 2, 1000, 1000];

test("mean, median and half-min: the training rows' observed values, by hand", () => {
  const train = all(4);
  // Feature 0 observes 1, 3, 8; feature 1 observes 4, 8, 2.
  const expected = { mean: [4, 14 / 3], median: [3, 4], "half-min": [0.5, 1] } as const;
  for (const method of ["mean", "median", "half-min"] as const) {
    const p = fitPreprocessing(X5, 2, train, { ...raw, impute: method });
    assert.equal(p.imputation!.method, method);
    assert.equal(p.imputation!.values, [...expected[method]], method);
    assert.equal(p.imputation!.dropped, []);
    const out = transformRows(p, X5, 2, Int32Array.of(0, 2));
    assert.equal(Array.from(out), Array.from(Float32Array.of(1, expected[method][1], expected[method][0], 8)), method);
  }
});

test("knn: the k nearest training rows that have the feature, over the features both rows observe", () => {
  // Rows 0..3 train; row 3 is nearest to the query but lacks feature 2; row 5 (not training) is nearer still.
  const x = [0, 0, 10, 1, 1, 20, 5, 5, 30, 0.1, 0.1, NaN, 0.1, 0.1, NaN, 0.1, 0.1, 999];
  const train = all(4);
  const two = fitPreprocessing(x, 3, train, { ...raw, impute: "knn", k: 2 });
  assert.equal(Array.from(transformRows(two, x, 3, Int32Array.of(4))), [0.1, 0.1, 15].map(Math.fround));
  const one = fitPreprocessing(x, 3, train, { ...raw, impute: "knn", k: 1 });
  assert.equal(Array.from(transformRows(one, x, 3, Int32Array.of(4))), [0.1, 0.1, 10].map(Math.fround));
  // The training row with feature 2 missing is imputed from the other training rows the same way.
  assert.equal(Array.from(transformRows(two, x, 3, Int32Array.of(3))), [0.1, 0.1, 15].map(Math.fround));
  // The model keeps the training rows (missing as null), and nothing of row 5.
  assert.equal(one.imputation!.rows!.length, 4);
  assert.equal(one.imputation!.rows![3], [0.1, 0.1, null]);
  assert.equal(one.imputation!.k, 1);
});

test("maxMissing drops features missing in more than that share of the training rows; they enter as 0", () => {
  // Feature 0 missing in 2 of 4 training rows, feature 1 in 1 of 4, feature 2 never; row 4 (test) misses 2.
  const x = [NaN, 1, 1, NaN, NaN, 2, 3, 3, 3, 4, 4, 4, 5, 5, NaN];
  const p = fitPreprocessing(x, 3, all(4), { impute: "mean", maxMissing: 0.3 });
  assert.equal(p.imputation!.dropped, [0]);
  const out = transformRows(p, x, 3, all(5));
  for (let r = 0; r < 5; r++) assert.is(out[r * 3], 0, `row ${r}`);
  assert.equal(fitPreprocessing(x, 3, all(4), { impute: "mean", maxMissing: 0.5 }).imputation!.dropped, []);
  // A feature never observed in the training rows is dropped whatever maxMissing is.
  const never = [NaN, 1, NaN, 2, NaN, 3, 7, 4];
  assert.equal(fitPreprocessing(never, 2, all(3), { impute: "median" }).imputation!.dropped, [0]);
});

/** Three classes, 10 features (the first 3 informative), about `share` of the cells missing. */
function holey(n: number, seed: number, share = 0.15): { X: number[][]; y: string[] } {
  const g = new Generator(seed);
  const X: number[][] = [],
    y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const row = Array.from({ length: 10 }, (_, j) => 5 + g.uniform(0, 1) + (j < 3 && j === c ? 3 : 0));
    // Feature 9 is missing in most rows; row 0's first value is always there.
    for (let j = 0; j < 10; j++) if ((j === 9 && i % 4 !== 0) || (g.uniform(0, 1) < share && j > 0)) row[j] = NaN;
    X.push(row);
    y.push("abc"[c]);
  }
  return { X, y };
}

const FAST = { epochs: 10, hidden: [8], batchSize: 8 };

test("honesty: scrambling a test fold's values changes no imputation statistic, weight or dropped feature", () => {
  for (const impute of ["median", "knn"] as const) {
    const { X, y } = holey(45, 3);
    const options = { ...FAST, folds: 3, preprocess: { impute, maxMissing: 0.5 } };
    const before = crossValidate(X, y, options);
    const scrambled = X.map((row) => [...row]);
    const g = new Generator(7);
    for (const i of before.runs[0].test) {
      scrambled[i] = scrambled[i].map((v, j) => (j > 0 && g.uniform(0, 1) < 0.5 ? NaN : g.uniform(0, 50) + v * 0));
    }
    const after = crossValidate(scrambled, y, options);
    assert.equal(after.runs[0].losses, before.runs[0].losses, impute);
    assert.equal(after.runs[0].selected, before.runs[0].selected, impute);
    assert.equal(after.runs[0].droppedFeatures, before.runs[0].droppedFeatures, impute);
    assert.equal(before.runs[0].droppedFeatures, [9], impute);
    assert.ok(before.runs[0].imputed! > 0, impute);
    // The model of the training rows alone: its imputation and weights are the same with the test rows changed.
    const train = Int32Array.from({ length: 45 }, (_, i) => i).filter((i) => !before.runs[0].test.includes(i));
    const models = [X, scrambled].map((rows) => trainOnRows(toDataset(rows, y, "t", true), options, train));
    assert.equal(models[1].info.preprocessing, models[0].info.preprocessing, impute);
    assert.equal(Array.from(models[1].firstLayerWeight), Array.from(models[0].firstLayerWeight), impute);
    for (const m of models) m.dispose();
  }
});

test("without impute nothing is reported and a NaN is refused as before; ±Infinity is refused with impute", () => {
  const { X, y } = holey(30, 4);
  assert.throws(() => trainSAE(X, y, FAST), /X\[\d+\]\[\d+\] is NaN; values must be finite/);
  const full = X.map((row) => row.map((v) => (Number.isNaN(v) ? 1 : v)));
  const result = crossValidate(full, y, { ...FAST, folds: 3 });
  assert.not.ok("imputed" in result.runs[0]);
  assert.not.ok("droppedFeatures" in result.runs[0]);
  const model = trainSAE(full, y, FAST);
  assert.not.ok("imputation" in model.info.preprocessing);
  assert.throws(() => model.predict([X[1]]), /is NaN; values must be finite/);
  model.dispose();
  const infinite = X.map((row) => [...row]);
  infinite[2][0] = Infinity;
  assert.throws(() => trainSAE(infinite, y, { ...FAST, preprocess: { impute: "mean" } }), /Infinity/);
  assert.throws(() => trainSAE(X, y, { ...FAST, preprocess: { impute: "mode" as "mean" } }), /impute/);
  assert.throws(() => trainSAE(X, y, { ...FAST, preprocess: { impute: "knn", k: 0 } }), /k must be/);
  assert.throws(() => trainSAE(X, y, { ...FAST, preprocess: { impute: "mean", maxMissing: 2 } }), /maxMissing/);
});

test("predict applies the stored imputation; a saved and loaded model predicts the same on rows with NaN", () => {
  for (const impute of ["mean", "median", "half-min", "knn"] as const) {
    const { X, y } = holey(30, 5);
    const model = trainSAE(X, y, { ...FAST, preprocess: { impute, maxMissing: 0.5 } });
    const copy = loadSAE(JSON.stringify(model.toJSON()));
    assert.equal(Array.from(copy.predictProba(X)), Array.from(model.predictProba(X)), impute);
    assert.equal(copy.info.preprocessing.imputation, model.info.preprocessing.imputation, impute);
    if (impute !== "knn") {
      // A NaN reads as the stored value: the same answer as the row filled in by hand.
      const values = model.info.preprocessing.imputation!.values;
      const filled = X.map((row) => row.map((v, j) => (Number.isNaN(v) ? values[j] : v)));
      assert.equal(Array.from(model.encode(filled)), Array.from(model.encode(X)), impute);
    }
    // A row with nothing observed is refused, naming it.
    const rows = [X[0], X[1].map(() => NaN)];
    assert.throws(() => model.predict(rows), /row 1: .*missing/, impute);
    model.dispose();
    copy.dispose();
  }
  const { X, y } = holey(30, 6);
  X[4] = X[4].map(() => NaN);
  assert.throws(() => trainSAE(X, y, { ...FAST, preprocess: { impute: "mean" } }), /row 4: .*missing/);
});

test("a model file with a tampered imputation block is refused, naming the field", () => {
  const { X, y } = holey(30, 8);
  const json = (impute: "mean" | "knn") => {
    const model = trainSAE(X, y, { ...FAST, preprocess: { impute } });
    const text = JSON.stringify(model.toJSON());
    model.dispose();
    return () => JSON.parse(text);
  };
  const mean = json("mean"),
    knn = json("knn");
  // A model file's imputation block, as JSON.parse gives it, for tampering.
  type Block = { values: unknown[]; rows: unknown[][]; scale: unknown[]; [key: string]: unknown };
  const refuse = (fresh: () => { preprocessing: { imputation: Block } }, tamper: (b: Block) => void, m: RegExp) => {
    const model = fresh();
    tamper(model.preprocessing.imputation);
    assert.throws(() => loadSAE(model as never), m);
  };
  loadSAE(mean()).dispose();
  loadSAE(knn()).dispose();
  const at = "model\\.preprocessing\\.imputation";
  refuse(mean, (i: Block) => i.values.pop(), new RegExp(`${at}\\.values has 9 values`));
  refuse(mean, (i: Block) => (i.values[2] = "x"), new RegExp(`${at}\\.values\\[2\\] must be a number`));
  refuse(mean, (i: Block) => (i.method = "mode"), new RegExp(`${at}\\.method must be`));
  refuse(mean, (i: Block) => (i.dropped = [10]), new RegExp(`${at}\\.dropped\\[0\\]`));
  refuse(knn, (i: Block) => i.rows[3].pop(), new RegExp(`${at}\\.rows\\[3\\] has 9 values`));
  refuse(knn, (i: Block) => (i.rows[0][1] = "1"), new RegExp(`${at}\\.rows\\[0\\]\\[1\\]`));
  refuse(knn, (i: Block) => (i.k = 0), new RegExp(`${at}\\.k must be a positive integer`));
  refuse(knn, (i: Block) => i.scale.pop(), new RegExp(`${at}\\.scale has 9 values`));
  refuse(knn, (i: Block) => (i.rows = []), new RegExp(`${at}\\.rows is empty`));
});

test.run();
