// `sparseproj plan`, `run` and `merge`: the cross-validation grid of `sparseproj sae` (settings × seeds × folds) as
// tasks that any engine can run (a SLURM job array, GNU parallel, Snakemake), one process per task or per block of
// tasks, then merged into the report, files and plots that sae writes on one machine. The plan file holds the
// folds, so that every task and the merge agree; each task has a key, a SHA-256 of the data file's bytes, the
// options and the package version, and its result file carries it: a result of another plan, data or version is
// never taken for this one's. A plan is read as untrusted input: every field is checked before anything runs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DataError, type LabelledTable } from "../io/table.ts";
import {
  type CrossValidationPlan,
  type CrossValidationResult,
  type FoldResult,
  mergeResults,
  planCrossValidation,
  runTask,
} from "../sae/cross-validate.ts";
import { readBytes } from "./input.ts";
import { checkDestination, checkFileDestination, writeFile } from "./output.ts";
import { createProgress, type Progress } from "./progress.ts";
import { describe, OUTPUT_FILES, type Setting, settingsOf, toOptions, writeReport } from "./report.ts";
import { readSaeTable, type SaeCommand } from "./sae.ts";

export const PLAN_FORMAT = "sparseproj-plan";
const RESULT_FORMAT = "sparseproj-task-result";
/** A plan holds the folds (every row index once per seed) and one line per task: 256 MiB is far beyond any. */
const MAX_PLAN_BYTES = 256 * 2 ** 20;
/** A result holds per-test-row probabilities and, with --attribution, classes × features numbers. */
const MAX_RESULT_BYTES = 2 ** 30;

export interface PlanCommand extends SaeCommand {
  /** The plan file to write. */
  output: string;
  /** The sae flags as given (without the file and -o), which the plan stores and every reader parses again. */
  arguments: string[];
}

export interface RunCommand {
  plan: string;
  /** One task by index (0-based). */
  task?: number;
  /** Block K (1-based) of N contiguous blocks of the tasks. */
  shard?: [number, number];
  results?: string;
  json: boolean;
}

export interface MergeCommand {
  plan: string;
  results?: string;
  out?: string;
  save?: string;
  json: boolean;
}

/** One line of the plan's task list. */
interface TaskLine {
  index: number;
  setting: number;
  seed: number;
  fold: number;
  key: string;
}

/** The plan file, as written (JSON). */
interface PlanFile {
  format: typeof PLAN_FORMAT;
  version: 1;
  sparseproj: string;
  /** The data file as given to plan (the report names it so). */
  file: string;
  /** The data file relative to the plan's folder, where every task reads it. */
  path: string;
  sha256: string;
  arguments: string[];
  samples: number;
  settings: Setting[];
  /** Per seed (0, 1, …), the test rows of each fold. */
  folds: Array<{ seed: number; test: number[][] }>;
  tasks: TaskLine[];
}

/** A plan checked against its data: what run and merge work from. */
export interface LoadedPlan {
  path: string;
  command: SaeCommand;
  table: LabelledTable;
  settings: Setting[];
  tasks: Array<TaskLine & { test: Int32Array }>;
  results: string;
}

let versionCache: string | undefined;

/** The package's version, from the package.json beside dist/ (a task's key holds it). */
export function packageVersion(): string {
  if (versionCache === undefined) {
    const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
    versionCache = String(JSON.parse(text).version);
  }
  return versionCache;
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** The options every task of the plan shares, as its key sees them (the setting is keyed on its own). */
function sharedOptions(command: SaeCommand): unknown {
  const { file, out, save, json, workers, projection, radii, keep, baseline, ...shared } = command;
  return shared;
}

/** A task's key: the package version, the data's SHA-256, the options, the setting, the seed, fold and test rows. */
function taskKey(
  command: SaeCommand,
  dataSha: string,
  setting: Setting,
  task: { seed: number; fold: number; test: ArrayLike<number> },
): string {
  const key = [packageVersion(), dataSha, sharedOptions(command), setting, task.seed, task.fold, Array.from(task.test)];
  // A RegExp (--feature-columns /…/) would stringify as {}: keyed by its source and flags.
  return sha256(JSON.stringify(key, (_, v) => (v instanceof RegExp ? String(v) : v)));
}

const SILENT: Progress = { start() {}, epoch() {}, stop() {} };

/** The library's options for `setting`: sae's, so that a task trains exactly as sae's fold does. */
function taskOptions(command: SaeCommand, table: LabelledTable, setting: Setting, progress: Progress) {
  return { ...toOptions(command, table, setting, progress), attribution: command.attribution };
}

/** The results folder of `plan`: --results, or the plan's sibling `<name>-results`. */
function resultsFolder(plan: string, given?: string): string {
  return given ?? join(dirname(plan), `${basename(plan, extname(plan))}-results`);
}

const resultFile = (results: string, index: number) => join(results, `task-${index}.json`);

/** Runs `sparseproj plan`: checks the table and flags as sae would, then writes the plan. */
export async function runPlan(command: PlanCommand): Promise<PlanFile> {
  const { output, arguments: _, ...sae } = command;
  const table = await readSaeTable(command);
  checkFileDestination(output);
  const settings = settingsOf(command);
  const dataSha = sha256(readBytes(command.file));
  const cv = planCrossValidation(table.data, table.labels, {
    ...taskOptions(command, table, settings[0], SILENT),
    folds: command.folds,
    seeds: command.seeds,
  });
  const perSetting = cv.tasks.length;
  const tasks = settings.flatMap((setting, s) =>
    cv.tasks.map((task, t) => ({
      index: s * perSetting + t,
      setting: s,
      seed: task.seed,
      fold: task.fold,
      key: taskKey(sae, dataSha, setting, task),
    })),
  );
  const plan: PlanFile = {
    format: PLAN_FORMAT,
    version: 1,
    sparseproj: packageVersion(),
    file: command.file,
    path: relative(dirname(resolve(command.output)), resolve(command.file)),
    sha256: dataSha,
    arguments: command.arguments,
    samples: table.samples,
    settings,
    folds: cv.seeds.map((seed) => ({
      seed,
      test: cv.tasks.filter((t) => t.seed === seed).map((t) => Array.from(t.test)),
    })),
    tasks,
  };
  // One field per line, one seed's folds and one task per line: a large plan stays readable and diffable.
  const lines = Object.entries(plan)
    .map(([name, value]) => {
      const items = (list: unknown[]) => `[\n${list.map((v) => `  ${JSON.stringify(v)}`).join(",\n")}\n ]`;
      return ` ${JSON.stringify(name)}: ${Array.isArray(value) ? items(value) : JSON.stringify(value)}`;
    })
    .join(",\n");
  writeFile(command.output, `{\n${lines}\n}\n`);
  const n = tasks.length;
  process.stdout.write(
    `wrote ${command.output}: ${n} tasks (${settings.length} setting${settings.length === 1 ? "" : "s"} × ` +
      `${command.seeds} seed${command.seeds === 1 ? "" : "s"} × ${command.folds} folds); ` +
      `run them with \`sparseproj run ${command.output} --task I\` for I in 0..${n - 1}, ` +
      `then \`sparseproj merge ${command.output} --out DIR\`\n`,
  );
  return plan;
}

// --- reading a plan (untrusted) ---

type Check = (ok: unknown, problem: string) => asserts ok;

const isInteger = (v: unknown, least = 0, most = Number.MAX_SAFE_INTEGER): v is number =>
  Number.isSafeInteger(v) && (v as number) >= least && (v as number) <= most;

/** `path`'s bytes when it is a regular file of at most `limit` bytes; DataError naming it otherwise. */
function readBounded(path: string, limit: number, what: string): Buffer {
  let size: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new DataError(`is not a file`, { file: path });
    size = info.size;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read the ${what}: ${(error as NodeJS.ErrnoException).code ?? error}`, { file: path });
  }
  if (size > limit) throw new DataError(`is ${size} bytes, more than a ${what} can be (${limit})`, { file: path });
  return readFileSync(path);
}

function parseJson(bytes: Buffer, path: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new DataError(`is not a ${what} (not JSON: ${(error as Error).message})`, { file: path });
  }
}

/**
 * Reads and checks `plan` (see the top of this file) and the data it names, whose SHA-256 must be the plan's;
 * `parseArguments` is the command line's parser of sae's flags (main.ts), which checks the stored flags again.
 */
export async function loadPlan(
  plan: string,
  parseArguments: (args: string[]) => SaeCommand,
  resultsGiven?: string,
): Promise<LoadedPlan> {
  const json = parseJson(readBounded(plan, MAX_PLAN_BYTES, "plan"), plan, "plan");
  const check: Check = (ok, problem) => {
    if (!ok) throw new DataError(`not a plan of this sparseproj: ${problem}`, { file: plan });
  };
  check(json !== null && typeof json === "object" && !Array.isArray(json), "not a JSON object");
  const p = json as Partial<Record<keyof PlanFile, unknown>>;
  check(p.format === PLAN_FORMAT, `"format" is not "${PLAN_FORMAT}"`);
  check(p.version === 1, `"version" is ${JSON.stringify(p.version)}, not 1`);
  if (p.sparseproj !== packageVersion()) {
    const made = typeof p.sparseproj === "string" ? p.sparseproj.slice(0, 40) : "an unknown version";
    throw new DataError(
      `was made by sparseproj ${made} and this is ${packageVersion()}; make the plan again ` +
        "(results of another version are not comparable)",
      { file: plan },
    );
  }
  const text = (v: unknown, max: number): v is string => typeof v === "string" && v.length > 0 && v.length <= max;
  check(text(p.file, 4096) && text(p.path, 4096), '"file" and "path" must be file names');
  check(typeof p.sha256 === "string" && /^[0-9a-f]{64}$/.test(p.sha256), '"sha256" must be 64 hex digits');
  check(
    Array.isArray(p.arguments) && p.arguments.length <= 256 && p.arguments.every((a) => typeof a === "string"),
    '"arguments" must be a list of at most 256 strings',
  );
  let command: SaeCommand;
  try {
    command = { ...parseArguments([p.file as string, ...(p.arguments as string[])]), file: p.file as string };
  } catch (error) {
    throw new DataError(`its "arguments" are not sae's flags: ${(error as Error).message}`, { file: plan });
  }
  const settings = settingsOf(command);
  check(JSON.stringify(p.settings) === JSON.stringify(settings), '"settings" are not those its arguments give');
  check(isInteger(p.samples, 2), '"samples" must be an integer ≥ 2');
  const samples = p.samples as number;

  // The folds: for each seed, `folds` increasing lists of rows that together hold every row once.
  check(Array.isArray(p.folds) && p.folds.length === command.seeds, `"folds" must hold ${command.seeds} seeds`);
  const tests: Int32Array[][] = (p.folds as unknown[]).map((entry, s) => {
    const e = entry as { seed?: unknown; test?: unknown };
    check(e !== null && typeof e === "object" && e.seed === s, `"folds"[${s}].seed must be ${s}`);
    check(Array.isArray(e.test) && e.test.length === command.folds, `"folds"[${s}] must hold ${command.folds} folds`);
    const seen = new Uint8Array(samples);
    let total = 0;
    const folds = (e.test as unknown[]).map((rows, f) => {
      const where = `"folds"[${s}].test[${f}]`;
      check(Array.isArray(rows) && rows.length > 0 && rows.length < samples, `${where} must be a non-empty list`);
      rows.forEach((r, i) => {
        check(isInteger(r, 0, samples - 1) && (i === 0 || r > rows[i - 1]), `${where} must be increasing rows`);
        check(!seen[r], `${where} holds row ${r}, also in another fold`);
        seen[r] = 1;
      });
      total += rows.length;
      return Int32Array.from(rows as number[]);
    });
    check(total === samples, `"folds"[${s}] must hold each of the ${samples} rows once`);
    return folds;
  });

  const path = resolve(dirname(plan), p.path as string);
  const bytes = readBytes(path);
  if (sha256(bytes) !== p.sha256)
    throw new DataError(`has changed since ${plan} was made (its SHA-256 differs); make the plan again`, {
      file: path,
    });
  const table = await readSaeTable(command, path);
  check(table.samples === samples, `"samples" is ${samples} but ${path} has ${table.samples}`);

  // The task list must be the one the settings, seeds and folds give, with the keys they give.
  const perSetting = command.seeds * command.folds;
  check(
    Array.isArray(p.tasks) && p.tasks.length === settings.length * perSetting,
    `"tasks" must hold ${settings.length * perSetting} tasks`,
  );
  const tasks = settings.flatMap((setting, s) =>
    tests.flatMap((folds, seed) =>
      folds.map((test, f) => {
        const index = s * perSetting + seed * command.folds + f;
        const line = {
          index,
          setting: s,
          seed,
          fold: f + 1,
          key: taskKey(command, p.sha256 as string, setting, { seed, fold: f + 1, test }),
        };
        check(
          JSON.stringify((p.tasks as unknown[])[index]) === JSON.stringify(line),
          `"tasks"[${index}] is not ${JSON.stringify({ ...line, key: "…" })} with its key`,
        );
        return { ...line, test };
      }),
    ),
  );
  return { path: plan, command, table, settings, tasks, results: resultsFolder(plan, resultsGiven) };
}

// --- task results ---

/** A result as JSON: typed arrays as arrays, and NaN or ±Infinity (which JSON cannot hold) as their names. */
function encodeResult(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    ArrayBuffer.isView(v)
      ? Array.from(v as Float64Array)
      : typeof v === "number" && !Number.isFinite(v)
        ? String(v)
        : v,
  );
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/**
 * The FoldResult of `task` from its result file's JSON, every field checked against what the task must give
 * (lengths from its test rows, the classes and the features); a DataError naming `file` otherwise.
 */
function decodeResult(
  json: Record<string, unknown>,
  task: LoadedPlan["tasks"][number],
  plan: LoadedPlan,
  file: string,
): FoldResult {
  const check: Check = (ok, problem) => {
    if (!ok) throw new DataError(`not task ${task.index}'s result: ${problem}`, { file });
  };
  const classes = plan.table.classes.length;
  const d = plan.table.features;
  const n = task.test.length;
  const num = (v: unknown, field: string): number => {
    const x = typeof v === "string" && Object.hasOwn(NON_FINITE, v) ? NON_FINITE[v] : v;
    check(typeof x === "number", `${field} must be a number`);
    return x;
  };
  const numbers = (v: unknown, length: number | null, field: string): number[] => {
    check(
      Array.isArray(v) && (length === null || v.length === length),
      `${field} must hold ${length ?? "some"} numbers`,
    );
    return v.map((x, i) => num(x, `${field}[${i}]`));
  };
  const nullable = (v: unknown, field: string) => (v === null ? null : num(v, field));
  const r = json.result as Record<string, unknown>;
  check(r !== null && typeof r === "object", "no result");
  check(r.seed === task.seed && r.fold === task.fold, `it is seed ${r.seed} fold ${r.fold}`);
  const test = numbers(r.test, n, "test");
  check(
    test.every((row, i) => row === task.test[i]),
    "its test rows are not the plan's",
  );
  const predicted = numbers(r.predicted, n, "predicted");
  check(
    predicted.every((c) => isInteger(c, 0, classes - 1)),
    "predicted must hold class indices",
  );
  const matrix = (v: unknown, rows: number, cols: number, field: string) => {
    check(Array.isArray(v) && v.length === rows, `${field} must have ${rows} rows`);
    return v.map((row, i) => numbers(row, cols, `${field}[${i}]`));
  };
  const selected = r.selected;
  check(Array.isArray(selected) && selected.length <= d, "selected must be a list of features");
  const losses = r.losses;
  check(Array.isArray(losses) && losses.length === 2, "losses must hold two phases");
  const result: FoldResult = {
    seed: task.seed,
    fold: task.fold,
    test: task.test,
    accuracy: num(r.accuracy, "accuracy"),
    perClassAccuracy: (() => {
      check(Array.isArray(r.perClassAccuracy) && r.perClassAccuracy.length === classes, "perClassAccuracy");
      return r.perClassAccuracy.map((v, i) => nullable(v, `perClassAccuracy[${i}]`));
    })(),
    precision: num(r.precision, "precision"),
    recall: num(r.recall, "recall"),
    f1: num(r.f1, "f1"),
    auc: num(r.auc, "auc"),
    confusion: matrix(r.confusion, classes, classes, "confusion"),
    silhouette: nullable(r.silhouette, "silhouette"),
    featureSparsity: num(r.featureSparsity, "featureSparsity"),
    selected: selected.map((s, i) => {
      const entry = s as { index?: unknown; score?: unknown };
      check(entry !== null && typeof entry === "object" && isInteger(entry.index, 0, d - 1), `selected[${i}]`);
      return { index: entry.index as number, score: num(entry.score, `selected[${i}].score`) };
    }),
    radius: nullable(r.radius, "radius"),
    secondsPerEpoch: num(r.secondsPerEpoch, "secondsPerEpoch"),
    losses: [numbers(losses[0], null, "losses[0]"), numbers(losses[1], null, "losses[1]")],
    predicted: Int32Array.from(predicted),
    probabilities: Float64Array.from(numbers(r.probabilities, n * classes, "probabilities")),
  };
  if (plan.command.attribution) result.attribution = matrix(r.attribution, classes, d, "attribution");
  if (plan.command.impute) {
    result.imputed = num(r.imputed, "imputed");
    const dropped = numbers(r.droppedFeatures, null, "droppedFeatures");
    check(
      dropped.every((j) => isInteger(j, 0, d - 1)),
      "droppedFeatures must hold feature indices",
    );
    result.droppedFeatures = dropped;
  }
  return result;
}

type Found = { state: "done"; result?: FoldResult } | { state: "missing" } | { state: "failed"; message: string };

/** Task `task`'s result file: done (with its result), failed (with the message), or missing (absent or stale). */
function readResult(plan: LoadedPlan, task: LoadedPlan["tasks"][number], decode: boolean): Found {
  const file = resultFile(plan.results, task.index);
  if (!existsSync(file)) return { state: "missing" };
  const json = parseJson(readBounded(file, MAX_RESULT_BYTES, "task result"), file, "task result") as Record<
    string,
    unknown
  >;
  if (json === null || typeof json !== "object" || json.format !== RESULT_FORMAT)
    throw new DataError(`is not a task result (no "format": "${RESULT_FORMAT}")`, { file });
  // Another plan's, data's or version's result for this index: not this task's, so it is to be run again.
  if (json.key !== task.key || json.index !== task.index) return { state: "missing" };
  if (json.error !== undefined) {
    const error = json.error as { message?: unknown };
    return { state: "failed", message: String(error?.message ?? error).slice(0, 500) };
  }
  return { state: "done", ...(decode ? { result: decodeResult(json, task, plan, file) } : {}) };
}

/** The tasks `command` selects: --task, --shard, or all. */
function selected(command: RunCommand, plan: LoadedPlan): LoadedPlan["tasks"] {
  const n = plan.tasks.length;
  if (command.task !== undefined) {
    if (command.task >= n)
      throw new DataError(`has ${n} tasks (0..${n - 1}); there is no --task ${command.task}`, { file: plan.path });
    return [plan.tasks[command.task]];
  }
  if (command.shard) {
    // Contiguous blocks whose sizes differ by at most one: block K of N is tasks ⌊(K−1)·n/N⌋ .. ⌊K·n/N⌋ − 1.
    const [k, of] = command.shard;
    return plan.tasks.slice(Math.floor(((k - 1) * n) / of), Math.floor((k * n) / of));
  }
  return plan.tasks;
}

/** Runs `sparseproj run`: the selected tasks not done yet, each result written whole as soon as it is done. */
export async function runTasks(command: RunCommand, parseArguments: (args: string[]) => SaeCommand): Promise<void> {
  const plan = await loadPlan(command.plan, parseArguments, command.results);
  const tasks = selected(command, plan);
  try {
    mkdirSync(plan.results, { recursive: true });
  } catch (error) {
    throw new DataError(`cannot create the results folder: ${(error as Error).message}`, { file: plan.results });
  }
  const todo = tasks.filter((task) => readResult(plan, task, false).state !== "done");
  const perRun = plan.command.epochs[0] + plan.command.epochs[1];
  const progress = createProgress(perRun * todo.length);
  const summary: Array<{ index: number; state: string; accuracy?: number; seconds?: number; error?: string }> = [];
  let firstError: unknown = null;
  try {
    for (const task of tasks) {
      if (!todo.includes(task)) {
        summary.push({ index: task.index, state: "done before" });
        continue;
      }
      const setting = plan.settings[task.setting];
      progress.start(`task ${task.index}: ${describe(setting)}, seed ${task.seed}, fold ${task.fold}`);
      const started = performance.now();
      const file = resultFile(plan.results, task.index);
      const head = { format: RESULT_FORMAT, version: 1, index: task.index, key: task.key };
      try {
        const options = taskOptions(plan.command, plan.table, setting, progress);
        const result = runTask(plan.table.data, plan.table.labels, options, task);
        writeFile(file, `${encodeResult({ ...head, result })}\n`);
        const seconds = (performance.now() - started) / 1000;
        summary.push({ index: task.index, state: "ran", accuracy: result.accuracy, seconds });
      } catch (error) {
        if (error instanceof DataError) throw error; // the results folder cannot be written: stop
        const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
        writeFile(file, `${encodeResult({ ...head, error: { name, message } })}\n`);
        summary.push({ index: task.index, state: "failed", error: message });
        firstError ??= error;
      }
    }
  } finally {
    progress.stop();
  }
  if (command.json) process.stdout.write(`${JSON.stringify({ results: plan.results, tasks: summary })}\n`);
  else {
    for (const s of summary) {
      const what =
        s.state === "ran"
          ? `accuracy ${s.accuracy!.toFixed(3)}, ${s.seconds!.toFixed(1)} s`
          : s.state === "failed"
            ? `failed: ${s.error}`
            : "done before (same key): skipped";
      process.stdout.write(`task ${s.index}: ${what}\n`);
    }
  }
  // The failure is recorded in its result file (merge lists it); the exit code says it too, as its error's.
  if (firstError) throw firstError;
}

/** A list of task indices as text, shortened. */
const indices = (list: number[]) => list.slice(0, 20).join(", ") + (list.length > 20 ? `, … (${list.length})` : "");

/** Runs `sparseproj merge`: sae's report, files and plots from the tasks' results, or which tasks lack one. */
export async function runMerge(command: MergeCommand, parseArguments: (args: string[]) => SaeCommand): Promise<void> {
  const plan = await loadPlan(command.plan, parseArguments, command.results);
  if (command.out) checkDestination(command.out, OUTPUT_FILES);
  if (command.save) checkFileDestination(command.save);
  const found = plan.tasks.map((task) => readResult(plan, task, true));
  const missing = plan.tasks.filter((_, i) => found[i].state === "missing").map((t) => t.index);
  const failed = plan.tasks.flatMap((t, i) => {
    const f = found[i];
    return f.state === "failed" ? [{ index: t.index, message: f.message }] : [];
  });
  // The first failure's message, then the other failures' indices.
  const also = (all: typeof failed) => (all.length > 1 ? `; also ${indices(all.slice(1).map((f) => f.index))}` : "");
  if (missing.length || failed.length) {
    if (command.json) process.stdout.write(`${JSON.stringify({ complete: false, missing, failed })}\n`);
    const parts = [
      ...(missing.length
        ? [`${missing.length} of ${plan.tasks.length} tasks have no result (${indices(missing)})`]
        : []),
      ...(failed.length ? [`${failed.length} failed (${failed[0].index}: ${failed[0].message}${also(failed)})`] : []),
    ];
    throw new DataError(`${parts.join(" and ")}; run them with \`sparseproj run ${plan.path} --task I\``, {
      file: plan.path,
    });
  }
  const runs = found.map((f) => (f as { result: FoldResult }).result);
  const perSetting = plan.command.seeds * plan.command.folds;
  const first = planCrossValidation(plan.table.data, plan.table.labels, {
    ...taskOptions(plan.command, plan.table, plan.settings[0], SILENT),
    folds: plan.command.folds,
    seeds: plan.command.seeds,
  });
  const results: CrossValidationResult[] = plan.settings.map((_, s) => {
    const tasks = plan.tasks.slice(s * perSetting, (s + 1) * perSetting);
    const cv: CrossValidationPlan = { ...first, tasks };
    return mergeResults(cv, runs.slice(s * perSetting, (s + 1) * perSetting));
  });
  const reportCommand = { ...plan.command, out: command.out, save: command.save, json: command.json };
  const trainModel = Boolean(command.out || command.save);
  const progress = createProgress(trainModel ? plan.command.epochs[0] + plan.command.epochs[1] : 0);
  try {
    writeReport(reportCommand, plan.table, plan.settings, results, progress);
  } finally {
    progress.stop();
  }
}

/** The sae flags of `args` as a plan stores them: without the data file and -o/--output. */
export function planArguments(
  args: string[],
  options: Record<string, { type: "string" | "boolean"; short?: string }>,
): string[] {
  const types = Object.fromEntries(
    Object.entries(options).map(([name, { type, short }]) => [name, short ? { type, short } : { type }]),
  );
  const { tokens } = parseArgs({ args, options: types, allowPositionals: true, strict: false, tokens: true });
  const drop = new Set<number>();
  let file = false;
  for (const token of tokens) {
    if (token.kind === "positional" && !file) {
      file = true;
      drop.add(token.index);
    } else if (token.kind === "option" && token.name === "output") {
      drop.add(token.index);
      if (token.value !== undefined && !token.inlineValue) drop.add(token.index + 1);
    }
  }
  return args.filter((_, i) => !drop.has(i));
}
