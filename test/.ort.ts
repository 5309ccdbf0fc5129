import * as ort from "onnxruntime-web";
import { Generator, trainSAE } from "../src/index.ts";
import { toOnnx } from "../src/onnx/index.ts";
const g = new Generator(1);
const X = Array.from({ length: 60 }, (_, i) =>
  Array.from({ length: 30 }, (_, j) => Math.exp(g.uniform(0, 2) + (j < 4 && i % 2 ? 1.5 : 0))),
);
X[3][2] = NaN;
const y = X.map((_, i) => i % 2);
const model = trainSAE(X, y, { hidden: [10], epochs: [10, 5], radius: 0.5, preprocess: { impute: "mean" } });
const bytes = toOnnx(model);
console.log("bytes", bytes.length);
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(bytes);
const small = model.compact();
const names = small.info.featureNames;
const idx = names.map((n) => Number(n.split(" ")[1]) - 1);
const rows = X.map((r) => idx.map((j) => r[j]));
const out = await session.run({ input: new ort.Tensor("float64", Float64Array.from(rows.flat()), [60, names.length]) });
const p = small.predictProba(rows);
let worst = 0;
for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - out.probabilities.data[i]));
console.log("worst", worst, names.length);
