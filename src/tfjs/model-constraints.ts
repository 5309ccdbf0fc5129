// Every constrained weight of a tfjs model, enforced in place: sparseproj's projections and masks through the
// cheapest write the backend allows, tfjs's own constraints (maxNorm, nonNeg, …) through their apply(); and
// double descent as in the package's trainSAE: project once, hold the zeros as a Mask, optionally rewind.
import { tidy, type NamedTensorMap, type Tensor, type Variable } from "@tensorflow/tfjs-core";
import type { LayersModel, LayerVariable } from "@tensorflow/tfjs-layers";
import { Mask, ProjectionConstraint } from "./constraints.ts";
import { rewrite, type WritePath } from "./storage.ts";

/** A model weight that has a constraint, with the variable it is enforced on. */
export interface ConstrainedWeight {
  /** The layer weight (name, shape, constraint). */
  weight: LayerVariable;
  /** Its tfjs variable, the one optimizers update. */
  variable: Variable;
}

/** projectAndMask's options. */
export interface ProjectAndMaskOptions {
  /**
   * Weights to restart from, in `model.weights` order (snapshotWeights(model) before training): every weight is
   * reset to them after the projection, then the masks applied — the "rewind" of double descent.
   */
  rewind?: Tensor[];
}

/** What enforcing the constraints has cost so far (ModelConstraints.timing). */
export interface EnforcementTiming {
  /** Calls of apply(). */
  calls: number;
  /** Their total wall time. */
  milliseconds: number;
  /** How the last call wrote sparseproj's constraints ('in place' on the cpu and wasm backends). */
  path: WritePath | null;
}

/** Clones of the model's weights (tfjs's getWeights() returns the live variables), to rewind to later. */
export function snapshotWeights(model: LayersModel): Tensor[] {
  return model.weights.map((w) => w.read().clone());
}

/**
 * Every constrained weight of a tfjs model, enforced in place by apply() (tfjs's optimizers never call a
 * constraint), and double descent by projectAndMask(): project once, then hold the zeros as Masks.
 */
export class ModelConstraints {
  readonly model: LayersModel;
  /** The model's weights that have a constraint, in `model.weights` order. */
  readonly weights: readonly ConstrainedWeight[];
  readonly timing: EnforcementTiming = { calls: 0, milliseconds: 0, path: null };

  /** Checks every sparseproj constraint against its weight: a wrong rank or dtype throws here, naming the weight. */
  constructor(model: LayersModel) {
    this.model = model;
    this.weights = model.weights
      .filter((weight) => weight.constraint != null)
      .map((weight) => {
        const constraint = weight.constraint;
        if (constraint instanceof ProjectionConstraint)
          constraint.check(weight.shape as number[], weight.dtype, weight.name);
        if (constraint instanceof Mask) constraint.check(weight.read().size, weight.name);
        return { weight, variable: weight.read() as Variable };
      });
  }

  /** The model's trainable variables, for optimizer.computeGradients. */
  get trainableVariables(): Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as Variable);
  }

  /** Enforces every weight's constraint in place. */
  apply(): void {
    const started = performance.now();
    for (const { weight, variable } of this.weights) {
      const constraint = weight.constraint;
      if (constraint instanceof ProjectionConstraint)
        this.timing.path = rewrite(variable, (source, target) => constraint.project(source, variable.shape, target));
      else if (constraint instanceof Mask)
        this.timing.path = rewrite(variable, (source, target) => constraint.project(source, target));
      else tidy(() => variable.assign(constraint.apply(variable)));
    }
    this.timing.calls += 1;
    this.timing.milliseconds += performance.now() - started;
  }

  /**
   * Double descent: projects every weight with a sparseproj projection once, replaces that constraint (on the
   * weight and in its layer's config, so the model saves with it) by a Mask of the entries the projection set to
   * exactly zero, and optionally rewinds all weights before applying the masks. From then on apply() holds the
   * masked entries at zero without projecting, and maskGradients zeroes their gradients.
   */
  projectAndMask(options: ProjectAndMaskOptions = {}): void {
    const { rewind } = options;
    const weights = this.model.weights;
    if (
      rewind &&
      (rewind.length !== weights.length || rewind.some((t, i) => t.shape.join() !== weights[i].shape.join()))
    ) {
      throw new RangeError(
        `projectAndMask: rewind must hold the model's ${weights.length} weights in model.weights order ` +
          "(snapshotWeights(model))",
      );
    }
    const masks: Array<[LayerVariable, Mask]> = [];
    for (const { weight, variable } of this.weights) {
      const constraint = weight.constraint;
      if (!(constraint instanceof ProjectionConstraint)) continue;
      rewrite(variable, (source, target) => constraint.project(source, variable.shape, target));
      const zeros: number[] = [];
      variable.dataSync().forEach((v, i) => v === 0 && zeros.push(i));
      masks.push([weight, new Mask({ zeros })]);
    }
    if (rewind) weights.forEach((w, i) => (w.read() as Variable).assign(rewind[i]));
    for (const [weight, mask] of masks) this.#replaceConstraint(weight, mask);
    this.apply();
  }

  /** The weight's mask (1 = trained, 0 = held at zero), or null if it has none. */
  mask(weight: LayerVariable): Uint8Array | null {
    return weight.constraint instanceof Mask ? weight.constraint.keep(weight.read().size) : null;
  }

  /** The gradients with the masked entries zeroed (for custom loops); the others are passed through. */
  maskGradients(grads: NamedTensorMap): NamedTensorMap {
    const out: NamedTensorMap = { ...grads };
    for (const { weight, variable } of this.weights) {
      const grad = grads[variable.name];
      if (grad && weight.constraint instanceof Mask) out[variable.name] = weight.constraint.maskGradient(grad);
    }
    return out;
  }

  #replaceConstraint(weight: LayerVariable, mask: Mask): void {
    const previous = weight.constraint;
    // A layer serializes its `<weight>Constraint` properties (kernelConstraint, biasConstraint, …), not its
    // variables' constraints: set both, preferring the property named after the weight.
    const layer = this.model.layers.find((l) => l.weights.includes(weight));
    const named = `${weight.originalName
      .split("/")
      .pop()!
      .replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}Constraint`;
    if (layer) {
      const record = layer as unknown as Record<string, unknown>;
      const key =
        record[named] === previous
          ? named
          : Object.keys(record).find((k) => k.endsWith("Constraint") && record[k] === previous);
      if (key) record[key] = mask;
    }
    (weight as unknown as { constraint: unknown }).constraint = mask;
  }
}
