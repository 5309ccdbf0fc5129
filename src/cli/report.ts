// What `sparseproj sae` reports from its cross-validation results, shared with `sparseproj merge` (which merges
// the same results run as separate tasks, src/cli/grid.ts): the report (a table, or one JSON document), the files
// and plots --out writes, and the final model trained on every sample with the chosen setting (--out, --save).
import type { LabelledTable } from "../io/table.ts";
import { chooseSetting } from "../sae/choose-setting.ts";
import type { CrossValidationResult, Summary } from "../sae/cross-validate.ts";
import type { SAEModel } from "../sae/model.ts";
import type { Radius, SAEOptions, SAEProjection } from "../sae/options.ts";
import type { ImputeMethod } from "../sae/preprocess.ts";
import { trainSAE } from "../sae/train.ts";
import { csv, reportStream, textTable, writeDirectory, writeFile, type Cell } from "./output.ts";
import { latentFigure, lossFigure, radiusFigure, weightsFigure } from "./plots.ts";
import type { Progress } from "./progress.ts";
import type { SaeCommand, SaeRadius } from "./sae.ts";
import { modelFiles, savedModel } from "./panel.ts";

export interface Setting {
  projection: SAEProjection;
  /** null without projection, and with top-k (which has keep instead). */
  radius: SaeRadius | "auto" | null;
  keep?: number;
}

interface MeanStd {
  mean: number;
  /** The sample standard deviation (n − 1) over folds × seeds. */
  std: number;
}

export interface SaeRun extends Setting {
  /** `folds`: the accuracy of every run, seed by seed, fold by fold. */
  accuracy: MeanStd & { folds: number[] };
  auc: MeanStd;
  f1: MeanStd;
  featureSparsity: MeanStd;
  /** Features selected in at least one run, most often first: frequency is the fraction of runs. */
  selectedFeatures: Array<{ name: string; frequency: number; meanScore: number }>;
  secondsPerEpoch: number;
  /** With --impute: the missing cells filled in, per run (seed by seed, fold by fold), over all the run's rows. */
  imputed?: number[];
  /** With --impute: features dropped for missingness in at least one run; frequency is the fraction of runs. */
  droppedFeatures?: Array<{ name: string; frequency: number }>;
}

/** What --json prints and --out saves as results.json. Fractions, not percentages. */
export interface SaeReport {
  file: string;
  samples: number;
  features: number;
  /** Rows without a label, dropped with --drop-unlabelled. */
  droppedUnlabelled: number;
  classes: Array<{ label: string; samples: number }>;
  folds: number;
  seeds: number;
  runs: SaeRun[];
  /** With --impute: the method, the share, and the table's missing cells and features with any missing. */
  missing?: { impute: ImputeMethod; maxMissing: number; cells: number; features: number };
  /** The setting of the model trained on every sample (with --out or --save), and why it was chosen. */
  model: (Setting & { choice: string }) | null;
}

/** Every file --out may write; an existing directory holding only these is replaced. */
export const OUTPUT_FILES = [
  "results.json",
  "metrics.csv",
  "features.csv",
  "predictions.csv",
  "attribution.csv",
  "model.json",
  "panel.csv",
  "missing.csv",
  "radius.svg",
  "loss.svg",
  "latent.svg",
  "weights.svg",
] as const;

function classSizes(table: LabelledTable): Array<{ label: string; samples: number }> {
  return table.classes.map((label, c) => ({ label, samples: table.y.filter((y) => y === c).length }));
}

export function settingsOf(command: SaeCommand): Setting[] {
  const none: Setting = { projection: "none", radius: null };
  if (command.projection === "none") return [none];
  const projected: Setting[] =
    command.projection === "top-k"
      ? [{ projection: "top-k", radius: null, keep: command.keep }]
      : command.radii === "auto"
        ? [{ projection: command.projection, radius: "auto" }]
        : command.radii.map((radius) => ({ projection: command.projection, radius }));
  return command.baseline ? [none, ...projected] : projected;
}

export function describe({ projection, radius, keep }: Setting): string {
  return keep !== undefined ? `${projection} k=${keep}` : radius === null ? projection : `${projection} η=${radius}`;
}

/** The radius as trainSAE takes it: "0.05x" is { relative: 0.05 }. */
function libraryRadius(radius: Setting["radius"]): Radius | undefined {
  return typeof radius === "string" && radius !== "auto" ? { relative: parseFloat(radius) } : (radius ?? undefined);
}

/** The setting of the model to keep, as the library chooses it among those cross-validated. */
function modelSetting(settings: Setting[], results: CrossValidationResult[]): Setting & { choice: string } {
  const tried = settings.map((s, index) => {
    return {
      index,
      projection: s.projection,
      radius: libraryRadius(s.radius) ?? null,
      accuracy: results[index].accuracy.mean,
    };
  });
  const { setting, choice } = chooseSetting(tried);
  return { ...settings[setting.index], choice };
}

export function toOptions(command: SaeCommand, table: LabelledTable, setting: Setting, progress: Progress): SAEOptions {
  const { projection, radius, keep } = setting;
  return {
    hidden: command.hidden,
    lambda: command.lambda,
    lr: command.lr,
    batchSize: command.batchSize,
    epochs: command.epochs,
    rewind: command.rewind,
    // Without --impute the options are as before, bit for bit.
    preprocess: command.impute
      ? { log: command.log, impute: command.impute, maxMissing: command.maxMissing }
      : { log: command.log },
    featureNames: table.featureNames,
    projection,
    radius: libraryRadius(radius),
    keep,
    onProgress: (event) => progress.epoch(event),
  };
}

const meanStd = ({ mean, std }: Summary): MeanStd => ({ mean, std });

/** Per feature dropped in at least one run, the fraction of runs that dropped it, most often first. */
function droppedOf(cv: CrossValidationResult): Array<{ name: string; frequency: number }> {
  const counts = new Map<number, number>();
  for (const run of cv.runs) for (const j of run.droppedFeatures ?? []) counts.set(j, (counts.get(j) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([j, times]) => ({ name: cv.featureNames[j], frequency: times / cv.runs.length }));
}

function toRun(setting: Setting, cv: CrossValidationResult): SaeRun {
  const missing = cv.runs[0]?.imputed !== undefined;
  return {
    ...setting,
    accuracy: { ...meanStd(cv.accuracy), folds: cv.accuracy.values },
    auc: meanStd(cv.auc),
    f1: meanStd(cv.f1),
    featureSparsity: meanStd(cv.featureSparsity),
    selectedFeatures: cv.selection.map(({ name, frequency, meanScore }) => ({ name, frequency, meanScore })),
    secondsPerEpoch: cv.secondsPerEpoch.mean,
    ...(missing ? { imputed: cv.runs.map((r) => r.imputed ?? 0), droppedFeatures: droppedOf(cv) } : {}),
  };
}

/** Per feature, the share of the table's samples where it is missing. */
function missingShares(table: LabelledTable): number[] {
  const counts = new Array<number>(table.features).fill(0);
  for (let i = 0; i < table.data.length; i++) if (Number.isNaN(table.data[i])) counts[i % table.features]++;
  return counts.map((c) => c / table.samples);
}

function missingCsv(table: LabelledTable): string {
  const shares = missingShares(table);
  return csv(
    ["feature", "missing"],
    table.featureNames.map((name, j) => [name, shares[j]]),
  );
}

/** The line printed with --impute: the table's missing cells, and the features dropped in some run. */
function missingLine(report: SaeReport): string {
  const m = report.missing!;
  const total = report.samples * report.features;
  const dropped = report.runs.flatMap((r) => r.droppedFeatures ?? []);
  const names = [...new Set(dropped.map((f) => f.name))];
  const shown = names.slice(0, 10).join(", ") + (names.length > 10 ? `, … (${names.length})` : "");
  return (
    `missing values: ${m.cells} of ${total} cells (${((100 * m.cells) / total).toFixed(1)}%); ` +
    `${m.impute} imputation fitted on each training fold; ` +
    (names.length
      ? `dropped in some run (missing in more than ${m.maxMissing} of its training rows): ${shown}`
      : "no feature dropped")
  );
}

const percent = (s: MeanStd) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}`;
const fraction = (s: MeanStd) => `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}`;

function printTable(report: SaeReport): string {
  const runs = report.folds * report.seeds;
  const header = [
    "projection",
    "radius",
    "accuracy %",
    "AUC",
    "F1",
    "features removed %",
    "s/epoch",
    "top features (share of runs selecting it)",
  ];
  const rows = report.runs.map((r) => [
    r.projection,
    r.keep !== undefined ? `keep ${r.keep}` : r.radius === null ? "-" : String(r.radius),
    percent(r.accuracy),
    fraction(r.auc),
    fraction(r.f1),
    percent(r.featureSparsity),
    r.secondsPerEpoch.toFixed(4),
    r.selectedFeatures
      .slice(0, 5)
      .map((f) => `${f.name} ${(100 * f.frequency).toFixed(0)}%`)
      .join(", "),
  ]);
  const classes = report.classes.map((c) => `${c.label} (${c.samples})`).join(", ");
  const lines = [
    `${report.file}: ${report.samples} samples × ${report.features} features; classes ${classes}`,
    ...(report.droppedUnlabelled
      ? [`${report.droppedUnlabelled} row${report.droppedUnlabelled === 1 ? "" : "s"} without a label dropped`]
      : []),
    `${report.folds} stratified folds × ${report.seeds} seed${report.seeds === 1 ? "" : "s"} ` +
      `= ${runs} runs per setting`,
    "",
    textTable(header, rows).trimEnd(),
    `± is the sample standard deviation (n − 1) over the ${runs} runs (folds × seeds).`,
  ];
  if (report.missing) lines.push(missingLine(report));
  if (report.model) lines.push(`model: ${describe(report.model)}, ${report.model.choice}.`);
  return `${lines.join("\n")}\n`;
}

function metricsCsv(settings: Setting[], results: CrossValidationResult[]): string {
  const rows = results.flatMap((cv, i) =>
    cv.runs.map((r) => [
      settings[i].projection,
      settings[i].radius,
      r.radius,
      r.seed,
      r.fold,
      r.accuracy,
      r.auc,
      r.f1,
      r.precision,
      r.recall,
      r.featureSparsity,
      r.selected.length,
      r.silhouette,
      r.secondsPerEpoch,
    ]),
  );
  return csv(
    [
      "projection",
      "radius",
      "radius_used",
      "seed",
      "fold",
      "accuracy",
      "auc",
      "f1",
      "precision",
      "recall",
      "feature_sparsity",
      "selected_features",
      "silhouette",
      "seconds_per_epoch",
    ],
    rows,
  );
}

function featuresCsv(settings: Setting[], results: CrossValidationResult[]): string {
  const rows = results.flatMap((cv, i) =>
    cv.selection.map((f, rank) => [
      settings[i].projection,
      settings[i].radius,
      rank + 1,
      f.name,
      f.frequency,
      f.meanScore,
    ]),
  );
  return csv(["projection", "radius", "rank", "feature", "frequency", "mean_score"], rows);
}

/** Per setting, feature and class: the mean integrated gradient over the test samples of that class. */
function attributionCsv(settings: Setting[], results: CrossValidationResult[]): string {
  const classes = results[0].classes.map(String);
  const rows = results.flatMap((cv, i) =>
    cv.featureNames.map((name, j) => [
      settings[i].projection,
      settings[i].radius,
      name,
      ...cv.attribution!.map((row) => row[j]),
    ]),
  );
  return csv(["projection", "radius", "feature", ...classes.map((c) => `ig_${c}`)], rows);
}

function predictionsCsv(settings: Setting[], results: CrossValidationResult[], table: LabelledTable): string {
  const classes = results[0].classes.map(String);
  const k = classes.length;
  const rows: Cell[][] = [];
  results.forEach((cv, i) => {
    for (const r of cv.runs) {
      r.test.forEach((sample, t) => {
        const p = Array.from(r.probabilities.subarray(t * k, (t + 1) * k));
        rows.push([
          settings[i].projection,
          settings[i].radius,
          r.seed,
          r.fold,
          table.sampleIds[sample],
          table.labels[sample],
          classes[r.predicted[t]],
          p[r.predicted[t]],
          ...p,
        ]);
      });
    }
  });
  return csv(
    [
      "projection",
      "radius",
      "seed",
      "fold",
      "sample",
      "label",
      "predicted",
      "confidence",
      ...classes.map((c) => `p_${c}`),
    ],
    rows,
  );
}

function outputFiles(
  command: SaeCommand,
  report: SaeReport,
  settings: Setting[],
  results: CrossValidationResult[],
  table: LabelledTable,
  model: SAEModel,
): Array<{ name: string; content: string }> {
  const about = `Final model (${describe(report.model!)})`;
  const files = [
    { name: "results.json", content: `${JSON.stringify(report, null, 2)}\n` },
    { name: "metrics.csv", content: metricsCsv(settings, results) },
    { name: "features.csv", content: featuresCsv(settings, results) },
    { name: "predictions.csv", content: predictionsCsv(settings, results, table) },
    ...(command.attribution ? [{ name: "attribution.csv", content: attributionCsv(settings, results) }] : []),
    ...modelFiles(model, report.model!, settings, results, command.fullModel),
    ...(command.impute ? [{ name: "missing.csv", content: missingCsv(table) }] : []),
    {
      name: "loss.svg",
      content: lossFigure(model.info.history.losses, `${about}, trained on all ${table.samples} samples.`),
    },
    {
      name: "latent.svg",
      content: latentFigure(
        model.encode(table.data),
        model.classes.map(String),
        table.labels,
        `${about} on its ${table.samples} training samples, which it separates better than new ones.`,
      ),
    },
    {
      name: "weights.svg",
      content: weightsFigure(
        model.firstLayerBeforeProjection!,
        model.firstLayerWeight,
        command.hidden[0],
        `${about}; |W| of each of the ${command.hidden[0]} hidden units (rows) for each input feature (columns).`,
      ),
    },
  ];
  const radii = report.runs.filter((r): r is SaeRun & { radius: number } => typeof r.radius === "number");
  if (radii.length > 1) {
    const baseline = report.runs.find((r) => r.projection === "none");
    files.push({
      name: "radius.svg",
      content: radiusFigure(
        command.projection,
        radii,
        baseline?.accuracy ?? null,
        `${report.folds} folds × ${report.seeds} seeds`,
      ),
    });
  }
  return files;
}

function missingSummary(command: SaeCommand, table: LabelledTable): NonNullable<SaeReport["missing"]> {
  const shares = missingShares(table);
  return {
    impute: command.impute!,
    maxMissing: command.maxMissing,
    cells: shares.reduce((sum, s) => sum + Math.round(s * table.samples), 0),
    features: shares.filter((s) => s > 0).length,
  };
}

/**
 * The report of `command`'s cross-validation `results` (one per setting of `settingsOf(command)`, in order): the
 * final model trained when --out or --save asks for it, the files written, the report printed; returns it.
 */
export function writeReport(
  command: SaeCommand,
  table: LabelledTable,
  settings: Setting[],
  results: CrossValidationResult[],
  progress: Progress,
): SaeReport {
  const trainModel = Boolean(command.out || command.save);
  let model: SAEModel | null = null;
  const { file, folds, seeds } = command;
  try {
    const report: SaeReport = {
      file,
      samples: table.samples,
      features: table.features,
      droppedUnlabelled: table.droppedUnlabelled,
      classes: classSizes(table),
      folds,
      seeds,
      runs: settings.map((s, i) => toRun(s, results[i])),
      ...(command.impute ? { missing: missingSummary(command, table) } : {}),
      model: trainModel ? modelSetting(settings, results) : null,
    };
    if (report.model) {
      progress.start(`final model: ${describe(report.model)} on all ${table.samples} samples`);
      model = trainSAE(table.data, table.labels, toOptions(command, table, report.model, progress));
    }
    progress.stop();
    const files = command.out ? outputFiles(command, report, settings, results, table, model!) : [];
    if (command.out) writeDirectory(command.out, files, OUTPUT_FILES);
    if (command.save) writeFile(command.save, savedModel(model!, command.fullModel));
    const stream = reportStream(command.save);
    if (command.json) stream.write(`${JSON.stringify(report)}\n`);
    else {
      const wrote = command.out ? `wrote ${command.out}: ${files.map((f) => f.name).join(", ")}\n` : "";
      stream.write(printTable(report) + wrote);
    }
    return report;
  } finally {
    model?.dispose();
  }
}
