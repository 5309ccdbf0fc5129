// Omics widths: more features than a call's argument list can hold (~125k), so nothing may spread a per-feature
// array into a call. A methylation array has 450,000–850,000; 150,000 shows the class here at a test's cost.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { trainSAE } from "../src/index.ts";

const test = suite("wide tables: 150,000 features");

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

test.run();
