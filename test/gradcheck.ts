// Gradients against central finite differences in float64: the check every differentiable op passes.
import * as assert from "uvu/assert";
import { F, noGrad, tensor, type Tensor } from "../src/index.ts";

export type Fn = (inputs: Tensor[]) => Tensor;

export function randomTensor(random: () => number, shape: number[], transform = (v: number) => v): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: size }, () => transform(random() * 2 - 1)),
    shape,
    { dtype: "float64", requiresGrad: true },
  );
}

/** loss = Σ f(inputs) ⊙ R for a fixed random R, so every output entry's gradient is exercised. */
export function scalarize(random: () => number, f: Fn): Fn {
  let weights: Tensor | undefined;
  return (inputs) => {
    const out = f(inputs);
    weights ??= tensor(
      Array.from({ length: out.size }, () => random() * 2 - 1),
      out.shape as number[],
      { dtype: "float64" },
    );
    return out.size === 1 && out.shape.length === 0 ? out : F.sum(F.mul(out, weights));
  };
}

export function gradcheck(what: string, f: Fn, inputs: Tensor[], tolerance = 1e-6): void {
  const loss = f(inputs);
  for (const x of inputs) x.grad = null;
  loss.backward();
  const h = 1e-6;
  inputs.forEach((x, which) => {
    const analytic = x.grad ? x.grad.toArray() : new Float64Array(x.size);
    const data = x.data;
    for (let i = 0; i < x.size; i++) {
      const keep = data[i];
      data[i] = keep + h;
      const plus = noGrad(() => f(inputs).item());
      data[i] = keep - h;
      const minus = noGrad(() => f(inputs).item());
      data[i] = keep;
      const numeric = (plus - minus) / (2 * h);
      const scale = Math.max(1, Math.abs(numeric));
      if (!(Math.abs(analytic[i] - numeric) <= tolerance * scale)) {
        assert.unreachable(`${what}: d/d input${which}[${i}] = ${analytic[i]}, finite difference ${numeric}`);
      }
    }
  });
}
