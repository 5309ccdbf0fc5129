// Omics widths: more features than a call's argument list can hold (~125k), so nothing may spread a per-feature
// array into a call. A methylation array has 450,000–850,000; 150,000 shows the class here at a test's cost.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { F, Generator, nn, noGrad, optim, scope, tensor, trainSAE } from "../src/index.ts";
import { forwardRows } from "../src/sae/model.ts";

const test = suite("wide tables: 150,000 features, rows in host memory");

test("trainSAE on 8 × 150,000 trains, selects and ranks features", () => {
  const n = 8,
    d = 150_000;
  const X = Float64Array.from(
    { length: n * d },
    (_, k) => Math.sin(k * 0.37) + (k % d < 3 ? (Math.floor(k / d) % 2) * 4 : 0),
  );
  const y = Array.from({ length: n }, (_, i) => (i % 2 ? "b" : "a"));
  const model = trainSAE(X, y, { hidden: [2], epochs: [1, 1], batchSize: 8, radius: 0.5, seed: 1 });
  try {
    const selected = model.selectedFeatures();
    assert.ok(selected.length > 0 && selected.length < d, `${selected.length} selected`);
    assert.is(selected[0].score, 1, "scores relative to the strongest feature");
    assert.ok(model.featureSparsity > 0 && model.featureSparsity < 1);
    assert.is(model.predictProba(X.subarray(0, d)).length, 2);
  } finally {
    model.dispose();
  }
});

test("fit on rows in host memory trains exactly as on the same rows as a tensor", () => {
  const [n, d] = [24, 5];
  const g = new Generator(3);
  const values = Float32Array.from({ length: n * d }, () => g.uniform(-1, 1));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const train = (data: nn.HostRows | ReturnType<typeof tensor>) => {
    const layer = new nn.Linear(d, 3, { generator: new Generator(7) });
    const opt = new optim.Adam(layer.parameters(), { lr: 0.05 });
    const losses = nn.fit(data, {
      optimizer: opt,
      epochs: 3,
      batchSize: 5,
      generator: new Generator(11),
      loss: (batch, rows) =>
        F.crossEntropy(
          layer.forward(batch),
          Array.from(rows, (r) => labels[r]),
        ),
    }).epochLosses;
    const weights = Array.from(layer.weight.data);
    opt.dispose();
    layer.dispose();
    return { losses, weights };
  };
  const x = tensor(values, [n, d]);
  assert.equal(train({ data: values, shape: [n, d] }), train(x));
  assert.throws(() => nn.fit({ data: values, shape: [n, d + 1] }, {} as nn.FitOptions), /host rows/);
});

test("forwardRows a few rows at a time gives the rows' outputs at once", () => {
  const [n, d] = [10, 6];
  const layer = new nn.Linear(d, 4, { generator: new Generator(2) });
  const g = new Generator(4);
  const x = Float32Array.from({ length: n * d }, () => g.uniform(-2, 2));
  const whole = scope(() => noGrad(() => Float32Array.from(layer.forward(tensor(x, [n, d])).data)));
  const forward = (t: Parameters<typeof layer.forward>[0]) => layer.forward(t);
  assert.equal(Array.from(forwardRows(forward, x, n, d, 4, 3 * 4 * d)), Array.from(whole), "3 rows a chunk");
  assert.equal(Array.from(forwardRows(forward, x, n, d, 4, 1)), Array.from(whole), "1 row a chunk");
  layer.dispose();
});

test("trainSAE takes float32 values as they are: the same model as from the same numbers in float64", () => {
  const [n, d] = [16, 12];
  const g = new Generator(5);
  const x32 = Float32Array.from(
    { length: n * d },
    (_, k) => g.uniform(-1, 1) + (k % d < 2 ? (Math.floor(k / d) % 2) * 2 : 0),
  );
  const y = Array.from({ length: n }, (_, i) => i % 2);
  const options = { hidden: [4], epochs: [2, 2] as [number, number], radius: 0.5, seed: 2 };
  const a = trainSAE(x32, y, options);
  const b = trainSAE(Float64Array.from(x32), y, options);
  assert.equal(Array.from(a.firstLayerWeight), Array.from(b.firstLayerWeight));
  assert.equal(Array.from(a.predictProba(x32)), Array.from(b.predictProba(x32)));
  a.dispose();
  b.dispose();
});

test.run();
