// Soft rounding (Agustsson & Theis, "Universally quantized neural compression", NeurIPS 2020), which Cool-chic
// uses while fitting: s_T(y) = ⌊y⌋ + ½ + ½·tanh(r/T)/tanh(1/(2T)), r = y − ⌊y⌋ − ½. It is continuous with a
// continuous derivative, the identity as T → ∞ and rounding as T → 0; fitting anneals T so that the latent the
// rate is measured on moves towards the integers it is coded as, which narrows the gap hard rounding leaves.
import { add, mul, sub, tanh } from "../autograd/ops.ts";
import { type Tensor, tensor } from "../autograd/tensor.ts";
import { detExp } from "./detmath.ts";

/** s_T(x) elementwise, differentiable in x (⌊x⌋ is piecewise constant: its derivative is 0 almost everywhere). */
export function softRound(x: Tensor, temperature: number): Tensor {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new RangeError(`softRound: temperature must be a finite number > 0; got ${String(temperature)}`);
  const values = x.data,
    centres = new Float64Array(x.size);
  for (let i = 0; i < centres.length; i++) centres[i] = Math.floor(values[i]) + 0.5;
  const c = tensor(centres, x.shape, { dtype: x.dtype });
  // tanh(1/(2T)) from the package's own exp, not the host's Math.tanh: a seeded fit stays the same in every engine.
  const e = detExp(-1 / temperature),
    k = (0.5 * (1 + e)) / (1 - e);
  return add(mul(tanh(mul(sub(x, c), 1 / temperature)), k), c);
}
