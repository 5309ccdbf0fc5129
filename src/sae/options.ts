// The supervised autoencoder's options, their defaults and their checks, in one place.
import { PROJECTION_NAMES, type ProjectionName } from "../projections/registry.ts";
import type { Activation } from "../nn/autoencoder.ts";
import type { PreprocessOptions } from "./preprocess.ts";

/**
 * What makes the mask after phase 1: a projection of the registry (src/projections/registry.ts) by its name;
 * 'top-k', the magnitude-pruning baseline (the `keep` features of largest first-layer column ℓ2 norm); or none.
 */
export type SAEProjection = ProjectionName | "top-k" | "none";

/** Every SAEProjection, in the order lists show them. */
export const SAE_PROJECTIONS: readonly SAEProjection[] = [...PROJECTION_NAMES, "top-k", "none"];

/** A radius η as given: raw, chosen ('auto'), or a fraction of the trained layer's norm. */
export type Radius = number | "auto" | { relative: number };

export interface ProgressEvent {
  /** 1: training; 2: training with the projection's mask held. */
  phase: 1 | 2;
  epoch: number;
  epochs: number;
  loss: number;
  /** During cross-validation: the seed and the fold (1-based) being trained. */
  seed?: number;
  fold?: number;
}

export interface SAEOptions {
  /** Hidden layer sizes of the encoder (mirrored in the decoder); default [100]. */
  hidden?: number[];
  /** Default 'silu'. */
  activation?: Activation;
  /** Weight of the SmoothL1 reconstruction loss against the cross-entropy, both mean-reduced; default 1. */
  lambda?: number;
  /** Adam's learning rate; default 1e-3. */
  lr?: number;
  /** Default 8. */
  batchSize?: number;
  /** Epochs of each phase: one number for both, or [phase 1, phase 2] (phase 2 may be 0: project, no retraining); default 30. */
  epochs?: number | [number, number];
  /** Seeds initialisation, shuffling and the validation carve; default 0. */
  seed?: number;
  /** Cross-entropy class weights: one per class, or 'balanced' (n / (classes · count), as scikit-learn). */
  classWeights?: number[] | "balanced" | null;
  /** The projection that makes the mask after phase 1; default 'bilevel-l1inf'. */
  projection?: SAEProjection;
  /**
   * The radius η, raw as in the papers (default 1); 'auto': chosen on a validation carve of the training rows;
   * { relative: f }: f × the phase-1 first layer's norm in the projection's own norm (history.radius holds η).
   */
  radius?: Radius;
  /** With projection 'top-k': the number of input features kept (at most the features). */
  keep?: number;
  /** Phase 2 restarts from the initial values of the surviving weights (lottery-ticket rewind); default false. */
  rewind?: boolean;
  /** Layers projected: 'encoder' (the first layer, groups = input features) and/or 'decoder' (the last layer, groups = output features). */
  projectLayers?: Array<"encoder" | "decoder">;
  /** A stratified fraction of the training rows held out to pick the phase-2 epoch by accuracy (default 0: the last epoch). */
  validationFraction?: number;
  preprocess?: PreprocessOptions;
  /** Names of the input features, for selectedFeatures(). */
  featureNames?: string[];
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface ResolvedOptions {
  hidden: number[];
  activation: Activation;
  lambda: number;
  lr: number;
  batchSize: number;
  epochs: [number, number];
  seed: number;
  classWeights: number[] | "balanced" | null;
  projection: SAEProjection;
  radius: Radius;
  /** Present with projection 'top-k' only, so that other models' saved options are unchanged. */
  keep?: number;
  rewind: boolean;
  projectLayers: Array<"encoder" | "decoder">;
  validationFraction: number;
  preprocess: PreprocessOptions;
}

function positiveInteger(name: string, v: unknown, allowZero = false): number {
  if (!Number.isSafeInteger(v) || (v as number) < (allowZero ? 0 : 1)) throw new RangeError(`trainSAE: options.${name} must be ${allowZero ? "an integer ≥ 0" : "a positive integer"}; got ${String(v)}`);
  return v as number;
}

function positiveNumber(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new RangeError(`trainSAE: options.${name} must be a finite number ${allowZero ? "≥" : ">"} 0; got ${String(v)}`);
  return v;
}

/** The options with defaults filled in, every value checked (the error names the option). */
export function resolveOptions(options: SAEOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== "object") throw new TypeError("trainSAE: options must be an object");
  const hidden = options.hidden ?? [100];
  if (!Array.isArray(hidden) || !hidden.length) throw new RangeError("trainSAE: options.hidden must be a non-empty array of layer sizes");
  hidden.forEach((h, i) => positiveInteger(`hidden[${i}]`, h));
  const activation = options.activation ?? "silu";
  if (!["silu", "relu", "tanh"].includes(activation)) throw new TypeError(`trainSAE: options.activation must be 'silu', 'relu' or 'tanh'; got ${String(activation)}`);
  const epochs = options.epochs ?? 30;
  const [e1, e2] = Array.isArray(epochs) ? epochs : [epochs, epochs];
  const projection = options.projection ?? "bilevel-l1inf";
  if (!SAE_PROJECTIONS.includes(projection)) {
    const names = SAE_PROJECTIONS.join(", ");
    throw new TypeError(`trainSAE: options.projection must be one of ${names}; got ${String(projection)}`);
  }
  const radius = options.radius ?? 1;
  if (typeof radius === "object" && radius !== null) positiveNumber("radius.relative", radius.relative, true);
  else if (radius !== "auto") positiveNumber("radius", radius, true);
  if (projection === "top-k" ? options.keep === undefined : options.keep !== undefined) {
    const got = `projection ${projection}`;
    throw new TypeError(`trainSAE: options.keep goes with projection 'top-k' (and only with it); got ${got}`);
  }
  const keep = projection === "top-k" ? { keep: positiveInteger("keep", options.keep) } : {};
  const projectLayers = options.projectLayers ?? ["encoder"];
  if (!Array.isArray(projectLayers) || !projectLayers.every((l) => l === "encoder" || l === "decoder")) throw new TypeError("trainSAE: options.projectLayers lists 'encoder' and/or 'decoder'");
  const validationFraction = options.validationFraction ?? 0;
  if (typeof validationFraction !== "number" || !(validationFraction >= 0 && validationFraction < 1)) throw new RangeError(`trainSAE: options.validationFraction must be in [0, 1); got ${String(validationFraction)}`);
  const classWeights = options.classWeights ?? null;
  if (classWeights !== null && classWeights !== "balanced" && !Array.isArray(classWeights)) throw new TypeError("trainSAE: options.classWeights must be an array, 'balanced' or null");
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`trainSAE: options.seed must be an integer; got ${String(seed)}`);
  return {
    hidden,
    activation,
    lambda: positiveNumber("lambda", options.lambda ?? 1, true),
    lr: positiveNumber("lr", options.lr ?? 1e-3),
    batchSize: positiveInteger("batchSize", options.batchSize ?? 8),
    epochs: [positiveInteger("epochs", e1), positiveInteger("epochs", e2, true)],
    seed,
    classWeights,
    projection,
    radius,
    ...keep,
    rewind: options.rewind ?? false,
    projectLayers,
    validationFraction,
    preprocess: options.preprocess ?? {},
  };
}
