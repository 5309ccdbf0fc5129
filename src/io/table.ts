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
  /** samples × features, row-major: data[s·features + f]. */
  readonly data: Float64Array;
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
  const delimiter = options.delimiter ?? { auto: detectDelimiter(body), csv: ",", tsv: "\t", omics: ";" }[format];
  const rows = readRows(body, delimiter);
  if (rows.length === 0) throw new DataError("the file is empty", { file });
  const omics =
    format === "omics" || (format === "auto" && rows[0].cells[0] === "Name" && rows[1]?.cells[0] === "Label");
  // In a comma-separated file a comma cannot be a decimal separator; elsewhere European spreadsheets write one.
  const decimalComma = delimiter !== ",";
  const { labelPlace, ...table } = omics
    ? fromFeatureRows(rows, decimalComma, file)
    : fromSampleRows(rows, decimalComma, options);
  return {
    ...table,
    ...encodeLabels(table.labels, labelPlace, options.minClasses ?? 2),
    samples: table.sampleIds.length,
    features: table.featureNames.length,
  };
}

interface Parsed {
  readonly sampleIds: string[];
  readonly labels: string[];
  readonly featureNames: string[];
  readonly data: Float64Array;
  /** Where the labels are, to point at if they all agree. */
  readonly labelPlace: DataErrorLocation;
}

// The separator the header line holds most of, outside quoted cells; ties go to tab, then `;`.
function detectDelimiter(text: string): "," | ";" | "\t" {
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
function fromSampleRows(rows: Row[], decimalComma: boolean, options: ParseTableOptions): Parsed {
  const { file, labelColumn = "label", idColumn, labelsOptional = false } = options;
  const [header, ...body] = rows;
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
  const labelAt = labelled ? findColumn(names, labelColumn, "label", header.line, file) : -1;
  const idAt = idColumn === undefined ? -1 : findColumn(names, idColumn, "id", header.line, file);
  const featureAt = names.flatMap((_, c) => (c === labelAt || c === idAt ? [] : [c]));
  if (featureAt.length === 0)
    throw new DataError(`no feature columns: the only columns are ${quoteAll(names)}`, { file, row: header.line });
  if (body.length === 0) throw new DataError("no samples: the header is the only row", { file, row: header.line });
  const features = featureAt.length;
  const data = new Float64Array(body.length * features);
  body.forEach(({ cells, line }, s) => {
    if (cells.length !== names.length)
      throw new DataError(`${cells.length} cells where the header (row ${header.line}) has ${names.length}`, {
        file,
        row: line,
      });
    if (labelAt >= 0) checkLabel(cells[labelAt], at(line, labelAt));
    featureAt.forEach((c, f) => (data[s * features + f] = readNumber(cells[c], decimalComma, at(line, c))));
  });
  return {
    sampleIds: body.map(({ cells, line }) => (idAt < 0 ? String(line) : cells[idAt])),
    labels: labelAt < 0 ? [] : body.map(({ cells }) => cells[labelAt]),
    featureNames: featureAt.map((c) => names[c]),
    data,
    labelPlace: { file, column: labelAt + 1, columnName: names[labelAt] },
  };
}

function findColumn(
  names: string[],
  wanted: string,
  role: string,
  headerLine: number,
  file: string | undefined,
): number {
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const matches = names.flatMap((name, c) => (name.toLowerCase() === wanted.toLowerCase() ? [c] : []));
  if (matches.length === 1) return matches[0];
  const problem = matches.length
    ? `${matches.length} columns match the ${role} column ${JSON.stringify(wanted)} but for case: ` +
      `${quoteAll(matches.map((c) => names[c]))}`
    : `no ${role} column ${JSON.stringify(wanted)}; the columns are ${quoteAll(names)}`;
  throw new DataError(problem, { file, row: headerLine });
}

// SAE omics layout: `Name;<sample ids>`, `Label;<labels>`, then `<feature>;<value per sample>` rows.
function fromFeatureRows(rows: Row[], decimalComma: boolean, file: string | undefined): Parsed {
  const [nameRow, labelRow, ...featureRows] = rows;
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
  labelRow.cells.forEach((label, c) => checkLabel(label, at(labelRow.line, c)));
  if (featureRows.length === 0)
    throw new DataError("no feature rows after the Label row", { file, row: labelRow.line });
  const featureLine = new Map<string, number>();
  for (const { cells, line } of featureRows) {
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
  const samples = width - 1;
  const features = featureRows.length;
  const data = new Float64Array(samples * features);
  featureRows.forEach((row, f) => {
    checkWidth(row);
    for (let s = 0; s < samples; s++)
      data[s * features + f] = readNumber(row.cells[s + 1], decimalComma, at(row.line, s + 1));
  });
  return {
    sampleIds: nameRow.cells.slice(1),
    labels: labelRow.cells.slice(1),
    featureNames: featureRows.map(({ cells }) => cells[0]),
    data,
    labelPlace: { file, row: labelRow.line },
  };
}

// Strict where Number() is lenient: it reads "" as 0 and accepts "0x1F", " 1 " and "Infinity".
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(?:nan|inf|infinity|na|n\/a|null)$/i;

function readNumber(cell: string, decimalComma: boolean, where: DataErrorLocation): number {
  const text = decimalComma && DECIMAL_COMMA.test(cell) ? cell.replace(",", ".") : cell;
  const value = NUMBER.test(text) ? Number(text) : NaN;
  if (Number.isFinite(value)) return value;
  if (cell === "") throw new DataError("the cell is empty (fill in missing values first)", where);
  if (NOT_FINITE.test(cell))
    throw new DataError(`'${cell}' is not a finite number (fill in missing values first)`, where);
  if (NUMBER.test(text)) throw new DataError(`'${cell}' is beyond the range of a double`, where);
  // d3-dsv reads an unclosed quote as one cell running on to the end of the file.
  const lines = cell.match(LINE_BREAK)?.length ?? 0;
  if (lines > 0)
    throw new DataError(
      `a quoted cell spanning ${lines + 1} lines is not a number (is a closing quote missing?)`,
      where,
    );
  throw new DataError(`'${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}' is not a number`, where);
}

/** How a missing value is written: never a class of its own. */
export const MISSING_LABEL = /^(?:|na|nan|n\/a|null|#n\/a|\.)$/i;

function checkLabel(label: string, where: DataErrorLocation): void {
  if (MISSING_LABEL.test(label)) {
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

function encodeLabels(
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
function quoteAll(names: string[]): string {
  const shown = names.slice(0, 8).map((name) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name));
  return shown.join(", ") + (names.length > 8 ? ` and ${names.length - 8} more` : "");
}
