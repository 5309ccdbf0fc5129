// Arrow IPC, file ("ARROW1", Feather v2) and stream, read by apache-arrow, the Arrow project's own JavaScript
// implementation. Its numeric columns are views on the file's bytes, so a record batch is written into the table
// without an intermediate copy.
import { ColumnarTableBuilder, type TableColumn } from "../index.ts";
import type { LabelledTable, ParseTableOptions } from "../index.ts";
import { checkDeclaredValues, libraryError } from "./bounds.ts";

// apache-arrow's Type enum (stable across versions, part of the format's schema): the ids this reader tells apart.
const INT = 2;
const FLOAT = 3;
const UTF8 = 5;
const LARGE_UTF8 = 20;
const UTF8_VIEW = 24;
const DICTIONARY = -1;
const TYPE_NAMES: Record<number, string> = {
  1: "null",
  4: "binary",
  6: "boolean",
  7: "decimal",
  8: "date",
  9: "time",
  10: "timestamp",
  11: "interval",
  12: "list",
  13: "struct",
  14: "union",
  15: "fixed-size binary",
  16: "fixed-size list",
  17: "map",
  18: "duration",
};

interface ArrowVector {
  readonly length: number;
  readonly nullCount: number;
  readonly type: { readonly typeId: number; readonly dictionary?: { readonly typeId: number } };
  get(i: number): unknown;
  isValid(i: number): boolean;
  toArray(): ArrayLike<unknown>;
}

function kindOf(type: ArrowVector["type"]): string {
  const id = type.typeId === DICTIONARY ? (type.dictionary?.typeId ?? 0) : type.typeId;
  if (id === INT || id === FLOAT) return "number";
  if (id === UTF8 || id === LARGE_UTF8 || id === UTF8_VIEW) return "text";
  return TYPE_NAMES[id] ?? `type ${id}`;
}

// A column's values with nulls as null. Numbers without nulls (and not half floats) are the file's own typed array.
function valuesOf(vector: ArrowVector, kind: string): ArrayLike<unknown> {
  const direct =
    kind === "number" && vector.type.typeId !== DICTIONARY && vector.nullCount === 0 ? vector.toArray() : null;
  if (direct && direct.length === vector.length && !(direct instanceof Uint16Array)) return direct;
  return Array.from({ length: vector.length }, (_, i) => (vector.isValid(i) ? vector.get(i) : null));
}

const asText = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

/**
 * Reads an Arrow IPC file or stream (its bytes) as a labelled table: `options` as parseTable's. Integer and float
 * columns are numbers (a null, or NaN, is missing); text and dictionary-encoded text columns are read as CSV cells;
 * other types are not features. Throws a DataError naming the file and column.
 */
export async function readArrow(bytes: Uint8Array, options: ParseTableOptions = {}): Promise<LabelledTable> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("readArrow(bytes): bytes must be a Uint8Array");
  const { file } = options;
  const where = { file };
  const { tableFromIPC } = await import("apache-arrow");
  let batches: { numRows: number; getChildAt(i: number): ArrowVector | null }[];
  let names: string[];
  let kinds: string[];
  try {
    const arrow = tableFromIPC(bytes);
    names = arrow.schema.fields.map((field) => field.name);
    kinds = arrow.schema.fields.map((field) => kindOf(field.type as ArrowVector["type"]));
    batches = arrow.batches as unknown as typeof batches;
  } catch (error) {
    throw libraryError(error, "Arrow IPC", where);
  }
  const rows = batches.reduce((sum, batch) => sum + batch.numRows, 0);
  const table = new ColumnarTableBuilder({ samples: rows, names, file }, options);
  checkDeclaredValues(rows, table.featureAt.length, bytes.byteLength, where);
  const column = (c: number, batch: (typeof batches)[number]): ArrowVector => {
    try {
      const vector = batch.getChildAt(c);
      if (vector === null || vector.length !== batch.numRows) throw new Error("the batch has fewer values than rows");
      return vector;
    } catch (error) {
      throw libraryError(error, "Arrow IPC", { file, columnName: names[c] });
    }
  };
  // A whole column, as text: for the label and id.
  const texts = (c: number): TableColumn => {
    const values: (string | null)[] = [];
    for (const batch of batches) {
      const vector = column(c, batch);
      for (let i = 0; i < vector.length; i++) values.push(vector.isValid(i) ? asText(vector.get(i)) : null);
    }
    return { kind: "text", values };
  };
  if (table.labelAt >= 0) table.setLabels(texts(table.labelAt));
  if (table.idAt >= 0) table.setIds(texts(table.idAt));
  table.featureAt.forEach((c, f) => {
    const kind = kinds[c];
    if (kind !== "number" && kind !== "text") return table.putFeature(f, 0, { kind: "other", type: kind });
    let rowStart = 0;
    for (const batch of batches) {
      let values: ArrayLike<unknown>;
      try {
        values = valuesOf(column(c, batch), kind);
      } catch (error) {
        throw libraryError(error, "Arrow IPC", { file, columnName: names[c] });
      }
      table.putFeature(f, rowStart, { kind, values } as TableColumn);
      rowStart += batch.numRows;
    }
  });
  return table.finish();
}

/** The first `rows` rows of an Arrow IPC file or stream as text cells (a column-mapping preview). */
export async function previewArrow(
  bytes: Uint8Array,
  rows: number,
  file?: string,
): Promise<{ header: string[]; rows: string[][] }> {
  const { tableFromIPC } = await import("apache-arrow");
  try {
    const arrow = tableFromIPC(bytes);
    const header = arrow.schema.fields.map((field) => field.name);
    const columns = header.map((_, c) => arrow.getChildAt(c) as ArrowVector | null);
    return {
      header,
      rows: Array.from({ length: Math.min(rows, arrow.numRows) }, (_, r) =>
        columns.map((column) => (column?.isValid(r) ? (asText(column.get(r)) ?? "") : "")),
      ),
    };
  } catch (error) {
    throw libraryError(error, "Arrow IPC", { file });
  }
}
