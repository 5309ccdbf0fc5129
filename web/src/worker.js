// @ts-check
// The page's training worker: it holds the data set and runs everything that takes longer than a frame — parsing,
// the model shown on the page, the cross-validation, the radius sweep — posting progress as it goes, so the page
// never freezes. Folds run in nested workers (crossValidate's `workers`) where the browser has them; that also keeps
// this worker's event loop free between folds, so a "stop" message reaches the AbortController at once.
import {
  chooseSetting,
  crossValidate,
  DataError,
  foldsProblem,
  init,
  loadSAE,
  makeClassification,
  pca2,
  trainSAE,
} from "../../dist/index.js";
import { PAGE_PROJECTIONS } from "./projection.js";
import { openTable } from "./table-file.js";

/** @typedef {import("./messages.ts").FromWorker} FromWorker */
/** @typedef {import("./messages.ts").ToWorker} ToWorker */

const scope = /** @type {import("./messages.ts").TrainingWorkerScope} */ (/** @type {unknown} */ (self));
const ready = init();
/** { name, X, labels, classes, y, featureNames, sampleIds, informative, missing, mapping } once loaded. */
let dataset = null;
/** The model shown on the page, as JSON: the model that classifies new samples (section 7). */
let shownJson = null;
let controller = null;

/** @type {(message: FromWorker, transfer?: Transferable[]) => void} */
const post = (message, transfer = []) => scope.postMessage(message, transfer);

/** Whether folds can run in parallel here, and why not when they cannot. */
function threads() {
  const cores = navigator.hardwareConcurrency || 1;
  const nested = typeof Worker === "function";
  // One per core, not cores − 1: this worker only waits while they train, and the page only draws.
  const workers = nested ? cores : 1;
  const reason = !nested
    ? "this browser has no Worker inside a worker"
    : cores < 2
      ? "the browser reports one core"
      : null;
  return { workers, reason, cores, isolated: scope.crossOriginIsolated === true };
}

/** @param {import("./messages.ts").LoadMessage} message */
async function load(message) {
  if (message.source === "builtin") {
    const name = "GC_Breast_D_MB.csv";
    const response = await fetch(new URL(name, import.meta.url));
    if (!response.ok) throw new Error(`could not fetch the built-in data set (${response.status})`);
    const mapping = { labelColumn: "label", idColumn: null, ignoreColumns: [], impute: null };
    return fromTable(name, await response.arrayBuffer(), mapping);
  }
  if (message.source === "file") return fromTable(message.name, message.bytes, message.mapping);
  const { samples, features, informative, seed } = message;
  // Unshuffled, so the informative features are the first columns and the page can say which ones they are.
  const { X, y } = makeClassification({
    nSamples: samples,
    nFeatures: features,
    nInformative: informative,
    nRedundant: 0,
    shuffle: false,
    randomState: seed,
  });
  const featureNames = Array.from({ length: features }, (_, j) =>
    j < informative ? `informative ${j + 1}` : `noise ${j + 1 - informative}`,
  );
  const labels = Array.from(y, (c) => `class ${c}`);
  return {
    name: `synthetic (seed ${seed})`,
    X,
    labels,
    classes: ["class 0", "class 1"],
    y,
    featureNames,
    sampleIds: labels.map((_, i) => `sample ${i + 1}`),
    informative,
    missing: { cells: 0, rows: 0, columns: 0 },
    mapping: { labelColumn: "label", idColumn: null, ignoreColumns: [], impute: null },
  };
}

/** parseTable's advice to leave a text column out, as it names its option and the columns. */
const IGNORE_HINT = /options\.ignoreColumns(?: \[.*\]|, or name the features with options\.featureColumns)$/;

/**
 * A table read with the user's mapping (parseTable's columns). Missing cells are always read (as NaN) so that the
 * page can count them; without an imputation the summary says why Train waits.
 * @param {string} name @param {ArrayBuffer} bytes @param {import("./messages.ts").Mapping} mapping
 */
async function fromTable(name, bytes, mapping) {
  let table;
  try {
    table = await (await openTable(name, bytes)).parse({
      labelColumn: mapping.labelColumn,
      idColumn: mapping.idColumn ?? undefined,
      ignoreColumns: mapping.ignoreColumns,
      allowMissing: true,
    });
  } catch (error) {
    // parseTable's advice names its option; the page's user has the mapping's menu instead.
    if (error instanceof DataError) error.message = error.message.replace(IGNORE_HINT, "“Columns to ignore” above");
    throw error;
  }
  const { cells, rows, columns } = table.missing;
  return {
    name,
    X: table.data,
    labels: table.labels,
    classes: table.classes,
    y: table.y,
    featureNames: table.featureNames,
    sampleIds: table.sampleIds,
    informative: null,
    missing: { cells, rows, columns },
    mapping,
  };
}

/** @returns {import("./messages.ts").DataSummary} */
function summary({ name, labels, classes, y, featureNames, informative, missing, mapping }) {
  const counts = classes.map((label, c) => ({ label, samples: y.filter((v) => v === c).length }));
  const problem =
    missing.cells > 0 && !mapping.impute
      ? `${missing.cells} missing cells in ${missing.rows} samples and ${missing.columns} features: choose how to ` +
        "fill them (Missing values) to train"
      : null;
  const impute = missing.cells > 0 ? mapping.impute : null;
  return {
    name,
    samples: labels.length,
    features: featureNames.length,
    classes: counts,
    informative,
    missing,
    impute,
    problem,
  };
}

/** The library's fold check, made before the model shown is trained, with the data set's name and the control. */
function checkFolds(folds) {
  const problem = foldsProblem(dataset.y, dataset.classes, folds);
  if (problem) throw new DataError(`${problem} (lower the folds)`, { file: dataset.name });
}

function saeOptions(settings, signal) {
  return {
    hidden: [settings.hidden],
    epochs: settings.epochs,
    projection: settings.projection,
    radius: settings.radius,
    featureNames: dataset.featureNames,
    // Fitted on each training set only, as the command line's --impute.
    ...(dataset.missing.cells > 0 ? { preprocess: { impute: dataset.mapping.impute } } : {}),
    signal,
  };
}

/**
 * @param {import("./messages.ts").Settings} settings @param {AbortSignal} signal
 * @param {{ onProgress?: (event: object) => void, onFoldResult?: (result: object) => void }} [hooks]
 */
function crossValidated(settings, signal, { onProgress, onFoldResult } = {}) {
  const onFold = (event) => post({ type: "fold", event });
  const options = {
    ...saeOptions(settings, signal),
    folds: settings.folds,
    seeds: settings.seeds,
    onProgress,
    onFoldResult,
    onFold,
  };
  return crossValidate(dataset.X, dataset.labels, { ...options, workers: threads().workers });
}

/** Rows in the test part of the model shown: every `folds`-th sample of each class, so the split is stratified. */
function holdout(folds) {
  const seen = new Array(dataset.classes.length).fill(0);
  return Array.from(dataset.y, (c) => seen[c]++ % folds === folds - 1);
}

function rows(mask, keep) {
  const d = dataset.featureNames.length;
  const picked = [];
  mask.forEach((test, i) => test === keep && picked.push(i));
  const X = new Float64Array(picked.length * d);
  picked.forEach((row, r) => X.set(dataset.X.subarray(row * d, (row + 1) * d), r * d));
  return { X, labels: picked.map((i) => dataset.labels[i]) };
}

/** The model the page shows: trained on all but the holdout rows, whose latent points it marks when misclassified. */
function trainShown(settings, signal) {
  const isTest = holdout(settings.folds);
  const train = rows(isTest, false);
  const onProgress = (event) => post({ type: "progress", event: { ...event, fold: 0 } });
  const model = trainSAE(train.X, train.labels, { ...saeOptions(settings, signal), onProgress });
  try {
    const k = model.classes.length;
    const logits = model.encode(dataset.X);
    const predicted = model.predict(dataset.X);
    const probabilities = model.predictProba(dataset.X);
    const [points, axes] =
      k === 2
        ? [logits, model.classes.map((c) => `logit of ${c}`)]
        : (({ coordinates, explained }) => [
            coordinates,
            explained.map((e, i) => `principal component ${i + 1} (${(100 * e).toFixed(0)}% of variance)`),
          ])(pca2(logits, k));
    const classIndex = new Map(model.classes.map((c, i) => [String(c), i]));
    const latent = dataset.labels.map((label, i) => ({
      x: points[2 * i],
      y: points[2 * i + 1],
      id: dataset.sampleIds[i],
      label,
      predicted: String(model.classes[predicted[i]]),
      confidence: probabilities[i * k + predicted[i]],
      test: isTest[i],
      wrong: isTest[i] && predicted[i] !== classIndex.get(label),
    }));
    const testCount = isTest.filter(Boolean).length;
    const correct = latent.filter((p) => p.test && !p.wrong).length;
    shownJson = compactJson(model);
    post({
      type: "model",
      before: Float32Array.from(model.firstLayerBeforeProjection),
      hidden: settings.hidden,
      featureNames: dataset.featureNames,
      radius: model.info.history.radius,
      kept: model.selectedFeatures().length,
      losses: model.info.history.losses,
      latent,
      axes,
      trainSamples: train.labels.length,
      holdoutAccuracy: correct / testCount,
      json: shownJson,
      tried: model.info.history.radiusSearch.map(({ radius, accuracy, featureSparsity }) => ({
        radius,
        accuracy,
        featureSparsity,
      })),
    });
  } finally {
    model.dispose();
  }
}

/** @returns {import("./messages.ts").FoldBar} */
const foldBar = (r) => ({ seed: r.seed, fold: r.fold, accuracy: r.accuracy, kept: r.selected.length });

/** The model to download: the compact one, whose features are its panel (what `sparseproj predict` then needs). */
function compactJson(model) {
  const small = model.compact();
  try {
    return JSON.stringify(small);
  } finally {
    small.dispose();
  }
}

function cvMessage(cv) {
  return {
    accuracy: { mean: cv.accuracy.mean, std: cv.accuracy.std },
    auc: cv.auc.mean,
    featureSparsity: cv.featureSparsity.mean,
    runs: cv.runs.map(foldBar),
    radii: cv.runs.map((r) => r.radius),
    selection: cv.selection.map(({ index, name, frequency, meanScore }) => ({ index, name, frequency, meanScore })),
  };
}

/** @param {import("./messages.ts").Settings} settings @param {AbortSignal} signal */
async function train(settings, signal) {
  checkFolds(settings.folds);
  post({ type: "threads", ...threads() });
  trainShown(settings, signal);
  const onProgress = (event) => post({ type: "progress", event });
  const onFoldResult = (r) => post({ type: "fold-result", run: foldBar(r) });
  post({ type: "cv", cv: cvMessage(await crossValidated(settings, signal, { onProgress, onFoldResult })) });
}

// The radii of the sweep, as fractions of the shown model's first-layer norm in each projection's own norm, so
// the four projections are compared at the same relative tightness of their balls.
const FRACTIONS = [0.003, 0.01, 0.03, 0.1, 0.3, 1];

/**
 * `before`: the shown model's first-layer weight after phase 1, whose norms the radii are fractions of.
 * @param {import("./messages.ts").Settings} settings @param {Float32Array} before @param {AbortSignal} signal
 */
async function sweep(settings, before, signal) {
  checkFolds(settings.folds);
  const total = 1 + FRACTIONS.length * PAGE_PROJECTIONS.size;
  let done = 0;
  const baseline = await crossValidated({ ...settings, projection: "none" }, signal);
  post({ type: "sweep-baseline", accuracy: baseline.accuracy.mean, done: ++done, total });
  const points = [];
  for (const [name, { norm }] of PAGE_PROJECTIONS) {
    const projection = /** @type {import("./messages.ts").Settings["projection"]} */ (name);
    const full = norm(before, settings.hidden, dataset.featureNames.length);
    for (const fraction of FRACTIONS) {
      const cv = await crossValidated({ ...settings, projection, radius: fraction * full }, signal);
      const { mean: accuracy, std } = cv.accuracy;
      const point = { projection, fraction, radius: fraction * full, accuracy, std, kept: 1 - cv.featureSparsity.mean };
      points.push(point);
      post({ type: "sweep-point", point, done: ++done, total });
    }
  }
  const { setting, choice } = chooseSetting(points);
  post({ type: "sweep-chosen", point: setting, choice });
}

/** One feature's raw values (as in the file) by class, for its strip plot; missing cells are counted, not drawn. */
function featureValues(name) {
  const f = dataset.featureNames.indexOf(name);
  if (f < 0) throw new Error(`no feature ${JSON.stringify(name)} in the data loaded`);
  const d = dataset.featureNames.length;
  const values = [];
  let missing = 0;
  dataset.labels.forEach((label, s) => {
    const value = dataset.X[s * d + f];
    if (Number.isNaN(value)) missing++;
    else values.push({ label, value });
  });
  post({ type: "feature", name, values, missing });
}

/**
 * The page's one prediction path: the model shown classifies the samples of a second table. Only the features the
 * model reads (its panel) must be columns of that table.
 * @param {string} name @param {ArrayBuffer} bytes
 */
async function predictFile(name, bytes) {
  if (!shownJson) throw new Error("train a model first: the model shown classifies the new samples");
  // The compact panel model (the download): its features are its panel, all a new table needs.
  const model = loadSAE(shownJson);
  try {
    post({ type: "predictions", predictions: await classify(model, name, bytes) });
  } finally {
    model.dispose();
  }
}

/**
 * The samples of a table classified by `predictor` (the compact panel model): the table's id and
 * label columns are those of the training mapping when it has them; columns past the panel are not read.
 * @returns {Promise<import("./messages.ts").Predictions>}
 */
async function classify(predictor, name, bytes) {
  const features = predictor.info.featureNames;
  const panel = predictor.selectedFeatures().map((f) => f.name);
  const requirePanel = (present) => {
    const absent = panel.filter((f) => !present.has(f));
    if (!absent.length) return;
    const listed = absent
      .slice(0, 5)
      .map((f) => JSON.stringify(f))
      .join(", ");
    const more = absent.length > 5 ? ` and ${absent.length - 5} more` : "";
    throw new DataError(`the model reads ${listed}${more}, not in this table`, { file: name });
  };
  const file = await openTable(name, bytes, 0);
  const preview = file.preview(0);
  const allowMissing = predictor.info.preprocessing.imputation != null;
  const { labelColumn, idColumn } = dataset.mapping;
  const header = new Set(preview.header);
  // The omics layout names its features in rows, its labels in a row: read whole, then checked.
  if (!preview.omics) requirePanel(header);
  const labelled = preview.omics || header.has(labelColumn);
  const table = await file.parse(
    preview.omics
      ? { minClasses: 1, allowMissing }
      : {
          labelColumn: labelled ? labelColumn : null,
          minClasses: 1,
          idColumn: idColumn !== null && header.has(idColumn) ? idColumn : undefined,
          featureColumns: features.filter((f) => header.has(f)),
          allowMissing,
        },
  );
  requirePanel(new Set(table.featureNames));
  // A feature outside the panel has a zero first-layer column: its value changes nothing, so a table without it
  // reads 0 there (finite through the log and z-score).
  const column = new Map(table.featureNames.map((f, j) => [f, j]));
  const d = features.length;
  const x = new Float64Array(table.samples * d);
  features.forEach((f, j) => {
    const at = column.get(f);
    if (at !== undefined) for (let s = 0; s < table.samples; s++) x[s * d + j] = table.data[s * table.features + at];
  });
  const classes = predictor.classes.map(String);
  const k = classes.length;
  const probabilities = predictor.predictProba(x);
  const predicted = predictor.predict(x);
  const rows = table.sampleIds.map((sample, s) => ({
    sample,
    label: labelled ? table.labels[s] : null,
    predicted: classes[predicted[s]],
    confidence: probabilities[s * k + predicted[s]],
    probabilities: Array.from(probabilities.subarray(s * k, (s + 1) * k)),
  }));
  const right = rows.filter((r) => r.label === r.predicted).length;
  return { file: name, classes, panel, accuracy: labelled ? right / rows.length : null, rows };
}

async function run(job) {
  controller = new AbortController();
  try {
    await job(controller.signal);
    post({ type: "done" });
  } catch (error) {
    if (controller.signal.aborted) post({ type: "stopped" });
    else throw error;
  } finally {
    controller = null;
  }
}

scope.onmessage = async ({ data: message }) => {
  if (message.type === "stop") {
    controller?.abort(new DOMException("stopped from the page", "AbortError"));
    return;
  }
  try {
    await ready;
    if (message.type === "load") {
      dataset = await load(message);
      shownJson = null;
      post({ type: "data", summary: summary(dataset) });
    } else if (message.type === "feature") featureValues(message.name);
    else if (message.type === "predict") await predictFile(message.name, message.bytes);
    else if (message.type === "train") await run((signal) => train(message.settings, signal));
    else if (message.type === "sweep") await run((signal) => sweep(message.settings, message.before, signal));
  } catch (error) {
    // DataError messages already say file, row and column; other errors keep their own message.
    post({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      data: message.type === "load",
      predict: message.type === "predict",
    });
  }
};
post({ type: "threads", ...threads() });
