// Adam as torch.optim.Adam computes it (bias-corrected, weight decay added to the gradient, not AdamW).
import type { Parameter } from "../nn/parameter.ts";
import { checkOption, Optimizer, type ParamGroup } from "./optimizer.ts";

/** Adam's options, torch.optim.Adam's: lr 1e-3, betas [0.9, 0.999], eps 1e-8 and weightDecay 0 by default. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

const DEFAULTS: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

function check(o: AdamOptions): void {
  checkOption("Adam", "lr", o.lr, (v) => v >= 0, "≥ 0");
  checkOption("Adam", "eps", o.eps, (v) => v >= 0, "≥ 0");
  checkOption("Adam", "weightDecay", o.weightDecay, (v) => v >= 0, "≥ 0");
  if (!Array.isArray(o.betas) || o.betas.length !== 2)
    throw new RangeError(`Adam: betas must be [beta1, beta2]; got ${String(o.betas)}`);
  o.betas.forEach((b, i) => checkOption("Adam", `betas[${i}]`, b, (v) => v >= 0 && v < 1, "in [0, 1)"));
}

/** Adam as torch.optim.Adam computes it: bias-corrected moments, weight decay added to the gradient (not AdamW). */
export class Adam extends Optimizer<AdamOptions> {
  readonly #steps = new Map<Parameter, number>();

  constructor(params: Iterable<Parameter> | Array<ParamGroup<AdamOptions>>, options: Partial<AdamOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, check);
  }

  /** How many updates a parameter has had (PyTorch's state['step']). */
  stepsOf(parameter: Parameter): number {
    return this.#steps.get(parameter) ?? 0;
  }

  /** One Adam step of p in one fused kernel; masked entries stay at zero. */
  protected update(p: Parameter, o: AdamOptions): void {
    const t = this.stepsOf(p) + 1;
    this.#steps.set(p, t);
    const [m, v] = this.state(p, 2);
    const [beta1, beta2] = o.betas;
    p.backend.adamStep(p.buf, p.grad!.buf, m, v, p.maskBuf, p.size, {
      lr: o.lr,
      beta1,
      beta2,
      eps: o.eps,
      weightDecay: o.weightDecay,
      biasCorrection1: 1 - beta1 ** t,
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** t),
    });
  }
}
