// The SAE omics CSV format (`;`-separated, features as rows, a `Name` row of sample ids and a `Label` row, then
// one row per feature), read by the general table reader; kept as its own entry point for existing callers.
import { type LabelledTable, parseTable } from "./table.ts";

/** What `parseOmicsCsv` returns: a labelled table (kept as a name for earlier users). */
export type OmicsTable = LabelledTable;

/** Reads an omics table, transposed to samples × features. Problems are DataErrors naming row and column. */
export function parseOmicsCsv(text: string, delimiter: "," | ";" | "\t" = ";"): OmicsTable {
  if (typeof text !== "string") throw new TypeError("parseOmicsCsv(text): text must be a string");
  return parseTable(text, { format: "omics", delimiter });
}
