// A trained supervised autoencoder: predictions with the softmax confidence of the latent, the latent itself,
// reconstructions, the selected features ranked by their first-layer column norm, and a JSON form that carries
// the fitted preprocessing with the weights.
import { scope } from "../autograd/arena.ts";
import { noGrad, type Tensor, tensor } from "../autograd/tensor.ts";
import type { StateDict } from "../nn/module.ts";
import { Generator } from "../random.ts";
import { toMatrix } from "./dataset.ts";
import { readSAEJson } from "./model-json.ts";
import { MirroredAutoencoder } from "../nn/autoencoder.ts";
import type { ResolvedOptions } from "./options.ts";
import { NotFiniteError, transformRows, untransform, type Preprocessing } from "./preprocess.ts";
import type { TrainingHistory } from "./train.ts";
import { compactParts, type SAECompaction } from "./compact.ts";

/** A chunk's input stays under this many bytes of module memory, whatever the table's width. */
const CHUNK_BYTES = 64 * 2 ** 20;

/**
 * `forward` (no gradient) over the rows of x (n × d, row-major) a chunk at a time, its n × width outputs joined: a
 * whole wide table as one tensor would not fit in WebAssembly memory (1,000 × 300,000 float32 is 1.2 GB). @internal
 */
export function forwardRows(
  forward: (x: Tensor) => Tensor,
  x: Float32Array,
  n: number,
  d: number,
  width: number,
  chunkBytes = CHUNK_BYTES,
): Float32Array {
  const out = new Float32Array(n * width);
  const rows = Math.max(1, Math.floor(chunkBytes / (4 * d)));
  for (let start = 0; start < n; start += rows) {
    const end = Math.min(n, start + rows);
    scope(() =>
      noGrad(() => out.set(forward(tensor(x.subarray(start * d, end * d), [end - start, d])).data, start * width)),
    );
  }
  return out;
}

/**
 * What a trained model knows besides its weights: its options, classes, feature names, preprocessing and history.
 * @inline
 */
export interface SAEInfo {
  options: ResolvedOptions;
  classes: Array<number | string>;
  featureNames: string[];
  preprocessing: Preprocessing;
  history: TrainingHistory;
  /** Present in a compact model (SAEModel.compact()): what it was made from. */
  compact?: SAECompaction;
}

/** An input feature the model kept: its column in the data (0-based), its name, and its score. */
export interface SelectedFeature {
  index: number;
  name: string;
  /** The column's ℓ2 norm in the first layer, divided by the largest. */
  score: number;
}

/** The JSON form of a model: plain data, loadable by loadSAE in any runtime. */
export interface SAEJson extends SAEInfo {
  format: "sparseproj-sae";
  version: 1;
  state: StateDict;
}

/**
 * A trained supervised autoencoder (trainSAE, loadSAE): its latent is the class logits, its first layer's non-zero
 * columns the selected features. New rows are preprocessed as the training rows were.
 */
export class SAEModel {
  constructor(
    /** @internal */ readonly net: MirroredAutoencoder,
    /** The first layer's weight (hidden × features) after phase 1, before the projection; null for a loaded model. */
    readonly firstLayerBeforeProjection: Float32Array | null,
    readonly info: SAEInfo,
  ) {}

  /** A copy of the first layer's weight (hidden × features, row-major): its columns are the input features. */
  get firstLayerWeight(): Float32Array {
    return Float32Array.from(this.net.firstLayer.weight.data);
  }

  get classes(): Array<number | string> {
    return this.info.classes;
  }

  get features(): number {
    return this.info.featureNames.length;
  }

  /** Rows of X (rows, or row-major values) preprocessed as in training, through the encoder (and the decoder). */
  #apply(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>, through: "latent" | "reconstruction"): Float64Array {
    const d = this.features;
    const data = toMatrix(X, { cols: d }, "SAEModel", Boolean(this.info.preprocessing.imputation));
    const n = data.n;
    const x = transformRows(
      this.info.preprocessing,
      data.x,
      d,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    // Non-finite values would make predict() answer class 0 and predictProba NaN: refuse instead. They come from a
    // value of −1 under the log (log |x + 1| = −∞), or from values, scales and weights beyond float32's range.
    const bad = x.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const [row, column] = [Math.floor(bad / d), bad % d];
      const why = "log |x + 1| is −∞ at −1; float32 holds |v| < 3.4e38";
      throw new NotFiniteError(row, column, `the value ${data.x[bad]} is not finite once preprocessed (${why})`);
    }
    const forward =
      through === "latent"
        ? (t: Tensor) => this.net.forward(t)
        : (t: Tensor) => this.net.decoder.forward(this.net.forward(t));
    const out = Float64Array.from(forwardRows(forward, x, n, d, through === "latent" ? this.classes.length : d));
    const overflow = out.findIndex((v) => !Number.isFinite(v));
    if (overflow >= 0) {
      const row = Math.floor(overflow / (out.length / n));
      throw new NotFiniteError(row, null, `the ${through} is not finite: values and weights overflow float32`);
    }
    return out;
  }

  /** The latent (the class logits), n × classes, row-major. */
  encode(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Float64Array {
    return this.#apply(X, "latent");
  }

  /** The decoder's output, in the preprocessed (log / z-scored) space, n × features. */
  reconstruct(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Float64Array {
    return this.#apply(X, "reconstruction");
  }

  /**
   * The decoder's output for latent points Z (rows, or row-major n × classes), mapped back to the input's units
   * (the fitted z-score and log undone), so that generated points read like the data and predict() takes them.
   */
  decode(Z: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Float64Array {
    const k = this.classes.length;
    const latent = toMatrix(Z, { cols: k }, "SAEModel.decode");
    const out = scope(() =>
      noGrad(() =>
        Float64Array.from(this.net.decoder.forward(tensor(Float32Array.from(latent.x), [latent.n, k])).data),
      ),
    );
    return untransform(this.info.preprocessing, out, this.features);
  }

  /** The softmax of the latent: the confidence per class, n × classes, row-major. */
  predictProba(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Float64Array {
    const z = this.encode(X);
    const k = this.classes.length;
    for (let i = 0; i < z.length; i += k) {
      let top = -Infinity,
        sum = 0;
      for (let c = 0; c < k; c++) top = Math.max(top, z[i + c]);
      for (let c = 0; c < k; c++) sum += z[i + c] = Math.exp(z[i + c] - top);
      for (let c = 0; c < k; c++) z[i + c] /= sum;
    }
    return z;
  }

  /** The class index (into `classes`) of the largest logit per row. */
  predict(X: ArrayLike<number> | ArrayLike<ArrayLike<number>>): Int32Array {
    const z = this.encode(X);
    const k = this.classes.length;
    return Int32Array.from({ length: z.length / k }, (_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
      return best;
    });
  }

  /** The input features whose first-layer column is not all zero, strongest first. */
  selectedFeatures(): SelectedFeature[] {
    const w = this.net.firstLayer.weight;
    const [h, d] = w.shape;
    const data = w.data;
    const norms = Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let i = 0; i < h; i++) s += data[i * d + j] ** 2;
      return Math.sqrt(s);
    });
    const top = norms.reduce((a, b) => Math.max(a, b), 0) || 1;
    return norms
      .map((norm, index) => ({ index, name: this.info.featureNames[index], score: norm / top }))
      .filter((f) => f.score > 0)
      .sort((a, b) => b.score - a.score || a.index - b.index);
  }

  /** The fraction of input features whose first-layer column is all zero. */
  get featureSparsity(): number {
    return 1 - this.selectedFeatures().length / this.features;
  }

  /**
   * The model without what its weights no longer use: its first layer holds only the selected input features (the
   * panel, its featureNames), hidden units whose incoming or outgoing weights are all zero are gone layer by layer,
   * and the decoder reconstructs only the panel (with the decoder projected, its hidden units that feed no kept output
   * go too). Its predictions, probabilities and latent equal this model's to float32 rounding, from the panel's
   * columns alone. A model with nothing to remove gives an equal copy with `compaction.changed` false. With knn
   * imputation the neighbours are found on the panel's features only, so a row with missing values may be imputed
   * differently. This model is not modified; the copy has its own memory (dispose both).
   */
  compact(): SAEModel {
    const { net, info } = compactParts(this.net, this.info);
    return new SAEModel(net, null, info);
  }

  /** How this compact model was made (SAEModel.compact()), or null for a full model. */
  get compaction(): SAECompaction | null {
    return this.info.compact ?? null;
  }

  /** The model as plain JSON-able data (options, classes, preprocessing, history and weights), for loadSAE. */
  toJSON(): SAEJson {
    return { format: "sparseproj-sae", version: 1, ...this.info, state: this.net.stateDict() };
  }

  /** Releases the weights' memory. */
  dispose(): void {
    this.net.dispose();
  }
}

/**
 * A model from SAEModel.toJSON() (or its JSON text; a SyntaxError if it is not JSON). Every field is checked before
 * anything is allocated: a TypeError or RangeError names the field (`loadSAE: model.classes[1] is "0" again …`).
 */
export function loadSAE(json: SAEJson | string): SAEModel {
  const parts = readSAEJson(typeof json === "string" ? JSON.parse(json) : json);
  const { options, classes, featureNames, preprocessing, history, state, compact } = parts;
  const { activation } = options;
  const [hidden, decoderHidden] = compact ? [compact.encoder, compact.decoder] : [options.hidden, undefined];
  const net = new MirroredAutoencoder(
    featureNames.length,
    hidden,
    classes.length,
    activation,
    new Generator(0),
    decoderHidden,
  );
  try {
    net.loadStateDict(state);
  } catch (error) {
    net.dispose();
    throw error;
  }
  return new SAEModel(net, null, {
    options,
    classes,
    featureNames,
    preprocessing,
    history,
    ...(compact ? { compact } : {}),
  });
}
