// AnnData (.h5ad), HDF5 read by h5wasm (the HDF5 C library compiled to WebAssembly: HDF5 has no second reader).
// The table is X (samples × features, dense or CSR/CSC sparse); the label and id are columns of obs, the feature
// names var's index, the sample ids obs's index. Both layouts anndata has written are read: ≥ 0.8 (every element
// tagged with an encoding-type; categorical columns as groups of codes and categories) and 0.7 (categories kept
// in obs/__categories). Every dataset's declared size is checked against the file's before it is read.
import { ColumnarTableBuilder, type TableColumn } from "../index.ts";
import { DataError, type DataErrorLocation, type LabelledTable, type ParseTableOptions } from "../index.ts";
import { checkDeclaredValues, libraryError } from "./bounds.ts";

// The part of h5wasm this reader uses (its classes, structurally, so that "h5wasm" and "h5wasm/node" both fit).
interface H5Attr {
  readonly value: unknown;
}
interface H5Node {
  readonly type: string;
  readonly attrs: Record<string, H5Attr>;
}
interface H5Dataset extends H5Node {
  readonly shape: number[] | null;
  readonly metadata: {
    readonly type: number;
    readonly size: number;
    readonly vlen: boolean;
    readonly total_size: number;
  };
  readonly filters: unknown[];
  readonly value: unknown;
  slice(ranges: ([] | [number, number])[]): unknown;
}
interface H5Group extends H5Node {
  keys(): string[];
  get(name: string): H5Node | null;
}
/** What `readH5ad` needs of h5wasm (from "h5wasm" or, in Node, "h5wasm/node"): its File class and module. */
export interface H5wasmFiles {
  readonly File: new (filename: string, mode: "r") => H5Group & { close(): unknown };
  readonly ready: Promise<{ activate_throwing_error_handler(): number }>;
}

// HDF5 datatype classes (H5T_class_t).
const INTEGER = 0;
const FLOAT = 1;
const STRING = 3;
const ENUM = 8;
// Rows of a dense X read at a time: a bounded slice, whatever the file's width.
const SLICE_VALUES = 1 << 22;

const attr = (node: H5Node, name: string): unknown => node.attrs[name]?.value;
const encodingOf = (node: H5Node) => String(attr(node, "encoding-type") ?? attr(node, "h5sparse_format") ?? "");

class AnnData {
  readonly #file: string | undefined;
  readonly #bytes: number;

  constructor(file: string | undefined, bytes: number) {
    this.#file = file;
    this.#bytes = bytes;
  }

  where(path: string, columnName?: string): DataErrorLocation {
    return { file: this.#file, ...(columnName === undefined ? { columnName: path } : { columnName }) };
  }

  /** A dataset's value (its `first` values when given), after checking that the file can hold it all. */
  read(dataset: H5Dataset, path: string, first?: number): ArrayLike<unknown> {
    const { total_size: count, size, vlen } = dataset.metadata;
    // Uncompressed, the values are in the file; compressed, deflate's limit on expansion still bounds them.
    const perValue = dataset.filters.length > 0 ? 1 / 1032 : vlen ? 1 : size;
    if (!Number.isSafeInteger(count) || count * perValue > this.#bytes)
      throw new DataError(`declares ${count} values, more than a ${this.#bytes}-byte file holds`, this.where(path));
    let value: unknown;
    try {
      value = first === undefined ? dataset.value : dataset.slice([[0, first]]);
    } catch (error) {
      throw hdf5Error(error, this.where(path));
    }
    if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return [value];
    if (value === null || typeof value !== "object" || typeof (value as ArrayLike<unknown>).length !== "number")
      throw new DataError("holds no array of values", this.where(path));
    return value as ArrayLike<unknown>;
  }

  dataset(group: H5Group, name: string, path: string): H5Dataset {
    const node = group.get(name);
    if (node === null || node.type !== "Dataset") throw new DataError("is missing or not a dataset", this.where(path));
    return node as H5Dataset;
  }

  group(group: H5Group, name: string, path: string): H5Group {
    const node = group.get(name);
    if (node === null || node.type !== "Group") throw new DataError("is missing or not a group", this.where(path));
    return node as H5Group;
  }

  /** A dataframe's index (obs or var): its strings. */
  index(frame: H5Group, path: string): string[] {
    const name = String(attr(frame, "_index") ?? "_index");
    return Array.from(this.read(this.dataset(frame, name, `${path}/${name}`), `${path}/${name}`), (v) => String(v));
  }

  /** A dataframe's columns, in order, but its index (and 0.7's __categories). */
  columns(frame: H5Group): string[] {
    const order = attr(frame, "column-order");
    const index = String(attr(frame, "_index") ?? "_index");
    const keys = frame.keys().filter((key) => key !== index && key !== "__categories");
    const listed =
      Array.isArray(order) || ArrayBuffer.isView(order) ? Array.from(order as ArrayLike<unknown>, String) : [];
    return [...listed.filter((name) => keys.includes(name)), ...keys.filter((key) => !listed.includes(key))];
  }

  /** An obs column as the table builder takes it: numbers, text (categories as their text), or another type. */
  column(frame: H5Group, name: string, rows: number): TableColumn {
    const path = `obs/${name}`;
    const node = frame.get(name);
    if (node === null) throw new DataError("is missing", this.where(path));
    const encoding = encodingOf(node);
    if (node.type === "Group") {
      const group = node as H5Group;
      if (encoding === "categorical")
        return this.categorical(
          this.read(this.dataset(group, "codes", `${path}/codes`), `${path}/codes`),
          this.read(this.dataset(group, "categories", `${path}/categories`), `${path}/categories`),
          path,
        );
      if (encoding === "nullable-integer" || encoding === "nullable-boolean") {
        const values = this.read(this.dataset(group, "values", `${path}/values`), `${path}/values`);
        const mask = this.read(this.dataset(group, "mask", `${path}/mask`), `${path}/mask`);
        const masked = Array.from(values, (v, i) => (mask[i] ? null : v));
        return encoding === "nullable-integer"
          ? { kind: "number", values: masked as (number | bigint | null)[] }
          : { kind: "text", values: masked.map((v) => (v === null ? null : String(Boolean(v)))) };
      }
      if (encoding === "nullable-string-array") {
        const values = this.read(this.dataset(group, "values", `${path}/values`), `${path}/values`);
        const mask = this.read(this.dataset(group, "mask", `${path}/mask`), `${path}/mask`);
        return { kind: "text", values: Array.from(values, (v, i) => (mask[i] ? null : String(v))) };
      }
      return { kind: "other", type: encoding || "group" };
    }
    const dataset = node as H5Dataset;
    const values = this.read(dataset, path);
    if (values.length !== rows)
      throw new DataError(`holds ${values.length} values for the ${rows} samples of obs`, this.where(path));
    // anndata 0.7: a categorical column is its codes, its categories in obs/__categories/<name>.
    const legacy = frame.get("__categories");
    const categories = legacy?.type === "Group" ? (legacy as H5Group).get(name) : null;
    if (categories !== null && categories.type === "Dataset")
      return this.categorical(values, this.read(categories as H5Dataset, `obs/__categories/${name}`), path);
    const { type } = dataset.metadata;
    if (type === INTEGER || type === FLOAT) return { kind: "number", values: values as ArrayLike<number | bigint> };
    if (type === STRING) return { kind: "text", values: Array.from(values, (v) => String(v)) };
    return { kind: "other", type: type === ENUM ? "boolean" : `HDF5 class ${type}` };
  }

  categorical(codes: ArrayLike<unknown>, categories: ArrayLike<unknown>, path: string): TableColumn {
    const values = Array.from(codes, (code) => {
      const k = Number(code);
      if (k === -1) return null; // pandas' code for a missing value
      if (!Number.isInteger(k) || k < 0 || k >= categories.length)
        throw new DataError(`a code ${k} beyond its ${categories.length} categories`, this.where(path));
      return String(categories[k]);
    });
    return { kind: "text", values };
  }
}

const shapeOf = (value: unknown): number[] =>
  value !== null && typeof value === "object" && typeof (value as ArrayLike<unknown>).length === "number"
    ? Array.from(value as ArrayLike<unknown>, Number)
    : [];

/** The first `rows` values of an obs column. */
const firstRows = (column: TableColumn, rows: number): TableColumn =>
  column.kind === "other"
    ? column
    : ({ kind: column.kind, values: Array.prototype.slice.call(column.values, 0, rows) } as TableColumn);

/**
 * Reads an AnnData file already open in h5wasm. `size` is the file's size in bytes, against which every declared
 * shape is checked. `rowLimit` reads only the first samples (a preview): X's other rows are never decoded.
 */
export function readAnnData(
  root: H5Group,
  size: number,
  options: ParseTableOptions = {},
  rowLimit = Number.POSITIVE_INFINITY,
): LabelledTable {
  const { file } = options;
  const h5 = new AnnData(file, size);
  const obsNode = root.get("obs");
  if (obsNode?.type === "Dataset")
    throw new DataError("obs is a compound dataset (anndata before 0.7): re-save the file with anndata ≥ 0.7", {
      file,
    });
  const obs = h5.group(root, "obs", "obs");
  const varGroup = h5.group(root, "var", "var");
  const sampleIds = h5.index(obs, "obs");
  const featureNames = h5.index(varGroup, "var");
  const names = h5.columns(obs);
  const total = sampleIds.length;
  const samples = Math.min(total, rowLimit);
  const layout = { samples, names, featureNames, sampleIds: sampleIds.slice(0, samples), file };
  const table = new ColumnarTableBuilder(layout, options);
  const d = featureNames.length;
  checkDeclaredValues(total, d, size, h5.where("X"));
  if (table.labelAt >= 0) table.setLabels(firstRows(h5.column(obs, names[table.labelAt], total), samples));
  if (table.idAt >= 0) table.setIds(firstRows(h5.column(obs, names[table.idAt], total), samples));
  const x = root.get("X");
  if (x === null) throw new DataError("is missing", h5.where("X"));
  const encoding = encodingOf(x);
  if (x.type === "Dataset") {
    const dataset = x as H5Dataset;
    const shape = dataset.shape ?? [];
    if (shape.length !== 2 || shape[0] !== total || shape[1] !== d)
      throw new DataError(`has shape ${shape.join(" × ")} where obs and var make ${total} × ${d}`, h5.where("X"));
    const { type, size: itemSize, total_size } = dataset.metadata;
    if (type !== INTEGER && type !== FLOAT) throw new DataError("does not hold numbers", h5.where("X"));
    if (dataset.filters.length === 0 && total_size * itemSize > size)
      throw new DataError(`declares ${total_size} values, more than a ${size}-byte file holds`, h5.where("X"));
    const step = Math.max(1, Math.floor(SLICE_VALUES / Math.max(d, 1)));
    for (let r = 0; r < samples; r += step) {
      const end = Math.min(samples, r + step);
      let values: unknown;
      try {
        values = dataset.slice([[r, end], []]);
      } catch (error) {
        throw hdf5Error(error, h5.where("X"));
      }
      table.putRows(r, Float64Array.from(values as ArrayLike<number>, Number), d);
    }
  } else if (encoding === "csr_matrix" || encoding === "csc_matrix" || encoding === "csr" || encoding === "csc") {
    const group = x as H5Group;
    const shape = shapeOf(attr(group, "shape") ?? attr(group, "h5sparse_shape"));
    if (shape.length !== 2 || shape[0] !== total || shape[1] !== d)
      throw new DataError(`has shape ${shape.join(" × ")} where obs and var make ${total} × ${d}`, h5.where("X"));
    const byRow = encoding.startsWith("csr");
    const indptr = h5.read(h5.dataset(group, "indptr", "X/indptr"), "X/indptr");
    const dataSet = h5.dataset(group, "data", "X/data");
    const indicesSet = h5.dataset(group, "indices", "X/indices");
    const stored = dataSet.metadata.total_size;
    const outer = byRow ? total : d;
    const inner = byRow ? d : total;
    if (indptr.length !== outer + 1 || indicesSet.metadata.total_size !== stored)
      throw new DataError(
        `indptr has ${indptr.length} entries for ${outer} ${byRow ? "rows" : "columns"}, ` +
          `indices ${indicesSet.metadata.total_size} for ${stored} values (damaged file?)`,
        h5.where("X"),
      );
    // A preview of CSR rows reads the values of those rows only.
    const used = byRow && samples < total ? Number(indptr[samples]) : undefined;
    if (used !== undefined && !(Number.isSafeInteger(used) && used >= 0 && used <= stored))
      throw new DataError(`indptr is not increasing within the data at entry ${samples + 1}`, h5.where("X/indptr"));
    const data = h5.read(dataSet, "X/data", used) as ArrayLike<number>;
    const indices = h5.read(indicesSet, "X/indices", used);
    const line = new Float64Array(inner);
    const featureOf = new Int32Array(d).fill(-1);
    table.featureAt.forEach((c, f) => {
      featureOf[c] = f;
    });
    for (let o = 0; o < (byRow ? samples : outer); o++) {
      const start = Number(indptr[o]);
      const end = Number(indptr[o + 1]);
      if (!(start <= end && start >= 0 && end <= data.length))
        throw new DataError(`indptr is not increasing within the data at entry ${o + 1}`, h5.where("X/indptr"));
      if (!byRow && featureOf[o] < 0) continue;
      line.fill(0);
      for (let k = start; k < end; k++) {
        const i = Number(indices[k]);
        if (!(i >= 0 && i < inner)) throw new DataError(`index ${i} is outside 0…${inner - 1}`, h5.where("X/indices"));
        line[i] += Number(data[k]); // scipy's reading: duplicate entries add up
      }
      if (byRow) table.putRows(o, line, d);
      else table.putFeature(featureOf[o], 0, { kind: "number", values: line.subarray(0, samples) });
    }
  } else throw new DataError(`holds a ${encoding || "group"} this reader does not know`, h5.where("X"));
  return table.finish();
}

let memoryFiles = 0;

/**
 * Reads an AnnData `.h5ad` file (its bytes) as a labelled table with h5wasm: features are X's columns named by
 * var's index, sample ids obs's index, the label (and id) columns of obs, `options.labelColumn` naming the label
 * (categorical columns read as their categories). `options` as parseTable's.
 */
export async function readH5ad(bytes: Uint8Array, options: ParseTableOptions = {}): Promise<LabelledTable> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("readH5ad(bytes): bytes must be a Uint8Array");
  return inMemory(bytes, options.file, (root) => readAnnData(root, bytes.byteLength, options));
}

/** `read` of an AnnData file's bytes, copied into h5wasm's in-memory file system for the read, then removed. */
async function inMemory<T>(bytes: Uint8Array, file: string | undefined, read: (root: H5Group) => T): Promise<T> {
  const h5wasm = await import("h5wasm");
  const module = await h5wasm.ready;
  const name = `/sparseproj-${memoryFiles++}.h5ad`;
  module.FS.writeFile(name, bytes);
  try {
    return await openAnnData(h5wasm as unknown as H5wasmFiles, name, file, read);
  } finally {
    module.FS.unlink(name);
  }
}

/**
 * The first `rows` samples of an AnnData file (its bytes) as text cells, for a column-mapping preview: `obs`'s
 * columns, then `X`'s, named by `var`. Only those rows of X are read (with the missing values they have).
 */
export async function previewH5ad(
  bytes: Uint8Array,
  rows: number,
  file?: string,
): Promise<{ header: string[]; rows: string[][] }> {
  return inMemory(bytes, file, (root) => {
    const table = readAnnData(
      root,
      bytes.byteLength,
      { file, labelColumn: null, allowMissing: true },
      Math.max(rows, 1),
    );
    const h5 = new AnnData(file, bytes.byteLength);
    const obs = h5.group(root, "obs", "obs");
    const names = h5.columns(obs);
    const n = Math.min(rows, table.samples);
    const total = h5.index(obs, "obs").length;
    const obsCells = names.map((name) => {
      const column = h5.column(obs, name, total);
      if (column.kind === "other") return new Array<string>(n).fill(`(${column.type})`);
      return Array.from({ length: n }, (_, r) => String(column.values[r] ?? ""));
    });
    const d = table.features;
    return {
      header: [...names, ...table.featureNames],
      rows: Array.from({ length: n }, (_, r) => [
        ...obsCells.map((cells) => cells[r]),
        ...Array.from(table.data.subarray(r * d, (r + 1) * d), (v) => (Number.isNaN(v) ? "" : String(v))),
      ]),
    };
  });
}

/**
 * Opens `path` with the given h5wasm and reads it as AnnData (`readAnnData`), closing it in every case. HDF5's
 * errors are thrown, not printed (its default prints a many-line stack on stderr and carries on).
 */
export async function readH5adFrom(
  h5wasm: H5wasmFiles,
  path: string,
  size: number,
  options: ParseTableOptions = {},
): Promise<LabelledTable> {
  return openAnnData(h5wasm, path, options.file, (root) => readAnnData(root, size, options));
}

/** `read` of the file at `path`, opened with h5wasm and closed in every case; HDF5's errors as one DataError. */
async function openAnnData<T>(
  h5wasm: H5wasmFiles,
  path: string,
  file: string | undefined,
  read: (root: H5Group) => T,
): Promise<T> {
  (await h5wasm.ready).activate_throwing_error_handler();
  let root: H5Group & { close(): unknown };
  try {
    root = new h5wasm.File(path, "r");
  } catch (error) {
    throw hdf5Error(error, { file });
  }
  try {
    return read(root);
  } catch (error) {
    throw hdf5Error(error, { file });
  } finally {
    root.close();
  }
}

/** HDF5's error stack as one line: its innermost message ("truncated file: eof = …") says the most. */
function hdf5Error(error: unknown, where: DataErrorLocation): DataError {
  if (error instanceof DataError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/ in [\w.]+\(\): ([^\n]+)/g)].map((match) => match[1]);
  return libraryError(reasons.length ? new Error(reasons[reasons.length - 1]) : error, "HDF5", where);
}
