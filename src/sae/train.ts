// trainSAE: the supervised autoencoder with double descent (Barlaud et al.). Phase 1 trains the network; the
// chosen layer is then projected once onto the ball of radius η, the entries the projection zeroed become a
// mask, and phase 2 trains again with the mask held (optionally from the initial values: rewind). Every choice
// that looks at data other than the training rows (epoch, radius) uses a validation carve of those rows.
import { add, crossEntropy, mul, smoothL1Loss } from "../autograd/functional.ts";
import type { Tensor } from "../autograd/tensor.ts";
import { keepInputs } from "../nn/compact.ts";
import type { Linear } from "../nn/layers.ts";
import type { Module } from "../nn/module.ts";
import { kindNamed, MATRIX_NORMS, type ProjectionKind, PROJECTIONS } from "../projections/registry.ts";
import { projectionConstraint } from "../nn/constraints.ts";
import { batchOf, fit, type HostRows } from "../nn/fit.ts";
import type { StateDict } from "../nn/module.ts";
import type { Parameter } from "../nn/parameter.ts";
import { keepLargestGroups, projectAndMask, rewind } from "../nn/prune.ts";
import { Adam } from "../optim/adam.ts";
import { Generator } from "../random.ts";
import { toDataset, type Dataset, type Labels } from "./dataset.ts";
import { validationSplit } from "./cv/folds.ts";
import { forwardRows, SAEModel } from "./model.ts";
import { MirroredAutoencoder } from "../nn/autoencoder.ts";
import { type Radius, resolveOptions, type ResolvedOptions, type SAEOptions } from "./options.ts";
import { fitPreprocessing, transformRows } from "./preprocess.ts";

/** How a model was trained (SAEModel.info.history): the losses, the epoch and radius kept, and the time taken. */
export interface TrainingHistory {
  /** Mean training loss per epoch of each phase. */
  losses: [number[], number[]];
  /** Validation accuracy per phase-2 epoch, when a validation fraction was carved. */
  validationAccuracy: number[];
  /** The phase-2 epoch kept (1-based; the last one without validation). */
  epoch: number;
  /** The radius used (with 'auto' the one chosen, with { relative: f } f × the norm), or null without a ball. */
  radius: number | null;
  /** Validation accuracy and sparsity of every radius tried by radius 'auto'. */
  radiusSearch: Array<{ radius: number; accuracy: number; featureSparsity: number }>;
  /** Wall-clock seconds of training per epoch, both phases together (the 'auto' radius search not counted). */
  secondsPerEpoch: number;
}

function classWeights(o: ResolvedOptions, data: Dataset, rows: ArrayLike<number>): number[] | undefined {
  if (o.classWeights === null) return undefined;
  const k = data.classes.length;
  if (o.classWeights === "balanced") {
    const counts = new Array<number>(k).fill(0);
    for (let r = 0; r < rows.length; r++) counts[data.y[rows[r]]]++;
    return counts.map((c) => (c ? rows.length / (k * c) : 0));
  }
  if (o.classWeights.length !== k)
    throw new RangeError(`trainSAE: options.classWeights has ${o.classWeights.length} entries for ${k} classes`);
  return o.classWeights;
}

/** The parameters the projection acts on, each with its grouping. */
function projectedWeights(
  net: MirroredAutoencoder,
  o: ResolvedOptions,
): Array<{ parameter: Parameter; axis: "columns" | "rows" }> {
  return o.projectLayers.map((layer) =>
    layer === "encoder"
      ? { parameter: net.firstLayer.weight, axis: "columns" as const }
      : { parameter: net.lastLayer.weight, axis: "rows" as const },
  );
}

/**
 * After phase 1, masks each chosen weight: the zeros of its projection onto the ball of radius η (a relative
 * radius resolved on this net), or with 'top-k' every group but its `keep` largest. Returns η (null for top-k).
 */
function pruneLayers(net: MirroredAutoencoder, o: ResolvedOptions, radius: FixedRadius | null): number | null {
  const kind = kindNamed(o.projection);
  const eta = kind && radius !== null ? resolveRadius(radius, net, kind) : null;
  for (const { parameter, axis } of projectedWeights(net, o)) {
    projectAndMask(parameter, (p) => {
      if (kind && eta !== null) projectionConstraint(kind, { radius: eta, axis }).apply(p);
      else keepLargestGroups(p, o.keep as number, axis);
    });
  }
  return eta;
}

/** Preprocessed rows stay in host memory; fit and forwardRows copy them into the module a batch at a time. */
function hostRows(data: Float32Array, n: number, d: number): HostRows {
  return { data, shape: [n, d] };
}

function accuracyOf(net: MirroredAutoencoder, x: HostRows, y: ArrayLike<number>, k: number): number {
  const [n, d] = x.shape;
  const z = forwardRows((t) => net.forward(t), x.data, n, d, k);
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
    if (best === y[i]) right++;
  }
  return right / y.length;
}

/** A radius known before training: raw, or relative to the trained layer's norm ('auto' is searched first). */
type FixedRadius = Exclude<Radius, "auto">;

/** η of a trained net: a raw radius as it is, a relative one × the first layer's norm in the `kind` ball's norm. */
function resolveRadius(radius: FixedRadius, net: MirroredAutoencoder, kind: ProjectionKind): number {
  if (typeof radius === "number") return radius;
  const w = net.firstLayer.weight;
  return radius.relative * MATRIX_NORMS[PROJECTIONS[kind].norm](w.data, w.shape[0], w.shape[1]);
}

interface Run {
  net: MirroredAutoencoder;
  /** The radius used, or null without projection. */
  radius: number | null;
  /** The first layer's weight after phase 1, before the projection. */
  firstLayerBefore: Float32Array;
  losses: [number[], number[]];
  validationAccuracy: number[];
  epoch: number;
  seconds: number;
  epochs: number;
}

/** The inputs of a masked first layer that some unmasked weight reads (all of them without a mask). */
function unmaskedColumns(layer: Linear): number[] {
  const mask = layer.weight.mask;
  const [h, d] = layer.weight.shape;
  const columns: number[] = [];
  for (let j = 0; j < d; j++) {
    let i = 0;
    while (mask && i < h && mask[i * d + j] === 0) i++;
    if (!mask || i < h) columns.push(j);
  }
  return columns;
}

/** Columns `columns` of rows x, as new rows. */
function gatherColumns(x: HostRows, columns: number[]): HostRows {
  const [n, d] = x.shape;
  const data = x.data;
  const out = new Float32Array(n * columns.length);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < columns.length; c++) out[r * columns.length + c] = data[r * d + columns[c]];
  return hostRows(out, n, columns.length);
}

/** Puts `layer` at `index` of a Sequential (the compact first layer of phase 2, and back). */
function setLayer(net: MirroredAutoencoder, layer: Linear): void {
  (net.encoder as unknown as Record<number, Module>)[0] = layer;
}

/**
 * Phase 2 on the compact first layer: the columns the mask removed are physically gone (the encoder reads x's kept
 * columns; the decoder still reconstructs every feature, as the loss wants). Masked weights are zero and receive no
 * update, so this trains what the masked dense layer trains, to float rounding; `restore` writes the result back
 * into the full layer, its removed columns zero and masked. Null when the mask removes no column. @internal
 */
function compactFirstLayer(net: MirroredAutoencoder): { columns: number[]; restore: () => void } | null {
  const full = net.firstLayer;
  const columns = unmaskedColumns(full);
  if (columns.length === full.inFeatures) return null;
  const small = keepInputs(full, columns);
  setLayer(net, small);
  return {
    columns,
    restore: () => {
      const [h, d, p] = [full.outFeatures, full.inFeatures, columns.length];
      const [weights, values, mask, kept] = [full.weight.data, small.weight.data, full.weight.mask!, small.weight.mask];
      for (let i = 0; i < h; i++) {
        for (let c = 0; c < p; c++) {
          weights[i * d + columns[c]] = values[i * p + c];
          mask[i * d + columns[c]] = kept ? kept[i * p + c] : 1;
        }
      }
      full.weight.setMask(mask);
      full.bias?.data.set(small.bias!.data);
      setLayer(net, full);
      small.dispose();
    },
  };
}

/** Both phases on rows `train` (validation rows, if any, only score phase-2 epochs). */
function doubleDescent(
  data: Dataset,
  o: ResolvedOptions,
  x: HostRows,
  trainLabels: Int32Array,
  weights: number[] | undefined,
  radius: FixedRadius | null,
  validation: { x: HostRows; y: Int32Array } | null,
  onProgress?: SAEOptions["onProgress"],
  signal?: AbortSignal,
  afterPhase1?: (net: MirroredAutoencoder) => void,
  densePhase2 = false,
): Run {
  const generator = new Generator(o.seed);
  const k = data.classes.length;
  const net = new MirroredAutoencoder(data.d, o.hidden, k, o.activation, generator);
  const initial = o.rewind ? net.stateDict() : null;
  // `input` is the encoder's view of rows `rows` of x: the whole rows, or in a compact phase 2 their kept columns.
  let compacted: { columns: number[]; restore: () => void } | null = null;
  const loss = (input: Tensor, rows: Int32Array) => {
    const z = net.encoder.forward(input);
    const labels = Array.from(rows, (r) => trainLabels[r]);
    const target = compacted ? batchOf(x, rows) : input;
    return add(
      crossEntropy(z, labels, { weight: weights }),
      mul(smoothL1Loss(net.decoder.forward(z), target), o.lambda),
    );
  };
  const started = performance.now();
  const phase = (p: 1 | 2, epochs: number, onEpoch?: (epoch: number) => void, data = x) => {
    if (!epochs) return [];
    const optimizer = new Adam(net.parameters(), { lr: o.lr });
    try {
      return fit(data, {
        optimizer,
        loss,
        epochs,
        batchSize: o.batchSize,
        generator,
        signal,
        onEpoch: (epoch, mean) => {
          onEpoch?.(epoch);
          onProgress?.({ phase: p, epoch, epochs, loss: mean });
        },
      }).epochLosses;
    } finally {
      optimizer.dispose();
    }
  };
  const phase1 = phase(1, o.epochs[0]);
  afterPhase1?.(net);
  const firstLayerBefore = Float32Array.from(net.firstLayer.weight.data);
  let used: number | null = null;
  if (o.projection !== "none") {
    used = pruneLayers(net, o, radius);
    if (initial) rewind(net, initial);
  }
  const validationAccuracy: number[] = [];
  let best = { accuracy: -1, epoch: o.epochs[1], state: null as StateDict | null };
  if (o.projection !== "none" && o.projectLayers.includes("encoder") && o.epochs[1] && !densePhase2) {
    compacted = compactFirstLayer(net);
  }
  const columns = compacted?.columns;
  const validationX = validation && columns ? gatherColumns(validation.x, columns) : validation?.x;
  let phase2: number[];
  try {
    phase2 = phase(
      2,
      o.epochs[1],
      (epoch) => {
        if (!validation || !validationX) return;
        const accuracy = accuracyOf(net, validationX, validation.y, k);
        validationAccuracy.push(accuracy);
        // Ties go to the later epoch: more training at the same validation accuracy.
        if (accuracy >= best.accuracy) best = { accuracy, epoch, state: net.stateDict() };
      },
      columns ? gatherColumns(x, columns) : x,
    );
    if (best.state) net.loadStateDict(best.state);
  } finally {
    compacted?.restore();
    compacted = null;
  }
  const epochs = phase1.length + phase2.length;
  return {
    net,
    radius: used,
    firstLayerBefore,
    losses: [phase1, phase2],
    validationAccuracy,
    epoch: best.epoch,
    seconds: (performance.now() - started) / 1000,
    epochs,
  };
}

function featureSparsity(net: MirroredAutoencoder): number {
  const w = net.firstLayer.weight;
  const [h, d] = w.shape;
  const data = w.data;
  let zero = 0;
  for (let j = 0; j < d; j++) {
    let i = 0;
    while (i < h && data[i * d + j] === 0) i++;
    if (i === h) zero++;
  }
  return zero / d;
}

/** Radius 'auto': phase 1 once on an inner split, then each radius on a log grid below the trained norm. */
function searchRadius(
  data: Dataset,
  o: ResolvedOptions,
  rows: Int32Array,
  weights: number[] | undefined,
): { radius: number; tried: TrainingHistory["radiusSearch"] } {
  const [inner, held] = validationSplit(rows, data.y, data.classes.length, 0.25, o.seed + 1);
  const prep = fitPreprocessing(data.x, data.d, inner, o.preprocess);
  const x = hostRows(transformRows(prep, data.x, data.d, inner), inner.length, data.d);
  const validation = {
    x: hostRows(transformRows(prep, data.x, data.d, held), held.length, data.d),
    y: Int32Array.from(held, (r) => data.y[r]),
  };
  const labels = Int32Array.from(inner, (r) => data.y[r]);
  let norm = 0;
  const base = doubleDescent(
    data,
    { ...o, projection: "none" },
    x,
    labels,
    weights,
    null,
    null,
    undefined,
    undefined,
    (net) => {
      const w = net.firstLayer.weight;
      const [h, d] = w.shape;
      for (let j = 0; j < d; j++) {
        let m = 0;
        for (let i = 0; i < h; i++) m = Math.max(m, Math.abs(w.data[i * d + j]));
        norm += m;
      }
    },
  );
  base.net.dispose();
  const tried: TrainingHistory["radiusSearch"] = [];
  for (let step = 1; step <= 8; step++) {
    const radius = norm / 2 ** step;
    const run = doubleDescent(data, o, x, labels, weights, radius, null);
    tried.push({
      radius,
      accuracy: accuracyOf(run.net, validation.x, validation.y, data.classes.length),
      featureSparsity: featureSparsity(run.net),
    });
    run.net.dispose();
  }
  // Best validation accuracy; ties toward more sparsity (the smaller radius).
  const chosen = tried.reduce((a, b) =>
    b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.featureSparsity >= a.featureSparsity) ? b : a,
  );
  return { radius: chosen.radius, tried };
}

/** Trains on every row of `rows` (all rows by default), preprocessing fitted on them alone. @internal */
export function trainOnRows(
  data: Dataset,
  options: SAEOptions,
  rows: Int32Array,
  featureNames?: string[],
  /** Phase 2 on the dense layer with its mask, as before compaction (for the equality test and the benchmark). */
  densePhase2 = false,
): SAEModel {
  const o = resolveOptions(options);
  if (o.keep !== undefined && o.keep > data.d) {
    throw new RangeError(`trainSAE: options.keep is ${o.keep}, more than the ${data.d} features`);
  }
  const weights = classWeights(o, data, rows);
  let radius: FixedRadius | null = null;
  let radiusSearch: TrainingHistory["radiusSearch"] = [];
  // A radius belongs to the projections onto balls; top-k and none have none.
  if (kindNamed(o.projection)) {
    if (o.radius === "auto") ({ radius, tried: radiusSearch } = searchRadius(data, o, rows, weights));
    else radius = o.radius;
  }
  const [train, held] =
    o.validationFraction > 0
      ? validationSplit(rows, data.y, data.classes.length, o.validationFraction, o.seed + 2)
      : [rows, new Int32Array(0)];
  const preprocessing = fitPreprocessing(data.x, data.d, train, o.preprocess);
  const x = hostRows(transformRows(preprocessing, data.x, data.d, train), train.length, data.d);
  const validation = held.length
    ? {
        x: hostRows(transformRows(preprocessing, data.x, data.d, held), held.length, data.d),
        y: Int32Array.from(held, (r) => data.y[r]),
      }
    : null;
  const run = doubleDescent(
    data,
    o,
    x,
    Int32Array.from(train, (r) => data.y[r]),
    weights,
    radius,
    validation,
    options.onProgress,
    options.signal,
    undefined,
    densePhase2,
  );
  const history: TrainingHistory = {
    losses: run.losses,
    validationAccuracy: run.validationAccuracy,
    epoch: run.epoch,
    radius: run.radius,
    radiusSearch,
    secondsPerEpoch: run.seconds / Math.max(1, run.epochs),
  };
  // Saved options hold numbers and strings (loadSAE refuses objects): the radius used; without projection, where
  // the radius is unused, a relative one is saved as the default radius.
  const savedRadius = run.radius ?? (typeof o.radius === "object" ? 1 : o.radius);
  return new SAEModel(run.net, run.firstLayerBefore, {
    options: { ...o, radius: savedRadius },
    classes: data.classes,
    featureNames: featureNames ?? options.featureNames ?? Array.from({ length: data.d }, (_, j) => `feature ${j + 1}`),
    preprocessing,
    history,
  });
}

/**
 * Trains a supervised autoencoder on all of X (rows, or row-major values with y.length rows) and labels y.
 * See SAEOptions for the defaults: hidden [100], SiLU, λ 1, Adam lr 1e-3, batch 8, 30 + 30 epochs, bilevel ℓ1,∞
 * with radius 1 on the first layer, no rewind.
 */
export function trainSAE(
  X: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  y: Labels,
  options: SAEOptions = {},
): SAEModel {
  const data = toDataset(X, y, "trainSAE", Boolean(options.preprocess?.impute));
  if (options.featureNames && options.featureNames.length !== data.d)
    throw new RangeError(`trainSAE: ${options.featureNames.length} feature names for ${data.d} features`);
  // loadSAE refuses a model with a name twice (predict finds columns by name): refuse to make one.
  const seen = new Set<string>();
  for (const name of options.featureNames ?? []) {
    if (seen.has(name)) throw new RangeError(`trainSAE: options.featureNames has ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
  return trainOnRows(
    data,
    options,
    Int32Array.from({ length: data.n }, (_, i) => i),
  );
}
