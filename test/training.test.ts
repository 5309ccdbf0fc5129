// Optimizers against PyTorch's own steps, one supervised-autoencoder training step against PyTorch, masks and
// projection constraints through training, convergence, bit-for-bit reproducibility, flat memory, and errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  arenaBytes,
  bilevelGrouped,
  F,
  Generator,
  groupedNorm,
  nn,
  noGrad,
  normL11,
  normL12,
  normL1Inf,
  optim,
  scope,
  tensor,
  type Tensor,
} from "../src/index.ts";
import { heap, kernelVariant } from "../src/runtime/engine.ts";
import fixtures from "./fixtures/torch-optim.json";
import { fingerprintsOf, rng } from "./helpers.ts";

const test = suite("training: optimizers, masks, constraints, reproducibility");

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])))) {
      assert.unreachable(`${what}: [${i}] = ${actual[i]}, PyTorch ${expected[i]}`);
    }
  }
}

test("Adam and SGD: three steps equal torch.optim's on the same numbers (fixture from PyTorch)", () => {
  for (const c of fixtures.optimizers) {
    const p = new nn.Parameter(c.shape);
    p.data.set(c.initial);
    const opt =
      c.optimizer === "Adam"
        ? new optim.Adam([p], c.options as Partial<optim.AdamOptions>)
        : new optim.SGD([p], c.options as unknown as optim.SgdOptions);
    c.grads.forEach((g, step) => {
      opt.zeroGrad();
      p.grad = tensor(g, c.shape);
      opt.step();
      assertClose(p.data, c.after[step], 2e-6, `${c.optimizer} ${JSON.stringify(c.options)} step ${step + 1}`);
    });
    opt.dispose();
    p.dispose();
  }
});

class Autoencoder extends nn.Module {
  encoder: nn.Sequential;
  decoder: nn.Sequential;
  constructor(d: number, h: number, k: number, generator?: Generator, weightConstraint?: nn.Constraint) {
    super();
    this.encoder = new nn.Sequential(
      new nn.Linear(d, h, { generator, weightConstraint }),
      new nn.SiLU(),
      new nn.Linear(h, k, { generator }),
    );
    this.decoder = new nn.Sequential(
      new nn.Linear(k, h, { generator }),
      new nn.SiLU(),
      new nn.Linear(h, d, { generator }),
    );
  }
  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
  loss(x: Tensor, labels: ArrayLike<number>, lambda: number): Tensor {
    const z = this.encoder.forward(x);
    return F.add(F.crossEntropy(z, labels), F.mul(F.smoothL1Loss(this.decoder.forward(z), x), lambda));
  }
}

test(
  "one supervised-autoencoder step (CE + λ·SmoothL1, Adam): " +
    "loss, every gradient and the new weights equal PyTorch's",
  () => {
    const s = fixtures.saeStep;
    const model = new Autoencoder(6, 5, 2);
    model.loadStateDict(s.state);
    const opt = new optim.Adam(model.parameters(), { lr: s.lr });
    scope(() => {
      const loss = model.loss(tensor(s.x.data, s.x.shape), s.labels, s.lambda);
      assert.ok(Math.abs(loss.item() - s.loss) < 1e-6, `loss ${loss.item()} vs PyTorch ${s.loss}`);
      loss.backward();
      for (const [name, p] of model.namedParameters())
        assertClose(p.grad!.data, s.grads[name as keyof typeof s.grads], 1e-5, `grad ${name}`);
      opt.step();
    });
    for (const [name, p] of model.namedParameters())
      assertClose(p.data, s.after[name as keyof typeof s.after], 1e-5, `after ${name}`);
    model.dispose();
    opt.dispose();
  },
);

/** Two Gaussian blobs in d dimensions, separable along the first feature, labels alternating. */
function blobs(rows: number, d: number, seed: number): { x: Tensor; labels: Int32Array } {
  const g = new Generator(seed);
  const labels = Int32Array.from({ length: rows }, (_, i) => i % 2);
  const values = Array.from(
    { length: rows * d },
    (_, i) => g.uniform(-1, 1) + (i % d < 3 ? (labels[Math.floor(i / d)] ? 1.5 : -1.5) : 0),
  );
  return { x: tensor(values, [rows, d]), labels };
}

function accuracy(model: nn.Module, x: Tensor, labels: Int32Array): number {
  return scope(() => {
    const z = noGrad(() => model.forward(x)).data;
    const k = z.length / labels.length;
    let right = 0;
    labels.forEach((y, i) => {
      const row = z.subarray(i * k, (i + 1) * k);
      if (row.indexOf(Math.max(...row)) === y) right++;
    });
    return right / labels.length;
  });
}

function trainBlobs(
  seed: number,
  constraint?: nn.Constraint,
): { model: Autoencoder; losses: number[]; data: ReturnType<typeof blobs> } {
  const data = blobs(200, 12, 7);
  const g = new Generator(seed);
  const model = new Autoencoder(12, 16, 2, g, constraint);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const { epochLosses } = nn.fit(data.x, {
    optimizer: opt,
    epochs: 25,
    batchSize: 8,
    generator: g,
    loss: (batch, rows) =>
      model.loss(
        batch,
        rows.map((r) => data.labels[r]),
        0.5,
      ),
  });
  opt.dispose();
  return { model, losses: epochLosses, data };
}

test(
  "training a supervised autoencoder on a separable problem: " +
    "loss falls 4×, cross-entropy from ln 2 to < 0.05, accuracy ≥ 0.98",
  () => {
    const { model, losses, data } = trainBlobs(3);
    // The reconstruction term has a floor (the blobs' noise), so the total falls less than the cross-entropy.
    assert.ok(losses.at(-1)! * 4 < losses[0], `loss ${losses[0]} → ${losses.at(-1)}`);
    const ce = scope(() => noGrad(() => F.crossEntropy(model.forward(data.x), data.labels).item()));
    assert.ok(ce < 0.05, `cross-entropy ${ce}`);
    assert.ok(accuracy(model, data.x, data.labels) >= 0.98);
    model.dispose();
  },
);

function fingerprint(model: nn.Module): string {
  let h = 0x811c9dc5;
  for (const p of model.parameters()) {
    for (const word of new Uint32Array(Float32Array.from(p.data).buffer)) h = Math.imul(h ^ word, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

test("the same seed gives the same weights bit for bit: twice here, and the value every runtime must reach", () => {
  const a = trainBlobs(42),
    b = trainBlobs(42),
    c = trainBlobs(43);
  assert.is(fingerprint(a.model), fingerprint(b.model));
  assert.is.not(fingerprint(a.model), fingerprint(c.model));
  // The FNV-1a hash of every trained weight's float32 bits, as Node computed it; Deno, Bun, Chromium and workerd
  // run this same test, so a host-dependent bit anywhere (Math.exp, summation order) fails here. The relaxed-SIMD
  // build's products fuse multiply and add where the CPU has FMA (x86 FMA3, Arm), so it has its own value (and the
  // plain one on a CPU without FMA, where the engine computes relaxed_madd as multiply then add).
  assert.ok(fingerprintsOf(kernelVariant(), "bcca8688", "11ebd81b").includes(fingerprint(a.model)));
  for (const r of [a, b, c]) r.model.dispose();
});

test("masked entries stay exactly zero through Adam and SGD (momentum, weight decay)", () => {
  const random = rng(31);
  for (const makeOptimizer of [
    (ps: nn.Parameter[]) => new optim.Adam(ps, { lr: 0.05, weightDecay: 0.1 }),
    (ps: nn.Parameter[]) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, weightDecay: 0.1 }),
  ]) {
    const layer = new nn.Linear(9, 5, { generator: new Generator(1) });
    const mask = Array.from({ length: 45 }, () => (random() < 0.4 ? 0 : 1));
    layer.weight.setMask(mask);
    const opt = makeOptimizer(layer.parameters());
    const x = tensor(
      Array.from({ length: 4 * 9 }, () => random() * 2 - 1),
      [4, 9],
    );
    for (let step = 0; step < 30; step++) {
      scope(() => {
        opt.zeroGrad();
        F.sum(F.mul(layer.forward(x), layer.forward(x))).backward();
        opt.step();
      });
      const w = layer.weight.data;
      mask.forEach((keep, i) => keep || assert.is(w[i], 0, `step ${step}: masked weight ${i} = ${w[i]}`));
      assert.ok(mask.some((keep, i) => keep && w[i] !== 0));
    }
    opt.dispose();
    layer.dispose();
  }
});

const NORMS = { bilevelL1Inf: normL1Inf, l1Inf: normL1Inf, bilevelL11: normL11, bilevelL12: normL12 };

test("a projection-constrained weight is inside its ball after every optimizer step, for every projection", () => {
  const random = rng(32);
  for (const [kind, norm] of Object.entries(NORMS)) {
    const radius = 0.8;
    const layer = new nn.Linear(20, 6, {
      generator: new Generator(2),
      weightConstraint: nn.projectionConstraint(kind as nn.ProjectionKind, { radius }),
      biasConstraint: nn.projectionConstraint("l1", { radius: 0.1 }),
    });
    const opt = new optim.Adam(layer.parameters(), { lr: 0.05 });
    const x = tensor(
      Array.from({ length: 8 * 20 }, () => random() * 2 - 1),
      [8, 20],
    );
    for (let step = 0; step < 20; step++) {
      scope(() => {
        opt.zeroGrad();
        F.mseLoss(layer.forward(x), F.add(F.mul(layer.forward(x), 0), 3)).backward();
        opt.step();
      });
      const w = layer.weight.data;
      assert.ok(norm(w, 6, 20) <= radius * (1 + 1e-5), `${kind} step ${step}: ‖W‖ = ${norm(w, 6, 20)}`);
      assert.ok(Array.from(layer.bias!.data).reduce((s, v) => s + Math.abs(v), 0) <= 0.1 * (1 + 1e-5));
    }
    if (kind.startsWith("bilevel") || kind === "l1Inf") {
      const w = layer.weight.data;
      const zeroColumns = Array.from({ length: 20 }, (_, j) =>
        [0, 1, 2, 3, 4, 5].every((i) => w[i * 20 + j] === 0),
      ).filter(Boolean).length;
      if (kind !== "bilevelL12") assert.ok(zeroColumns > 0, `${kind}: the projection removed no input feature`);
    }
    opt.dispose();
    layer.dispose();
  }
});

test("an 'epoch' constraint is applied by fit at each epoch's end, not by step()", () => {
  const data = blobs(32, 10, 3);
  const layer = new nn.Linear(10, 2, {
    generator: new Generator(4),
    weightConstraint: nn.projectionConstraint("bilevelL1Inf", { radius: 0.05, every: "epoch" }),
  });
  const opt = new optim.SGD(layer.parameters(), { lr: 0.5 });
  scope(() => {
    F.crossEntropy(layer.forward(data.x), data.labels).backward();
    opt.step();
  });
  assert.ok(normL1Inf(layer.weight.data, 2, 10) > 0.05, "step() leaves an epoch constraint alone");
  nn.fit(data.x, {
    optimizer: opt,
    epochs: 1,
    batchSize: 8,
    loss: (b, rows) =>
      F.crossEntropy(
        layer.forward(b),
        rows.map((r) => data.labels[r]),
      ),
  });
  assert.ok(normL1Inf(layer.weight.data, 2, 10) <= 0.05 * (1 + 1e-6));
  opt.dispose();
  layer.dispose();
});

test("constraints on a Conv2d weight [O, I, kh, kw]: groups are its input channels (with 'rows' its filters)", () => {
  const g = rng(21);
  // Filter o and input channel c scaled by (o + 1)(c + 1) / 30, so the groups' norms differ either way and a
  // projection empties some of them.
  const values = Float32Array.from(
    { length: 6 * 5 * 3 * 3 },
    (_, i) => ((g() * 2 - 1) * (Math.floor(i / 45) + 1) * ((Math.floor(i / 9) % 5) + 1)) / 30,
  );
  for (const [kind, norm] of [
    ["bilevelL1Inf", "inf"],
    ["bilevelL11", "1"],
    ["bilevelL12", "2"],
  ] as const) {
    for (const [axis, view] of [
      ["columns", [6, 5, 9]],
      ["rows", [1, 6, 45]],
    ] as const) {
      const conv = new nn.Conv2d(5, 6, 3, { generator: new Generator(1) });
      conv.weight.data.set(values);
      assert.is(nn.bilevelNorm(kind, conv.weight, axis), groupedNorm(norm, values, view));
      const radius = 0.3 * groupedNorm(norm, values, view);
      conv.weight.setConstraint(nn.projectionConstraint(kind, { radius, axis }));
      conv.weight.constraint!.apply(conv.weight);
      assert.equal(
        Array.from(conv.weight.data),
        Array.from(bilevelGrouped(norm, values, view, radius)),
        `${kind} by ${axis}`,
      );
      const zeroGroups = nn.layerSparsity(conv.weight)[axis === "columns" ? "zeroInputs" : "zeroOutputs"].length;
      if (kind !== "bilevelL12") assert.ok(zeroGroups > 0, `${kind} by ${axis} zeroed no whole group`);
      conv.dispose();
    }
  }
  const conv = new nn.Conv2d(2, 2, 3);
  assert.throws(
    () => conv.weight.setConstraint(nn.projectionConstraint("l1Inf", { radius: 1 })),
    /l1Inf constraint needs a 2-D parameter \(out × in\); got shape \[2, 2, 3, 3\]/,
  );
  conv.dispose();
});

test("fit stops cleanly when its signal is aborted", () => {
  const data = blobs(32, 4, 9);
  const layer = new nn.Linear(4, 2, { generator: new Generator(9) });
  const opt = new optim.SGD(layer.parameters(), { lr: 0.1 });
  const controller = new AbortController();
  const result = nn.fit(data.x, {
    optimizer: opt,
    epochs: 5,
    batchSize: 8,
    signal: controller.signal,
    onEpoch: () => controller.abort(),
    loss: (b, rows) =>
      F.crossEntropy(
        layer.forward(b),
        rows.map((r) => data.labels[r]),
      ),
  });
  assert.equal({ epochs: result.epochLosses.length, stopped: result.stopped }, { epochs: 1, stopped: true });
  opt.dispose();
  layer.dispose();
});

test("1,000 training steps leave the module memory in use unchanged (the step arena is reused)", () => {
  const { x, labels } = blobs(64, 30, 5);
  const model = new Autoencoder(30, 20, 2, new Generator(5));
  const opt = new optim.Adam(model.parameters());
  const step = () => {
    nn.fit(x, {
      optimizer: opt,
      epochs: 1,
      batchSize: 8,
      loss: (b, rows) =>
        model.loss(
          b,
          rows.map((r) => labels[r]),
          1,
        ),
    });
  };
  step();
  const before = { inUse: heap().usage.inUse, arena: arenaBytes() };
  for (let i = 0; i < 125; i++) step(); // 125 epochs × 8 steps
  assert.equal({ inUse: heap().usage.inUse, arena: arenaBytes() }, before);
  model.dispose();
  opt.dispose();
});

test("a non-finite loss stops fit with the epoch and step named, before that step changes anything", () => {
  const { x, labels } = blobs(40, 6, 6);
  const layer = new nn.Linear(6, 2, { generator: new Generator(6) });
  const opt = new optim.Adam(layer.parameters());
  let calls = 0,
    snapshot: number[] = [];
  const loss = (b: Tensor, rows: Int32Array) => {
    calls++;
    snapshot = Array.from(layer.weight.data);
    const l = F.crossEntropy(
      layer.forward(b),
      rows.map((r) => labels[r]),
    );
    return calls === 7 ? F.mul(l, Infinity) : l;
  };
  assert.throws(
    () => nn.fit(x, { optimizer: opt, epochs: 3, batchSize: 4, loss }),
    /the loss is (Infinity|NaN) at epoch 1, step 7; training stopped/,
  );
  assert.equal(Array.from(layer.weight.data), snapshot);
  opt.dispose();
  layer.dispose();
});

test("state dicts: PyTorch keys, masks as <name>_mask, JSON round trip, strict checks", () => {
  const a = new Autoencoder(5, 4, 2, new Generator(8));
  a.encoder
    .at(0)
    .parameters()[0]
    .setMask(Array.from({ length: 20 }, (_, i) => (i % 3 ? 1 : 0)));
  const state = JSON.parse(JSON.stringify(a.stateDict()));
  assert.equal(Object.keys(state), [
    "encoder.0.weight",
    "encoder.0.weight_mask",
    "encoder.0.bias",
    "encoder.2.weight",
    "encoder.2.bias",
    "decoder.0.weight",
    "decoder.0.bias",
    "decoder.2.weight",
    "decoder.2.bias",
  ]);
  const b = new Autoencoder(5, 4, 2, new Generator(9));
  b.loadStateDict(state);
  assert.equal(b.stateDict(), a.stateDict());
  assert.throws(
    () => b.loadStateDict({ ...state, "encoder.0.weight": { shape: [4, 6], data: new Array(24).fill(0) } }),
    /encoder.0.weight has shape \[4, 6\] \(24 values\) but the parameter has shape \[4, 5\]/,
  );
  const { "decoder.2.bias": _, ...partial } = state;
  assert.throws(() => b.loadStateDict(partial), /missing keys \[decoder.2.bias\]/);
  assert.equal(b.loadStateDict({ ...partial, extra: { shape: [1], data: [0] } }, { strict: false }), {
    missingKeys: ["decoder.2.bias"],
    unexpectedKeys: ["extra"],
  });
  a.dispose();
  b.dispose();
});

test("errors: a disposed module, bad optimizer options, bad masks and constraints", () => {
  const layer = new nn.Linear(3, 2);
  const x = tensor([1, 2, 3], [1, 3]);
  layer.dispose();
  assert.throws(() => layer.forward(x), /the module that owns this parameter was disposed/);
  const p = new nn.Parameter([2, 3]);
  assert.throws(() => new optim.Adam([p], { lr: -1 }), /Adam: lr must be ≥ 0; got -1/);
  assert.throws(() => new optim.Adam([p], { betas: [0.9, 1] }), /betas\[1\] must be in \[0, 1\)/);
  assert.throws(() => new optim.SGD([p], {} as optim.SgdOptions), /SGD: lr must be/);
  assert.throws(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), /nesterov needs momentum > 0/);
  assert.throws(() => new optim.Adam([p, p]), /appears twice/);
  assert.throws(() => p.setMask([1, 0]), /mask has 2 entries for a parameter of shape \[2, 3\]/);
  assert.throws(() => p.setMask([1, 0, 0.5, 1, 1, 1]), /mask\[2\] = 0.5/);
  assert.throws(
    () => new nn.Parameter([4]).setConstraint(nn.projectionConstraint("bilevelL1Inf", { radius: 1 })),
    new RegExp(
      "bilevelL1Inf constraint needs a 2-D parameter \\(out × in\\) or a convolution's weight " +
        "\\[out, in, \\.\\.\\.window\\]; got shape \\[4\\]",
    ),
  );
  assert.throws(() => nn.projectionConstraint("bilevelL1Inf", { radius: -1 }), /radius must be a finite number ≥ 0/);
  assert.throws(() => nn.projectionConstraint("nope" as nn.ProjectionKind, { radius: 1 }), /kind must be one of/);
  p.dispose();
});

test.run();
