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

/**
 * Reads a labelled table. Cells are trimmed; blank lines and rows of empty cells are skipped. With `;` or tab
 * separators a decimal comma is read as a decimal point (`1,5` → 1.5). Duplicate column names (plain) and
 * feature names (omics) are errors: the autoencoder selects features by name, so two of one name are ambiguous.
 * Sample ids are not checked for duplicates. Throws a DataError naming the file, row and column of the first
 * problem; never returns partial data.
 */
export function parseTable(text: string, options: ParseTableOptions = {}): LabelledTable {
  if (typeof text !== "string") throw new TypeError("parseTable(text): text must be a string");
  const format = checkFormat(options, "parseTable");
  // A file read as UTF-8 without decodeText (Node's readFileSync(path, "utf8")) keeps its byte-order mark.
  const body = text.replace(/^\uFEFF/, "");
  const delimiter = delimiterOf(body, format, options.delimiter);
  const rows = readRows(body, delimiter);
  const reader = new TableRows(delimiter, options);
  for (const row of rows) reader.add(row);
  return reader.finish();
}

/** The layout option, checked: "auto" unless given. */
export function checkFormat(options: ParseTableOptions, caller: string): TableFormat {
  const { format = "auto" } = options;
  if (!["auto", "csv", "tsv", "omics"].includes(format))
    throw new RangeError(`${caller}: unknown format ${JSON.stringify(format)}`);
  return format;
}

/** One row of a delimited table: its cells, trimmed, and the line it starts on (1-based). */
export interface Row {
  readonly cells: string[];
  readonly line: number;
}

/**
 * The rows of a delimited table (blank rows already skipped), one at a time, read into a LabelledTable by
 * parseTable's rules: whether the whole text was split into rows at once (parseTable) or a chunk at a time
 * (parseTableStream), the same table and the same first error. Errors that only the whole table can decide (a
 * missing label before a row of the wrong width, columns that are not numeric) wait for `finish`.
 */
export class TableRows {
  readonly #options: ParseTableOptions;
  readonly #reading: Reading;
  #first: Row | undefined;
  #reader: SampleRows | FeatureRows | undefined;

  constructor(delimiter: "," | ";" | "\t", options: ParseTableOptions) {
    this.#options = options;
    // In a comma-separated file a comma cannot be a decimal separator; elsewhere European spreadsheets write one.
    this.#reading = { decimalComma: delimiter !== ",", isMissing: missingTest(options.naValues), options };
  }

  add(row: Row): void {
    if (this.#reader) this.#reader.add(row);
    else if (this.#first === undefined) this.#first = row;
    else this.#reader = this.#start(this.#first, row);
  }

  #start(first: Row, second: Row | undefined): SampleRows | FeatureRows {
    const { format = "auto" } = this.#options;
    const omics =
      format === "omics" || (format === "auto" && first.cells[0] === "Name" && second?.cells[0] === "Label");
    if (omics) return new FeatureRows(first, second, this.#reading);
    const reader = new SampleRows(first, this.#reading);
    if (second) reader.add(second);
    return reader;
  }

  finish(): LabelledTable {
    const { file } = this.#options;
    if (this.#first === undefined) throw new DataError("the file is empty", { file });
    this.#reader ??= this.#start(this.#first, undefined);
    const omics = this.#reader instanceof FeatureRows;
    const { labelPlace, firstMissing, ...table } = this.#reader.finish();
    const samples = table.sampleIds.length;
    const features = table.featureNames.length;
    const missing = countMissing(table.data, samples, features);
    if (missing.cells > 0 && !this.#options.allowMissing) throw missingRefused(missing, firstMissing, omics, file);
    return {
      ...table,
      ...encodeLabels(table.labels, labelPlace, this.#options.minClasses ?? 2),
      samples,
      features,
      ...(this.#options.allowMissing ? { missing } : {}),
    };
  }
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

/** The first line holding a non-space character (where the separator is detected). */
export const FIRST_LINE: RegExp = /^[^\r\n]*\S[^\r\n]*/m;

// The separator the header line holds most of, outside quoted cells; ties go to tab, then `;`.
export function detectDelimiter(text: string): "," | ";" | "\t" {
  const header = FIRST_LINE.exec(text)?.[0] ?? "";
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

/** Values per block of rows while a table's length is unknown: 2 MiB, copied into one array at the end. */
const BLOCK_VALUES = 1 << 18;

// Plain layout: a header row, then one sample per row.
class SampleRows {
  readonly #reading: Reading;
  readonly #header: Row;
  readonly #labelAt: number;
  readonly #idAt: number;
  readonly #featureAt: number[];
  readonly #blockRows: number;
  /** Rows of values, `#blockRows` at a time: the row count is not known until the end. */
  readonly #blocks: Float64Array[] = [];
  readonly #sampleIds: string[] = [];
  readonly #labels: string[] = [];
  #rows = 0;
  #dropped = 0;
  /** The first row without a label: an error, unless a row of the wrong width comes later (checked first). */
  #labelError: DataError | undefined;
  #firstMissing: DataErrorLocation | undefined;
  // Per feature column that holds a cell other than a number or a missing value: its first such cell, and whether
  // it holds numbers too (a typo in a numeric column, named by row and column, not an annotation column).
  readonly #notNumeric = new Map<number, { cell: string; line: number }>();
  readonly #numbers: Uint8Array;

  constructor(header: Row, reading: Reading) {
    this.#reading = reading;
    this.#header = header;
    const { file, labelColumn = "label", idColumn, labelsOptional = false } = reading.options;
    const names = header.cells;
    // A map, not indexOf: a methylation array's 450,000 names would make the check quadratic (minutes).
    const firstColumn = new Map<string, number>();
    names.forEach((name, c) => {
      if (name === "") throw new DataError("the column has no name", this.#at(header.line, c));
      const first = firstColumn.get(name);
      if (first !== undefined) throw new DataError(`column ${first + 1} has the same name`, this.#at(header.line, c));
      firstColumn.set(name, c);
    });
    const labelled =
      labelColumn !== null &&
      !(labelsOptional && !names.some((name) => name.toLowerCase() === labelColumn.toLowerCase()));
    const headerPlace = { file, row: header.line };
    this.#labelAt = labelled ? findColumn(names, labelColumn, "label", headerPlace) : -1;
    this.#idAt = idColumn === undefined ? -1 : findColumn(names, idColumn, "id", headerPlace);
    const candidates = names.flatMap((_, c) => (c === this.#labelAt || c === this.#idAt ? [] : [c]));
    if (candidates.length === 0)
      throw new DataError(`no feature columns: the only columns are ${quoteAll(names)}`, headerPlace);
    this.#featureAt = selectFeatures(names, candidates, reading.options, headerPlace);
    this.#blockRows = Math.max(1, Math.floor(BLOCK_VALUES / this.#featureAt.length));
    this.#numbers = new Uint8Array(this.#featureAt.length);
  }

  #at(row: number, column: number): DataErrorLocation {
    return { file: this.#reading.options.file, row, column: column + 1, columnName: this.#header.cells[column] };
  }

  add({ cells, line }: Row): void {
    const { options, isMissing } = this.#reading;
    const width = this.#header.cells.length;
    this.#rows++;
    if (cells.length !== width)
      throw new DataError(`${cells.length} cells where the header (row ${this.#header.line}) has ${width}`, {
        file: options.file,
        row: line,
      });
    if (this.#labelError) return;
    const labelAt = this.#labelAt;
    if (labelAt >= 0 && isMissing(cells[labelAt])) {
      if (options.dropUnlabelled) this.#dropped++;
      else this.#labelError = labelProblem(cells[labelAt], this.#at(line, labelAt), isMissing);
      return;
    }
    const features = this.#featureAt.length;
    const s = this.#sampleIds.length;
    const block = Math.floor(s / this.#blockRows);
    if (block === this.#blocks.length) this.#blocks.push(new Float64Array(this.#blockRows * features));
    const values = this.#blocks[block];
    const offset = (s - block * this.#blockRows) * features;
    for (let f = 0; f < features; f++) {
      const c = this.#featureAt[f];
      const value = cellValue(cells[c], this.#reading);
      if (value === null) {
        if (!this.#notNumeric.has(f)) this.#notNumeric.set(f, { cell: cells[c], line });
      } else if (Number.isNaN(value)) this.#firstMissing ??= this.#at(line, c);
      else this.#numbers[f] = 1;
      values[offset + f] = value ?? NaN;
    }
    this.#sampleIds.push(this.#idAt < 0 ? String(line) : cells[this.#idAt]);
    if (labelAt >= 0) this.#labels.push(cells[labelAt]);
  }

  finish(): Parsed {
    const { file } = this.#reading.options;
    const header = this.#header;
    const headerPlace = { file, row: header.line };
    if (this.#rows === 0) throw new DataError("no samples: the header is the only row", headerPlace);
    if (this.#dropped === this.#rows)
      throw new DataError(`no samples: none of the ${this.#rows} rows has a label`, headerPlace);
    if (this.#labelError) throw this.#labelError;
    if (this.#notNumeric.size > 0) {
      const bad = [...this.#notNumeric].map(([f, { cell, line }]) => ({
        cell,
        numbers: this.#numbers[f] === 1,
        at: this.#at(line, this.#featureAt[f]),
      }));
      throw notNumericColumns(bad, this.#reading.decimalComma, headerPlace);
    }
    const data = new Float64Array(this.#sampleIds.length * this.#featureAt.length);
    const blockValues = this.#blockRows * this.#featureAt.length;
    // The values are held twice only while copied, each block let go once copied.
    this.#blocks.forEach((block, b) => {
      data.set(block.subarray(0, Math.min(blockValues, data.length - b * blockValues)), b * blockValues);
      this.#blocks[b] = EMPTY;
    });
    return {
      sampleIds: this.#sampleIds,
      labels: this.#labels,
      featureNames: this.#featureAt.map((c) => header.cells[c]),
      data,
      droppedUnlabelled: this.#dropped,
      labelPlace: { file, column: this.#labelAt + 1, columnName: header.cells[this.#labelAt] },
      firstMissing: this.#firstMissing,
    };
  }
}

const EMPTY = new Float64Array(0);

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

/** One feature row of the omics layout, read before it is known whether the feature is selected. */
interface FeatureRow {
  readonly name: string;
  /** Its values per sample kept, or the first problem in it (reported only if the feature is selected). */
  readonly values: Float64Array | DataError;
  /** The file column of its first missing value, or -1. */
  readonly missingAt: number;
  readonly line: number;
}

// SAE omics layout: `Name;<sample ids>`, `Label;<labels>`, then `<feature>;<value per sample>` rows.
class FeatureRows {
  readonly #reading: Reading;
  readonly #nameRow: Row;
  readonly #labelRow: Row;
  /** The file columns of the samples kept: all, or those with a label. */
  readonly #sampleAt: number[];
  readonly #rows: FeatureRow[] = [];
  readonly #featureLine = new Map<string, number>();

  constructor(nameRow: Row, labelRow: Row | undefined, reading: Reading) {
    const { options, isMissing } = reading;
    const { file } = options;
    this.#reading = reading;
    this.#nameRow = nameRow;
    if (nameRow.cells[0] !== "Name") {
      throw new DataError(
        `an omics table starts with a Name row of sample ids, not ${JSON.stringify(nameRow.cells[0])}`,
        { file, row: nameRow.line, column: 1 },
      );
    }
    if (labelRow === undefined) throw new DataError("no Label row after the Name row", { file, row: nameRow.line });
    this.#labelRow = labelRow;
    if (labelRow.cells[0] !== "Label") {
      throw new DataError(
        `the row after the Name row must be the Label row, not ${JSON.stringify(labelRow.cells[0])}`,
        { file, row: labelRow.line, column: 1 },
      );
    }
    const width = nameRow.cells.length;
    if (width < 2) throw new DataError("no samples: the Name row holds no sample ids", { file, row: nameRow.line });
    const labelWidth = this.#widthProblem(labelRow);
    if (labelWidth) throw labelWidth;
    this.#sampleAt = labelRow.cells.flatMap((label, c) =>
      c === 0 || (options.dropUnlabelled && isMissing(label)) ? [] : [c],
    );
    if (this.#sampleAt.length === 0)
      throw new DataError(`no samples: none of the ${width - 1} samples has a label`, { file, row: labelRow.line });
    for (const c of this.#sampleAt) checkLabel(labelRow.cells[c], this.#at(labelRow.line, c), isMissing);
  }

  #at(row: number, column: number): DataErrorLocation {
    return { file: this.#reading.options.file, row, column: column + 1, columnName: this.#nameRow.cells[column] };
  }

  #widthProblem({ cells, line }: Row): DataError | undefined {
    const width = this.#nameRow.cells.length;
    if (cells.length === width) return undefined;
    return new DataError(`${cells.length} cells where the Name row (row ${this.#nameRow.line}) has ${width}`, {
      file: this.#reading.options.file,
      row: line,
    });
  }

  add(row: Row): void {
    const { cells, line } = row;
    const { file } = this.#reading.options;
    const name = cells[0];
    if (name === "") throw new DataError("the feature has no name", { file, row: line, column: 1 });
    const first = this.#featureLine.get(name);
    if (first !== undefined)
      throw new DataError(`feature ${JSON.stringify(name)} is also on row ${first}`, { file, row: line, column: 1 });
    this.#featureLine.set(name, line);
    let values: Float64Array | DataError | undefined = this.#widthProblem(row);
    let missingAt = -1;
    if (values === undefined) {
      const read = new Float64Array(this.#sampleAt.length);
      for (let s = 0; s < read.length && values === undefined; s++) {
        const c = this.#sampleAt[s];
        const value = cellValue(cells[c], this.#reading);
        if (value === null) values = numberProblem(cells[c], this.#reading.decimalComma, this.#at(line, c));
        else if (Number.isNaN(value) && missingAt < 0) missingAt = c;
        read[s] = value ?? NaN;
      }
      values ??= read;
    }
    this.#rows.push({ name, values, missingAt, line });
  }

  finish(): Parsed {
    const { options } = this.#reading;
    const { file } = options;
    const labelRow = this.#labelRow;
    if (this.#rows.length === 0)
      throw new DataError("no feature rows after the Label row", { file, row: labelRow.line });
    const allNames = this.#rows.map(({ name }) => name);
    const selected = selectFeatures(
      allNames,
      allNames.map((_, f) => f),
      options,
      { file },
    ).map((f) => this.#rows[f]);
    const samples = this.#sampleAt.length;
    const features = selected.length;
    const data = new Float64Array(samples * features);
    let firstMissing: DataErrorLocation | undefined;
    selected.forEach(({ values, missingAt, line }, f) => {
      if (values instanceof DataError) throw values;
      if (missingAt >= 0) firstMissing ??= this.#at(line, missingAt);
      for (let s = 0; s < samples; s++) data[s * features + f] = values[s];
    });
    return {
      sampleIds: this.#sampleAt.map((c) => this.#nameRow.cells[c]),
      labels: this.#sampleAt.map((c) => labelRow.cells[c]),
      featureNames: selected.map(({ name }) => name),
      data,
      droppedUnlabelled: this.#nameRow.cells.length - 1 - samples,
      labelPlace: { file, row: labelRow.line },
      firstMissing,
    };
  }
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
  const problem = labelProblem(label, where, isMissing);
  if (problem) throw problem;
}

/** Why a label is not a class (a missing value), or undefined. */
function labelProblem(
  label: string,
  where: DataErrorLocation,
  isMissing: (cell: string) => boolean,
): DataError | undefined {
  if (!isMissing(label)) return undefined;
  return new DataError(
    label === "" ? "the label is empty" : `the label '${label}' marks a missing value, not a class`,
    where,
  );
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
