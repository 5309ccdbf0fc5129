// `sparseproj slurm`: a plan's tasks as a SLURM job array (one element per task, or per block of tasks when they
// are small: HPC centres ask for that), and its merge as a job that waits for the whole array (afterok). With
// --submit both are submitted (sbatch --parsable) and their job ids printed. The scripts call this very node and
// command line by absolute path, so a compute node needs no PATH set up, only the same shared file system.
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { DataError } from "../io/table.ts";
import { loadPlan } from "./grid.ts";
import { writeFile } from "./output.ts";
import type { SaeCommand } from "./sae.ts";

export interface SlurmCommand {
  plan: string;
  submit: boolean;
  partition?: string;
  /** sbatch's --time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  time?: string;
  cpusPerTask: number;
  /** At most this many array elements at once (--array=…%M). */
  maxParallel?: number;
  /** Tasks per array element. */
  tasksPerJob: number;
  /** The merge job's --out (default: the plan's sibling `<name>-report`). */
  out?: string;
  save?: string;
  results?: string;
  json: boolean;
}

/** What sbatch accepts for --time, and a partition (list): checked because they are written into a script. */
export const SLURM_TIME = /^(?:\d+-)?\d+(?::\d+){0,2}$/;
export const SLURM_PARTITION = /^[A-Za-z0-9_.-]+(?:,[A-Za-z0-9_.-]+)*$/;

/** `text` as one shell word. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** This command line as a compute node runs it: this node, this script, by absolute path. */
function selfCommand(): string {
  return `${quote(process.execPath)} ${quote(realpathSync(process.argv[1]))}`;
}

function header(name: string, command: SlurmCommand, output: string, extra: string[] = []): string[] {
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    ...extra,
    ...(command.partition ? [`#SBATCH --partition=${command.partition}`] : []),
    ...(command.time ? [`#SBATCH --time=${command.time}`] : []),
    `#SBATCH --cpus-per-task=${command.cpusPerTask}`,
    `#SBATCH --output=${output}`,
  ];
}

/** sbatch --parsable's job id ("id" or "id;cluster"), or a DataError with what sbatch said. */
function sbatch(args: string[]): string {
  const r = spawnSync("sbatch", ["--parsable", ...args], { encoding: "utf8" });
  if (r.error) throw new DataError(`cannot run sbatch: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  const id = /^(\d+)(?:;\S+)?\s*$/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !id) {
    const said = (r.stderr || r.stdout).trim().split("\n").at(-1) ?? "";
    throw new DataError(`sbatch ${args.at(-1)} failed (exit ${r.status}): ${said}`);
  }
  return id;
}

/** Runs `sparseproj slurm`: writes the array and merge scripts beside the plan, and submits them with --submit. */
export async function runSlurm(command: SlurmCommand, parseArguments: (args: string[]) => SaeCommand): Promise<void> {
  const planPath = resolve(command.plan);
  const plan = await loadPlan(planPath, parseArguments, command.results && resolve(command.results));
  const results = resolve(plan.results);
  const n = plan.tasks.length;
  const elements = Math.ceil(n / command.tasksPerJob);
  const name = basename(planPath, extname(planPath));
  const base = join(dirname(planPath), name);
  const out = resolve(command.out ?? `${base}-report`);
  // sbatch writes each element's log into the results folder, which must exist before the job starts.
  try {
    mkdirSync(results, { recursive: true });
  } catch (error) {
    throw new DataError(`cannot create the results folder: ${(error as Error).message}`, { file: results });
  }
  const resultsFlag = command.results ? ` --results ${quote(results)}` : "";
  const array = `0-${elements - 1}${command.maxParallel ? `%${command.maxParallel}` : ""}`;
  const which =
    command.tasksPerJob === 1 ? '--task "$SLURM_ARRAY_TASK_ID"' : `--shard "$((SLURM_ARRAY_TASK_ID + 1))/${elements}"`;
  const tasksScript = [
    ...header(`${name}-tasks`, command, join(results, "slurm-%A_%a.out"), [`#SBATCH --array=${array}`]),
    `# Written by sparseproj slurm: the ${n} tasks of ${planPath}, ${
      command.tasksPerJob === 1 ? "one per array element" : `${command.tasksPerJob} per array element (a --shard)`
    }. A finished task is skipped when run again.`,
    "set -eu",
    `exec ${selfCommand()} run ${quote(planPath)} ${which}${resultsFlag}`,
    "",
  ].join("\n");
  const mergeScript = [
    ...header(`${name}-merge`, command, join(results, "merge-%j.out")),
    `# Written by sparseproj slurm: merges the results of ${planPath}'s tasks into ${out}; submitted with`,
    "# --dependency=afterok on the array job, so that it starts once every task has succeeded.",
    "set -eu",
    `exec ${selfCommand()} merge ${quote(planPath)}${resultsFlag} --out ${quote(out)}${
      command.save ? ` --save ${quote(resolve(command.save))}` : ""
    }`,
    "",
  ].join("\n");
  const tasksFile = `${base}.sbatch`;
  const mergeFile = `${base}-merge.sbatch`;
  writeFile(tasksFile, tasksScript);
  writeFile(mergeFile, mergeScript);
  if (!command.submit) {
    const about = { tasks: n, array, scripts: [tasksFile, mergeFile] };
    if (command.json) process.stdout.write(`${JSON.stringify(about)}\n`);
    else
      process.stdout.write(
        `wrote ${tasksFile} (${n} tasks, --array=${array}) and ${mergeFile}; submit them with\n` +
          `  job=$(sbatch --parsable ${quote(tasksFile)}) && sbatch --dependency=afterok:$job ${quote(mergeFile)}\n` +
          "or run this command again with --submit\n",
      );
    return;
  }
  const arrayJob = sbatch([tasksFile]);
  const mergeJob = sbatch([`--dependency=afterok:${arrayJob}`, mergeFile]);
  if (command.json) process.stdout.write(`${JSON.stringify({ tasks: n, array, arrayJob, mergeJob, out })}\n`);
  else
    process.stdout.write(
      `submitted array job ${arrayJob} (${n} tasks, --array=${array}) and merge job ${mergeJob} ` +
        `(after it succeeds; writes ${out})\n`,
    );
}
