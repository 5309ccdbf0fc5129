// @ts-check
// The one place where a user's file becomes a table, for the page (its preview) and the worker (the table trained
// on or predicted). CSV, TSV and the SAE omics layout are text, read by the package's previewTable and parseTable:
// the page has no parser of its own.
import { DataError, decodeText, parseTable, previewTable } from "../../dist/index.js";

/** Binary tables the page will read through `sparseproj/formats` (see openTable). */
const BINARY = /\.(parquet|h5ad)$/i;

/**
 * A file as a table: `preview(rows)` gives its header and first rows as text (previewTable), `parse(options)` the
 * labelled table (parseTable's options; the file's name is added for messages).
 * @param {string} name @param {ArrayBuffer} bytes
 */
export function openTable(name, bytes) {
  if (BINARY.test(name)) {
    // ── Hand-off to sparseproj/formats (Parquet, AnnData .h5ad) ─────────────────────────────────────────────────
    // Another issue adds the readers of these formats behind the package's `sparseproj/formats` subpath. This is
    // the one place to call them: return { preview, parse } over the table they read (header and first rows as
    // text for the preview; the same ParseTableOptions for the columns), and the page and worker take it as is.
    const kind = /\.h5ad$/i.test(name) ? "AnnData (.h5ad)" : "Parquet";
    throw new DataError(`${kind} files are not read in this page yet: save the table as CSV or TSV`, { file: name });
  }
  const text = decodeText(new Uint8Array(bytes));
  return {
    preview: (rows) => previewTable(text, { rows }),
    parse: (options) => parseTable(text, { ...options, file: name }),
  };
}
