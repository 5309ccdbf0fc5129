// The Huber-energy VAE: the latent loss's constants and closed form against a Monte Carlo estimate of the
// distance, its gradient against finite differences (coincident points included), the WebAssembly kernel against
// the TypeScript fallback, and a small end-to-end training run with and without the latent loss.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  F,
  Generator,
  huberEnergyConstants,
  loadVAE,
  meanDistanceToNormal,
  noGrad,
  scope,
  tensor,
  trainVAE,
} from "../src/index.ts";
import type { Backend, Buf } from "../src/autograd/backend.ts";
import { backendFor } from "../src/autograd/tensor.ts";
import { typescriptBackend } from "../src/autograd/ts-backend.ts";
import { fillStandardNormal } from "../src/generative/normal.ts";
import { maxAbs, rng } from "./helpers.ts";

const test = suite("Huber-energy VAE: latent loss, kernel, training");

const normals = (seed: number, count: number) => fillStandardNormal(new Generator(seed), new Float64Array(count));

/** The loss of rows z (n × k) in float64, through the op. */
function loss64(z: ArrayLike<number>, n: number, k: number): number {
  return noGrad(() => F.huberEnergyLoss(tensor(z, [n, k], { dtype: "float64" })).item());
}

test("constants: m_k = E‖Y‖; α + √(r² + c₁) matches ξ_k(r) = E‖z − Y‖ to 2nd order at r = 0", () => {
  assert.ok(Math.abs(huberEnergyConstants(1).meanNorm - Math.sqrt(2 / Math.PI)) < 1e-15);
  assert.ok(Math.abs(huberEnergyConstants(2).meanNorm - Math.sqrt(Math.PI / 2)) < 1e-15);
  for (const k of [1, 2, 3, 5, 8, 16, 33, 64]) {
    const { meanNorm, alpha, c0, c1 } = huberEnergyConstants(k);
    const approx = (r: number) => alpha + Math.sqrt(r * r + c1);
    assert.ok(Math.abs(meanDistanceToNormal(0, k) - meanNorm) < 1e-13 * meanNorm, `k=${k}: ξ(0) = m_k`);
    assert.ok(Math.abs(approx(0) - meanNorm) < 1e-13 * meanNorm, `k=${k}: value at 0`);
    // Even functions of r: the r⁴ remainder makes the second difference agree to O(h²).
    const h = 1e-2;
    const curvature = (f: (r: number) => number) => (2 * (f(h) - f(0))) / (h * h);
    assert.ok(
      Math.abs(curvature(approx) - curvature((r) => meanDistanceToNormal(r, k))) < 1e-3 * curvature(approx),
      `k=${k}: curvature at 0`,
    );
    assert.ok(Math.abs(c0 - (alpha - meanNorm / Math.SQRT2)) < 1e-15 * meanNorm);
    // A point set that is the law itself, large: the loss is near 0 (the distance's minimum), off by the mean
    // approximation error over the law (−0.02 for k = 1, smaller as k grows) and a 1/n bias.
    const n = 2000,
      z = normals(k, n * k);
    assert.ok(Math.abs(loss64(z, n, k)) < 0.03, `k=${k}: loss of a normal sample ${loss64(z, n, k)}`);
  }
});

test("ξ_k(r) from its series against Monte Carlo, several k and r", () => {
  for (const k of [1, 2, 3, 8, 16]) {
    const M = 20000,
      y = normals(100 + k, M * k);
    for (const r of [0, 0.5, 1, Math.sqrt(k), 3 * Math.sqrt(k) + 2]) {
      let s = 0,
        s2 = 0;
      for (let m = 0; m < M; m++) {
        let d2 = 0;
        for (let c = 0; c < k; c++) d2 += (y[m * k + c] - (c === 0 ? r : 0)) ** 2;
        s += Math.sqrt(d2);
        s2 += d2;
      }
      const mean = s / M,
        se = Math.sqrt((s2 / M - mean * mean) / M);
      assert.ok(
        Math.abs(meanDistanceToNormal(r, k) - mean) < 4 * se,
        `k=${k} r=${r}: series ${meanDistanceToNormal(r, k)}, Monte Carlo ${mean} ± ${se}`,
      );
    }
  }
});

// The distance E(μ_n, N) = (1/n) Σ_i E‖z_i − Y‖ − (1/(2n²)) Σ_ij ‖z_i − z_j‖ − ½ E‖Y − Y′‖
// by Monte Carlo over Y, Y′, against the closed form. The closed form differs from E by exactly
// (1/n) Σ_i [α + √(r_i² + c₁) − ξ_k(r_i)], its approximation error, which the test bounds separately:
// O(r⁴) near 0, a few hundredths at the typical radius √k.
test("closed form against a Monte Carlo estimate of the distance, for several k and point sets", () => {
  const n = 12,
    M = 20000; // a standard error near 0.005
  for (const k of [1, 2, 3, 8, 16]) {
    const { alpha, c1 } = huberEnergyConstants(k);
    const base = normals(200 + k, n * k);
    const sets: Array<[string, (v: number, i: number) => number, (meanR4: number) => number]> = [
      // name, transform of the normal sample, bound on the approximation error given the mean of ‖z_i‖⁴:
      // near 0 the error is c·r⁴ with c = −0.030 for k = 1, falling with k (−0.0007 at k = 8).
      ["near the origin (0.2·N)", (v) => 0.2 * v, (meanR4) => 0.031 * meanR4],
      // Away from 0 the error grows towards |α_k| (0.46 for k = 1, 0.18 for k = 8) as r → ∞.
      ["a normal sample", (v) => v, () => 0.04],
      ["shifted by 1.5 along e₁", (v, i) => v + (i % k === 0 ? 1.5 : 0), () => 0.1],
      ["collapsed: one point repeated", (_v, i) => 0.3 * base[i % k], () => 0.03],
    ];
    const y = normals(300 + k, 2 * M * k);
    for (const [name, transform, bound] of sets) {
      const z = Float64Array.from(base, transform);
      let s = 0,
        s2 = 0,
        t = 0,
        t2 = 0;
      for (let m = 0; m < M; m++) {
        let g = 0;
        for (let i = 0; i < n; i++) {
          let d2 = 0;
          for (let c = 0; c < k; c++) d2 += (z[i * k + c] - y[m * k + c]) ** 2;
          g += Math.sqrt(d2) / n;
        }
        let h2 = 0;
        for (let c = 0; c < k; c++) h2 += (y[m * k + c] - y[(M + m) * k + c]) ** 2;
        const h = Math.sqrt(h2);
        s += g;
        s2 += g * g;
        t += h;
        t2 += h * h;
      }
      let pairwise = 0,
        gap = 0,
        meanR4 = 0;
      for (let i = 0; i < n; i++) {
        let r2 = 0;
        for (let c = 0; c < k; c++) r2 += z[i * k + c] ** 2;
        meanR4 += (r2 * r2) / n;
        gap += (alpha + Math.sqrt(r2 + c1) - meanDistanceToNormal(Math.sqrt(r2), k)) / n;
        for (let j = 0; j < n; j++) {
          let d2 = 0;
          for (let c = 0; c < k; c++) d2 += (z[i * k + c] - z[j * k + c]) ** 2;
          pairwise += Math.sqrt(d2) / (2 * n * n);
        }
      }
      const g = s / M,
        h = t / M;
      const monteCarlo = g - pairwise - h / 2;
      const se = Math.sqrt((s2 / M - g * g) / M + (t2 / M - h * h) / (4 * M));
      const closed = loss64(z, n, k);
      assert.ok(Math.abs(gap) <= bound(meanR4), `k=${k}, ${name}: approximation error ${gap} above ${bound(meanR4)}`);
      assert.ok(
        Math.abs(closed - monteCarlo) <= 4 * se + Math.abs(gap),
        `k=${k}, ${name}: closed form ${closed}, Monte Carlo ${monteCarlo} ± ${se}, approximation error ${gap}`,
      );
      assert.ok(monteCarlo > -4 * se, `k=${k}, ${name}: a distance is ≥ 0 (${monteCarlo})`);
    }
  }
});

/** Central differences of the float64 loss against the op's gradient, entry by entry. */
function gradcheck(what: string, values: ArrayLike<number>, n: number, k: number): void {
  const z = tensor(values, [n, k], { dtype: "float64", requiresGrad: true });
  F.huberEnergyLoss(z).backward();
  const analytic = z.grad!.toArray();
  const data = Float64Array.from(values);
  const h = 1e-6;
  for (let p = 0; p < n * k; p++) {
    const keep = data[p];
    data[p] = keep + h;
    const plus = loss64(data, n, k);
    data[p] = keep - h;
    const minus = loss64(data, n, k);
    data[p] = keep;
    const numeric = (plus - minus) / (2 * h);
    assert.ok(Number.isFinite(analytic[p]), `${what}: gradient [${p}] is ${analytic[p]}`);
    assert.ok(
      Math.abs(analytic[p] - numeric) <= 1e-7 * Math.max(1, Math.abs(numeric)),
      `${what}: d/dz[${p}] = ${analytic[p]}, finite difference ${numeric}`,
    );
  }
}

test("gradient against finite differences (float64), coincident points get the subgradient 0", () => {
  const random = rng(41);
  for (const [n, k] of [
    [1, 1],
    [2, 3],
    [5, 1],
    [7, 4],
    [9, 8],
    [16, 5],
  ]) {
    gradcheck(
      `random ${n}×${k}`,
      Array.from({ length: n * k }, () => (random() * 2 - 1) * 2),
      n,
      k,
    );
  }
  // Rows 0 and 2 coincide, rows 1 and 3 too: ‖z_i − z_j‖ = 0 is not differentiable, and a central difference of
  // ‖±h·e‖ is exactly 0, the subgradient the kernel takes.
  const k = 3,
    rows = [
      [0.5, -1, 2],
      [0, 0.3, 0.3],
      [0.5, -1, 2],
      [0, 0.3, 0.3],
      [-1, 1, 0],
    ];
  gradcheck("duplicated rows", rows.flat(), rows.length, k);
  gradcheck(
    "all rows equal",
    Array.from({ length: 4 * k }, (_, i) => [0.2, -0.4, 1][i % k]),
    4,
    k,
  );
  gradcheck("all rows at the origin", new Float64Array(3 * k), 3, k);
  // Accumulation: a second use of z adds to the first's gradient.
  scope(() => {
    const z = tensor(rows.flat(), [rows.length, k], { dtype: "float64", requiresGrad: true });
    F.huberEnergyLoss(z).backward();
    const once = z.grad!.toArray();
    z.grad = null;
    F.add(F.huberEnergyLoss(z), F.mul(F.huberEnergyLoss(z), 2)).backward();
    z.grad!.toArray().forEach((g, i) => assert.ok(Math.abs(g - 3 * once[i]) < 1e-12, `accumulated gradient [${i}]`));
  });
});

test("WebAssembly kernel vs the TypeScript fallback (f32), every width remainder, overwrite and accumulate", () => {
  const random = rng(42);
  const wasm = backendFor("float32"),
    reference = typescriptBackend("float32");
  const cases: number[][] = [
    [1, 1],
    [2, 4],
    [3, 5],
    [7, 3],
    [33, 8],
    [256, 8],
    [40, 9],
    [17, 17],
    [12, 2],
  ];
  for (const [n, k] of cases) {
    for (const duplicates of [false, true]) {
      const values = Array.from({ length: n * k }, () => (random() * 2 - 1) * 3);
      if (duplicates) for (let i = 1; i < n; i += 3) values.copyWithin(i * k, 0, k); // rows 1, 4, 7, … equal row 0
      const { c0, c1 } = huberEnergyConstants(k);
      for (const accumulate of [false, true]) {
        scope(() => {
          const run = (be: Backend) => {
            const z = be.alloc(n * k),
              dz = be.alloc(n * k);
            z.array.set(values);
            dz.array.fill(accumulate ? 0.25 : NaN); // garbage that an overwrite must not read
            const value = be.huberEnergy(z, n, k, c0, c1);
            be.huberEnergyGrad(z, n, k, c1, 1.5, dz, accumulate);
            return { value, grad: (dz as Buf).array.slice() };
          };
          const got = run(wasm),
            want = run(reference);
          const what = `n=${n} k=${k} duplicates=${duplicates} accumulate=${accumulate}`;
          assert.ok(
            Math.abs(got.value - want.value) <= 1e-6 * Math.max(1, Math.abs(want.value)),
            `${what}: value ${got.value} vs ${want.value}`,
          );
          const scale = maxAbs(want.grad);
          want.grad.forEach((g, i) => {
            if (!(Math.abs(got.grad[i] - g) <= 1e-5 * scale))
              assert.unreachable(`${what}: grad [${i}] ${got.grad[i]} vs ${g}`);
          });
        });
      }
    }
  }
});

test("F.huberEnergyLoss: float32 and float64 agree; shape errors", () => {
  const n = 64,
    k = 8,
    z = normals(5, n * k).map((v) => 1.3 * v + 0.2);
  scope(() => {
    const a = tensor(z, [n, k], { requiresGrad: true }),
      b = tensor(z, [n, k], { dtype: "float64", requiresGrad: true });
    const la = F.huberEnergyLoss(a),
      lb = F.huberEnergyLoss(b);
    assert.ok(Math.abs(la.item() - lb.item()) < 1e-5);
    la.backward();
    lb.backward();
    const ga = a.grad!.toArray(),
      gb = b.grad!.toArray();
    gb.forEach((g, i) => assert.ok(Math.abs(ga[i] - g) < 1e-6, `grad [${i}]`));
  });
  assert.throws(() => F.huberEnergyLoss(tensor([1, 2, 3], [3])), /\[n, k\]/);
  assert.throws(() => huberEnergyConstants(0), /positive integer/);
});

/** Images of a 2-D manifold: sigmoid of a fixed random linear map of u ~ N(0, I_2), d = 24. */
function manifold(seed: number, n: number): Float64Array {
  const d = 24,
    W = normals(1, 2 * d),
    u = normals(seed, 2 * n);
  return Float64Array.from({ length: n * d }, (_, p) => {
    const i = Math.floor(p / d),
      j = p % d;
    return 1 / (1 + Math.exp(-(2 * W[j * 2] * u[i * 2] + 2 * W[j * 2 + 1] * u[i * 2 + 1])));
  });
}

test("trainVAE learns: the loss falls, reconstructions beat the mean image, λ > 0 brings codes nearer N(0, I)", () => {
  const d = 24,
    train = manifold(2, 512),
    held = manifold(3, 256);
  const options = { hidden: 32, latent: 2, epochs: 40, batchSize: 64, lr: 3e-3, seed: 7, validation: held };
  const withLatent = trainVAE(train, { ...options, features: d, lambda: 1 });
  const without = trainVAE(train, { ...options, features: d, lambda: 0 });
  try {
    const h = withLatent.history;
    assert.is(h.length, 40);
    assert.ok(
      h[h.length - 1].train.loss < 0.5 * h[0].train.loss,
      `loss ${h[0].train.loss} → ${h[h.length - 1].train.loss}`,
    );
    // The mean image's squared error on the held-out rows: the reconstruction must be under a quarter of it.
    const mean = new Float64Array(d);
    train.forEach((v, p) => (mean[p % d] += v / 512));
    const baseline = held.reduce((s, v, p) => s + (v - mean[p % d]) ** 2, 0) / 256;
    for (const [name, model] of [
      ["λ = 1", withLatent],
      ["λ = 0", without],
    ] as const) {
      const rec = model.evaluate(held).reconstruction;
      assert.ok(rec < 0.25 * baseline, `${name}: held-out reconstruction ${rec}, mean image ${baseline}`);
    }
    const latentWith = withLatent.evaluate(held).latent,
      latentWithout = without.evaluate(held).latent;
    assert.ok(
      latentWith < 0.5 * latentWithout,
      `held-out codes' latent loss: λ = 1 ${latentWith}, λ = 0 ${latentWithout}`,
    );
    // Save and load: the same codes and samples.
    const copy = loadVAE(JSON.parse(JSON.stringify(withLatent.toJSON())));
    try {
      assert.equal(
        Array.from(copy.encode(held.subarray(0, 5 * d))),
        Array.from(withLatent.encode(held.subarray(0, 5 * d))),
      );
      assert.equal(Array.from(copy.generate(4, { seed: 3 }).x), Array.from(withLatent.generate(4, { seed: 3 }).x));
    } finally {
      copy.dispose();
    }
    const sample = withLatent.generate(6, { seed: 1 });
    assert.is(sample.z.length, 12);
    assert.is(sample.x.length, 6 * d);
    assert.ok(sample.x.every((v) => v >= 0 && v <= 1));
  } finally {
    withLatent.dispose();
    without.dispose();
  }
});

test("trainVAE on tabular data: standardized, linear output, decoded back to the data's units", () => {
  const n = 200,
    d = 5,
    u = normals(9, n);
  const X = Float64Array.from({ length: n * d }, (_, p) => 100 + 10 * (p % d) + ((p % d) + 1) * u[Math.floor(p / d)]);
  const model = trainVAE(
    Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d))),
    { hidden: 16, latent: 1, output: "linear", epochs: 30, batchSize: 50, lr: 3e-3 },
  );
  try {
    const rec = model.reconstruct(X.subarray(0, 10 * d));
    for (let p = 0; p < 10 * d; p++)
      assert.ok(Math.abs(rec[p] - X[p]) < 0.2 * ((p % d) + 1) + 0.5, `[${p}] ${rec[p]} vs ${X[p]}`);
    assert.throws(() => model.encode([[1, 2, 3]]), /features/);
  } finally {
    model.dispose();
  }
  assert.throws(
    () =>
      trainVAE(
        [
          [1, 2],
          [3, 4],
        ],
        { lambda: -1 },
      ),
    /lambda/,
  );
});

test.run();
