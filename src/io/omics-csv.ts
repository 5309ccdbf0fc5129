// Reader for the SAE omics CSV format: `;`-separated, features as rows, a `Name` row of sample ids and a
// `Label` row, then one row per feature. Returned transposed: samples × features, row-major.

export interface OmicsTable {
  readonly sampleIds: string[];
  /** Class label per sample, as written in the Label row. */
  readonly labels: string[];
  readonly featureNames: string[];
  readonly samples: number;
  readonly features: number;
  /** samples × features, row-major: data[s·features + f]. */
  readonly data: Float64Array;
}

export function parseOmicsCsv(text: string, delimiter = ";"): OmicsTable {
  if (typeof text !== "string") throw new TypeError("parseOmicsCsv(text): text must be a string");
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const cells = lines.map((line) => line.split(delimiter).map((cell) => cell.trim()));
  if (cells.length < 3) throw new SyntaxError("an omics CSV needs a Name row, a Label row and at least one feature row");
  const [nameRow, labelRow, ...featureRows] = cells;
  expectHeader(nameRow, "Name", 1);
  expectHeader(labelRow, "Label", 2);
  const samples = nameRow.length - 1;
  const features = featureRows.length;
  const data = new Float64Array(samples * features);
  featureRows.forEach((row, f) => {
    const line = f + 3;
    if (row.length !== samples + 1) throw new SyntaxError(`line ${line}: ${row.length - 1} values for ${samples} samples`);
    for (let s = 0; s < samples; s++) {
      const value = Number(row[s + 1]);
      if (row[s + 1] === "" || !Number.isFinite(value)) throw new SyntaxError(`line ${line}, sample ${s + 1}: '${row[s + 1]}' is not a finite number`);
      data[s * features + f] = value;
    }
  });
  if (labelRow.length !== samples + 1) throw new SyntaxError(`line 2: ${labelRow.length - 1} labels for ${samples} samples`);
  return {
    sampleIds: nameRow.slice(1),
    labels: labelRow.slice(1),
    featureNames: featureRows.map((row) => row[0]),
    samples,
    features,
    data,
  };
}

function expectHeader(row: string[], name: string, line: number): void {
  if (row[0] !== name) throw new SyntaxError(`line ${line} must start with '${name}'; got '${row[0]}'`);
}
