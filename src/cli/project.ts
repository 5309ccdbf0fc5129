// `sparseproj project`: the bilevel projection of a matrix stored as row-block shards (.npy files), in the staged
// API's three steps, so that the cluster recipes (a SLURM array, GNU parallel, Snakemake) project a matrix larger
// than one machine's memory: --stage norms on each shard (its per-column partials), --stage reduce once (the
// column norms and the thresholds u), --stage apply on each shard (the shard projected with u). For ℓ1,∞ the
// result is bit for bit the one-shot projection's (a max does not depend on the order); for ℓ1,2 it is to float64
// rounding of the sums; ℓ1,1 needs whole columns in one shard (its λ_j depends on the whole sorted column).
import { DataError } from "../io/table.ts";
import { formatNpy, type NpyArray, parseNpy } from "../io/npy.ts";
import { applyBilevel, bilevelThresholds, combineGroupNorms, groupNorms } from "../projections/staged.ts";
import type { GroupNormKind } from "../types.ts";
import { readBytes } from "./input.ts";
import { checkFileDestination, reportStream, writeFile } from "./output.ts";

export const PROJECT_STAGES = ["norms", "reduce", "apply"] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];

export interface ProjectCommand {
  stage: ProjectStage;
  /** norms, apply: one shard; reduce: every shard's partials. */
  files: string[];
  /** The output .npy file. */
  output: string;
  norm: GroupNormKind;
  /** reduce: the radius η. */
  radius?: number;
  /** apply: the thresholds file that reduce wrote. */
  thresholds?: string;
  json: boolean;
}

/** A .npy file read, its problems as a DataError naming it. */
function readNpy(file: string, dims: 1 | 2, what: string): NpyArray {
  let array: NpyArray;
  try {
    array = parseNpy(readBytes(file), "");
  } catch (error) {
    if (error instanceof RangeError) throw new DataError(error.message.replace(/^: /, ""), { file });
    throw error;
  }
  if (array.shape.length !== dims)
    throw new DataError(`is a ${array.shape.length}-D array (${array.shape.join(" × ")}); ${what} is ${dims}-D`, {
      file,
    });
  return array;
}

/** Runs one stage of `sparseproj project`. */
export function runProject(command: ProjectCommand): void {
  checkFileDestination(command.output);
  const { norm } = command;
  let result: NpyArray;
  if (command.stage === "norms") {
    const [file] = command.files;
    const { data, shape } = readNpy(file, 2, "a shard (rows × columns)");
    result = { data: groupNorms(data, shape[0], shape[1], norm), shape: [shape[1]] };
  } else if (command.stage === "reduce") {
    const partials = command.files.map((file) => readNpy(file, 1, "a shard's partials (one per column)"));
    const cols = partials[0].shape[0];
    const other = partials.findIndex((p) => p.shape[0] !== cols);
    if (other >= 0)
      throw new DataError(`holds ${partials[other].shape[0]} partials; ${command.files[0]} holds ${cols}`, {
        file: command.files[other],
      });
    const norms = combineGroupNorms(
      norm,
      partials.map((p) => p.data),
    );
    const u = bilevelThresholds(norm, norms, command.radius!);
    // One file for apply: row 0 the thresholds u, row 1 the column norms.
    const data = new Float64Array(2 * cols);
    data.set(u);
    data.set(norms, cols);
    result = { data, shape: [2, cols] };
  } else {
    const [file] = command.files;
    const { data, shape } = readNpy(file, 2, "a shard (rows × columns)");
    const thresholds = readNpy(command.thresholds!, 2, "the thresholds (2 × columns, from --stage reduce)");
    const cols = shape[1];
    if (thresholds.shape[0] !== 2 || thresholds.shape[1] !== cols)
      throw new DataError(`is ${thresholds.shape.join(" × ")}; ${file} needs 2 × ${cols} (u, then the norms)`, {
        file: command.thresholds,
      });
    const u = thresholds.data.subarray(0, cols);
    const norms = thresholds.data.subarray(cols);
    result = { data: applyBilevel(data, shape[0], cols, norm, u, norms), shape };
  }
  writeFile(command.output, formatNpy(result));
  const about = { stage: command.stage, output: command.output, shape: result.shape };
  const dtype = result.data instanceof Float32Array ? "float32" : "float64";
  const stream = reportStream(command.output);
  if (command.json) stream.write(`${JSON.stringify(about)}\n`);
  else stream.write(`wrote ${command.output}: ${result.shape.join(" × ")} ${dtype}\n`);
}
