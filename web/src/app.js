// @ts-check
// The page's controller: reads the controls, sends jobs to the training worker (web/src/worker.js), and turns the
// worker's messages into the page's text, charts and heat-maps. Only the radius slider computes here (see
// projection.js); everything slower runs in the worker.
import { IMPUTE_METHODS, init, SAE_COMMAND_DEFAULTS, SAE_DEFAULTS } from "../../dist/index.js";
import { featureChart, foldChart, latentChart, lossChart, projectionName, sweepChart } from "./charts.js";
import { download, featuresCsv, predictionsCsv } from "./downloads.js";
import { drawHeatmap, heatmapLegend } from "./heatmap.js";
import { guessMapping, OMICS, previewElement, storedMapping, storeMapping } from "./mapping.js";
import { PAGE_PROJECTIONS, Reprojector } from "./projection.js";
import { applyHash, settingsHash } from "./share.js";
import { openTable } from "./table-file.js";
import { attachTip } from "./tooltip.js";

/** @typedef {import("./messages.ts").FromWorker} FromWorker */

// The page's elements are not typed here (inputs, canvases, buttons…); its messages with the worker are.
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const ready = init();
// The projection menu lists the registry's page projections; the first (bilevel ℓ1,∞) is selected.
$("projection").append(...[...PAGE_PROJECTIONS].map(([name, { label }]) => new Option(label, name)));
// The missing-value menu lists the package's imputations (the command line's --impute).
$("impute").append(...IMPUTE_METHODS.map((m) => new Option(m, m)));
const DATA_CONTROLS = [
  "generate",
  "file-input",
  "label-column",
  "id-column",
  "ignore-columns",
  "impute",
  "samples",
  "features",
  "informative",
  ...document.querySelectorAll('input[name="source"]'),
];

/** @type {Worker} */
let worker;
/** @param {import("./messages.ts").ToWorker} message */
const send = (message) => worker.postMessage(message);
/**
 * The last load message: a worker restarted by Stop is given the data again.
 * @type {import("./messages.ts").LoadMessage | null}
 */
let lastLoad = null;
/** Whether the next "data" message comes from the user's choice (and clears the results) or from a restart. */
let freshData = false;
let stopTimer;
let view;
/**
 * The user's file waiting for, or read with, its column mapping: its bytes and first rows.
 * @type {{ name: string, bytes: ArrayBuffer, preview: ReturnType<Awaited<ReturnType<typeof openTable>>["preview"]> } | null}
 */
let chosenFile = null;
/** The last predictions shown (section 7), for their CSV. @type {import("./messages.ts").Predictions | null} */
let predictions = null;

function emptyView() {
  return {
    summary: view?.summary ?? null,
    settings: null,
    losses: new Map(),
    epochsDone: 0,
    epochsTotal: 1,
    cv: null,
    model: null,
    reprojector: null,
    sweep: [],
    baseline: null,
    chosen: null,
  };
}

function startWorker() {
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (/** @type {MessageEvent<FromWorker>} */ { data }) => {
    /** @type {(message: FromWorker) => void} */ (HANDLERS[data.type])(data);
  };
  worker.onerror = (event) => {
    $("train-error").textContent = `The training worker failed: ${event.message}`;
    finish("Failed.");
  };
}

// ── data ───────────────────────────────────

/** @param {import("./messages.ts").DataSource} source */
function load(source) {
  lastLoad = { type: "load", ...source };
  freshData = true;
  $("data-error").textContent = "";
  $("data-summary").textContent = "Reading…";
  $("train").disabled = true;
  send(lastLoad);
}

function loadSynthetic() {
  const value = (id) => Number($(id).value);
  load({
    source: "synthetic",
    samples: value("samples"),
    features: value("features"),
    informative: Math.min(value("informative"), value("features")),
    seed: 0,
  });
}

/** A file chosen or dropped: its first rows and the mapping (remembered for its name, else guessed), then reads it. */
async function loadFile(file) {
  if (!file) return;
  const bytes = await file.arrayBuffer();
  // Choosing the same file again (after editing it) must read it again: an input that keeps it sends no change.
  $("file-input").value = "";
  $("data-error").textContent = "";
  let preview;
  try {
    preview = (await openTable(file.name, bytes)).preview(8);
  } catch (error) {
    $("data-error").textContent = error instanceof Error ? error.message : String(error);
    return;
  }
  chosenFile = { name: file.name, bytes, preview };
  const stored = storedMapping(file.name, preview.header);
  showMapping(stored ?? guessMapping(preview), stored !== null);
  loadMapped();
}

/** The mapping step: the preview and the column choices, set to `mapping`. */
function showMapping(mapping, remembered) {
  const { name, preview } = chosenFile;
  const options = (names) => names.map((n) => new Option(n, n));
  $("label-column").replaceChildren(...options(preview.header));
  $("id-column").replaceChildren(new Option("none (line numbers)", ""), ...options(preview.header));
  $("ignore-columns").replaceChildren(...options(preview.header));
  $("label-column").value = mapping.labelColumn;
  $("id-column").value = mapping.idColumn ?? "";
  for (const option of $("ignore-columns").options) option.selected = mapping.ignoreColumns.includes(option.value);
  $("impute").value = mapping.impute ?? "";
  $("mapping-file").textContent = name;
  $("mapping-origin").textContent = remembered
    ? "The columns as you last chose them for a file of this name."
    : "A first guess from the first rows: check it.";
  // The SAE omics layout has its labels in a row and its features as rows: only missing values are chosen.
  $("mapping-columns").hidden = preview.omics;
  $("mapping-omics").hidden = !preview.omics;
  $("mapping").hidden = false;
  showPreview(mapping);
}

function showPreview(mapping) {
  $("preview").replaceChildren(previewElement(chosenFile.preview, mapping));
  const wide = chosenFile.preview.header.length > 60;
  $("preview-note").textContent = wide ? `The first 60 of ${chosenFile.preview.header.length} columns.` : "";
}

/** @returns {import("./messages.ts").Mapping} */
function readMapping() {
  if (chosenFile.preview.omics) return { ...OMICS, impute: $("impute").value || null };
  const ignore = [...$("ignore-columns").selectedOptions].map((o) => o.value);
  const label = $("label-column").value;
  const id = $("id-column").value || null;
  return {
    labelColumn: label,
    idColumn: id === label ? null : id,
    ignoreColumns: ignore.filter((c) => c !== label && c !== id),
    impute: $("impute").value || null,
  };
}

/** Reads the chosen file with the mapping shown, and remembers the mapping for the file's name. */
function loadMapped() {
  // The table read with the previous columns is dropped: Train must never train on a mapping no longer shown.
  clearResults();
  view.summary = null;
  const mapping = readMapping();
  storeMapping(chosenFile.name, mapping);
  showPreview(mapping);
  load({ source: "file", name: chosenFile.name, bytes: chosenFile.bytes, mapping });
}

function showSource() {
  const source = /** @type {HTMLInputElement} */ (document.querySelector('input[name="source"]:checked')).value;
  $("synthetic").hidden = source !== "synthetic";
  $("file").hidden = source !== "file";
  $("mapping").hidden = true;
  chosenFile = null;
  share();
  if (source === "builtin") load({ source: "builtin" });
  if (source === "synthetic") loadSynthetic();
  if (source === "file") unload();
}

/** "Your own file" chosen: the data and results shown are dropped, and Train waits for a file. */
function unload() {
  lastLoad = null;
  freshData = false;
  clearResults();
  view.summary = null;
  $("data-error").textContent = "";
  $("data-summary").textContent =
    "No data loaded: drop a CSV or TSV file on the zone above, or press it to choose one.";
  setBusy(false);
  $("status").textContent = "Load a file to train.";
}

function describeData({ name, samples, features, classes, informative, missing, impute }) {
  const counts = classes.map((c) => `${c.label} (${c.samples})`).join(", ");
  const truth = informative
    ? ` Features “informative 1”–“informative ${informative}” carry the classes; the rest are noise.`
    : "";
  const filled = impute ? ` ${missingText(missing)}, filled by ${impute} inside each training set.` : "";
  return `${name}: ${samples} samples × ${features} features; classes ${counts}.${truth}${filled}`;
}

const missingText = ({ cells, rows, columns }) =>
  `${cells} missing cell${cells === 1 ? "" : "s"} in ${rows} sample${rows === 1 ? "" : "s"} and ` +
  `${columns} feature${columns === 1 ? "" : "s"}`;

// ── training ───────────────────────────────

/** The form's starting values: the library's defaults (index.html leaves them out, so they are written once). */
function fillDefaults() {
  const { epochs, folds, hidden } = SAE_DEFAULTS;
  const { seeds } = SAE_COMMAND_DEFAULTS;
  const initial = { epochs1: epochs, epochs2: epochs, folds, seeds, hidden: hidden[0], radius: "auto" };
  for (const [id, value] of Object.entries(initial)) $(id).defaultValue = String(value);
}

/** The radius field: "auto" (any case), or a number. */
const readRadius = () => ($("radius").value.trim().toLowerCase() === "auto" ? "auto" : Number($("radius").value));

/** @returns {import("./messages.ts").Settings} */
function readSettings() {
  const number = (id) => Number($(id).value);
  return {
    projection: $("projection").value,
    radius: readRadius(),
    epochs: [number("epochs1"), number("epochs2")],
    folds: number("folds"),
    seeds: number("seeds"),
    hidden: number("hidden"),
  };
}

function setBusy(busy) {
  $("train").disabled = busy || !view.summary || view.summary.problem !== null;
  $("sweep").disabled = busy || !view.model;
  $("retrain").disabled = busy || !view.model;
  $("stop").disabled = !busy;
  for (const control of DATA_CONTROLS) (typeof control === "string" ? $(control) : control).disabled = busy;
}

/** Section 4's note before any model is shown (index.html's text). */
const LATENT_NOTE = $("latent-note").textContent;

/** Forgets the results shown (new data, or a new training). */
function clearResults() {
  view = emptyView();
  $("latent-note").textContent = LATENT_NOTE;
  for (const id of ["loss-chart", "fold-chart", "latent-chart", "sweep-chart", "heatmap-legend", "kept-list"])
    $(id).replaceChildren();
  for (const id of ["before", "after"]) $(id).getContext("2d").clearRect(0, 0, $(id).width, $(id).height);
  $("features-table").tBodies[0].replaceChildren();
  for (const id of ["cv-summary", "train-error", "kept-count", "kept-detail", "eta-value", "radius-note"])
    $(id).textContent = "";
  for (const id of ["eta", "retrain", "download-features", "download-model", "predict-input"]) $(id).disabled = true;
  $("feature-detail").hidden = true;
  clearPredictions();
}

function clearPredictions() {
  predictions = null;
  $("predictions-table").tBodies[0].replaceChildren();
  $("predictions-table").tHead.replaceChildren();
  for (const id of ["predict-summary", "predict-error"]) $(id).textContent = "";
  $("download-predictions").disabled = true;
  $("predict-input").value = "";
}

const RADIUS_ZERO =
  "The radius must be greater than 0: at 0 the projection removes every feature, and the model reads nothing.";
const RADIUS_FORM = "The radius is auto (chosen inside each training set) or a number greater than 0.";

/** Refuses a radius of 0 (or less) or one that is neither a number nor auto, with a message that says why. */
function checkRadius() {
  const input = $("radius");
  const radius = readRadius();
  const problem =
    input.value.trim() === "" || radius === "auto"
      ? ""
      : !Number.isFinite(radius)
        ? RADIUS_FORM
        : radius <= 0
          ? RADIUS_ZERO
          : "";
  input.setCustomValidity(problem);
  const error = $("train-error");
  if (problem) error.textContent = problem;
  else if ([RADIUS_ZERO, RADIUS_FORM].includes(error.textContent)) error.textContent = "";
}

function startTraining(event) {
  event.preventDefault();
  checkRadius();
  if (!$("settings").reportValidity()) return;
  clearResults();
  view.settings = readSettings();
  view.liveRuns = [];
  const [e1, e2] = view.settings.epochs;
  view.epochsTotal = (view.settings.folds * view.settings.seeds + 1) * (e1 + e2);
  $("progress").value = 0;
  $("status").textContent =
    view.settings.radius === "auto"
      ? "Training the model shown (radius auto: first 8 radii tried on a quarter of its training rows)…"
      : "Training the model shown…";
  setBusy(true);
  send({ type: "train", settings: view.settings });
}

function startSweep() {
  view.sweep = [];
  view.baseline = null;
  view.chosen = null;
  $("sweep-progress").value = 0;
  $("train-error").textContent = "";
  $("status").textContent = "Sweeping the radius…";
  setBusy(true);
  // The radii are fractions of the shown model's phase-1 weight, which the worker may no longer hold (after a restart).
  const { before, hidden } = view.model;
  send({ type: "sweep", settings: { ...readSettings(), hidden }, before });
}

function stop() {
  send({ type: "stop" });
  $("status").textContent = "Stopping…";
  // The signal is read at every training step, but a worker inside one synchronous training cannot receive the
  // message until that training ends: past a second, end the worker instead and give a new one the data.
  stopTimer = setTimeout(() => {
    worker.terminate();
    startWorker();
    if (lastLoad) send(lastLoad);
    finish("Stopped (the worker was restarted).");
  }, 1000);
}

function finish(text) {
  clearTimeout(stopTimer);
  $("status").textContent = text;
  setBusy(false);
}

// ── rendering ──────────────────────────────

const pending = new Map();
/** Draws `name` at the next frame at most once, however many messages asked for it. */
function schedule(name, draw) {
  if (!pending.size)
    requestAnimationFrame(() => {
      for (const fn of pending.values()) fn();
      pending.clear();
    });
  pending.set(name, draw);
}

const widthOf = (id) => Math.max(280, $(id).clientWidth);
const drawLoss = () =>
  view.losses.size && $("loss-chart").replaceChildren(lossChart(view.losses, widthOf("loss-chart")));
const drawFolds = () => view.cv && $("fold-chart").replaceChildren(foldChart(view.cv.runs, widthOf("fold-chart")));
const drawLatent = () =>
  view.model &&
  $("latent-chart").replaceChildren(
    latentChart(
      view.model.latent,
      view.model.axes,
      view.summary.classes.map((c) => c.label),
      widthOf("latent-chart"),
    ),
  );
const drawSweep = () =>
  view.sweep.length &&
  $("sweep-chart").replaceChildren(sweepChart(view.sweep, view.baseline, majorityShare(), widthOf("sweep-chart")));
/** What always answering the largest class scores: the floor of a meaningful accuracy. */
const majorityShare = () => view.summary.classes.reduce((m, c) => Math.max(m, c.samples), 0) / view.summary.samples;

/** The slider's position (0–1000) as a radius: 0.1% to 100% of the layer's norm, on a log scale. */
const sliderRadius = (full, value) => full * 10 ** (-3 + (3 * value) / 1000);
const sliderValue = (full, radius) =>
  Math.round(Math.min(1000, Math.max(0, (1000 * (Math.log10(radius / full) + 3)) / 3)));

/** `x` to `digits` significant digits, written plainly (never "1.0e+2"). */
const plain = (x, digits) =>
  new Intl.NumberFormat("en", { maximumSignificantDigits: digits, useGrouping: false }).format(x);

/** Re-projects at `radius`: the slider's, or the trained one (which may lie outside the slider's range). */
function reproject(radius = sliderRadius(view.reprojector.full, Number($("eta").value))) {
  const { reprojector: r, model } = view;
  const { after, kept, ms } = r.project(radius);
  drawHeatmap($("after"), after, r.hidden, r.d, r.order, view.top);
  const names = model.featureNames;
  const informative = view.summary.informative;
  const truth = informative
    ? `, ${kept.filter((j) => j < informative).length} of the ${informative} informative ones`
    : "";
  $("eta-value").textContent =
    `${plain(radius, 3)} (${plain((100 * radius) / r.full, 2)}% of ‖W‖ = ${plain(r.full, 3)})`;
  $("kept-count").textContent = `${kept.length} of ${r.d} features kept${truth}.`;
  $("kept-detail").textContent =
    `${projectionName(r.kind)} projection of the ${r.hidden} × ${r.d} weight in ${ms.toFixed(3)} ms.`;
  $("after").setAttribute(
    "aria-label",
    `Heat-map of the first-layer weights after the projection at radius ${plain(radius, 3)}: ` +
      `${kept.length} feature columns remain`,
  );
  const shown = kept.slice(0, 300).map((j) => {
    const item = document.createElement("li");
    item.append(featureButton(names[j]));
    return item;
  });
  if (kept.length > 300)
    shown.push(Object.assign(document.createElement("li"), { textContent: `… and ${kept.length - 300} more` }));
  $("kept-list").replaceChildren(...shown);
}

function showModel(message) {
  const { before, hidden, featureNames, radius } = message;
  view.model = message;
  view.losses.set("model shown", message.losses);
  view.reprojector = new Reprojector(before, hidden, featureNames.length, view.settings.projection);
  view.top = before.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const r = view.reprojector;
  drawHeatmap($("before"), before, hidden, r.d, r.order, view.top);
  $("heatmap-legend").replaceChildren(heatmapLegend(view.top));
  $("eta").disabled = false;
  $("eta").value = sliderValue(r.full, radius);
  reproject(radius);
  $("retrain").disabled = false;
  $("predict-input").disabled = false;
  $("radius-note").textContent =
    view.settings.radius === "auto"
      ? `Radius auto: the model shown chose η = ${plain(radius, 3)} among ${message.tried.length} radii ` +
        `(${plain(message.tried.at(-1).radius, 3)} to ${plain(message.tried[0].radius, 3)}), by accuracy on a ` +
        "quarter of its training rows; each cross-validation fold chooses its own inside its training rows."
      : "";
  $("latent-note").textContent =
    `The model shown: trained on ${message.trainSamples} samples at η = ${plain(radius, 3)}, where phase 2 kept ` +
    `${message.kept} features; held-out accuracy ${(100 * message.holdoutAccuracy).toFixed(1)}% on every ` +
    "fold-th sample of each class (large dots; crossed when misclassified).";
  $("download-model").disabled = false;
  schedule("latent", drawLatent);
  schedule("loss", drawLoss);
}

function showCrossValidation({ cv }) {
  view.cv = cv;
  view.frequency = new Map(cv.selection.map((f) => [f.name, f]));
  if (view.settings.radius === "auto") {
    const radii = [...cv.radii].sort((a, b) => a - b);
    const median = radii[Math.floor(radii.length / 2)];
    $("radius-note").textContent +=
      ` The ${radii.length} folds chose η from ${plain(radii[0], 3)} to ${plain(radii.at(-1), 3)} ` +
      `(median ${plain(median, 3)}).`;
  }
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  $("cv-summary").textContent =
    `— mean ${pct(cv.accuracy.mean)} ± ${pct(cv.accuracy.std)}, ` +
    `AUC ${cv.auc.toFixed(3)}, ${pct(cv.featureSparsity)} of the features removed`;
  const folds = cv.runs.length;
  const rows = cv.selection.slice(0, 100).map((f, i) => {
    const row = document.createElement("tr");
    const meter = Object.assign(document.createElement("meter"), {
      min: 0,
      max: 1,
      value: f.frequency,
      title: pct(f.frequency),
    });
    const cells = [String(i + 1), null, null, f.meanScore.toFixed(3)].map((text) =>
      Object.assign(document.createElement("td"), { textContent: text ?? "" }),
    );
    cells[1].append(featureButton(f.name));
    cells[2].append(meter, ` ${Math.round(f.frequency * folds)} of ${folds}`);
    row.append(...cells);
    return row;
  });
  $("features-table").tBodies[0].replaceChildren(...rows);
  $("download-features").disabled = false;
  schedule("folds", drawFolds);
}

/** A feature's name as a button: pressing it plots the feature's values by class (section 5). */
function featureButton(name) {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: name });
  button.className = "feature";
  button.dataset.feature = name;
  return button;
}

/** A feature's selection across the folds (its tooltip, after its name), once cross-validated. */
function selectionText(name) {
  const f = view.frequency?.get(name);
  const runs = view.cv?.runs.length;
  return f
    ? `selected in ${Math.round(f.frequency * runs)} of ${runs} folds (${(100 * f.frequency).toFixed(0)}%), ` +
        `mean score ${f.meanScore.toFixed(3)}`
    : view.cv
      ? "selected in no fold"
      : "cross-validation not done yet";
}

function showFeature({ name, values, missing }) {
  const classes = view.summary.classes.map((c) => c.label);
  $("feature-detail").hidden = false; // first, so that the chart takes the width shown
  $("feature-chart").replaceChildren(featureChart(name, values, classes, widthOf("feature-chart")));
  $("feature-title").textContent =
    `${name} by class${missing ? ` (${missing} missing values not drawn)` : ""}: ${selectionText(name)}.`;
  $("feature-detail").hidden = false;
}

function showPredictions({ predictions: p }) {
  predictions = p;
  const head = ["Sample", ...(p.accuracy === null ? [] : ["Class in the file"]), "Predicted", "Confidence"];
  const headRow = document.createElement("tr");
  headRow.append(
    ...head.map((text) => Object.assign(document.createElement("th"), { scope: "col", textContent: text })),
  );
  $("predictions-table").tHead.replaceChildren(headRow);
  const rows = p.rows.slice(0, 500).map((r) => {
    const row = document.createElement("tr");
    const cells = [
      r.sample,
      ...(p.accuracy === null ? [] : [r.label]),
      r.predicted,
      `${(100 * r.confidence).toFixed(1)}%`,
    ];
    row.append(...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
    return row;
  });
  $("predictions-table").tBodies[0].replaceChildren(...rows);
  const right = p.accuracy === null ? "" : `; ${(100 * p.accuracy).toFixed(1)}% predicted as labelled in the file`;
  const shown = p.rows.length > 500 ? ` (the first 500 shown; the CSV has them all)` : "";
  $("predict-summary").textContent =
    `${p.file}: ${p.rows.length} samples classified by the model shown, which reads ${p.panel.length} features` +
    `${right}${shown}.`;
  $("predict-error").textContent = "";
  $("download-predictions").disabled = false;
}

/** Puts the settings shown in the address (never the data), so that the address is a link to them. */
function share() {
  const hash = settingsHash();
  history.replaceState(null, "", hash);
  $("share-link").href = hash;
}

function recordProgress({ event }) {
  const name = event.fold
    ? view.settings.seeds > 1
      ? `seed ${event.seed} fold ${event.fold}`
      : `fold ${event.fold}`
    : "model shown";
  if (!view.losses.has(name)) view.losses.set(name, [[], []]);
  view.losses.get(name)[event.phase - 1][event.epoch - 1] = event.loss;
  $("progress").value = ++view.epochsDone / view.epochsTotal;
  schedule("loss", drawLoss);
}

function threadsText({ workers, reason, cores, isolated }) {
  const threads =
    workers > 1
      ? `Threads on: cross-validation folds run in ${workers} parallel workers (${cores} cores).`
      : `Threads off: ${reason}; folds run one after another in the training worker.`;
  const isolation = isolated
    ? "Cross-origin isolated (COOP/COEP): shared memory and fine timers are available."
    : "Not cross-origin isolated (the page was served without COOP/COEP): the fold workers still run, passing " +
      "messages, but shared memory is off and timers are coarse, so the projection times below are rounded.";
  return `${threads} ${isolation}`;
}

/** @type {{ [K in FromWorker["type"]]: (message: Extract<FromWorker, { type: K }>) => void }} */
const HANDLERS = {
  threads: (m) => ($("threads").textContent = threadsText(m)),
  data({ summary }) {
    if (!lastLoad) return; // a load answered after "Your own file" unloaded the data
    if (freshData) clearResults();
    freshData = false;
    view.summary = summary;
    $("data-summary").textContent = describeData(summary);
    $("missing-summary").textContent = summary.missing.cells ? `${missingText(summary.missing)}.` : "No missing cells.";
    $("data-error").textContent = summary.problem ?? "";
    $("status").textContent = summary.problem ? "Not ready: see the data's message above." : "Ready to train.";
    setBusy(false);
  },
  error({ message, data, predict }) {
    if (predict) {
      $("predict-error").textContent = message;
      $("predict-summary").textContent = "";
      return;
    }
    $(data ? "data-error" : "train-error").textContent =
      data && view.summary ? `${message} (the data set loaded before is kept)` : message;
    if (data) {
      freshData = false;
      $("data-summary").textContent = view.summary ? describeData(view.summary) : "";
    }
    finish(!data ? "Failed." : view.summary ? "Ready to train." : "No data loaded.");
  },
  fold: ({ event }) => ($("status").textContent = `Cross-validating: fold ${event.run} of ${event.runs} started…`),
  // Each fold's bar appears as soon as that fold is scored; the final summary replaces them.
  "fold-result"({ run }) {
    view.liveRuns.push(run);
    view.liveRuns.sort((a, b) => a.fold - b.fold);
    $("fold-chart").replaceChildren(foldChart(view.liveRuns, widthOf("fold-chart")));
  },
  progress: recordProgress,
  feature: showFeature,
  predictions: showPredictions,
  model: showModel,
  cv: showCrossValidation,
  "sweep-baseline"({ accuracy, done, total }) {
    view.baseline = accuracy;
    $("sweep-progress").value = done / total;
  },
  "sweep-point"({ point, done, total }) {
    view.sweep.push(point);
    $("sweep-progress").value = done / total;
    $("status").textContent = `Sweeping the radius: ${done} of ${total} cross-validations done.`;
    schedule("sweep", drawSweep);
  },
  "sweep-chosen"({ point, choice }) {
    const share = plain(100 * point.fraction, 2);
    const where = `${projectionName(point.projection)} at η = ${plain(point.radius, 3)} (${share}% of ‖W‖)`;
    view.chosen = `${where}, ${(100 * point.accuracy).toFixed(1)}% accuracy: ${choice}`;
  },
  done: () => finish(view.chosen ? `Sweep done. Chosen: ${view.chosen}.` : "Done."),
  stopped: () => finish("Stopped."),
};

// ── wiring ─────────────────────────────────

await ready;
fillDefaults();
const refused = applyHash(location.hash);
if (refused.length) $("link-note").textContent = `The link's ${refused.join(", ")} could not be used: defaults kept.`;
view = emptyView();
startWorker();
document.querySelectorAll('input[name="source"]').forEach((radio) => radio.addEventListener("change", showSource));
for (const id of ["samples", "features", "informative"])
  $(id).addEventListener("input", () => ($(`${id}-value`).textContent = $(id).value));
$("generate").addEventListener("click", loadSynthetic);
$("file-input").addEventListener("change", () => loadFile($("file-input").files[0]));
const drop = $("drop");
drop.addEventListener("dragover", (event) => (event.preventDefault(), drop.classList.add("over")));
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  loadFile(event.dataTransfer.files[0]);
});
// A file dropped anywhere else would make the browser open it in place of the page (and lose its state): the page
// takes every drag, shows "no drop" outside the zone, and ignores a drop there, saying where files go.
window.addEventListener("dragover", (event) => {
  event.preventDefault();
  if (event.dataTransfer && !drop.contains(/** @type {Node} */ (event.target))) event.dataTransfer.dropEffect = "none";
});
window.addEventListener("drop", (event) => {
  event.preventDefault();
  if (!drop.contains(/** @type {Node} */ (event.target)))
    $("data-error").textContent =
      "A file dropped outside the drop zone is ignored: choose “Your own file”, then drop it on the dashed zone.";
});
for (const id of ["label-column", "id-column", "ignore-columns", "impute"])
  $(id).addEventListener("change", loadMapped);
$("settings").addEventListener("submit", startTraining);
$("settings").addEventListener("input", share);
$("settings").addEventListener("change", share);
for (const id of ["samples", "features", "informative"]) $(id).addEventListener("change", share);
$("retrain").addEventListener("click", () => {
  $("radius").value = plain(sliderRadius(view.reprojector.full, Number($("eta").value)), 3);
  checkRadius();
  share();
  $("settings").requestSubmit();
});
// Pressing a feature's name (section 3's list, section 5's table) plots its values by class.
document.addEventListener("click", (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest?.("button.feature");
  if (button instanceof HTMLElement) send({ type: "feature", name: button.dataset.feature });
});
$("predict-input").addEventListener("change", async () => {
  const file = $("predict-input").files[0];
  if (!file) return;
  $("predict-error").textContent = "";
  $("predict-summary").textContent = `Classifying ${file.name}…`;
  send({ type: "predict", name: file.name, bytes: await file.arrayBuffer() });
});
$("download-predictions").addEventListener("click", () =>
  download("predictions.csv", predictionsCsv(predictions), "text/csv"),
);
const tip = $("tip");
// The heat-maps' tooltips: the feature, hidden unit and weight under the pointer (the canvas is stretched by CSS).
for (const id of ["before", "after"])
  attachTip(tip, $(id), (event) => {
    const r = view.reprojector;
    if (!r) return null;
    const box = $(id).getBoundingClientRect();
    const c = Math.floor(((event.clientX - box.left) / box.width) * r.d);
    const unit = Math.floor(((event.clientY - box.top) / box.height) * r.hidden);
    if (c < 0 || c >= r.d || unit < 0 || unit >= r.hidden) return null;
    const j = r.order[c];
    const w = (id === "before" ? r.before : r.after)[unit * r.d + j];
    return `${view.model.featureNames[j]} · hidden unit ${unit + 1} · weight ${plain(w, 3)}`;
  });
for (const id of ["kept-list", "features-table"])
  attachTip(tip, $(id), (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest?.("button.feature");
    return button instanceof HTMLElement ? `${button.dataset.feature}: ${selectionText(button.dataset.feature)}` : null;
  });
$("stop").addEventListener("click", stop);
$("sweep").addEventListener("click", startSweep);
$("eta").addEventListener("input", () => view.reprojector && reproject());
$("radius").addEventListener("input", checkRadius);
$("download-features").addEventListener("click", () =>
  download("features.csv", featuresCsv(view.cv.selection), "text/csv"),
);
$("download-model").addEventListener("click", () => download("model.json", `${view.model.json}\n`, "application/json"));
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => [drawLoss, drawFolds, drawLatent, drawSweep].forEach((draw) => draw()), 150);
});
showSource();
