// sparseproj/formats: tables in Parquet, Arrow IPC and AnnData (.h5ad) as well as text, told apart by their magic
// bytes. A subpath of its own so that `import "sparseproj"` never loads hyparquet, apache-arrow or h5wasm (h5wasm
// alone is a 3 MB WebAssembly module); each library is imported on first use of its format.
import {
  DataError,
  decodeText,
  type LabelledTable,
  type ParseTableOptions,
  parseTable,
  previewTable,
  type TablePreview,
} from "../index.ts";
import { previewArrow, readArrow } from "./arrow.ts";
import { type DataFormat, detectFormat } from "./detect.ts";
import { previewH5ad, readH5ad } from "./h5ad.ts";
import { previewParquet, readParquet } from "./parquet.ts";

export { readArrow } from "./arrow.ts";
export { type DataFormat, detectFormat, SIGNATURE_BYTES } from "./detect.ts";
export { readH5ad } from "./h5ad.ts";
export { type ByteSource, type ParquetInput, readParquet } from "./parquet.ts";

/**
 * Reads a table in any format this package knows, from its bytes: Parquet, Arrow IPC (file or stream), AnnData
 * `.h5ad`, else delimited text (`parseTable`: CSV, TSV, the omics layout). The format comes from the magic bytes,
 * never from the file's name. `options` are parseTable's and mean the same in every format (`format` and
 * `delimiter` only apply to text). Resolves to the LabelledTable parseTable gives for the same table as CSV.
 */
export async function readTable(
  bytes: Uint8Array | ArrayBuffer,
  options: ParseTableOptions = {},
): Promise<LabelledTable> {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array)) throw new TypeError("readTable(bytes): bytes must be a Uint8Array or ArrayBuffer");
  const format: DataFormat = detectFormat(data.subarray(0, 16));
  if (format === "parquet") return readParquet(data, options);
  if (format === "arrow-file" || format === "arrow-stream") return readArrow(data, options);
  if (format === "hdf5") return readH5ad(data, options);
  if (data.byteLength === 0) throw new DataError("the file is empty", { file: options.file });
  return parseTable(decodeText(data), options);
}

/** A table's first rows as text, from a file in any format `readTable` reads (see `previewBytes`). */
export interface FilePreview extends TablePreview {
  /** The format the magic bytes say. */
  readonly format: DataFormat;
}

/**
 * The header and first `rows` rows of a table in any format readTable reads, as text cells, so that a user can
 * choose the label, id and ignored columns before the table is read (the web page's column mapping). Text is
 * `previewTable`'s; Parquet and Arrow show their columns (Parquet the values of the first 200); AnnData `obs`'s
 * columns then `X`'s.
 * Binary formats have no separator: `delimiter` is "," (a comma never a decimal point) and `omics` false.
 */
export async function previewBytes(
  bytes: Uint8Array | ArrayBuffer,
  options: { readonly rows?: number; readonly file?: string } = {},
): Promise<FilePreview> {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array))
    throw new TypeError("previewBytes(bytes): bytes must be a Uint8Array or ArrayBuffer");
  const { rows = 10, file } = options;
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new RangeError(`previewBytes: options.rows must be an integer ≥ 0; got ${String(rows)}`);
  const format: DataFormat = detectFormat(data.subarray(0, 16));
  const binary = { delimiter: ",", omics: false, format } as const;
  if (format === "parquet") return { ...binary, ...(await previewParquet(data, rows, file)) };
  if (format === "hdf5") return { ...binary, ...(await previewH5ad(data, rows, file)) };
  if (format === "arrow-file" || format === "arrow-stream")
    return { ...binary, ...(await previewArrow(data, rows, file)) };
  return { ...previewTable(decodeText(data), { rows }), format };
}
