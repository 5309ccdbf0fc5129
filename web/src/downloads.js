// What the page lets you download: the ranked features as CSV (the CLI's features.csv columns) and the model as
// the JSON that `sparseproj predict` loads. Files are made in the page: nothing is uploaded.

const cell = (value) => (/[",\n\r]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

/** The cross-validated selection as CSV: rank, feature, frequency (share of folds), mean_score. */
export function featuresCsv(selection) {
  const lines = ["rank,feature,frequency,mean_score", ...selection.map((f, i) => [i + 1, f.name, f.frequency, f.meanScore].map(cell).join(","))];
  return `${lines.join("\n")}\n`;
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
