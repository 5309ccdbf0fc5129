// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD.
import type { Parameter } from "../nn/parameter.ts";
import { checkOption, Optimizer, type ParamGroup } from "./optimizer.ts";

/** SGD's options, torch.optim.SGD's: lr (required), momentum, dampening and weightDecay 0, nesterov false. */
export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

function check(o: SgdOptions): void {
  checkOption("SGD", "lr", o.lr, (v) => v >= 0, "≥ 0 (SGD has no default learning rate)");
  checkOption("SGD", "momentum", o.momentum, (v) => v >= 0, "≥ 0");
  checkOption("SGD", "dampening", o.dampening, () => true, "a number");
  checkOption("SGD", "weightDecay", o.weightDecay, (v) => v >= 0, "≥ 0");
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
    throw new RangeError("SGD: nesterov needs momentum > 0 and dampening 0");
}

/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD. */
export class SGD extends Optimizer<SgdOptions> {
  readonly #started = new Set<Parameter>();

  constructor(
    params: Iterable<Parameter> | Array<ParamGroup<SgdOptions>>,
    options: Partial<SgdOptions> & { lr: number },
  ) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...options } as SgdOptions, check);
  }

  /** One SGD step of p in one fused kernel (the momentum buffer starts as the first step's gradient, as PyTorch's). */
  protected update(p: Parameter, o: SgdOptions): void {
    const buffer = o.momentum !== 0 ? this.state(p, 1)[0] : null;
    const first = !this.#started.has(p);
    this.#started.add(p);
    p.backend.sgdStep(p.buf, p.grad!.buf, buffer, p.maskBuf, p.size, { ...o, first });
  }
}
