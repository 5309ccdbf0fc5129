// Labelled data tables for the supervised autoencoder: plain CSV/TSV (a header row, one sample per row, a label
// column) or the SAE omics layout (features as rows). Every problem is a DataError that says where it is in the
// file, because the files come from spreadsheets and the person fixing them needs a row and a column to look at.
import { dsvFormat } from "d3-dsv";

export { decodeText } from "./decode.ts";

/** The layouts `parseTable` reads (see `ParseTableOptions.format`). */
export type TableFormat = "auto" | "csv" | "tsv" | "omics";

/** How `parseTable` reads a file: its layout, separator, label and id columns. */
export interface ParseTableOptions {
  /**
   * "csv": comma-separated, header row, one sample per row. "tsv": the same with tabs. "omics": the SAE
   * layout, `;`-separated, a `Name` row of sample ids, a `Label` row, then one row per feature.
   * "auto" (default): omics when the first cell is `Name` and the next row starts with `Label`, else a plain
   * table; the separator is whichever of tab, `;` and `,` the first line holds most of (outside quotes).
   */
  readonly format?: TableFormat;
  /** Overrides the separator the format implies or detects. */
  readonly delimiter?: "," | ";" | "\t";
  /**
   * Plain tables: the column of class labels, matched case-insensitively (an exact match wins). Default "label".
   * null: the table has no labels (samples to classify): every column but the id is a feature, and labels,
   * classes and y are empty.
   */
  readonly labelColumn?: string | null;
  /** Plain tables: a missing label column makes the table unlabelled instead of an error (samples to classify). */
  readonly labelsOptional?: boolean;
  /** How many distinct labels a labelled table must hold (default 2, what a classifier needs to train). */
  readonly minClasses?: number;
  /** Plain tables: a column of sample ids, kept out of the features. Without one, a sample's id is its line number. */
  readonly idColumn?: string;
  /** The file's name, for error messages. */
  readonly file?: string;
  /**
   * Read missing cells (see `naValues`) as NaN and report them in `LabelledTable.missing`. Without it (the
   * default) a table with missing cells is refused by one DataError that counts them.
   */
  readonly allowMissing?: boolean;
  /**
   * How a missing cell or label is written, matched exactly; replaces the default list (an empty cell, `NA`,
   * `NaN`, `N/A`, `null`, `#N/A` and `.`, in any case). An empty cell is always missing.
   */
  readonly naValues?: readonly string[];
  /**
   * Columns to leave out (plain tables), or features to leave out (omics layout), by name: an exact match, else
   * the one match but for case. A name that is not in the table is an error.
   */
  readonly ignoreColumns?: readonly string[];
  /**
   * The only columns (plain tables) or features (omics layout) to read as features: names, as in
   * `ignoreColumns`, or a regular expression tested on each name. The label and id columns are never features.
   */
  readonly featureColumns?: readonly string[] | RegExp;
  /**
   * Samples without a label (a missing value, see `naValues`) are dropped and counted in
   * `LabelledTable.droppedUnlabelled`, instead of an error naming the first.
   */
  readonly dropUnlabelled?: boolean;
}

/** What `parseTable` found missing, with `ParseTableOptions.allowMissing`. */
export interface MissingSummary {
  /** Missing cells in the table. */
  readonly cells: number;
  /** Samples with at least one missing value. */
  readonly rows: number;
  /** Features with at least one missing value. */
  readonly columns: number;
  /** Per feature, the share of samples missing it (0 to 1). */
  readonly perFeature: Float64Array;
}

/** A table of samples × features with labels, as `parseTable` reads it. */
export interface LabelledTable {
  readonly sampleIds: string[];
  /** Class label per sample, as written in the file. */
  readonly labels: string[];
  /** The distinct labels, sorted: numerically when every label is a number, else by code unit. */
  readonly classes: string[];
  /** Per sample, the index of its label in `classes`. */
  readonly y: Int32Array;
  readonly featureNames: string[];
  readonly samples: number;
  readonly features: number;
  /** samples × features, row-major: data[s·features + f]; a missing value is NaN (only with `allowMissing`). */
  readonly data: Float64Array;
  /** Samples dropped for want of a label (`ParseTableOptions.dropUnlabelled`); 0 otherwise. */
  readonly droppedUnlabelled: number;
  /** With `ParseTableOptions.allowMissing`: how many values are missing, and where. */
  readonly missing?: MissingSummary;
}

/** Where a `DataError` happened: file, 1-based row and column, the column's name. */
export interface DataErrorLocation {
  readonly file?: string;
  /** 1-based line number in the file (where the record starts, for a quoted field spanning lines). */
  readonly row?: number;
  /** 1-based column number in the file. */
  readonly column?: number;
  readonly columnName?: string;
}

/** A data file that cannot be read as a labelled table; the message starts with where the problem is. */
export class DataError extends Error {
  readonly file?: string;
  readonly row?: number;
  readonly column?: number;
  readonly columnName?: string;

  constructor(problem: string, where: DataErrorLocation = {}) {
    const place = [
      where.file,
      where.row === undefined ? undefined : `row ${where.row}`,
      where.column === undefined
        ? undefined
        : `column ${where.column}${where.columnName === undefined ? "" : ` (${JSON.stringify(where.columnName)})`}`,
    ].filter((part) => part !== undefined);
    super(place.length ? `${place.join(", ")}: ${problem}` : problem);
    this.name = "DataError";
    this.file = where.file;
    this.row = where.row;
    this.column = where.column;
    this.columnName = where.columnName;
  }
}

interface Row {
  readonly cells: string[];
  readonly line: number;
}

/**
 * Reads a labelled table. Cells are trimmed; blank lines and rows of empty cells are skipped. With `;` or tab
 * separators a decimal comma is read as a decimal point (`1,5` → 1.5). Duplicate column names (plain) and
 * feature names (omics) are errors: the autoencoder selects features by name, so two of one name are ambiguous.
 * Sample ids are not checked for duplicates. Throws a DataError naming the file, row and column of the first
 * problem; never returns partial data.
 */
export function parseTable(text: string, options: ParseTableOptions = {}): LabelledTable {
  if (typeof text !== "string") throw new TypeError("parseTable(text): text must be a string");
  const { format = "auto", file } = options;
  if (!["auto", "csv", "tsv", "omics"].includes(format))
    throw new RangeError(`parseTable: unknown format ${JSON.stringify(format)}`);
  // A file read as UTF-8 without decodeText (Node's readFileSync(path, "utf8")) keeps its byte-order mark.
  const body = text.replace(/^\uFEFF/, "");
  const delimiter = delimiterOf(body, format, options.delimiter);
  const rows = readRows(body, delimiter);
  if (rows.length === 0) throw new DataError("the file is empty", { file });
  const omics =
    format === "omics" || (format === "auto" && rows[0].cells[0] === "Name" && rows[1]?.cells[0] === "Label");
  // In a comma-separated file a comma cannot be a decimal separator; elsewhere European spreadsheets write one.
  const decimalComma = delimiter !== ",";
  const reading: Reading = { decimalComma, isMissing: missingTest(options.naValues), options };
  const { labelPlace, firstMissing, ...table } = omics ? fromFeatureRows(rows, reading) : fromSampleRows(rows, reading);
  const samples = table.sampleIds.length;
  const features = table.featureNames.length;
  const missing = countMissing(table.data, samples, features);
  if (missing.cells > 0 && !options.allowMissing) throw missingRefused(missing, firstMissing, omics, file);
  return {
    ...table,
    ...encodeLabels(table.labels, labelPlace, options.minClasses ?? 2),
    samples,
    features,
    ...(options.allowMissing ? { missing } : {}),
  };
}

/** How `naValues` (or the default list) tells a missing cell. */
export function missingTest(naValues: readonly string[] | undefined): (cell: string) => boolean {
  if (naValues === undefined) return (cell) => MISSING_LABEL.test(cell);
  const marks = new Set(naValues);
  return (cell) => cell === "" || marks.has(cell);
}

/** The error refusing missing cells without `allowMissing`: it counts them and points at the first. */
export function missingRefused(
  missing: MissingSummary,
  firstMissing: DataErrorLocation | undefined,
  transposed: boolean,
  file: string | undefined,
): DataError {
  const [down, across] = transposed ? [missing.columns, missing.rows] : [missing.rows, missing.columns];
  const first = `row ${firstMissing?.row}, column ${firstMissing?.column} ${JSON.stringify(firstMissing?.columnName)}`;
  return new DataError(
    `${plural(missing.cells, "missing cell")} in ${plural(down, "row")} and ${plural(across, "column")} ` +
      `(first at ${first}); ${ALLOW_MISSING_HINT}, or fill them first`,
    { file },
  );
}

/** The end of the message refusing missing cells; the command line says how it fills them instead. */
export const ALLOW_MISSING_HINT = "set options.allowMissing to read them as NaN";

export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export function countMissing(data: Float64Array, samples: number, features: number): MissingSummary {
  const perFeature = new Float64Array(features);
  let cells = 0;
  let rows = 0;
  for (let s = 0; s < samples; s++) {
    let inRow = 0;
    for (let f = 0; f < features; f++) {
      if (Number.isNaN(data[s * features + f])) {
        inRow++;
        perFeature[f]++;
      }
    }
    cells += inRow;
    if (inRow > 0) rows++;
  }
  let columns = 0;
  for (let f = 0; f < features; f++) {
    if (perFeature[f] > 0) columns++;
    perFeature[f] /= samples;
  }
  return { cells, rows, columns, perFeature };
}

/** How the cells of one file are read. */
export interface Reading {
  readonly decimalComma: boolean;
  readonly isMissing: (cell: string) => boolean;
  readonly options: ParseTableOptions;
}

interface Parsed {
  readonly sampleIds: string[];
  readonly labels: string[];
  readonly featureNames: string[];
  readonly data: Float64Array;
  readonly droppedUnlabelled: number;
  /** Where the labels are, to point at if they all agree. */
  readonly labelPlace: DataErrorLocation;
  /** The first missing cell in the file. */
  readonly firstMissing?: DataErrorLocation;
}

/** The separator given, else the one the format implies, else (auto) the one detected in the text. */
function delimiterOf(text: string, format: TableFormat, given?: "," | ";" | "\t"): "," | ";" | "\t" {
  return given ?? (format === "auto" ? detectDelimiter(text) : ({ csv: ",", tsv: "\t", omics: ";" } as const)[format]);
}

// The separator the header line holds most of, outside quoted cells; ties go to tab, then `;`.
export function detectDelimiter(text: string): "," | ";" | "\t" {
  const header = /^[^\r\n]*\S[^\r\n]*/m.exec(text)?.[0] ?? "";
  const counts = { "\t": 0, ";": 0, ",": 0 };
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  const best = (["\t", ";", ","] as const).reduce((a, b) => (counts[b] > counts[a] ? b : a));
  return counts[best] > 0 ? best : ",";
}

function readRows(text: string, delimiter: string): Row[] {
  const rows: Row[] = [];
  // d3-dsv keeps blank lines as rows and line breaks inside quoted cells, so each row's first line is known:
  // the previous row's plus the lines that row spanned.
  let line = 1;
  dsvFormat(delimiter).parseRows(text, (cells) => {
    const cellsLine = line;
    line += 1 + cells.reduce((breaks, cell) => breaks + (cell.match(LINE_BREAK)?.length ?? 0), 0);
    const trimmed = cells.map((cell) => cell.trim());
    // Spreadsheets pad with rows of empty cells (";;;;"): skipped like blank lines.
    if (trimmed.some((cell) => cell !== "")) rows.push({ cells: trimmed, line: cellsLine });
    return null;
  });
  return rows;
}

const LINE_BREAK = /\r\n|\r|\n/g;

// Plain layout: a header row, then one sample per row.
function fromSampleRows(rows: Row[], reading: Reading): Parsed {
  const { options, isMissing } = reading;
  const { file, labelColumn = "label", idColumn, labelsOptional = false } = options;
  const [header, ...allRows] = rows;
  const names = header.cells;
  const at = (row: number, column: number): DataErrorLocation => ({
    file,
    row,
    column: column + 1,
    columnName: names[column],
  });
  // A map, not indexOf: a methylation array's 450,000 names would make the check quadratic (minutes).
  const firstColumn = new Map<string, number>();
  names.forEach((name, c) => {
    if (name === "") throw new DataError("the column has no name", at(header.line, c));
    const first = firstColumn.get(name);
    if (first !== undefined) throw new DataError(`column ${first + 1} has the same name`, at(header.line, c));
    firstColumn.set(name, c);
  });
  const labelled =
    labelColumn !== null &&
    !(labelsOptional && !names.some((name) => name.toLowerCase() === labelColumn.toLowerCase()));
  const headerPlace = { file, row: header.line };
  const labelAt = labelled ? findColumn(names, labelColumn, "label", headerPlace) : -1;
  const idAt = idColumn === undefined ? -1 : findColumn(names, idColumn, "id", headerPlace);
  const candidates = names.flatMap((_, c) => (c === labelAt || c === idAt ? [] : [c]));
  if (candidates.length === 0)
    throw new DataError(`no feature columns: the only columns are ${quoteAll(names)}`, headerPlace);
  const featureAt = selectFeatures(names, candidates, options, headerPlace);
  if (allRows.length === 0) throw new DataError("no samples: the header is the only row", headerPlace);
  for (const { cells, line } of allRows) {
    if (cells.length !== names.length)
      throw new DataError(`${cells.length} cells where the header (row ${header.line}) has ${names.length}`, {
        file,
        row: line,
      });
  }
  const body =
    options.dropUnlabelled && labelAt >= 0 ? allRows.filter(({ cells }) => !isMissing(cells[labelAt])) : allRows;
  if (body.length === 0)
    throw new DataError(`no samples: none of the ${allRows.length} rows has a label`, { file, row: header.line });
  const features = featureAt.length;
  const data = new Float64Array(body.length * features);
  let firstMissing: DataErrorLocation | undefined;
  // Per feature column that holds a cell other than a number or a missing value: its first such cell, and whether
  // it holds numbers too (a typo in a numeric column, named by row and column, not an annotation column).
  const notNumeric = new Map<number, { cell: string; line: number }>();
  const numbers = new Uint8Array(features);
  body.forEach(({ cells, line }, s) => {
    if (labelAt >= 0) checkLabel(cells[labelAt], at(line, labelAt), isMissing);
    featureAt.forEach((c, f) => {
      const value = cellValue(cells[c], reading);
      if (value === null) {
        if (!notNumeric.has(f)) notNumeric.set(f, { cell: cells[c], line });
      } else if (Number.isNaN(value)) firstMissing ??= at(line, c);
      else numbers[f] = 1;
      data[s * features + f] = value ?? NaN;
    });
  });
  if (notNumeric.size > 0) {
    const bad = [...notNumeric].map(([f, { cell, line }]) => ({
      cell,
      numbers: numbers[f] === 1,
      at: at(line, featureAt[f]),
    }));
    throw notNumericColumns(bad, reading.decimalComma, headerPlace);
  }
  return {
    sampleIds: body.map(({ cells, line }) => (idAt < 0 ? String(line) : cells[idAt])),
    labels: labelAt < 0 ? [] : body.map(({ cells }) => cells[labelAt]),
    featureNames: featureAt.map((c) => names[c]),
    data,
    droppedUnlabelled: allRows.length - body.length,
    labelPlace: { file, column: labelAt + 1, columnName: names[labelAt] },
    firstMissing,
  };
}

/** A feature column holding something other than numbers: its first such cell, or its type. */
export interface NotNumericColumn {
  /** The first cell that is neither a number nor missing (text columns). */
  readonly cell?: string;
  /** What the column holds instead, when it has no cells to show ("boolean", "date"...). */
  readonly type?: string;
  /** Whether the column holds numbers too: then its one bad cell is a typo, reported by row and column. */
  readonly numbers: boolean;
  /** Where the first bad cell is (or the column's name only). */
  readonly at: DataErrorLocation;
}

/**
 * One error for every feature column that is not numeric: a single typo in an otherwise numeric column is named
 * by its row and column; annotation columns are listed with the `ignoreColumns` that leaves them out.
 */
export function notNumericColumns(bad: NotNumericColumn[], decimalComma: boolean, place: DataErrorLocation) {
  if (bad.length === 1 && bad[0].numbers && bad[0].cell !== undefined)
    return numberProblem(bad[0].cell, decimalComma, bad[0].at);
  const badNames = bad.map(({ at }) => at.columnName ?? "");
  const listed = bad
    .slice(0, 8)
    .map(
      ({ at, cell, type }) =>
        `${JSON.stringify(at.columnName)} (${cell === undefined ? type : `${shortCell(cell)} at row ${at.row}`})`,
    );
  const more = bad.length > 8 ? ` and ${bad.length - 8} more` : "";
  const hint =
    bad.length <= 20
      ? `leave ${bad.length === 1 ? "it" : "them"} out with options.ignoreColumns ${JSON.stringify(badNames)}`
      : "leave them out with options.ignoreColumns, or name the features with options.featureColumns";
  const problem =
    bad.length === 1 ? `the column ${listed[0]} is not numeric` : `${bad.length} columns are not numeric: `;
  return new DataError(`${bad.length === 1 ? problem : problem + listed.join(", ") + more}; ${hint}`, place);
}

/** The candidates (indices into names) that `ignoreColumns` and `featureColumns` leave as features. */
export function selectFeatures(
  names: string[],
  candidates: number[],
  options: ParseTableOptions,
  place: DataErrorLocation,
): number[] {
  const { ignoreColumns = [], featureColumns } = options;
  const ignored = new Set(ignoreColumns.map((name) => findColumn(names, name, "ignore", place)));
  let kept = candidates.filter((c) => !ignored.has(c));
  if (featureColumns instanceof RegExp) {
    // Without g and y: a global expression's lastIndex would carry over from one name to the next.
    const pattern = new RegExp(featureColumns.source, featureColumns.flags.replace(/[gy]/g, ""));
    kept = kept.filter((c) => pattern.test(names[c]));
    if (kept.length === 0)
      throw new DataError(`no column matches ${featureColumns}; the columns are ${quoteAll(names)}`, place);
  } else if (featureColumns !== undefined) {
    const wanted = new Set(featureColumns.map((name) => findColumn(names, name, "feature", place)));
    kept = kept.filter((c) => wanted.has(c));
  }
  if (kept.length === 0) throw new DataError(`no feature columns left: the columns are ${quoteAll(names)}`, place);
  return kept;
}

export function findColumn(names: string[], wanted: string, role: string, place: DataErrorLocation): number {
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const matches = names.flatMap((name, c) => (name.toLowerCase() === wanted.toLowerCase() ? [c] : []));
  if (matches.length === 1) return matches[0];
  const problem = matches.length
    ? `${matches.length} columns match the ${role} column ${JSON.stringify(wanted)} but for case: ` +
      `${quoteAll(matches.map((c) => names[c]))}`
    : role === "ignore"
      ? `no column ${JSON.stringify(wanted)} to ignore; the columns are ${quoteAll(names)}`
      : `no ${role} column ${JSON.stringify(wanted)}; the columns are ${quoteAll(names)}`;
  throw new DataError(problem, place);
}

// SAE omics layout: `Name;<sample ids>`, `Label;<labels>`, then `<feature>;<value per sample>` rows.
function fromFeatureRows(rows: Row[], reading: Reading): Parsed {
  const { options, isMissing } = reading;
  const { file } = options;
  const [nameRow, labelRow, ...allFeatureRows] = rows;
  if (nameRow.cells[0] !== "Name") {
    throw new DataError(
      `an omics table starts with a Name row of sample ids, not ${JSON.stringify(nameRow.cells[0])}`,
      { file, row: nameRow.line, column: 1 },
    );
  }
  if (labelRow === undefined) throw new DataError("no Label row after the Name row", { file, row: nameRow.line });
  if (labelRow.cells[0] !== "Label") {
    throw new DataError(`the row after the Name row must be the Label row, not ${JSON.stringify(labelRow.cells[0])}`, {
      file,
      row: labelRow.line,
      column: 1,
    });
  }
  const width = nameRow.cells.length;
  if (width < 2) throw new DataError("no samples: the Name row holds no sample ids", { file, row: nameRow.line });
  const at = (row: number, column: number): DataErrorLocation => ({
    file,
    row,
    column: column + 1,
    columnName: nameRow.cells[column],
  });
  const checkWidth = ({ cells, line }: Row) => {
    if (cells.length !== width)
      throw new DataError(`${cells.length} cells where the Name row (row ${nameRow.line}) has ${width}`, {
        file,
        row: line,
      });
  };
  checkWidth(labelRow);
  // The file columns of the samples kept: all, or those with a label.
  const sampleAt = labelRow.cells.flatMap((label, c) =>
    c === 0 || (options.dropUnlabelled && isMissing(label)) ? [] : [c],
  );
  if (sampleAt.length === 0)
    throw new DataError(`no samples: none of the ${width - 1} samples has a label`, { file, row: labelRow.line });
  for (const c of sampleAt) checkLabel(labelRow.cells[c], at(labelRow.line, c), isMissing);
  if (allFeatureRows.length === 0)
    throw new DataError("no feature rows after the Label row", { file, row: labelRow.line });
  const featureLine = new Map<string, number>();
  for (const { cells, line } of allFeatureRows) {
    if (cells[0] === "") throw new DataError("the feature has no name", { file, row: line, column: 1 });
    const first = featureLine.get(cells[0]);
    if (first !== undefined)
      throw new DataError(`feature ${JSON.stringify(cells[0])} is also on row ${first}`, {
        file,
        row: line,
        column: 1,
      });
    featureLine.set(cells[0], line);
  }
  const allNames = allFeatureRows.map(({ cells }) => cells[0]);
  const featureRows = selectFeatures(
    allNames,
    allNames.map((_, f) => f),
    options,
    { file },
  ).map((f) => allFeatureRows[f]);
  const samples = sampleAt.length;
  const features = featureRows.length;
  const data = new Float64Array(samples * features);
  let firstMissing: DataErrorLocation | undefined;
  featureRows.forEach((row, f) => {
    checkWidth(row);
    sampleAt.forEach((c, s) => {
      const value = cellValue(row.cells[c], reading);
      if (value === null) throw numberProblem(row.cells[c], reading.decimalComma, at(row.line, c));
      if (Number.isNaN(value)) firstMissing ??= at(row.line, c);
      data[s * features + f] = value;
    });
  });
  return {
    sampleIds: sampleAt.map((c) => nameRow.cells[c]),
    labels: sampleAt.map((c) => labelRow.cells[c]),
    featureNames: featureRows.map(({ cells }) => cells[0]),
    data,
    droppedUnlabelled: width - 1 - samples,
    labelPlace: { file, row: labelRow.line },
    firstMissing,
  };
}

// Strict where Number() is lenient: it reads "" as 0 and accepts "0x1F", " 1 " and "Infinity".
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(?:inf|infinity)$/i;

/** A cell's number; NaN when it marks a missing value, null when it is neither (numberProblem says why). */
export function cellValue(cell: string, { decimalComma, isMissing }: Reading): number | null {
  if (isMissing(cell)) return NaN;
  const text = decimalComma && DECIMAL_COMMA.test(cell) ? cell.replace(",", ".") : cell;
  const value = NUMBER.test(text) ? Number(text) : NaN;
  return Number.isFinite(value) ? value : null;
}

/** Why a cell that cellValue refused is not a number. */
export function numberProblem(cell: string, decimalComma: boolean, where: DataErrorLocation): DataError {
  if (NOT_FINITE.test(cell)) return new DataError(`'${cell}' is not a finite number`, where);
  if (NUMBER.test(cell) || (decimalComma && DECIMAL_COMMA.test(cell)))
    return new DataError(`'${cell}' is beyond the range of a double`, where);
  // d3-dsv reads an unclosed quote as one cell running on to the end of the file.
  const lines = cell.match(LINE_BREAK)?.length ?? 0;
  if (lines > 0)
    return new DataError(
      `a quoted cell spanning ${lines + 1} lines is not a number (is a closing quote missing?)`,
      where,
    );
  return new DataError(`${shortCell(cell)} is not a number`, where);
}

export const shortCell = (cell: string) => `'${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}'`;

/** How a missing value is written, by default: never a class of its own, and NaN in a feature with allowMissing. */
export const MISSING_LABEL: RegExp = /^(?:|na|nan|n\/a|null|#n\/a|\.)$/i;

export function checkLabel(label: string, where: DataErrorLocation, isMissing: (cell: string) => boolean): void {
  if (isMissing(label)) {
    throw new DataError(
      label === "" ? "the label is empty" : `the label '${label}' marks a missing value, not a class`,
      where,
    );
  }
}

/**
 * The class a label names: a number, or text that reads as one, by its value (1, "1", "1.0" and "01" are one
 * class: a spreadsheet's formatting must not split a class in two), other text as written.
 */
export function classKey(label: number | string): number | string {
  return typeof label === "number" || !NUMBER.test(label) ? label : Number(label);
}

/**
 * Class indices into the distinct classes: numbers ascending when every class is one, else by `compare` on
 * their text. A class is named by its first spelling's value: "1.0" and "01" both become the class 1.
 */
export function indexClasses<L extends number | string>(
  labels: readonly L[],
  compare: (a: string, b: string) => number,
) {
  const keys = labels.map(classKey);
  const distinct = [...new Set(keys)];
  const numeric = distinct.every((key) => typeof key === "number");
  const sorted = numeric
    ? (distinct as number[]).sort((a, b) => a - b)
    : distinct.sort((a, b) => compare(String(a), String(b)));
  const index = new Map(sorted.map((key, k) => [key, k]));
  return { keys: sorted, y: Int32Array.from(keys, (key) => index.get(key)!) };
}

export function encodeLabels(
  labels: string[],
  place: DataErrorLocation,
  minClasses: number,
): { classes: string[]; y: Int32Array } {
  const { keys, y } = indexClasses(labels, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const classes = keys.map(String);
  if (labels.length && classes.length < minClasses)
    throw new DataError(
      `every sample has the label ${JSON.stringify(classes[0])}: a classifier needs two classes or more`,
      place,
    );
  return { classes, y };
}

/** Names for a one-line message: a 300,000-column header, or a header swallowed by a stray quote, is cut short. */
export function quoteAll(names: string[]): string {
  const shown = names.slice(0, 8).map((name) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name));
  return shown.join(", ") + (names.length > 8 ? ` and ${names.length - 8} more` : "");
}

/** The first rows of a table as parseTable reads them (`previewTable`), before its columns are chosen. */
export interface TablePreview {
  /** The separator found (or given). */
  readonly delimiter: "," | ";" | "\t";
  /** The SAE omics layout (features as rows): its first column names the rows, its header the samples. */
  readonly omics: boolean;
  /** The header row's cells (plain tables: the column names). */
  readonly header: string[];
  /** Up to `rows` rows after the header, as trimmed text cells. */
  readonly rows: string[][];
}

/**
 * The header and first rows of a table as text cells, read as parseTable reads them (the same separator detection,
 * quoting, trimming and skipped blank rows), so that a user can choose the label, id and ignored columns from
 * what the file holds. Only the beginning of `text` is parsed: about `rows` + 2 lines.
 */
export function previewTable(
  text: string,
  options: Pick<ParseTableOptions, "format" | "delimiter"> & { readonly rows?: number } = {},
): TablePreview {
  if (typeof text !== "string") throw new TypeError("previewTable(text): text must be a string");
  const { format = "auto", rows: wanted = 10 } = options;
  if (!Number.isSafeInteger(wanted) || wanted < 0)
    throw new RangeError(`previewTable: options.rows must be an integer ≥ 0; got ${String(wanted)}`);
  const body = text.replace(/^\uFEFF/, "");
  // Only the first lines are parsed: enough for the header and `wanted` rows plus one, the last row read being
  // possibly cut inside a quoted cell (dropped); twice as many lines while quoted line breaks leave too few rows.
  let delimiter: "," | ";" | "\t" = ",";
  let read: string[][] = [];
  for (let lines = wanted + 3; ; lines *= 2) {
    let end = -1;
    for (let line = 0; line < lines && end < body.length; line++) {
      end = body.indexOf("\n", end + 1);
      if (end < 0) end = body.length;
    }
    const head = body.slice(0, Math.max(end, 0));
    delimiter = delimiterOf(head, format, options.delimiter);
    read = readRows(head, delimiter).map((row) => row.cells);
    const more = /\S/g;
    more.lastIndex = end + 1;
    if (!more.test(body)) break;
    read.pop();
    if (read.length > wanted) break;
  }
  const omics = format === "omics" || (format === "auto" && read[0]?.[0] === "Name" && read[1]?.[0] === "Label");
  return { delimiter, omics, header: read[0] ?? [], rows: read.slice(1, 1 + wanted) };
}
