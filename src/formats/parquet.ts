// Parquet, read by hyparquet (pure JavaScript, no native code, runs in every runtime) with hyparquet-compressors
// for the codecs beyond Snappy (gzip, zstd, brotli, lz4). Columns are read by name; each column chunk is written
// into the table as it is decoded, so a row group's values are held once.
import { ColumnarTableBuilder, type TableColumn } from "../index.ts";
import { DataError, type LabelledTable, type ParseTableOptions } from "../index.ts";
import { checkDeclaredValues, libraryError } from "./bounds.ts";

/** The most bytes read at once: adjacent column chunks are read together up to this. */
const RUN_BYTES = 1 << 25;

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
  // A flat schema (every table writer's) is decoded a column chunk at a time with hyparquet's readColumn, its
  // bytes read in runs of adjacent chunks: parquetRead walks every schema column for each column it reads
  // (getTreePath, assembleAsync), which made a read quadratic in the width (hours at 500,000 columns), and even in
  // batches spent most of its time planning and assembling rather than decoding.
  const flat = metadata.schema.length === columns.length + 1 && columns.every((c) => !c.children.length);
  const read = async (
    wanted: string[],
    onChunk: (name: string, values: ArrayLike<unknown>, rowStart: number) => void,
  ) => {
    try {
      if (flat) await readFlat(source, metadata, new Set(wanted), file, compressors, onChunk);
      else {
        const has = new Set(wanted);
        await parquetRead({
          file: source,
          metadata,
          // hyparquet tests `columns.includes(name)` per column chunk: a Set's lookup instead of a scan.
          columns: Object.defineProperty([...wanted], "includes", { value: (name: string) => has.has(name) }),
          compressors,
          onChunk: ({ columnName, columnData, rowStart }) =>
            onChunk(columnName, columnData as ArrayLike<unknown>, rowStart),
        });
      }
    } catch (error) {
      if (error instanceof DataError) throw error;
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

/**
 * The first `rows` rows of a Parquet file as text cells, for a column-mapping preview: every column's name, the
 * values of the first PREVIEW_COLUMNS (a missing value empty).
 */
export async function previewParquet(
  input: ParquetInput,
  rows: number,
  file?: string,
): Promise<{ header: string[]; rows: string[][] }> {
  const source = asSource(input);
  const [{ parquetMetadataAsync, parquetSchema, parquetReadObjects }, { compressors }] = await Promise.all([
    import("hyparquet"),
    import("hyparquet-compressors"),
  ]);
  try {
    const metadata = await parquetMetadataAsync(source);
    checkChunks(metadata, source.byteLength, { file });
    const header = parquetSchema(metadata).children.map((column) => column.element.name);
    const shown = header.slice(0, PREVIEW_COLUMNS);
    const objects = await parquetReadObjects({ file: source, metadata, columns: shown, rowEnd: rows, compressors });
    return {
      header,
      rows: objects.map((object) => header.map((name) => asText((object as Record<string, unknown>)[name]) ?? "")),
    };
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw libraryError(error, "Parquet", { file });
  }
}

/** Columns whose values a preview shows (a page shows fewer). */
const PREVIEW_COLUMNS = 200;

type Metadata = Awaited<ReturnType<typeof import("hyparquet").parquetMetadataAsync>>;

/**
 * The wanted columns of a flat schema, a row group and a column chunk at a time: each chunk's bytes (read with its
 * neighbours, up to RUN_BYTES at once) decoded by hyparquet's readColumn, its pages handed on as they come.
 */
async function readFlat(
  source: ByteSource,
  metadata: Metadata,
  wanted: Set<string>,
  file: string | undefined,
  compressors: Record<string, unknown>,
  onChunk: (name: string, values: ArrayLike<unknown>, rowStart: number) => void,
): Promise<void> {
  const [column, datapage, convert, plain, { parquetSchema }] = await Promise.all([
    import("hyparquet/src/column.js"),
    import("hyparquet/src/datapage.js"),
    import("hyparquet/src/convert.js"),
    import("hyparquet/src/plain.js"),
    import("hyparquet"),
  ]);
  const pages: PageReaders = { ...column, ...datapage, ...convert, ...plain } as unknown as PageReaders;
  const root = parquetSchema(metadata);
  const nodeOf = new Map(root.children.map((node) => [node.element.name, node]));
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupRows = Number(group.num_rows);
    const chunks = group.columns
      .flatMap(({ meta_data: meta }) => {
        const name = meta?.path_in_schema[0];
        if (meta === undefined || name === undefined || !wanted.has(name)) return [];
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
        return [{ name, meta, start, end: start + Number(meta.total_compressed_size) }];
      })
      .sort((a, b) => a.start - b.start);
    for (const { name, start, end } of chunks)
      if (!(start >= 0 && end <= source.byteLength))
        throw new DataError(`its data lies beyond the file's ${source.byteLength} bytes (truncated?)`, {
          file,
          columnName: name,
        });
    for (let first = 0; first < chunks.length; ) {
      const runStart = chunks[first].start;
      let runEnd = chunks[first].end;
      let last = first + 1;
      for (; last < chunks.length && chunks[last].end - runStart <= RUN_BYTES; last++)
        runEnd = Math.max(runEnd, chunks[last].end);
      const bytes = await source.slice(runStart, runEnd);
      for (const { name, meta, start, end } of chunks.slice(first, last)) {
        const node = nodeOf.get(name);
        if (node === undefined) continue;
        const reader = { view: new DataView(bytes, start - runStart, end - start), offset: 0 };
        const decoder = {
          ...meta,
          pathInSchema: meta.path_in_schema,
          element: node.element,
          schemaPath: [root, node],
          parsers: pages.DEFAULT_PARSERS,
          compressors,
        };
        decodeChunk(pages, reader, decoder, requiredOf(decoder, root, node), groupRows, (values, rowStart) =>
          onChunk(name, values, groupStart + rowStart),
        );
      }
      first = last;
    }
    groupStart += groupRows;
  }
}

/** A flat column's decoder as if the column were required: its values read without definition levels. */
function requiredOf<D extends object>(decoder: D, root: unknown, node: SchemaNode): D {
  return { ...decoder, schemaPath: [root, { ...node, element: { ...node.element, repetition_type: "REQUIRED" } }] };
}

/** The parts of hyparquet that read one column chunk's pages (its src/column, datapage, convert and plain). */
interface PageReaders {
  parquetHeader(reader: Reader): PageHeader;
  decompressPage(bytes: Uint8Array, size: number, codec: unknown, compressors: unknown): Uint8Array;
  readDataPage(bytes: Uint8Array, header: unknown, decoder: unknown): DecodedPage;
  readDataPageV2(bytes: Uint8Array, header: PageHeader, decoder: unknown): DecodedPage;
  convert(values: ArrayLike<unknown>, decoder: unknown): ArrayLike<unknown>;
  convertWithDictionary(
    values: ArrayLike<unknown>,
    dictionary: ArrayLike<unknown> | undefined,
    encoding: string,
    decoder: unknown,
  ): ArrayLike<unknown>;
  readPlain(reader: Reader, type: string, count: number, fixedLength: number | undefined): ArrayLike<unknown>;
  DEFAULT_PARSERS: unknown;
}
interface Reader {
  view: DataView;
  offset: number;
}
interface PageHeader {
  type: string;
  uncompressed_page_size: number;
  compressed_page_size: number;
  data_page_header?: { num_values: number; encoding: string };
  dictionary_page_header?: { num_values: number };
  data_page_header_v2?: {
    num_values: number;
    num_nulls: number;
    encoding: string;
    repetition_levels_byte_length: number;
    definition_levels_byte_length: number;
  };
}
interface DecodedPage {
  definitionLevels?: ArrayLike<number>;
  dataPage: ArrayLike<unknown>;
}

/**
 * The pages of one column chunk of a flat column, as hyparquet's readColumn reads them (dictionary, data pages v1
 * and v2), without its list assembly: a flat column's values are the page's own typed array when it has no null,
 * else spread over the page's rows with a null where the definition level says so. `onValues` gets each page.
 */
function decodeChunk(
  pages: PageReaders,
  reader: Reader,
  decoder: { type: string; codec: unknown; compressors: unknown; element: { type_length?: number } },
  required: unknown,
  rows: number,
  onValues: (values: ArrayLike<unknown>, rowStart: number) => void,
): void {
  let dictionary: ArrayLike<unknown> | undefined;
  let row = 0;
  while (row < rows && reader.offset < reader.view.byteLength - 1) {
    const header = pages.parquetHeader(reader);
    const bytes = new Uint8Array(
      reader.view.buffer,
      reader.view.byteOffset + reader.offset,
      header.compressed_page_size,
    );
    reader.offset += header.compressed_page_size;
    const inflate = () =>
      pages.decompressPage(bytes, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
    let page: DecodedPage;
    let encoding: string;
    let count: number;
    if (header.type === "DICTIONARY_PAGE" && header.dictionary_page_header) {
      const inflated = inflate();
      const view = new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength);
      const values = pages.readPlain(
        { view, offset: 0 },
        decoder.type,
        header.dictionary_page_header.num_values,
        decoder.element.type_length,
      );
      dictionary = pages.convert(values, decoder);
      continue;
    }
    if (header.type === "DATA_PAGE" && header.data_page_header) {
      page = pages.readDataPage(inflate(), header.data_page_header, decoder);
      ({ encoding, num_values: count } = header.data_page_header);
    } else if (header.type === "DATA_PAGE_V2" && header.data_page_header_v2) {
      const v2 = header.data_page_header_v2;
      ({ encoding, num_values: count } = v2);
      const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
      // No null: the levels (all at their maximum) are skipped, not decoded into an array per page, by reading the
      // values as those of a required column; most of a wide table's garbage, and so of its collection time.
      page =
        v2.num_nulls === 0 && v2.repetition_levels_byte_length === 0
          ? pages.readDataPageV2(
              bytes.subarray(levels),
              {
                ...header,
                uncompressed_page_size: header.uncompressed_page_size - levels,
                data_page_header_v2: { ...v2, repetition_levels_byte_length: 0, definition_levels_byte_length: 0 },
              },
              required,
            )
          : pages.readDataPageV2(bytes, header, decoder);
    } else throw new Error(`parquet unsupported page type: ${header.type}`);
    const values = pages.convertWithDictionary(page.dataPage, dictionary, encoding, decoder);
    const levels = page.definitionLevels;
    if (!levels?.length || values.length === count) onValues(values, row);
    else {
      const spread: unknown[] = new Array(levels.length).fill(null);
      for (let i = 0, v = 0; i < levels.length; i++) if (levels[i]) spread[i] = values[v++];
      onValues(spread, row);
    }
    row += levels?.length ? levels.length : count;
  }
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
