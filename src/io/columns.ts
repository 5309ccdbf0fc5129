// Tables that arrive as typed columns (Parquet, Arrow, AnnData, or arrays a caller already holds) read by
// parseTable's rules: the same label, id, ignore and feature columns, the same missing values, the same errors, so
// that a table gives one LabelledTable whatever file it came in. The columns may arrive in pieces (a Parquet row
// group, an Arrow record batch), each written into the table as it comes, so no second copy of the data is held.
import {
  checkLabel,
  countMissing,
  type DataErrorLocation,
  DataError,
  encodeLabels,
  findColumn,
  type LabelledTable,
  missingRefused,
  missingTest,
  type NotNumericColumn,
  notNumericColumns,
  type ParseTableOptions,
  quoteAll,
  type Reading,
  cellValue,
  selectFeatures,
} from "./table.ts";

/**
 * One column of a typed table, or a piece of one: numbers (null, undefined and NaN are missing; bigint is read
 * as the nearest double), text (read as a CSV cell: trimmed, a number, a missing value or not numeric), or
 * values of another type (booleans, dates, nested values), which are never features.
 */
export type TableColumn =
  | { readonly kind: "number"; readonly values: ArrayLike<number | bigint | null | undefined> }
  | { readonly kind: "text"; readonly values: ArrayLike<string | null | undefined> }
  | { readonly kind: "other"; readonly type: string };

/** The shape of a typed table, known before its values are read. */
export interface ColumnLayout {
  /** Number of samples (rows). */
  readonly samples: number;
  /** Column names: the label, the id, annotations and, without `featureNames`, the features. */
  readonly names: readonly string[];
  /**
   * The features, when they are not among `names`: AnnData's `var` names, its `obs` columns being `names`.
   * `ignoreColumns` may then name `obs` columns too (they are never features).
   */
  readonly featureNames?: readonly string[];
  /** Sample ids when the table has them outside its columns (AnnData's `obs` index); else 1, 2, 3… */
  readonly sampleIds?: readonly string[];
  /** The file's name, for error messages. */
  readonly file?: string;
}

/**
 * Builds a LabelledTable from typed columns with parseTable's options and errors. Rows in messages are 1-based
 * record numbers (a typed file has no header line). Call `setLabels` (and `setIds`) before `putFeature`.
 */
export class ColumnarTableBuilder {
  /** Index into `names` of the label column, or -1. */
  readonly labelAt: number;
  /** Index into `names` of the id column, or -1. */
  readonly idAt: number;
  /** The features read: indices into `featureNames`, or into `names` when there is no `featureNames`. */
  readonly featureAt: number[];
  readonly #layout: ColumnLayout;
  readonly #options: ParseTableOptions;
  readonly #reading: Reading;
  #labels: string[] | null = null;
  #ids: string[] | null = null;
  /** Per record, its row in the table, or -1 when dropped (no label, with dropUnlabelled). */
  #rowOf: Int32Array | null = null;
  #data: Float64Array | null = null;
  #kept = 0;
  #firstMissing: DataErrorLocation | undefined;
  #firstMissingKey = Infinity;
  readonly #numbers: Uint8Array;
  readonly #notNumeric = new Map<number, Omit<NotNumericColumn, "numbers">>();

  constructor(layout: ColumnLayout, options: ParseTableOptions = {}) {
    this.#layout = layout;
    this.#options = options;
    this.#reading = { decimalComma: false, isMissing: missingTest(options.naValues), options };
    const { file, samples } = layout;
    const names = [...layout.names];
    const { labelColumn = "label", idColumn, labelsOptional = false } = options;
    const place = { file };
    const duplicate = firstDuplicate(names);
    if (duplicate) throw new DataError(`two columns are called ${JSON.stringify(duplicate)}`, place);
    const labelled =
      labelColumn !== null &&
      !(labelsOptional && !names.some((name) => name.toLowerCase() === labelColumn.toLowerCase()));
    this.labelAt = labelled ? findColumn(names, labelColumn, "label", place) : -1;
    this.idAt = idColumn === undefined ? -1 : findColumn(names, idColumn, "id", place);
    if (layout.featureNames) {
      const featureNames = [...layout.featureNames];
      const twice = firstDuplicate(featureNames);
      if (twice) throw new DataError(`two features are called ${JSON.stringify(twice)}`, place);
      if (featureNames.length === 0) throw new DataError("no features: the table has no feature columns", place);
      // An annotation column named in ignoreColumns is not a feature anyway: left out of the check.
      const annotations = new Set(names.map((name) => name.toLowerCase()));
      const ignoreColumns = options.ignoreColumns?.filter(
        (name) =>
          featureNames.some((f) => f.toLowerCase() === name.toLowerCase()) || !annotations.has(name.toLowerCase()),
      );
      this.featureAt = selectFeatures(
        featureNames,
        featureNames.map((_, f) => f),
        { ...options, ignoreColumns },
        place,
      );
    } else {
      const candidates = names.flatMap((_, c) => (c === this.labelAt || c === this.idAt ? [] : [c]));
      if (candidates.length === 0)
        throw new DataError(`no feature columns: the only columns are ${quoteAll(names)}`, place);
      this.featureAt = selectFeatures(names, candidates, options, place);
    }
    if (samples === 0) throw new DataError("no samples: the table has no rows", place);
    this.#numbers = new Uint8Array(this.featureAt.length);
  }

  /** The name of the f-th feature read. */
  featureName(f: number): string {
    const { names, featureNames = names } = this.#layout;
    return featureNames[this.featureAt[f]];
  }

  #at(record: number, column: number, columnName: string): DataErrorLocation {
    return { file: this.#layout.file, row: record + 1, column: column + 1, columnName };
  }

  /** The label column's values, whole; a missing label is an error, or drops its row with dropUnlabelled. */
  setLabels(column: TableColumn): void {
    const { names, file } = this.#layout;
    const labels = this.#text(column, names[this.labelAt]);
    const { isMissing } = this.#reading;
    const keep = labels.map((label) => !(this.#options.dropUnlabelled && isMissing(label)));
    labels.forEach((label, r) => {
      if (keep[r]) checkLabel(label, this.#at(r, this.labelAt, names[this.labelAt]), isMissing);
    });
    if (!keep.includes(true))
      throw new DataError(`no samples: none of the ${labels.length} rows has a label`, { file });
    this.#labels = labels;
    this.#rowOf = Int32Array.from(keep, () => -1);
    let row = 0;
    keep.forEach((k, r) => {
      if (k) this.#rowOf![r] = row++;
    });
  }

  /** The id column's values, whole. */
  setIds(column: TableColumn): void {
    this.#ids = this.#text(column, this.#layout.names[this.idAt]);
  }

  // A label or id column as text, as a CSV cell would read: trimmed, a missing value empty.
  #text(column: TableColumn, name: string): string[] {
    const { file, samples } = this.#layout;
    if (column.kind === "other")
      throw new DataError(`the column holds ${column.type} values, not labels or ids`, { file, columnName: name });
    if (column.values.length !== samples)
      throw new DataError(`the column has ${column.values.length} values for ${samples} rows`, {
        file,
        columnName: name,
      });
    const values: ArrayLike<unknown> = column.values;
    return Array.from(values, (v) => (v === null || v === undefined ? "" : String(v).trim()));
  }

  #rows(): Int32Array {
    if (this.#rowOf === null) {
      if (this.labelAt >= 0) throw new Error("ColumnarTableBuilder: setLabels comes before the features");
      this.#rowOf = Int32Array.from({ length: this.#layout.samples }, (_, r) => r);
    }
    return this.#rowOf;
  }

  /** The table's values (kept rows × features), allocated on first use; the reader checked its size. */
  #values(): Float64Array {
    if (this.#data === null) {
      const rows = this.#rows();
      this.#kept = rows.reduce((n, r) => (r >= 0 ? n + 1 : n), 0);
      this.#data = new Float64Array(this.#kept * this.featureAt.length);
    }
    return this.#data;
  }

  /** Rows `rowStart…` of the f-th feature read (an index into `featureAt`). */
  putFeature(f: number, rowStart: number, column: TableColumn): void {
    const data = this.#values();
    const rowOf = this.#rows();
    const width = this.featureAt.length;
    const c = this.featureAt[f];
    const name = this.featureName(f);
    if (column.kind === "other") {
      if (!this.#notNumeric.has(f))
        this.#notNumeric.set(f, { type: `${column.type} values`, at: this.#place(c, name) });
      return;
    }
    if (rowStart + column.values.length > rowOf.length)
      throw new DataError(`more values than the ${rowOf.length} rows the file declares`, this.#place(c, name));
    const { values } = column;
    for (let i = 0; i < values.length; i++) {
      const row = rowOf[rowStart + i];
      if (row < 0) continue;
      const v = values[i];
      let value: number | null;
      let cell: string | undefined;
      if (v === null || v === undefined) value = NaN;
      else if (typeof v === "string") value = cellValue((cell = v.trim()), this.#reading);
      else {
        value = Number(v);
        if (value === Infinity || value === -Infinity) [cell, value] = [String(value), null];
      }
      if (value === null) {
        if (!this.#notNumeric.has(f))
          this.#notNumeric.set(f, { cell: cell ?? String(v), at: this.#at(rowStart + i, c, name) });
      } else if (Number.isNaN(value)) this.#missingAt(rowStart + i, c, name);
      else this.#numbers[f] = 1;
      data[row * width + f] = value ?? NaN;
    }
  }

  /**
   * Rows `rowStart…` of a row-major matrix holding every feature (AnnData's dense `X`, or a densified sparse one):
   * `values[i·stride + featureAt[f]]`. Missing values are NaN; infinite ones are an error.
   */
  putRows(rowStart: number, values: ArrayLike<number>, stride: number): void {
    const data = this.#values();
    const rowOf = this.#rows();
    const width = this.featureAt.length;
    const rows = Math.floor(values.length / stride);
    for (let i = 0; i < rows; i++) {
      const row = rowOf[rowStart + i];
      if (row < 0) continue;
      for (let f = 0; f < width; f++) {
        const c = this.featureAt[f];
        const value = values[i * stride + c];
        if (Number.isNaN(value)) this.#missingAt(rowStart + i, c, this.featureName(f));
        else if (!Number.isFinite(value))
          throw new DataError(`'${value}' is not a finite number`, this.#at(rowStart + i, c, this.featureName(f)));
        data[row * width + f] = value;
      }
    }
    this.#numbers.fill(1);
  }

  #place(c: number, name: string): DataErrorLocation {
    return { file: this.#layout.file, column: c + 1, columnName: name };
  }

  #missingAt(record: number, c: number, name: string): void {
    // The first in reading order (row by row), as parseTable reports it, though columns come one at a time.
    const key = record * 2 ** 26 + c;
    if (key < this.#firstMissingKey) {
      this.#firstMissingKey = key;
      this.#firstMissing = this.#at(record, c, name);
    }
  }

  /** The table; throws parseTable's errors for columns that are not numeric, missing cells and a single class. */
  finish(): LabelledTable {
    const { file, samples } = this.#layout;
    const data = this.#values();
    if (this.#notNumeric.size > 0) {
      const bad = [...this.#notNumeric]
        .sort(([a], [b]) => a - b)
        .map(([f, first]) => ({ ...first, numbers: this.#numbers[f] === 1 }));
      throw notNumericColumns(bad, false, { file });
    }
    const rowOf = this.#rows();
    const kept = (values: readonly string[]) => values.filter((_, r) => rowOf[r] >= 0);
    const features = this.featureAt.length;
    const missing = countMissing(data, this.#kept, features);
    if (missing.cells > 0 && !this.#options.allowMissing)
      throw missingRefused(missing, this.#firstMissing, false, file);
    const labels = this.#labels === null ? [] : kept(this.#labels);
    const names = this.#layout.names;
    const ids = this.#ids ?? this.#layout.sampleIds ?? Array.from({ length: samples }, (_, r) => String(r + 1));
    return {
      sampleIds: kept(ids),
      labels,
      ...encodeLabels(
        labels,
        { file, column: this.labelAt + 1, columnName: names[this.labelAt] },
        this.#options.minClasses ?? 2,
      ),
      featureNames: this.featureAt.map((_, f) => this.featureName(f)),
      samples: this.#kept,
      features,
      data,
      droppedUnlabelled: samples - this.#kept,
      ...(this.#options.allowMissing ? { missing } : {}),
    };
  }
}

function firstDuplicate(names: string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * A LabelledTable from columns already in memory, by parseTable's rules (`options` as parseTable's: label, id,
 * ignore and feature columns, missing values, dropUnlabelled). `columns[name]` is an array of numbers (null or NaN
 * missing), of strings (read as CSV cells; numbers among them as numbers), or a `TableColumn`. Throws a DataError naming the column.
 */
export function tableFromColumns(
  columns: Readonly<Record<string, TableColumn | ArrayLike<number | string | null>>>,
  options: ParseTableOptions = {},
): LabelledTable {
  if (columns === null || typeof columns !== "object")
    throw new TypeError("tableFromColumns(columns): columns must be an object of arrays");
  const names = Object.keys(columns);
  const typed = names.map((name) => asColumn(columns[name], name));
  const lengths = new Set(typed.map((column) => (column.kind === "other" ? undefined : column.values.length)));
  lengths.delete(undefined);
  if (lengths.size > 1) throw new RangeError(`tableFromColumns: the columns have different lengths (${[...lengths]})`);
  const samples = lengths.size ? ([...lengths][0] as number) : 0;
  const table = new ColumnarTableBuilder({ samples, names, file: options.file }, options);
  if (table.labelAt >= 0) table.setLabels(typed[table.labelAt]);
  if (table.idAt >= 0) table.setIds(typed[table.idAt]);
  table.featureAt.forEach((c, f) => table.putFeature(f, 0, typed[c]));
  return table.finish();
}

function asColumn(column: unknown, name: string): TableColumn {
  if (column !== null && typeof column === "object" && "kind" in column) return column as TableColumn;
  if (column === null || typeof column !== "object" || typeof (column as ArrayLike<unknown>).length !== "number")
    throw new TypeError(`tableFromColumns: column ${JSON.stringify(name)} must be an array`);
  const values = column as ArrayLike<unknown>;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "string") return { kind: "text", values: values as ArrayLike<string | null> };
    if (typeof v === "number" || typeof v === "bigint") return { kind: "number", values: values as ArrayLike<number> };
    if (v !== null && v !== undefined)
      throw new TypeError(`tableFromColumns: column ${JSON.stringify(name)} holds a ${typeof v}, not numbers or text`);
  }
  return { kind: "number", values: values as ArrayLike<number | null> };
}
