// The Huber-energy VAE (Turinici's Radon–Sobolev VAE, as in Mourre & Premachandra's slides): a deterministic
// autoencoder d → hidden… → k → …hidden → d whose codes are pulled towards N(0, I_k) by the closed-form
// Huber-energy distance of each batch's codes (F.huberEnergyLoss), so that decoding z ~ N(0, I_k) generates data.
//   loss = (1/n) Σ_i ‖x_i − D(E(x_i))‖²  +  λ · L_HE(E(x_1), …, E(x_n))
// The reconstruction term is the slides' squared error summed over features and averaged over the batch (so λ
// weighs one whole sample's error against the latent distance, whatever d is).
import { scope } from "../autograd/arena.ts";
import { huberEnergyLoss } from "./huber-energy.ts";
import { add, mul, sigmoid } from "../autograd/ops.ts";
import { mseLoss } from "../autograd/losses.ts";
import { noGrad, tensor, type Tensor } from "../autograd/tensor.ts";
import { fit } from "../nn/fit.ts";
import type { StateDict } from "../nn/module.ts";
import { Adam } from "../optim/adam.ts";
import { Generator } from "../random.ts";
import { toMatrix } from "../sae/dataset.ts";
import { autoencoderLayout, ModelFields } from "../sae/model-json.ts";
import { ACTIVATIONS, MirroredAutoencoder, type Activation } from "../nn/autoencoder.ts";
import { fillStandardNormal } from "./normal.ts";

/**
 * Rows as an array of rows, or as row-major values split into rows of the data's feature count.
 * @inline
 */
type Rows = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** The defaults of trainVAE's options, written here only (the command line starts from them too). */
export const VAE_DEFAULTS: Readonly<{
  hidden: readonly number[];
  latent: 8;
  lambda: 1;
  output: "sigmoid";
  activation: "relu";
  epochs: 20;
  batchSize: 128;
  lr: 1e-3;
  seed: 0;
}> = Object.freeze({
  hidden: Object.freeze([128]),
  latent: 8,
  lambda: 1,
  output: "sigmoid",
  activation: "relu",
  epochs: 20,
  batchSize: 128,
  lr: 1e-3,
  seed: 0,
} as const);

/** The options of trainVAE; those left out take their value from VAE_DEFAULTS. */
export interface VAEOptions {
  /** The number of features, when X is row-major values rather than rows. */
  features?: number;
  /** Hidden layer sizes of the encoder (the decoder mirrors them). */
  hidden?: number | number[];
  /** The latent dimension k. */
  latent?: number;
  /** λ, the weight of the latent loss (0 is the plain autoencoder of the slides' ablation). */
  lambda?: number;
  /** 'sigmoid' for data in [0, 1] (images), 'linear' for anything else. */
  output?: "sigmoid" | "linear";
  /**
   * z-score the features with the training rows' mean and standard deviation (default: true when output is 'linear').
   */
  standardize?: boolean;
  activation?: Activation;
  epochs?: number;
  batchSize?: number;
  /** Adam's learning rate. */
  lr?: number;
  /** Seeds the initialisation and the shuffling. */
  seed?: number;
  /** Rows whose loss is recorded after every epoch (the held-out curve); not trained on. */
  validation?: Rows;
  /** Called after every epoch with its losses (also kept in the model's history). */
  onEpoch?: (epoch: VAEEpoch) => void;
}

/** The VAE's loss and its two terms. */
export interface VAELosses {
  /** reconstruction + λ·latent. */
  loss: number;
  /** (1/n) Σ ‖x − x̂‖², in the standardized units when standardize is on. */
  reconstruction: number;
  /**
   * The Huber-energy latent loss (the training value is the mean over batches; the held-out one is of all its codes).
   */
  latent: number;
}

/** One epoch of trainVAE: its training losses (means over its batches) and, with options.validation, held-out ones. */
export interface VAEEpoch {
  /** 1-based. */
  epoch: number;
  train: VAELosses;
  validation?: VAELosses;
}

/**
 * The network's shape and the data's scaling: what a saved model needs besides its weights.
 * @inline
 */
interface Architecture {
  features: number;
  hidden: number[];
  latent: number;
  lambda: number;
  output: "sigmoid" | "linear";
  activation: Activation;
  /** Per-feature mean and standard deviation of the z-score, or null. */
  scaling: { mean: number[]; std: number[] } | null;
}

/** The JSON form of a VAE model: plain data, loadable by loadVAE in any runtime. */
export interface VAEJson extends Architecture {
  format: "sparseproj-vae";
  version: 1;
  state: StateDict;
  history: VAEEpoch[];
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`trainVAE: ${name} must be a positive integer; got ${value}`);
  return value;
}

/**
 * A trained Huber-energy VAE (trainVAE, loadVAE): an encoder to codes in R^k pulled towards N(0, I_k) and a decoder
 * back; rows go in and come out in the data's own units (any z-score is applied and undone inside).
 */
export class VAEModel {
  /** @internal */
  constructor(
    /** @internal */ readonly net: MirroredAutoencoder,
    readonly architecture: Readonly<Architecture>,
    readonly history: VAEEpoch[],
  ) {}

  get features(): number {
    return this.architecture.features;
  }

  get latent(): number {
    return this.architecture.latent;
  }

  /** @internal The decoder's output for codes z (a tensor in the training units: standardized if so trained). */
  decodeTensor(z: Tensor): Tensor {
    const out = this.net.decoder.forward(z);
    return this.architecture.output === "sigmoid" ? sigmoid(out) : out;
  }

  /** @internal Rows in the units the network sees (z-scored if so trained), as f32. */
  toUnits(X: Rows, what: string): { x: Float32Array; n: number } {
    const { x, n } = toMatrix(X, { cols: this.features }, what);
    const { scaling } = this.architecture,
      d = this.features;
    const out = new Float32Array(n * d);
    for (let i = 0; i < n * d; i++) out[i] = scaling ? (x[i] - scaling.mean[i % d]) / scaling.std[i % d] : x[i];
    return { x: out, n };
  }

  #fromUnits(values: ArrayLike<number>): Float64Array {
    const { scaling } = this.architecture,
      d = this.features;
    return Float64Array.from(values, (v, i) => (scaling ? v * scaling.std[i % d] + scaling.mean[i % d] : v));
  }

  /** The codes E(x), n × k row-major. */
  encode(X: Rows): Float64Array {
    const { x, n } = this.toUnits(X, "VAEModel.encode");
    return scope(() => noGrad(() => Float64Array.from(this.net.encoder.forward(tensor(x, [n, this.features])).data)));
  }

  /** D(z) for codes z (n × k, row-major or rows), in the data's units. */
  decode(Z: Rows): Float64Array {
    const { x: z, n } = toMatrix(Z, { cols: this.latent }, "VAEModel.decode");
    return scope(() => noGrad(() => this.#fromUnits(this.decodeTensor(tensor(z, [n, this.latent])).data)));
  }

  /** D(E(x)). */
  reconstruct(X: Rows): Float64Array {
    return this.decode(this.encode(X));
  }

  /** `count` samples D(z), z ~ N(0, I_k) drawn with a seeded generator (the same bits in every runtime). */
  generate(count: number, options: { seed?: number } = {}): { z: Float64Array; x: Float64Array } {
    const generator = new Generator(options.seed ?? VAE_DEFAULTS.seed);
    const z = fillStandardNormal(generator, new Float64Array(count * this.latent));
    return { z, x: this.decode(z) };
  }

  /** The losses of rows X, each term on all of them at once (the latent loss of all their codes together). */
  evaluate(X: Rows): VAELosses {
    const { x, n } = this.toUnits(X, "VAEModel.evaluate");
    if (n === 0) throw new RangeError("VAEModel.evaluate: X has no rows; the losses of no rows are not defined");
    return scope(() => noGrad(() => lossValues(this, tensor(x, [n, this.features]), this.architecture.lambda)));
  }

  /** The model as plain JSON-able data (architecture, scaling, weights and history), for loadVAE. */
  toJSON(): VAEJson {
    return {
      format: "sparseproj-vae",
      version: 1,
      ...this.architecture,
      state: this.net.stateDict(),
      history: this.history,
    };
  }

  /** Returns the network's module memory. */
  dispose(): void {
    this.net.dispose();
  }
}

/** The three terms on one batch x (in training units). */
function losses(model: VAEModel, x: Tensor, lambda: number): VAELosses & { total: Tensor } {
  const z = model.net.encoder.forward(x);
  const reconstruction = mseLoss(model.decodeTensor(z), x, { reduction: "sum" });
  const rec = reconstruction.item() / x.shape[0];
  const latent = huberEnergyLoss(z);
  const total = add(mul(reconstruction, 1 / x.shape[0]), mul(latent, lambda));
  return { total, loss: total.item(), reconstruction: rec, latent: latent.item() };
}

/** The terms as numbers only: the total's tensor dies with the scope it was made in. */
function lossValues(model: VAEModel, x: Tensor, lambda: number): VAELosses {
  const { total: _, ...values } = losses(model, x, lambda);
  return values;
}

function network(a: Architecture, seed: number): MirroredAutoencoder {
  return new MirroredAutoencoder(a.features, a.hidden, a.latent, a.activation, new Generator(seed));
}

/** Trains a Huber-energy VAE on the rows of X (rows, or row-major values with options.features columns). */
export function trainVAE(X: Rows, options: VAEOptions = {}): VAEModel {
  if (options.features !== undefined) positiveInteger("features", options.features);
  const { x: raw, n, d } = toMatrix(X, { cols: options.features }, "trainVAE");
  // One row has no spread to standardize by, and its batch statistics (the latent loss) are not defined.
  if (n < 2) throw new RangeError(`trainVAE: X has ${n} row${n === 1 ? "" : "s"}; training needs at least 2`);
  const sizes = options.hidden ?? VAE_DEFAULTS.hidden;
  const hidden = (typeof sizes === "number" ? [sizes] : sizes).map((h) => positiveInteger("hidden", h));
  const output = options.output ?? VAE_DEFAULTS.output;
  if (output !== "sigmoid" && output !== "linear")
    throw new RangeError(`trainVAE: output must be 'sigmoid' or 'linear'; got ${String(output)}`);
  const lambda = options.lambda ?? VAE_DEFAULTS.lambda;
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new RangeError(`trainVAE: lambda must be finite and ≥ 0; got ${lambda}`);
  let scaling: Architecture["scaling"] = null;
  if (options.standardize ?? output === "linear") {
    const mean = new Array<number>(d).fill(0),
      std = new Array<number>(d).fill(0);
    for (let i = 0; i < n * d; i++) mean[i % d] += raw[i] / n;
    for (let i = 0; i < n * d; i++) std[i % d] += (raw[i] - mean[i % d]) ** 2 / n;
    // A constant feature keeps unit scale: it is reconstructed as its mean.
    scaling = { mean, std: std.map((v) => (v > 0 ? Math.sqrt(v) : 1)) };
  }
  const architecture: Architecture = {
    features: d,
    hidden,
    latent: positiveInteger("latent", options.latent ?? VAE_DEFAULTS.latent),
    lambda,
    output,
    activation: options.activation ?? VAE_DEFAULTS.activation,
    scaling,
  };
  const seed = options.seed ?? VAE_DEFAULTS.seed;
  const history: VAEEpoch[] = [];
  const model = new VAEModel(network(architecture, seed), architecture, history);
  const data = tensor(model.toUnits(raw, "trainVAE").x, [n, d]);
  const validation = options.validation === undefined ? null : model.toUnits(options.validation, "trainVAE validation");
  if (validation?.n === 0)
    throw new RangeError("trainVAE: options.validation has no rows; omit it or give at least one");
  const validationData = validation && tensor(validation.x, [validation.n, d]);
  const optimizer = new Adam(model.net.parameters(), { lr: options.lr ?? VAE_DEFAULTS.lr });
  let sums = { reconstruction: 0, latent: 0, batches: 0 };
  try {
    fit(data, {
      optimizer,
      epochs: positiveInteger("epochs", options.epochs ?? VAE_DEFAULTS.epochs),
      batchSize: positiveInteger("batchSize", options.batchSize ?? VAE_DEFAULTS.batchSize),
      generator: new Generator(seed + 1),
      loss: (batch) => {
        const l = losses(model, batch, lambda);
        sums.reconstruction += l.reconstruction;
        sums.latent += l.latent;
        sums.batches++;
        return l.total;
      },
      onEpoch: (epoch) => {
        const reconstruction = sums.reconstruction / sums.batches,
          latent = sums.latent / sums.batches;
        const entry: VAEEpoch = { epoch, train: { loss: reconstruction + lambda * latent, reconstruction, latent } };
        if (validationData) entry.validation = scope(() => noGrad(() => lossValues(model, validationData, lambda)));
        history.push(entry);
        options.onEpoch?.(entry);
        sums = { reconstruction: 0, latent: 0, batches: 0 };
      },
    });
  } finally {
    optimizer.dispose();
  }
  return model;
}

/** The VAE's losses of one epoch in a saved history, checked (a tampered file may hold anything). */
function checkLosses(f: ModelFields, value: unknown, path: string): VAELosses {
  const losses = f.object(value, path);
  for (const key of ["loss", "reconstruction", "latent"]) f.number(losses[key], `${path}.${key}`);
  return losses as unknown as VAELosses;
}

/**
 * A model from toJSON(). Every field is checked before anything is allocated, the weights' shapes against the
 * architecture they declare: a TypeError or RangeError names the field (`loadVAE: model.scaling.std[2] is 0 …`).
 */
export function loadVAE(json: VAEJson): VAEModel {
  const f = new ModelFields("loadVAE");
  const model = f.header(json, "sparseproj-vae");
  const features = f.positiveInteger(model.features, "model.features");
  const hidden = f.list(model.hidden, "model.hidden", (h, at) => f.positiveInteger(h, at), { nonEmpty: true });
  const latent = f.positiveInteger(model.latent, "model.latent");
  const dims = (size: number, field: string) => ({ size, field });
  const widths = hidden.map((h, i) => dims(h, `model.hidden[${i}]`));
  const layout = autoencoderLayout(dims(features, "model.features"), widths, dims(latent, "model.latent"));
  const state = f.state(model.state, layout);
  let scaling: Architecture["scaling"] = null;
  if (model.scaling !== null) {
    const s = f.object(model.scaling, "model.scaling");
    const length = dims(features, "model.features");
    scaling = {
      mean: f.numbers(s.mean, "model.scaling.mean", { length }),
      std: f.numbers(s.std, "model.scaling.std", { length, positive: true }),
    };
  }
  const architecture: Architecture = {
    features,
    hidden,
    latent,
    scaling,
    lambda: f.number(model.lambda, "model.lambda", { min: 0 }),
    output: f.oneOf(model.output, "model.output", ["sigmoid", "linear"] as const),
    activation: f.oneOf(model.activation, "model.activation", Object.keys(ACTIVATIONS) as Activation[]),
  };
  const history =
    model.history === undefined
      ? []
      : f.list(model.history, "model.history", (entry, path) => {
          const e = f.object(entry, path);
          const epoch: VAEEpoch = {
            epoch: f.positiveInteger(e.epoch, `${path}.epoch`),
            train: checkLosses(f, e.train, `${path}.train`),
          };
          if (e.validation !== undefined) epoch.validation = checkLosses(f, e.validation, `${path}.validation`);
          return epoch;
        });
  const net = network(architecture, 0);
  try {
    net.loadStateDict(state, { strict: true });
  } catch (error) {
    net.dispose();
    throw error;
  }
  return new VAEModel(net, architecture, history);
}
