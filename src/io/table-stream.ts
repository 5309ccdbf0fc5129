// Delimited tables read a chunk at a time, so that a CSV of a million features never has to be held as text: only
// the current row's cells and the numbers read so far are. The rows go through the same TableRows as parseTable's,
// and they are split exactly as d3-dsv splits the whole text (parseTable's reader), so a file gives the same
// LabelledTable, or the same first error, whichever of the two reads it and wherever its chunks are cut.
import { decodeWindows1252 } from "./decode.ts";
import {
  checkFormat,
  DataError,
  detectDelimiter,
  FIRST_LINE,
  type LabelledTable,
  type ParseTableOptions,
  type Row,
  TableRows,
} from "./table.ts";

const QUOTE = 34;
const NEWLINE = 10;
const RETURN = 13;
const LINE_BREAK = /\r\n|\r|\n/g;

// Where the splitter is between two characters.
const CELL_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted cell: a second one is an escaped quote, anything else closes the cell. */
const QUOTE_IN_QUOTED = 3;

/**
 * Splits delimited text into rows a chunk at a time, as d3-dsv's `parseRows` splits it whole: a quote opens a
 * quoted cell only at the start of a cell, `""` inside one is a quote, and whatever follows its closing quote is
 * taken as the separator; a line ends at `\n`, `\r` or `\r\n`. Rows of empty cells are skipped, cells trimmed, and
 * each row knows the line it starts on (line breaks inside quoted cells counted), as parseTable's reader does.
 */
export class RowSplitter {
  readonly #delimiter: number;
  readonly #onRow: (row: Row) => void;
  #state = CELL_START;
  /** The current cell's text so far, when it runs over a chunk's end (and a quoted cell's, unescaped). */
  #pending = "";
  #cells: string[] = [];
  /** A `\r` ended the last row: a `\n` right after it belongs to that line break. */
  #afterReturn = false;
  #line = 1;
  /** Line breaks inside the current row's quoted cells. */
  #breaks = 0;

  constructor(delimiter: "," | ";" | "\t", onRow: (row: Row) => void) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#onRow = onRow;
  }

  #endCell(cell: string, quoted: boolean): void {
    if (quoted) this.#breaks += cell.match(LINE_BREAK)?.length ?? 0;
    this.#cells.push(cell);
    this.#pending = "";
  }

  #endRow(): void {
    const cells = this.#cells.map((cell) => cell.trim());
    const line = this.#line;
    this.#line += 1 + this.#breaks;
    this.#breaks = 0;
    this.#cells = [];
    this.#state = CELL_START;
    // Spreadsheets pad with rows of empty cells (";;;;"): skipped like blank lines.
    if (cells.some((cell) => cell !== "")) this.#onRow({ cells, line });
  }

  /** A line break at `text[i]`: the row ends; a `\r` may be followed by the `\n` of a `\r\n`. */
  #lineBreak(code: number): void {
    this.#afterReturn = code === RETURN;
    this.#endRow();
  }

  push(text: string): void {
    const n = text.length;
    const delimiter = this.#delimiter;
    let i = 0;
    if (this.#afterReturn && n > 0) {
      this.#afterReturn = false;
      if (text.charCodeAt(0) === NEWLINE) i = 1;
    }
    while (i < n) {
      const state = this.#state;
      if (state === CELL_START || state === UNQUOTED) {
        if (state === CELL_START && text.charCodeAt(i) === QUOTE) {
          this.#state = QUOTED;
          i++;
          continue;
        }
        const start = i;
        let code = 0;
        while (i < n && (code = text.charCodeAt(i)) !== delimiter && code !== NEWLINE && code !== RETURN) i++;
        if (i === n) {
          this.#pending += text.slice(start, n);
          this.#state = UNQUOTED;
          return;
        }
        this.#endCell(this.#pending + text.slice(start, i), false);
        i++;
        if (code === delimiter) this.#state = CELL_START;
        else {
          this.#lineBreak(code);
          if (code === RETURN && i < n) {
            this.#afterReturn = false;
            if (text.charCodeAt(i) === NEWLINE) i++;
          }
        }
      } else if (state === QUOTED) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          this.#pending += text.slice(i);
          return;
        }
        this.#pending += text.slice(i, quote);
        this.#state = QUOTE_IN_QUOTED;
        i = quote + 1;
      } else {
        const code = text.charCodeAt(i++);
        if (code === QUOTE) {
          this.#pending += '"';
          this.#state = QUOTED;
          continue;
        }
        this.#endCell(this.#pending, true);
        // The character after a closing quote ends the cell, whatever it is (d3-dsv's reading of `"a"x,b`).
        if (code !== NEWLINE && code !== RETURN) this.#state = CELL_START;
        else {
          this.#lineBreak(code);
          if (code === RETURN && i < n) {
            this.#afterReturn = false;
            if (text.charCodeAt(i) === NEWLINE) i++;
          }
        }
      }
    }
  }

  /** The end of the text: the last row, if it did not end with a line break. */
  end(): void {
    const state = this.#state;
    if (state === CELL_START && this.#cells.length === 0) return;
    // An unclosed quoted cell runs to the end of the text, as in d3-dsv (and numberProblem says so).
    this.#endCell(this.#pending, state === QUOTED || state === QUOTE_IN_QUOTED);
    this.#endRow();
  }
}

/**
 * A delimited table read from text a chunk at a time: `push` each chunk, then `finish`. The same table, options
 * and errors as `parseTable` on the whole text (a leading byte-order mark is dropped, the separator detected from
 * the first non-blank line); an error may come from `push` as soon as it is certain.
 */
export class TableTextReader {
  readonly #options: ParseTableOptions;
  readonly #format: ReturnType<typeof checkFormat>;
  /** The text before the separator is known (the first non-blank line, when it is detected). */
  #head: string | null = "";
  /** Where the lines of `#head` that may hold a non-space character start. */
  #blank = 0;
  #splitter: RowSplitter | undefined;
  #rows: TableRows | undefined;
  #started = false;

  constructor(options: ParseTableOptions = {}) {
    this.#options = options;
    this.#format = checkFormat(options, "TableTextReader");
  }

  /** The next chunk of the text; throws a DataError as soon as one is certain. */
  push(text: string): void {
    if (typeof text !== "string") throw new TypeError("TableTextReader.push(text): text must be a string");
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#splitter) {
      this.#splitter.push(text);
      return;
    }
    this.#head += text;
    const given = this.#options.delimiter;
    // Detection reads the first line holding a non-space character: wait until it is whole.
    if (given === undefined && this.#format === "auto") {
      if (!/[\r\n]/.test(text)) return;
      const head = this.#head as string;
      // Only the lines not yet known to be blank are searched: a file of blank lines is not searched again and again.
      const found = FIRST_LINE.exec(head.slice(this.#blank));
      if (found === null) this.#blank = Math.max(head.lastIndexOf("\n"), head.lastIndexOf("\r")) + 1;
      if (found === null || this.#blank + found.index + found[0].length === head.length) return;
    }
    this.#begin();
  }

  #begin(): void {
    const head = this.#head as string;
    const { delimiter: given } = this.#options;
    const delimiter =
      given ??
      (this.#format === "auto" ? detectDelimiter(head) : ({ csv: ",", tsv: "\t", omics: ";" } as const)[this.#format]);
    const rows = new TableRows(delimiter, this.#options);
    this.#rows = rows;
    this.#splitter = new RowSplitter(delimiter, (row) => rows.add(row));
    this.#head = null;
    this.#splitter.push(head);
  }

  /** The table, once every chunk is pushed. */
  finish(): LabelledTable {
    if (!this.#splitter) this.#begin();
    (this.#splitter as RowSplitter).end();
    return (this.#rows as TableRows).finish();
  }
}

/**
 * Where a table's chunks come from: a Blob (a browser's File), or a function that opens the bytes (or text) as an
 * iterable, an async iterable or a ReadableStream. A function, not a stream, because a file that turns out not
 * to be UTF-8 past its first non-ASCII byte is read again as Windows-1252 (decodeText's rule).
 */
export type TableSource =
  | Blob
  | (() => AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array | string>);

/** The bytes were not UTF-8, after non-ASCII text was read as UTF-8: read again as Windows-1252. */
class ReadAgain extends Error {}

/**
 * Reads a delimited table (CSV, TSV, the omics layout) a chunk at a time, without holding its text: the same
 * LabelledTable and errors as `parseTable(decodeText(bytes), options)`. Bytes are UTF-8, or Windows-1252 when they
 * are not valid UTF-8 (as decodeText decides); text chunks are taken as they are. Memory: the table's values (in
 * blocks of rows, copied into one Float64Array at the end), its ids and labels, and one chunk and row of text.
 */
export async function parseTableStream(source: TableSource, options: ParseTableOptions = {}): Promise<LabelledTable> {
  const open =
    typeof Blob !== "undefined" && source instanceof Blob
      ? () => source.stream()
      : typeof source === "function"
        ? source
        : undefined;
  if (open === undefined) throw new TypeError("parseTableStream(source): source must be a Blob or a function");
  try {
    return await readChunks(open(), options, "utf-8");
  } catch (error) {
    if (!(error instanceof ReadAgain)) throw error;
    return await readChunks(open(), options, "windows-1252");
  }
}

async function readChunks(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array | string>,
  options: ParseTableOptions,
  encoding: "utf-8" | "windows-1252",
): Promise<LabelledTable> {
  const reader = new TableTextReader(options);
  let utf8 = encoding === "utf-8" ? new TextDecoder("utf-8", { fatal: true }) : null;
  /** Whether any byte so far was not ASCII (which the two encodings read alike). */
  let nonAscii = false;
  const decode = (bytes: Uint8Array, last: boolean): string => {
    if (utf8) {
      try {
        const text = utf8.decode(bytes, { stream: !last });
        if (text.length !== bytes.length) nonAscii = true;
        return text;
      } catch {
        if (nonAscii) throw new ReadAgain();
        utf8 = null;
      }
    }
    return decodeWindows1252(bytes);
  };
  let problem: unknown;
  for await (const chunk of iterate(chunks)) {
    if (typeof chunk === "string") {
      if (problem === undefined) reader.push(chunk);
      continue;
    }
    if (!(chunk instanceof Uint8Array))
      throw new TypeError("parseTableStream: a chunk must be a Uint8Array or a string");
    const text = decode(chunk, false);
    if (problem !== undefined) continue;
    try {
      reader.push(text);
    } catch (error) {
      // The same error from the text as Windows-1252 unless the rest of the bytes turn out not to be UTF-8.
      if (!(error instanceof DataError) || !nonAscii || !utf8) throw error;
      problem = error;
    }
  }
  const rest = utf8 ? decode(new Uint8Array(0), true) : "";
  if (problem !== undefined) throw problem;
  reader.push(rest);
  return reader.finish();
}

async function* iterate<T>(chunks: AsyncIterable<T> | Iterable<T> | ReadableStream<T>): AsyncGenerator<T> {
  if (typeof ReadableStream !== "undefined" && chunks instanceof ReadableStream) {
    // Not every runtime's ReadableStream is async-iterable yet.
    const reader = chunks.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if ((done = next.done)) return;
        yield next.value;
      }
    } finally {
      // Left early (an error in the table): the rest of the bytes are not read.
      if (!done) await reader.cancel();
      reader.releaseLock();
    }
  } else yield* chunks as AsyncIterable<T> | Iterable<T>;
}
