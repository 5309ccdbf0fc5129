// The `sparseproj` command line: argument parsing (node:util parseArgs) and dispatch. Every failure the user can
// cause ends as one line on stderr and an exit code, 2 for a usage error (unknown flag, bad value) and 1 for input
// or settings that cannot be used (an unreadable or malformed file, an output that cannot be written, too few
// samples for the folds, a network too large, training that diverges), because scripts branch on the code and
// people read the line; anything else is a bug, reported with its trace and code 70. A closed stdout pipe ends the
// program quietly with 141. The flags are declared once, in FLAGS, and both the parser and --help read them.
import { closeSync, openSync, readSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { CODE_KINDS, type CodeKind } from "../dna/code-lengths.ts";
import { DEFAULT_MAX_BYTES } from "../dna/format.ts";
import { MAX_OLIGO, MIN_OLIGO } from "../dna/scramble.ts";
import { DataError } from "../io/table.ts";
import { LATENT_SAMPLER_DEFAULTS } from "../generative/latent-sampler.ts";
import { VAE_DEFAULTS } from "../generative/vae.ts";
import { SAE_COMMAND_DEFAULTS, SAE_DEFAULTS, SAE_PROJECTIONS, type SAEProjection } from "../sae/options.ts";
import { IMPUTE_METHODS, type ImputeMethod, PREPROCESS_DEFAULTS } from "../sae/preprocess.ts";
import { runDnaDecode, runDnaEncode } from "./dna.ts";
import { runImageDecode, runImageEncode } from "./image.ts";
import { isMdcFile, runImageDecodeMdc, runImageEncodeMdc } from "./image-mdc.ts";
import { COOLCHIC_DEFAULTS } from "../coolchic/codec.ts";
import { type ExportCommand, runExport } from "./export.ts";
import { runDnaReadsDecode, runDnaSimulate, runDnaStore } from "./dna-storage.ts";
import { checkStorageOptions, STORAGE_DEFAULTS } from "../dna/storage.ts";
import { SIMULATE_DEFAULTS } from "../dna/simulate.ts";
import { runGenerate, type GenerateCommand } from "./generate.ts";
import { STDOUT } from "./output.ts";
import type { TableFlags } from "./input.ts";
import { runPredict, type PredictCommand } from "./predict.ts";
import { runVae, type VaeCommand } from "./vae.ts";
import { runSae, type SaeCommand, type SaeRadius } from "./sae.ts";
import {
  type MergeCommand,
  type PlanCommand,
  planArguments,
  type RunCommand,
  runMerge,
  runPlan,
  runTasks,
} from "./grid.ts";
import { runSlurm, SLURM_PARTITION, SLURM_TIME, type SlurmCommand } from "./slurm.ts";
import { PROJECT_STAGES, type ProjectCommand, type ProjectStage, runProject } from "./project.ts";
import type { GroupNormKind } from "../types.ts";
import { COMPARE_DEFAULTS, type DownstreamName, SELECTOR_NAMES, type SelectorName } from "../selection/compare.ts";
import { type CompareCommand, runCompare } from "./compare.ts";

/** A command line that cannot be run as written; exit code 2. */
export class UsageError extends Error {}

interface Flag {
  type: "string" | "boolean";
  short?: string;
  /** What the value looks like, in --help. */
  value?: string;
  help: string;
  /**
   * The value when the flag is not given, which --help prints: the library's default, read from its table, unless
   * the command line has a reason of its own. A boolean's marks the side of its --x / --no-x pair taken.
   */
  default?: string | number | boolean | readonly number[];
}

const COMMON: Record<string, Flag> = {
  "label-column": {
    type: "string",
    value: "NAME",
    help: 'the column of class labels (plain tables; default "label", any case)',
  },
  "id-column": { type: "string", value: "NAME", help: "a column of sample ids, kept out of the features" },
  "ignore-columns": {
    type: "string",
    value: "NAME,…",
    help: "columns to leave out (annotations such as Sex or Batch); features, in the omics layout",
  },
  "feature-columns": {
    type: "string",
    value: "NAME,… | /REGEX/",
    help: "the only columns read as features: names, or a regular expression (the label and id never are)",
  },
  "na-values": {
    type: "string",
    value: "A,B,…",
    help: 'how a missing cell is written, replacing the default: empty, NA, NaN, N/A, null, #N/A, "." (any case)',
  },
  "drop-unlabelled": { type: "boolean", help: "drop the rows without a label (and count them) instead of an error" },
  json: { type: "boolean", help: "print one JSON document on stdout instead of the table" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

const FLAGS: Record<
  "sae" | "predict" | "generate" | "vae" | "dna" | "export" | "compare" | "image",
  Record<string, Flag>
> = {
  sae: {
    projection: { type: "string", value: "KIND", help: SAE_PROJECTIONS.join(", "), default: SAE_DEFAULTS.projection },
    keep: { type: "string", value: "K", help: "with --projection top-k: the input features kept (magnitude pruning)" },
    radius: {
      type: "string",
      value: "R | Rx | R1,R2,… | auto",
      help:
        "the radius η on the first layer: raw (R), or a fraction of its trained norm in the projection's " +
        "norm (Rx, e.g. 0.05x); one value, a list compared by cross-validation, or auto (chosen inside each " +
        "training fold)",
      default: SAE_DEFAULTS.radius,
    },
    folds: { type: "string", value: "K", help: "stratified folds", default: SAE_DEFAULTS.folds },
    // More than the library's one seed: the command line reports a mean ± deviation over folds × seeds.
    seeds: {
      type: "string",
      value: "N",
      help: "repeats of the folds with seeds 0..N-1",
      default: SAE_COMMAND_DEFAULTS.seeds,
    },
    epochs: {
      type: "string",
      value: "N | N1,N2",
      help: "epochs of phase 1 and phase 2; phase 2 may be 0",
      default: SAE_DEFAULTS.epochs,
    },
    hidden: {
      type: "string",
      value: "N | N1,N2,…",
      help: "hidden layer sizes of the encoder",
      default: SAE_DEFAULTS.hidden,
    },
    lambda: { type: "string", value: "X", help: "weight of the reconstruction loss", default: SAE_DEFAULTS.lambda },
    lr: { type: "string", value: "X", help: "Adam's learning rate", default: SAE_DEFAULTS.lr },
    batch: { type: "string", value: "N", help: "batch size", default: SAE_DEFAULTS.batchSize },
    rewind: {
      type: "boolean",
      help: "phase 2 restarts from the initial weights (lottery-ticket rewind)",
      default: SAE_DEFAULTS.rewind,
    },
    "no-rewind": { type: "boolean", help: "phase 2 continues from the phase-1 weights" },
    log: { type: "boolean", help: "log(|x + 1|) before the z-score (default: when every value is ≥ 0)" },
    "no-log": { type: "boolean", help: "no log transform" },
    impute: {
      type: "string",
      value: "METHOD",
      help:
        `fill in missing values, fitted on each training fold (${IMPUTE_METHODS.join(", ")}); ` +
        "without it an empty cell is an error",
    },
    "max-missing": {
      type: "string",
      value: "F",
      help: "with --impute: drop features missing in more than the share F of a fold's training rows",
      default: PREPROCESS_DEFAULTS.maxMissing,
    },
    "no-baseline": { type: "boolean", help: "skip the run without projection" },
    attribution: {
      type: "boolean",
      help: "explain each test fold by integrated gradients per class (attribution.csv with --out)",
    },
    workers: {
      type: "string",
      value: "N",
      help:
        "run the folds in N worker threads (default: one per core; 1 = the main thread); " +
        "the results do not depend on N",
    },
    out: { type: "string", value: "DIR", help: "write metrics, features, predictions, the model and plots to DIR" },
    save: { type: "string", value: "FILE", help: "write the model (trained on every row) to FILE" },
    "full-model": {
      type: "boolean",
      help: "with --out or --save: write the dense model (every feature), not the compact panel model",
    },
    ...COMMON,
  },
  predict: COMMON,
  compare: {
    methods: {
      type: "string",
      value: "M1,M2,…",
      help: `feature rankers to compare: ${SELECTOR_NAMES.join(", ")}`,
      default: COMPARE_DEFAULTS.methods.join(","),
    },
    k: { type: "string", value: "K1,K2,…", help: "panel sizes (features kept)", default: COMPARE_DEFAULTS.k },
    folds: { type: "string", value: "K", help: "stratified folds", default: SAE_DEFAULTS.folds },
    seeds: { type: "string", value: "N", help: "repeats of the folds with seeds 0..N-1", default: 5 },
    classifiers: {
      type: "string",
      value: "logistic,sae",
      help: "classifiers trained on each panel: an l2 logistic regression (C = 1), the SAE without projection",
      default: COMPARE_DEFAULTS.classifiers.join(","),
    },
    permutations: {
      type: "string",
      value: "P",
      help: "rerun the selection P times on permuted labels: p-values of the selection frequencies (features.csv)",
      default: COMPARE_DEFAULTS.permutations,
    },
    trees: { type: "string", value: "N", help: "trees of the random forest", default: COMPARE_DEFAULTS.trees },
    epochs: {
      type: "string",
      value: "N | N1,N2",
      help: "the SAE's epochs of phase 1 and phase 2 (rankers and classifier)",
      default: SAE_DEFAULTS.epochs,
    },
    hidden: {
      type: "string",
      value: "N | N1,N2,…",
      help: "the SAE's hidden layer sizes",
      default: SAE_DEFAULTS.hidden,
    },
    log: { type: "boolean", help: "log(|x + 1|) before the z-score (default: when every value is ≥ 0)" },
    "no-log": { type: "boolean", help: "no log transform" },
    impute: {
      type: "string",
      value: "METHOD",
      help: `fill in missing values, fitted on each training fold (${IMPUTE_METHODS.join(", ")})`,
    },
    informative: {
      type: "string",
      value: "NAME,… | /REGEX/",
      help: "features known to be informative (synthetic data): recall at k is reported",
    },
    out: { type: "string", value: "DIR", help: "write metrics, features, panels and the two plots to DIR" },
    ...COMMON,
  },
  vae: {
    latent: { type: "string", value: "K", help: "latent dimension", default: VAE_DEFAULTS.latent },
    hidden: {
      type: "string",
      value: "N | N1,N2,…",
      help: "hidden layer sizes of the encoder",
      default: VAE_DEFAULTS.hidden,
    },
    lambda: {
      type: "string",
      value: "X",
      help: "weight of the Huber-energy latent loss; 0 = a plain autoencoder",
      default: VAE_DEFAULTS.lambda,
    },
    // The command line's tables are rows of unbounded features (not images in [0, 1], the library's default case),
    // and hold hundreds of rows rather than tens of thousands: a linear output on z-scores, smaller batches, more
    // epochs than trainVAE's defaults.
    epochs: { type: "string", value: "N", help: "training epochs", default: 30 },
    batch: { type: "string", value: "N", help: "batch size", default: 32 },
    lr: { type: "string", value: "X", help: "Adam's learning rate", default: VAE_DEFAULTS.lr },
    seed: {
      type: "string",
      value: "S",
      help: "seeds the split, the initialisation, the shuffles and the samples",
      default: VAE_DEFAULTS.seed,
    },
    output: {
      type: "string",
      value: "linear | sigmoid",
      help: "decoder output: linear on z-scored features, or sigmoid for data in [0, 1]",
      default: "linear",
    },
    samples: { type: "string", value: "N", help: "rows to generate", default: 100 },
    out: { type: "string", value: "FILE", help: "write the generated rows as CSV" },
    save: { type: "string", value: "FILE", help: "write the trained model as JSON (loadVAE)" },
    ...COMMON,
  },
  generate: {
    samples: { type: "string", value: "N", help: "samples per class", default: 100 },
    seed: { type: "string", value: "S", help: "seeds every class's chain", default: LATENT_SAMPLER_DEFAULTS.seed },
    bandwidth: {
      type: "string",
      value: "scott | silverman | F",
      help: "the kernel density's bandwidth rule, or a factor of the class covariance",
      default: LATENT_SAMPLER_DEFAULTS.bandwidth,
    },
    "threshold-quantile": {
      type: "string",
      value: "Q",
      help: "reject candidates less dense than this quantile of the class's own points",
      default: LATENT_SAMPLER_DEFAULTS.thresholdQuantile,
    },
    out: { type: "string", value: "FILE", help: "write the samples as CSV (the model's features, then label)" },
    ...COMMON,
  },
  dna: {
    out: {
      type: "string",
      short: "o",
      value: "FILE",
      help: "the file to write (required): the .dna text (encode), the original file (decode), the reads (simulate)",
    },
    code: { type: "string", value: "KIND", help: `encode: ${CODE_KINDS.join(", ")} (default huffman)` },
    constrained: { type: "boolean", help: "encode: screened oligos, no run over 3 nt and 40–60% GC in each" },
    integers: {
      type: "boolean",
      help:
        "encode: the file holds 32-bit little-endian signed integers (a quantized latent), " +
        "coded as symbols, not bytes",
    },
    oligo: {
      type: "string",
      value: "N",
      help:
        `encode: nucleotides per oligo (line), header included (default 200; ${MIN_OLIGO}–${MAX_OLIGO} with ` +
        "--constrained)",
    },
    "max-size": {
      type: "string",
      value: "BYTES",
      help: `decode: refuse a file announcing more bytes of data than this (default ${DEFAULT_MAX_BYTES}, 1 GiB)`,
    },
    storage: {
      type: "boolean",
      help: "encode: the storage format, addressed oligos with inner and outer Reed–Solomon codes (docs/dna.md)",
    },
    payload: {
      type: "string",
      value: "BYTES",
      help: "encode --storage: data bytes per oligo",
      default: STORAGE_DEFAULTS.payload,
    },
    "inner-parity": {
      type: "string",
      value: "BYTES",
      help: "encode --storage: Reed–Solomon bytes per oligo (corrects half as many byte errors)",
      default: STORAGE_DEFAULTS.innerParity,
    },
    redundancy: {
      type: "string",
      value: "R",
      help: "encode --storage: outer parity oligos per data oligo, 0–4",
      default: STORAGE_DEFAULTS.redundancy,
    },
    primers: {
      type: "string",
      value: "LEFT,RIGHT",
      help: "encode --storage, decode: primers flanking every oligo (runs ≤ 3, 40–60% GC)",
    },
    coverage: {
      type: "string",
      value: "X",
      help: "simulate: mean reads per oligo",
      default: SIMULATE_DEFAULTS.coverage,
    },
    sub: { type: "string", value: "RATE", help: "simulate: substitutions per base", default: 0 },
    ins: { type: "string", value: "RATE", help: "simulate: insertions per base", default: 0 },
    del: { type: "string", value: "RATE", help: "simulate: deletions per base", default: 0 },
    dropout: { type: "string", value: "P", help: "simulate: probability that an oligo is lost", default: 0 },
    seed: { type: "string", value: "S", help: "simulate: the seed of the channel", default: 0 },
    distribution: {
      type: "string",
      value: "D",
      help: "simulate: reads per oligo, poisson or negative-binomial",
      default: SIMULATE_DEFAULTS.distribution,
    },
    dispersion: {
      type: "string",
      value: "K",
      help: "simulate: the negative binomial's shape (variance = mean + mean²/K)",
      default: SIMULATE_DEFAULTS.dispersion,
    },
    json: COMMON.json,
    help: COMMON.help,
  },
  image: {
    out: {
      type: "string",
      short: "o",
      value: "FILE",
      help: "the file to write (required): the .cc stream (encode) or the PNG (decode)",
    },
    lambda: {
      type: "string",
      value: "L",
      help: "encode: rate–distortion trade-off (MSE + L·bits/pixel; larger, fewer bits)",
      default: COOLCHIC_DEFAULTS.lambda,
    },
    iterations: { type: "string", value: "N", help: "encode: fitting steps", default: COOLCHIC_DEFAULTS.iterations },
    levels: { type: "string", value: "N", help: "encode: latent grids", default: COOLCHIC_DEFAULTS.levels },
    seed: {
      type: "string",
      value: "N",
      help: "encode: seeds initialisation and noise",
      default: COOLCHIC_DEFAULTS.seed,
    },
    sparse: {
      type: "string",
      value: "KIND",
      help: "encode: double descent on the decoder with bilevel-l1inf or bilevel-l11 (absent: a dense decoder)",
    },
    rho: { type: "string", value: "R", help: "encode: with --sparse, radius η = R·‖W‖ (0 < R ≤ 1)", default: 0.3 },
    descriptions: {
      type: "string",
      value: "N",
      help: "encode: 2 writes two MDC descriptions, OUT with .1/.2 before its extension (decode takes one or both)",
      default: 1,
    },
    "max-pixels": {
      type: "string",
      value: "N",
      help: "decode: refuse a stream announcing a larger image",
      default: 2 ** 24,
    },
    json: COMMON.json,
    help: COMMON.help,
  },
  export: {
    onnx: {
      type: "string",
      value: "FILE",
      help: "write the model as ONNX (opset 17): the compact model, its preprocessing included",
    },
    json: COMMON.json,
    help: COMMON.help,
  },
};

// The grid as tasks (grid.ts, slurm.ts): plan takes sae's flags, less those about running and writing.
const RESULTS: Flag = {
  type: "string",
  value: "DIR",
  help: "the results folder (default: the plan's sibling NAME-results)",
};
const GRID_FLAGS: Record<"plan" | "run" | "merge" | "slurm" | "project", Record<string, Flag>> = {
  plan: {
    ...Object.fromEntries(
      Object.entries(FLAGS.sae).filter(([name]) => !["workers", "out", "save", "json"].includes(name)),
    ),
    output: { type: "string", short: "o", value: "FILE", help: "the plan to write (required)" },
  },
  run: {
    task: { type: "string", value: "I", help: "run task I only (0-based, as SLURM_ARRAY_TASK_ID)" },
    shard: { type: "string", value: "K/N", help: "run block K (1..N) of N contiguous blocks of the tasks" },
    results: RESULTS,
    json: COMMON.json,
    help: COMMON.help,
  },
  merge: {
    results: RESULTS,
    out: { type: "string", value: "DIR", help: "write what sae --out writes: metrics, features, the model, plots" },
    save: { type: "string", value: "FILE", help: "write the model (trained on every row) to FILE" },
    json: COMMON.json,
    help: COMMON.help,
  },
  slurm: {
    submit: { type: "boolean", help: "submit the array and the merge job (sbatch) and print their ids" },
    partition: { type: "string", value: "P", help: "sbatch --partition" },
    time: { type: "string", value: "T", help: "sbatch --time per array element (MM, HH:MM:SS, D-HH:MM, …)" },
    "cpus-per-task": { type: "string", value: "C", help: "sbatch --cpus-per-task (a task uses one)", default: 1 },
    "max-parallel": { type: "string", value: "M", help: "at most M array elements at once (--array=…%M)" },
    "tasks-per-job": { type: "string", value: "B", help: "tasks per array element (for tiny tasks)", default: 1 },
    out: { type: "string", value: "DIR", help: "the merge job's --out (default: the plan's sibling NAME-report)" },
    save: { type: "string", value: "FILE", help: "the merge job's --save" },
    results: RESULTS,
    json: COMMON.json,
    help: COMMON.help,
  },
  project: {
    stage: { type: "string", value: "STAGE", help: `${PROJECT_STAGES.join(", ")} (required)` },
    norm: { type: "string", value: "inf | 1 | 2", help: "the bilevel projection: ℓ1,∞, ℓ1,1 or ℓ1,2", default: "inf" },
    radius: { type: "string", value: "R", help: "reduce: the radius η of the ℓ1 ball of column norms" },
    thresholds: { type: "string", value: "FILE", help: "apply: the thresholds .npy that reduce wrote" },
    output: { type: "string", short: "o", value: "FILE", help: "the .npy file to write (required)" },
    json: COMMON.json,
    help: COMMON.help,
  },
};

/** Every command's flags. */
const ALL_FLAGS = { ...FLAGS, ...GRID_FLAGS };

const USAGE = {
  export:
    "sparseproj export <model.json> --onnx <model.onnx>   a saved model as ONNX " +
    "(compact, with its preprocessing; opset 17)",
  compare:
    "sparseproj compare <file> [flags]   feature-selection methods at equal panel size " +
    "(accuracy, stability, chance level)",
  sae: "sparseproj sae <file> [flags]   cross-validate a supervised autoencoder on a labelled table",
  predict: "sparseproj predict <model.json> <file> [flags]   classify the samples of a table with a saved model",
  vae: "sparseproj vae <file> [flags]   train a Huber-energy VAE on a table's features and generate new rows",
  generate:
    "sparseproj generate <model.json> <file> [flags]   new samples of each class " +
    "(Metropolis–Hastings in the latent space of the labelled table)",
  dna:
    "sparseproj dna encode|decode|simulate <file> -o <out> [flags]   any file to nucleotides (.dna text) and " +
    "back, from sequencing reads too",
  plan: "sparseproj plan <file> [sae's flags] -o <plan.json>   sae's cross-validation grid as tasks",
  run: "sparseproj run <plan.json> [--task I | --shard K/N]   run a plan's tasks (those not done yet)",
  merge: "sparseproj merge <plan.json> [--out DIR] [flags]   sae's report from the tasks' results",
  slurm: "sparseproj slurm <plan.json> [--submit] [flags]   a plan's tasks as a SLURM job array, then the merge",
  project:
    "sparseproj project --stage norms|reduce|apply <file.npy>… -o <out.npy>   " +
    "the bilevel projection of a matrix in row-block shards",
  image:
    "sparseproj image encode|decode <file> [file2] -o <out> [flags]   a PNG to a Cool-chic-lite .cc stream and back",
};

function help(command?: keyof typeof ALL_FLAGS): string {
  if (!command) {
    return [
      "Usage:",
      `  ${USAGE.sae}`,
      `  ${USAGE.compare}`,
      `  ${USAGE.predict}`,
      `  ${USAGE.generate}`,
      `  ${USAGE.vae}`,
      `  ${USAGE.dna}`,
      `  ${USAGE.plan}`,
      `  ${USAGE.run}`,
      `  ${USAGE.merge}`,
      `  ${USAGE.slurm}`,
      `  ${USAGE.project}`,
      `  ${USAGE.export}`,
      `  ${USAGE.image}`,
      "",
      "Tables: CSV/TSV with a header row, one sample per row and a label column, or the omics layout",
      "(`;`-separated, a Name row, a Label row, one row per feature). Run `sparseproj <command> --help` for flags.",
      "",
    ].join("\n");
  }
  const flags = Object.entries(ALL_FLAGS[command]).map(([name, f]) => [
    `  ${f.short ? `-${f.short}, ` : ""}--${name}${f.value ? ` ${f.value}` : ""}`,
    f.help + defaultNote(ALL_FLAGS[command], name, f),
  ]);
  const width = flags.reduce((w, [left]) => Math.max(w, left.length), 0) + 2;
  return [`Usage: ${USAGE[command]}`, "", "Flags:", ...flags.map(([left, text]) => left.padEnd(width) + text), ""].join(
    "\n",
  );
}

/** A default as the text a user would type for it. */
function defaultText(value: NonNullable<Flag["default"]>): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** What --help adds after a flag's text: a string flag's default, or "(default)" on the side of a toggle taken. */
function defaultNote(flags: Record<string, Flag>, name: string, flag: Flag): string {
  if (flag.type === "string") return flag.default === undefined ? "" : ` (default ${defaultText(flag.default)})`;
  const taken = name.startsWith("no-") ? flags[name.slice(3)]?.default === false : flag.default === true;
  return taken ? " (default)" : "";
}

// Strict forms: Number() would accept "", " 1", "0x10" and "Infinity".
const INTEGER = /^\d+$/;
const DECIMAL = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function integer(flag: string, text: string, least: number): number {
  const n = Number(text);
  if (!INTEGER.test(text) || !Number.isSafeInteger(n) || n < least)
    throw new UsageError(`--${flag} must be an integer ≥ ${least}; got ${JSON.stringify(text)}`);
  return n;
}

function decimal(flag: string, text: string, allowZero: boolean): number {
  const x = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(x) || (!allowZero && x === 0))
    throw new UsageError(`--${flag} must be a number ${allowZero ? "≥" : ">"} 0; got ${JSON.stringify(text)}`);
  return x;
}

/** One --radius value: a number, or a number and x (relative), written back in one spelling so duplicates meet. */
function radiusValue(text: string): SaeRadius {
  return text.endsWith("x") ? `${decimal("radius", text.slice(0, -1), true)}x` : decimal("radius", text, true);
}

function list<T>(text: string, item: (part: string) => T): T[] {
  return text.split(",").map((part) => item(part.trim()));
}

/** A flag and its negation (--x / --no-x): undefined when neither is given. */
function toggle(values: Record<string, unknown>, name: string): boolean | undefined {
  if (values[name] && values[`no-${name}`]) throw new UsageError(`give --${name} or --no-${name}, not both`);
  return values[name] ? true : values[`no-${name}`] ? false : undefined;
}

/** `text` as typed when it is plain, quoted (escapes and all) when it holds spaces or control characters. */
function shown(text: string): string {
  return /^[^\s\p{Cc}]+$/u.test(text) ? text : JSON.stringify(text);
}

/**
 * The flags and positionals of `args` for `command`. parseArgs's strict mode takes "--radius -1" for a flag missing
 * its value, so its tokens are checked here instead: a string flag takes the next argument unless that is a flag
 * ("--…" or one of the command's short flags), which lets "-1" reach the check that says the value must be ≥ 0.
 */
function parse(command: keyof typeof ALL_FLAGS, args: string[]) {
  const flags = ALL_FLAGS[command];
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, { type, short }]) => [name, short ? { type, short } : { type }]),
  );
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const shorts = new Set(Object.values(flags).flatMap((f) => (f.short ? [`-${f.short}`] : [])));
  const values: Record<string, string | boolean> = {};
  const found: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") found.push(token.value);
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(flags, token.name)) throw new UsageError(`unknown flag ${shown(token.rawName)}`);
    const { value, inlineValue } = token;
    if (flags[token.name].type === "boolean") {
      if (value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = true;
    } else {
      const isFlag = !inlineValue && (value?.startsWith("--") || shorts.has(value?.slice(0, 2) ?? ""));
      if (value === undefined || isFlag) throw new UsageError(`${token.rawName} needs a value`);
      values[token.name] = value;
    }
  }
  /** A string flag's value: as given, or its default as text. */
  const text = (name: string): string => {
    const value = values[name] ?? flags[name].default;
    if (value === undefined) throw new Error(`--${name} has no default`);
    return typeof value === "string" ? value : defaultText(value);
  };
  return { values, positionals: found, text };
}

function positionals(found: string[], names: string[]): string[] {
  if (found.length < names.length)
    throw new UsageError(
      `missing ${names
        .slice(found.length)
        .map((n) => `<${n}>`)
        .join(" ")}`,
    );
  if (found.length > names.length) throw new UsageError(`unexpected argument ${JSON.stringify(found[names.length])}`);
  return found;
}

/** The names of a list flag: comma-separated, none empty. */
function names(flag: string, text: string): string[] {
  const parts = list(text, (part) => part);
  if (parts.some((part) => part === ""))
    throw new UsageError(`--${flag} takes names separated by commas; got ${JSON.stringify(text)}`);
  return parts;
}

/** The table flags of COMMON: --na-values, --ignore-columns, --feature-columns, --drop-unlabelled. */
function tableFlags(v: Record<string, string | boolean>): TableFlags {
  const s = (name: string) => v[name] as string | undefined;
  const flags: TableFlags = { dropUnlabelled: Boolean(v["drop-unlabelled"]) };
  if (s("na-values") !== undefined) flags.naValues = list(s("na-values") as string, (part) => part);
  if (s("ignore-columns") !== undefined) flags.ignoreColumns = names("ignore-columns", s("ignore-columns") as string);
  const features = s("feature-columns");
  if (features !== undefined) flags.featureColumns = namesOrPattern("feature-columns", features);
  return flags;
}

/** A flag that takes names separated by commas, or a /regular expression/ (with flags). */
function namesOrPattern(flag: string, text: string): string[] | RegExp {
  const pattern = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (!pattern) return names(flag, text);
  try {
    return new RegExp(pattern[1], pattern[2]);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

function parseCompare(args: string[]): CompareCommand | { help: string } {
  const { values: v, positionals: found, text } = parse("compare", args);
  if (v.help) return { help: help("compare") };
  const [file] = positionals(found, ["file"]);
  const s = (name: string) => v[name] as string | undefined;
  const methods = [...new Set(names("methods", text("methods")))] as SelectorName[];
  const unknown = methods.find((m) => !SELECTOR_NAMES.includes(m));
  if (unknown)
    throw new UsageError(`--methods: unknown method ${JSON.stringify(unknown)}; known: ${SELECTOR_NAMES.join(", ")}`);
  const classifiers = [...new Set(names("classifiers", text("classifiers")))] as DownstreamName[];
  const odd = classifiers.find((c) => c !== "logistic" && c !== "sae");
  if (odd) throw new UsageError(`--classifiers takes logistic and/or sae; got ${JSON.stringify(odd)}`);
  const epochs = list(text("epochs"), (e) => e);
  if (epochs.length > 2)
    throw new UsageError(`--epochs takes one number or two (phase 1, phase 2); got ${JSON.stringify(s("epochs"))}`);
  if (s("out") === STDOUT) throw new UsageError("--out takes a folder");
  const impute = s("impute");
  if (impute !== undefined && !IMPUTE_METHODS.includes(impute as ImputeMethod))
    throw new UsageError(`--impute must be one of ${IMPUTE_METHODS.join(", ")}; got ${JSON.stringify(impute)}`);
  return {
    file,
    methods,
    k: [...new Set(list(text("k"), (k) => integer("k", k, 1)))],
    folds: integer("folds", text("folds"), 2),
    seeds: integer("seeds", text("seeds"), 1),
    classifiers,
    permutations: integer("permutations", text("permutations"), 0),
    trees: integer("trees", text("trees"), 1),
    epochs: [integer("epochs", epochs[0], 1), integer("epochs", epochs[1] ?? epochs[0], 0)],
    hidden: list(text("hidden"), (h) => integer("hidden", h, 1)),
    log: toggle(v, "log") ?? PREPROCESS_DEFAULTS.log,
    impute: (impute ?? null) as ImputeMethod | null,
    ...(s("informative") !== undefined ? { informative: namesOrPattern("informative", s("informative")!) } : {}),
    out: s("out"),
    json: Boolean(v.json),
    labelColumn: s("label-column"),
    idColumn: s("id-column"),
    tableFlags: tableFlags(v),
  };
}

function parseSae(args: string[], name: "sae" | "plan" = "sae"): SaeCommand | { help: string } {
  const { values: v, positionals: found, text } = parse(name, args);
  if (v.help) return { help: help(name) };
  const [file] = positionals(found, ["file"]);
  const s = (name: string) => v[name] as string | undefined;
  const projection = text("projection") as SAEProjection;
  if (!SAE_PROJECTIONS.includes(projection)) {
    const kinds = SAE_PROJECTIONS.join(", ");
    throw new UsageError(`--projection must be one of ${kinds}; got ${JSON.stringify(projection)}`);
  }
  const radiusText = text("radius");
  if ((projection === "none" || projection === "top-k") && s("radius") !== undefined) {
    throw new UsageError(`--radius has no meaning with --projection ${projection}`);
  }
  if ((projection === "top-k") !== (s("keep") !== undefined)) {
    throw new UsageError("--keep goes with --projection top-k, and only with it");
  }
  const radii = radiusText === "auto" ? ("auto" as const) : [...new Set(list(radiusText, radiusValue))];
  const epochs = list(text("epochs"), (e) => e);
  if (epochs.length > 2)
    throw new UsageError(`--epochs takes one number or two (phase 1, phase 2); got ${JSON.stringify(s("epochs"))}`);
  if (s("out") === STDOUT) throw new UsageError("--out takes a folder; - (stdout) is for a file, as in --save -");
  return {
    file,
    projection,
    radii,
    keep: s("keep") === undefined ? undefined : integer("keep", s("keep") as string, 1),
    folds: integer("folds", text("folds"), 2),
    seeds: integer("seeds", text("seeds"), 1),
    epochs: [integer("epochs", epochs[0], 1), integer("epochs", epochs[1] ?? epochs[0], 0)],
    hidden: list(text("hidden"), (h) => integer("hidden", h, 1)),
    lambda: decimal("lambda", text("lambda"), true),
    lr: decimal("lr", text("lr"), false),
    batchSize: integer("batch", text("batch"), 1),
    rewind: toggle(v, "rewind") ?? SAE_DEFAULTS.rewind,
    log: toggle(v, "log") ?? PREPROCESS_DEFAULTS.log,
    ...imputeFlags(s("impute"), s("max-missing"), text("max-missing")),
    baseline: !v["no-baseline"],
    workers: integer("workers", s("workers") ?? String(availableParallelism()), 1),
    attribution: Boolean(v.attribution),
    out: s("out"),
    save: s("save"),
    fullModel: Boolean(v["full-model"]),
    json: Boolean(v.json),
    labelColumn: s("label-column"),
    idColumn: s("id-column"),
    tableFlags: tableFlags(v),
  };
}

/** --impute and --max-missing checked: the method (or the library's default, none) and the share. */
function imputeFlags(method: string | undefined, given: string | undefined, share: string) {
  if (method !== undefined && !IMPUTE_METHODS.includes(method as ImputeMethod)) {
    const names = IMPUTE_METHODS.join(", ");
    throw new UsageError(`--impute must be one of ${names}; got ${JSON.stringify(method)}`);
  }
  if (method === undefined && given !== undefined) throw new UsageError("--max-missing goes with --impute");
  const maxMissing = decimal("max-missing", share, true);
  if (maxMissing > 1) throw new UsageError(`--max-missing is a share in [0, 1]; got ${JSON.stringify(share)}`);
  return { impute: (method ?? PREPROCESS_DEFAULTS.impute) as ImputeMethod | null, maxMissing };
}

function parsePredict(args: string[]): PredictCommand | { help: string } {
  const { values: v, positionals: found } = parse("predict", args);
  if (v.help) return { help: help("predict") };
  const [model, file] = positionals(found, ["model.json", "file"]);
  const s = (name: string) => v[name] as string | undefined;
  const columns = { labelColumn: s("label-column"), idColumn: s("id-column") };
  return { model, file, json: Boolean(v.json), ...columns, tableFlags: tableFlags(v) };
}

function parseGenerate(args: string[]): GenerateCommand | { help: string } {
  const { values: v, positionals: found, text } = parse("generate", args);
  if (v.help) return { help: help("generate") };
  const [model, file] = positionals(found, ["model.json", "file"]);
  const s = (name: string) => v[name] as string | undefined;
  const bandwidth = text("bandwidth");
  const quantile = decimal("threshold-quantile", text("threshold-quantile"), true);
  if (quantile >= 1) throw new UsageError(`--threshold-quantile must be below 1; got ${quantile}`);
  return {
    model,
    file,
    samples: integer("samples", text("samples"), 1),
    seed: integer("seed", text("seed"), 0),
    bandwidth: bandwidth === "scott" || bandwidth === "silverman" ? bandwidth : decimal("bandwidth", bandwidth, false),
    thresholdQuantile: quantile,
    out: s("out"),
    json: Boolean(v.json),
    labelColumn: s("label-column"),
    idColumn: s("id-column"),
    tableFlags: tableFlags(v),
  };
}

/** The actions each dna flag belongs to (-o, --json and --help belong to all). */
const DNA_FLAG_ACTIONS: Record<string, string[]> = {
  code: ["encode"],
  oligo: ["encode"],
  constrained: ["encode"],
  integers: ["encode"],
  storage: ["encode"],
  payload: ["encode"],
  "inner-parity": ["encode"],
  redundancy: ["encode"],
  primers: ["encode", "decode"],
  "max-size": ["decode"],
  ...Object.fromEntries(
    ["coverage", "sub", "ins", "del", "dropout", "seed", "distribution", "dispersion"].map((f) => [f, ["simulate"]]),
  ),
};

function primersFlag(text: string | undefined): [string, string] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",");
  if (parts.length !== 2)
    throw new UsageError(`--primers must be LEFT,RIGHT (either may be empty); got ${shown(text)}`);
  return [parts[0].trim(), parts[1].trim()];
}

async function dna(args: string[]): Promise<void> {
  const { values: v, positionals: found, text } = parse("dna", args);
  if (v.help) return void process.stdout.write(help("dna"));
  const [action, file] = positionals(found, ["encode|decode|simulate", "file"]);
  const s = (name: string) => v[name] as string | undefined;
  const out = s("out");
  if (!["encode", "decode", "simulate"].includes(action)) {
    throw new UsageError(`the dna actions are encode, decode and simulate; got ${JSON.stringify(action)}`);
  }
  for (const [flag, actions] of Object.entries(DNA_FLAG_ACTIONS)) {
    if (v[flag] !== undefined && !actions.includes(action)) {
      const why = action === "decode" ? ": the file says how to decode" : "";
      const article = (a: string) => (a === "encode" ? "an" : "a");
      throw new UsageError(`--${flag} is ${actions.map((a) => `${article(a)} ${a}`).join(" or ")} flag${why}`);
    }
  }
  if (out === undefined) throw new UsageError("-o/--out FILE is required");
  const json = Boolean(v.json);
  if (action === "decode") {
    const maxBytes = integer("max-size", s("max-size") ?? String(DEFAULT_MAX_BYTES), 0);
    // The original .dna text is told by its first line; anything else is reads of the storage format.
    const head = Buffer.alloc(24);
    const fd = openSync(file, "r");
    const got = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    if (head.subarray(0, got).toString("latin1").startsWith("#sparseproj-dna 1 ")) {
      if (v.primers !== undefined) throw new UsageError("--primers applies to reads of the storage format only");
      return runDnaDecode({ file, out, maxBytes, json });
    }
    return runDnaReadsDecode({ file, out, maxBytes, json, primers: primersFlag(s("primers")) });
  }
  if (action === "simulate") {
    const rate = (flag: string) => {
      const x = decimal(flag, text(flag), true);
      if (x > 1) throw new UsageError(`--${flag} must be a number in 0..1; got ${shown(text(flag))}`);
      return x;
    };
    const distribution = text("distribution");
    if (distribution !== "poisson" && distribution !== "negative-binomial") {
      throw new UsageError(`--distribution must be poisson or negative-binomial; got ${shown(distribution)}`);
    }
    return runDnaSimulate({
      file,
      out,
      json,
      coverage: decimal("coverage", text("coverage"), true),
      sub: rate("sub"),
      ins: rate("ins"),
      del: rate("del"),
      dropout: rate("dropout"),
      seed: integer("seed", text("seed"), 0),
      distribution,
      dispersion: decimal("dispersion", text("dispersion"), false),
    });
  }
  const code = (s("code") ?? "huffman") as CodeKind;
  if (!CODE_KINDS.includes(code))
    throw new UsageError(`--code must be one of ${CODE_KINDS.join(", ")}; got ${JSON.stringify(code)}`);
  const integers = Boolean(v.integers);
  if (v.storage) {
    const given = ["constrained", "oligo"].find((name) => v[name] !== undefined);
    if (given) throw new UsageError(`--${given} is not a --storage flag: storage oligos are always screened`);
    const redundancy = decimal("redundancy", text("redundancy"), true);
    if (redundancy > 4) throw new UsageError(`--redundancy must be a number in 0..4; got ${shown(text("redundancy"))}`);
    const store = {
      file,
      out,
      code,
      integers,
      json,
      payload: integer("payload", text("payload"), 1),
      innerParity: integer("inner-parity", text("inner-parity"), 0),
      redundancy,
      primers: primersFlag(s("primers")) ?? (["", ""] as [string, string]),
    };
    try {
      checkStorageOptions(store);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(flagNames(error.message));
      throw error;
    }
    return runDnaStore(store);
  }
  const given = ["payload", "inner-parity", "redundancy", "primers"].find((name) => v[name] !== undefined);
  if (given) throw new UsageError(`--${given} is a --storage flag`);
  const constrained = Boolean(v.constrained);
  const oligo = integer("oligo", s("oligo") ?? "200", 1);
  // Longer screened oligos may find no passing seed (src/dna/scramble.ts): refused before any work is done.
  if (constrained && (oligo < MIN_OLIGO || oligo > MAX_OLIGO)) {
    const [range, got] = [`${MIN_OLIGO}..${MAX_OLIGO}`, JSON.stringify(s("oligo"))];
    throw new UsageError(`--oligo must be an integer in ${range} with --constrained; got ${got}`);
  }
  runDnaEncode({ file, out, code, constrained, integers, oligo, json });
}

/** A library message about options.x as the flag --x. */
function flagNames(message: string): string {
  return message
    .replace(/options\.innerParity/g, "--inner-parity")
    .replace(/options\.primers\[(\d)\]/g, (_, i) => `--primers' ${i === "0" ? "left" : "right"} primer`)
    .replace(/options\.(\w+)/g, "--$1");
}

async function image(args: string[]): Promise<void> {
  const { values: v, positionals: found, text } = parse("image", args);
  if (v.help) return void process.stdout.write(help("image"));
  // decode takes a second file: the other description of an MDC pair.
  const [action, file, second] = positionals(
    found,
    found[0] === "decode" && found.length === 3 ? ["decode", "file", "file2"] : ["encode|decode", "file"],
  );
  const out = v.out as string | undefined;
  if (out === undefined) throw new UsageError("-o/--out FILE is required");
  const encodeFlags = ["lambda", "iterations", "levels", "seed", "sparse", "rho", "descriptions"];
  if (action === "decode") {
    const given = encodeFlags.find((name) => v[name] !== undefined);
    if (given) throw new UsageError(`--${given} is an encode flag: the .cc header says how to decode`);
    const maxPixels = integer("max-pixels", text("max-pixels"), 1);
    if (second !== undefined || isMdcFile(file))
      return runImageDecodeMdc({
        files: second === undefined ? [file] : [file, second],
        out,
        maxPixels,
        json: Boolean(v.json),
      });
    return runImageDecode({ file, out, maxPixels, json: Boolean(v.json) });
  }
  if (action !== "encode")
    throw new UsageError(`the image actions are encode and decode; got ${JSON.stringify(action)}`);
  if (v["max-pixels"] !== undefined) throw new UsageError("--max-pixels is a decode flag");
  const kind = v.sparse as string | undefined;
  const kinds: Record<string, "bilevelL1Inf" | "bilevelL11"> = {
    "bilevel-l1inf": "bilevelL1Inf",
    "bilevel-l11": "bilevelL11",
  };
  if (kind !== undefined && !Object.hasOwn(kinds, kind))
    throw new UsageError(`--sparse must be bilevel-l1inf or bilevel-l11; got ${JSON.stringify(kind)}`);
  if (kind === undefined && v.rho !== undefined) throw new UsageError("--rho needs --sparse");
  const rho = decimal("rho", text("rho"), false);
  if (rho > 1) throw new UsageError(`--rho must be in (0, 1]; got ${rho}`);
  const descriptions = integer("descriptions", text("descriptions"), 1);
  if (descriptions > 2) throw new UsageError(`--descriptions must be 1 or 2; got ${descriptions}`);
  if (descriptions === 2 && out === STDOUT) throw new UsageError("--descriptions 2 writes two files: -o takes a file");
  (descriptions === 2 ? runImageEncodeMdc : runImageEncode)({
    file,
    out,
    lambda: decimal("lambda", text("lambda"), true),
    iterations: integer("iterations", text("iterations"), 1),
    levels: integer("levels", text("levels"), 1),
    seed: integer("seed", text("seed"), 0),
    sparse: kind === undefined ? null : { kind: kinds[kind], rho },
    json: Boolean(v.json),
  });
}

function parseVae(args: string[]): VaeCommand | { help: string } {
  const { values: v, positionals: found, text } = parse("vae", args);
  if (v.help) return { help: help("vae") };
  const [file] = positionals(found, ["file"]);
  const s = (name: string) => v[name] as string | undefined;
  const output = text("output");
  if (output !== "linear" && output !== "sigmoid")
    throw new UsageError(`--output must be linear or sigmoid; got ${JSON.stringify(output)}`);
  if (s("out") === STDOUT && s("save") === STDOUT) throw new UsageError("--out and --save cannot both be - (stdout)");
  return {
    file,
    latent: integer("latent", text("latent"), 1),
    hidden: list(text("hidden"), (h) => integer("hidden", h, 1)),
    lambda: decimal("lambda", text("lambda"), true),
    epochs: integer("epochs", text("epochs"), 1),
    batchSize: integer("batch", text("batch"), 1),
    lr: decimal("lr", text("lr"), false),
    seed: integer("seed", text("seed"), 0),
    output,
    samples: integer("samples", text("samples"), 1),
    out: s("out"),
    save: s("save"),
    json: Boolean(v.json),
    labelColumn: s("label-column"),
    idColumn: s("id-column"),
    tableFlags: tableFlags(v),
  };
}

// The grid as tasks: plan, run, merge (grid.ts) and slurm (slurm.ts).
function parsePlan(args: string[]): PlanCommand | { help: string } {
  const command = parseSae(args, "plan");
  if ("help" in command) return command;
  const output = parse("plan", args).values.output as string | undefined;
  if (output === undefined) throw new UsageError("-o/--output FILE is required: the plan to write");
  if (output === STDOUT) throw new UsageError("-o takes a file: the results folder is the plan's sibling");
  return { ...command, output, arguments: planArguments(args, ALL_FLAGS.plan) };
}

/** The sae flags a plan stores, parsed and checked again by whoever reads the plan. */
function planFlags(args: string[]): SaeCommand {
  const parsed = parseSae(args, "plan");
  if ("help" in parsed || parse("plan", args).values.output !== undefined)
    throw new UsageError("--help and -o/--output are not flags of the cross-validation");
  return parsed;
}

function parseGrid<K extends "run" | "merge" | "slurm">(name: K, args: string[]) {
  const { values: v, positionals: found } = parse(name, args);
  const s = (flag: string) => v[flag] as string | undefined;
  const [plan] = v.help ? [""] : positionals(found, ["plan.json"]);
  return { v, s, plan, json: Boolean(v.json) };
}

function parseRun(args: string[]): RunCommand | { help: string } {
  const { v, s, plan, json } = parseGrid("run", args);
  if (v.help) return { help: help("run") };
  if (s("task") !== undefined && s("shard") !== undefined) throw new UsageError("give --task or --shard, not both");
  let shard: [number, number] | undefined;
  if (s("shard") !== undefined) {
    const [k, n, more] = (s("shard") as string).split("/");
    shard = [integer("shard", k, 1), integer("shard", n ?? "", 1)];
    if (more !== undefined || shard[0] > shard[1])
      throw new UsageError(`--shard is K/N with 1 ≤ K ≤ N; got ${JSON.stringify(s("shard"))}`);
  }
  const task = s("task") === undefined ? undefined : integer("task", s("task") as string, 0);
  return { plan, task, shard, results: s("results"), json };
}

function parseMerge(args: string[]): MergeCommand | { help: string } {
  const { v, s, plan, json } = parseGrid("merge", args);
  if (v.help) return { help: help("merge") };
  if (s("out") === STDOUT) throw new UsageError("--out takes a folder; - (stdout) is for a file, as in --save -");
  return { plan, results: s("results"), out: s("out"), save: s("save"), json };
}

function parseSlurm(args: string[]): SlurmCommand | { help: string } {
  const { v, s, plan, json } = parseGrid("slurm", args);
  if (v.help) return { help: help("slurm") };
  const time = s("time");
  if (time !== undefined && !SLURM_TIME.test(time))
    throw new UsageError(`--time must be sbatch's: minutes, HH:MM:SS or D-HH:MM:SS; got ${JSON.stringify(time)}`);
  const partition = s("partition");
  if (partition !== undefined && !SLURM_PARTITION.test(partition))
    throw new UsageError(`--partition must be a partition name (or a list); got ${JSON.stringify(partition)}`);
  const max = s("max-parallel");
  return {
    plan,
    submit: Boolean(v.submit),
    partition,
    time,
    cpusPerTask: integer("cpus-per-task", s("cpus-per-task") ?? "1", 1),
    maxParallel: max === undefined ? undefined : integer("max-parallel", max, 1),
    tasksPerJob: integer("tasks-per-job", s("tasks-per-job") ?? "1", 1),
    out: s("out"),
    save: s("save"),
    results: s("results"),
    json,
  };
}

function parseProject(args: string[]): ProjectCommand | { help: string } {
  const { values: v, positionals: files } = parse("project", args);
  if (v.help) return { help: help("project") };
  const s = (flag: string) => v[flag] as string | undefined;
  const stage = s("stage") as ProjectStage;
  if (!PROJECT_STAGES.includes(stage))
    throw new UsageError(`--stage must be one of ${PROJECT_STAGES.join(", ")}; got ${JSON.stringify(s("stage"))}`);
  const norm = (s("norm") ?? "inf") as GroupNormKind;
  if (!["inf", "1", "2"].includes(norm))
    throw new UsageError(`--norm must be inf, 1 or 2; got ${JSON.stringify(norm)}`);
  const output = s("output");
  if (output === undefined) throw new UsageError("-o/--output FILE is required");
  if (stage === "reduce" ? !files.length : files.length !== 1)
    throw new UsageError(stage === "reduce" ? "reduce takes every shard's partials" : `${stage} takes one shard`);
  if ((stage === "reduce") !== (s("radius") !== undefined)) throw new UsageError("--radius goes with --stage reduce");
  if ((stage === "apply") !== (s("thresholds") !== undefined))
    throw new UsageError("--thresholds goes with --stage apply, and is required there");
  const radius = s("radius") === undefined ? undefined : decimal("radius", s("radius") as string, true);
  return { stage, files, output, norm, radius, thresholds: s("thresholds"), json: Boolean(v.json) };
}

function parseExport(args: string[]): ExportCommand | { help: string } {
  const { values: v, positionals: found } = parse("export", args);
  if (v.help) return { help: help("export") };
  const [model] = positionals(found, ["model.json"]);
  const onnx = v.onnx as string | undefined;
  if (onnx === undefined) throw new UsageError("--onnx FILE is required (the only format export writes)");
  return { model, onnx, json: Boolean(v.json) };
}

const PARSERS = {
  sae: parseSae,
  predict: parsePredict,
  generate: parseGenerate,
  vae: parseVae,
  plan: parsePlan,
  run: parseRun,
  merge: parseMerge,
  slurm: parseSlurm,
  project: parseProject,
  export: parseExport,
  compare: parseCompare,
};
const RUNNERS = {
  sae: runSae,
  predict: runPredict,
  generate: runGenerate,
  vae: runVae,
  plan: runPlan,
  run: (command: RunCommand) => runTasks(command, planFlags),
  merge: (command: MergeCommand) => runMerge(command, planFlags),
  slurm: (command: SlurmCommand) => runSlurm(command, planFlags),
  project: runProject,
  export: runExport,
  compare: runCompare,
};
const COMMAND_NAMES = [...Object.keys(PARSERS), "dna", "image"];

/** What a command line asks for: a command's help, a command checked and ready to run, or dna's arguments. */
export type CommandLine =
  | { help: string }
  | { [K in keyof typeof PARSERS]: { name: K; command: Parameters<(typeof RUNNERS)[K]>[0] } }[keyof typeof PARSERS]
  | { name: "dna"; args: string[] }
  | { name: "image"; args: string[] };

/** Parses and checks a command line (without `node` and the script); a UsageError says what is wrong with it. */
export function parseCommandLine(argv: string[]): CommandLine {
  const [name, ...args] = argv;
  if (name === "dna" || name === "image") return { name, args } as CommandLine;
  if (name === undefined || !Object.hasOwn(PARSERS, name)) {
    throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${COMMAND_NAMES.join(", ")}`);
  }
  const parsed = PARSERS[name as keyof typeof PARSERS](args);
  return "help" in parsed ? parsed : ({ name, command: parsed } as CommandLine);
}

async function execute(line: CommandLine): Promise<void> {
  if ("help" in line) process.stdout.write(line.help);
  else if (line.name === "dna") await dna(line.args);
  else if (line.name === "image") await image(line.args);
  else await (RUNNERS[line.name] as (command: unknown) => Promise<unknown>)(line.command);
}

const ENGINE_RANGE_ERROR =
  /^(?:Maximum call stack|Invalid (?:typed )?array length|Invalid string length|Array buffer allocation)/;

/**
 * A library error that the user's settings caused, as one line; null for any other error. Only the message crosses
 * from a fold's worker thread (src/sae/cv/fold-workers.ts prefixes "fold F (seed S): "), so it is read from the text.
 */
function explain(error: unknown): string | null {
  const message = error instanceof Error ? error.message : "";
  const diverged = /the loss is (\S+) at epoch (\d+), step (\d+)/.exec(message);
  if (diverged) {
    const fold = /^fold (\d+) \(seed (\d+)\)/.exec(message);
    const where = `epoch ${diverged[2]}, step ${diverged[3]}${fold ? ` of fold ${fold[1]} (seed ${fold[2]})` : ""}`;
    return `training diverged: the loss became ${diverged[1]} at ${where}; try a lower --lr (or --lambda)`;
  }
  // The preflight in sae.ts catches networks too large for any memory; this is one the machine could not give.
  if (/needs \d+ bytes (?:of WebAssembly memory|and the WebAssembly memory cannot grow)/.test(message)) {
    return `out of WebAssembly memory (${message}); try a smaller --hidden or table`;
  }
  // The library's RangeErrors are about values it was handed (the table's, the flags'); the engine's own are bugs.
  if (error instanceof RangeError && !ENGINE_RANGE_ERROR.test(message.replace(/^fold \d+ \(seed \d+\): /, ""))) {
    return message;
  }
  return null;
}

/** Prints `error` as one line (a trace only for a bug) and returns the exit code. */
function report(error: unknown, where: string): number {
  if (error instanceof UsageError) {
    process.stderr.write(`${where}: ${error.message} (see ${where} --help)\n`);
    return 2;
  }
  // A bad input or output file (DataError), a file system refusal whose message names the path, or bad settings.
  const named = error instanceof DataError || typeof (error as NodeJS.ErrnoException).syscall === "string";
  const line = named ? (error as Error).message : explain(error);
  if (line !== null) {
    process.stderr.write(`${where}: ${line}\n`);
    return 1;
  }
  const trace = (error as Error)?.stack ?? String(error);
  process.stderr.write(`${where}: internal error, a bug in sparseproj (please report it with the command line):\n`);
  process.stderr.write(`${trace}\n`);
  return 70; // EX_SOFTWARE (sysexits.h)
}

/** Runs a command line (without `node` and the script) and returns the exit code; errors go to stderr. */
export async function run(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? process.stderr : process.stdout).write(help());
    return command === undefined ? 2 : 0;
  }
  try {
    await execute(parseCommandLine(argv));
    return 0;
  } catch (error) {
    return report(error, COMMAND_NAMES.includes(command) ? `sparseproj ${command}` : "sparseproj");
  }
}

export { parse as parseFlags };
/** For the tests: the table a command reads from a file (any format). */
export { readTable } from "./input.ts";

// Run when executed (node dist/cli.js, or npm's bin link to it), not when imported (examples/demo.mjs).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  // A reader that closes the pipe early (`| head`) has what it wanted: end at once and quietly, with the status a
  // shell reports for cat or grep killed by SIGPIPE there (128 + 13). Node ignores SIGPIPE and raises EPIPE instead.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(141);
    });
  }
  process.exitCode = await run(process.argv.slice(2));
}
