// `sparseproj predict model.json <file>`: classifies the samples of a table with a saved model. The model's
// features are found in the table by name, so the columns may come in any order and extra columns are ignored;
// the label column, when the table has one (any number of classes), gives the accuracy.
import { DataError, type LabelledTable } from "../io/table.ts";
import type { SAEModel } from "../sae/model.ts";
import { NotFiniteError } from "../sae/preprocess.ts";
import { readModel, readTable, type TableFlags } from "./input.ts";
import { textTable } from "./output.ts";

export interface PredictCommand {
  model: string;
  file: string;
  json: boolean;
  labelColumn?: string;
  idColumn?: string;
  /** --na-values, --ignore-columns, --feature-columns, --drop-unlabelled. */
  tableFlags?: TableFlags;
}

export interface Prediction {
  sample: string;
  /** The sample's label in the table, or null for an unlabelled table. */
  label: string | null;
  predicted: string;
  /** The softmax probability of the predicted class. */
  confidence: number;
  probabilities: Record<string, number>;
}

/** What --json prints. */
export interface PredictReport {
  model: string;
  file: string;
  samples: number;
  classes: string[];
  /** Fraction of samples whose label is the predicted class; null for an unlabelled table. */
  accuracy: number | null;
  predictions: Prediction[];
}

/** The table's values in the model's feature order (samples × model features, row-major). */
export function modelColumns(table: LabelledTable, model: SAEModel, file: string): Float64Array {
  const column = new Map(table.featureNames.map((name, f) => [name, f]));
  const missing = model.info.featureNames.filter((name) => !column.has(name));
  if (missing.length) {
    // A compact model's features are its panel, short enough to list (up to 20) so the lab knows what to measure.
    const shown = model.compaction ? 20 : 5;
    const listed = missing
      .slice(0, shown)
      .map((n) => JSON.stringify(n))
      .join(", ");
    const more = missing.length - shown;
    const verb = more > 0 ? ` and ${more} more are` : missing.length > 1 ? " are" : " is";
    const whose = model.compaction ? "panel" : "model";
    throw new DataError(
      `the ${whose}'s feature${missing.length > 1 ? "s" : ""} ${listed}${verb} not a column of the table`,
      { file },
    );
  }
  const order = model.info.featureNames.map((name) => column.get(name)!);
  const d = order.length;
  const x = new Float64Array(table.samples * d);
  for (let s = 0; s < table.samples; s++) order.forEach((f, j) => (x[s * d + j] = table.data[s * table.features + f]));
  return x;
}

/** The model's probabilities and classes; a sample it cannot carry is a DataError naming the sample (and feature). */
function classify(model: SAEModel, x: Float64Array, table: LabelledTable, file: string) {
  try {
    return { probabilities: model.predictProba(x), predicted: model.predict(x) };
  } catch (error) {
    if (!(error instanceof NotFiniteError)) throw error;
    const { row, column, reason } = error;
    const feature = column === null ? "" : `, feature ${JSON.stringify(model.info.featureNames[column])}`;
    throw new DataError(`sample ${JSON.stringify(table.sampleIds[row])}${feature}: ${reason}`, { file });
  }
}

/** The samples to classify; empty cells read as missing when the model imputes them (trained with --impute). */
function readSamples(command: PredictCommand, model: SAEModel): Promise<LabelledTable> {
  const { file, labelColumn, idColumn } = command;
  const missing = model.info.preprocessing.imputation ? { allowMissing: true } : {};
  const columns = { labelColumn, labelsOptional: labelColumn === undefined, idColumn, minClasses: 1, ...missing };
  return readTable(file, columns, command.tableFlags);
}

/** Runs `sparseproj predict`; returns the report it printed. */
export async function runPredict(command: PredictCommand): Promise<PredictReport> {
  const model = readModel(command.model);
  try {
    const table = await readSamples(command, model);
    const labelled = table.labels.length > 0;
    const x = modelColumns(table, model, command.file);
    const classes = model.classes.map(String);
    const k = classes.length;
    const { probabilities, predicted } = classify(model, x, table, command.file);
    const predictions = table.sampleIds.map((sample, s) => ({
      sample,
      label: labelled ? table.labels[s] : null,
      predicted: classes[predicted[s]],
      confidence: probabilities[s * k + predicted[s]],
      probabilities: Object.fromEntries(classes.map((c, i) => [c, probabilities[s * k + i]])),
    }));
    const right = predictions.filter((p) => p.label === p.predicted).length;
    const report: PredictReport = {
      model: command.model,
      file: command.file,
      samples: table.samples,
      classes,
      accuracy: labelled ? right / table.samples : null,
      predictions,
    };
    if (command.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      const rows = predictions.map((p) => [
        p.sample,
        ...(labelled ? [p.label!] : []),
        p.predicted,
        p.confidence.toFixed(3),
        ...classes.map((c) => p.probabilities[c].toFixed(3)),
      ]);
      process.stdout.write(
        textTable(
          ["sample", ...(labelled ? ["label"] : []), "predicted", "confidence", ...classes.map((c) => `p(${c})`)],
          rows,
        ),
      );
      if (report.accuracy !== null)
        process.stdout.write(
          `accuracy: ${(100 * report.accuracy).toFixed(1)}% (${right} of ${table.samples} samples)\n`,
        );
    }
    return report;
  } finally {
    model.dispose();
  }
}
