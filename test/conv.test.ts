// Convolution and upsampling: against a direct convolution, gradients against finite differences (float64),
// the WebAssembly kernels against the TypeScript fallback, the layer's initialisation, and errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { F, Generator, nn, scope, tensor, type Tensor } from "../src/index.ts";
import { convKernels } from "../src/autograd/conv.ts";
import { backendFor } from "../src/autograd/tensor.ts";
import { gradcheck, randomTensor, scalarize } from "./gradcheck.ts";
import { convOutput, randomInt, rng } from "./helpers.ts";

const test = suite("convolution: conv2d and nearest upsampling");

/**
 * The definition, loop by loop:
 * y[n, o, oy, ox] = b[o] + Σ_c,i,j w[o, c, i, j]·x[n, c, oy·s − p + i, ox·s − p + j].
 */
function directConv(x: Tensor, w: Tensor, b: Tensor | null, stride: number, pad: number): number[] {
  const [n, c, h, wd] = x.shape,
    [o, , kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1,
    ow = Math.floor((wd + 2 * pad - kw) / stride) + 1;
  const X = x.data,
    W = w.data,
    out: number[] = [];
  for (let s = 0; s < n; s++)
    for (let f = 0; f < o; f++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let sum = b ? b.data[f] : 0;
          for (let ch = 0; ch < c; ch++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const y = oy * stride - pad + i,
                  xx = ox * stride - pad + j;
                if (y >= 0 && y < h && xx >= 0 && xx < wd)
                  sum += W[((f * c + ch) * kh + i) * kw + j] * X[((s * c + ch) * h + y) * wd + xx];
              }
          out.push(sum);
        }
  return out;
}

const CASES = [
  { n: 2, c: 3, h: 5, w: 4, o: 2, k: 3, stride: 1, pad: 1 },
  { n: 1, c: 2, h: 6, w: 6, o: 3, k: 2, stride: 2, pad: 0 },
  { n: 3, c: 1, h: 4, w: 5, o: 2, k: 3, stride: 2, pad: 1 },
  { n: 1, c: 2, h: 3, w: 3, o: 1, k: 3, stride: 1, pad: 0 },
];

test("conv2d equals the direct convolution (strides, padding, with and without bias)", () => {
  const random = rng(41);
  for (const { n, c, h, w, o, k, stride, pad } of CASES) {
    const x = randomTensor(random, [n, c, h, w]),
      weight = randomTensor(random, [o, c, k, k]),
      bias = randomTensor(random, [o]);
    for (const b of [bias, null]) {
      const got = F.conv2d(x, weight, b, { stride, padding: pad }).toArray();
      directConv(x, weight, b, stride, pad).forEach((v, i) =>
        assert.ok(Math.abs(got[i] - v) < 1e-12, `[${i}] ${got[i]} vs ${v}`),
      );
    }
  }
});

test("conv2d and upsampleNearest gradients against finite differences", () => {
  const random = rng(42);
  for (const { n, c, h, w, o, k, stride, pad } of CASES) {
    gradcheck(
      `conv2d ${JSON.stringify({ n, c, h, w, o, k, stride, pad })}`,
      scalarize(random, ([x, wt, b]) => F.conv2d(x, wt, b, { stride, padding: pad })),
      [randomTensor(random, [n, c, h, w]), randomTensor(random, [o, c, k, k]), randomTensor(random, [o])],
    );
  }
  gradcheck(
    "conv2d without bias",
    scalarize(random, ([x, wt]) => F.conv2d(x, wt, null, { padding: 1 })),
    [randomTensor(random, [2, 2, 3, 3]), randomTensor(random, [2, 2, 3, 3])],
  );
  for (const scale of [1, 2, 3])
    gradcheck(
      `upsampleNearest ×${scale}`,
      scalarize(random, ([x]) => F.upsampleNearest(x, scale)),
      [randomTensor(random, [2, 3, 2, 3])],
    );
  gradcheck(
    "a conv autoencoder's chain",
    scalarize(random, ([x, w1, w2]) =>
      F.conv2d(F.upsampleNearest(F.relu(F.conv2d(x, w1, null, { stride: 2, padding: 1 })), 2), w2, null, {
        padding: 1,
      }),
    ),
    [randomTensor(random, [1, 2, 4, 4]), randomTensor(random, [3, 2, 3, 3]), randomTensor(random, [2, 3, 3, 3])],
  );
});

test("the WebAssembly kernels (im2col, col2im, upsampling) agree with the TypeScript fallback", () => {
  const random = rng(43);
  for (let t = 0; t < 8; t++) {
    const n = randomInt(random, 1, 3),
      c = randomInt(random, 1, 4),
      h = randomInt(random, 3, 9),
      w = randomInt(random, 3, 9),
      o = randomInt(random, 1, 4);
    const k = randomInt(random, 1, 3),
      stride = randomInt(random, 1, 2),
      pad = randomInt(random, 0, 1);
    const values = (size: number) => Array.from({ length: size }, () => random() * 2 - 1);
    const [xv, wv, bv] = [values(n * c * h * w), values(o * c * k * k), values(o)];
    const run = (dtype: "float32" | "float64") =>
      scope(() => {
        const x = tensor(xv, [n, c, h, w], { dtype, requiresGrad: true }),
          wt = tensor(wv, [o, c, k, k], { dtype, requiresGrad: true }),
          b = tensor(bv, [o], { dtype, requiresGrad: true });
        const y = F.upsampleNearest(F.conv2d(x, wt, b, { stride, padding: pad }), 2);
        F.sum(F.mul(y, y)).backward();
        return [y, x.grad!, wt.grad!, b.grad!].map((v) => Array.from(v.data));
      });
    const [single, double] = [run("float32"), run("float64")];
    single.forEach((values32, which) =>
      values32.forEach((v, i) => {
        const ref = double[which][i];
        assert.ok(
          Math.abs(v - ref) <= 1e-4 * Math.max(1, Math.abs(ref)),
          `case ${t} output ${which}[${i}]: ${v} vs ${ref}`,
        );
      }),
    );
  }
});

test("conv2d's weight gradient kernel: the image-by-image composition (im2col + product) bit for bit", () => {
  // convWeightGrad runs, in one call, what the TypeScript form composes from the primitives: one image's columns,
  // then dW (+)= dY_i·colsᵀ, images in order. Run on the WebAssembly primitives, the two must give the same bits,
  // overwriting garbage or accumulating, for strides, paddings and outputs of fewer than 8 positions (small-k NT),
  // and where the kernel reads the columns from the padded image instead of unrolling them.
  const random = rng(44);
  const be = backendFor("float32");
  for (const [n, c, h, w, o, k, stride, pad] of [
    [5, 3, 9, 7, 4, 3, 2, 1],
    [3, 2, 6, 6, 5, 3, 1, 1],
    [2, 4, 4, 3, 3, 2, 2, 0],
    [1, 1, 2, 2, 2, 1, 1, 0],
    // Stride 1 with output rows of whole vectors: the columns read from the padded image (convWeightGradDirect).
    [2, 16, 28, 28, 1, 3, 1, 1],
    [3, 5, 6, 8, 3, 3, 1, 1],
    [2, 3, 5, 4, 2, 1, 1, 0],
  ]) {
    const [oh, ow] = convOutput(h, w, k, stride, pad);
    const g = { c, h, w, kh: k, kw: k, stride, pad, oh, ow };
    for (const accumulate of [false, true]) {
      scope(() => {
        const values = (size: number) => Float32Array.from({ length: size }, () => random() * 2 - 1);
        const buf = (v: Float32Array) => {
          const b = be.alloc(v.length);
          b.array.set(v);
          return b;
        };
        const [x, dy] = [values(n * c * h * w), values(n * o * oh * ow)].map(buf);
        const start = accumulate ? values(o * c * k * k) : new Float32Array(o * c * k * k).fill(NaN);
        const [fused, composed] = [buf(start), buf(start)];
        be.convWeightGrad(x, dy, fused, g, o, n, accumulate);
        convKernels.convWeightGrad.call(be, x, dy, composed, g, o, n, accumulate);
        const bits = (b: typeof fused) => Array.from(new Uint32Array(Float32Array.from(b.array).buffer));
        assert.equal(bits(fused), bits(composed), `${JSON.stringify(g)} o=${o} n=${n} accumulate=${accumulate}`);
      });
    }
  }
});

test("conv2d's stride-1 forward without columns: im2col + product's bits (plain or relaxed build, as loaded)", () => {
  // convForwardDirect reads the columns from the zero-padded image: every output element must take the product's
  // operations. The input gradient beside it (its fused kernel against the composition) checks the same shapes. Shapes: fields below and above the product's k-block (64), outputs 1..6 (partial bands of 4), rows
  // of 28, 6, 8, 12, 5 and 10 positions (partial tiles), padding 0 and 1.
  const random = rng(46);
  const be = backendFor("float32");
  for (const [n, c, h, w, o, k, pad] of [
    [2, 16, 28, 28, 1, 3, 1],
    [3, 8, 6, 6, 5, 3, 1],
    [2, 3, 14, 10, 6, 3, 0],
    [1, 2, 6, 12, 2, 1, 0],
    [2, 5, 6, 10, 1, 3, 1],
    [1, 2, 4, 5, 2, 1, 0],
    [2, 9, 10, 10, 3, 3, 1],
  ]) {
    const [oh, ow] = convOutput(h, w, k, 1, pad);
    assert.is((oh * ow) % 4, 0, "a shape the direct kernel takes");
    const g = { c, h, w, kh: k, kw: k, stride: 1, pad, oh, ow };
    scope(() => {
      const buf = (v: Float32Array) => {
        const b = be.alloc(v.length);
        b.array.set(v);
        return b;
      };
      const values = (size: number) => Float32Array.from({ length: size }, () => random() * 2 - 1);
      const [x, weight] = [values(n * c * h * w), values(o * c * k * k)].map(buf);
      const [direct, composed] = [0, 1].map(() => buf(new Float32Array(n * o * oh * ow).fill(NaN)));
      be.convForward(x, weight, direct, g, o, n);
      convKernels.convForward.call(be, x, weight, composed, g, o, n);
      const bits = (b: typeof direct) => Array.from(new Uint32Array(Float32Array.from(b.array).buffer));
      assert.equal(bits(direct), bits(composed), `${JSON.stringify(g)} o=${o} n=${n}`);
      // The input gradient, added into a dx that holds values.
      const [dy, dx0] = [values(n * o * oh * ow), values(n * c * h * w)];
      const [dxDirect, dxComposed] = [buf(dx0), buf(dx0)];
      be.convInputGrad(weight, buf(dy), dxDirect, g, o, n);
      convKernels.convInputGrad.call(be, weight, buf(dy), dxComposed, g, o, n);
      assert.equal(bits(dxDirect), bits(dxComposed), `input gradient ${JSON.stringify(g)} o=${o} n=${n}`);
    });
  }
});

test("upsampleNearest ×2 and its gradient in float32: the definition's values and summation order, bit for bit", () => {
  const random = rng(45);
  for (const [planes, h, w] of [
    [3, 2, 5],
    [2, 7, 8],
    [1, 1, 1],
  ]) {
    const xv = Float32Array.from({ length: planes * h * w }, () => random() * 2 - 1);
    const dyv = Float32Array.from({ length: planes * h * w * 4 }, () => random() * 2 - 1);
    dyv[0] = dyv[1] = dyv[2 * w] = dyv[2 * w + 1] = -0; // a block of −0 sums to +0 from 0, as in the loop
    const [y, dx] = scope(() => {
      const x = tensor(xv, [1, planes, h, w], { requiresGrad: true });
      const out = F.upsampleNearest(x, 2);
      F.sum(F.mul(out, tensor(dyv, [1, planes, 2 * h, 2 * w]))).backward();
      return [Array.from(out.data), Array.from(x.grad!.data)];
    });
    const W = 2 * w;
    for (let p = 0; p < planes; p++)
      for (let a = 0; a < h; a++)
        for (let b = 0; b < w; b++) {
          let sum = 0;
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++) {
              const at = (p * 2 * h + 2 * a + i) * W + 2 * b + j;
              assert.is(y[at], xv[(p * h + a) * w + b]);
              sum = Math.fround(sum + dyv[at]);
            }
          assert.ok(Object.is(dx[(p * h + a) * w + b], sum), `dx[${p}, ${a}, ${b}]`);
        }
  }
});

test("nn.Conv2d: PyTorch's layout and initialisation bound, a forward shape, and errors", () => {
  const layer = new nn.Conv2d(3, 8, 5, { padding: 2, stride: 2, generator: new Generator(1) });
  assert.equal(layer.weight.shape, [8, 3, 5, 5]);
  const bound = 1 / Math.sqrt(3 * 25);
  assert.ok(
    Array.from(layer.weight.data).every((v) => Math.abs(v) <= bound) &&
      Array.from(layer.bias!.data).every((v) => Math.abs(v) <= bound),
  );
  scope(() =>
    assert.equal(layer.forward(tensor(new Array(2 * 3 * 28 * 28).fill(0.5), [2, 3, 28, 28])).shape, [2, 8, 14, 14]),
  );
  assert.equal(Object.keys(new nn.Sequential(layer, new nn.ReLU(), new nn.UpsampleNearest(2)).stateDict()), [
    "0.weight",
    "0.bias",
  ]);
  const x = tensor(new Array(2 * 3 * 4 * 4).fill(1), [2, 3, 4, 4]);
  assert.throws(
    () => F.conv2d(x, tensor(new Array(2 * 2 * 3 * 3).fill(1), [2, 2, 3, 3])),
    /weight \[2, 2, 3, 3\] needs \[O, C, kh, kw\] with the same C/,
  );
  assert.throws(
    () => F.conv2d(x, tensor(new Array(2 * 3 * 5 * 5).fill(1), [2, 3, 5, 5])),
    /a 5 × 5 kernel does not fit a 4 × 4 image/,
  );
  assert.throws(
    () => F.conv2d(x, tensor(new Array(2 * 3 * 3 * 3).fill(1), [2, 3, 3, 3]), null, { stride: 0 }),
    /stride must be an integer ≥ 1/,
  );
  assert.throws(() => F.upsampleNearest(tensor([1, 2], [2]), 2), /needs \[N, C, H, W\]/);
  layer.dispose();
});

test("layerSparsity counts the zero input channels and output filters and what deleting them saves", () => {
  const conv = new nn.Conv2d(4, 3, 3, { generator: new Generator(2) });
  const w = conv.weight.data;
  for (let o = 0; o < 3; o++) for (let k = 0; k < 9; k++) w[(o * 4 + 1) * 9 + k] = 0; // input channel 1
  for (let i = 0; i < 4 * 9; i++) w[2 * 36 + i] = 0; // output filter 2
  w[0] = 0; // a scattered zero frees nothing
  const report = nn.layerSparsity(conv.weight, { bias: true, outputSize: [10, 10] });
  assert.equal(
    { zeroInputs: report.zeroInputs, zeroOutputs: report.zeroOutputs },
    { zeroInputs: [1], zeroOutputs: [2] },
  );
  assert.equal(report.parameters, { before: 9 * 3 * 4 + 3, after: 9 * 2 * 3 + 2 });
  assert.equal(report.macs, { before: 9 * 3 * 4 * 100, after: 9 * 2 * 3 * 100 });
  const linear = new nn.Linear(5, 2, { generator: new Generator(3) });
  linear.weight.data.fill(0, 0, 5);
  assert.equal(nn.layerSparsity(linear.weight).zeroOutputs, [0]);
  assert.throws(() => nn.layerSparsity(linear.bias!), /must be \[out, in\] or \[out, in, kh, kw\]/);
  conv.dispose();
  linear.dispose();
});

test.run();
