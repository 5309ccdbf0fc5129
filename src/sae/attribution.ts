// Integrated gradients (Sundararajan, Taly & Yan 2017) of a class logit with respect to the input features:
// IG_j(x) = (x_j − x'_j) · ∫₀¹ ∂f_c(x' + α(x − x'))/∂x_j dα, by the midpoint rule. The baseline x' is
// the training mean (zero after the model's z-score), so an attribution says how much a feature's departure from the
// average sample moved the class score. Completeness: Σ_j IG_j = f_c(x) − f_c(x'), up to the quadrature.
import { scope } from "../autograd/arena.ts";
import { mul, sum } from "../autograd/functional.ts";
import { tensor } from "../autograd/tensor.ts";
import { toMatrix } from "./dataset.ts";
import type { SAEModel } from "./model.ts";
import { transformRows } from "./preprocess.ts";

/** integratedGradients' options: the class explained, and the path's resolution. */
export interface IntegratedGradientsOptions {
  /** The class whose logit is explained, by index into model.classes. */
  target: number;
  /** Midpoint steps along the path (default 32). */
  steps?: number;
}

/** Per sample and feature, row-major n × features, in the units of the model's preprocessed (z-scored) inputs. */
export function integratedGradients(
  model: SAEModel,
  X: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  options: IntegratedGradientsOptions,
): Float64Array {
  const { target, steps = 32 } = options;
  const k = model.classes.length,
    d = model.features;
  if (!Number.isInteger(target) || target < 0 || target >= k)
    throw new RangeError(`integratedGradients: target must be a class index in 0..${k - 1}; got ${target}`);
  if (!Number.isSafeInteger(steps) || steps < 1)
    throw new RangeError(`integratedGradients: steps must be a positive integer; got ${steps}`);
  const data = toMatrix(X, { cols: d }, "integratedGradients", Boolean(model.info.preprocessing.imputation));
  const x = transformRows(
    model.info.preprocessing,
    data.x,
    d,
    Int32Array.from({ length: data.n }, (_, i) => i),
  );
  const attributions = new Float64Array(data.n * d);
  const pick = new Float32Array(steps * k);
  for (let s = 0; s < steps; s++) pick[s * k + target] = 1;
  for (let i = 0; i < data.n; i++) {
    scope(() => {
      // All the path's points of one sample in one batch: row s is α_s·x with α_s = (s + ½)/steps.
      const path = new Float32Array(steps * d);
      for (let s = 0; s < steps; s++) for (let j = 0; j < d; j++) path[s * d + j] = ((s + 0.5) / steps) * x[i * d + j];
      const input = tensor(path, [steps, d], { requiresGrad: true });
      sum(mul(model.net.forward(input), tensor(pick, [steps, k]))).backward();
      const grad = input.grad!.data;
      for (let j = 0; j < d; j++) {
        let mean = 0;
        for (let s = 0; s < steps; s++) mean += grad[s * d + j];
        attributions[i * d + j] = (x[i * d + j] * mean) / steps;
      }
    });
  }
  return attributions;
}
