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
