// What the page lets you download: the ranked features as CSV (the CLI's features.csv columns) and the model as
// the JSON that `sparseproj predict` loads. Files are made in the page: nothing is uploaded.
import { csvFormatRows } from "d3-dsv";

/** The cross-validated selection as CSV (d3-dsv, as the CLI): rank, feature, frequency (share of folds), mean_score. */
export function featuresCsv(selection) {
  const rows = selection.map((f, i) => [i + 1, f.name, f.frequency, f.meanScore].map(String));
  return `${csvFormatRows([["rank", "feature", "frequency", "mean_score"], ...rows])}\n`;
}

/** Saves `text` as a file through a temporary object URL. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Predictions as CSV, the columns of `sparseproj predict`'s table: sample, label (a labelled table only), predicted,
 * confidence, then p(class) per class.
 */
export function predictionsCsv({ classes, accuracy, rows }) {
  const labelled = accuracy !== null;
  const header = [
    "sample",
    ...(labelled ? ["label"] : []),
    "predicted",
    "confidence",
    ...classes.map((c) => `p(${c})`),
  ];
  const body = rows.map((r) => [
    r.sample,
    ...(labelled ? [r.label] : []),
    r.predicted,
    String(r.confidence),
    ...r.probabilities.map(String),
  ]);
  return `${csvFormatRows([header, ...body])}\n`;
}
