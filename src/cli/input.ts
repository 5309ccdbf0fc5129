// Reading the command line's input files: a labelled table and a saved model. Whatever goes wrong becomes a
// DataError that names the file, so the command reports it as one line with exit code 1.
import { readFileSync } from "node:fs";
import { ALLOW_MISSING_HINT, DataError, decodeText, parseTable, type LabelledTable } from "../io/table.ts";
import { loadSAE, type SAEModel } from "../sae/model.ts";

export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new DataError(`cannot read the file: ${reason}`, { file });
  }
}

/** The table flags every command that reads a table shares (COMMON in main.ts); see ParseTableOptions. */
export interface TableFlags {
  /** --na-values */
  naValues?: string[];
  /** --ignore-columns */
  ignoreColumns?: string[];
  /** --feature-columns: names, or /a regular expression/ */
  featureColumns?: string[] | RegExp;
  /** --drop-unlabelled */
  dropUnlabelled?: boolean;
}

/**
 * A table (CSV, TSV or the omics layout, told apart by parseTable) from a file; see ParseTableOptions. Missing
 * cells are refused unless `allowMissing` (--impute), and parseTable's advice names the flags instead of its options.
 */
export function readTable(
  file: string,
  columns: {
    labelColumn?: string | null;
    labelsOptional?: boolean;
    idColumn?: string;
    minClasses?: number;
    /** Empty cells read as NaN (missing values), for --impute: passed on to parseTable. */
    allowMissing?: boolean;
  },
  flags: TableFlags = {},
): LabelledTable {
  try {
    const allowMissing = columns.allowMissing ?? false;
    return parseTable(decodeText(readBytes(file)), { file, ...columns, ...flags, allowMissing });
  } catch (error) {
    if (error instanceof DataError) error.message = asFlags(error.message);
    throw error;
  }
}

function asFlags(message: string): string {
  return message
    .replace(ALLOW_MISSING_HINT, "give --impute to fill them")
    .replace(
      /options\.ignoreColumns (\[.*\])$/,
      (_, names: string) => `--ignore-columns ${JSON.parse(names).join(",")}`,
    )
    .replace(/options\.ignoreColumns/g, "--ignore-columns")
    .replace(/options\.featureColumns/g, "--feature-columns");
}

/** A model saved by `sparseproj sae --save` or `--out` (SAEModel.toJSON()). */
export function readModel(file: string): SAEModel {
  const text = decodeText(readBytes(file));
  try {
    return loadSAE(text);
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message.replace(/^loadSAE: /, "");
    throw new DataError(reason, { file });
  }
}
