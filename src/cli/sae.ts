// `sparseproj sae`: cross-validates the supervised autoencoder on a labelled table for each setting (each radius
// of the projection, and the baseline without projection), then trains the model to keep on every sample with
// the chosen setting, and prints the results (a table, or one JSON document) and writes them (--out, --save).
import { DataError, type LabelledTable } from "../io/table.ts";
import { crossValidate, type CrossValidationResult } from "../sae/cross-validate.ts";
import { foldsProblem } from "../sae/cv/folds.ts";
import type { SAEProjection } from "../sae/options.ts";
import type { ImputeMethod } from "../sae/preprocess.ts";
import { MAX_BLOCK_BYTES } from "../runtime/heap.ts";
import { readTable, type TableFlags } from "./input.ts";
import { checkDestination, checkFileDestination } from "./output.ts";
import { createProgress } from "./progress.ts";
import { describe, OUTPUT_FILES, settingsOf, toOptions, writeReport, type SaeReport } from "./report.ts";

export { OUTPUT_FILES, type SaeReport, type SaeRun } from "./report.ts";

export interface SaeCommand {
  file: string;
  projection: SAEProjection;
  /** Radii to compare, or "auto" (a nested search inside each training set). Unused with projection "none". */
  radii: SaeRadius[] | "auto";
  /** With projection "top-k": the input features kept. */
  keep?: number;
  folds: number;
  seeds: number;
  epochs: [number, number];
  hidden: number[];
  lambda: number;
  lr: number;
  batchSize: number;
  rewind: boolean;
  log: boolean | "auto";
  /** Fill in missing values (empty cells), fitted on each training fold; null: a missing value is an error. */
  impute: ImputeMethod | null;
  /** With impute: features missing in more than this share of a fold's training rows are dropped. */
  maxMissing: number;
  /** Also cross-validate without projection. */
  baseline: boolean;
  /** Worker threads for the folds (1: the main thread). */
  workers: number;
  /** Explain every test fold by integrated gradients (attribution.csv with --out). */
  attribution: boolean;
  out?: string;
  save?: string;
  /** Write the dense model (all features) rather than the compact one (the panel). */
  fullModel?: boolean;
  json: boolean;
  labelColumn?: string;
  idColumn?: string;
  /** --na-values, --ignore-columns, --feature-columns, --drop-unlabelled. */
  tableFlags?: TableFlags;
}

/** A radius as --radius writes it: raw, or "Fx", F × the trained layer's norm (trainSAE's { relative: F }). */
export type SaeRadius = number | `${number}x`;

/** wasm32's whole address space: 65536 pages of 64 KiB (the threads build's maximumMemory in asconfig.json). */
const WASM_MEMORY_BYTES = 2 ** 32;

const gigabytes = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/**
 * Refuses (DataError) an autoencoder whose layer sizes (`layers`: input, hidden…, code; the decoder mirrors them)
 * cannot fit in WebAssembly memory, before anything is allocated: float32 weights, their gradients and Adam's two
 * moments beyond the address space, or one weight matrix beyond the allocator's largest block. `flags` names what
 * to lower, `file` the table whose features are the input.
 */
export function checkNetworkSize(layers: number[], flags: string, file: string): void {
  const matrices = layers.slice(1).map((size, i) => size * layers[i]);
  const parameters = 2 * matrices.reduce((sum, m, i) => sum + m + layers[i + 1], 0);
  const needed = 4 * 4 * parameters; // float32, four copies
  const largest = 4 * matrices.reduce((a, b) => Math.max(a, b), 0);
  const memory = gigabytes(WASM_MEMORY_BYTES),
    block = gigabytes(MAX_BLOCK_BYTES);
  const problem =
    needed > WASM_MEMORY_BYTES
      ? `would need ${gigabytes(needed)} of WebAssembly memory to train, more than the ${memory} it can address`
      : largest > MAX_BLOCK_BYTES
        ? `has a weight matrix of ${gigabytes(largest)}, more than one block of WebAssembly memory holds (${block})`
        : null;
  if (problem) throw new DataError(`a network of ${layers.join(" → ")} units ${problem}; lower ${flags}`, { file });
}

/** What readSaeTable needs of a command: sae's, plan's or compare's. */
type TableCommand = Pick<
  SaeCommand,
  "file" | "labelColumn" | "idColumn" | "impute" | "tableFlags" | "folds" | "hidden"
>;

/**
 * The table `command` reads, checked as sae checks it before anything runs (also for `sparseproj plan` and
 * `compare`; `network`: whether an autoencoder of `command.hidden` will be trained on it, whose size is checked).
 */
export async function readSaeTable(command: TableCommand, file = command.file, network = true): Promise<LabelledTable> {
  const columns = {
    labelColumn: command.labelColumn,
    idColumn: command.idColumn,
    ...(command.impute ? { allowMissing: true } : {}),
  };
  const table = await readTable(file, columns, command.tableFlags);
  if (command.impute) checkSomethingObserved(table, file, command.idColumn !== undefined);
  // The library's check, made before anything runs so that the message names the file and the flag to change.
  const problem = foldsProblem(table.y, table.classes, command.folds);
  if (problem) throw new DataError(`${problem} (lower --folds)`, { file });
  if (network) checkNetworkSize([table.features, ...command.hidden, table.classes.length], "--hidden", file);
  return table;
}

/**
 * A sample missing every feature has nothing to impute from, in whichever fold it lands: refused before training,
 * by its id, where the imputation inside a fold (possibly in a worker) only knows its index.
 */
function checkSomethingObserved(table: LabelledTable, file: string, hasIds: boolean): void {
  const { data, samples, features, sampleIds } = table;
  for (let s = 0; s < samples; s++) {
    let f = 0;
    while (f < features && Number.isNaN(data[s * features + f])) f++;
    if (f < features) continue;
    const which = hasIds
      ? `sample ${JSON.stringify(sampleIds[s])} (sample ${s + 1} of ${samples})`
      : `sample ${s + 1} of ${samples} (id ${JSON.stringify(sampleIds[s])})`;
    throw new DataError(
      `${which}: all ${features} features are missing; nothing to impute from (leave the sample out)`,
      { file },
    );
  }
}

/** Runs `sparseproj sae`; returns the report it printed. */
export async function runSae(command: SaeCommand): Promise<SaeReport> {
  const { folds, seeds } = command;
  const table = await readSaeTable(command);
  if (command.out) checkDestination(command.out, OUTPUT_FILES);
  if (command.save) checkFileDestination(command.save);
  const settings = settingsOf(command);
  const trainModel = Boolean(command.out || command.save);
  const perRun = command.epochs[0] + command.epochs[1];
  const progress = createProgress(perRun * (settings.length * folds * seeds + (trainModel ? 1 : 0)));
  try {
    const results: CrossValidationResult[] = [];
    for (const setting of settings) {
      // The bar names the setting; each epoch's event says which seed and fold it came from.
      const options = {
        ...toOptions(command, table, setting, progress),
        folds,
        seeds,
        attribution: command.attribution,
        workers: command.workers,
        onFold: () => progress.start(describe(setting)),
      };
      results.push(await crossValidate(table.data, table.labels, options));
    }
    return writeReport(command, table, settings, results, progress);
  } finally {
    progress.stop();
  }
}
