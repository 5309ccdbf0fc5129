// Where tfjs training meets the constraints: a model.fit callback, and one step of a custom loop.
import { dispose, type Optimizer, type Scalar } from "@tensorflow/tfjs-core";
import { Callback } from "@tensorflow/tfjs-layers";
import { ModelConstraints } from "./model-constraints.ts";

/** ConstraintCallback's options. */
export interface ConstraintCallbackOptions {
  /** After every batch (default: the weights are in the ball at every step) or after every epoch. */
  every?: "batch" | "epoch";
  /** The model's constraints, to share masks and timing with other code; by default made from fit's model. */
  constraints?: ModelConstraints;
}

/**
 * Applies the model's constraints during model.fit. List it first in `callbacks`, so that later callbacks (and
 * each epoch's validation) see the constrained weights. Under fit the masks of projectAndMask are held on the
 * weights after each batch: for tfjs's optimizers, which all update entry by entry, the unmasked entries then
 * follow exactly the path they would with masked gradients.
 */
export class ConstraintCallback extends Callback {
  readonly every: "batch" | "epoch";
  #constraints: ModelConstraints | null;

  constructor(options: ConstraintCallbackOptions = {}) {
    super();
    const { every = "batch", constraints = null } = options;
    if (every !== "batch" && every !== "epoch")
      throw new RangeError(`ConstraintCallback: every must be 'batch' or 'epoch'; got ${String(every)}`);
    this.every = every;
    this.#constraints = constraints;
  }

  /** The constraints applied (made at the start of the first fit unless given). */
  get constraints(): ModelConstraints | null {
    return this.#constraints;
  }

  /** Makes (and so checks) the constraints unless given, and checks that they belong to the model being fitted. */
  override async onTrainBegin(): Promise<void> {
    // Made (and so checked) before the first batch: a constraint that cannot act on its weight fails fit at once.
    this.#constraints ??= new ModelConstraints(this.model);
    // fit on a Sequential runs its inner LayersModel: compare the weights, not the model objects.
    const own = new Set(this.#constraints.weights.map((w) => w.weight));
    if (this.model.weights.some((w) => w.constraint != null && !own.has(w)))
      throw new Error("ConstraintCallback: its constraints belong to another model than the one being fitted");
  }

  /** Applies the constraints when `every` is 'batch'. */
  override async onBatchEnd(): Promise<void> {
    if (this.every === "batch") this.#constraints!.apply();
  }

  /** Applies the constraints when `every` is 'epoch'. */
  override async onEpochEnd(): Promise<void> {
    if (this.every === "epoch") this.#constraints!.apply();
  }
}

/**
 * One step of a custom training loop: `optimizer.minimize(loss)` over the model's trainable weights with the
 * held masks applied to the gradients, then every constraint applied. Returns the loss if `returnCost`.
 */
export function minimizeConstrained(
  optimizer: Optimizer,
  constraints: ModelConstraints,
  loss: () => Scalar,
  returnCost = false,
): Scalar | null {
  const { value, grads } = optimizer.computeGradients(loss, constraints.trainableVariables);
  const masked = constraints.maskGradients(grads);
  optimizer.applyGradients(masked);
  dispose([grads, masked]);
  constraints.apply();
  if (returnCost) return value;
  value.dispose();
  return null;
}
