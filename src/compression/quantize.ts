// Quantizing the latent: rounding to integers at test time, and in training its differentiable stand-in, additive
// uniform noise U(−½, ½) (Ballé, Laparra & Simoncelli 2017), whose output has the density of the rounded value
// smoothed over each bin and whose gradient with respect to y is the identity.
import { add } from "../autograd/ops.ts";
import { tensor, type Tensor } from "../autograd/tensor.ts";
import type { Generator } from "../random.ts";

/** y + u with u ~ U(−½, ½) i.i.d., drawn from `generator` (the training path; gradients flow to y unchanged). */
export function addUniformNoise(y: Tensor, generator: Generator): Tensor {
  const noise = new Float64Array(y.size);
  for (let i = 0; i < noise.length; i++) noise[i] = generator.uniform(-0.5, 0.5);
  return add(y, tensor(noise, y.shape, { dtype: y.dtype }));
}

/** round(y) as integers, ties away from zero (so the symbols do not depend on the sign convention of ties). */
export function roundSymbols(y: ArrayLike<number>): Int32Array {
  return Int32Array.from(y, (v) => Math.sign(v) * Math.round(Math.abs(v)));
}

/** The rounded latent as a tensor, for the decoder (the test path: no gradient). */
export function roundLatent(y: Tensor): Tensor {
  return tensor(roundSymbols(y.data), y.shape, { dtype: y.dtype });
}
