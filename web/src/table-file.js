// @ts-check
// The one place where a user's file becomes a table, for the page (its preview) and the worker (the table trained
// on or predicted). CSV, TSV and the SAE omics layout are text, read by the package's previewTable and parseTable;
// Parquet, Arrow and AnnData (.h5ad), told apart by their first bytes as the command line does, by the package's
// `sparseproj/formats`, imported only for such a file (h5wasm alone is a 3 MB WebAssembly module): the page has no
// reader of its own.
import { decodeText, parseTable, previewTable } from "../../dist/index.js";

/** Signatures of the binary formats (sparseproj/formats' detectFormat decides which). */
const BINARY = [
  [0x50, 0x41, 0x52, 0x31], // Parquet: "PAR1"
  [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], // Arrow IPC file: "ARROW1"
  [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], // HDF5 (AnnData)
  [0xff, 0xff, 0xff, 0xff], // Arrow IPC stream: a continuation marker
];

/**
 * A file as a table: `preview(rows)` gives its header and first rows as text (previewTable's, or previewBytes' for
 * a binary file, read once with up to `previewRows` rows), `parse(options)` the labelled table (parseTable's
 * options; the file's name is added for messages), a promise for a binary file.
 * @param {string} name @param {ArrayBuffer} bytes @param {number} [previewRows]
 */
export async function openTable(name, bytes, previewRows = 10) {
  const head = new Uint8Array(bytes, 0, Math.min(16, bytes.byteLength));
  if (BINARY.some((signature) => signature.every((b, i) => head[i] === b))) {
    const { detectFormat, previewBytes, readTable } = await import("../../dist/formats.js");
    if (detectFormat(head) !== "text") {
      const preview = await previewBytes(bytes, { rows: previewRows, file: name });
      return {
        preview: (rows) => ({ ...preview, rows: preview.rows.slice(0, rows) }),
        parse: (options) => readTable(bytes, { ...options, file: name }),
      };
    }
  }
  const text = decodeText(new Uint8Array(bytes));
  return {
    preview: (rows) => previewTable(text, { rows }),
    parse: (options) => parseTable(text, { ...options, file: name }),
  };
}
