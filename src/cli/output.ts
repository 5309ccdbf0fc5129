// How the command line writes results: CSV text, aligned text tables, and files that appear whole or not at all.
// A file is written into a temporary beside its destination, then renamed into place, so a failure never leaves
// half a result. The temporary has an unpredictable name and is created exclusively (O_EXCL | O_NOFOLLOW): a link
// planted in the folder is never written through. A device or a FIFO is written in place (renaming over it would
// replace it, /dev/null included), "-" and whatever is open as standard output (/dev/stdout) are written to stdout,
// and any other symbolic link as the destination itself is refused: replacing the link would surprise whoever made
// it, and writing through it is what a planted link wants.
import { randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { csvFormatRows } from "d3-dsv";
import { DataError } from "../io/table.ts";

export type Cell = string | number | null;

/**
 * CSV text with a header row, by d3-dsv (RFC 4180: a cell holding a comma, a quote or a line break is quoted, its
 * quotes doubled), each line ended by a line feed. A null cell is empty.
 */
export function csv(header: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null ? "" : String(cell))));
  return `${csvFormatRows([header, ...text])}\n`;
}

/** Columns padded to their widest cell, two spaces apart. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => rows.reduce((w, r) => Math.max(w, r[c].length), h.length));
  return (
    [header, ...rows]
      .map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  "))
      .join("\n") + "\n"
  );
}

/** What a destination argument names for writing "standard output". */
export const STDOUT = "-";

/** Where a command's report goes: stderr when one of its results goes to stdout, so stdout holds only that. */
export function reportStream(...outputs: Array<string | undefined>): NodeJS.WriteStream {
  return outputs.includes(STDOUT) ? process.stderr : process.stdout;
}

const EXCLUSIVE = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

/** An unpredictable name beside `target`: nobody can plant a link there in advance. */
function temporaryName(target: string): string {
  return join(dirname(target), `.${basename(target)}.partial-${randomBytes(8).toString("hex")}`);
}

/** Node's description of a file system error without its code, system call and (perhaps temporary) path. */
function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? message.replace(/^[A-Z]+: /, "").replace(/, \w+ ['"].*$/s, "") : String(error);
}

/** A write failure, naming the argument the user gave rather than any temporary. */
function writeError(path: string, error: unknown): Error {
  return error instanceof DataError ? error : new DataError(`cannot write: ${reason(error)}`, { file: path });
}

/** The same check for a file and a folder destination: a symbolic link there is refused, never followed. */
function refuseLink(path: string, what: string): void {
  if (!statOrNull(path, false)?.isSymbolicLink()) return;
  const problem = `is a symbolic link (to ${readlinkSync(path)}); give the ${what} it points to, or another name`;
  throw new DataError(problem, { file: path });
}

/**
 * Refuses (DataError) a folder `path` cannot be created in: it is missing (unless `createMissing`: then its nearest
 * existing ancestor is checked), not a folder, or refuses a new file there (read-only, no permission, /proc). Root
 * passes every permission check, so creating (and removing) an exclusive probe file is the test that holds for all.
 */
function checkFolderOf(path: string, createMissing = false): void {
  let shown = dirname(path);
  while (createMissing && !statOrNull(shown, true) && dirname(shown) !== shown) shown = dirname(shown);
  const info = statOrNull(shown, true);
  if (!info) throw new DataError(`its folder ${shown} does not exist`, { file: path });
  if (!info.isDirectory()) throw new DataError(`${shown} is not a folder`, { file: path });
  const probe = temporaryName(resolve(shown, basename(path)));
  try {
    closeSync(openSync(probe, EXCLUSIVE));
    unlinkSync(probe);
  } catch (error) {
    throw new DataError(`cannot create a file in ${shown} (${reason(error)})`, { file: path });
  }
}

/**
 * Refuses (DataError) a folder destination that cannot be written (its missing parents are created when it is) or
 * that exists and holds anything besides files this command writes: replacing it would delete the user's files.
 * Called before the work starts, and again before the swap.
 */
export function checkDestination(dir: string, ownNames: readonly string[]): void {
  refuseLink(dir, "folder");
  checkFolderOf(dir, true);
  const info = statOrNull(dir, true);
  if (!info) return;
  if (!info.isDirectory()) throw new DataError("exists and is not a folder; choose another --out", { file: dir });
  const foreign = readdirSync(dir).filter((name) => !ownNames.includes(name));
  if (foreign.length)
    throw new DataError(
      `holds files this command did not write (${foreign.slice(0, 3).join(", ")}` +
        `${foreign.length > 3 ? ", …" : ""}); choose another --out`,
      { file: dir },
    );
}

/** Writes all of `content` to `fd`, then closes it. */
function writeAndClose(fd: number, content: string | Uint8Array, mode?: number): void {
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  try {
    if (mode !== undefined) fchmodSync(fd, mode);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` holding `content`: exclusively (never an existing name, never through a link). */
function createFile(path: string, content: string | Uint8Array, mode?: number): void {
  writeAndClose(openSync(path, EXCLUSIVE, 0o666), content, mode);
}

/** Writes `files` into a new sibling folder, then swaps it in for `dir` (replacing an earlier output). */
export function writeDirectory(
  dir: string,
  files: Array<{ name: string; content: string }>,
  ownNames: readonly string[],
): void {
  const target = resolve(dir);
  checkDestination(dir, ownNames);
  // mkdir never follows a link and fails on any existing name, so the staging folder is ours alone; it keeps the
  // umask's permissions (mkdtemp would make it private).
  const staging = temporaryName(target);
  const previous = `${staging}.previous`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    mkdirSync(staging);
  } catch (error) {
    throw writeError(dir, error);
  }
  let movedAside = false;
  try {
    for (const { name, content } of files) createFile(join(staging, name), content);
    // rename() cannot replace a non-empty folder: move the old output aside, put the new one in, then delete.
    if (statOrNull(target, false)) {
      renameSync(target, previous);
      movedAside = true;
    }
    renameSync(staging, target);
  } catch (error) {
    if (movedAside && !statOrNull(target, false)) renameSync(previous, target);
    rmSync(staging, { recursive: true, force: true });
    throw writeError(dir, error);
  }
  if (movedAside) rmSync(previous, { recursive: true, force: true });
}

function isStdout(info: Stats): boolean {
  try {
    const stdout = fstatSync(1);
    return info.dev === stdout.dev && info.ino === stdout.ino;
  } catch {
    return false; // stdout closed (>&-)
  }
}

/** How a file destination is written: standard output, in place (a device or FIFO), or replaced whole. */
function fileKind(path: string): "stdout" | "in place" | "replace" {
  if (path === STDOUT) return "stdout";
  const info = statOrNull(path, true);
  if (info?.isDirectory()) throw new DataError("is a folder, not a file name", { file: path });
  // What is open as standard output (/dev/stdout: a link to a pipe, socket, terminal or file) is written there.
  if (info && isStdout(info)) return "stdout";
  if (info && !info.isFile()) return "in place";
  refuseLink(path, "file");
  return "replace";
}

/** Writes one file whole (see the top of this file); `-` writes to standard output. */
export function writeFile(path: string, content: string | Uint8Array): void {
  const kind = fileKind(path);
  if (kind === "stdout") {
    process.stdout.write(content);
    return;
  }
  const target = resolve(path);
  const temporary = kind === "replace" ? temporaryName(target) : null;
  try {
    // In place, without O_CREAT: a device or FIFO removed meanwhile is an error, not a new file.
    if (!temporary) {
      writeAndClose(openSync(target, constants.O_WRONLY | constants.O_NOCTTY), content);
      return;
    }
    // A file replaced keeps its permissions: a private file must not become readable by everyone.
    const existing = statOrNull(target, false);
    createFile(temporary, content, existing ? existing.mode & 0o7777 : undefined);
    renameSync(temporary, target);
  } catch (error) {
    if (temporary) rmSync(temporary, { force: true });
    throw writeError(path, error);
  }
}

/** Refuses (DataError), before the work starts, a file destination that writeFile would refuse or fail to create. */
export function checkFileDestination(path: string): void {
  const kind = fileKind(path);
  if (kind === "replace") checkFolderOf(path);
  if (kind !== "in place") return;
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw writeError(path, error);
  }
}
