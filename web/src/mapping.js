// @ts-check
// The column mapping of a user's table: which column holds the classes, which the sample ids, which to leave out,
// and how to fill missing cells. A first guess from the preview, and the user's last choice per file name
// (localStorage), so that a file opened again reads the same way.
import { IMPUTE_METHODS } from "../../dist/index.js";

/** @typedef {import("./messages.ts").Mapping} Mapping */

/** How a missing cell may be written (parseTable's default list): not a sign of an annotation column. */
const MISSING = /^(?:|na|nan|n\/a|null|#n\/a|\.)$/i;
const LABEL_NAMES = /^(?:label|labels|class|classes|group|groups|condition|diagnosis|status|phenotype|type|target)$/i;
const ID_NAMES = /^(?:id|ids|sample|samples|sample[ _.-]?id|sample[ _.-]?name|name|patient|patient[ _.-]?id)$/i;
const STORAGE = "sparseproj.mapping:";
/** The SAE omics layout: its classes are its Label row, its features its rows; only missing values are chosen. */
export const OMICS = Object.freeze({ labelColumn: "label", idColumn: null, ignoreColumns: [], impute: null });

/** Whether a cell reads as a number or a missing value (a decimal comma where the separator is not a comma). */
function numeric(cell, delimiter) {
  if (MISSING.test(cell)) return true;
  const text = delimiter === "," ? cell : cell.replace(/^([-+]?\d*),(\d+(?:[eE][-+]?\d+)?)$/, "$1.$2");
  return text.trim() !== "" && Number.isFinite(Number(text));
}

/** Per column of the preview: whether every previewed cell is a number or missing. */
export function numericColumns(preview) {
  return preview.header.map((_, c) => preview.rows.every((row) => numeric(row[c] ?? "", preview.delimiter)));
}

/**
 * The first guess: the label column by its name (label, class, group…) else the first text column; the id column
 * by its name (id, sample…) else a first text column of distinct values; other text columns ignored.
 * @returns {Mapping}
 */
export function guessMapping(preview) {
  if (preview.omics) return OMICS;
  const { header, rows } = preview;
  const isNumber = numericColumns(preview);
  const text = header.map((_, c) => c).filter((c) => !isNumber[c]);
  const named = (pattern) => header.findIndex((name) => pattern.test(name));
  const distinct = (c) => new Set(rows.map((row) => row[c])).size === rows.length;
  let id = named(ID_NAMES);
  if (id < 0 && text[0] === 0 && rows.length > 1 && distinct(0)) id = 0;
  let label = header.findIndex((name) => name.toLowerCase() === "label");
  if (label < 0) label = header.findIndex((name, c) => c !== id && LABEL_NAMES.test(name));
  if (label < 0) label = text.find((c) => c !== id) ?? header.length - 1;
  return {
    labelColumn: header[label] ?? "label",
    idColumn: id >= 0 && id !== label ? header[id] : null,
    ignoreColumns: text.filter((c) => c !== id && c !== label).map((c) => header[c]),
    impute: null,
  };
}

/** The mapping last used for a file of this name, if its columns are still in the header. @returns {Mapping|null} */
export function storedMapping(name, header) {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE + name) ?? "null");
    const names = new Set(header);
    const fits =
      stored &&
      names.has(stored.labelColumn) &&
      (stored.idColumn === null || names.has(stored.idColumn)) &&
      Array.isArray(stored.ignoreColumns) &&
      stored.ignoreColumns.every((c) => names.has(c)) &&
      (stored.impute === null || IMPUTE_METHODS.includes(stored.impute));
    return fits ? stored : null;
  } catch {
    return null; // storage refused (private mode) or not JSON: no stored choice
  }
}

/** @param {string} name @param {Mapping} mapping */
export function storeMapping(name, mapping) {
  try {
    localStorage.setItem(STORAGE + name, JSON.stringify(mapping));
  } catch {
    // Storage full or refused: the choice is not remembered, which is all that is lost.
  }
}

/** The preview as a table, each column marked with its role (label, id, ignored, feature). */
export function previewElement(preview, mapping) {
  const role = (name) =>
    name === mapping.labelColumn
      ? "label"
      : name === mapping.idColumn
        ? "id"
        : mapping.ignoreColumns.includes(name)
          ? "ignored"
          : "feature";
  const table = document.createElement("table");
  table.id = "preview-table";
  const caption = table.createCaption();
  caption.textContent = `The file's first ${preview.rows.length} rows, as the page reads them`;
  caption.className = "visually-hidden";
  const head = table.createTHead();
  const names = head.insertRow();
  const roles = head.insertRow();
  roles.className = "roles";
  // Wide tables: the first 60 columns are shown; the others are read all the same.
  const shown = preview.header.slice(0, 60);
  for (const name of shown) {
    const th = Object.assign(document.createElement("th"), { scope: "col", textContent: name });
    th.className = `role-${role(name)}`;
    names.append(th);
    const tag = Object.assign(document.createElement("td"), { textContent: role(name) });
    tag.className = `role-${role(name)}`;
    roles.append(tag);
  }
  const body = table.createTBody();
  for (const cells of preview.rows) {
    const row = body.insertRow();
    shown.forEach((name, c) => {
      const td = row.insertCell();
      td.textContent = cells[c] ?? "";
      // A missing value among the features is marked, so that the user sees what the count below is about.
      const missing = role(name) === "feature" && MISSING.test(td.textContent);
      td.className = `role-${role(name)}${missing ? " missing" : ""}`;
      if (missing) td.title = "missing";
    });
  }
  return table;
}
