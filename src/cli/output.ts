// How the command line writes results: CSV text, aligned text tables, and files that appear whole or not at
// all (written beside their destination, then renamed into place), so a failure never leaves half a result.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { DataError } from "../io/table.ts";

export type Cell = string | number | null;

// RFC 4180: a cell holding the separator, a quote or a line break is quoted, quotes doubled.
function csvCell(cell: Cell): string {
  const text = cell === null ? "" : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text with a header row. */
export function csv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

/** Columns padded to their widest cell, two spaces apart. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  return [header, ...rows].map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n") + "\n";
}

/**
 * Refuses (DataError) a destination that exists and holds anything besides files this command writes: replacing
 * it would delete the user's files. Called before the work starts, and again before the swap.
 */
export function checkDestination(dir: string, ownNames: readonly string[]): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new DataError("exists and is not a directory; choose another --out", { file: dir });
  const foreign = readdirSync(dir).filter((name) => !ownNames.includes(name));
  if (foreign.length) throw new DataError(`holds files this command did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); choose another --out`, { file: dir });
}

/** Writes `files` into a new sibling directory, then swaps it in for `dir` (replacing an earlier output). */
export function writeDirectory(dir: string, files: Array<{ name: string; content: string }>, ownNames: readonly string[]): void {
  const target = resolve(dir);
  checkDestination(target, ownNames);
  mkdirSync(dirname(target), { recursive: true });
  // mkdirSync, not mkdtempSync: the directory keeps the umask's permissions (mkdtemp makes it private).
  const staging = join(dirname(target), `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  const previous = `${staging}.previous`;
  let movedAside = false;
  try {
    for (const { name, content } of files) writeFileSync(join(staging, name), content);
    // rename() cannot replace a non-empty directory: move the old output aside, put the new one in, then delete.
    if (existsSync(target)) {
      renameSync(target, previous);
      movedAside = true;
    }
    renameSync(staging, target);
  } catch (error) {
    if (movedAside && !existsSync(target)) renameSync(previous, target);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  if (movedAside) rmSync(previous, { recursive: true, force: true });
}

/** Writes one file through a temporary sibling and a rename. */
export function writeFile(path: string, content: string | Uint8Array): void {
  const target = resolve(path);
  const temporary = `${dirname(target)}/.${basename(target)}.partial-${process.pid}`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Refuses (DataError) a file destination that is a directory or whose directory does not exist. */
export function checkFileDestination(path: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new DataError("is a directory, not a file name", { file: path });
  if (!existsSync(dirname(target))) throw new DataError(`its directory ${dirname(path)} does not exist`, { file: path });
}
