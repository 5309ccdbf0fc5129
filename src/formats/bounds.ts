// A file's declared sizes against its real size: a header can claim a billion rows in a kilobyte, and the table it
// declares is allocated before the values are read, so the claim is checked first.
import { DataError, type DataErrorLocation } from "../index.ts";

/**
 * Values a file may expand to per byte it holds. Dense numbers take 2–8 bytes each; run-length and dictionary
 * encodings (Parquet) and sparse matrices (AnnData) legitimately take less, down to a few bits: 64 per byte
 * (one bit in eight) is beyond every real omics table and still refuses a kilobyte that claims a terabyte.
 */
export const MAX_VALUES_PER_BYTE = 64;
/** Small files may always declare this many values (a 1 KiB table of constants is legitimate). */
const SMALL_TABLE = 1 << 24;

/** Throws a DataError when `values` (rows × features) is more than a file of `bytes` bytes can hold. */
export function checkDeclaredValues(
  rows: number,
  features: number,
  bytes: number,
  where: DataErrorLocation,
  what = "the table",
): void {
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new DataError(`${what} declares ${rows} rows, not a row count`, where);
  const values = rows * features;
  if (values > Math.max(SMALL_TABLE, MAX_VALUES_PER_BYTE * bytes))
    throw new DataError(
      `${what} declares ${rows} rows × ${features} features (${values} values) in ${bytes} bytes: ` +
        `more than the file can hold (is it truncated or damaged?)`,
      where,
    );
}

/**
 * An error thrown by a format library, as one line naming the file (and column): never a trace. The library's own
 * messages say what is wrong ("thrift binary length 13242 exceeds remaining 2687 bytes"); an engine error reached
 * inside it on damaged bytes ("Cannot read properties of null") says nothing to a user, so it is not repeated.
 */
export function libraryError(error: unknown, format: string, where: DataErrorLocation): DataError {
  if (error instanceof DataError) return error;
  const engine = error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
  const message = error instanceof Error ? error.message : String(error);
  const line = engine ? "the file is damaged or was not written as one" : message.split("\n")[0].slice(0, 200);
  return new DataError(`cannot read it as ${format}: ${line}`, where);
}
