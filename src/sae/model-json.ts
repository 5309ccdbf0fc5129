// Checks of a saved model's JSON (loadSAE, loadVAE), all made before anything is built from it. The network is
// sized by declared numbers (features, hidden layers, classes), so each is checked against the weights the file
// actually carries, value by value: a few bytes cannot make the loader allocate gigabytes, and memory follows the
// file's real contents. Errors are a TypeError (wrong type) or a RangeError (wrong value) whose message names the
// field, e.g. `loadSAE: model.options.hidden[0] must be a positive integer; got -1`.
import { describeValue } from "../args.ts";
import type { StateDict, StateEntry } from "../nn/module.ts";
import { resolveOptions, type ResolvedOptions, type SAEOptions } from "./options.ts";
import { IMPUTE_METHODS, type Imputation, type Preprocessing } from "./preprocess.ts";
import type { TrainingHistory } from "./train.ts";
import type { SAECompaction } from "./compact.ts";

/** A dimension of the network and the field of the model that declares it (for messages). */
export interface Dim {
  size: number;
  field: string;
}

/** Parameter names and shapes, in the network's order. */
export type Layout = Array<[name: string, shape: Dim[]]>;

/**
 * The parameters of MirroredAutoencoder(features, hidden, out): the encoder features → hidden… → out, then
 * the mirrored decoder. Its Linear layers sit at the even indices of each Sequential, an activation between two.
 */
export function autoencoderLayout(
  features: Dim,
  hidden: Dim[],
  out: Dim,
  decoderHidden: Dim[] = [...hidden].reverse(),
): Layout {
  const layout: Layout = [];
  const mlp = (prefix: string, sizes: Dim[]) => {
    for (let i = 0; i + 1 < sizes.length; i++) {
      layout.push([`${prefix}.${2 * i}.weight`, [sizes[i + 1], sizes[i]]], [`${prefix}.${2 * i}.bias`, [sizes[i + 1]]]);
    }
  };
  mlp("encoder", [features, ...hidden, out]);
  mlp("decoder", [out, ...decoderHidden, features]);
  return layout;
}

// Keys that reach an object's prototype when an object is assigned or merged: a model file has no use for them.
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** `path.key`, or `path["key"]` when the key is not an identifier. */
export function member(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${quote(key)}]`;
}

/** A string quoted for a message, cut short: a hostile file's strings may be megabytes long. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

const dims = (shape: readonly Dim[]) => shape.map((d) => d.size).join(" × ");
const fields = (shape: readonly Dim[]) => shape.map((d) => d.field).join(" × ");

/** The checks, each throwing a TypeError or RangeError that starts with the loader's name and the field. */
export class ModelFields {
  constructor(readonly who: string) {}

  typeError(path: string, expected: string, value: unknown): TypeError {
    const problem = value === undefined ? "is missing" : `must be ${expected}; got ${describeValue(value)}`;
    return new TypeError(`${this.who}: ${path} ${problem}`);
  }

  rangeError(path: string, problem: string): RangeError {
    return new RangeError(`${this.who}: ${path} ${problem}`);
  }

  /** The model object, of the given format and version 1, with no prototype key anywhere in it. */
  header(value: unknown, format: string): Record<string, unknown> {
    this.#noPrototypeKeys(value);
    const model = this.object(value, "model");
    if (model.format !== format) throw this.typeError("model.format", `'${format}'`, model.format);
    if (model.version !== 1) {
      if (model.version === undefined) throw this.typeError("model.version", "1", undefined);
      throw this.rangeError("model.version", `must be 1; got ${describeValue(model.version)}`);
    }
    return model;
  }

  // Walked with a stack, not recursion: nesting depth is the file's to choose.
  #noPrototypeKeys(root: unknown): void {
    const stack: Array<[unknown, string]> = [[root, "model"]];
    for (let top: [unknown, string] | undefined; (top = stack.pop()); ) {
      const [value, path] = top;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (value[i] !== null && typeof value[i] === "object") stack.push([value[i], `${path}[${i}]`]);
        }
      } else if (value !== null && typeof value === "object") {
        for (const key of Object.keys(value)) {
          if (PROTOTYPE_KEYS.has(key)) throw this.rangeError(path, `has the key ${quote(key)}, never part of a model`);
          const child = (value as Record<string, unknown>)[key];
          if (child !== null && typeof child === "object") stack.push([child, member(path, key)]);
        }
      }
    }
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw this.typeError(path, "an object", value);
    }
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: string, { nonEmpty = false } = {}): unknown[] {
    if (!Array.isArray(value)) throw this.typeError(path, "an array", value);
    if (nonEmpty && !value.length) throw this.rangeError(path, "is empty");
    return value;
  }

  /** An array's items, each checked by `item`; an index loop, since forEach and map skip a sparse array's holes. */
  list<T>(value: unknown, path: string, item: (v: unknown, path: string) => T, { nonEmpty = false } = {}): T[] {
    const values = this.array(value, path, { nonEmpty });
    const items: T[] = [];
    for (let i = 0; i < values.length; i++) items.push(item(values[i], `${path}[${i}]`));
    return items;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== "boolean") throw this.typeError(path, "true or false", value);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
    if (!choices.includes(value as T)) throw this.typeError(path, choices.map((c) => `'${c}'`).join(" or "), value);
    return value as T;
  }

  /** A finite number (≥ min, or > 0 with positive). */
  number(value: unknown, path: string, { min = -Infinity, positive = false } = {}): number {
    if (typeof value !== "number") throw this.typeError(path, "a number", value);
    if (!Number.isFinite(value) || value < min || (positive && !(value > 0))) {
      const wanted = positive ? "positive and finite" : min > -Infinity ? `finite and ≥ ${min}` : "finite";
      throw this.rangeError(path, `is ${value}; it must be ${wanted}`);
    }
    return value;
  }

  positiveInteger(value: unknown, path: string): number {
    if (typeof value !== "number") throw this.typeError(path, "a positive integer", value);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw this.rangeError(path, `must be a positive integer; got ${value}`);
    }
    return value;
  }

  /** An array of finite numbers, of `length` values when given (> 0 each with positive). */
  numbers(value: unknown, path: string, options: { length?: Dim; positive?: boolean } = {}): number[] {
    const { length, positive = false } = options;
    const values = this.array(value, path);
    if (length && values.length !== length.size) {
      throw this.rangeError(path, `has ${values.length} values; ${length.field} is ${length.size}`);
    }
    return this.list(values, path, (v, at) => this.number(v, at, { positive }));
  }

  /** Distinct names (strings, or with numbers also finite numbers, told apart as strings), at least `least`. */
  names(value: unknown, path: string, { numbers = false, least = 1 } = {}): Array<string | number> {
    const count = this.array(value, path).length;
    if (count < least) throw this.rangeError(path, `has ${count} entries; at least ${least} are needed`);
    const first = new Map<string, string>();
    return this.list(value, path, (name, at) => {
      const ok = typeof name === "string" || (numbers && typeof name === "number" && Number.isFinite(name));
      if (!ok) throw this.typeError(at, numbers ? "a string or a finite number" : "a string", name);
      const text = String(name);
      const seen = first.get(text);
      if (seen !== undefined) throw this.rangeError(at, `is ${quote(text)} again (as ${seen}); they must be distinct`);
      first.set(text, at);
      return name as string | number;
    });
  }

  /**
   * The state dict for `layout`: every parameter present with the layout's shape and exactly that many finite
   * float32 values (the network stores float32), masks (`<name>_mask`) likewise of 0s and 1s, no other key.
   */
  state(value: unknown, layout: Layout): StateDict {
    const path = "model.state";
    const state = this.object(value, path);
    const expected = new Map(layout);
    for (const [name, shape] of layout) {
      const where = member(path, name);
      if (!Object.hasOwn(state, name)) {
        throw this.rangeError(where, `is missing (a ${dims(shape)} parameter: ${fields(shape)})`);
      }
      this.#entry(state[name], where, shape, false);
      const mask = `${name}_mask`;
      if (Object.hasOwn(state, mask)) this.#entry(state[mask], member(path, mask), shape, true);
    }
    for (const key of Object.keys(state)) {
      if (!expected.has(key) && !(key.endsWith("_mask") && expected.has(key.slice(0, -5)))) {
        throw this.rangeError(member(path, key), "is unexpected: the model's network has no such parameter");
      }
    }
    return state as StateDict;
  }

  #entry(value: unknown, path: string, shape: Dim[], mask: boolean): StateEntry {
    const entry = this.object(value, path);
    const declared = this.list(entry.shape, `${path}.shape`, (d, at) => {
      if (typeof d !== "number") throw this.typeError(at, "a number", d);
      return d;
    });
    if (declared.length !== shape.length || declared.some((d, i) => d !== shape[i].size)) {
      throw this.rangeError(path, `has shape ${declared.join(" × ")}, but ${fields(shape)} = ${dims(shape)}`);
    }
    const data = this.array(entry.data, `${path}.data`);
    const size = shape.reduce((product, d) => product * d.size, 1);
    if (data.length !== size) {
      throw this.rangeError(`${path}.data`, `has ${data.length} values; the shape ${dims(shape)} needs ${size}`);
    }
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== "number") throw this.typeError(`${path}.data[${i}]`, "a number", v);
      if (mask ? v !== 0 && v !== 1 : !Number.isFinite(Math.fround(v))) {
        const rule = mask ? "a mask holds 0 or 1" : "weights must be finite in float32 (|v| < 3.4e38)";
        throw this.rangeError(`${path}.data[${i}]`, `is ${v}; ${rule}`);
      }
    }
    return entry as unknown as StateEntry;
  }
}

/** What loadSAE builds a model from, every field checked. */
export interface SAEParts {
  options: ResolvedOptions;
  classes: Array<number | string>;
  featureNames: string[];
  preprocessing: Preprocessing;
  history: TrainingHistory;
  state: StateDict;
  compact?: SAECompaction;
}

// Options resolveOptions checks by String(value) in its messages: anything but a primitive (or, for the lists,
// an array of primitives) is refused first, since String() of an object from a file can throw.
const OPTION_LISTS = new Set(["hidden", "epochs", "classWeights", "projectLayers"]);

function checkOptions(f: ModelFields, value: unknown, classes: number): ResolvedOptions {
  const options = f.object(value, "model.options");
  for (const [key, v] of Object.entries(options)) {
    const path = member("model.options", key);
    if (key === "preprocess") {
      const p = f.object(v, path);
      if (p.log !== undefined && p.log !== "auto") f.boolean(p.log, `${path}.log`);
      if (p.zscore !== undefined) f.boolean(p.zscore, `${path}.zscore`);
      if (p.impute !== undefined && p.impute !== null) f.oneOf(p.impute, `${path}.impute`, IMPUTE_METHODS);
      if (p.k !== undefined) f.positiveInteger(p.k, `${path}.k`);
      if (p.maxMissing !== undefined) f.number(p.maxMissing, `${path}.maxMissing`, { min: 0 });
    } else if (OPTION_LISTS.has(key) && Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item !== null && typeof item === "object") throw f.typeError(`${path}[${i}]`, "a number or a string", item);
      });
    } else if (v !== null && typeof v === "object") throw f.typeError(path, "a number, a string or a boolean", v);
  }
  // Sizes come from the file's own numbers; trainSAE's defaults would describe another network.
  f.list(options.hidden, "model.options.hidden", (h, at) => f.positiveInteger(h, at), { nonEmpty: true });
  if (Array.isArray(options.epochs)) {
    if (options.epochs.length !== 2) {
      throw f.rangeError("model.options.epochs", `has ${options.epochs.length} entries; one per phase (2)`);
    }
    f.list(options.epochs, "model.options.epochs", (e, at) => f.number(e, at, { min: 0 }));
  }
  if (options.rewind !== undefined) f.boolean(options.rewind, "model.options.rewind");
  if (Array.isArray(options.classWeights)) {
    const length = { size: classes, field: "model.classes.length" };
    f.numbers(options.classWeights, "model.options.classWeights", { length });
  }
  try {
    return resolveOptions(options as SAEOptions);
  } catch (error) {
    // resolveOptions speaks to trainSAE's caller; here the options are a field of the file.
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    const message = `${f.who}: ${error.message.replace(/^trainSAE: options/, "model.options")}`;
    throw error instanceof TypeError ? new TypeError(message) : new RangeError(message);
  }
}

function checkPreprocessing(f: ModelFields, value: unknown, features: Dim): Preprocessing {
  const p = f.object(value, "model.preprocessing");
  const log = f.boolean(p.log, "model.preprocessing.log");
  if ((p.mean === null) !== (p.std === null)) {
    const missing = p.mean === null ? "mean" : "std";
    throw f.rangeError(`model.preprocessing.${missing}`, "is null but the other is not: a z-score needs both");
  }
  // Present only in a model that imputes: the key stays absent otherwise, as in models saved before it existed.
  const imputation = p.imputation === undefined ? {} : { imputation: checkImputation(f, p.imputation, features) };
  if (p.mean === null) return { log, mean: null, std: null, ...imputation };
  return {
    log,
    mean: f.numbers(p.mean, "model.preprocessing.mean", { length: features }),
    std: f.numbers(p.std, "model.preprocessing.std", { length: features, positive: true }),
    ...imputation,
  };
}

function checkImputation(f: ModelFields, value: unknown, features: Dim): Imputation {
  const path = "model.preprocessing.imputation";
  const imp = f.object(value, path);
  const method = f.oneOf(imp.method, `${path}.method`, IMPUTE_METHODS);
  let last = -1;
  const dropped = f.list(imp.dropped, `${path}.dropped`, (v, at) => {
    if (typeof v !== "number") throw f.typeError(at, "a feature index", v);
    if (!Number.isSafeInteger(v) || v <= last || v >= features.size) {
      throw f.rangeError(
        at,
        `is ${v}; dropped features are ascending indices below ${features.field} (${features.size})`,
      );
    }
    last = v;
    return v;
  });
  const values = f.numbers(imp.values, `${path}.values`, { length: features });
  if (method !== "knn") {
    for (const key of ["k", "scale", "rows"]) {
      if (imp[key] !== undefined) throw f.rangeError(member(path, key), `is only for method 'knn'; got '${method}'`);
    }
    return { method, dropped, values };
  }
  const k = f.positiveInteger(imp.k, `${path}.k`);
  const scale = f.numbers(imp.scale, `${path}.scale`, { length: features, positive: true });
  const rows = f.list(
    imp.rows,
    `${path}.rows`,
    (row, at) => {
      const cells = f.array(row, at);
      if (cells.length !== features.size) {
        throw f.rangeError(at, `has ${cells.length} values; ${features.field} is ${features.size}`);
      }
      return f.list(cells, at, (v, cell) => (v === null ? null : f.number(v, cell)));
    },
    { nonEmpty: true },
  );
  return { method, dropped, values, k, scale, rows };
}

function checkHistory(f: ModelFields, value: unknown): TrainingHistory {
  const h = f.object(value, "model.history");
  const losses = f.array(h.losses, "model.history.losses");
  if (losses.length !== 2) {
    throw f.rangeError("model.history.losses", `has ${losses.length} entries; one per phase (2)`);
  }
  f.list(losses, "model.history.losses", (phase, at) => f.numbers(phase, at));
  f.numbers(h.validationAccuracy, "model.history.validationAccuracy");
  f.number(h.epoch, "model.history.epoch", { min: 0 });
  if (h.radius !== null) f.number(h.radius, "model.history.radius", { min: 0 });
  f.list(h.radiusSearch, "model.history.radiusSearch", (entry, path) => {
    const e = f.object(entry, path);
    for (const key of ["radius", "accuracy", "featureSparsity"]) f.number(e[key], `${path}.${key}`);
  });
  f.number(h.secondsPerEpoch, "model.history.secondsPerEpoch", { min: 0 });
  return h as unknown as TrainingHistory;
}

/**
 * A compact model's `compact` field: hidden sizes no larger than the trained ones (options.hidden, the decoder's
 * reversed), and a source model with at least the panel's features.
 */
function checkCompaction(f: ModelFields, value: unknown, options: ResolvedOptions, features: number): SAECompaction {
  const path = "model.compact";
  const c = f.object(value, path);
  const changed = f.boolean(c.changed, `${path}.changed`);
  const sourceFeatures = f.positiveInteger(c.sourceFeatures, `${path}.sourceFeatures`);
  if (sourceFeatures < features) {
    throw f.rangeError(`${path}.sourceFeatures`, `is ${sourceFeatures}, fewer than the ${features} feature names`);
  }
  const sizes = (key: "encoder" | "decoder", trained: number[]) => {
    const at = `${path}.${key}`;
    const list = f.array(c[key], at);
    if (list.length !== trained.length) {
      throw f.rangeError(at, `has ${list.length} sizes; model.options.hidden has ${trained.length}`);
    }
    const checked: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const size = f.positiveInteger(list[i], `${at}[${i}]`);
      if (size > trained[i]) throw f.rangeError(`${at}[${i}]`, `is ${size}, more than the ${trained[i]} units trained`);
      checked.push(size);
    }
    return checked;
  };
  const encoder = sizes("encoder", options.hidden);
  return { changed, sourceFeatures, encoder, decoder: sizes("decoder", [...options.hidden].reverse()) };
}

/** A supervised autoencoder's JSON (SAEModel.toJSON()) checked field by field, before any allocation. */
export function readSAEJson(value: unknown): SAEParts {
  const f = new ModelFields("loadSAE");
  const model = f.header(value, "sparseproj-sae");
  const featureNames = f.names(model.featureNames, "model.featureNames") as string[];
  const classes = f.names(model.classes, "model.classes", { numbers: true, least: 2 });
  const options = checkOptions(f, model.options, classes.length);
  const features = { size: featureNames.length, field: "model.featureNames.length" };
  const hidden = options.hidden.map((size, i) => ({ size, field: `model.options.hidden[${i}]` }));
  const out = { size: classes.length, field: "model.classes.length" };
  const compact =
    model.compact === undefined ? undefined : checkCompaction(f, model.compact, options, featureNames.length);
  const dimsOf = (sizes: number[], key: string) =>
    sizes.map((size, i) => ({ size, field: `model.compact.${key}[${i}]` }));
  const layout = compact
    ? autoencoderLayout(features, dimsOf(compact.encoder, "encoder"), out, dimsOf(compact.decoder, "decoder"))
    : autoencoderLayout(features, hidden, out);
  const state = f.state(model.state, layout);
  const preprocessing = checkPreprocessing(f, model.preprocessing, features);
  const parts = { options, classes, featureNames, preprocessing, history: checkHistory(f, model.history), state };
  return compact ? { ...parts, compact } : parts;
}
