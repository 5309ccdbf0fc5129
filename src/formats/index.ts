// sparseproj/formats: tables in Parquet, Arrow IPC and AnnData (.h5ad) as well as text, told apart by their magic
// bytes. A subpath of its own so that `import "sparseproj"` never loads hyparquet, apache-arrow or h5wasm (h5wasm
// alone is a 3 MB WebAssembly module); each library is imported on first use of its format.
import { DataError, decodeText, type LabelledTable, type ParseTableOptions, parseTable } from "../index.ts";
import { readArrow } from "./arrow.ts";
import { type DataFormat, detectFormat } from "./detect.ts";
import { readH5ad } from "./h5ad.ts";
import { readParquet } from "./parquet.ts";

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
