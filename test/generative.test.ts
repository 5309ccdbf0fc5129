// The generative supervised autoencoder: the kernel density estimate against a direct sum, the Metropolis–Hastings
// chain on densities known in closed form, the per-class latent sampler (threshold, seeds, reproducibility across
// engines), the decoder's mapping back to the input's units, and a small end-to-end run with the paper's network.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  bandwidthFactor,
  fitLatentSampler,
  GaussianKDE,
  Generator,
  metropolisHastings,
  trainSAE,
  type LatentModel,
} from "../src/index.ts";
import { fillStandardNormal } from "../src/generative/normal.ts";
import { assertNear, throwsNamed } from "./helpers.ts";

const test = suite("generative: KDE, Metropolis–Hastings, latent sampler");

/** Mean and covariance (n − 1) of row-major 2-D points. */
function moments(points: ArrayLike<number>): { mean: [number, number]; cov: [number, number, number] } {
  const n = points.length / 2;
  let m0 = 0,
    m1 = 0;
  for (let i = 0; i < n; i++) (m0 += points[2 * i]), (m1 += points[2 * i + 1]);
  (m0 /= n), (m1 /= n);
  let c00 = 0,
    c01 = 0,
    c11 = 0;
  for (let i = 0; i < n; i++) {
    const a = points[2 * i] - m0,
      b = points[2 * i + 1] - m1;
    (c00 += a * a), (c01 += a * b), (c11 += b * b);
  }
  return { mean: [m0, m1], cov: [c00 / (n - 1), c01 / (n - 1), c11 / (n - 1)] };
}

/** n points of N(centre, [[1, .6], [.6, 1]]) in 2-D. */
function correlatedCloud(n: number, seed: number, centre: [number, number] = [0, 0]): Float64Array {
  const z = fillStandardNormal(new Generator(seed), new Float64Array(2 * n));
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = centre[0] + z[2 * i];
    out[2 * i + 1] = centre[1] + 0.6 * z[2 * i] + 0.8 * z[2 * i + 1];
  }
  return out;
}

/** A model whose latent space is its input: the sampler alone is under test. */
const identity: LatentModel = {
  classes: [0, 1],
  encode: (X) => Float64Array.from(X as ArrayLike<number>),
  decode: (Z) => Float64Array.from(Z as ArrayLike<number>),
};

/** Twelve correlated points in 3-D, and scipy 1.17's gaussian_kde(points.T, bw_method).logpdf at QUERIES. */
const POINTS = [
  [2.041, -1.535, -0.558],
  [-0.568, -0.737, -0.244],
  [-2.02, -1.242, -0.502],
  [3.323, 1.887, -0.109],
  [-0.281, -0.809, -0.728],
  [-0.391, 0.287, 0.025],
  [0.958, 0.279, -0.048],
  [1.546, 1.318, -0.089],
  [-0.183, 0.449, 1.13],
  [-0.27, -0.378, 0.428],
  [-0.886, -0.735, 0.354],
  [0.58, 0.382, 0.363],
];
const QUERIES = [
  [0, 0, 0],
  [0.5, -0.3, 0.2],
  [2, 1, -1],
];
const SCIPY = {
  scott: [-2.4437258710408787, -2.75703280959368, -6.430458249825661],
  silverman: [-2.4051806395861064, -2.721550637707803, -6.597252493534293],
  0.7: [-2.4416370274633326, -2.755109431128728, -6.43896964549649],
};

/** (1/n) Σ_i N(x; p_i, H) summed directly, H⁻¹ and det H by cofactors (3 × 3). */
function directDensity(points: number[][], h: ArrayLike<number>, x: number[], skip = -1): number {
  const [a, b, c, d, e, f, g, k, l] = Array.from(h);
  const det = a * (e * l - f * k) - b * (d * l - f * g) + c * (d * k - e * g);
  const inv = [
    e * l - f * k,
    c * k - b * l,
    b * f - c * e,
    f * g - d * l,
    a * l - c * g,
    c * d - a * f,
    d * k - e * g,
    b * g - a * k,
    a * e - b * d,
  ].map((v) => v / det);
  let sum = 0;
  points.forEach((p, i) => {
    if (i === skip) return;
    const u = x.map((v, j) => v - p[j]);
    let q = 0;
    for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) q += u[r] * inv[r * 3 + s] * u[s];
    sum += Math.exp(-q / 2) / Math.sqrt((2 * Math.PI) ** 3 * det);
  });
  return sum / (points.length - (skip >= 0 ? 1 : 0));
}

test("the KDE equals scipy's gaussian_kde (Scott, Silverman, a factor) and a direct sum of Gaussian kernels", () => {
  const flat = POINTS.flat(),
    n = POINTS.length;
  for (const [bandwidth, expected] of Object.entries(SCIPY)) {
    const kde = new GaussianKDE(flat, 3, {
      bandwidth: bandwidth === "0.7" ? 0.7 : (bandwidth as "scott" | "silverman"),
    });
    QUERIES.forEach((x, q) => assertNear(kde.logDensity(x), expected[q], 1e-12, `${bandwidth}: log density at ${x}`));
  }
  assertNear(bandwidthFactor("scott", n, 3), 0.7011827939408606, 1e-15, "Scott's factor");
  assertNear(bandwidthFactor("silverman", n, 3), 0.6791832440314982, 1e-15, "Silverman's factor");
  const kde = new GaussianKDE(flat, 3);
  const g = new Generator(9);
  for (let t = 0; t < 20; t++) {
    const x = [g.uniform(-3, 3), g.uniform(-2, 2), g.uniform(-1, 1)];
    const expected = directDensity(POINTS, kde.covariance, x);
    assertNear(kde.density(x), expected, 1e-12 * expected, `density at ${x}`);
  }
  const loo = kde.leaveOneOutLogDensities();
  for (const i of [0, 5, n - 1])
    assertNear(loo[i], Math.log(directDensity(POINTS, kde.covariance, POINTS[i], i)), 1e-12, `leave-one-out ${i}`);
  // Independent kernels with given standard deviations.
  const diagonal = new GaussianKDE(flat, 3, { bandwidth: [0.3, 0.2, 0.1] });
  assert.equal(Array.from(diagonal.covariance), [0.3 * 0.3, 0, 0, 0, 0.2 * 0.2, 0, 0, 0, 0.1 * 0.1]);
  assertNear(diagonal.density(QUERIES[1]), directDensity(POINTS, diagonal.covariance, QUERIES[1]), 1e-15, "diagonal");
  // Far from every point each kernel underflows; the log domain still orders such points correctly.
  assert.is(diagonal.density([100, 0, 0]), 0);
  assert.ok(diagonal.logDensity([100, 0, 0]) > diagonal.logDensity([200, 0, 0]));
  assert.ok(Number.isFinite(diagonal.logDensity([200, 0, 0])));
});

test("KDE options are checked", () => {
  throwsNamed(() => new GaussianKDE([1, 2, 3], 2), RangeError, /n ≥ 1 rows of d = 2/, "ragged");
  throwsNamed(() => new GaussianKDE([1, 2], 2), RangeError, /at least 2 points/, "one point, a rule");
  throwsNamed(
    () => new GaussianKDE([1, 2, 1, 3], 2),
    RangeError,
    /singular \(dimension 0 is constant/,
    "constant dimension",
  );
  throwsNamed(
    () => new GaussianKDE([0, 0, 1, 2, 2, 4], 2),
    RangeError,
    /singular \(dimension 1 is constant or a combination/,
    "collinear",
  );
  throwsNamed(
    () => new GaussianKDE([1, 2, 1, 3], 2, { bandwidth: [1] }),
    RangeError,
    /1 values for 2 dimensions/,
    "bandwidth length",
  );
  throwsNamed(
    () => new GaussianKDE([1, 2, 1, 3], 2, { bandwidth: [1, 0] }),
    RangeError,
    /bandwidth\[1\] must be a finite number > 0/,
    "zero bandwidth",
  );
  throwsNamed(
    () => new GaussianKDE([1, 2, 1, 3], 2, { bandwidth: "wide" as "scott" }),
    RangeError,
    /'scott', 'silverman', a factor > 0/,
    "unknown rule",
  );
  assert.equal(
    Array.from(new GaussianKDE([1, 2], 2, { bandwidth: [0.5, 2] }).covariance),
    [0.25, 0, 0, 4],
    "one point with given standard deviations",
  );
});

test(
  "Metropolis–Hastings on a 2-D Gaussian: acceptance 0.4–0.6 with unit steps, " +
    "sample mean and covariance within 0.1 of the target's",
  () => {
    // N([1, −2], [[1, .6], [.6, 1]]); a random walk with σ = 1 per dimension accepts about half its steps here.
    const logp = (x: Float64Array) => {
      const a = x[0] - 1,
        b = x[1] + 2;
      return (-0.5 * (a * a - 1.2 * a * b + b * b)) / 0.64;
    };
    const chain = metropolisHastings(logp, {
      start: [1, -2],
      step: [1, 1],
      samples: 20000,
      burnIn: 500,
      thin: 5,
      generator: new Generator(3),
    });
    const rate = chain.accepted / chain.steps;
    assert.ok(rate > 0.4 && rate < 0.6, `acceptance ${rate}`);
    assert.is(chain.steps, 500 + 20000 * 5);
    assert.is(chain.belowThreshold, 0);
    const { mean, cov } = moments(chain.samples);
    [1, -2].forEach((m, j) => assertNear(mean[j], m, 0.1, `mean[${j}]`));
    [1, 0.6, 1].forEach((c, j) => assertNear(cov[j], c, 0.1, `cov[${j}]`));
    // Larger steps are rejected more often.
    const wide = metropolisHastings(logp, {
      start: [1, -2],
      step: [3, 3],
      samples: 2000,
      burnIn: 0,
      thin: 1,
      generator: new Generator(3),
    });
    assert.ok(wide.accepted / wide.steps < rate / 2, `step 3: ${wide.accepted / wide.steps}`);
  },
);

test("a threshold rejects candidates under it: the chain stays inside the level set", () => {
  const logp = (x: Float64Array) => -0.5 * (x[0] * x[0] + x[1] * x[1]);
  const chain = metropolisHastings(logp, {
    start: [0, 0],
    step: [1, 1],
    logThreshold: -0.5,
    samples: 5000,
    burnIn: 100,
    thin: 2,
    generator: new Generator(4),
  });
  assert.ok(chain.belowThreshold > 0);
  for (let i = 0; i < chain.samples.length; i += 2)
    assert.ok(chain.samples[i] ** 2 + chain.samples[i + 1] ** 2 <= 1 + 1e-12, `sample ${i / 2} outside the unit disc`);
  throwsNamed(
    () =>
      metropolisHastings(logp, {
        start: [3, 0],
        step: [1, 1],
        logThreshold: -0.5,
        samples: 1,
        burnIn: 0,
        thin: 1,
        generator: new Generator(4),
      }),
    RangeError,
    /under the threshold/,
    "start below",
  );
  throwsNamed(
    () =>
      metropolisHastings(logp, {
        start: [0, 0],
        step: [1, 2, 3],
        samples: 1,
        burnIn: 0,
        thin: 1,
        generator: new Generator(4),
      }),
    RangeError,
    /step has 3 values; expected 2 \(standard deviations\) or 4/,
    "scale length",
  );
  throwsNamed(
    () =>
      metropolisHastings(logp, {
        start: [0, 0],
        step: [1, 1],
        samples: 1,
        burnIn: 0,
        thin: 0,
        generator: new Generator(4),
      }),
    RangeError,
    /thin must be an integer ≥ 1/,
    "thin 0",
  );
});

test("the latent sampler walks each class's density: samples near the KDE's moments, never under the threshold", () => {
  const a = correlatedCloud(300, 5),
    b = correlatedCloud(300, 6, [5, 0]);
  const X = new Float64Array(1200);
  const y: number[] = [];
  for (let i = 0; i < 600; i++) {
    X.set((i % 2 ? b : a).subarray((i >> 1) * 2, (i >> 1) * 2 + 2), 2 * i);
    y.push(i % 2);
  }
  // Without a threshold the chain's target is the KDE itself, whose covariance is the points' plus the kernel's.
  const plain = fitLatentSampler(identity, X, y, { thresholdQuantile: 0 });
  for (const [c, points] of [
    [0, a],
    [1, b],
  ] as const) {
    const target = moments(points);
    const h = plain.densities[c].covariance;
    const got = plain.sample(c, 3000);
    const { mean, cov } = moments(got.latent);
    assert.ok(got.acceptanceRate > 0.6 && got.acceptanceRate < 0.95, `class ${c} acceptance ${got.acceptanceRate}`);
    mean.forEach((m, j) => assertNear(m, target.mean[j], 0.15, `class ${c} mean[${j}]`));
    [target.cov[0] + h[0], target.cov[1] + h[1], target.cov[2] + h[3]].forEach((v, j) =>
      assertNear(cov[j], v, 0.15, `class ${c} cov[${j}]`),
    );
    assert.equal(got.data, got.latent, "the identity decoder");
  }
  // The default threshold (5% quantile of the class's leave-one-out densities) trims the tails.
  const trimmed = fitLatentSampler(identity, X, y);
  const got = trimmed.sample(0, 3000);
  assert.ok(
    got.thresholdRejectionRate > 0 && got.thresholdRejectionRate < 0.2,
    `rejections ${got.thresholdRejectionRate}`,
  );
  const densities = trimmed.logDensity(0, got.latent);
  densities.forEach((v, i) => assert.ok(v >= trimmed.densities[0].logThreshold, `sample ${i}`));
  const spread = (m: ReturnType<typeof moments>) => m.cov[0] + m.cov[2];
  assert.ok(
    spread(moments(got.latent)) < spread(moments(plain.sample(0, 3000).latent)),
    "trimmed tails, smaller spread",
  );
});

test(
  "sampling is seeded per class: calls repeat, a longer call extends a shorter one, " +
    "other seeds differ, and the normals are the same bits in every engine",
  () => {
    const X = correlatedCloud(100, 7),
      y = Array.from({ length: 100 }, (_, i) => i % 2);
    const sampler = fitLatentSampler(identity, X, y, { seed: 3, burnIn: 50, thin: 3 });
    const first = sampler.sample(1, 20);
    sampler.sample(0, 7);
    assert.equal(
      Array.from(sampler.sample(1, 20).latent),
      Array.from(first.latent),
      "class 1 does not depend on class 0's draws",
    );
    assert.equal(Array.from(sampler.sample(1, 40).latent.subarray(0, 40)), Array.from(first.latent));
    assert.not.equal(
      Array.from(fitLatentSampler(identity, X, y, { seed: 4, burnIn: 50, thin: 3 }).sample(1, 20).latent),
      Array.from(first.latent),
    );
    // Marsaglia's polar method on glibc's log (reproduced in integer and IEEE arithmetic): fixed bits for seed 42.
    assert.equal(
      Array.from(fillStandardNormal(new Generator(42), new Float64Array(6))),
      [
        0.31875784963858494, -0.7706160167419408, 0.15178267621950975, -0.12624145471928355, -0.3257678439811117,
        3.249048507410778,
      ],
    );
  },
);

test("a 10-D chain gives the same bits in all engines (normals are portable; Math.exp only decides acceptance)", () => {
  const g = new Generator(1);
  const n = 400,
    d = 10;
  const X = Float64Array.from(
    { length: n * d },
    (_, i) => g.uniform(-1, 1) + (i % d === Math.floor(i / d) % 10 ? 2 : 0),
  );
  const y = Array.from({ length: n }, (_, i) => i % 10);
  const tenClasses: LatentModel = { ...identity, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
  const { latent, acceptanceRate } = fitLatentSampler(tenClasses, X, y).sample(1, 200);
  let hash = 0;
  for (const v of latent) hash = (hash * 31 + v) % 1e9;
  // Measured in Node 20, Deno 2 and Bun 1.
  assert.is(acceptanceRate, 0.1892);
  assert.is(hash, -350751358.7821636);
  assert.is(latent.at(-1), 0.05675407117924752);
});

test("fitLatentSampler checks its inputs", () => {
  const X = correlatedCloud(10, 8);
  throwsNamed(
    () => fitLatentSampler(identity, X, [0, 1, 0]),
    RangeError,
    /X has 10 rows but y has 3 labels/,
    "lengths",
  );
  throwsNamed(
    () => fitLatentSampler(identity, X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 2]),
    RangeError,
    /y\[9\] = 2 is not one of the model's classes \(0, 1\)/,
    "unknown label",
  );
  throwsNamed(
    () => fitLatentSampler(identity, X, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    RangeError,
    /class 1 has 1 point\(s\)/,
    "a class of one",
  );
  throwsNamed(
    () => fitLatentSampler(identity, X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], { thresholdQuantile: 1 }),
    RangeError,
    /thresholdQuantile must be in \[0, 1\)/,
    "quantile",
  );
  const sampler = fitLatentSampler(identity, X, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  throwsNamed(() => sampler.sample(2, 1), RangeError, /classIndex must be an integer in 0..1/, "class index");
});

/** Three classes in 20 features: the first 6 carry the class, the rest are noise; non-negative, as intensities. */
function intensities(n: number, seed: number): { X: number[][]; y: string[] } {
  const g = new Generator(seed);
  const X: number[][] = [],
    y: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push(Array.from({ length: 20 }, (_, j) => Math.exp(g.uniform(-0.5, 0.5) + (j < 6 && j % 3 === c ? 1.5 : 0))));
    y.push(["a", "b", "c"][c]);
  }
  return { X, y };
}

const PAPER_NET = {
  hidden: [32, 16, 16, 8],
  activation: "relu" as const,
  batchSize: 8,
  epochs: 25,
  projection: "bilevel-l11" as const,
  radius: 20,
};

test(
  "end to end with the paper's network (4 ReLU hidden layers, ℓ1,1 double descent): " +
    "it learns, and ≥ 90% of generated samples are classified as their class",
  () => {
    const train = intensities(150, 11),
      held = intensities(90, 12);
    const model = trainSAE(train.X, train.y, PAPER_NET);
    const [phase1] = model.info.history.losses;
    assert.ok(phase1.at(-1)! < phase1[0] / 2, `loss ${phase1[0]} → ${phase1.at(-1)}`);
    const predicted = model.predict(held.X);
    const accuracy = held.y.filter((label, i) => model.classes[predicted[i]] === label).length / held.y.length;
    assert.ok(accuracy >= 0.9, `held-out accuracy ${accuracy}`);
    assert.ok(model.featureSparsity > 0, `ℓ1,1 removed features: ${model.featureSparsity}`);

    const sampler = fitLatentSampler(model, train.X, train.y, { seed: 1 });
    for (let c = 0; c < 3; c++) {
      const { data, acceptanceRate } = sampler.sample(c, 30);
      assert.ok(acceptanceRate > 0.05 && acceptanceRate < 0.95, `class ${c} acceptance ${acceptanceRate}`);
      assert.is(data.length, 30 * 20);
      assert.ok(
        data.every((v) => v > -1),
        "decoded through exp(v) − 1: in the data's (non-negative-ish) range",
      );
      const labels = model.predict(data);
      const rate = labels.filter((l) => l === c).length / 30;
      assert.ok(rate >= 0.9, `class ${c}: ${rate} of its generated samples classified as it`);
    }
    model.dispose();
  },
);

test(
  "decode maps the decoder's output back to the input's units: " +
    "decode(encode(X)) undoes the fitted log and z-score of reconstruct(X)",
  () => {
    const { X, y } = intensities(60, 13);
    const model = trainSAE(X, y, { hidden: [8], epochs: 3 });
    const { log, mean, std } = model.info.preprocessing;
    assert.ok(log && mean && std);
    const inUnits = model.decode(model.encode(X));
    const preprocessed = model.reconstruct(X);
    preprocessed.forEach((v, i) =>
      assertNear(
        inUnits[i],
        Math.exp(v * std![i % 20] + mean![i % 20]) - 1,
        1e-9 * Math.max(1, Math.abs(inUnits[i])),
        `value ${i}`,
      ),
    );
    throwsNamed(() => model.decode([[1, 2]]), RangeError, /2 features; the model was trained on 3/, "latent width");
    model.dispose();
  },
);

test.run();
