// The autograd at work: a supervised autoencoder (SAE) whose first layer is held inside the bilevel ℓ1,∞ ball
// after every Adam step, trained on the built-in metabolomics set; it prints the loss, the test accuracy and the
// metabolites the projection kept. One stratified 75/25 split, preprocessing fitted on the training rows only.
// Run: npm run build && node examples/autograd.mjs   (checks itself: exits 1 if training did not work)
import { readFileSync } from "node:fs";
import * as sp from "sparseproj";

const { F, nn, optim } = sp;
const table = sp.parseOmicsCsv(readFileSync(new URL("../data/GC_Breast_D_MB.csv", import.meta.url), "utf8"));
const { features } = table;
const classes = [...new Set(table.labels)].sort();
const labels = Int32Array.from(table.labels, (l) => classes.indexOf(l));

// Stratified split: a quarter of each class, chosen by a seeded generator, is held out.
const generator = new sp.Generator(7);
const test = new Set();
for (let c = 0; c < classes.length; c++) {
  const members = [...labels.keys()].filter((i) => labels[i] === c);
  const order = generator.permutation(members.length);
  for (let r = 0; r < Math.round(members.length / 4); r++) test.add(members[order[r]]);
}
const trainRows = [...labels.keys()].filter((i) => !test.has(i));
const testRows = [...test];

// log(|x + 1|), then a z-score per metabolite with the training rows' mean and standard deviation.
const logged = table.data.map((v) => Math.log(Math.abs(v + 1)));
const mean = new Float64Array(features),
  sd = new Float64Array(features);
for (const i of trainRows) for (let j = 0; j < features; j++) mean[j] += logged[i * features + j] / trainRows.length;
for (const i of trainRows)
  for (let j = 0; j < features; j++) sd[j] += (logged[i * features + j] - mean[j]) ** 2 / trainRows.length;
const rowsOf = (rows) =>
  sp.tensor(
    rows.flatMap((i) =>
      Array.from({ length: features }, (_, j) => (logged[i * features + j] - mean[j]) / (Math.sqrt(sd[j]) || 1)),
    ),
    [rows.length, features],
  );
const xTrain = rowsOf(trainRows),
  xTest = rowsOf(testRows);

// The SAE: the latent is the class logits; the decoder reconstructs the input from it.
const radius = 1;
const constraint = nn.projectionConstraint("bilevelL1Inf", { radius }); // groups = metabolites (the weight's columns)
class SupervisedAutoencoder extends nn.Module {
  constructor() {
    super();
    this.encoder = new nn.Sequential(
      new nn.Linear(features, 100, { generator, weightConstraint: constraint }),
      new nn.SiLU(),
      new nn.Linear(100, classes.length, { generator }),
    );
    this.decoder = new nn.Sequential(
      new nn.Linear(classes.length, 100, { generator }),
      new nn.SiLU(),
      new nn.Linear(100, features, { generator }),
    );
  }
  forward(x) {
    return this.encoder.forward(x);
  }
}
const model = new SupervisedAutoencoder();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const { epochLosses } = nn.fit(xTrain, {
  optimizer,
  epochs: 40,
  batchSize: 8,
  generator,
  loss: (batch, rows) => {
    const z = model.encoder.forward(batch);
    return F.add(
      F.crossEntropy(
        z,
        Array.from(rows, (r) => labels[trainRows[r]]),
      ),
      F.smoothL1Loss(model.decoder.forward(z), batch),
    );
  },
  onEpoch: (epoch, loss) => {
    if (epoch % 10 === 0) console.log(`epoch ${epoch}: mean training loss ${loss.toFixed(4)}`);
  },
});

const predictions = sp.scope(() => {
  const z = sp.noGrad(() => model.forward(xTest)).toArray();
  return testRows.map((_, r) => (z[r * 2 + 1] > z[r * 2] ? 1 : 0));
});
const accuracy = predictions.filter((p, r) => p === labels[testRows[r]]).length / testRows.length;
const majority = Math.max(...classes.map((_, c) => testRows.filter((i) => labels[i] === c).length)) / testRows.length;
const w = model.encoder.at(0).weight.data;
const columnNorm = (j) =>
  Math.sqrt(Array.from({ length: 100 }, (_, i) => w[i * features + j] ** 2).reduce((a, b) => a + b, 0));
const kept = [...Array(features).keys()].filter((j) => columnNorm(j) > 0).sort((a, b) => columnNorm(b) - columnNorm(a));
console.log(
  `test accuracy ${accuracy.toFixed(3)} on ${testRows.length} held-out samples (majority class ${majority.toFixed(3)})`,
);
console.log(
  `‖W₁‖₁,∞ = ${sp.normL1Inf(w, 100, features).toFixed(4)} (radius ${radius}); ` +
    `metabolites kept: ${kept.length} of ${features}`,
);
console.log(
  `strongest: ${kept
    .slice(0, 8)
    .map((j) => table.featureNames[j])
    .join(", ")}`,
);

const ok =
  epochLosses.at(-1) < epochLosses[0] &&
  sp.normL1Inf(w, 100, features) <= radius * (1 + 1e-6) &&
  kept.length < features &&
  accuracy > majority;
model.dispose();
optimizer.dispose();
if (!ok) {
  console.error(
    "autograd example: training did not reduce the loss, " +
      "keep the constraint, select features and beat the majority class",
  );
  process.exit(1);
}
