// The supervised autoencoder end to end on small data: learning, the double descent's mask and rewind,
// reproducibility, no test-fold information in training, the model's JSON, and bad input.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  chooseSetting,
  crossValidate,
  crossValidateInWorkers,
  foldsProblem,
  Generator,
  integratedGradients,
  loadSAE,
  nn,
  trainSAE,
} from "../src/index.ts";
import { toDataset } from "../src/sae/dataset.ts";
import { stratifiedFolds, validationSplit } from "../src/sae/cv/folds.ts";
import { MirroredAutoencoder } from "../src/nn/autoencoder.ts";
import { trainOnRows } from "../src/sae/train.ts";

const test = suite("supervised autoencoder: double descent, cross-validation, honesty");

/** Three classes, 20 features of which the first 4 carry the class (shifted means), the rest noise. */
function separable(n: number, seed: number, spread = 2): { X: number[][]; y: string[] } {
  const g = new Generator(seed);
  const names = ["a", "b", "c"];
  const X: number[][] = [],
    y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push(Array.from({ length: 20 }, (_, j) => g.uniform(-1, 1) + (j < 4 ? spread * (j % 3 === c ? 1 : -0.5) : 0)));
    y.push(names[c]);
  }
  return { X, y };
}

const FAST = { epochs: 20, hidden: [16], batchSize: 8 };

test(
  "it learns: training loss falls by a third, " +
    "cross-validated accuracy ≥ 0.9 on a separable set, informative features ranked first",
  () => {
    const { X, y } = separable(90, 1);
    const result = crossValidate(X, y, { ...FAST, folds: 3, radius: 0.5 });
    for (const run of result.runs)
      assert.ok(
        run.losses[0].at(-1)! < (run.losses[0][0] * 2) / 3,
        `fold ${run.fold}: ${run.losses[0][0]} → ${run.losses[0].at(-1)}`,
      );
    assert.ok(result.accuracy.mean >= 0.9, `accuracy ${result.accuracy.mean}`);
    assert.ok(result.auc.mean >= 0.95, `auc ${result.auc.mean}`);
    assert.equal(result.classes, ["a", "b", "c"]);
    const topFour = result.selection
      .slice(0, 4)
      .map((s) => s.index)
      .sort();
    assert.equal(topFour, [0, 1, 2, 3], `selection ${JSON.stringify(result.selection.slice(0, 6))}`);
    assert.ok(result.featureSparsity.mean > 0.3, `the projection removed features: ${result.featureSparsity.mean}`);
  },
);

test("the projection's zeros are held through phase 2 (the mask); rewind restores survivors' initial values", () => {
  const { X, y } = separable(60, 2);
  const model = trainSAE(X, y, { ...FAST, radius: 0.5, seed: 5 });
  const w = model.net.firstLayer.weight;
  const mask = w.mask!;
  assert.ok(mask.includes(0) && mask.includes(1));
  w.data.forEach((v, i) => mask[i] === 0 && assert.is(v, 0, `masked entry ${i}`));
  assert.ok(Array.from(w.data).some((v, i) => mask[i] === 1 && v !== 0));
  model.dispose();

  const rewound = trainSAE(X, y, { ...FAST, epochs: [20, 0], radius: 0.5, seed: 5, rewind: true });
  const initial = new MirroredAutoencoder(20, [16], 3, "silu", new Generator(5));
  const w0 = initial.firstLayer.weight.data,
    w1 = rewound.net.firstLayer.weight.data,
    m1 = rewound.net.firstLayer.weight.mask!;
  for (let i = 0; i < w0.length; i++) assert.is(w1[i], m1[i] ? w0[i] : 0, `entry ${i}`);
  assert.equal(
    Array.from(rewound.net.lastLayer.weight.data),
    Array.from(initial.lastLayer.weight.data),
    "every other parameter rewound too",
  );
  rewound.dispose();
  initial.dispose();
});

test("the same seed gives the same results; another seed other folds", () => {
  const { X, y } = separable(45, 3);
  const a = crossValidate(X, y, { ...FAST, folds: 3, seeds: [7] });
  const b = crossValidate(X, y, { ...FAST, folds: 3, seeds: [7] });
  assert.equal(
    a.runs.map((r) => Array.from(r.probabilities)),
    b.runs.map((r) => Array.from(r.probabilities)),
  );
  assert.equal(
    a.runs.map((r) => r.losses),
    b.runs.map((r) => r.losses),
  );
  const c = crossValidate(X, y, { ...FAST, folds: 3, seeds: [8] });
  assert.not.equal(
    a.runs.map((r) => Array.from(r.test)),
    c.runs.map((r) => Array.from(r.test)),
  );
});

test("folds in worker threads give the sequential results, in fold order", async () => {
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";
  if (typeof Worker !== "function" && !isNode) return; // workerd has no workers: crossValidateInWorkers says so
  const { X, y } = separable(45, 8);
  const options = { ...FAST, folds: 3, seeds: 2 };
  const reported: number[] = [];
  const sequential = crossValidate(X, y, { ...options, onFoldResult: (r) => reported.push(r.fold) });
  assert.equal(reported, [1, 2, 3, 1, 2, 3], "each fold's result as it is done");
  const events: number[] = [];
  const parallelReported: number[] = [];
  const parallel = await crossValidateInWorkers(X, y, {
    ...options,
    workers: 2,
    onProgress: (e) => events.push(e.epoch),
    onFoldResult: (r) => parallelReported.push(r.fold),
  });
  assert.is(parallelReported.length, 6);
  const strip = (r: typeof sequential) =>
    r.runs.map(({ secondsPerEpoch: _, ...rest }) => ({
      ...rest,
      test: Array.from(rest.test),
      predicted: Array.from(rest.predicted),
      probabilities: Array.from(rest.probabilities),
    }));
  assert.equal(strip(parallel), strip(sequential));
  assert.equal(parallel.selection, sequential.selection);
  assert.is(events.length, 6 * 40, "every epoch of both phases of the 6 folds reported");
});

test("crossValidate's workers: the sequential results exactly, as a promise, in threads or on this one", async () => {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  const { X, y } = separable(30, 11);
  const options = { ...FAST, epochs: 5, folds: 3 };
  const sequential = crossValidate(X, y, options);
  const strip = (r: typeof sequential) => ({
    ...r,
    runs: r.runs.map(({ secondsPerEpoch: _, ...rest }) => rest),
    secondsPerEpoch: null,
  });
  const here = crossValidate(X, y, { ...options, workers: 1 });
  assert.instance(here, Promise);
  assert.equal(strip(await here), strip(sequential));
  // workerd has no workers.
  if (typeof Worker === "function" || node) {
    assert.equal(strip(await crossValidate(X, y, { ...options, workers: 2 })), strip(sequential));
  }
  await crossValidate(X, y, { ...options, workers: 0 }).then(
    () => assert.unreachable("workers: 0 is refused"),
    (error) => assert.match(String(error), /RangeError: crossValidate: workers must be a positive integer; got 0/),
  );
});

test("the fold checks name the class (by its label) and the counts", () => {
  const y = Int32Array.from([0, 0, 0, 1, 1, 2]);
  const fewer = ", fewer than the 2 folds: each fold needs one of each class";
  assert.is(foldsProblem(y, ["a", "b", "c"], 2), `class "c" has 1 sample${fewer}`);
  assert.is(foldsProblem(y, [5, 6, 7], 2), `class 7 has 1 sample${fewer}`);
  assert.is(foldsProblem(y, ["a", "b", "c"], 7), "7 folds for 6 samples: there cannot be more folds than samples");
  assert.is(foldsProblem(y, ["a", "b", "c"], 1), "folds must be an integer ≥ 2; got 1");
  assert.is(foldsProblem(y.subarray(0, 5), ["a", "b"], 2), null);
  const X = [[1], [2], [3], [4], [5], [6]];
  const says = (e: Error) => e instanceof RangeError && e.message === `crossValidate: class "z" has 1 sample${fewer}`;
  assert.throws(() => crossValidate(X, ["x", "x", "y", "y", "y", "z"], { folds: 2 }), says);
});

test("chooseSetting: the best mean accuracy, ties to the smaller radius, the baseline only alone", () => {
  const none = { projection: "none", radius: null, accuracy: 0.99 } as const;
  const wide = { projection: "bilevel-l1inf", radius: 2, accuracy: 0.9 } as const;
  const tight = { projection: "bilevel-l1inf", radius: 0.5, accuracy: 0.9 } as const;
  const best = { projection: "l1inf", radius: 3, accuracy: 0.95, label: "kept as given" } as const;
  assert.is(chooseSetting([none, wide, tight, best]).setting, best);
  assert.match(chooseSetting([none, wide, tight, best]).choice, /^best mean cross-validated accuracy/);
  assert.is(chooseSetting([none, wide, tight]).setting, tight, "a tie goes to the smaller radius");
  assert.is(chooseSetting([wide, tight]).setting, tight, "whatever the order");
  assert.equal(chooseSetting([none, wide]), { setting: wide, choice: "the only setting" });
  assert.equal(chooseSetting([none]), { setting: none, choice: "the only setting" });
  const auto = { projection: "bilevel-l1inf", radius: "auto", accuracy: 0.8 } as const;
  assert.equal(chooseSetting([none, auto]).choice, "radius chosen inside the training samples (nested)");
  assert.throws(() => chooseSetting([]), /no setting with a projection/);
});

test("an aborted signal stops cross-validation with its reason", () => {
  const { X, y } = separable(30, 9);
  const controller = new AbortController();
  controller.abort(new Error("stopped by the user"));
  assert.throws(() => crossValidate(X, y, { ...FAST, folds: 3, signal: controller.signal }), /stopped by the user/);
});

test("folds are stratified and partition the samples; the validation carve stays inside the training rows", () => {
  const y = Int32Array.from({ length: 50 }, (_, i) => (i < 35 ? 0 : i < 45 ? 1 : 2));
  const folds = stratifiedFolds(y, 3, 5, 1);
  assert.equal(
    [...folds.flatMap((f) => Array.from(f))].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  for (const f of folds)
    assert.equal(
      [0, 1, 2].map((c) => Array.from(f).filter((i) => y[i] === c).length),
      [7, 2, 1],
    );
  const train = Int32Array.from({ length: 40 }, (_, i) => i + 5);
  const [inner, held] = validationSplit(train, y, 3, 0.25, 3);
  assert.equal(
    [...inner, ...held].sort((a, b) => a - b),
    Array.from(train),
  );
  assert.throws(() => stratifiedFolds(y, 3, 6, 1), /class 2 has 5 samples, fewer than the 6 folds/);
  assert.throws(() => stratifiedFolds(y, 3, 51, 1), /51 folds for 50 samples/);
});

test("no test-fold information reaches training: scrambling the test fold's values changes nothing trained", () => {
  const { X, y } = separable(60, 4);
  const options = { ...FAST, folds: 3, validationFraction: 0.2, radius: 1 };
  const before = crossValidate(X, y, options);
  const scrambled = X.map((row) => [...row]);
  const g = new Generator(99);
  for (const i of before.runs[0].test) scrambled[i] = scrambled[i].map(() => g.uniform(-50, 50));
  const after = crossValidate(scrambled, y, options);
  // Fold 1's model saw only the other folds: its training losses and selected features are unchanged.
  assert.equal(after.runs[0].losses, before.runs[0].losses);
  assert.equal(after.runs[0].selected, before.runs[0].selected);
  // The preprocessing of a model is fitted on its training rows alone.
  const data = toDataset(X, y);
  const rows = Int32Array.from({ length: 30 }, (_, i) => i);
  const model = trainOnRows(data, { ...FAST, preprocess: { log: false } }, rows);
  const mean0 = rows.reduce((s, r) => s + X[r][0], 0) / rows.length;
  assert.ok(Math.abs(model.info.preprocessing.mean![0] - mean0) < 1e-12);
  model.dispose();
});

test("JSON round trip predicts the same; predictProba rows sum to 1; selected features are ranked by name", () => {
  const { X, y } = separable(45, 5);
  const names = Array.from({ length: 20 }, (_, j) => `m${j}`);
  const model = trainSAE(X, y, { ...FAST, featureNames: names, radius: 1.5 });
  const copy = loadSAE(JSON.stringify(model.toJSON()));
  assert.equal(Array.from(copy.predictProba(X)), Array.from(model.predictProba(X)));
  assert.equal(Array.from(copy.predict(X)), Array.from(model.predict(X)));
  const p = model.predictProba(X);
  for (let i = 0; i < p.length; i += 3) assert.ok(Math.abs(p[i] + p[i + 1] + p[i + 2] - 1) < 1e-12);
  const selected = model.selectedFeatures();
  assert.is(selected[0].score, 1);
  assert.ok(selected.every((f) => f.name === `m${f.index}`));
  assert.is(model.encode(X).length, 45 * 3);
  assert.is(model.reconstruct(X).length, 45 * 20);
  copy.dispose();
  model.dispose();
});

test(
  "integrated gradients: " +
    "completeness (Σ attributions = logit change from the mean sample), informative features dominate",
  () => {
    const { X, y } = separable(45, 10);
    const model = trainSAE(X, y, { ...FAST, projection: "none" });
    const rows = X.slice(0, 6);
    const ig = integratedGradients(model, rows, { target: 1, steps: 256 });
    const logits = model.encode(rows);
    // The baseline is the training mean: zero after the z-score (the data are signed, so no log).
    assert.is(model.info.preprocessing.log, false);
    const baseline = model.encode([model.info.preprocessing.mean!]);
    for (let i = 0; i < rows.length; i++) {
      const total = ig.subarray(i * 20, (i + 1) * 20).reduce((a, b) => a + b, 0);
      assert.ok(
        Math.abs(total - (logits[i * 3 + 1] - baseline[1])) < 2e-3 * Math.max(1, Math.abs(total)),
        `sample ${i}: Σ IG ${total} vs Δlogit ${logits[i * 3 + 1] - baseline[1]}`,
      );
    }
    const share = (j: number) => rows.reduce((a, _, i) => a + Math.abs(ig[i * 20 + j]), 0);
    const informative = [0, 1, 2, 3].reduce((a, j) => a + share(j), 0),
      noise = Array.from({ length: 16 }, (_, j) => share(j + 4)).reduce((a, b) => a + b, 0);
    // Per feature, the 4 informative ones carry at least twice the attribution of the 16 noise ones.
    assert.ok(informative / 4 > (2 * noise) / 16, `informative ${informative / 4} vs noise ${noise / 16} per feature`);
    assert.throws(() => integratedGradients(model, rows, { target: 3 }), /target must be a class index in 0..2/);
    model.dispose();
    const cv = crossValidate(X, y, { ...FAST, folds: 3, projection: "none", attribution: true });
    assert.is(cv.attribution!.length, 3);
    // Class c's informative feature is the one shifted up for it (j % 3 === c among the first 4).
    cv.attribution!.forEach((row, c) =>
      assert.is(row.indexOf(Math.max(...row)) % 3, c, `class ${c}: ${row.map((v) => v.toFixed(2)).join(" ")}`),
    );
  },
);

/** A first layer's norm (hidden × d, column groups) by its definition: Σ_j max_i |w_ij| or Σ_j ‖w_j‖₂. */
function firstLayerNorm(w: Float32Array, h: number, d: number, groupNorm: "inf" | "2"): number {
  let norm = 0;
  for (let j = 0; j < d; j++) {
    let group = 0;
    for (let i = 0; i < h; i++) {
      const v = w[i * d + j];
      group = groupNorm === "inf" ? Math.max(group, Math.abs(v)) : group + v * v;
    }
    norm += groupNorm === "inf" ? group : Math.sqrt(group);
  }
  return norm;
}

test("radius { relative: f }: f × the phase-1 layer's norm in the projection's norm, trained as that radius", () => {
  const { X, y } = separable(60, 7);
  for (const [projection, groupNorm] of [
    ["bilevel-l1inf", "inf"],
    ["bilevel-l12", "2"],
  ] as const) {
    const relative = trainSAE(X, y, { ...FAST, projection, radius: { relative: 0.1 }, seed: 3 });
    const eta = relative.info.history.radius!;
    const expected = 0.1 * firstLayerNorm(relative.firstLayerBeforeProjection!, 16, 20, groupNorm);
    // Maxima are exact; the ℓ2 norms' sums of squares may be added in another order.
    assert.ok(Math.abs(eta - expected) <= 1e-12 * expected, `${projection}: η ${eta}, expected ${expected}`);
    assert.is(relative.info.options.radius, eta, "the saved options hold the radius used");
    const absolute = trainSAE(X, y, { ...FAST, projection, radius: eta, seed: 3 });
    const weights = (m: typeof absolute) => Array.from(m.net.firstLayer.weight.data);
    assert.equal(weights(absolute), weights(relative), projection);
    assert.equal(absolute.predict(X), relative.predict(X));
    assert.ok(relative.featureSparsity > 0, `${projection} removed features`);
    relative.dispose();
    absolute.dispose();
  }
  const cv = crossValidate(X, y, { ...FAST, folds: 3, seeds: 1, radius: { relative: 0.1 } });
  assert.ok(
    cv.runs.every((r) => typeof r.radius === "number" && r.radius > 0),
    "each fold reports the radius it used",
  );
  const negative = /options.radius.relative must be a finite number ≥ 0/;
  assert.throws(() => trainSAE(X, y, { radius: { relative: -1 } }), negative);
});

test("top-k keeps the k features of largest phase-1 column ℓ2 norm, held at zero through phase 2", () => {
  const { X, y } = separable(60, 8);
  const [h, d, k] = [16, 20, 5];
  const model = trainSAE(X, y, { ...FAST, projection: "top-k", keep: k, seed: 2 });
  const before = model.firstLayerBeforeProjection!;
  const column = (j: number) => Array.from({ length: h }, (_, i) => before[i * d + j]);
  const norms = Array.from({ length: d }, (_, j) => Math.sqrt(column(j).reduce((s, v) => s + v * v, 0)));
  const largest = norms
    .map((_, j) => j)
    .sort((a, b) => norms[b] - norms[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
  const w = model.net.firstLayer.weight;
  const nonzero = (j: number) => Array.from({ length: h }, (_, i) => w.data[i * d + j]).some((v) => v !== 0);
  assert.equal(Array.from({ length: d }, (_, j) => j).filter(nonzero), largest, "the kept columns, after phase 2");
  assert.equal(
    model
      .selectedFeatures()
      .map((f) => f.index)
      .sort((a, b) => a - b),
    largest,
  );
  assert.is(w.mask!.filter((m) => m === 0).length, (d - k) * h, "every other column masked");
  assert.is(model.info.history.radius, null, "no radius");
  assert.is(loadSAE(JSON.parse(JSON.stringify(model))).info.options.keep, k, "saved and loaded");
  assert.throws(() => trainSAE(X, y, { ...FAST, projection: "top-k" }), /options.keep goes with projection 'top-k'/);
  assert.throws(() => trainSAE(X, y, { ...FAST, keep: 3 }), /options.keep goes with projection 'top-k'/);
  const tooMany = /options.keep is 21, more than the 20/;
  assert.throws(() => trainSAE(X, y, { ...FAST, projection: "top-k", keep: 21 }), tooMany);
  model.dispose();
});

test("nn.keepLargestGroups keeps exactly k columns (or rows), ties going to the lower index", () => {
  const p = new nn.Parameter([2, 4]);
  p.data.set([1, 0, 3, 1, 0, 1, 4, 0]); // column norms 1, 1, 5, 1
  nn.keepLargestGroups(p, 2);
  assert.equal(Array.from(p.data), [1, 0, 3, 0, 0, 0, 4, 0]);
  p.data.set([3, 4, 0, 0, 0, 0, 0, 5]); // row norms 5, 5
  nn.keepLargestGroups(p, 1, "rows");
  assert.equal(Array.from(p.data), [3, 4, 0, 0, 0, 0, 0, 0]);
  const refused = /keep must be an integer from 1 to the 4 groups/;
  for (const keep of [0, 5, 1.5]) assert.throws(() => nn.keepLargestGroups(p, keep), refused);
  p.dispose();
});

test("radius 'auto' picks a radius on a validation carve and reports what it tried", () => {
  const { X, y } = separable(60, 6);
  const model = trainSAE(X, y, { ...FAST, radius: "auto" });
  const { radius, radiusSearch } = model.info.history;
  assert.is(radiusSearch.length, 8);
  assert.ok(radiusSearch.some((r) => r.radius === radius));
  const best = Math.max(...radiusSearch.map((r) => r.accuracy));
  assert.is(radiusSearch.find((r) => r.radius === radius)!.accuracy, best);
  model.dispose();
});

test("bad input: single class, shapes, non-finite values, options", () => {
  assert.throws(
    () =>
      trainSAE(
        [
          [1, 2],
          [3, 4],
        ],
        ["a", "a"],
      ),
    /single class \(a\)/,
  );
  assert.throws(() => trainSAE([[1, 2], [3]], ["a", "b"]), /row 1 has 1 values, row 0 has 2/);
  assert.throws(() => trainSAE([1, 2, 3], ["a", "b"]), /3 values, not a whole number of features for 2 samples/);
  assert.throws(
    () =>
      trainSAE(
        [
          [1, NaN],
          [3, 4],
        ],
        ["a", "b"],
      ),
    /X\[0\]\[1\] is NaN/,
  );
  assert.throws(
    () =>
      trainSAE(
        [
          [1, 2],
          [3, 4],
        ],
        ["a", "b"],
        { projection: "l2" as "l1" },
      ),
    /options.projection must be one of/,
  );
  assert.throws(
    () =>
      trainSAE(
        [
          [1, 2],
          [3, 4],
        ],
        ["a", "b"],
        { radius: -1 },
      ),
    /options.radius must be a finite number ≥ 0/,
  );
  assert.throws(
    () =>
      trainSAE(
        [
          [1, 2],
          [3, 4],
        ],
        ["a", "b"],
        { hidden: [0] },
      ),
    /options.hidden\[0\] must be a positive integer/,
  );
  assert.throws(
    () => crossValidate([[1], [2], [3], [4]], [0, 0, 0, 1], { folds: 2 }),
    /class 1 has 1 sample, fewer than the 2 folds/,
  );
  const model = trainSAE(
    [
      [1, 2],
      [3, 4],
      [1, 3],
      [4, 4],
    ],
    [0, 1, 0, 1],
    { ...FAST, epochs: 2 },
  );
  assert.throws(() => model.predict([[1, 2, 3]]), /X has 3 features; the model was trained on 2/);
  model.dispose();
});

test.run();
