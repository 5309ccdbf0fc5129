// The supervised autoencoder's options, their defaults and their checks, in one place.
import { PROJECTION_NAMES, type ProjectionName } from "../projections/registry.ts";
import type { Activation } from "../nn/autoencoder.ts";
import { checkImputeOptions, PREPROCESS_DEFAULTS, type PreprocessOptions } from "./preprocess.ts";

/**
 * What makes the mask after phase 1: a projection of the registry (src/projections/registry.ts) by its name;
 * 'top-k', the magnitude-pruning baseline (the `keep` features of largest first-layer column ℓ2 norm); or none.
 */
export type SAEProjection = ProjectionName | "top-k" | "none";

/** Every SAEProjection, in the order lists show them. */
export const SAE_PROJECTIONS: readonly SAEProjection[] = [...PROJECTION_NAMES, "top-k", "none"];

/**
 * A radius η as given: raw, chosen ('auto'), or a fraction of the trained layer's norm.
 * @inline
 */
export type Radius = number | "auto" | { relative: number };

/** trainSAE's report after each epoch, with the epoch's mean training loss. */
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

/**
 * The defaults of trainSAE's and crossValidate's options, written here only: resolveOptions and crossValidate fill
 * them in, and the command line (its flags and --help) and the web page (its form) start from them.
 */
export const SAE_DEFAULTS: Readonly<{
  hidden: readonly number[];
  activation: "silu";
  lambda: 1;
  lr: 1e-3;
  batchSize: 8;
  epochs: 30;
  seed: 0;
  classWeights: null;
  projection: "bilevel-l1inf";
  radius: 1;
  rewind: false;
  projectLayers: readonly ("encoder" | "decoder")[];
  validationFraction: 0;
  preprocess: typeof PREPROCESS_DEFAULTS;
  /** crossValidate's stratified folds. */
  folds: 4;
  /** crossValidate's seeds: a count (seeds 0..n−1). */
  seeds: 1;
}> = Object.freeze({
  hidden: Object.freeze([100]),
  activation: "silu",
  lambda: 1,
  lr: 1e-3,
  batchSize: 8,
  epochs: 30,
  seed: 0,
  classWeights: null,
  projection: "bilevel-l1inf",
  radius: 1,
  rewind: false,
  projectLayers: Object.freeze(["encoder" as const]),
  validationFraction: 0,
  preprocess: PREPROCESS_DEFAULTS,
  /** crossValidate's stratified folds. */
  folds: 4,
  /** crossValidate's seeds: a count (seeds 0..n−1). */
  seeds: 1,
} as const);

/**
 * The defaults of `sparseproj sae` where the command line's differ from the library's (SAE_DEFAULTS): more seeds, so
 * that it reports a mean ± deviation over folds × seeds. The web page's form starts from them too.
 */
export const SAE_COMMAND_DEFAULTS: Readonly<{ seeds: 5 }> = Object.freeze({ seeds: 5 } as const);

/** The options of trainSAE; those left out take their value from SAE_DEFAULTS. */
export interface SAEOptions {
  /** Hidden layer sizes of the encoder (mirrored in the decoder). */
  hidden?: number[];
  activation?: Activation;
  /** Weight of the SmoothL1 reconstruction loss against the cross-entropy, both mean-reduced. */
  lambda?: number;
  /** Adam's learning rate. */
  lr?: number;
  batchSize?: number;
  /** Epochs of each phase: one number for both, or [phase 1, phase 2] (phase 2 may be 0: project, no retraining). */
  epochs?: number | [number, number];
  /** Seeds initialisation, shuffling and the validation carve. */
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
  /**
   * Layers projected: 'encoder' (the first layer, groups = input features) and/or 'decoder' (the last layer,
   * groups = output features).
   */
  projectLayers?: Array<"encoder" | "decoder">;
  /** A stratified fraction of the training rows held out to pick the phase-2 epoch by accuracy (0: the last epoch). */
  validationFraction?: number;
  preprocess?: PreprocessOptions;
  /** Names of the input features, for selectedFeatures(). */
  featureNames?: string[];
  /** Called after every epoch of either phase. */
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/**
 * trainSAE's options with every default filled in and epochs split into [phase 1, phase 2]: as a model saves them.
 * @inline
 */
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
  if (!Number.isSafeInteger(v) || (v as number) < (allowZero ? 0 : 1))
    throw new RangeError(
      `trainSAE: options.${name} must be ${allowZero ? "an integer ≥ 0" : "a positive integer"}; got ${String(v)}`,
    );
  return v as number;
}

function positiveNumber(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    throw new RangeError(
      `trainSAE: options.${name} must be a finite number ${allowZero ? "≥" : ">"} 0; got ${String(v)}`,
    );
  return v;
}

/** The options with defaults filled in, every value checked (the error names the option). */
export function resolveOptions(options: SAEOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== "object") throw new TypeError("trainSAE: options must be an object");
  const hidden = options.hidden ?? [...SAE_DEFAULTS.hidden];
  if (!Array.isArray(hidden) || !hidden.length)
    throw new RangeError("trainSAE: options.hidden must be a non-empty array of layer sizes");
  hidden.forEach((h, i) => positiveInteger(`hidden[${i}]`, h));
  const activation = options.activation ?? SAE_DEFAULTS.activation;
  if (!["silu", "relu", "tanh"].includes(activation))
    throw new TypeError(`trainSAE: options.activation must be 'silu', 'relu' or 'tanh'; got ${String(activation)}`);
  const epochs = options.epochs ?? SAE_DEFAULTS.epochs;
  const [e1, e2] = Array.isArray(epochs) ? epochs : [epochs, epochs];
  const projection = options.projection ?? SAE_DEFAULTS.projection;
  if (!SAE_PROJECTIONS.includes(projection)) {
    const names = SAE_PROJECTIONS.join(", ");
    throw new TypeError(`trainSAE: options.projection must be one of ${names}; got ${String(projection)}`);
  }
  const radius = options.radius ?? SAE_DEFAULTS.radius;
  if (typeof radius === "object" && radius !== null) positiveNumber("radius.relative", radius.relative, true);
  else if (radius !== "auto") positiveNumber("radius", radius, true);
  if (projection === "top-k" ? options.keep === undefined : options.keep !== undefined) {
    const got = `projection ${projection}`;
    throw new TypeError(`trainSAE: options.keep goes with projection 'top-k' (and only with it); got ${got}`);
  }
  const keep = projection === "top-k" ? { keep: positiveInteger("keep", options.keep) } : {};
  const projectLayers = options.projectLayers ?? [...SAE_DEFAULTS.projectLayers];
  if (!Array.isArray(projectLayers) || !projectLayers.every((l) => l === "encoder" || l === "decoder"))
    throw new TypeError("trainSAE: options.projectLayers lists 'encoder' and/or 'decoder'");
  const validationFraction = options.validationFraction ?? SAE_DEFAULTS.validationFraction;
  if (typeof validationFraction !== "number" || !(validationFraction >= 0 && validationFraction < 1))
    throw new RangeError(`trainSAE: options.validationFraction must be in [0, 1); got ${String(validationFraction)}`);
  const classWeights = options.classWeights ?? SAE_DEFAULTS.classWeights;
  if (classWeights !== null && classWeights !== "balanced" && !Array.isArray(classWeights))
    throw new TypeError("trainSAE: options.classWeights must be an array, 'balanced' or null");
  const seed = options.seed ?? SAE_DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new TypeError(`trainSAE: options.seed must be an integer; got ${String(seed)}`);
  if (options.preprocess) checkImputeOptions(options.preprocess);
  return {
    hidden,
    activation,
    lambda: positiveNumber("lambda", options.lambda ?? SAE_DEFAULTS.lambda, true),
    lr: positiveNumber("lr", options.lr ?? SAE_DEFAULTS.lr),
    batchSize: positiveInteger("batchSize", options.batchSize ?? SAE_DEFAULTS.batchSize),
    epochs: [positiveInteger("epochs", e1), positiveInteger("epochs", e2, true)],
    seed,
    classWeights,
    projection,
    radius,
    ...keep,
    rewind: options.rewind ?? SAE_DEFAULTS.rewind,
    projectLayers,
    validationFraction,
    preprocess: options.preprocess ?? {},
  };
}
