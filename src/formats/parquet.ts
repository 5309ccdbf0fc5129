// Parquet, read by hyparquet (pure JavaScript, no native code, runs in every runtime) with hyparquet-compressors
// for the codecs beyond Snappy (gzip, zstd, brotli, lz4). Columns are read by name; each column chunk is written
// into the table as it is decoded, so a row group's values are held once.
import { ColumnarTableBuilder, type TableColumn } from "../index.ts";
import { DataError, type LabelledTable, type ParseTableOptions } from "../index.ts";
import { checkDeclaredValues, libraryError } from "./bounds.ts";

/** Columns per hyparquet read: each read costs the batch's width squared, the whole read width × BATCH. */
const BATCH = 1000;

/** Random access to a file's bytes (hyparquet's AsyncBuffer): its length and a slice of it. */
export interface ByteSource {
  readonly byteLength: number;
  /** The bytes from `start` up to `end` (default: the end of the file). */
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

/** Bytes in memory, or a source that reads slices of a file on demand. */
export type ParquetInput = Uint8Array | ArrayBuffer | ByteSource;

const asSource = (input: ParquetInput): ByteSource =>
  input instanceof Uint8Array
    ? {
        byteLength: input.byteLength,
        slice: (start, end) =>
          (input.buffer as ArrayBuffer).slice(input.byteOffset + start, input.byteOffset + (end ?? input.byteLength)),
      }
    : input;

// What a column's physical and logical types make it: numbers, text (read as CSV cells), or neither.
type Kind = "number" | "text" | string;
const NUMERIC = new Set(["INT32", "INT64", "FLOAT", "DOUBLE"]);
const NUMERIC_LOGICAL = new Set(["INTEGER", "DECIMAL", "FLOAT16"]);
const NUMERIC_CONVERTED = new Set([
  "DECIMAL",
  "INT_8",
  "INT_16",
  "INT_32",
  "INT_64",
  "UINT_8",
  "UINT_16",
  "UINT_32",
  "UINT_64",
]);
const TEXT_LOGICAL = new Set(["STRING", "ENUM"]);

interface SchemaNode {
  element: {
    name: string;
    type?: string;
    repetition_type?: string;
    converted_type?: string;
    logical_type?: { type: string };
  };
  children: SchemaNode[];
}

function kindOf({ element, children }: SchemaNode): Kind {
  if (children.length > 0 || element.repetition_type === "REPEATED") return "nested";
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (logical === "FLOAT16") return "number";
  if (element.type && NUMERIC.has(element.type)) {
    if (
      logical === undefined ? converted === undefined || NUMERIC_CONVERTED.has(converted) : NUMERIC_LOGICAL.has(logical)
    )
      return "number";
    return (logical ?? converted ?? "").toLowerCase();
  }
  if (logical === "DECIMAL" || converted === "DECIMAL") return "number";
  if (
    element.type === "BYTE_ARRAY" &&
    (TEXT_LOGICAL.has(logical ?? "") || converted === "UTF8" || converted === "ENUM")
  )
    return "text";
  return (logical ?? converted ?? element.type ?? "unknown").toLowerCase();
}

// A label or id: whatever the column holds, as text (a date as ISO 8601).
const asText = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

/**
 * Reads a Parquet file as a labelled table: `options` as parseTable's (label, id, ignore and feature columns by
 * name, missing values, dropUnlabelled). Integer, float, double and decimal columns are numbers; a null is a
 * missing value, as is NaN. Text columns are read as CSV cells. Any other type (boolean, date, nested) is not a
 * feature: naming it is an error unless it is the label, the id or ignored. Throws a DataError naming the file.
 */
export async function readParquet(input: ParquetInput, options: ParseTableOptions = {}): Promise<LabelledTable> {
  const source = asSource(input);
  const { file } = options;
  const where = { file };
  const [{ parquetMetadataAsync, parquetSchema, parquetRead }, { compressors }] = await Promise.all([
    import("hyparquet"),
    import("hyparquet-compressors"),
  ]);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  let columns: SchemaNode[];
  try {
    metadata = await parquetMetadataAsync(source);
    columns = (parquetSchema(metadata) as unknown as SchemaNode).children;
  } catch (error) {
    throw libraryError(error, "Parquet", where);
  }
  const rows = Number(metadata.num_rows);
  const groupRows = metadata.row_groups.reduce((sum, group) => sum + Number(group.num_rows), 0);
  if (groupRows !== rows)
    throw new DataError(`the footer declares ${rows} rows but its row groups ${groupRows} (damaged file?)`, where);
  checkChunks(metadata, source.byteLength, where);
  const names = columns.map((column) => column.element.name);
  const kinds = columns.map(kindOf);
  const table = new ColumnarTableBuilder({ samples: rows, names, file }, options);
  checkDeclaredValues(rows, table.featureAt.length, source.byteLength, where);
  // hyparquet walks every schema column for each column it reads (getTreePath, assembleAsync): quadratic in the
  // width, hours at 500,000 columns. So columns are read a batch at a time, each time with the metadata pruned to
  // that batch (a flat schema: the root and its leaves), which keeps the whole read linear.
  const flat = metadata.schema.length === columns.length + 1 && columns.every((c) => !c.children.length);
  const elementOf = new Map(metadata.schema.slice(1).map((element) => [element.name, element]));
  const chunksOf = metadata.row_groups.map(
    (group) => new Map(group.columns.map((chunk) => [chunk.meta_data?.path_in_schema[0], chunk])),
  );
  const pruned = (batch: string[]): typeof metadata => ({
    ...metadata,
    schema: [{ ...metadata.schema[0], num_children: batch.length }, ...batch.map((name) => elementOf.get(name)!)],
    row_groups: metadata.row_groups.map((group, g) => ({
      ...group,
      columns: batch.map((name) => chunksOf[g].get(name)!),
    })),
  });
  const read = async (
    wanted: string[],
    onChunk: (name: string, values: ArrayLike<unknown>, rowStart: number) => void,
  ) => {
    const batches = flat
      ? Array.from({ length: Math.ceil(wanted.length / BATCH) }, (_, b) => wanted.slice(b * BATCH, (b + 1) * BATCH))
      : [wanted];
    try {
      for (const batch of batches) {
        const has = new Set(batch);
        await parquetRead({
          file: source,
          metadata: flat ? pruned(batch) : metadata,
          // hyparquet tests `columns.includes(name)` per column chunk: a Set's lookup instead of a scan.
          columns: Object.defineProperty([...batch], "includes", { value: (name: string) => has.has(name) }),
          compressors,
          onChunk: ({ columnName, columnData, rowStart }) =>
            onChunk(columnName, columnData as ArrayLike<unknown>, rowStart),
        });
      }
    } catch (error) {
      throw libraryError(error, "Parquet", where);
    }
  };
  // Label and id first: with dropUnlabelled they decide which rows the table keeps.
  for (const [at, set] of [
    [table.labelAt, (c: TableColumn) => table.setLabels(c)],
    [table.idAt, (c: TableColumn) => table.setIds(c)],
  ] as const) {
    if (at < 0) continue;
    if (kinds[at] === "nested")
      throw new DataError("a nested column cannot hold labels or ids", { file, columnName: names[at] });
    const values: (string | null)[] = new Array(rows).fill(null);
    await read([names[at]], (_, chunk, rowStart) => {
      for (let i = 0; i < chunk.length && rowStart + i < rows; i++) values[rowStart + i] = asText(chunk[i]);
    });
    set({ kind: "text", values });
  }
  const featureOf = new Map<string, number>();
  table.featureAt.forEach((c, f) => {
    if (kinds[c] === "number" || kinds[c] === "text") featureOf.set(names[c], f);
    else table.putFeature(f, 0, { kind: "other", type: kinds[c] });
  });
  const received = new Float64Array(table.featureAt.length);
  await read([...featureOf.keys()], (name, values, rowStart) => {
    const f = featureOf.get(name);
    if (f === undefined) return;
    const kind = kinds[table.featureAt[f]] as "number" | "text";
    table.putFeature(f, rowStart, { kind, values } as TableColumn);
    received[f] += values.length;
  });
  for (const [name, f] of featureOf)
    if (received[f] !== rows)
      throw new DataError(`${received[f]} values for the ${rows} rows the footer declares (damaged file?)`, {
        file,
        columnName: name,
      });
  return table.finish();
}

interface ChunkMetadata {
  readonly num_rows: bigint | number;
  readonly columns: readonly {
    readonly meta_data?: {
      readonly path_in_schema: readonly string[];
      readonly num_values: bigint | number;
      readonly data_page_offset: bigint | number;
      readonly total_compressed_size: bigint | number;
      readonly total_uncompressed_size: bigint | number;
    };
  }[];
}

/**
 * Each column chunk within the file and of the size its row group says, before hyparquet sizes its arrays by them:
 * a damaged footer's counts would otherwise be allocated as they stand.
 */
function checkChunks(metadata: { row_groups: readonly ChunkMetadata[] }, bytes: number, where: { file?: string }) {
  const most = Math.max(1 << 24, 64 * bytes);
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    if (!(rows >= 0 && rows <= most))
      throw new DataError(`a row group declares ${rows} rows in ${bytes} bytes (damaged file?)`, where);
    for (const { meta_data: chunk } of group.columns) {
      if (chunk === undefined) continue;
      const columnName = chunk.path_in_schema.join(".");
      const start = Number(chunk.data_page_offset);
      const stored = Number(chunk.total_compressed_size);
      const values = Number(chunk.num_values);
      if (!(start >= 0 && stored >= 0 && start + stored <= bytes))
        throw new DataError(`its data lies beyond the file's ${bytes} bytes (truncated?)`, { ...where, columnName });
      if (!(values >= 0 && values <= most && Number(chunk.total_uncompressed_size) <= most))
        throw new DataError(`declares ${values} values in ${bytes} bytes (damaged file?)`, { ...where, columnName });
    }
  }
}
