// Bytes of a data file → text. Spreadsheet exports are UTF-8 or, from older Windows Excel, Windows-1252
// ("Latin-1"); a file that is not valid UTF-8 is taken to be the latter, since every byte sequence is.

// Bytes 0x80–0x9F in Windows-1252; the rest of the code page is Latin-1 (the first 256 code points). Node 20
// decodes the "latin1" / "windows-1252" labels as ISO-8859-1 (0x92 → U+0092, not ’) where Deno, Bun, browsers
// and workerd follow the WHATWG table, so C1 controls left by the decoder are mapped here: the text must not
// depend on the runtime. Bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as they are,
// as WHATWG says.
const CP1252_80_9F =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/** UTF-8 when the bytes are valid UTF-8 (a byte-order mark is dropped), else Windows-1252 / Latin-1. */
export function decodeText(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("decodeText(bytes): bytes must be a Uint8Array");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** Windows-1252 bytes as text, the same in every runtime; a single-byte code, so a file may be decoded in pieces. */
export function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder("windows-1252")
    .decode(bytes)
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]);
}
